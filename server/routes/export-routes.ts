// Long exports as jobs with progress (issue 6): JSON under /api/reports/exports, pages under /reports/exports.
import { z } from 'zod';
import { route, type RouteDef, refusalText } from '../http/route.js';
import { flag, idParam, noQuery } from '../http/schemas.js';
import { ref } from '../http/openapi-components.js';
import { statusOf } from '../http/error-mapping.js';
import { createExportJob, exportJobFile, getExportJob, listExportJobs, EXPORT_KINDS } from '../reports/export-jobs.js';
import { contentDisposition } from './responses.js';

/** Who runs exports: the people who see the annual report (the use case checks the agency too). */
const REPORT_ROLES = ['manager', 'legal'] as const;
const byId = z.strictObject({ id: idParam });

// The keys the job reads; kind, format and year are judged by the use case with its own messages.
const jobBody = z.strictObject({
  kind: z.string().max(40).optional().describe('annual_ledger (年度办理台账: every application handled in the year, one line each), the default'),
  year: z.union([z.number(), z.string().max(10)]).optional().describe('the report year, e.g. 2026'),
  agency: z.string().max(64).optional().describe("agency code; the caller's own when absent"),
  below: flag.describe('with every agency below it'),
  format: z.string().max(10).optional().describe('xlsx (default) | csv'),
});

const JOB = { description: 'the job', schema: ref('ExportJob') };

export const exportRoutes: RouteDef[] = [
  // --- JSON API ---------------------------------------------------------------------------
  route({
    method: 'post', path: '/api/reports/exports', permission: REPORT_ROLES, query: noQuery, body: jobBody, status: 202,
    summary: 'start a long export as a job (202): {kind: "annual_ledger" (年度办理台账: every application handled in the year, one line each), year, agency?, below?, format: "xlsx"|"csv"}; manager or legal',
    responses: {
      202: { description: 'the job (ExportJob); Location is its URL', schema: ref('ExportJob') }, 404: { description: 'agency', schema: ref('Error') },
      422: { description: 'kind, format or year', schema: ref('Error') },
    },
    handler: async ({ ctx, user, body, ip, res }) => {
      const job = await createExportJob(ctx, user, body, ip);
      res.location(job.url);
      return job;
    },
  }),
  route({
    method: 'get', path: '/api/reports/exports', permission: REPORT_ROLES, query: noQuery,
    summary: "the caller's 20 latest export jobs",
    responses: { 200: { description: '{items: ExportJob[]}', schema: { type: 'object', properties: { items: { type: 'array', items: ref('ExportJob') } } } } },
    handler: async ({ ctx, user }) => ({ items: await listExportJobs(ctx, user) }),
  }),
  route({
    method: 'get', path: '/api/reports/exports/:id', permission: REPORT_ROLES, params: byId, query: noQuery,
    summary: 'progress of one job (the creator only; others get 404); poll until status is done or failed',
    responses: { 200: JOB, 404: { description: 'no such job', schema: ref('Error') } },
    handler: async ({ ctx, user, params, res }) => {
      const job = await getExportJob(ctx, user, params.id);
      res.set('Cache-Control', 'no-store');
      return job;
    },
  }),
  route({
    method: 'get', path: '/api/reports/exports/:id/file', permission: REPORT_ROLES, params: byId, query: noQuery,
    summary: 'the finished file',
    responses: {
      200: { description: 'attachment with a UTF-8 file name', contentType: 'application/octet-stream' }, 404: { description: 'no such job', schema: ref('Error') },
      409: { description: 'not finished yet, or failed', schema: ref('Error') },
    },
    handler: async ({ ctx, user, params, res }) => {
      const { body, mime, filename } = await exportJobFile(ctx, user, params.id);
      res.type(mime).set('Cache-Control', 'private, no-store')
        .set('Content-Disposition', contentDisposition('attachment', filename, `export-${params.id}.${filename.split('.').pop()}`))
        .send(body);
    },
  }),

  // --- pages: the form on the annual report starts a job and lands on its progress page ------
  route({
    method: 'post', path: '/reports/exports', permission: REPORT_ROLES, query: noQuery, body: jobBody,
    summary: '导出台账（表单）',
    onRefusal: async (c, e) => {
      if (!c.user) throw e;
      c.res.status(statusOf(e)).render('export-jobs', {
        title: '导出任务', jobs: await listExportJobs(c.ctx, c.user), error: refusalText(e), EXPORT_KINDS,
      });
    },
    handler: async ({ ctx, user, body, ip, res }) => {
      const job = await createExportJob(ctx, user, body, ip);
      res.redirect(303, job.page);
    },
  }),
  route({
    method: 'get', path: '/reports/exports', permission: REPORT_ROLES, query: noQuery,
    summary: '导出任务',
    handler: async ({ ctx, user, res }) => res.render('export-jobs', { title: '导出任务', jobs: await listExportJobs(ctx, user), error: null, EXPORT_KINDS }),
  }),
  route({
    method: 'get', path: '/reports/exports/:id', permission: REPORT_ROLES, params: byId, query: noQuery,
    summary: '导出进度',
    handler: async ({ ctx, user, params, res }) => {
      const job = await getExportJob(ctx, user, params.id);
      const pending = job.status === 'queued' || job.status === 'running';
      res.set('Cache-Control', 'no-store').render('export-job', { title: `${job.kindLabel} · ${job.statusLabel}`, job, refreshSeconds: pending ? 2 : 0 });
    },
  }),
];
