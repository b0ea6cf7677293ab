import { statusOf } from '../http/error-mapping.js';
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { requireUser } from '../auth/auth-middleware.js';
import { DomainError, notFound } from '../errors.js';
import {
  answerConsultation, consultationAttachment, getConsultation, listConsultations, openInboxCount, REQUEST_STATUS, sweepNow,
} from '../consultations/consultation-service.js';
import { startConsultations } from '../consultations/start-consultations.js';
import { findDocument, readPdf } from '../documents/document-store.js';
import { previewPdf } from '../documents/document-service.js';
import { OPINIONS } from '../../workflows/application.machine.js';
import { acceptAttachments, uploadedFiles } from './uploads.js';
import { sendPdf } from './document-routes.js';
import { clientIp } from './api-routes.js';
import { renderApplicationPage } from './case-page.js';

/** The number of open consultation letters waiting for the user's agency, for the navigation bar. */
export function inboxBadge(ctx: AppContext) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      if (req.method === 'GET' && req.user && !req.path.startsWith('/api/') && !req.path.startsWith('/static/')) {
        res.locals.inboxOpen = await openInboxCount(ctx, req.user);
      }
      next();
    } catch (e) {
      next(e);
    }
  };
}

/** The consultation inbox (征询件) between agencies on the platform (issue 7): JSON API and pages. */
export function consultationRouter(ctx: AppContext): Router {
  const r = Router();
  const id = (req: Request) => Number(req.params.id);

  r.get('/api/consultations', async (req, res) => {
    res.json(await listConsultations(ctx, requireUser(req), req.query as Record<string, unknown>));
  });
  r.post('/api/consultations/sweep', async (req, res) => {
    res.json(await sweepNow(ctx, requireUser(req)));
  });
  r.get('/api/consultations/:id', async (req, res) => {
    res.json(await getConsultation(ctx, requireUser(req), id(req)));
  });
  r.post('/api/consultations/:id/answer', ...acceptAttachments(), async (req, res) => {
    res.json(await answerConsultation(ctx, requireUser(req), id(req), (req.body ?? {}) as Record<string, unknown>, uploadedFiles(req), clientIp(req)));
  });
  r.get('/api/consultations/:id/letter', async (req, res) => {
    const c = await getConsultation(ctx, requireUser(req), id(req));
    if (!c.letter) throw notFound('征求意见函尚未生成');
    const doc = (await findDocument(ctx.db, c.letter.id))!;
    const pdf = doc.status === 'draft' ? await previewPdf(ctx, doc) : await readPdf(ctx.db, doc.id);
    if (!pdf) throw notFound('文书文件不存在');
    sendPdf(res, pdf, `${doc.title}${doc.number ? ` ${doc.number}` : '（草稿）'}.pdf`, req.query.download !== '1');
  });
  r.get('/api/consultations/:id/attachments/:attachmentId', async (req, res) => {
    const a = await consultationAttachment(ctx, requireUser(req), id(req), Number(req.params.attachmentId));
    res.type(a.mime).set('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(a.filename)}`);
    res.send(a.bytes);
  });
  // Several agencies at once, one letter each, in one transaction.
  r.post('/api/applications/:id/consultations', async (req, res) => {
    const view = await startConsultations(ctx, requireUser(req), id(req), (req.body ?? {}) as Record<string, unknown>, clientIp(req));
    res.status(201).json(view);
  });

  // Pages.
  const listPage = async (req: Request, res: Response) => {
    const user = requireUser(req);
    const list = await listConsultations(ctx, user, req.query as Record<string, unknown>);
    res.render('consultations', { title: list.box === 'inbox' ? '收到的征询件' : '发出的征询', list, REQUEST_STATUS });
  };
  r.get('/consultations', listPage);

  const detailPage = async (req: Request, res: Response, status = 200, error: string | null = null) => {
    const user = requireUser(req);
    const c = await getConsultation(ctx, user, id(req));
    res.status(status).render('consultation', { title: `征询件 · ${c.application.caseNumber}`, c, error, REQUEST_STATUS, OPINIONS, mine: user.agencyId === c.consulted.id });
  };
  r.get('/consultations/:id', (req, res) => detailPage(req, res));
  r.post('/consultations/:id/answer', ...acceptAttachments(), async (req, res) => {
    const user = requireUser(req);
    try {
      await answerConsultation(ctx, user, id(req), (req.body ?? {}) as Record<string, unknown>, uploadedFiles(req), clientIp(req));
      res.redirect(303, `/consultations/${id(req)}`);
    } catch (e) {
      if (!(e instanceof DomainError) || statusOf(e) >= 500 || statusOf(e) === 404) throw e;
      await detailPage(req, res, statusOf(e), e.fields ? Object.values(e.fields).join('；') : e.message);
    }
  });
  r.post('/applications/:id/consultations', async (req, res) => {
    const user = requireUser(req);
    const body = { ...(req.body as Record<string, unknown>) };
    if (typeof body.agencyCodes === 'string') body.agencyCodes = [body.agencyCodes];
    try {
      await startConsultations(ctx, user, id(req), body, clientIp(req));
      res.redirect(303, `/applications/${id(req)}`);
    } catch (e) {
      if (!(e instanceof DomainError) || statusOf(e) >= 500 || statusOf(e) === 404) throw e;
      const detail = e.fields ? Object.values(e.fields).join('；') : '';
      await renderApplicationPage(ctx, res, user, id(req), { status: statusOf(e), eventError: { type: 'START_CONSULTATION', message: detail || e.message } });
    }
  });

  return r;
}

