import * as argon2 from 'argon2';
import { Slots } from '@shouhu/database';

/**
 * At most this many argon2 hashes run at once; the others wait their turn, in order. argon2 runs on
 * libuv's thread pool (four threads unless UV_THREADPOOL_SIZE says otherwise), which PostgreSQL's
 * SCRAM handshakes (PBKDF2), file reads and DNS share: 41 sign-ins at once against a fresh api held
 * all four with 64 MiB hashes, the pool's new connections waited past DB_CONNECT_TIMEOUT_MS, and some
 * sign-ins answered 503 (RELIABILITY.md). Two hashes already keep this machine's two cores busy.
 */
export const ARGON2_AT_ONCE = 2;

const argon2Slots = Slots.counting(ARGON2_AT_ONCE);

/** argon2id with the library's defaults (64 MiB, t=3), the OWASP-recommended family. */
export function hashPassword(password: string): Promise<string> {
  return argon2Slots.run(() => argon2.hash(password, { type: argon2.argon2id }));
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2Slots.run(() => argon2.verify(hash, password));
  } catch {
    return false;
  }
}

/**
 * A hash to verify against when the username is unknown, so that an unknown user
 * and a wrong password take the same time.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword('decoy-password-that-never-matches');
  return decoy;
}
