// Reconsideration and litigation (复议诉讼, issue 5): the case log, each case's events and write-up,
// and the file of an application as the reconsideration body or court receives it — API and pages.
import { z } from 'zod';
import type { Response } from 'express';
import { ifMatchOf, pageEventBody, refusalText, route, type RefusedCall, type RouteDef } from '../http/route.js';
import { flag, idParam, noQuery, withoutEmpty } from '../http/schemas.js';
import { ref } from '../http/openapi-components.js';
import { statusOf } from '../http/error-mapping.js';
import type { AppContext } from '../context.js';
import type { User } from '../admin/user-store.js';
import { type DomainError } from '../errors.js';
import { mayReadCases } from '../policy.js';
import {
  APPEAL_KINDS, APPEAL_OUTCOMES, APPEAL_PROCEDURES, appealBodies, appealRegistrationDefaults, applyAppealEvent, createAppeal, getAppealView, listAppealViews,
} from '../appeals/appeal-service.js';
import { appealEventSchema, appealInput, appealQuery, caseNoteInput, toAppealFilters } from '../appeals/appeal-schemas.js';
import { noteOrDraft, saveNote } from '../appeals/case-notes.js';
import { evidenceListPdf, exportApplication } from '../appeals/case-export.js';
import { getApplicationView } from '../cases/application-service.js';
import {
  APPEAL_ANSWER_TERMS, APPEAL_EVENT_LABELS, APPEAL_STATES, DECISION_FORMS, DECISION_TYPE_OUTCOMES, NEW_REPLY_DECISION_TYPES,
} from '../../workflows/appeal.machine.js';
import { sendPdf } from './responses.js';
import { agencyChoices } from './agency-choices.js';

/** Labels the appeal pages show. */
export const APPEAL_HELPERS = {
  APPEAL_KINDS, APPEAL_PROCEDURES, APPEAL_OUTCOMES, APPEAL_STATES, APPEAL_EVENT_LABELS, APPEAL_ANSWER_TERMS, DECISION_FORMS,
  DECISION_TYPES: Object.keys(DECISION_TYPE_OUTCOMES), DECISION_TYPE_OUTCOMES, NEW_REPLY_DECISION_TYPES,
};

const LEGAL = ['legal'] as const;
const byId = z.strictObject({ id: idParam });
const done = z.strictObject({ done: z.string().max(200).optional() });


async function renderAppealPage(ctx: AppContext, res: Response, user: User, id: number, status = 200, extra: Record<string, unknown> = {}) {
  const appeal = await getAppealView(ctx, user, id);
  const app = await getApplicationView(ctx, user, appeal.applicationId);
  const note = appeal.note ?? (await noteOrDraft(ctx, user, id));
  res.status(status).render('appeal', {
    title: `${appeal.externalCaseNumber} ${appeal.kindLabel}`, appeal, app, note, eventError: null, noteError: null, flash: null, ...APPEAL_HELPERS, ...extra,
  });
}

/** The registration form: the fields of one kind, the body pre-filled from the agency's settings (issue 13). */
async function renderRegistration(
  ctx: AppContext, res: Response, user: User, applicationId: number, status: number,
  form: Record<string, unknown>, fields: Record<string, string>, error: string | null,
) {
  const app = await getApplicationView(ctx, user, applicationId);
  const defaults = await appealRegistrationDefaults(ctx, user, applicationId);
  res.status(status).render('appeal-new', { title: '登记复议诉讼案件', app, form, fields, error, defaults, ...APPEAL_HELPERS });
}

/** A refusal on the appeal page is shown there; someone who may not see cases gets the error page. */
const refusedOnAppeal = (extra: (c: RefusedCall, e: DomainError) => Record<string, unknown>) => async (c: RefusedCall, e: DomainError) => {
  if (!c.user || !mayReadCases(c.user)) throw e;
  await renderAppealPage(c.ctx, c.res, c.user, Number(c.params.id), statusOf(e), extra(c, e));
};

const APPEAL_EVENTS_DOC =
  'Each type takes exactly its own fields (unknown fields are refused, 422): DRAFT_ANSWER {summary?}, SUBMIT_ANSWER {evidence?: document ids of the application\'s issued documents}, ' +
  'RECORD_HEARING {note}, EXTEND_DECISION {days (1–30), reason} (ordinary reconsideration only, once: 行政复议法 Art. 62), ' +
  'RECORD_DECISION {outcome: upheld|corrected|other, decisionType (维持, 驳回, 撤销并责令重作…; must fit the outcome), summary, newReplyDueDate?, decisionForm?: judgment|ruling (litigation)}, ' +
  'WITHDRAWN {note?}, CLOSE; every event has date (YYYY-MM-DD, not in the future, not before the last event). ' +
  'A decision with newReplyDueDate reopens the application with that deadline in the same transaction.';

export const appealRoutes: RouteDef[] = [
  // --- JSON API ---------------------------------------------------------------------------
  route({
    method: 'post', path: '/api/applications/:id/appeals', permission: LEGAL, params: byId, body: appealInput, status: 201,
    summary: 'log a reconsideration or litigation case (legal): {kind, procedure, body, externalCaseNumber, receivedDate, acceptedDate?, filedDate?, afterReconsideration?, claims?, simplified?}',
    description: 'The answer deadline (答复期限) and the expected decision date are computed from receivedDate by the working calendar (行政复议法 Arts. 48, 54; 行政诉讼法 Art. 67).',
    responses: { 201: { description: 'the appeal (id, kind, procedure, state, deadlines.answerDue, deadlines.decisionExpected, history, allowedEvents); Location is its URL', schema: ref('Appeal') } },
    handler: async ({ ctx, user, params, body, ip, res }) => {
      const view = await createAppeal(ctx, user, params.id, body, ip);
      res.location(`/api/appeals/${view.id}`);
      return view;
    },
  }),
  route({
    method: 'get', path: '/api/appeals', permission: 'staff', query: appealQuery,
    summary: 'the case log of the agencies the caller may see, deadlines first',
    responses: { 200: { description: '{items}', schema: { type: 'object', properties: { items: { type: 'array', items: ref('Appeal') } } } } },
    handler: async ({ ctx, user, query }) => ({ items: await listAppealViews(ctx, user, toAppealFilters(query)) }),
  }),
  route({
    method: 'get', path: '/api/appeals/:id', permission: 'staff', params: byId, query: noQuery,
    summary: 'one appeal with its deadlines (and how they were computed), history and the events the caller may send now; ETag is its version',
    responses: { 200: { description: 'the appeal', schema: ref('Appeal') } },
    handler: async ({ ctx, user, params, res }) => {
      const view = await getAppealView(ctx, user, params.id);
      res.set('ETag', `"${view.version}"`);
      return view;
    },
  }),
  route({
    method: 'post', path: '/api/appeals/:id/events', permission: 'staff', params: byId, body: appealEventSchema,
    headers: [{ name: 'If-Match', description: 'the version last read (ETag); a stale one answers 412' }],
    summary: 'send an event to the appeal (legal staff; the machine judges it, 409 lists the events allowed now)',
    description: APPEAL_EVENTS_DOC,
    responses: {
      200: { description: 'the updated appeal; ETag is its new version', schema: ref('Appeal') },
      409: { description: 'not allowed now: {error, message, allowedEvents}', schema: ref('Error') },
      412: { description: 'If-Match is stale', schema: ref('Error') },
    },
    handler: async ({ ctx, user, params, body, ip, req, res }) => {
      const view = await applyAppealEvent(ctx, user, params.id, body, { ifMatch: ifMatchOf(req.get('if-match'), '案件'), ip });
      res.set('ETag', `"${view.version}"`);
      return view;
    },
  }),
  route({
    method: 'put', path: '/api/appeals/:id/note', permission: LEGAL, params: byId, body: caseNoteInput,
    summary: '案例汇编 write-up of one case (legal): {facts, issues, result, lessons}, every section required',
    responses: { 200: { description: 'the saved write-up {facts, issues, result, lessons, updatedAt}' } },
    handler: ({ ctx, user, params, body, ip }) => saveNote(ctx, user, params.id, body, ip),
  }),
  route({
    method: 'get', path: '/api/applications/:id/export', permission: 'staff', params: byId, query: noQuery,
    summary: 'the whole file of an application: applicant (masked), request, events, documents with numbers and SHA-256, attachments, appeals',
    responses: { 200: { description: 'the file as JSON {application, applicant, request, events, documents, attachments, appeals}' } },
    handler: ({ ctx, user, params }) => exportApplication(ctx, user, params.id),
  }),
  route({
    method: 'get', path: '/api/applications/:id/evidence-list.pdf', permission: 'staff', params: byId,
    query: z.strictObject({ download: flag.describe('as an attachment rather than inline') }),
    summary: '证据清单 PDF built from the case\'s issued documents and scans, with what each proves',
    responses: { 200: { description: 'the evidence list', contentType: 'application/pdf' } },
    handler: async ({ ctx, user, params, query, res }) => {
      const { pdf, filename } = await evidenceListPdf(ctx, user, params.id);
      sendPdf(res, pdf, filename, !query.download);
    },
  }),

  // --- pages ------------------------------------------------------------------------------
  route({
    method: 'get', path: '/appeals', permission: 'staff', query: appealQuery,
    summary: '复议诉讼案件',
    handler: async ({ ctx, user, query, res }) => {
      res.render('appeals', {
        title: '复议诉讼案件', items: await listAppealViews(ctx, user, toAppealFilters(query)), query,
        agencies: await agencyChoices(ctx, user), bodies: await appealBodies(ctx, user), ...APPEAL_HELPERS,
      });
    },
  }),
  route({
    method: 'get', path: '/appeals/:id', permission: 'staff', params: byId, query: done,
    summary: '复议诉讼案件详情',
    handler: ({ ctx, user, params, query, res }) => renderAppealPage(ctx, res, user, params.id, 200, { flash: query.done || null }),
  }),
  route({
    method: 'post', path: '/appeals/:id/events', permission: 'staff', params: byId, body: pageEventBody(appealEventSchema),
    summary: '办理操作（表单）',
    onRefusal: refusedOnAppeal((c, e) => ({ eventError: { type: c.form.type, message: refusalText(e) } })),
    handler: async ({ ctx, user, params, body, ip, res }) => {
      await applyAppealEvent(ctx, user, params.id, body.event, { ifMatch: body.version, ip });
      res.redirect(303, `/appeals/${params.id}`);
    },
  }),
  route({
    method: 'post', path: '/appeals/:id/note', permission: LEGAL, params: byId, body: caseNoteInput,
    summary: '保存案例（表单）',
    onRefusal: refusedOnAppeal((c, e) => ({ noteError: refusalText(e), note: c.form })),
    handler: async ({ ctx, user, params, body, ip, res }) => {
      await saveNote(ctx, user, params.id, body, ip);
      res.redirect(303, `/appeals/${params.id}?done=${encodeURIComponent('案例已保存')}#note`);
    },
  }),
  route({
    method: 'get', path: '/applications/:id/appeals/new', permission: LEGAL, params: byId,
    query: z.strictObject({ kind: z.enum(Object.keys(APPEAL_KINDS) as [string, ...string[]]).optional().describe('the kind whose fields the form shows') }),
    summary: '登记复议诉讼案件',
    handler: async ({ ctx, user, params, query, res }) => {
      const kind = query.kind ?? 'reconsideration';
      await renderRegistration(ctx, res, user, params.id, 200, { kind, procedure: kind === 'litigation' ? 'first_instance' : 'simplified' }, {}, null);
    },
  }),
  route({
    method: 'post', path: '/applications/:id/appeals', permission: LEGAL, params: byId,
    body: z.preprocess((v) => withoutEmpty((v ?? {}) as Record<string, unknown>), appealInput),
    summary: '登记复议诉讼案件（表单）',
    onRefusal: async (c, e) => {
      if (e.kind !== 'invalid' || !c.user) throw e;
      await renderRegistration(c.ctx, c.res, c.user, Number(c.params.id), statusOf(e), c.form, e.fields ?? {}, e.message);
    },
    handler: async ({ ctx, user, params, body, ip, res }) => {
      const appeal = await createAppeal(ctx, user, params.id, body, ip);
      res.redirect(303, `/appeals/${appeal.id}`);
    },
  }),
];
