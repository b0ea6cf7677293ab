// Issue 14: contacts with the applicant (沟通记录), data files a reply provides and the data-form mark
// of a request (数据形态政府信息) — the JSON API and the case page's forms.
import { z } from 'zod';
import { refusalText, route, type RefusedCall, type RouteDef } from '../http/route.js';
import { badRequest, type DomainError } from '../errors.js';
import { idParam, noQuery, optionalText, jsonOrDataField } from '../http/schemas.js';
import { ref } from '../http/openapi-components.js';
import { statusOf } from '../http/error-mapping.js';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS } from '../cases/attachment-files.js';
import { contactFileDownload, listContacts, recordContact } from '../cases/contact-service.js';
import { addDataFiles, dataFileDownload, setDataForm } from '../cases/data-file-service.js';
import { loadVisible } from '../cases/application-service.js';
import { renderApplicationPage } from './case-page.js';
import { sendFile } from './responses.js';

const CONTACT_FILES = { field: 'files', maxCount: MAX_ATTACHMENTS, maxBytes: MAX_ATTACHMENT_BYTES };
const DATA_FILES = { field: 'dataFiles', maxCount: MAX_ATTACHMENTS, maxBytes: MAX_ATTACHMENT_BYTES };
const caseId = z.strictObject({ id: idParam });
const contactFileIds = z.strictObject({ id: idParam, contactId: idParam, fileId: idParam });
const dataFileIds = z.strictObject({ id: idParam, fileId: idParam });

// The shapes only (text capped, no control characters); the values are judged by the use case,
// field by field in Chinese (validateContact).
const contactShape = z.strictObject({
  date: optionalText(20).describe('沟通时间: the day (YYYY-MM-DD), not before receipt nor after today'),
  time: optionalText(10).describe('HH:MM, optional'),
  channel: optionalText(20).describe('沟通方式: phone 电话, visit 当面, email 电子邮件, sms 短信, letter 信函'),
  staff: optionalText(200).describe('沟通人 (the agency\'s side); default: the person recording'),
  counterpart: optionalText(200).describe('沟通对象 (the applicant, an agent …), optional'),
  summary: optionalText(8000).describe('内容摘要 (required, ≤ 4000 characters)'),
  outcome: optionalText(20).describe('沟通结果: clarified 已澄清诉求, narrowed 缩小申请范围, explained 已解释说明, withdrew 申请人撤回 (does not withdraw the application), dissatisfied 申请人不满意, other 其他'),
});
/** JSON; or multipart with the fields as they are, or the JSON in a field `data`, and files in `files`. */
const contactBody = jsonOrDataField(contactShape);

const dataFormBody = z.strictObject({ dataForm: optionalText(20).describe('dataset 数据集, statistics 统计数据, extract 数据库信息提取, other 其他数据形态; null or "" for none') });
const dataFileBody = z.strictObject({ title: optionalText(300).describe('the name the reply gives it (one file only; default: the file name)') });

const backToCase = (form: string) => async (c: RefusedCall, e: DomainError) => {
  if (e.kind === 'forbidden' && !c.user) throw e;
  await renderApplicationPage(c.ctx, c.res, c.user!, Number(c.params.id), {
    status: statusOf(e), eventError: { type: form, message: refusalText(e), fields: e.fields }, eventForm: c.form,
  });
};

export const contactRoutes: RouteDef[] = [
  // --- JSON API ---------------------------------------------------------------------------
  route({
    method: 'post', path: '/api/applications/:id/contacts', permission: ['caseworker', 'approver'], params: caseId, body: contactBody, files: CONTACT_FILES, status: 201,
    summary: 'record a contact with the applicant (沟通记录; the case\'s caseworker or approver): JSON, or multipart with files in `files` (PDF/JPEG/PNG/TIFF, ≤ 10 MB, ≤ 10)',
    description: 'A contact is not a step of the case: state, version and the reply clock stay as they are. outcome withdrew does not withdraw the application (the answer\'s hint says so): record WITHDRAW with the applicant\'s written withdrawal. Audited with the SHA-256 of the content and files.',
    responses: { 201: { description: 'the contact as recorded, and a hint for outcome withdrew', schema: { type: 'object' } } },
    handler: async ({ ctx, user, params, body, files, ip }) => {
      const { contact, hint } = await recordContact(ctx, user, params.id, body as Record<string, unknown>, files, ip);
      return { ...contact, hint };
    },
  }),
  route({
    method: 'get', path: '/api/applications/:id/contacts', permission: 'staff', params: caseId, query: noQuery,
    summary: 'the contacts with the applicant (also in GET /api/applications/{id} as contacts)',
    responses: { 200: { description: '{items}', schema: { type: 'object' } } },
    handler: async ({ ctx, user, params }) => {
      await loadVisible(ctx, user, params.id);
      return { items: await listContacts(ctx.db, params.id) };
    },
  }),
  route({
    method: 'get', path: '/api/applications/:id/contacts/:contactId/files/:fileId', permission: 'staff', params: contactFileIds,
    summary: 'download a file of a contact',
    responses: { 200: { description: 'the file, as uploaded', contentType: 'application/octet-stream' }, 410: { description: 'the file\'s content is missing', schema: ref('Error') } },
    handler: async ({ ctx, user, params, res }) => sendFile(res, await contactFileDownload(ctx, user, params.id, params.contactId, params.fileId), 'attachment'),
  }),
  route({
    method: 'post', path: '/api/applications/:id/data-files', permission: ['caseworker'], params: caseId, body: dataFileBody, files: DATA_FILES, status: 201,
    summary: 'add data files (CSV, XLSX) a reply can provide (数据形态政府信息; the case\'s caseworker), multipart field `dataFiles`',
    description: 'Rows (the header row not counted) and columns are counted by the desk: CSV by RFC 4180 (quoted fields may hold commas, quotes and line breaks; blank lines not counted), XLSX on the first worksheet. A DRAFT_REPLY item {dataFileId} then provides the file (disclosure.mode provided, or partial\'s provided); the reply lists it with its rows and SHA-256.',
    responses: { 201: { description: '{items}: the files as counted', schema: { type: 'object' } } },
    handler: async ({ ctx, user, params, body, files, ip }) => ({ items: await addDataFiles(ctx, user, params.id, files, body.title ?? undefined, ip) }),
  }),
  route({
    method: 'get', path: '/api/applications/:id/data-files/:fileId', permission: 'staff', params: dataFileIds,
    summary: 'download a data file',
    responses: { 200: { description: 'the file, as uploaded', contentType: 'application/octet-stream' }, 410: { description: 'the file\'s content is missing', schema: ref('Error') } },
    handler: async ({ ctx, user, params, res }) => sendFile(res, await dataFileDownload(ctx, user, params.id, params.fileId), 'attachment'),
  }),
  route({
    method: 'put', path: '/api/applications/:id/data-form', permission: ['caseworker'], params: caseId, body: dataFormBody,
    summary: 'mark a request as asking for data (数据形态政府信息), or unmark it (the case\'s caseworker; audited; request.dataForm at registration)',
    responses: { 200: { description: '{dataForm}', schema: { type: 'object' } } },
    handler: async ({ ctx, user, params, body, ip }) => {
      await setDataForm(ctx, user, params.id, body.dataForm, ip);
      return { dataForm: body.dataForm ?? null };
    },
  }),

  // --- pages ------------------------------------------------------------------------------
  route({
    method: 'post', path: '/applications/:id/contacts', permission: ['caseworker', 'approver'], params: caseId, body: contactShape, files: CONTACT_FILES,
    summary: '记录沟通情况（表单）',
    onRefusal: backToCase('contact'),
    handler: async ({ ctx, user, params, body, files, ip, res }) => {
      const { hint } = await recordContact(ctx, user, params.id, body as Record<string, unknown>, files, ip);
      res.redirect(303, `/applications/${params.id}?contact=${hint ? 'withdrew' : 'saved'}#contacts`);
    },
  }),
  route({
    method: 'get', path: '/applications/:id/contacts/:contactId/files/:fileId', permission: 'staff', params: contactFileIds, query: noQuery,
    summary: '查看沟通记录的文件',
    handler: async ({ ctx, user, params, res }) => sendFile(res, await contactFileDownload(ctx, user, params.id, params.contactId, params.fileId), 'inline'),
  }),
  route({
    method: 'post', path: '/applications/:id/data-files', permission: ['caseworker'], params: caseId, body: dataFileBody, files: DATA_FILES,
    summary: '上传数据文件（表单）',
    onRefusal: backToCase('data-files'),
    handler: async ({ ctx, user, params, body, files, ip, res }) => {
      await addDataFiles(ctx, user, params.id, files, body.title ?? undefined, ip);
      res.redirect(303, `/applications/${params.id}#data-files`);
    },
  }),
  route({
    method: 'get', path: '/applications/:id/data-files/:fileId', permission: 'staff', params: dataFileIds, query: noQuery,
    summary: '下载数据文件',
    handler: async ({ ctx, user, params, res }) => sendFile(res, await dataFileDownload(ctx, user, params.id, params.fileId), 'attachment'),
  }),
  route({
    method: 'post', path: '/applications/:id/data-form', permission: ['caseworker'], params: caseId, body: dataFormBody,
    summary: '标注数据形态申请（表单）',
    onRefusal: backToCase('data-form'),
    handler: async ({ ctx, user, params, body, ip, res }) => {
      await setDataForm(ctx, user, params.id, body.dataForm, ip);
      res.redirect(303, `/applications/${params.id}#data-files`);
    },
  }),
];
