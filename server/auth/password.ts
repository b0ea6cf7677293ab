import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';

// bcryptjs: pure JavaScript, installs from the npm registry alone (issue 2).
export async function hashPassword(password: string, rounds: number): Promise<string> {
  return bcrypt.hash(password, rounds);
}

const BCRYPT_HASH = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

/** The cost of a bcrypt hash, or null for anything else (the platform's '!', a damaged row). */
export function bcryptCost(hash: string): number | null {
  const m = BCRYPT_HASH.exec(hash);
  return m ? Number(m[1]) : null;
}

let observer: ((cost: number) => void) | null = null;
/**
 * Tests watch the work each login does (hardening 10: one comparison at the same cost whether the
 * account exists or not) instead of timing it. Null stops watching.
 */
export function observePasswordComparisons(fn: ((cost: number) => void) | null): void {
  observer = fn;
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  observer?.(bcryptCost(hash) ?? 0);
  return bcrypt.compare(password, hash);
}

const dummies = new Map<number, Promise<string>>();
/**
 * A hash of a random password at the cost new hashes get: a login for a name with no usable hash
 * (unknown, the platform) compares against it, so it takes as long as a wrong password for a real
 * account. Made once per cost and process.
 */
export function dummyHash(rounds: number): Promise<string> {
  let h = dummies.get(rounds);
  if (!h) {
    h = bcrypt.hash(randomBytes(18).toString('base64'), rounds);
    dummies.set(rounds, h);
  }
  return h;
}
