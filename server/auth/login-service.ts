import type { Db } from '../../db/knex.js';
import { audit } from '../audit.js';
import { findUserByUsername, recordLoginFailure, resetLoginFailures, withoutHash, type User } from '../admin/user-store.js';
import { DomainError } from '../errors.js';
import { verifyPassword } from './password.js';
import { destroySession, type SessionKind } from './session-store.js';

// Lockout after repeated failures for one account; throttling per address against guessing many accounts.
export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_MINUTES = 15;
export const IP_WINDOW_MINUTES = 15;
export const IP_MAX_FAILURES = 20;

const INVALID = '用户名或密码错误';

export async function authenticate(db: Db, username: string, password: string, ip: string): Promise<User> {
  const since = new Date(Date.now() - IP_WINDOW_MINUTES * 60_000).toISOString();
  const recent = await db('login_failures').where('ip', ip).andWhere('at', '>', since).count<{ n: number | string }[]>({ n: '*' }).first();
  if (Number(recent?.n ?? 0) >= IP_MAX_FAILURES) {
    throw new DomainError('throttled', 'throttled', `登录失败次数过多，请 ${IP_WINDOW_MINUTES} 分钟后再试`);
  }
  const user = await findUserByUsername(db, username);
  const now = new Date();
  if (user?.lockedUntil && user.lockedUntil > now.toISOString()) {
    await audit(db, { actor: { id: user.id, username: user.username }, action: 'auth.login_locked', ip });
    throw new DomainError('locked', 'locked', `账号因多次登录失败已被锁定，请 ${LOCKOUT_MINUTES} 分钟后再试或联系管理员`);
  }
  const ok = user ? await verifyPassword(password, user.passwordHash) : false;
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
