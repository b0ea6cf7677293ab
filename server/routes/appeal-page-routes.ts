import { statusOf } from '../http/error-mapping.js';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { requireUser } from '../auth/auth-middleware.js';
import { DomainError } from '../errors.js';
import { APPEAL_KINDS, APPEAL_OUTCOMES, APPEAL_PROCEDURES, applyAppealEvent, createAppeal, getAppealView, listAppealViews } from '../appeals/appeal-service.js';
import { prefilledNote, saveNote } from '../appeals/case-notes.js';
import { findAppeal } from '../appeals/appeal-store.js';
import { getApplicationView } from '../cases/application-service.js';
import { parseAppealQuery } from './appeal-routes.js';
import { buildBriefing, briefingPdf } from '../reports/briefing.js';
import { buildCompendium } from '../reports/compendium.js';
import { sendPdf } from './document-routes.js';
import { APPEAL_EVENT_LABELS, APPEAL_STATES, DECISION_TYPE_OUTCOMES } from '../../workflows/appeal.machine.js';

const helpers = { APPEAL_KINDS, APPEAL_PROCEDURES, APPEAL_OUTCOMES, APPEAL_STATES, APPEAL_EVENT_LABELS, DECISION_TYPES: Object.keys(DECISION_TYPE_OUTCOMES), DECISION_TYPE_OUTCOMES };

/** Pages for legal staff (issue 5) and the briefing / compendium pages for managers. */
export function appealPageRouter(ctx: AppContext): Router {
  const r = Router();
  const form = (req: Request) => {
    const b = { ...((req.body ?? {}) as Record<string, unknown>) };
    delete b._csrf;
    for (const [k, v] of Object.entries(b)) if (v === '') delete b[k];
    return b;
  };

  r.get('/appeals', async (req, res) => {
    const user = requireUser(req);
    const q = parseAppealQuery(req.query as Record<string, unknown>);
    res.render('appeals', { title: '复议诉讼案件', items: await listAppealViews(ctx, user, q), query: req.query, ...helpers });
  });

  const appealPage = async (req: Request, res: Response, id: number, status = 200, extra: Record<string, unknown> = {}) => {
    const user = requireUser(req);
    const appeal = await getAppealView(ctx, user, id);
    const app = await getApplicationView(ctx, user, appeal.applicationId);
    const row = (await findAppeal(ctx.db, id))!;
    const note = appeal.note ?? { ...(await prefilledNote(ctx, row)), updatedAt: null };
    res.status(status).render('appeal', { title: `${appeal.externalCaseNumber} ${appeal.kindLabel}`, appeal, app, note, eventError: null, noteError: null, flash: null, ...helpers, ...extra });
  };

  r.get('/appeals/:id', async (req, res) => appealPage(req, res, Number(req.params.id), 200, { flash: req.query.done ? String(req.query.done) : null }));

  r.post('/appeals/:id/events', async (req, res) => {
    const user = requireUser(req);
    const id = Number(req.params.id);
    const body = form(req);
    if (typeof body.evidence === 'string') body.evidence = body.evidence.split(/[,，\s]+/).filter(Boolean).map(Number);
    if (typeof body.days === 'string') body.days = Number(body.days);
    const version = body.version ? Number(body.version) : undefined;
    delete body.version;
    try {
      await applyAppealEvent(ctx, user, id, body, { ifMatch: version, ip: req.ip ?? null });
      res.redirect(303, `/appeals/${id}`);
    } catch (e) {
      if (!(e instanceof DomainError) || statusOf(e) >= 500 || statusOf(e) === 404) throw e;
      await appealPage(req, res, id, statusOf(e), { eventError: { type: body.type, message: e.fields ? Object.values(e.fields).join('；') : e.message } });
    }
  });

  r.post('/appeals/:id/note', async (req, res) => {
    const user = requireUser(req);
    const id = Number(req.params.id);
    try {
      if (user.role !== 'legal') throw new DomainError('forbidden', 'forbidden', '只有法制人员可以撰写案例');
      await saveNote(ctx, user, id, form(req), req.ip ?? null);
      res.redirect(303, `/appeals/${id}?done=${encodeURIComponent('案例已保存')}#note`);
    } catch (e) {
      if (!(e instanceof DomainError) || statusOf(e) >= 500 || statusOf(e) === 404) throw e;
      await appealPage(req, res, id, statusOf(e), { noteError: e.fields ? Object.values(e.fields).join('；') : e.message, note: form(req) });
    }
  });

  r.get('/applications/:id/appeals/new', async (req, res) => {
    const user = requireUser(req);
    if (user.role !== 'legal') throw new DomainError('forbidden', 'forbidden', '只有法制人员可以登记复议、诉讼案件');
    const app = await getApplicationView(ctx, user, Number(req.params.id));
    res.render('appeal-new', { title: '登记复议诉讼案件', app, form: { kind: 'reconsideration', procedure: 'simplified', receivedDate: ctx.clock.today() }, fields: {}, error: null, ...helpers });
  });

  r.post('/applications/:id/appeals', async (req, res) => {
    const user = requireUser(req);
    const appId = Number(req.params.id);
    const body = form(req);
    try {
      const appeal = await createAppeal(ctx, user, appId, body, req.ip ?? null);
      res.redirect(303, `/appeals/${appeal.id}`);
    } catch (e) {
      if (!(e instanceof DomainError) || statusOf(e) !== 422) throw e;
      const app = await getApplicationView(ctx, user, appId);
      res.status(422).render('appeal-new', { title: '登记复议诉讼案件', app, form: body, fields: e.fields ?? {}, error: e.message, ...helpers });
    }
  });

  // 通报
  r.get('/reports/briefing', async (req, res) => {
    const user = requireUser(req);
    if (!['manager', 'legal'].includes(user.role)) throw new DomainError('forbidden', 'forbidden', '只有政务公开办或法制人员可以查看通报');
    const q = { ...(req.query as Record<string, unknown>) };
    if (!q.month && !q.quarter && !q.year && !q.from) q.year = ctx.clock.today().slice(0, 4);
    if (q.format === 'pdf') {
      const { pdf, filename } = await briefingPdf(ctx, user, q);
      sendPdf(res, pdf, filename, true);
      return;
    }
    const briefing = await buildBriefing(ctx, user, q);
    const qs = new URLSearchParams(Object.entries(q).filter(([, v]) => typeof v === 'string') as [string, string][]);
    qs.set('format', 'pdf');
    res.render('briefing', { title: '复议诉讼通报', briefing, query: q, pdfUrl: `/reports/briefing?${qs}`, ...helpers });
  });

  // 案例汇编
  r.get('/reports/compendium', async (req, res) => {
    const user = requireUser(req);
    if (!['manager', 'legal'].includes(user.role)) throw new DomainError('forbidden', 'forbidden', '只有政务公开办或法制人员可以编印案例汇编');
    res.render('compendium', { title: '案例汇编', items: await listAppealViews(ctx, user, {}), error: null, ...helpers });
  });

  r.post('/reports/compendium', async (req, res) => {
    const user = requireUser(req);
    const b = form(req);
    const ids = b.appealIds === undefined ? [] : ([] as unknown[]).concat(b.appealIds);
    try {
      const { pdf } = await buildCompendium(ctx, user, { ...b, appealIds: ids });
      sendPdf(res, pdf, `${typeof b.title === 'string' ? b.title : '案例汇编'}.pdf`, true);
    } catch (e) {
      if (!(e instanceof DomainError) || statusOf(e) !== 422) throw e;
      res.status(422).render('compendium', { title: '案例汇编', items: await listAppealViews(ctx, user, {}), error: e.fields ? Object.values(e.fields).join('；') : e.message, ...helpers });
    }
  });

  return r;
}
