// The edge schema of an application event: one strict object per event type, so an event carries
// exactly the fields its type has (nothing unknown is kept in the history forever). The machine
// still judges the values (which decision, which consultation, whether now).
import { z } from 'zod';
import { DECISION_CODES } from '../../workflows/decisions.js';
import { CONSULTATION_GROUNDS, CONSULTATION_KINDS, CORRECTION_GROUNDS, FEE_BASES, OPINIONS } from '../../workflows/application.machine.js';
import { factDate, intField, lines, list, optionalText, text } from '../http/schemas.js';

const enumOf = (values: readonly string[], message: string) => z.enum(values as [string, ...string[]], { message });

const reason = text(2000);
const passageRef = z.union([
  z.number().int().positive(),
  text(40),
  z.strictObject({ id: z.number().int().positive(), version: z.number().int().positive().nullable().optional() }),
]);
/** Passages cited in a draft: a list of ids, `id:version` strings (a form's multi-select), or {id, version}. */
const passageRefs = z.union([z.array(passageRef).max(30), text(400)]).optional();

const event = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.strictObject({ type: z.literal(type), date: factDate('生效日期'), ...shape });

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
    reasons: optionalText(8000),
    disclosed: optionalText(4000),
    withheld: optionalText(4000),
    referTo: optionalText(300),
    passages: passageRefs,
    /** The reply editor's record of passages inserted at the cursor (page form only). */
    insertedPassages: passageRefs,
  }),
  event('SUBMIT_FOR_REVIEW', {}),
  event('APPROVE_REVIEW', { checklist: z.array(text(200)).max(30).optional() }),
  event('RETURN_FOR_REVISION', { reason }),
  event('ISSUE_REPLY', {}),
  event('RECORD_DELIVERY', { method: text(40) }),
  event('WITHDRAW', {}),
  event('REPLY_ON_THE_SPOT', { decision: enumOf(DECISION_CODES, '请选择答复类型') }),
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
