import type { Knex } from 'knex';
import { audit } from '../audit.js';
import { findUserById, recordLoginFailure, setPasswordHash, type User } from '../admin/user-store.js';
import type { Config } from '../config.js';
import { DomainError, invalid } from '../errors.js';
import { LOCKOUT_FAILURES, LOCKOUT_MINUTES } from './login-service.js';
import { hashPassword, verifyPassword } from './password.js';
import { passwordProblem } from './password-policy.js';
import { destroyOtherSessions } from './session-store.js';

// Hardening 11: everyone sets their own password at /account/password (POST /api/account/password);
// a person whose password was set by someone else must do so before anything else.

export const PASSWORD_CHANGE_REQUIRED = '您的密码由管理员设置，须先修改为只有您知道的密码，才能继续使用系统';

export interface AccountContext {
  db: Knex;
  config: Pick<Config, 'bcryptRounds' | 'sessionSecret'>;
}

/**
 * Checks the current password (a wrong one counts towards the account's lockout, as at login, so a
 * borrowed session cannot guess it), checks the new one against the policy, stores it, and ends the
 * person's other sessions: whoever knew the old password is logged out everywhere else.
 */
export async function changeOwnPassword(
  ctx: AccountContext,
  user: User,
  input: { currentPassword: string; newPassword: string },
  keepSession: string | null,
  ip: string | null,
): Promise<void> {
  const me = await findUserById(ctx.db, user.id);
  if (!me || !me.active) throw new DomainError('unauthorized', 'unauthorized', '请先登录');
  const now = new Date();
  if (me.lockedUntil && me.lockedUntil > now.toISOString()) {
    throw new DomainError('locked', 'locked', `账号因多次输错密码已被锁定，请 ${LOCKOUT_MINUTES} 分钟后再试或联系管理员`);
  }
  if (!(await verifyPassword(input.currentPassword, me.passwordHash))) {
    const willLock = me.failedLogins + 1 >= LOCKOUT_FAILURES;
    await recordLoginFailure(ctx.db, me.id, willLock ? new Date(now.getTime() + LOCKOUT_MINUTES * 60_000).toISOString() : null);
    await audit(ctx.db, { actor: me, action: willLock ? 'auth.locked' : 'account.password_change_failed', entity: 'user', entityId: me.id, ip });
    throw invalid({ currentPassword: '当前密码不正确' }, '当前密码不正确');
  }
  if (input.newPassword === input.currentPassword) throw invalid({ newPassword: '新密码不能与当前密码相同' }, '新密码不能与当前密码相同');
  const problem = passwordProblem(input.newPassword, me);
  if (problem) throw invalid({ newPassword: problem }, problem);
  const hash = await hashPassword(input.newPassword, ctx.config.bcryptRounds);
  await ctx.db.transaction(async (trx) => {
    await setPasswordHash(trx, me.id, hash, false);
    await destroyOtherSessions(trx, ctx.config.sessionSecret, me.id, keepSession);
    await audit(trx, { actor: me, action: 'account.password_change', entity: 'user', entityId: me.id, detail: { wasRequired: me.mustChangePassword }, ip });
  });
}
