import { statusOf } from '../http/error-mapping.js';
import { Router, type Request, type Response } from 'express';
import multer from 'multer';
import type { AppContext } from '../context.js';
import { checkCsrf, requireUser } from '../auth/auth-middleware.js';
import { DomainError } from '../errors.js';
import { renderApplicationPage } from './case-page.js';
import {
  documentPdf, editDocument, issueDocument, makeDeliveryReceipt, supersedeDocument, verifyDocument,
} from '../documents/document-actions.js';
import { findDocument } from '../documents/document-store.js';
import { MAX_VERIFY_BYTES, sendPdf } from './document-routes.js';

const verifyUpload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_VERIFY_BYTES, files: 1 } });

/** Document actions from the case page, and the public verification page. */
export function documentPageRouter(ctx: AppContext): Router {
  const r = Router();

  r.get('/documents/:id/pdf', async (req, res) => {
    const { pdf, filename } = await documentPdf(ctx, requireUser(req), Number(req.params.id));
    sendPdf(res, pdf, filename, req.query.download !== '1');
  });

  // Each action answers with the case page: on success a redirect, on a refusal the page with the
  // message next to the document it concerns.
  const act = (fn: (req: Request, docId: number) => Promise<unknown>) => async (req: Request, res: Response) => {
    const user = requireUser(req);
    const docId = Number(req.params.id);
    const doc = await findDocument(ctx.db, docId);
    if (!doc) throw new DomainError('not_found', 'not_found', '未找到该文书');
    try {
      await fn(req, docId);
      res.redirect(303, `/applications/${doc.applicationId}#documents`);
    } catch (e) {
      if (!(e instanceof DomainError) || statusOf(e) >= 500 || statusOf(e) === 404) throw e;
      const message = e.fields ? Object.values(e.fields).join('；') : e.message;
      await renderApplicationPage(ctx, res, user, doc.applicationId, { status: statusOf(e), documentError: { id: docId, message } });
    }
  };
  const form = (req: Request) => (req.body ?? {}) as Record<string, string>;

  r.post('/documents/:id/edit', act((req, id) => editDocument(ctx, req.user!, id, form(req).body, req.ip ?? null)));
  r.post('/documents/:id/issue', act((req, id) => issueDocument(ctx, req.user!, id, form(req).date, req.ip ?? null)));
  r.post('/documents/:id/supersede', act((req, id) => supersedeDocument(ctx, req.user!, id, form(req).reason, req.ip ?? null)));
  r.post('/documents/:id/delivery-receipt', act((req, id) => makeDeliveryReceipt(ctx, req.user!, id, form(req).method, req.ip ?? null)));

  // 文书验证: public, by upload.
  r.get('/verify', (_req, res) => {
    res.render('verify', { title: '文书验证', result: null, error: null });
  });

  r.post('/verify', (req, res, next) => {
    verifyUpload.single('pdf')(req, res, async (err?: unknown) => {
      try {
        if (err) {
          const code = (err as { code?: string }).code;
          throw new DomainError('invalid', 'invalid', code === 'LIMIT_FILE_SIZE' ? '文件超过 20 MB' : '上传失败，请重新选择文件');
        }
        checkCsrf(req);
        const file = req.file;
        if (!file || file.size === 0) throw new DomainError('invalid', 'invalid', '请选择要验证的 PDF 文件');
        const result = await verifyDocument(ctx, file.buffer);
        res.render('verify', { title: '文书验证', result, error: null });
      } catch (e) {
        if (e instanceof DomainError && statusOf(e) === 422) {
          res.status(422).render('verify', { title: '文书验证', result: null, error: e.message });
          return;
        }
        next(e);
      }
    });
  });

  return r;
}
