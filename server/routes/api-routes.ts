import { Router, type Request } from 'express';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../context.js';
import { authenticate } from '../auth/login-service.js';
import { createSession, destroySession, SESSION_HOURS } from '../auth/session-store.js';
import { requireRole, requireUser } from '../auth/auth-middleware.js';
import { DomainError, invalid, badRequest } from '../errors.js';
import { validateIntake } from '../cases/intake.js';
import {
  addAttachments, applyApplicationEvent, getApplicationView, getAttachment, listApplicationViews, registerApplication,
} from '../cases/application-service.js';
import { acceptAttachments, uploadedFiles } from './uploads.js';
import { listAgencies } from '../admin/agency-store.js';
import { listUsers } from '../admin/user-store.js';
import { addAgency, addUser } from '../admin/admin-service.js';
import { listAudit } from '../audit.js';
import { isIsoDate } from '../../workflows/dates.js';
import { openApiDocument } from './openapi.js';
import { documentApiRouter } from './document-routes.js';
import { appealApiRouter } from './appeal-routes.js';
import { passageApiRouter } from './passage-routes.js';
import { applicantApiRouter } from './applicant-routes.js';
import { feeApiRouter } from './fee-routes.js';
import { calendarYear, setCalendarDay, unsetCalendarDay } from '../admin/calendar-service.js';

export const clientIp = (req: Request) => req.ip ?? null;

function intParam(v: unknown, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new DomainError('not_found', 'not_found', `未找到该记录（${name} 无效）`);
  return n;
}

export function parseListQuery(q: Record<string, unknown>) {
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const dueBefore = str(q.dueBefore);
  if (dueBefore && !isIsoDate(dueBefore)) throw invalid({ dueBefore: '日期格式应为 YYYY-MM-DD' });
  const page = q.page ? Number(q.page) : 1;
  const pageSize = q.pageSize ? Number(q.pageSize) : 50;
  if (!Number.isInteger(page) || page < 1) throw invalid({ page: '页码应为正整数' });
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 200) throw invalid({ pageSize: '每页条数应为 1–200' });
  return {
    state: str(q.state)?.split(',').map((s) => s.trim()).filter(Boolean),
    text: str(q.text)?.slice(0, 100),
    dueBefore,
    overdue: q.overdue === 'true' || q.overdue === '1',
    open: q.open === 'true' || q.open === '1',
    page,
    pageSize,
  };
}

export function apiRouter(ctx: AppContext): Router {
  const r = Router();

  r.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });

  r.use(documentApiRouter(ctx));
  r.use(appealApiRouter(ctx));
  r.use(passageApiRouter(ctx));
  r.use(applicantApiRouter(ctx));
  r.use(feeApiRouter(ctx));

  r.post('/auth/token', async (req, res) => {
    const { username, password } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof username !== 'string' || typeof password !== 'string' || !username || !password) {
      throw invalid({ username: '请填写用户名', password: '请填写密码' }, '请填写用户名和密码');
    }
    const user = await authenticate(ctx, username, password, clientIp(req) ?? '');
    const { secret } = await createSession(ctx.db, ctx.config.sessionSecret, user.id, 'token');
    // Hardening 11: with passwordChangeRequired the token serves only POST /api/account/password.
    res.json({ token: secret, expiresInHours: SESSION_HOURS, passwordChangeRequired: user.mustChangePassword, user: { username: user.username, role: user.role, agency: user.agencyCode } });
  });

  r.delete('/auth/token', async (req, res) => {
    requireUser(req);
    if (req.authKind === 'token' && req.sessionToken) await destroySession(ctx.db, ctx.config.sessionSecret, req.sessionToken);
    res.status(204).end();
  });

  r.get('/me', (req, res) => {
    const u = requireUser(req);
    res.json({ id: u.id, username: u.username, displayName: u.displayName, role: u.role, agency: { code: u.agencyCode, name: u.agencyName } });
  });

  // --- applications -----------------------------------------------------------------------
  r.post('/applications', ...acceptAttachments(), async (req, res) => {
    const user = requireRole(req, 'caseworker');
    let body: unknown = req.body;
    if (req.is('multipart/form-data')) {
      const data = (req.body as Record<string, unknown>)?.data;
      if (typeof data !== 'string') throw badRequest('multipart 请求须包含 JSON 字段 data');
      try {
        body = JSON.parse(data);
      } catch {
        throw badRequest('字段 data 不是有效的 JSON');
      }
    }
    const result = validateIntake(body, ctx.clock.today());
    if (!result.ok) throw invalid(result.fields);
    const view = await registerApplication(ctx, user, result.value, uploadedFiles(req), clientIp(req));
    res.status(201).location(`/api/applications/${view.id}`).json(view);
  });

  r.get('/applications', async (req, res) => {
    const user = requireUser(req);
    res.json(await listApplicationViews(ctx, user, parseListQuery(req.query as Record<string, unknown>)));
  });

  r.get('/applications/:id', async (req, res) => {
    const user = requireUser(req);
    const view = await getApplicationView(ctx, user, intParam(req.params.id, 'id'));
    res.set('ETag', `"${view.version}"`).json(view);
  });

  r.post('/applications/:id/events', ...acceptAttachments(), async (req, res) => {
    const user = requireUser(req);
    const header = req.get('if-match');
    let ifMatch: number | undefined;
    if (header !== undefined) {
      ifMatch = Number(header.replace(/^W\//, '').replace(/"/g, ''));
      if (!Number.isInteger(ifMatch)) throw badRequest('If-Match 应为申请的版本号');
    }
    const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
    if (req.is('multipart/form-data')) for (const k of ['periodWorkingDays', 'workingDays', 'pages', 'amount']) if (typeof body[k] === 'string') body[k] = Number(body[k]);
    const view = await applyApplicationEvent(ctx, user, intParam(req.params.id, 'id'), { body, ifMatch, ip: clientIp(req), files: uploadedFiles(req) });
    res.set('ETag', `"${view.version}"`).json(view);
  });

  r.post('/applications/:id/attachments', ...acceptAttachments(), async (req, res) => {
    const user = requireUser(req);
    res.status(201).json(await addAttachments(ctx, user, intParam(req.params.id, 'id'), uploadedFiles(req), clientIp(req)));
  });

  r.get('/applications/:id/attachments/:attachmentId', async (req, res) => {
    const user = requireUser(req);
    const a = await getAttachment(ctx, user, intParam(req.params.id, 'id'), intParam(req.params.attachmentId, 'attachmentId'));
    res.type(a.mime);
    res.set('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(a.filename)}`);
    createReadStream(join(ctx.config.dataDir, a.storagePath)).pipe(res);
  });

  // --- administration ----------------------------------------------------------------------
  r.get('/agencies', async (req, res) => {
    requireUser(req);
    res.json({ items: await listAgencies(ctx.db) });
  });

  r.post('/agencies', async (req, res) => {
    const admin = requireRole(req, 'admin');
    const b = (req.body ?? {}) as Record<string, unknown>;
    const agency = await addAgency(
      ctx.db,
      { code: String(b.code ?? ''), name: String(b.name ?? ''), parentCode: typeof b.parent === 'string' && b.parent ? b.parent : null },
      admin,
    );
    res.status(201).json(agency);
  });

  r.get('/users', async (req, res) => {
    requireRole(req, 'admin');
    res.json({ items: await listUsers(ctx.db) });
  });

  r.post('/users', async (req, res) => {
    const admin = requireRole(req, 'admin');
    const b = (req.body ?? {}) as Record<string, unknown>;
    const id = await addUser(
      ctx.db,
      { username: String(b.username ?? ''), displayName: String(b.displayName ?? ''), role: String(b.role ?? ''), agencyCode: String(b.agency ?? ''), password: String(b.password ?? '') },
      admin,
      ctx.config.bcryptRounds,
    );
    res.status(201).json({ id, username: b.username });
  });

  r.get('/audit', async (req, res) => {
    requireRole(req, 'admin');
    const page = Math.max(1, Number(req.query.page ?? 1) || 1);
    res.json(await listAudit(ctx.db, { page, pageSize: 100, action: req.query.action as string | undefined, username: req.query.username as string | undefined }));
  });

  // --- working-day calendar (package data + local overrides) -------------------------------
  r.get('/calendar/:year', async (req, res) => {
    requireUser(req);
    res.json(await calendarYear(ctx, Number(req.params.year)));
  });

  r.put('/calendar/overrides/:date', async (req, res) => {
    const admin = requireRole(req, 'admin');
    const b = (req.body ?? {}) as Record<string, unknown>;
    const recomputed = await setCalendarDay(ctx, admin, { date: req.params.date, kind: b.kind, note: b.note });
    res.json({ date: req.params.date, kind: b.kind, recomputedApplications: recomputed });
  });

  r.delete('/calendar/overrides/:date', async (req, res) => {
    const admin = requireRole(req, 'admin');
    const recomputed = await unsetCalendarDay(ctx, admin, req.params.date);
    res.json({ date: req.params.date, recomputedApplications: recomputed });
  });

  r.use((_req, _res, next) => next(new DomainError('not_found', 'not_found', '接口不存在')));
  return r;
}
