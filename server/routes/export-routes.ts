import { statusOf } from '../http/error-mapping.js';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { requireUser } from '../auth/auth-middleware.js';
import { DomainError } from '../errors.js';
import { createExportJob, exportJobFile, getExportJob, listExportJobs, EXPORT_KINDS } from '../reports/export-jobs.js';
import { clientIp } from './api-routes.js';

const attachment = (res: Response, filename: string, ascii: string) =>
  res.set('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`);

/** Long exports as jobs with progress (issue 6): JSON under /api/reports/exports, pages under /reports/exports. */
export function exportRouter(ctx: AppContext): Router {
  const r = Router();
  const id = (req: Request) => Number(req.params.id);

  r.post('/api/reports/exports', async (req, res) => {
    const job = await createExportJob(ctx, requireUser(req), (req.body ?? {}) as Record<string, unknown>, clientIp(req));
    res.status(202).location(job.url).json(job);
  });
  r.get('/api/reports/exports', async (req, res) => {
    res.json({ items: await listExportJobs(ctx, requireUser(req)) });
  });
  r.get('/api/reports/exports/:id', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await getExportJob(ctx, requireUser(req), id(req)));
  });
  r.get('/api/reports/exports/:id/file', async (req, res) => {
    const { body, mime, filename } = await exportJobFile(ctx, requireUser(req), id(req));
    res.type(mime).set('Cache-Control', 'private, no-store');
    attachment(res, filename, `export-${id(req)}.${filename.split('.').pop()}`).send(body);
  });

  // Pages: the form on the annual report starts a job and lands on its progress page.
  r.post('/reports/exports', async (req, res) => {
    const user = requireUser(req);
    try {
      const job = await createExportJob(ctx, user, (req.body ?? {}) as Record<string, unknown>, clientIp(req));
      res.redirect(303, job.page);
    } catch (e) {
      if (!(e instanceof DomainError) || statusOf(e) >= 500) throw e;
      res.status(statusOf(e)).render('export-jobs', {
        title: '导出任务', jobs: await listExportJobs(ctx, user), error: e.fields ? Object.values(e.fields).join('；') : e.message, EXPORT_KINDS,
      });
    }
  });
  r.get('/reports/exports', async (req, res) => {
    res.render('export-jobs', { title: '导出任务', jobs: await listExportJobs(ctx, requireUser(req)), error: null, EXPORT_KINDS });
  });
  r.get('/reports/exports/:id', async (req, res) => {
    const job = await getExportJob(ctx, requireUser(req), id(req));
    const pending = job.status === 'queued' || job.status === 'running';
    res.set('Cache-Control', 'no-store').render('export-job', { title: `${job.kindLabel} · ${job.statusLabel}`, job, refreshSeconds: pending ? 2 : 0 });
  });

  return r;
}
