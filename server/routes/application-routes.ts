// Applications: registration, the case, its events and attachments — the JSON API and the pages.
import { z } from 'zod';
import { ifMatchOf, pageEventBody, refusalText, route, type RefusedCall, type RouteDef } from '../http/route.js';
import { flag, idParam, intField, isoDate, list, noBody, noQuery, text, jsonOrDataField } from '../http/schemas.js';
import { ref } from '../http/openapi-components.js';
import { badRequest, DomainError, invalid } from '../errors.js';
import { intakeShape, nestFormFields, validateIntake, type Intake } from '../cases/intake.js';
import { applicationEventSchema } from '../cases/event-schemas.js';
import {
  addAttachments, applyApplicationEvent, getApplicationView, getAttachment, listApplicationViews, registerApplication, LIST_SORTS, type ListQuery,
} from '../cases/application-service.js';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS } from '../cases/attachment-files.js';
import { passagesFromForm } from '../passages/passage-service.js';
import { quoteConclusions } from '../conferences/conference-service.js';
import { renderApplicationPage } from './case-page.js';
import { replyEventFromForm } from './reply-form.js';
import { confirmField, requireSignoffConfirmation } from './signoff-form.js';
import { sendFile } from './responses.js';
import { statusOf } from '../http/error-mapping.js';
import { WITHDRAW_HINT } from '../cases/contact-service.js';

const ATTACHMENTS = { field: 'attachments', maxCount: MAX_ATTACHMENTS, maxBytes: MAX_ATTACHMENT_BYTES };
const caseId = z.strictObject({ id: idParam });
const attachmentIds = z.strictObject({ id: idParam, attachmentId: idParam });

/** The list filters, in the URL of the inbox page and of GET /api/applications. */
export const listQuery = z.strictObject({
  state: z.string().max(400).optional().describe('states, comma-separated'),
  text: z.string().max(400).optional().describe('case number, applicant or request text (first 100 characters used)'),
  dueBefore: z.union([isoDate, z.literal('')]).optional().describe('reply due on or before'),
  overdue: flag.describe('only overdue'),
  open: flag.describe('only open cases'),
  agency: z.string().max(64).optional().describe('code of an agency the caller sees (managers and legal staff see those below theirs): only its cases'),
  sort: z.enum(LIST_SORTS).optional().describe('due (reply due, default), received, case (case number) or state; open cases always before closed ones'),
  dir: z.enum(['asc', 'desc']).optional().describe('asc (default) or desc'),
  page: intField(1, 100_000).optional(),
  pageSize: intField(1, 200).optional(),
});
type ListQueryInput = z.output<typeof listQuery>;

export function toListQuery(q: ListQueryInput): ListQuery {
  const s = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);
  return {
    state: s(q.state)?.split(',').map((x) => x.trim()).filter(Boolean),
    text: s(q.text)?.slice(0, 100),
    dueBefore: s(q.dueBefore),
    overdue: q.overdue,
    open: q.open,
    agency: s(q.agency),
    sort: q.sort,
    dir: q.dir,
    page: q.page ?? 1,
    pageSize: q.pageSize ?? 50,
  };
}

function intakeOrRefuse(body: unknown, today: string): Intake {
  const result = validateIntake(body, today);
  if (!result.ok) throw invalid(result.fields);
  return result.value;
}

/** The API takes JSON, or multipart with the JSON in a field `data` beside the files. */
const registrationBody = jsonOrDataField(intakeShape);

const refusedOnCase = (eventType: (c: RefusedCall) => unknown) => async (c: RefusedCall, e: DomainError) => {
  if (e.kind === 'forbidden' && !c.user) throw e;
  await renderApplicationPage(c.ctx, c.res, c.user!, Number(c.params.id), {
    status: statusOf(e), eventError: { type: eventType(c), message: refusalText(e), fields: e.fields }, eventForm: c.form,
  });
};

export const applicationRoutes: RouteDef[] = [
  // --- JSON API ---------------------------------------------------------------------------
  route({
    method: 'post', path: '/api/applications', permission: ['caseworker'], files: ATTACHMENTS, body: registrationBody, status: 201,
    summary: 'register an application (caseworker of the agency): JSON, or multipart with the JSON in field `data` and scans in `attachments` (PDF/JPEG/PNG/TIFF, ≤ 10 MB, ≤ 10)',
    description: 'receivedDate not in the future (Art. 31) and not before 2008-05-01; resident ID check digit (GB 11643), unified social credit code (GB 32100). The receipt (登记回执) is issued with the registration.',
    responses: { 201: { description: 'the registered application; Location is its URL', schema: ref('Application') } },
    handler: async ({ ctx, user, body, files, ip, res }) => {
      const view = await registerApplication(ctx, user, intakeOrRefuse(body, ctx.clock.today()), files, ip);
      res.location(`/api/applications/${view.id}`);
      return view;
    },
  }),
  route({
    method: 'get', path: '/api/applications', permission: 'staff', query: listQuery,
    summary: 'applications of the agencies the caller may see, most urgent first, with filters',
    responses: { 200: { description: '{total, page, pageSize, items}', schema: { type: 'object', properties: { total: { type: 'integer' }, page: { type: 'integer' }, pageSize: { type: 'integer' }, items: { type: 'array', items: ref('Application') } } } } },
    handler: ({ ctx, user, query }) => listApplicationViews(ctx, user, toListQuery(query)),
  }),
  route({
    method: 'get', path: '/api/applications/:id', permission: 'staff', params: caseId,
    summary: 'one application with its deadlines (and how they were computed), history, documents and the events the caller may send now; ETag is its version',
    responses: { 200: { description: 'the application', schema: ref('Application') } },
    handler: async ({ ctx, user, params, res }) => {
      const view = await getApplicationView(ctx, user, params.id);
      res.set('ETag', `"${view.version}"`);
      return view;
    },
  }),
  route({
    method: 'post', path: '/api/applications/:id/events', permission: 'staff', params: caseId, body: applicationEventSchema, files: ATTACHMENTS,
    headers: [{ name: 'If-Match', description: 'the version last read (ETag); a stale one answers 412' }],
    summary: 'send an event to the application (the machine judges it; 409 lists the events allowed now). Each type takes exactly its own fields; unknown fields are refused',
    description:
      'START_CONSULTATION of kind agency with agencyCode of an agency in the system sends the letter to that agency\'s inbox; TRANSFER {agencyCode, reason} (approver) hands the application over (Art. 36(五)). ' +
      'DRAFT_REPLY may carry passages: [id | "id:version" | {id, version}] — approved reply wording in force; the history stores [{id, version, title}]. ' +
      'DRAFT_REPLY and REPLY_ON_THE_SPOT state the facts of their decision (issue 12: disclosure, provided/withheld, responsibleAgency or search, law, thirdParty, earlierReply, excessive, basis or recordsCorrection); reasons for every decision but disclose; 422 names the missing field. ' +
      'ISSUE_FEE_NOTICE {basis, pages?, amount?}: the fee is computed by the standard (国办函〔2020〕109号); a different amount is refused. ' +
      'RECORD_OPINION with opinion deemed_consent is recorded only by the platform (Art. 34). Multipart: the same fields, plus scans in `attachments` (a paper opinion).',
    responses: { 200: { description: 'the updated application; ETag is its new version', schema: ref('Application') }, 409: { description: 'not allowed now: {error, message, allowedEvents}', schema: ref('Error') }, 412: { description: 'If-Match is stale', schema: ref('Error') } },
    handler: async ({ ctx, user, params, body, files, ip, req, res }) => {
      const view = await applyApplicationEvent(ctx, user, params.id, { body: body as Record<string, unknown>, ifMatch: ifMatchOf(req.get('if-match'), '申请'), ip, files });
      res.set('ETag', `"${view.version}"`);
      return view;
    },
  }),
  route({
    method: 'post', path: '/api/applications/:id/attachments', permission: ['caseworker'], params: caseId, body: noBody, files: ATTACHMENTS, status: 201,
    summary: 'add scans to an application (the agency\'s caseworker), multipart field `attachments`',
    responses: { 201: { description: 'the application', schema: ref('Application') } },
    handler: ({ ctx, user, params, files, ip }) => addAttachments(ctx, user, params.id, files, ip),
  }),
  route({
    method: 'get', path: '/api/applications/:id/attachments/:attachmentId', permission: 'staff', params: attachmentIds,
    summary: 'download one attachment',
    responses: { 200: { description: 'the file, as uploaded', contentType: 'application/octet-stream' }, 410: { description: 'the file\'s content is missing (restore from backup)', schema: ref('Error') } },
    handler: async ({ ctx, user, params, res }) => {
      const a = await getAttachment(ctx, user, params.id, params.attachmentId);
      sendFile(res, a, 'attachment');
    },
  }),

  // --- pages (the home page, 工作台, is the queue: queue-routes.ts) ----------------------------
  route({
    method: 'get', path: '/applications/new', permission: ['caseworker'],
    summary: '登记申请',
    handler: ({ ctx, res }) => {
      res.render('application-new', {
        title: '登记申请', fields: {}, error: null,
        form: { receivedDate: ctx.clock.today(), channel: 'in_person', 'applicant.kind': 'natural_person', 'applicant.idType': 'resident_id', 'request.delivery': 'paper' },
      });
    },
  }),
  route({
    method: 'post', path: '/applications', permission: ['caseworker'], files: ATTACHMENTS,
    body: z.preprocess((v) => nestFormFields((v ?? {}) as Record<string, unknown>), intakeShape),
    summary: '登记申请（表单）',
    onRefusal: (c, e) => {
      const unknown = Object.entries(e.fields ?? {}).filter(([, m]) => m === '不接受的字段').map(([k]) => k);
      const error = unknown.length ? `表单中有不接受的字段：${unknown.join('、')}` : e.fields ? '请更正标出的字段后再提交' : e.message;
      // Browsers cannot refill a file input: say so when files were chosen.
      c.res.status(statusOf(e)).render('application-new', { title: '登记申请', form: c.form, fields: e.fields ?? {}, error, filesLost: c.files.length > 0 });
    },
    handler: async ({ ctx, user, body, files, ip, res }) => {
      const view = await registerApplication(ctx, user, intakeOrRefuse(body, ctx.clock.today()), files, ip);
      res.redirect(303, `/applications/${view.id}?registered=1`);
    },
  }),
  route({
    method: 'get', path: '/applications/:id', permission: 'staff', params: caseId,
    query: z.strictObject({ registered: z.string().max(10).optional(), contact: z.enum(['saved', 'withdrew']).optional() }),
    summary: '案件详情',
    handler: ({ ctx, user, params, query, res }) => renderApplicationPage(ctx, res, user, params.id, {
      flash: query.registered ? '申请已登记' : query.contact === 'withdrew' ? `沟通记录已保存。${WITHDRAW_HINT}` : query.contact ? '沟通记录已保存' : null,
    }),
  }),
  route({
    method: 'post', path: '/applications/:id/events', permission: 'staff', params: caseId, files: ATTACHMENTS,
    // Issue 12: a reply form's per-decision fieldsets become the event's facts (reply-form.ts).
    // Issue 13: signing the reply (ISSUE_REPLY) from the page asks once for confirmation (signoff-form.ts).
    // Issue 14: a reply draft may quote signed-off conference conclusions (quoteConference, page only).
    body: z.preprocess((v) => replyEventFromForm((v ?? {}) as Record<string, unknown>), pageEventBody(applicationEventSchema, { confirm: confirmField, quoteConference: list(intField(1, 2 ** 31 - 1), 20).optional() })),
    summary: '办理操作（表单）',
    onRefusal: refusedOnCase((c) => c.form.type),
    handler: async ({ ctx, user, params, body, files, ip, res }) => {
      const event = { ...body.event } as Record<string, unknown>;
      requireSignoffConfirmation(event.type === 'ISSUE_REPLY', body.confirm);
      // Issue 7: passages chosen without JS have their wording appended to the reasons.
      if (event.type === 'DRAFT_REPLY') await passagesFromForm(ctx, event);
      if (event.type === 'DRAFT_REPLY' && body.quoteConference?.length) await quoteConclusions(ctx, user, params.id, event, body.quoteConference);
      await applyApplicationEvent(ctx, user, params.id, { body: event, ifMatch: body.version, ip, files });
      res.redirect(303, `/applications/${params.id}`);
    },
  }),
  route({
    method: 'post', path: '/applications/:id/attachments', permission: ['caseworker'], params: caseId, files: ATTACHMENTS, body: noBody,
    summary: '上传附件（表单）',
    onRefusal: refusedOnCase(() => 'attachments'),
    handler: async ({ ctx, user, params, files, ip, res }) => {
      await addAttachments(ctx, user, params.id, files, ip);
      res.redirect(303, `/applications/${params.id}`);
    },
  }),
  route({
    method: 'get', path: '/applications/:id/attachments/:attachmentId', permission: 'staff', params: attachmentIds, query: noQuery,
    summary: '查看附件',
    handler: async ({ ctx, user, params, res }) => {
      const a = await getAttachment(ctx, user, params.id, params.attachmentId);
      sendFile(res, a, 'inline');
    },
  }),
];
