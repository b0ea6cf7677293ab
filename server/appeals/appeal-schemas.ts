// The edge schemas of reconsideration and litigation cases: one strict object per appeal event type
// (so an event carries exactly the fields its type has: nothing unknown is kept in the history
// forever), the registration, the write-up and the list filters. The machine still judges the values
// (whether now, by whom, whether the decision type fits the outcome); the use cases keep their messages.
import { z } from 'zod';
import {
  APPEAL_DECISION_TYPES, APPEAL_EVENT_DATE_LABELS, APPEAL_KINDS, APPEAL_OUTCOMES, DECISION_FORMS, MAX_DECISION_EXTENSION_DAYS,
} from '../../workflows/appeal.machine.js';
import { factDate, isoDate, flag, intField, list, optionalText, text } from '../http/schemas.js';
import type { AppealListQuery } from './appeal-service.js';

const enumOf = (values: readonly string[], message: string) => z.enum(values as [string, ...string[]], { message });

/** Text the rule requires: absent or not text says what is missing (the rule refuses blank text). */
const required = (max: number, message: string) => z.string({ message }).pipe(text(max));
/** Text that may be left out (absent stays absent: nothing is added to the history). */
const optional = (max: number) => text(max).nullable().optional();

/** Evidence: document ids, as a JSON list or as the page's ticked boxes (one value each). */
const evidence = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(/[,，\s]+/).filter(Boolean) : v),
  z.array(intField(1, 2 ** 31 - 1), { message: '请从本申请已发出的文书中选择证据' }).max(200),
).nullable().optional();

const event = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.strictObject({ type: z.literal(type), date: factDate((APPEAL_EVENT_DATE_LABELS as Record<string, string>)[type] ?? '日期'), ...shape });

/** appeal-types.ts AppealEvent, field for field. */
export const APPEAL_EVENT_SCHEMAS = [
  event('DRAFT_ANSWER', { summary: optional(8000) }),
  event('SUBMIT_ANSWER', { evidence }),
  event('RECORD_HEARING', { note: required(4000, '须记录审理情况（听证、开庭的时间、地点和要点）') }),
  // 行政复议法 Art. 62: at most 30 days, once.
  event('EXTEND_DECISION', {
    days: intField(1, MAX_DECISION_EXTENSION_DAYS),
    reason: required(2000, '须说明延长理由（情况复杂，不能在规定期限内作出决定）'),
  }),
  event('RECORD_DECISION', {
    outcome: enumOf(Object.keys(APPEAL_OUTCOMES), '结果须为维持、纠正或其他'),
    decisionType: enumOf(APPEAL_DECISION_TYPES, `决定/裁判类型应为：${APPEAL_DECISION_TYPES.join('、')}`),
    summary: required(8000, '须填写决定/裁判的主要内容'),
    newReplyDueDate: factDate('重新答复期限').nullable().optional(),
    decisionForm: enumOf(Object.keys(DECISION_FORMS), '裁判形式须为判决或裁定').nullable().optional(),
  }),
  event('WITHDRAWN', { note: optional(2000) }),
  event('CLOSE', {}),
] as const;

/** Empty form fields mean "not given". */
const dropEmpty = (v: unknown) =>
  v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== '')) : v;

export const appealEventSchema = z.preprocess(
  dropEmpty,
  z.discriminatedUnion('type', APPEAL_EVENT_SCHEMAS, { message: '请指定有效的操作类型' }),
);
export type AppealEventInput = z.output<typeof appealEventSchema>;

/**
 * A date that may be left out: absent, null or an empty form field. Its window (not before the
 * Regulation, not after today) is judged by the use case, which names the date in its message.
 */
const optionalDate = z.union([isoDate, z.literal(''), z.null()]).optional();

/**
 * Registering a case: what createAppeal reads. Kind, procedure and the required fields are judged by
 * the use case, which names every missing field at once.
 */
export const appealInput = z.strictObject({
  kind: z.string().max(40).optional().describe(Object.keys(APPEAL_KINDS).join(' | ')),
  procedure: z.string().max(40).optional().describe('reconsideration: ordinary | simplified; litigation: first_instance | second_instance'),
  simplified: flag.describe('a litigation first instance under the simplified procedure (行政诉讼法 Art. 82)'),
  body: optionalText(200).describe('复议机关 or 法院'),
  externalCaseNumber: optionalText(100).describe('案号'),
  receivedDate: optionalDate.describe('收到副本之日: not in the future, not before the application was received'),
  acceptedDate: optionalDate.describe('受理之日 (reconsideration)'),
  filedDate: optionalDate.describe('立案之日 (litigation)'),
  afterReconsideration: z.union([intField(1, 2 ** 31 - 1), z.literal(''), z.null()]).optional().describe('id of the reconsideration case of the same application this litigation follows'),
  claims: optionalText(4000).describe('请求事项'),
});

/** 案例汇编 write-up: every section is required (the use case names the missing ones). */
export const caseNoteInput = z.strictObject({
  facts: z.string().max(20_000).optional().describe('基本案情'),
  issues: z.string().max(20_000).optional().describe('争议焦点'),
  result: z.string().max(20_000).optional().describe('处理结果'),
  lessons: z.string().max(20_000).optional().describe('启示'),
});

/** A filter that a form may send empty. */
const blankOr = <T extends z.ZodType>(schema: T) => z.union([z.literal(''), schema]).optional();

/** The case-log filters, in the URL of the list page and of GET /api/appeals. */
export const appealQuery = z.strictObject({
  kind: blankOr(enumOf(Object.keys(APPEAL_KINDS), '类型应为行政复议或行政诉讼')),
  body: z.string().max(200).optional().describe('复议机关 or 法院, exactly'),
  outcome: blankOr(enumOf(['upheld', 'corrected', 'other', 'pending'], '结果应为维持、纠正、其他或尚未审结')),
  year: blankOr(intField(2000, 2100)).describe('year received'),
  agency: z.string().max(64).optional().describe('agency code'),
  open: flag.describe('only cases not closed or withdrawn'),
});

export function toAppealFilters(q: z.output<typeof appealQuery>): AppealListQuery {
  const s = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);
  return {
    kind: s(q.kind),
    body: s(q.body),
    outcome: s(q.outcome),
    year: typeof q.year === 'number' ? q.year : undefined,
    agencyCode: s(q.agency),
    open: q.open,
  };
}

/** A list of appeal ids, from JSON or from the compendium page's checkboxes. */
export const appealIds = list(intField(1, 2 ** 31 - 1), 200);
