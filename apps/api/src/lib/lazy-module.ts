/**
 * A CommonJS package loaded at its first use instead of at start-up. For the packages only some deployments or
 * only some requests need — ioredis and BullMQ (Redis configured), @simplewebauthn/server and its X.509/ASN.1
 * stack (a passkey ceremony), web-push (a push sent), chrono-node (a quick add): together ~0.85 s of start-up
 * here, and their code and heap in every process that never uses them (bench P10: ready < 5 s, idle RSS).
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
