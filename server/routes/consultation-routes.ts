// The consultation inbox (征询件) between agencies on the platform (issue 7): JSON API and pages.
import { z } from 'zod';
import type { Response } from 'express';
import { route, type RefusedCall, type RouteDef, refusalText } from '../http/route.js';
import { flag, idParam, intField, list, noBody, noQuery, optionalText } from '../http/schemas.js';
import { ref } from '../http/openapi-components.js';
import { statusOf } from '../http/error-mapping.js';
import type { AppContext } from '../context.js';
import type { User } from '../admin/user-store.js';
import type { DomainError } from '../errors.js';
import { mayReadCases } from '../policy.js';
import {
  answerConsultation, consultationAttachment, consultationLetterPdf, getConsultation, listConsultations, REQUEST_STATUS, sweepNow,
} from '../consultations/consultation-service.js';
import { startConsultations } from '../consultations/start-consultations.js';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS } from '../cases/attachment-files.js';
import { OPINIONS } from '../../workflows/application.machine.js';
import { renderApplicationPage } from './case-page.js';
import { sendFile, sendPdf } from './responses.js';

const ATTACHMENTS = { field: 'attachments', maxCount: MAX_ATTACHMENTS, maxBytes: MAX_ATTACHMENT_BYTES };
const byId = z.strictObject({ id: idParam });
const attachmentIds = z.strictObject({ id: idParam, attachmentId: idParam });

const STATUS_FILTER = ['all', ...Object.keys(REQUEST_STATUS)] as [string, ...string[]];
const boxQuery = z.strictObject({
  box: z.enum(['inbox', 'outbox']).optional().describe('inbox: letters received (default); outbox: letters sent'),
  status: z.enum(STATUS_FILTER).optional().describe('default open for the inbox, all for the outbox'),
});

// The keys each use case reads, the values loosely typed: the use cases judge them with their own
// messages (which opinion, reasons to object, which agencies, the date).
const answerBody = z.strictObject({
  opinion: z.string().max(40).optional().describe('consent | object'),
  reasons: optionalText(4000).describe('required to object (Art. 34)'),
});
const emptyIsAbsent = (v: unknown) => (v === '' ? undefined : v);
/** JSON sends a list of codes; a form one `agencyCodes` per ticked box (once: a plain string). */
const consultBody = z.strictObject({
  agencyCodes: list(z.string().max(64), 50).optional().describe('codes of agencies in the system, not the case\'s own'),
  parts: optionalText(2000).describe('征求意见的内容: the parts of the request that concern them (the information that would be disclosed)'),
  ground: z.preprocess(emptyIsAbsent, z.enum(['joint', 'other'], { message: '征求意见的原因应为：共同制作、其他情形' }).optional())
    .describe('why the agencies are asked: joint (共同制作, Art. 34) or other (explained in groundNote)'),
  groundNote: optionalText(1000).describe('the reason, when ground is other'),
  attachmentIds: list(z.union([intField(1, 2 ** 31 - 1), z.literal('')]), 50).optional()
    .describe("the case's files the letters carry (default: its own materials, origin filed; another agency's answer never); an empty value on a form means none"),
  date: z.string().max(20).optional().describe('effective date YYYY-MM-DD, default today'),
  version: z.preprocess(emptyIsAbsent, intField(0, 2 ** 31 - 1).optional()).optional().describe('the version of the case last read; a stale one is refused'),
});

const CONSULTATION = { description: 'the consultation letter', schema: ref('ConsultationRequest') };

async function consultationPage(
  ctx: AppContext, res: Response, user: User, id: number, status = 200, error: string | null = null,
  form: Record<string, unknown> = {}, fields: Record<string, string> = {},
): Promise<void> {
  const c = await getConsultation(ctx, user, id);
  res.status(status).render('consultation', { title: `征询件 · ${c.application.caseNumber}`, c, error, form, fields, REQUEST_STATUS, OPINIONS, mine: user.agencyId === c.consulted.id });
}

/** Pages of people who may read cases show a refusal in place; anyone else gets the error itself. */
const readerOf = (c: RefusedCall, e: DomainError): User => {
  if (!c.user || !mayReadCases(c.user)) throw e;
  return c.user;
};

export const consultationRoutes: RouteDef[] = [
  // --- JSON API ---------------------------------------------------------------------------
  route({
    method: 'post', path: '/api/applications/:id/consultations', permission: 'staff', params: byId, query: noQuery, body: consultBody, status: 201,
    summary: 'consult several agencies of the system at once: {agencyCodes: string[], parts?, date?, version?} → 201 the application; one letter and inbox item per agency, all or none',
    responses: {
      201: { description: 'the whole updated application', schema: ref('Application') }, 404: { description: 'no such application', schema: ref('Error') },
      409: { description: 'not allowed now', schema: ref('Error') }, 422: { description: 'unknown or own agency code', schema: ref('Error') },
    },
    handler: ({ ctx, user, params, body, ip }) => startConsultations(ctx, user, params.id, body, ip),
  }),
  route({
    method: 'get', path: '/api/consultations', permission: 'staff', query: boxQuery,
    summary: "the caller's agency's consultation letters: box=inbox (received, default status open) | outbox (sent); status=open|answered|deemed_consent|closed|all",
    responses: { 200: { description: '{box, status, total, items: ConsultationRequest[]}', schema: { type: 'object', properties: { box: { enum: ['inbox', 'outbox'] }, status: { type: 'string' }, total: { type: 'integer' }, items: { type: 'array', items: ref('ConsultationRequest') } } } } },
    handler: ({ ctx, user, query }) => listConsultations(ctx, user, query),
  }),
  route({
    method: 'post', path: '/api/consultations/sweep', permission: ['manager', 'admin'], query: noQuery, body: noBody,
    summary: 'record deemed consent now for every consultation silent past its 15 working days (manager, admin); the server also does it on a schedule',
    responses: { 200: { description: '{deemed, skipped}', schema: { type: 'object', properties: { deemed: { type: 'integer' }, skipped: { type: 'integer' } } } } },
    handler: ({ ctx, user }) => sweepNow(ctx, user),
  }),
  route({
    method: 'get', path: '/api/consultations/:id', permission: 'staff', params: byId, query: noQuery,
    summary: 'one consultation letter with the request, the parts concerned, attachments and the answer (either agency)',
    responses: { 200: CONSULTATION, 404: { description: 'not found or not yours', schema: ref('Error') } },
    handler: ({ ctx, user, params }) => getConsultation(ctx, user, params.id),
  }),
  route({
    method: 'post', path: '/api/consultations/:id/answer', permission: 'staff', params: byId, query: noQuery, body: answerBody, files: ATTACHMENTS,
    summary: "the consulted agency's caseworker answers: {opinion: consent|object, reasons (required to object)}, JSON or multipart with `attachments`; recorded as the requesting case's RECORD_OPINION, restarting its clock",
    responses: {
      200: CONSULTATION, 403: { description: 'not the consulted agency\'s caseworker', schema: ref('Error') }, 404: { description: 'not found', schema: ref('Error') },
      409: { description: 'already answered or deemed', schema: ref('Error') }, 422: { description: 'opinion or reasons', schema: ref('Error') },
    },
    handler: ({ ctx, user, params, body, files, ip }) => answerConsultation(ctx, user, params.id, body, files, ip),
  }),
  route({
    method: 'get', path: '/api/consultations/:id/letter', permission: 'staff', params: byId, query: z.strictObject({ download: flag.describe('1: as an attachment instead of inline') }),
    summary: 'the consultation letter PDF',
    responses: { 200: { description: 'application/pdf', contentType: 'application/pdf' }, 404: { description: 'not found', schema: ref('Error') } },
    handler: async ({ ctx, user, params, query, res }) => {
      const { pdf, filename } = await consultationLetterPdf(ctx, user, params.id);
      sendPdf(res, pdf, filename, !query.download);
    },
  }),
  route({
    method: 'get', path: '/api/consultations/:id/attachments/:attachmentId', permission: 'staff', params: attachmentIds, query: noQuery,
    summary: 'a file of the requesting case or of the answer',
    responses: {
      200: { description: 'the file', contentType: 'application/octet-stream' }, 404: { description: 'not found', schema: ref('Error') },
      410: { description: 'the file\'s content is missing (restore from backup)', schema: ref('Error') },
    },
    handler: async ({ ctx, user, params, res }) => {
      const a = await consultationAttachment(ctx, user, params.id, params.attachmentId);
      sendFile(res, a, 'inline');
    },
  }),

  // --- pages ------------------------------------------------------------------------------
  route({
    method: 'get', path: '/consultations', permission: 'staff', query: boxQuery,
    summary: '征询件',
    handler: async ({ ctx, user, query, res }) => {
      const list = await listConsultations(ctx, user, query);
      res.render('consultations', { title: list.box === 'inbox' ? '收到的征询件' : '发出的征询', list, REQUEST_STATUS });
    },
  }),
  route({
    method: 'get', path: '/consultations/:id', permission: 'staff', params: byId, query: noQuery,
    summary: '征询件详情',
    handler: ({ ctx, user, params, res }) => consultationPage(ctx, res, user, params.id),
  }),
  route({
    method: 'post', path: '/consultations/:id/answer', permission: 'staff', params: byId, query: noQuery, body: answerBody, files: ATTACHMENTS,
    summary: '答复征询件（表单）',
    // A refused answer keeps what was typed and says what is wrong next to the field (issue 13).
    onRefusal: (c, e) => consultationPage(c.ctx, c.res, readerOf(c, e), Number(c.params.id), statusOf(e), e.fields ? '答复未提交，请检查标出的内容' : refusalText(e), c.form, e.fields ?? {}),
    handler: async ({ ctx, user, params, body, files, ip, res }) => {
      await answerConsultation(ctx, user, params.id, body, files, ip);
      res.redirect(303, `/consultations/${params.id}`);
    },
  }),
  route({
    method: 'post', path: '/applications/:id/consultations', permission: 'staff', params: byId, query: noQuery, body: consultBody,
    summary: '向系统内机关征求意见（表单）',
    onRefusal: (c, e) => renderApplicationPage(c.ctx, c.res, readerOf(c, e), Number(c.params.id), {
      status: statusOf(e), eventError: { type: 'START_CONSULTATION', message: refusalText(e) },
    }),
    handler: async ({ ctx, user, params, body, ip, res }) => {
      await startConsultations(ctx, user, params.id, body, ip);
      res.redirect(303, `/applications/${params.id}`);
    },
  }),
];
