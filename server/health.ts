// Readiness: not "the process is up" but "it can serve a logged-in person now".
import type { AppContext } from './context.js';
import { findSession } from './auth/session-store.js';
import { findUserById } from './admin/user-store.js';

export interface Readiness {
  ready: boolean;
  checks: { database: boolean; prototypes: boolean; authenticatedQuery: boolean };
  message?: string;
}

/** Enumerable keys someone wrote onto Object.prototype (prototype pollution): knex would add them to every query. */
export function pollutedKeys(): string[] {
  const keys: string[] = [];
  // eslint-disable-next-line guard-for-in
  for (const k in {}) keys.push(k);
  return keys;
}

export async function readiness(ctx: AppContext): Promise<Readiness> {
  const checks = { database: false, prototypes: pollutedKeys().length === 0, authenticatedQuery: false };
  try {
    await ctx.db.raw('select 1');
    checks.database = true;
    // What every authenticated request does: look up a session by an object-style where, then its user.
    await findSession(ctx.db, ctx.config.sessionSecret, 'readiness-probe', 'token');
    await findUserById(ctx.db, 0);
    checks.authenticatedQuery = true;
  } catch {
    // reported below
  }
  const ready = checks.database && checks.prototypes && checks.authenticatedQuery;
  return {
    ready,
    checks,
    ...(ready ? {} : { message: !checks.database ? '数据库不可用' : !checks.prototypes ? '服务进程状态异常（对象原型被修改），需要重启' : '无法完成登录用户的查询' }),
  };
}
