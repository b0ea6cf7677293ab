// Issue 16: the applicant's side — apply online (/apply, POST /api/public/applications), follow the
// case (/track, POST /api/public/track) — and the agency's queue of online submissions (待确认).
import { z } from 'zod';
import type { Response } from 'express';
import { route, refusalText, type RefusedCall, type RouteDef } from '../http/route.js';
import { idParam, noBody, noQuery, optionalText, text, jsonOrDataField } from '../http/schemas.js';
import { badRequest, type DomainError } from '../errors.js';
import { intakeShape, nestFormFields } from '../cases/intake.js';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS } from '../cases/attachment-files.js';
import { listAgencies } from '../admin/agency-store.js';
import type { AppContext } from '../context.js';
import { statusOf } from '../http/error-mapping.js';
import {
  confirmEmail, confirmSubmission, listAwaitingSubmissions, loadTracked, openTracking, readTrackingToken, resendCode, returnSubmission, startSubmission, RESEND_SECONDS,
  trackingToken, uploadCorrection, withdrawTracked, MAX_CODE_ATTEMPTS,
} from '../public/public-service.js';
import { trackedDocumentPdf, trackingView } from '../public/public-view.js';
import { sendFile } from './responses.js';

const ATTACHMENTS = { field: 'attachments', maxCount: MAX_ATTACHMENTS, maxBytes: MAX_ATTACHMENT_BYTES };
const TRACK_COOKIE = 'dd_track';

const publicShape = z.strictObject({
  agency: optionalText(40),
  email: optionalText(100),
  // The hidden field: people leave it empty, bots fill it.
  website: optionalText(200),
  applicant: intakeShape.shape.applicant,
  request: intakeShape.shape.request,
});

/** JSON, or multipart with the JSON in a field `data` beside the files (as staff registration). */
const apiBody = jsonOrDataField(publicShape);

const formBody = z.preprocess((v) => nestFormFields((v ?? {}) as Record<string, unknown>), publicShape);
const codeBody = z.strictObject({ code: text(20) });
const trackBody = z.strictObject({ trackingNumber: text(40), accessCode: text(40) });
const submissionParam = z.strictObject({ submissionId: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/, { message: '编号无效' }) });
const submissionId = z.strictObject({ id: idParam });

async function agencyOptions(ctx: AppContext) {
  return (await listAgencies(ctx.db)).map((a) => ({ code: a.code, name: a.name }));
}

async function renderApply(ctx: AppContext, res: Response, opts: { status?: number; form?: Record<string, unknown>; fields?: Record<string, string>; error?: string | null; filesLost?: boolean } = {}) {
  res.status(opts.status ?? 200).render('apply', {
    title: '网上申请政府信息公开', agencies: await agencyOptions(ctx), form: opts.form ?? {}, fields: opts.fields ?? {}, error: opts.error ?? null, filesLost: opts.filesLost ?? false,
  });
}

const trackedNumber = (ctx: AppContext, req: { cookies?: Record<string, string> }) => readTrackingToken(ctx, req.cookies?.[TRACK_COOKIE]);

function setTrackCookie(ctx: AppContext, res: Response, trackingNumber: string) {
  res.cookie(TRACK_COOKIE, trackingToken(ctx, trackingNumber), { httpOnly: true, sameSite: 'lax', path: '/track', secure: ctx.config.production, maxAge: 2 * 3600_000 });
}

async function renderTrackForm(res: Response, opts: { status?: number; number?: string; error?: string | null } = {}) {
  res.status(opts.status ?? 200).render('track', { title: '申请办理进度查询', number: opts.number ?? '', error: opts.error ?? null });
}

const refusedTrackForm = (c: RefusedCall, e: DomainError) => renderTrackForm(c.res, { status: statusOf(e), number: typeof c.form.trackingNumber === 'string' ? c.form.trackingNumber.slice(0, 40) : '', error: e.message });

async function renderTrackCase(ctx: AppContext, res: Response, number: string | null, flash: string | null = null, error: string | null = null, status = 200) {
  // No tracking session (none, expired, forged): the applicant's form again, never the staff login.
  if (!number) return renderTrackForm(res, { status: 401, error: '查询已失效，请重新输入查询号和查询码' });
  const s = await loadTracked(ctx, number);
  res.status(status).render('track-case', { title: '申请办理进度', view: await trackingView(ctx, s), flash, error });
}

export const publicRoutes: RouteDef[] = [
  // --- JSON API: the applicant ------------------------------------------------------------------
  route({
    method: 'post', path: '/api/public/applications', permission: 'public', files: ATTACHMENTS, body: apiBody, status: 202, tags: ['public'],
    summary: 'apply online (no login): the statutory form, the agency code and an email; a one-time code is mailed, the application waits for it',
    description: 'Checked as staff intake (resident ID check digit, credit code…). Limits per address and per IP (429). `website` must stay empty. Answers {submissionId, email, codeExpiresAt}.',
    responses: { 202: { description: '{submissionId, email, codeExpiresAt}' } },
    handler: ({ ctx, body, files, ip }) => startSubmission(ctx, body, files, ip),
  }),
  route({
    method: 'post', path: '/api/public/applications/:submissionId/confirm', permission: 'public', params: submissionParam, body: codeBody, status: 201, tags: ['public'],
    summary: `the emailed code (${MAX_CODE_ATTEMPTS} tries, 30 minutes): the application goes to the agency (待确认); answers the tracking number and the access code, once`,
    responses: { 201: { description: '{trackingNumber, accessCode, agency, state, stateLabel}' } },
    handler: ({ ctx, params, body, ip }) => confirmEmail(ctx, params.submissionId, body.code, ip),
  }),
  route({
    method: 'post', path: '/api/public/applications/:submissionId/resend', permission: 'public', params: submissionParam, body: noBody, status: 202, tags: ['public'],
    summary: `mail a new code (the one before stops working): at most once every ${RESEND_SECONDS} s, within the per-address and per-IP limits (429)`,
    description: 'For a submission still waiting for its code; the wrong tries made so far still count. Answers {submissionId, email, codeExpiresAt}.',
    responses: { 202: { description: '{submissionId, email, codeExpiresAt}' } },
    handler: ({ ctx, params, ip }) => resendCode(ctx, params.submissionId, ip),
  }),
  route({
    method: 'post', path: '/api/public/track', permission: 'public', body: trackBody, tags: ['public'],
    summary: 'the case as its applicant sees it (tracking number + access code); a wrong code is answered as an unknown number (404), guesses are throttled (429)',
    responses: { 200: { description: 'stage, caseNumber, receivedDate, replyDue, replyPeriod, clockNotes (what stops the clock now), clockStops (what stops it at all, while a reply is due), documents[], remedy (the reply\'s 救济途径), mayWithdraw, mayUploadCorrection, verifyUrl' } },
    handler: async ({ ctx, body, ip }) => trackingView(ctx, await loadTracked(ctx, await openTracking(ctx, body.trackingNumber, body.accessCode, ip))),
  }),
  route({
    method: 'post', path: '/api/public/track/withdraw', permission: 'public', body: trackBody, tags: ['public'],
    summary: 'the applicant withdraws the application (recorded as WITHDRAW on the case)',
    handler: async ({ ctx, body, ip }) => {
      const number = await openTracking(ctx, body.trackingNumber, body.accessCode, ip);
      await withdrawTracked(ctx, number, ip);
      return trackingView(ctx, await loadTracked(ctx, number));
    },
  }),

  route({
    method: 'post', path: '/api/public/track/correction', permission: 'public', files: ATTACHMENTS, body: trackBody, tags: ['public'],
    summary: 'the applicant uploads correction material (multipart: trackingNumber, accessCode, attachments) while the case awaits it (Art. 30)',
    description: 'The files join the case as attachments of origin `correction`; nothing changes state: the caseworker reads them and records CORRECTION_RECEIVED. 404 for a wrong code, 409 when no correction is awaited.',
    responses: { 200: { description: 'the tracking view and {uploaded}' } },
    handler: async ({ ctx, body, files, ip }) => {
      const number = await openTracking(ctx, body.trackingNumber, body.accessCode, ip);
      const uploaded = await uploadCorrection(ctx, number, files, ip);
      return { ...(await trackingView(ctx, await loadTracked(ctx, number))), uploaded };
    },
  }),

  // --- JSON API: the agency's queue ---------------------------------------------------------------
  route({
    method: 'get', path: '/api/online-submissions', permission: 'staff', query: noQuery,
    summary: 'online applications waiting for the agency to confirm them (待确认), of the agencies the caller sees',
    handler: async ({ ctx, user }) => ({ items: await listAwaitingSubmissions(ctx, user) }),
  }),
  route({
    method: 'post', path: '/api/online-submissions/:id/confirm', permission: ['caseworker'], params: submissionId, body: noBody, status: 201,
    summary: 'confirm an online application: registered (channel online) with today as the day received (Art. 31(三)); the applicant is mailed',
    handler: async ({ ctx, user, params, ip, res }) => {
      const view = await confirmSubmission(ctx, user, params.id, ip);
      res.location(`/api/applications/${view.id}`);
      return view;
    },
  }),
  route({
    method: 'post', path: '/api/online-submissions/:id/return', permission: ['caseworker'], params: submissionId, body: z.strictObject({ reason: text(2000) }),
    summary: 'send an online application back at once, saying what to complete (nothing registered, no clock); the applicant is mailed',
    handler: ({ ctx, user, params, body, ip }) => returnSubmission(ctx, user, params.id, body.reason, ip),
  }),

  // --- pages: the applicant -------------------------------------------------------------------------
  route({
    method: 'get', path: '/apply', permission: 'public', query: noQuery, summary: '网上申请',
    handler: ({ ctx, res }) => renderApply(ctx, res),
  }),
  route({
    method: 'post', path: '/apply', permission: 'public', files: ATTACHMENTS, body: formBody, summary: '网上申请（表单）',
    onRefusal: async (c, e) => {
      const error = e.fields ? '请更正标出的字段后再提交' : e.message;
      await renderApply(c.ctx, c.res, { status: statusOf(e), form: c.form, fields: e.fields ?? {}, error, filesLost: c.files.length > 0 });
    },
    handler: async ({ ctx, body, files, ip, res }) => {
      const started = await startSubmission(ctx, body, files, ip);
      res.render('apply-code', { title: '验证电子邮箱', started, error: null, flash: null });
    },
  }),
  route({
    method: 'post', path: '/apply/:submissionId/confirm', permission: 'public', params: submissionParam, body: codeBody, summary: '验证电子邮箱（表单）',
    onRefusal: (c, e) => {
      c.res.status(statusOf(e)).render('apply-code', { title: '验证电子邮箱', started: { submissionId: String(c.params.submissionId ?? ''), email: '', codeExpiresAt: '' }, error: refusalText(e), flash: null });
    },
    handler: async ({ ctx, params, body, ip, res }) => {
      const done = await confirmEmail(ctx, params.submissionId, body.code, ip);
      // The access code is shown once: never cached, never in a URL.
      res.set('Cache-Control', 'no-store').render('apply-done', { title: '申请已提交', done });
    },
  }),
  route({
    method: 'post', path: '/apply/:submissionId/resend', permission: 'public', params: submissionParam, body: noBody, summary: '重新获取验证码（表单）',
    onRefusal: (c, e) => {
      c.res.status(statusOf(e)).render('apply-code', { title: '验证电子邮箱', started: { submissionId: String(c.params.submissionId ?? ''), email: '', codeExpiresAt: '' }, error: refusalText(e), flash: null });
    },
    handler: async ({ ctx, params, ip, res }) => {
      const started = await resendCode(ctx, params.submissionId, ip);
      res.render('apply-code', { title: '验证电子邮箱', started, error: null, flash: '新的验证码已发送，之前的验证码已失效' });
    },
  }),
  route({
    method: 'get', path: '/track', permission: 'public',
    query: z.strictObject({ t: z.string().max(200).optional(), number: z.string().max(40).optional() }), summary: '办理进度查询',
    handler: async ({ ctx, query, res }) => {
      const fromLink = readTrackingToken(ctx, query.t);
      if (fromLink) {
        setTrackCookie(ctx, res, fromLink);
        return res.redirect(303, '/track/case');
      }
      await renderTrackForm(res, { number: query.number ?? '', error: query.t ? '链接已失效，请输入查询号和查询码' : null });
    },
  }),
  route({
    method: 'post', path: '/track', permission: 'public', body: trackBody, summary: '办理进度查询（表单）',
    onRefusal: refusedTrackForm,
    handler: async ({ ctx, body, ip, res }) => {
      const number = await openTracking(ctx, body.trackingNumber, body.accessCode, ip);
      setTrackCookie(ctx, res, number);
      res.redirect(303, '/track/case');
    },
  }),
  route({
    method: 'get', path: '/track/case', permission: 'public', query: z.strictObject({ done: z.enum(['withdrawn', 'uploaded']).optional() }), summary: '办理进度',
    handler: async ({ ctx, req, query, res }) => {
      const number = trackedNumber(ctx, req);
      if (!number) return res.redirect(303, '/track');
      res.set('Cache-Control', 'no-store');
      await renderTrackCase(ctx, res, number, query.done === 'withdrawn' ? '申请已撤回' : query.done === 'uploaded' ? '补正材料已上传，行政机关确认收到后答复期限重新计算' : null);
    },
  }),
  route({
    // POST: the first download records the document received (送达), and a GET never writes.
    method: 'post', path: '/track/documents/:id', permission: 'public', params: submissionId, body: noBody, summary: '下载文书（首次下载即记录送达）',
    handler: async ({ ctx, req, params, ip, res }) => {
      const s = await loadTracked(ctx, trackedNumber(ctx, req));
      const { pdf, filename } = await trackedDocumentPdf(ctx, s, params.id, ip);
      sendFile(res, { filename, mime: 'application/pdf', bytes: pdf }, 'attachment');
    },
  }),
  route({
    method: 'post', path: '/track/withdraw', permission: 'public', body: z.strictObject({ confirm: z.literal('1', { message: '请勾选确认撤回' }) }), summary: '撤回申请（表单）',
    onRefusal: async (c, e) => renderTrackCase(c.ctx, c.res, trackedNumber(c.ctx, c.req), null, refusalText(e), statusOf(e)),
    handler: async ({ ctx, req, ip, res }) => {
      await withdrawTracked(ctx, trackedNumber(ctx, req), ip);
      res.redirect(303, '/track/case?done=withdrawn');
    },
  }),
  route({
    method: 'post', path: '/track/correction', permission: 'public', files: ATTACHMENTS, body: noBody, summary: '上传补正材料（表单）',
    onRefusal: async (c, e) => renderTrackCase(c.ctx, c.res, trackedNumber(c.ctx, c.req), null, refusalText(e), statusOf(e)),
    handler: async ({ ctx, req, files, ip, res }) => {
      await uploadCorrection(ctx, trackedNumber(ctx, req), files, ip);
      res.redirect(303, '/track/case?done=uploaded');
    },
  }),
  route({
    method: 'post', path: '/track/leave', permission: 'public', body: noBody, summary: '退出查询',
    handler: ({ res }) => {
      res.clearCookie(TRACK_COOKIE, { path: '/track' });
      res.redirect(303, '/track');
    },
  }),

  // --- pages: the agency's queue ---------------------------------------------------------------------
  route({
    method: 'get', path: '/online-submissions', permission: 'staff', query: noQuery, summary: '网上申请待确认',
    handler: async ({ ctx, user, res }) => res.render('online-submissions', { title: '网上申请待确认', items: await listAwaitingSubmissions(ctx, user), error: null }),
  }),
  route({
    method: 'post', path: '/online-submissions/:id/confirm', permission: ['caseworker'], params: submissionId, body: noBody, summary: '确认网上申请（表单）',
    onRefusal: async (c, e) => c.res.status(statusOf(e)).render('online-submissions', { title: '网上申请待确认', items: await listAwaitingSubmissions(c.ctx, c.user!), error: refusalText(e) }),
    handler: async ({ ctx, user, params, ip, res }) => {
      const view = await confirmSubmission(ctx, user, params.id, ip);
      res.redirect(303, `/applications/${view.id}?registered=1`);
    },
  }),
  route({
    method: 'post', path: '/online-submissions/:id/return', permission: ['caseworker'], params: submissionId, body: z.strictObject({ reason: text(2000) }), summary: '退回网上申请（表单）',
    onRefusal: async (c, e) => c.res.status(statusOf(e)).render('online-submissions', { title: '网上申请待确认', items: await listAwaitingSubmissions(c.ctx, c.user!), error: refusalText(e) }),
    handler: async ({ ctx, user, params, body, ip, res }) => {
      await returnSubmission(ctx, user, params.id, body.reason, ip);
      res.redirect(303, '/online-submissions');
    },
  }),
];
