// The edge schema of an application event: one strict object per event type, so an event carries
// exactly the fields its type has (nothing unknown is kept in the history forever). The machine
// still judges the values (which decision, which consultation, whether now).
import { z } from 'zod';
import { DECISION_CODES } from '../../workflows/decisions.js';
import { DELIVERY_METHODS } from '../../workflows/glossary.js';
import { RECORDS_CORRECTION_OUTCOMES, WITHHOLD_GROUNDS } from '../../workflows/reply-facts.js';
import { CONSULTATION_GROUNDS, CONSULTATION_KINDS, CORRECTION_GROUNDS, FEE_BASES, OPINIONS } from '../../workflows/application.machine.js';
import { EVENT_DATE_LABELS, SIGNOFF_RETURN_TARGETS, type ApplicationEventType } from '../../workflows/application-types.js';
import { factDate, intField, isoDate, lines, list, optionalText, text } from '../http/schemas.js';

const enumOf = (values: readonly string[], message: string) => z.enum(values as [string, ...string[]], { message });

const reason = text(2000);
const passageRef = z.union([
  z.number().int().positive(),
  text(40),
  z.strictObject({ id: z.number().int().positive(), version: z.number().int().positive().nullable().optional() }),
]);
/** Passages cited in a draft: a list of ids, `id:version` strings (a form's multi-select), or {id, version}. */
const passageRefs = z.union([z.array(passageRef).max(30), text(400)]).optional();

// Issue 12: the facts a reply states (workflows/reply-facts.ts). The shapes are strict here; which
// decision takes which facts, and what each must say, is judged by the machine's rules (422 naming
// the field), so that `allowedEvents` and the judge agree.
/** An optional fact: absent (or null) means not given, and stays out of the history (no null written for it). */
const fact = (max: number) => z.union([text(max), z.null()]).optional();
const item = z.strictObject({
  title: text(200).optional().describe('name of the document or information provided (required; for a data file, its title when left out)'),
  pages: intField(1, 1_000_000).optional().describe('number of pages'),
  dataFileId: intField(1, 2 ** 31 - 1).optional()
    .describe('issue 14: a data file of the case (POST /api/applications/{id}/data-files) provided as this item; its row count and SHA-256 are recorded and printed. Only with the reply (disclosure.mode provided, or partial\'s provided)'),
});
const items = z.array(item).max(50);
const delivery = enumOf(Object.keys(DELIVERY_METHODS), `提供方式应为：${Object.values(DELIVERY_METHODS).join('、')}`)
  .describe(`how it is handed over: ${Object.entries(DELIVERY_METHODS).map(([k, v]) => `${k} ${v}`).join(', ')}`);
const law = z.strictObject({
  name: text(100).describe('the law or administrative regulation, e.g. 中华人民共和国档案法 (《》 optional)'),
  article: text(60).describe('the article, e.g. 第二十七条 or 第二十七条第一款'),
});
const agencyContact = z.strictObject({
  name: text(200).describe('the agency'),
  contact: text(300).describe('its address and/or telephone number'),
});
const replyFacts = {
  referTo: fact(300).describe('not_processed.petition: the channel to use; not_processed.publication: where to obtain it; withhold.inquiry: where to inquire'),
  disclosure: z.discriminatedUnion('mode', [
    z.strictObject({
      mode: z.literal('published'),
      url: text(500).describe('where it is published (http(s) URL)'),
      section: fact(200).describe('the section (栏目) of the site'),
      publishedDate: isoDate.optional().describe('published since'),
    }).describe('Art. 36(一): already proactively published'),
    z.strictObject({ mode: z.literal('provided'), items, delivery }).describe('Art. 36(二): provided with the reply'),
    z.strictObject({
      mode: z.literal('later'), items, delivery,
      availableDate: isoDate.describe('by when it is provided (另行提供)'),
    }).describe('Art. 36(二): the way, channel and time it will be provided'),
  ], { message: '公开方式应为 published、provided 或 later' }).optional()
    .describe('disclose (required): how the information is obtained — published (Art. 36(一)) or provided now or later (Art. 36(二)), never both'),
  provided: items.optional().describe('partial (required): what is provided (Art. 36(二))'),
  withheld: z.array(z.strictObject({
    ground: enumOf(Object.keys(WITHHOLD_GROUNDS), '不予公开的依据应为第十四条、第十五条或第十六条规定的情形')
      .describe(`a withhold.* code of Arts. 14–16: ${Object.entries(WITHHOLD_GROUNDS).map(([k, v]) => `${k} ${v}`).join(', ')}`),
    part: text(500).describe('the part withheld'),
    law: law.optional().describe('ground withhold.law_prohibited (required): the law forbidding disclosure'),
  })).max(50).optional().describe('partial (required): each part withheld with its ground (Art. 37; printed with Art. 36(三))'),
  responsibleAgency: agencyContact.optional().describe('unavailable.not_held: the agency responsible for disclosing it (Art. 36(五)); without it, search is required (Art. 36(四)); never both'),
  search: fact(1000).describe('unavailable.not_held without responsibleAgency: the search done (检索情况), Art. 36(四)'),
  law: law.optional().describe('withhold.law_prohibited (Art. 14) and withhold.inquiry (Art. 36(七)), required: the law and article'),
  thirdParty: z.strictObject({
    consultationId: text(40).describe('the recorded third-party consultation (its date and opinion are printed)'),
    publicInterest: text(2000).describe('the public-interest weighing (Art. 15 proviso)'),
  }).optional().describe('withhold.third_party, or partial with a withhold.third_party part (required)'),
  earlierReply: z.strictObject({
    number: text(60).describe('the earlier reply\'s document number'),
    date: isoDate.describe('its date'),
  }).optional().describe('not_processed.repeat (required): the reply already given (Art. 36(六))'),
  excessive: z.strictObject({
    count: intField(1, 100_000).describe('applications in the period (REQUEST_REASONS monthCount)'),
    period: z.strictObject({ from: isoDate, to: isoDate }).describe('the period counted'),
    applicantAnswer: text(2000).describe('the applicant\'s answer to the request for reasons (or that none came)'),
  }).optional().describe('not_processed.excessive (required; REQUEST_REASONS first): Art. 35'),
  basis: fact(500).describe('other.other (required unless recordsCorrection): the basis of ending the processing'),
  recordsCorrection: z.strictObject({
    record: text(500).describe('the record said to be inaccurate'),
    outcome: enumOf(Object.keys(RECORDS_CORRECTION_OUTCOMES), `审核结果应为：${Object.values(RECORDS_CORRECTION_OUTCOMES).join('、')}`)
      .describe('corrected | not_proven | not_competent'),
    correction: fact(1000).describe('corrected: what was corrected'),
    correctedDate: isoDate.optional().describe('corrected: when'),
    agency: agencyContact.optional().describe('not_competent: the agency that may correct it'),
    forwarded: z.boolean().optional().describe('not_competent: the request was forwarded to it'),
  }).optional().describe('other.other: a request to correct the applicant\'s own records, answered under Art. 41 (counted as 其他)'),
};

// Each event's date is named for what it is (收到补正日期, 签发日期…), in its messages too.
const event = <T extends ApplicationEventType, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.strictObject({ type: z.literal(type), date: factDate(EVENT_DATE_LABELS[type]).describe(EVENT_DATE_LABELS[type]), ...shape });

export const EVENT_SCHEMAS = [
  event('REQUEST_CORRECTION', {
    items: lines(500, 20),
    periodWorkingDays: intField(1, 30),
    /** Why it must be corrected (Arts. 29, 30), printed in the notice; several may apply. */
    grounds: list(enumOf(Object.keys(CORRECTION_GROUNDS), `补正事由应为：${Object.values(CORRECTION_GROUNDS).join('、')}`), 6).optional(),
    /** 指导和释明 (Art. 30): what the applicant should supply, in the caseworker's words. */
    guidance: optionalText(2000),
  }),
  event('CORRECTION_RECEIVED', {}),
  event('CORRECTION_LAPSED', {}),
  event('START_CONSULTATION', {
    kind: enumOf(Object.keys(CONSULTATION_KINDS), '征求意见对象类型应为第三方或其他机关'),
    party: optionalText(200),
    agencyCode: optionalText(40),
    /** 征求意见的内容: which information would be disclosed (default: what the applicant asked for). */
    parts: optionalText(2000),
    /** Why the party is asked (Arts. 32, 34); `other` is explained in groundNote. */
    ground: enumOf(Object.keys(CONSULTATION_GROUNDS), `征求意见的原因应为：${Object.values(CONSULTATION_GROUNDS).join('、')}`).optional(),
    groundNote: optionalText(1000),
    /** The case's files the letter carries (default: its own materials); '' on a form means none. */
    attachmentIds: list(z.union([intField(1, 2 ** 31 - 1), z.literal('')]), 50).optional(),
  }),
  event('RECORD_OPINION', {
    consultationId: text(40),
    opinion: enumOf(Object.keys(OPINIONS), '意见应为同意公开、不同意公开或未提出意见'),
    reasons: optionalText(4000),
  }),
  event('REQUEST_EXTENSION', { workingDays: intField(1, 20), reason }),
  event('APPROVE_EXTENSION', {}),
  event('REJECT_EXTENSION', { reason }),
  event('ISSUE_FEE_NOTICE', {
    basis: enumOf(Object.keys(FEE_BASES), '收费方式应为按件或按量'),
    pages: intField(1, 1_000_000).optional(),
    amount: intField(0, 100_000_000).optional(),
  }),
  event('RECORD_PAYMENT', {}),
  event('FEE_LAPSED', {}),
  event('DRAFT_REPLY', {
    decision: enumOf(DECISION_CODES, '请选择答复类型'),
    reasons: optionalText(8000).describe('the reasons and basis: required for every decision but disclose'),
    ...replyFacts,
    passages: passageRefs,
    /** The reply editor's record of passages inserted at the cursor (page form only). */
    insertedPassages: passageRefs,
  }),
  event('SUBMIT_FOR_REVIEW', {}),
  event('APPROVE_REVIEW', {
    checklist: list(text(200), 30).optional().describe('the points checked (on a form: one checkbox or several)'),
    opinion: optionalText(2000).describe('审查意见: the reviewer\'s opinion, recorded in the history (optional on approval)'),
  }),
  event('RETURN_FOR_REVISION', {
    opinion: optionalText(2000).describe('审查意见 (required): what must be revised'),
    reason: optionalText(2000).describe('deprecated: the older name of opinion, accepted when opinion is not given'),
  }),
  // Both required; the machine says so (签发前退回须说明理由), as it judges them.
  event('RETURN_FROM_SIGNOFF', {
    to: enumOf(Object.keys(SIGNOFF_RETURN_TARGETS), `退回对象应为：${Object.values(SIGNOFF_RETURN_TARGETS).join('或')}`).optional()
      .describe('required — caseworker: back to drafting (已拟稿); reviewer: back to the confidentiality review (保密审查中)'),
    reason: optionalText(2000).describe('required: why it is returned'),
  }),
  event('ISSUE_REPLY', {}),
  event('RECORD_DELIVERY', { method: text(40) }),
  event('WITHDRAW', {}),
  event('REPLY_ON_THE_SPOT', {
    decision: enumOf(DECISION_CODES, '请选择答复类型'),
    reasons: optionalText(8000).describe('required for every decision but disclose'),
    ...replyFacts,
  }),
  // Only an appeal decision reopens a case; the event is named here so the refusal can say so.
  event('REOPEN', { appealId: z.unknown().optional(), newReplyDueDate: z.unknown().optional(), reason: z.unknown().optional() }),
  event('TRANSFER', { agencyCode: text(40), reason }),
  event('REQUEST_REASONS', { note: optionalText(2000), periodWorkingDays: intField(1, 30).optional() }),
  event('SET_LATER_DATE', { laterReplyDate: z.iso.date({ message: '日期格式应为 YYYY-MM-DD' }), reason }),
] as const;

/** Empty form fields mean "not given" (but an empty choice of files to carry means "none"). */
const dropEmpty = (v: unknown) =>
  v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([k, x]) => x !== '' || k === 'attachmentIds')) : v;

export const applicationEventSchema = z.preprocess(
  dropEmpty,
  z.discriminatedUnion('type', EVENT_SCHEMAS, { message: '请指定有效的操作类型' }),
);
export type ApplicationEventInput = z.output<typeof applicationEventSchema>;
