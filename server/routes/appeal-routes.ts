import { Router, type Request } from 'express';
import type { AppContext } from '../context.js';
import { requireRole, requireUser } from '../auth/auth-middleware.js';
import { badRequest, DomainError, invalid } from '../errors.js';
import { applyAppealEvent, createAppeal, getAppealView, listAppealViews } from '../appeals/appeal-service.js';
import { saveNote } from '../appeals/case-notes.js';
import { evidenceListPdf, exportApplication } from '../appeals/case-export.js';
import { sendPdf } from './document-routes.js';
import { buildBriefing, briefingPdf } from '../reports/briefing.js';
import { buildCompendium } from '../reports/compendium.js';
import { annualReport } from '../reports/annual-report.js';
import { lockYear, unlockYear } from '../reports/report-locks.js';

const body = (req: Request) => (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {});

export function parseAppealQuery(q: Record<string, unknown>) {
  const s = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const fields: Record<string, string> = {};
  const kind = s(q.kind);
  if (kind && kind !== 'reconsideration' && kind !== 'litigation') fields.kind = '类型应为 reconsideration 或 litigation';
  const outcome = s(q.outcome);
  if (outcome && !['upheld', 'corrected', 'other', 'pending'].includes(outcome)) fields.outcome = '结果应为 upheld、corrected、other 或 pending';
  const year = s(q.year) ? Number(q.year) : undefined;
  if (year !== undefined && (!Number.isInteger(year) || year < 2000 || year > 2100)) fields.year = '年份无效';
  if (Object.keys(fields).length) throw invalid(fields);
  return { kind, body: s(q.body), outcome, year, agencyCode: s(q.agency), open: q.open === 'true' || q.open === '1' };
}

export function appealApiRouter(ctx: AppContext): Router {
  const r = Router();
  const id = (v: unknown) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new DomainError('not_found', 'not_found', '未找到该案件');
    return n;
  };

  r.post('/applications/:id/appeals', async (req, res) => {
    const view = await createAppeal(ctx, requireUser(req), id(req.params.id), body(req), req.ip ?? null);
    res.status(201).location(`/api/appeals/${view.id}`).json(view);
  });

  r.get('/appeals', async (req, res) => {
    const user = requireUser(req);
    res.json({ items: await listAppealViews(ctx, user, parseAppealQuery(req.query as Record<string, unknown>)) });
  });

  r.get('/appeals/:id', async (req, res) => {
    const view = await getAppealView(ctx, requireUser(req), id(req.params.id));
    res.set('ETag', `"${view.version}"`).json(view);
  });

  r.post('/appeals/:id/events', async (req, res) => {
    const user = requireUser(req);
    const header = req.get('if-match');
    let ifMatch: number | undefined;
    if (header !== undefined) {
      ifMatch = Number(header.replace(/^W\//, '').replace(/"/g, ''));
      if (!Number.isInteger(ifMatch)) throw badRequest('If-Match 应为案件的版本号');
    }
    const view = await applyAppealEvent(ctx, user, id(req.params.id), body(req), { ifMatch, ip: req.ip ?? null });
    res.set('ETag', `"${view.version}"`).json(view);
  });

  // 案例汇编 write-up of one case (legal staff).
  r.put('/appeals/:id/note', async (req, res) => {
    const user = requireRole(req, 'legal');
    res.json(await saveNote(ctx, user, id(req.params.id), body(req), req.ip ?? null));
  });

  r.get('/reports/briefing', async (req, res) => {
    const user = requireUser(req);
    if (!['manager', 'legal'].includes(user.role)) throw new DomainError('forbidden', 'forbidden', '只有政务公开办或法制人员可以查看通报');
    const q = req.query as Record<string, unknown>;
    if (q.format === 'pdf') {
      const { pdf, filename } = await briefingPdf(ctx, user, q);
      sendPdf(res, pdf, filename, true);
    } else res.json(await buildBriefing(ctx, user, q));
  });

  r.get('/reports/annual', async (req, res) => {
    res.json(await annualReport(ctx, requireUser(req), req.query as Record<string, unknown>));
  });

  r.post('/reports/annual/lock', async (req, res) => {
    res.json(await lockYear(ctx, requireUser(req), body(req)));
  });

  r.delete('/reports/annual/lock', async (req, res) => {
    res.json(await unlockYear(ctx, requireUser(req), { ...(req.query as Record<string, unknown>), ...body(req) }));
  });

  r.post('/reports/compendium', async (req, res) => {
    const { pdf, toc, cases } = await buildCompendium(ctx, requireUser(req), body(req));
    res.set('X-Compendium-Cases', String(cases));
    res.set('X-Compendium-Toc', encodeURIComponent(JSON.stringify(toc)));
    sendPdf(res, pdf, '案例汇编.pdf', true);
  });

  r.get('/applications/:id/export', async (req, res) => {
    res.json(await exportApplication(ctx, requireUser(req), id(req.params.id)));
  });

  r.get('/applications/:id/evidence-list.pdf', async (req, res) => {
    const { pdf, filename } = await evidenceListPdf(ctx, requireUser(req), id(req.params.id));
    sendPdf(res, pdf, filename, req.query.download !== '1');
  });

  return r;
}
