// The JSON Schema of what the data exchange hands out (issue 14), published at
// GET /api/exchange/schema.json: the case file (the root), and under $defs an appeal as pushes answer
// it, a page of the change feed and a webhook message. Objects list what they always carry; they do
// not forbid more: a later version may add fields, and clients ignore fields they do not know.
import { CHANNELS, DELIVERY_METHODS, ID_TYPES, ORGANISATION_CATEGORIES } from '../../workflows/glossary.js';
import { APPEAL_KINDS, APPEAL_STATES } from '../../workflows/appeal.machine.js';
import { APPLICATION_STATES } from '../../workflows/application.machine.js';
import { CHANGE_TYPE_NAMES, CHANGE_TYPES } from '../change-feed.js';
import { CASE_FILE_FORMAT } from './exchange-service.js';

export const EXCHANGE_SCHEMA_ID = 'urn:disclosure-desk:exchange:1';

const date = { type: 'string', format: 'date' };
const nullableDate = { type: ['string', 'null'], format: 'date' };
const dateTime = { type: 'string', format: 'date-time' };
const text = { type: 'string' };
const nullableText = { type: ['string', 'null'] };
const ref = (name: string) => ({ $ref: `#/$defs/${name}` });
const sha256 = { type: 'string', pattern: '^[0-9a-f]{64}$' };
const by = {
  type: 'object', required: ['name', 'role'],
  properties: { name: text, role: { type: 'string', description: 'caseworker, reviewer, approver, legal, manager; system (the platform); exchange (a connected system)' } },
};

export const EXCHANGE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: EXCHANGE_SCHEMA_ID,
  title: '政府信息公开申请案卷（数据交换）',
  description: `The case file of GET /api/exchange/cases/{caseNumber} (format ${CASE_FILE_FORMAT}). Its $defs describe an appeal as the pushes answer it (Appeal), a page of GET /api/exchange/changes (ChangePage) and a webhook message body (WebhookMessage).`,
  type: 'object',
  required: ['format', 'exportedAt', 'caseNumber', 'application', 'applicant', 'request', 'events', 'documents', 'appeals'],
  properties: {
    format: { const: CASE_FILE_FORMAT },
    exportedAt: dateTime,
    caseNumber: { type: 'string', description: '申请编号, e.g. GHZY-2026-0001' },
    application: {
      type: 'object',
      required: ['id', 'caseNumber', 'agency', 'state', 'receivedDate', 'channel', 'decision', 'concludedDate'],
      properties: {
        id: { type: 'integer' },
        caseNumber: text,
        agency: { type: 'object', required: ['code', 'name'], properties: { code: text, name: text } },
        state: { enum: Object.keys(APPLICATION_STATES) },
        receivedDate: date,
        channel: { enum: Object.keys(CHANNELS) },
        decision: { type: ['string', 'null'], description: 'the reply\'s decision code (withhold.process_info, …) once drafted' },
        concludedDate: { ...nullableDate, description: 'the day the reply was issued or processing stopped (table 三 counts it in that year)' },
        deadlines: { type: 'object', description: 'replyDue and how it was computed (the desk\'s working-day clock)' },
      },
    },
    applicant: { oneOf: [ref('NaturalPerson'), ref('Organisation')], description: 'in full: the reconsideration body decides the applicant\'s own appeal against this case' },
    request: {
      type: 'object',
      required: ['description', 'delivery'],
      properties: {
        description: text, documentTitle: nullableText, documentNumber: nullableText, purpose: nullableText,
        delivery: { enum: Object.keys(DELIVERY_METHODS) },
      },
    },
    events: { type: 'array', items: ref('Event'), description: 'the case\'s history, oldest first' },
    documents: { type: 'array', items: ref('Document'), description: 'issued (and superseded) documents; drafts are not part of the file' },
    appeals: { type: 'array', items: ref('Appeal') },
    contacts: {
      type: 'array', description: 'contacts with the applicant (沟通记录), oldest first: not steps of the case',
      items: {
        type: 'object', required: ['date', 'channel', 'staff', 'summary', 'outcome', 'contentSha256'],
        properties: {
          id: { type: 'integer' }, date, time: nullableText, channel: { enum: ['phone', 'visit', 'email', 'sms', 'letter'] }, staff: text,
          counterpart: nullableText, summary: text, outcome: { enum: ['clarified', 'narrowed', 'explained', 'withdrew', 'dissatisfied', 'other'] },
          contentSha256: sha256, recordedAt: dateTime,
          files: { type: 'array', items: { type: 'object', required: ['filename', 'sha256'], properties: { filename: text, mime: text, size: { type: 'integer' }, sha256 } } },
        },
      },
    },
  },
  $defs: {
    NaturalPerson: {
      type: 'object',
      required: ['kind', 'name', 'idType', 'idNumber'],
      properties: {
        kind: { const: 'natural_person' }, name: text, idType: { enum: Object.keys(ID_TYPES) }, idNumber: text,
        phone: nullableText, address: nullableText, postcode: nullableText, email: nullableText,
      },
    },
    Organisation: {
      type: 'object',
      required: ['kind', 'name', 'category', 'creditCode'],
      properties: {
        kind: { const: 'organisation' }, name: text, category: { enum: Object.keys(ORGANISATION_CATEGORIES) }, creditCode: text,
        legalRepresentative: nullableText, contactPerson: nullableText, phone: nullableText, address: nullableText, email: nullableText,
      },
    },
    Event: {
      type: 'object',
      required: ['seq', 'type', 'date', 'payload', 'by', 'recordedAt'],
      properties: {
        seq: { type: 'integer', minimum: 1 }, type: { type: 'string', description: 'REGISTER, an event of the application machine, NOTICE_ISSUED or NOTICE_DELIVERED' },
        date: { ...date, description: 'effective date' }, payload: { type: 'object' }, by, recordedAt: dateTime,
      },
    },
    Document: {
      type: 'object',
      required: ['id', 'kind', 'title', 'number', 'issuedDate', 'status', 'sha256', 'pdf'],
      properties: {
        id: { type: 'integer' }, kind: { type: 'string', description: 'receipt, correction_notice, extension_notice, consultation_letter, fee_notice, reply, …' },
        title: text, number: { type: 'string', description: '文号, e.g. 东规资公复〔2026〕12号' }, issuedDate: date,
        status: { enum: ['issued', 'superseded'] }, sha256: { ...sha256, description: 'of the signed PDF\'s bytes' },
        supersedes: { type: ['integer', 'null'], description: 'the document this one corrects (更正)' },
        pdf: { type: 'string', pattern: '^/api/exchange/documents/[0-9]+/pdf$', description: 'the signed PDF, with the client token' },
      },
    },
    Appeal: {
      type: 'object',
      required: ['id', 'caseNumber', 'kind', 'procedure', 'body', 'externalCaseNumber', 'receivedDate', 'state', 'version', 'outcome', 'source', 'events', 'deadlines'],
      properties: {
        id: { type: 'integer' }, caseNumber: text, kind: { enum: Object.keys(APPEAL_KINDS) },
        procedure: { enum: ['ordinary', 'simplified', 'first_instance', 'second_instance'] }, simplified: { type: 'boolean' },
        body: { type: 'string', description: '复议机关 or 法院' }, externalCaseNumber: { type: 'string', description: '复议或诉讼案号' },
        receivedDate: date, acceptedDate: nullableDate, filedDate: nullableDate, claims: nullableText,
        state: { enum: Object.keys(APPEAL_STATES) }, version: { type: 'integer' },
        outcome: { enum: ['upheld', 'corrected', 'other', null] }, decisionType: nullableText, decisionDate: nullableDate,
        deadlines: { type: 'object', required: ['answerDue'], properties: { answerDue: date, decisionExpected: nullableDate, newReplyDue: nullableDate } },
        source: { enum: ['desk', 'reconsideration_system'], description: 'logged by the legal staff, or received from the reconsideration body\'s system' },
        events: {
          type: 'array',
          items: {
            type: 'object', required: ['seq', 'type', 'date', 'payload', 'by', 'recordedAt'],
            properties: { seq: { type: 'integer' }, type: text, date, payload: { type: 'object' }, by, recordedAt: dateTime },
          },
        },
        allowedEvents: { type: 'array', items: text, description: 'what the calling client may send now' },
      },
    },
    ChangePage: {
      type: 'object',
      required: ['items', 'next'],
      properties: {
        items: {
          type: 'array',
          items: {
            type: 'object',
            required: ['cursor', 'type', 'caseNumber', 'at'],
            properties: {
              cursor: { type: 'string', pattern: '^[0-9]+$' }, type: { enum: CHANGE_TYPE_NAMES }, caseNumber: text, at: dateTime,
              agency: nullableText, appealId: { type: 'integer' }, documentId: { type: 'integer' }, event: text,
            },
          },
        },
        next: { type: 'string', pattern: '^[0-9]+$', description: 'ask with after=next next time' },
      },
    },
    WebhookMessage: {
      type: 'object',
      description: `The body of a webhook (Standard Webhooks). Types: ${CHANGE_TYPE_NAMES.map((t) => `${t} (${CHANGE_TYPES[t]})`).join('; ')}.`,
      required: ['type', 'timestamp', 'data'],
      properties: {
        type: { enum: CHANGE_TYPE_NAMES },
        timestamp: dateTime,
        data: {
          type: 'object',
          required: ['cursor', 'caseNumber'],
          properties: { cursor: { type: 'string', pattern: '^[0-9]+$', description: 'the change\'s cursor in the feed' }, caseNumber: text, agency: nullableText, appealId: { type: 'integer' }, documentId: { type: 'integer' } },
        },
      },
    },
  },
} as const;
