// The edge schemas of the reply-wording library (答复口径, issue 7): the search filters and the
// wording of a passage or of a new version. The use cases judge the values (topic, decisions, the
// limits after trimming) with their own messages; the edge refuses unknown fields and what no form
// could send.
import { z } from 'zod';
import { DECISION_CODES } from '../../workflows/decisions.js';
import { LIMITS, PASSAGE_TOPICS, type PassageTopic } from './passage-input.js';
import type { DecisionCode } from '../../workflows/decisions.js';
import type { PassageQuery } from './passage-service.js';

const enumOf = (values: readonly string[], message: string) => z.enum(values as [string, ...string[]], { message });
const blankOr = <T extends z.ZodType>(schema: T) => z.union([z.literal(''), schema]).optional();

/** The library's filters, in the URL of the list page and of GET /api/passages. */
export const passageQuery = z.strictObject({
  q: z.string().max(LIMITS.query, { message: `检索词不能超过 ${LIMITS.query} 字` }).optional().describe('text in title, wording or 依据; % and _ are matched literally'),
  topic: blankOr(enumOf(Object.keys(PASSAGE_TOPICS), '专题无效')),
  decision: blankOr(enumOf(DECISION_CODES, '答复类型无效')).describe('passages written for this decision or for any decision'),
  status: blankOr(enumOf(['active', 'retired', 'all'], '状态应为 active、retired 或 all')).describe('default active'),
});

export function toPassageQuery(q: z.output<typeof passageQuery>): PassageQuery {
  return {
    q: q.q?.trim() || undefined,
    topic: (q.topic || undefined) as PassageTopic | undefined,
    decision: (q.decision || undefined) as DecisionCode | undefined,
    status: (q.status || 'active') as PassageQuery['status'],
  };
}

/**
 * Text of the wording. The use case counts its limit after trimming and joining line breaks (a
 * browser sends CRLF) and names it; here only twice the limit is refused outright.
 */
const wording = (limit: number, message?: string) => z.string(message ? { message } : undefined).max(limit * 2);

/** Decisions the passage is written for: a list, or the form's one or several values (empty: any decision). */
const decisions = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(/[,，\s]+/).filter(Boolean) : v),
  z.array(z.string().max(60), { message: '适用答复类型应为答复类型代码的列表' }).max(60),
).describe('decision codes it is written for; empty or absent = any decision');

/** A new passage (version 1). */
export const passageInput = z.strictObject({
  topic: z.string({ message: `请选择专题（${Object.values(PASSAGE_TOPICS).join('、')}）` }).max(40).describe(Object.keys(PASSAGE_TOPICS).join(' | ')),
  title: wording(LIMITS.title, '请填写口径标题'),
  body: wording(LIMITS.body, '请填写口径正文'),
  legalBasis: wording(LIMITS.legalBasis).nullable().optional().describe('依据'),
  decisions: decisions.optional(),
});

/** A new version: omitted fields carry over from the latest version. */
export const versionInput = z.strictObject({
  title: wording(LIMITS.title).optional(),
  body: wording(LIMITS.body, '请填写口径正文'),
  legalBasis: wording(LIMITS.legalBasis).nullable().optional().describe('依据'),
  decisions: decisions.optional(),
});

export const retireInput = z.strictObject({ reason: wording(LIMITS.reason).optional().describe('停用原因') });
