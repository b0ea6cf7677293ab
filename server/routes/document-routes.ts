// Documents (issue 4): the JSON API, the actions of the case page's document panel, and the public
// verification of a copy (API and page).
import { z } from 'zod';
import { route, type RefusedCall, type RouteDef, refusalText } from '../http/route.js';
import { factDate, flag, idParam, noBody, noQuery, oneOf, optionalText } from '../http/schemas.js';
import { DOCUMENT_DELIVERY_METHODS } from '../../workflows/glossary.js';
import { recordDelivery } from '../documents/delivery-service.js';
import { ref } from '../http/openapi-components.js';
import { statusOf } from '../http/error-mapping.js';
import { badRequest, DomainError, invalid } from '../errors.js';
import { mayReadCases } from '../policy.js';
import {
  documentApplicationId, documentPdf, documentView, documentsOf, editDocument, issueDocument, makeDeliveryReceipt, supersedeDocument, verifyDocument,
} from '../documents/document-actions.js';
import { renderApplicationPage } from './case-page.js';
import { confirmField, requireSignoffConfirmation } from './signoff-form.js';
import { sendPdf } from './responses.js';

// The appeal routers still import sendPdf from here until they are declarations too.
export { sendPdf } from './responses.js';

export const MAX_VERIFY_BYTES = 20 * 1024 * 1024;

const byId = z.strictObject({ id: idParam });
const pdfQuery = z.strictObject({ download: flag.describe('1: as an attachment instead of inline') });

// The values are judged by the use cases, with their own messages; the edge caps their size and
// refuses unknown keys.
const editBody = z.strictObject({ body: z.string().max(50_000).optional().describe('the wording (≤ 20000 characters)') });
const issueBody = z.strictObject({ date: z.string().max(20).optional().describe('YYYY-MM-DD, default today; not before the application, not in the future') });
const supersedeBody = z.strictObject({ reason: z.string().max(2000).optional().describe('why the document is corrected (required)') });
const receiptBody = z.strictObject({
  method: z.string().max(200).optional().describe('how it will be delivered: mail, in_person, email, online (or 邮寄, 直接送达, …)'),
  place: z.string().max(200).optional().describe('送达地点, when not the applicant\'s address'),
  trackingNumber: z.string().max(40).optional().describe('邮件单号'),
});
/** 邮件单号: letters, digits and hyphens (EMS, 挂号信). */
const trackingNumber = z
  .union([z.literal(''), z.null(), z.string().trim().regex(/^[0-9A-Za-z-]{4,40}$/, { message: '邮件单号只能包含字母、数字和连字符（4–40 位）' })])
  .optional()
  .transform((v) => (v ? v : null));
/** Issue 12 (exact): the receipt of an issued document, from which the periods it gives are counted. */
const deliveredBody = z.strictObject({
  date: factDate('送达日期').describe('the day the addressee received it (YYYY-MM-DD): not before the issue date, not in the future'),
  method: oneOf(DOCUMENT_DELIVERY_METHODS, '送达方式').describe('mail | in_person | email | online | platform (platform: recorded by the platform itself when a letter to an agency on it is issued)'),
  trackingNumber: trackingNumber.describe('邮件单号 (mail)'),
  signedBy: optionalText(100).describe('who signed for it (签收人)'),
  note: optionalText(1000).describe('refusal (拒收) and witness, returned mail, …'),
});

const documentResponse = (description: string) => ({ description, schema: ref('Document') });

/** A refused document action is shown on its case page, next to the document it concerns. */
async function refusedOnDocument(c: RefusedCall, e: DomainError): Promise<void> {
  if (!c.user || !mayReadCases(c.user)) throw e;
  const docId = Number(c.params.id);
  const applicationId = await documentApplicationId(c.ctx, c.user, docId);
  const message = refusalText(e);
  // The form that was refused is shown again as it was typed (the delivery form keeps its fields).
  const action = c.req.path.split('/').pop() ?? '';
  await renderApplicationPage(c.ctx, c.res, c.user, applicationId, { status: statusOf(e), documentError: { id: docId, message, action, form: c.form } });
}

const VERIFY_TITLE = '文书验证';

export const documentRoutes: RouteDef[] = [
  // --- JSON API ---------------------------------------------------------------------------
  route({
    method: 'post', path: '/api/documents/verify', permission: 'public', query: noQuery, raw: { limit: MAX_VERIFY_BYTES, contentType: 'application/pdf' },
    summary: 'public verification: body = the PDF bytes (application/pdf, ≤ 20 MB)',
    description: 'Anyone holding a copy may check it, without logging in.',
    responses: {
      200: { description: 'valid only when the signature checks and the bytes match a document this system issued', schema: ref('Verification') },
      400: { description: 'empty body', schema: ref('Error') }, 413: { description: 'too large', schema: ref('Error') },
    },
    handler: ({ ctx, body }) => {
      if (!Buffer.isBuffer(body) || body.length === 0) throw badRequest('请在请求体中上传 PDF 文件（Content-Type: application/pdf）');
      return verifyDocument(ctx, body);
    },
  }),
  route({
    method: 'get', path: '/api/applications/:id/documents', permission: 'staff', params: byId, query: noQuery,
    summary: 'the documents of an application',
    responses: { 200: { description: 'list', schema: { type: 'object', properties: { items: { type: 'array', items: ref('Document') } } } }, 404: { description: 'unknown application', schema: ref('Error') } },
    handler: async ({ ctx, user, params }) => ({ items: await documentsOf(ctx, user, params.id) }),
  }),
  route({
    method: 'get', path: '/api/documents/:id', permission: 'staff', params: byId, query: noQuery,
    summary: 'one document',
    responses: { 200: documentResponse('document'), 404: { description: 'unknown', schema: ref('Error') } },
    handler: ({ ctx, user, params }) => documentView(ctx, user, params.id),
  }),
  route({
    method: 'get', path: '/api/documents/:id/pdf', permission: 'staff', params: byId, query: pdfQuery,
    summary: 'the PDF: stored signed bytes when issued, a watermarked preview when a draft',
    responses: { 200: { description: 'application/pdf with a UTF-8 file name', contentType: 'application/pdf' }, 404: { description: 'unknown', schema: ref('Error') } },
    handler: async ({ ctx, user, params, query, res }) => {
      const { pdf, filename } = await documentPdf(ctx, user, params.id);
      sendPdf(res, pdf, filename, !query.download);
    },
  }),
  route({
    method: 'put', path: '/api/documents/:id', permission: 'staff', params: byId, query: noQuery, body: editBody,
    summary: 'edit the wording of a draft (caseworker; a reply only before review): {body}',
    responses: { 200: documentResponse('document'), 409: { description: 'issued or in review', schema: ref('Error') }, 422: { description: 'empty body', schema: ref('Error') } },
    handler: ({ ctx, user, params, body, ip }) => editDocument(ctx, user, params.id, body.body, ip),
  }),
  route({
    method: 'post', path: '/api/documents/:id/issue', permission: 'staff', params: byId, query: noQuery, body: issueBody,
    summary: 'issue a draft notice: number, seal, signature (caseworker; corrected or closing replies: approver). {date?}',
    responses: {
      200: documentResponse('issued'), 403: { description: 'role', schema: ref('Error') },
      409: { description: 'already issued, reply awaiting ISSUE_REPLY, or no signing key', schema: ref('Error') }, 422: { description: 'bad date', schema: ref('Error') },
    },
    handler: ({ ctx, user, params, body, ip }) => issueDocument(ctx, user, params.id, body.date, ip),
  }),
  route({
    method: 'post', path: '/api/documents/:id/supersede', permission: 'staff', params: byId, query: noQuery, body: supersedeBody, status: 201,
    summary: 'start a correction of an issued document: {reason} → a new draft that supersedes it when issued',
    responses: { 201: documentResponse('draft'), 409: { description: 'not issued', schema: ref('Error') }, 422: { description: 'no reason', schema: ref('Error') } },
    handler: ({ ctx, user, params, body, ip }) => supersedeDocument(ctx, user, params.id, body.reason, ip),
  }),
  route({
    method: 'post', path: '/api/documents/:id/delivery-receipt', permission: 'staff', params: byId, query: noQuery, body: receiptBody, status: 201,
    summary: '送达回证 for an issued document: {method?} → issued at once',
    responses: { 201: documentResponse('issued'), 409: { description: 'not issued', schema: ref('Error') } },
    handler: ({ ctx, user, params, body, ip }) => makeDeliveryReceipt(ctx, user, params.id, body, ip),
  }),

  route({
    method: 'post', path: '/api/documents/:id/delivered', permission: 'staff', params: byId, query: noQuery, body: deliveredBody,
    summary: 'record the receipt of an issued document (送达): {date, method, trackingNumber?, signedBy?, note?} (caseworker of its agency)',
    description:
      'Periods that run from receipt (domain §2.8: the correction period, a consulted party\'s 15 working days, the 20 working days to pay a fee, ' +
      'the period to state reasons) are then counted from `date`; until then from the issue date, marked awaitingDelivery. Written in one transaction ' +
      'with an entry of the case\'s history: RECORD_DELIVERY for the reply awaiting delivery (the case closes), NOTICE_DELIVERED for any other document. ' +
      'Once per document. A letter into another agency\'s inbox on the platform is delivered when issued (method platform, by the platform).',
    responses: {
      200: documentResponse('the document with its delivery'), 403: { description: 'not a caseworker of the agency', schema: ref('Error') },
      404: { description: 'unknown, or another agency\'s', schema: ref('Error') },
      409: { description: 'a draft, superseded, a 送达回证, or already delivered', schema: ref('Error') },
      422: { description: 'per field: date (format, future, before the issue), method, trackingNumber, signedBy, note; unknown fields', schema: ref('Error') },
    },
    handler: ({ ctx, user, params, body, ip }) => recordDelivery(ctx, user, params.id, body, ip),
  }),

  // --- pages ------------------------------------------------------------------------------
  route({
    method: 'get', path: '/documents/:id/pdf', permission: 'staff', params: byId, query: pdfQuery,
    summary: '查看或下载文书 PDF',
    handler: async ({ ctx, user, params, query, res }) => {
      const { pdf, filename } = await documentPdf(ctx, user, params.id);
      sendPdf(res, pdf, filename, !query.download);
    },
  }),
  // Each action answers with the case page: on success a redirect, on a refusal the page with the
  // message next to the document it concerns.
  route({
    method: 'post', path: '/documents/:id/edit', permission: 'staff', params: byId, query: noQuery, body: editBody,
    summary: '修改文书正文（表单）', onRefusal: refusedOnDocument,
    handler: async ({ ctx, user, params, body, ip, res }) => {
      const doc = await editDocument(ctx, user, params.id, body.body, ip);
      res.redirect(303, `/applications/${doc.applicationId}#documents`);
    },
  }),
  route({
    method: 'post', path: '/documents/:id/issue', permission: 'staff', params: byId, query: noQuery, body: issueBody.extend({ confirm: confirmField }),
    summary: '签发答复书或发出文书（表单）', onRefusal: refusedOnDocument,
    handler: async ({ ctx, user, params, body, ip, res }) => {
      // Issue 13: a reply signed from the page (a new reply after reopening, a corrected reply) asks once.
      requireSignoffConfirmation((await documentView(ctx, user, params.id)).kind === 'reply', body.confirm);
      const doc = await issueDocument(ctx, user, params.id, body.date, ip);
      res.redirect(303, `/applications/${doc.applicationId}#documents`);
    },
  }),
  route({
    method: 'post', path: '/documents/:id/supersede', permission: 'staff', params: byId, query: noQuery, body: supersedeBody,
    summary: '制作更正文书（表单）', onRefusal: refusedOnDocument,
    handler: async ({ ctx, user, params, body, ip, res }) => {
      const doc = await supersedeDocument(ctx, user, params.id, body.reason, ip);
      res.redirect(303, `/applications/${doc.applicationId}#documents`);
    },
  }),
  route({
    method: 'post', path: '/documents/:id/delivered', permission: 'staff', params: byId, query: noQuery, body: deliveredBody,
    summary: '记录送达（表单）', onRefusal: refusedOnDocument,
    handler: async ({ ctx, user, params, body, ip, res }) => {
      const doc = await recordDelivery(ctx, user, params.id, body, ip);
      res.redirect(303, `/applications/${doc.applicationId}#doc-${doc.id}`);
    },
  }),
  route({
    method: 'post', path: '/documents/:id/delivery-receipt', permission: 'staff', params: byId, query: noQuery, body: receiptBody,
    summary: '制作送达回证（表单）', onRefusal: refusedOnDocument,
    handler: async ({ ctx, user, params, body, ip, res }) => {
      const doc = await makeDeliveryReceipt(ctx, user, params.id, body, ip);
      res.redirect(303, `/applications/${doc.applicationId}#documents`);
    },
  }),

  // 文书验证: public, by upload.
  route({
    method: 'get', path: '/verify', permission: 'public', query: noQuery,
    summary: '文书验证',
    handler: ({ res }) => res.render('verify', { title: VERIFY_TITLE, result: null, error: null }),
  }),
  route({
    method: 'post', path: '/verify', permission: 'public', query: noQuery, body: noBody,
    files: { field: 'pdf', maxCount: 1, maxBytes: MAX_VERIFY_BYTES },
    summary: '文书验证（上传）',
    onRefusal: (c, e) => {
      // An upload refused by its limits names the attachments of a case: say it for this form.
      const message = e.fields?.attachments ? (/MB/.test(e.fields.attachments) ? '文件超过 20 MB' : '上传失败，请重新选择文件') : e.message;
      c.res.status(statusOf(e)).render('verify', { title: VERIFY_TITLE, result: null, error: message });
    },
    handler: async ({ ctx, files, res }) => {
      const file = files[0];
      if (!file || file.buffer.length === 0) throw invalid({ pdf: '请选择要验证的 PDF 文件' }, '请选择要验证的 PDF 文件');
      res.render('verify', { title: VERIFY_TITLE, result: await verifyDocument(ctx, file.buffer), error: null });
    },
  }),
];
