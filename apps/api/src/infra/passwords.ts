/**
 * argon2id at OWASP parameters (m = 19 MiB, t = 2, p = 1) via @node-rs/argon2 (no install scripts, ~2x faster
 * than node-argon2 here). Hashes made with weaker parameters are re-hashed at the next successful login.
 */
import { hash, verify } from '@node-rs/argon2';

const ARGON2_PARAMS = {
  algorithm: 2 /* Algorithm.Argon2id (a const enum) */,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;
const PARAM_PREFIX = `$argon2id$v=19$m=${ARGON2_PARAMS.memoryCost},t=${ARGON2_PARAMS.timeCost},p=${ARGON2_PARAMS.parallelism}$`;

export const hashPassword = (password: string) => hash(password, ARGON2_PARAMS);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

export const needsRehash = (passwordHash: string) => !passwordHash.startsWith(PARAM_PREFIX);

let dummy: Promise<string> | undefined;
/** Spend the time of a real verification when there is no account, so timing does not reveal which emails exist. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword('dummy-password-for-timing-equalisation');
  await verifyPassword(await dummy, password);
  return false;
}
