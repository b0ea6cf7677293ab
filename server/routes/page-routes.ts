import { statusOf } from '../http/error-mapping.js';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { authenticate } from '../auth/login-service.js';
import { ANON_CSRF_COOKIE, cookieOptions, requireUser, SESSION_COOKIE } from '../auth/auth-middleware.js';
import { createSession, destroySession, SESSION_HOURS } from '../auth/session-store.js';
import { DomainError } from '../errors.js';
import { nestFormFields, validateIntake } from '../cases/intake.js';
import {
  applyApplicationEvent, getApplicationView, getAttachment, listApplicationViews, registerApplication, addAttachments,
} from '../cases/application-service.js';
import { countByState } from '../cases/application-store.js';
import { visibleAgencyIds } from '../policy.js';
import { acceptAttachments, uploadedFiles } from './uploads.js';
import { clientIp, parseListQuery } from './api-routes.js';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { DECISIONS } from '../../workflows/decisions.js';
import { loadCalendar } from '../calendar-store.js';
import { renderApplicationPage } from './case-page.js';
import { listAppealViews } from '../appeals/appeal-service.js';
import { passagesFromForm } from '../passages/passage-service.js';
import { passagePageRouter } from './passage-page-routes.js';

/** Only same-site relative paths are followed after login. */
const safeNext = (v: unknown) => (typeof v === 'string' && /^\/(?!\/)/.test(v) ? v : '/');

export function pageRouter(ctx: AppContext): Router {
  const r = Router();

  r.get('/login', (req, res) => {
    if (req.user) return res.redirect(303, '/');
    res.render('login', { title: '登录', next: safeNext(req.query.next), error: null, username: '' });
  });

  r.post('/login', async (req, res) => {
    const { username, password, next } = req.body as Record<string, string>;
    try {
      if (!username || !password) throw new DomainError('invalid', 'invalid', '请填写用户名和密码');
      const user = await authenticate(ctx, username, password, clientIp(req) ?? '');
      const { secret } = await createSession(ctx.db, ctx.config.sessionSecret, user.id, 'cookie');
      res.cookie(SESSION_COOKIE, secret, { ...cookieOptions(ctx), maxAge: SESSION_HOURS * 3600_000 });
      res.clearCookie(ANON_CSRF_COOKIE, { path: '/' });
      res.redirect(303, safeNext(next));
    } catch (e) {
      if (!(e instanceof DomainError) || statusOf(e) >= 500) throw e;
      res.status(statusOf(e)).render('login', { title: '登录', next: safeNext(next), error: e.message, username: username ?? '' });
    }
  });

  r.post('/logout', async (req, res) => {
    if (req.sessionToken && req.authKind === 'cookie') await destroySession(ctx.db, ctx.config.sessionSecret, req.sessionToken);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/login');
  });

  // 工作台: my cases, due soon, overdue, by state; sorted by urgency (replyDue).
  r.get('/', async (req, res) => {
    const user = requireUser(req);
    // Issue 6: the dashboard is the manager's home page; their inbox stays one click away.
    if (user.role === 'manager' && Object.keys(req.query).length === 0) return res.redirect(303, '/dashboard');
    const query = parseListQuery(req.query as Record<string, unknown>);
    const filtered = query.state || query.text || query.dueBefore || query.overdue || query.open;
    const list = await listApplicationViews(ctx, user, filtered ? query : { ...query, open: true });
    // Due within 3 working days (ui.md amber) and overdue (red): queried on the cached dates, judged by the clock.
    const soonLimit = (await loadCalendar(ctx.db)).addWorkingDays(ctx.clock.today(), 3);
    const overdue = (await listApplicationViews(ctx, user, { overdue: true, pageSize: 200 })).items.filter((a) => a.overdue);
    const dueSoon = (await listApplicationViews(ctx, user, { dueBefore: soonLimit, pageSize: 200 })).items.filter((a) => a.dueSoon);
    const byState = await countByState(ctx.db, await visibleAgencyIds(ctx, user));
    // Legal staff and managers also watch the appeal deadlines: answers due, appeal windows open.
    const appealAlerts = user.role === 'legal' || user.role === 'manager'
      ? (await listAppealViews(ctx, user, { open: true })).filter((a) => a.deadlines.answerOverdue || a.deadlines.answerDueSoon || a.deadlines.appealWindowOpen)
      : [];
    res.render('inbox', { title: '工作台', list, overdue, dueSoon, byState, query: req.query, filtered, appealAlerts });
  });

  r.get('/applications/new', (req, res) => {
    const user = requireUser(req);
    if (user.role !== 'caseworker') throw new DomainError('forbidden', 'forbidden', '只有承办人可以登记申请');
    res.render('application-new', { title: '登记申请', form: { receivedDate: ctx.clock.today(), channel: 'in_person', 'applicant.kind': 'natural_person', 'applicant.idType': 'resident_id', 'request.delivery': 'paper' }, fields: {}, error: null });
  });

  r.post('/applications', ...acceptAttachments(), async (req: Request, res: Response) => {
    const user = requireUser(req);
    if (user.role !== 'caseworker') throw new DomainError('forbidden', 'forbidden', '只有承办人可以登记申请');
    const form = (req.body ?? {}) as Record<string, string>;
    // Browsers cannot refill a file input: say so when files were chosen.
    const filesLost = uploadedFiles(req).length > 0;
    const rerender = (status: number, fields: Record<string, string>, error: string) =>
      res.status(status).render('application-new', { title: '登记申请', form, fields, error, filesLost });
    const result = validateIntake(nestFormFields(form), ctx.clock.today());
    if (!result.ok) return rerender(422, result.fields, '请更正标出的字段后再提交');
    try {
      const view = await registerApplication(ctx, user, result.value, uploadedFiles(req), clientIp(req));
      res.redirect(303, `/applications/${view.id}?registered=1`);
    } catch (e) {
      if (e instanceof DomainError && statusOf(e) === 422) return rerender(422, e.fields ?? {}, e.message);
      throw e;
    }
  });

  r.get('/applications/:id', async (req, res) => {
    const user = requireUser(req);
    await renderApplicationPage(ctx, res, user, Number(req.params.id), { flash: req.query.registered ? '申请已登记' : null });
  });

  r.post('/applications/:id/events', ...acceptAttachments(), async (req, res) => {
    const user = requireUser(req);
    const id = Number(req.params.id);
    const body = { ...(req.body as Record<string, unknown>) };
    delete body._csrf;
    for (const [k, v] of Object.entries(body)) if (v === '') delete body[k];
    if (typeof body.items === 'string') body.items = body.items.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
    for (const k of ['periodWorkingDays', 'workingDays', 'pages', 'amount']) if (typeof body[k] === 'string') body[k] = Number(body[k]);
    const version = body.version ? Number(body.version) : undefined;
    delete body.version;
    try {
      // Issue 7: passages chosen without JS have their wording appended to the reasons.
      if (body.type === 'DRAFT_REPLY') await passagesFromForm(ctx, body);
      await applyApplicationEvent(ctx, user, id, { body, ifMatch: version, ip: clientIp(req), files: uploadedFiles(req) });
      res.redirect(303, `/applications/${id}`);
    } catch (e) {
      if (!(e instanceof DomainError) || statusOf(e) >= 500 || statusOf(e) === 404) throw e;
      const detail = e.fields ? Object.values(e.fields).join('；') : '';
      await renderApplicationPage(ctx, res, user, id, { status: statusOf(e), eventError: { type: body.type, message: detail || e.message } });
    }
  });

  r.post('/applications/:id/attachments', ...acceptAttachments(), async (req, res) => {
    const user = requireUser(req);
    await addAttachments(ctx, user, Number(req.params.id), uploadedFiles(req), clientIp(req));
    res.redirect(303, `/applications/${req.params.id}`);
  });

  r.get('/applications/:id/attachments/:attachmentId', async (req, res) => {
    const user = requireUser(req);
    const a = await getAttachment(ctx, user, Number(req.params.id), Number(req.params.attachmentId));
    res.type(a.mime);
    res.set('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(a.filename)}`);
    createReadStream(join(ctx.config.dataDir, a.storagePath)).pipe(res);
  });

  r.use(passagePageRouter(ctx));

  return r;
}
