import type { Db } from '../../db/knex.js';
import { audit } from '../audit.js';
import { findUserByUsername, isPerson, recordLoginFailure, resetLoginFailures, withoutHash, type User, type UserWithHash } from '../admin/user-store.js';
import type { Config } from '../config.js';
import { DomainError } from '../errors.js';
import { bcryptCost, dummyHash, verifyPassword } from './password.js';
import { isPublishedPassword, PUBLISHED_PASSWORD_REFUSED } from './password-policy.js';
import { destroySession, type SessionKind } from './session-store.js';

// Lockout after repeated failures for one account; throttling per address against guessing many accounts.
export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_MINUTES = 15;
export const IP_WINDOW_MINUTES = 15;
export const IP_MAX_FAILURES = 20;

const INVALID = '用户名或密码错误';

export interface LoginContext {
  db: Db;
  config: Pick<Config, 'bcryptRounds' | 'production'>;
}

/**
 * Hardening 10: every attempt that gets past the address throttle compares exactly one bcrypt hash —
 * the account's, or for a name with no usable hash (unknown, the platform's actor) a dummy at the
 * cost new hashes get — before anything about the account decides the answer. An unknown name, an
 * inactive or locked account and a wrong password so take the same time.
 */
export async function authenticate(ctx: LoginContext, username: string, password: string, ip: string): Promise<User> {
  const { db } = ctx;
  const since = new Date(Date.now() - IP_WINDOW_MINUTES * 60_000).toISOString();
  const recent = await db('login_failures').where('ip', ip).andWhere('at', '>', since).count<{ n: number | string }[]>({ n: '*' }).first();
  if (Number(recent?.n ?? 0) >= IP_MAX_FAILURES) {
    throw new DomainError('throttled', 'throttled', `登录失败次数过多，请 ${IP_WINDOW_MINUTES} 分钟后再试`);
  }
  // Hardening 7: a published password is refused in production, whoever's it is. It says nothing
  // about any account, so it is answered before one is looked up; it counts against the address.
  if (ctx.config.production && isPublishedPassword(password)) {
    await db('login_failures').insert({ ip, username: username.slice(0, 64), at: new Date().toISOString() });
    await audit(db, { actor: null, action: 'auth.published_password', detail: { username: username.slice(0, 64) }, ip });
    throw new DomainError('unauthorized', 'published_password', PUBLISHED_PASSWORD_REFUSED);
  }
  const found = await findUserByUsername(db, username);
  const user: UserWithHash | null = found && isPerson(found) ? found : null;
  const usable = user && bcryptCost(user.passwordHash) !== null ? user.passwordHash : null;
  const ok = (await verifyPassword(password, usable ?? (await dummyHash(ctx.config.bcryptRounds)))) && usable !== null;
  const now = new Date();
  if (user?.lockedUntil && user.lockedUntil > now.toISOString()) {
    await audit(db, { actor: { id: user.id, username: user.username }, action: 'auth.login_locked', ip });
    throw new DomainError('locked', 'locked', `账号因多次登录失败已被锁定，请 ${LOCKOUT_MINUTES} 分钟后再试或联系管理员`);
  }
  if (!user || !ok || !user.active) {
    await db('login_failures').insert({ ip, username: username.slice(0, 64), at: now.toISOString() });
    if (user) {
      const willLock = user.failedLogins + 1 >= LOCKOUT_FAILURES;
      const lockUntil = willLock ? new Date(now.getTime() + LOCKOUT_MINUTES * 60_000).toISOString() : null;
      await recordLoginFailure(db, user.id, lockUntil);
      await audit(db, {
        actor: { id: user.id, username: user.username },
        action: willLock ? 'auth.locked' : 'auth.login_failed',
        ip,
      });
    } else {
      await audit(db, { actor: null, action: 'auth.login_failed', detail: { username: username.slice(0, 64) }, ip });
    }
    throw new DomainError('unauthorized', 'invalid_credentials', user && !user.active && ok ? '账号已停用' : INVALID);
  }
  if (user.failedLogins > 0 || user.lockedUntil) await resetLoginFailures(db, user.id);
  await audit(db, { actor: { id: user.id, username: user.username }, action: 'auth.login', ip });
  return withoutHash(user);
}

/**
 * Ends a session (the login form's cookie or an API token) and audits it like the login, with the
 * address. A session already gone (expired, logged out on another tab) is not audited twice.
 */
export async function logout(
  db: Db,
  sessionSecret: string,
  s: { user: Pick<User, 'id' | 'username'>; secret: string; kind: SessionKind; ip: string | null },
): Promise<void> {
  await db.transaction(async (trx) => {
    if (!(await destroySession(trx, sessionSecret, s.secret))) return;
    await audit(trx, { actor: { id: s.user.id, username: s.user.username }, action: 'auth.logout', detail: { kind: s.kind }, ip: s.ip });
  });
}
