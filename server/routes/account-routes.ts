import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { requireUser } from '../auth/auth-middleware.js';
import { changeOwnPassword } from '../auth/account-service.js';
import { PASSWORD_RULES } from '../auth/password-policy.js';
import { ACCOUNT_PASSWORD_PAGE } from '../auth/password-change-gate.js';
import { DomainError, invalid } from '../errors.js';
import { statusOf } from '../http/error-mapping.js';
import { clientIp } from './api-routes.js';

// Hardening 11: one's own password, for everyone — and the only page a person whose password was
// set by an administrator can reach until they change it (password-change-gate.ts).

/** Only same-site relative paths are followed afterwards. */
const safeNext = (v: unknown) => (typeof v === 'string' && /^\/(?!\/)/.test(v) && !v.startsWith(ACCOUNT_PASSWORD_PAGE) ? v : null);

const ChangeBody = z.strictObject({
  currentPassword: z.string({ error: '请填写当前密码' }).min(1, '请填写当前密码').max(256),
  newPassword: z.string({ error: '请填写新密码' }).min(1, '请填写新密码').max(256),
});

/** zod issues as the desk's per-field Chinese messages; unknown keys are refused by name. */
function parseChange(body: unknown) {
  const r = ChangeBody.safeParse(body ?? {});
  if (r.success) return r.data;
  const fields: Record<string, string> = {};
  for (const issue of r.error.issues) {
    if (issue.code === 'unrecognized_keys') for (const k of issue.keys) fields[k] = '不接受该字段';
    else fields[issue.path.join('.') || 'body'] ??= issue.message;
  }
  throw invalid(fields);
}

export function accountRouter(ctx: AppContext): Router {
  const r = Router();

  const page = (req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) => {
    const user = requireUser(req);
    res.status(status).render('account-password', {
      title: '修改密码', mustChange: user.mustChangePassword, rules: PASSWORD_RULES,
      next: safeNext(req.body?.next ?? req.query.next) ?? '', fields: {}, error: null,
      flash: req.query.changed ? '密码已修改。其他设备上的登录已退出。' : null, ...extra,
    });
  };

  r.get(ACCOUNT_PASSWORD_PAGE, (req, res) => page(req, res, 200));

  r.post(ACCOUNT_PASSWORD_PAGE, async (req, res) => {
    const user = requireUser(req);
    const form = (req.body ?? {}) as Record<string, unknown>;
    const str = (k: string) => (typeof form[k] === 'string' ? (form[k] as string) : '');
    try {
      const fields: Record<string, string> = {};
      if (!str('currentPassword')) fields.currentPassword = '请填写当前密码';
      if (!str('newPassword')) fields.newPassword = '请填写新密码';
      else if (str('newPassword') !== str('repeatPassword')) fields.repeatPassword = '两次输入的新密码不一致';
      if (Object.keys(fields).length) throw invalid(fields);
      await changeOwnPassword(ctx, user, { currentPassword: str('currentPassword'), newPassword: str('newPassword') }, req.sessionToken ?? null, clientIp(req));
      res.redirect(303, safeNext(form.next) ?? `${ACCOUNT_PASSWORD_PAGE}?changed=1`);
    } catch (e) {
      if (!(e instanceof DomainError) || statusOf(e) >= 500 || e.kind === 'unauthorized') throw e;
      page(req, res, statusOf(e), { fields: e.fields ?? {}, error: e.message });
    }
  });

  r.post('/api/account/password', async (req, res) => {
    const user = requireUser(req);
    const input = parseChange(req.body);
    await changeOwnPassword(ctx, user, input, req.sessionToken ?? null, clientIp(req));
    res.status(204).end();
  });

  return r;
}
