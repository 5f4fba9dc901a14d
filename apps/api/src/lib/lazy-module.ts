/**
 * A CommonJS package loaded at its first use instead of at start-up. For the packages only some deployments or
 * only some requests need — ioredis and BullMQ (Redis configured), @simplewebauthn/server and its X.509 / ASN.1
 * stack (a passkey ceremony), web-push (a push sent), chrono-node (a quick add): ~0.85 s of start-up here, and
 * their code and heap in every process that never uses them (bench P10: ready < 5 s, idle RSS). A package loaded
 * late must change nothing global when it loads (the fuzz suite refuses a global changed while serving): what does
 * — the reflect-metadata polyfill @simplewebauthn/server requires — is loaded at start with loadNow, and the late
 * require() then finds it in the cache.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/** Load a module now (at start-up), for a lazily loaded package that needs it and would change globals with it. */
export function loadNow(id: string): void {
  load(id);
}

export function lazyModule<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= load(id) as T;
    return loaded;
  };
}
