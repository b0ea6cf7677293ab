import express, { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { requireUser } from '../auth/auth-middleware.js';
import { DomainError } from '../errors.js';
import {
  documentPdf, documentView, documentsOf, editDocument, issueDocument, makeDeliveryReceipt, supersedeDocument, verifyDocument,
} from '../documents/document-actions.js';

export const MAX_VERIFY_BYTES = 20 * 1024 * 1024;

const id = (v: unknown) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new DomainError('not_found', 'not_found', '未找到该文书');
  return n;
};

const body = (req: Request) => (req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {});

export function sendPdf(res: Response, pdf: Buffer, filename: string, inline: boolean): void {
  res.type('application/pdf');
  // RFC 6266/5987: an ASCII fallback plus the UTF-8 name.
  res.set('Content-Disposition', `${inline ? 'inline' : 'attachment'}; filename="document.pdf"; filename*=UTF-8''${encodeURIComponent(filename)}`);
  res.set('Cache-Control', 'private, no-store');
  res.send(pdf);
}

/** The JSON API of documents (issue 4), mounted under /api. */
export function documentApiRouter(ctx: AppContext): Router {
  const r = Router();

  // Public: anyone holding a copy may check it; no login (size-limited raw body).
  r.post('/documents/verify', express.raw({ type: () => true, limit: MAX_VERIFY_BYTES }), async (req, res) => {
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new DomainError('bad_request', 'bad_request', '请在请求体中上传 PDF 文件（Content-Type: application/pdf）');
    const result = await verifyDocument(ctx, req.body);
    res.json(result);
  });

  r.get('/applications/:id/documents', async (req, res) => {
    const user = requireUser(req);
    const items = await documentsOf(ctx, user, Number(req.params.id));
    res.json({ items });
  });

  r.get('/documents/:id', async (req, res) => {
    res.json(await documentView(ctx, requireUser(req), id(req.params.id)));
  });

  r.get('/documents/:id/pdf', async (req, res) => {
    const { pdf, filename } = await documentPdf(ctx, requireUser(req), id(req.params.id));
    sendPdf(res, pdf, filename, req.query.download !== '1');
  });

  r.put('/documents/:id', async (req, res) => {
    res.json(await editDocument(ctx, requireUser(req), id(req.params.id), body(req).body, req.ip ?? null));
  });

  r.post('/documents/:id/issue', async (req, res) => {
    res.json(await issueDocument(ctx, requireUser(req), id(req.params.id), body(req).date, req.ip ?? null));
  });

  r.post('/documents/:id/supersede', async (req, res) => {
    res.status(201).json(await supersedeDocument(ctx, requireUser(req), id(req.params.id), body(req).reason, req.ip ?? null));
  });

  r.post('/documents/:id/delivery-receipt', async (req, res) => {
    res.status(201).json(await makeDeliveryReceipt(ctx, requireUser(req), id(req.params.id), body(req).method, req.ip ?? null));
  });

  return r;
}
