// One's own password, for everyone — and the only page a person whose password was set by an
// administrator can reach until they change it (auth/password-change-gate.ts; 等保 level 3).
import { z } from 'zod';
import type { Request, Response } from 'express';
import { route, type RouteDef } from '../http/route.js';
import { statusOf } from '../http/error-mapping.js';
import type { User } from '../admin/user-store.js';
import { changeOwnPassword } from '../auth/account-service.js';
import { PASSWORD_RULES } from '../auth/password-policy.js';
import { ACCOUNT_PASSWORD_PAGE } from '../auth/password-change-gate.js';
import { invalid } from '../errors.js';
import { safeNext } from './auth-routes.js';

/** A same-site path to go back to afterwards, never the change page itself. */
const backTo = (v: unknown): string | null => {
  const next = safeNext(v);
  return next === '/' && v !== '/' ? null : next.startsWith(ACCOUNT_PASSWORD_PAGE) ? null : next;
};

const password = (missing: string) => z.string({ error: missing }).min(1, missing).max(256);
const apiChange = z.strictObject({ currentPassword: password('请填写当前密码'), newPassword: password('请填写新密码') });
const formChange = z.strictObject({
  currentPassword: password('请填写当前密码'),
  newPassword: password('请填写新密码'),
  repeatPassword: z.string().max(256).optional(),
  next: z.string().max(2000).optional(),
});

function page(req: Request, res: Response, user: User, status: number, extra: Record<string, unknown> = {}) {
  const next = typeof req.body?.next === 'string' ? req.body.next : req.query.next;
  res.status(status).render('account-password', {
    title: '修改密码', mustChange: user.mustChangePassword, rules: PASSWORD_RULES,
    next: backTo(next) ?? '', fields: {}, error: null,
    flash: req.query.changed ? '密码已修改。其他设备上的登录已退出。' : null, ...extra,
  });
}

export const accountRoutes: RouteDef[] = [
  route({
    method: 'get', path: ACCOUNT_PASSWORD_PAGE, permission: 'user',
    query: z.strictObject({ next: z.string().max(2000).optional(), changed: z.string().max(10).optional() }),
    summary: '修改密码',
    handler: ({ req, res, user }) => page(req, res, user, 200),
  }),
  route({
    method: 'post', path: ACCOUNT_PASSWORD_PAGE, permission: 'user', body: formChange,
    summary: '修改密码（表单）',
    onRefusal: (c, e) => {
      if (!c.user) throw e;
      page(c.req, c.res, c.user, statusOf(e), { fields: e.fields ?? {}, error: e.message });
    },
    handler: async ({ ctx, user, body, req, ip, res }) => {
      if (body.newPassword !== body.repeatPassword) throw invalid({ repeatPassword: '两次输入的新密码不一致' });
      await changeOwnPassword(ctx, user, { currentPassword: body.currentPassword, newPassword: body.newPassword }, req.sessionToken ?? null, ip);
      res.redirect(303, backTo(body.next) ?? `${ACCOUNT_PASSWORD_PAGE}?changed=1`);
    },
  }),
  route({
    method: 'post', path: '/api/account/password', permission: 'user', body: apiChange,
    summary: "change one's own password: {currentPassword, newPassword}; other sessions end. A person whose password an administrator set must do this first: until then every other call answers 403 `password_change_required`",
    responses: { 204: { description: 'changed' }, 423: { description: 'account locked after repeated wrong current passwords' } },
    handler: async ({ ctx, user, body, req, ip, res }) => {
      await changeOwnPassword(ctx, user, body, req.sessionToken ?? null, ip);
      res.status(204).end();
    },
  }),
];
