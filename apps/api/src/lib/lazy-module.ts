/**
 * A CommonJS package loaded at its first use instead of at start-up. For the packages only some deployments or
 * only some requests need — ioredis and BullMQ (Redis configured), web-push (a push sent), chrono-node (a quick
 * add): ~0.7 s of start-up here, and their code and heap in every process that never uses them (bench P10: ready
 * < 5 s, idle RSS). Only for a package that changes nothing global when it loads: @simplewebauthn/server stays
 * loaded at start, because its X.509 stack installs the reflect-metadata polyfill on `Reflect` — loaded by the
 * first passkey request, that is a global changed while serving, which the fuzz suite's pollution check refuses.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export function lazyModule<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= load(id) as T;
    return loaded;
  };
}
