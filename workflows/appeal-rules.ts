// The rules of one appeal: every guard of the appeal machine is a named rule in APPEAL_RULES with
// the refusal (409 / 403 / 422) it stands for and its message; APPEAL_EVENT_RULES lists each event's
// guard in reporting order. The machine (appeal-statechart.ts) and the judge (appeal-judge.ts) both
// read these tables, so `can()` and `judgeAppealEvent()` cannot disagree. Pure: no I/O; the rules
// do not use XState. Same conventions as application-rules.ts (shared helpers: machine-kit.ts).

import { dateWindowProblem, isIsoDate } from './dates.js';
import {
  APPEAL_EVENT_LABELS,
  APPEAL_EVENT_ROLES,
  APPEAL_OUTCOMES,
  DECISION_TYPE_OUTCOMES,
  NEW_REPLY_DECISION_TYPES,
  isAppealDecisionType,
} from './appeal-types.js';
import type { AppealContext, AppealEvent, AppealEventType } from './appeal-types.js';
import {
  absent,
  actorMayActRule,
  checkRuleTables,
  chineseDate,
  intBetween,
  isKeyOf,
  optionalString,
  payloadRulesOn,
  text,
  wellFormedRule,
  type Rule,
} from './machine-kit.js';

/** A guard of the appeal machine with the refusal it stands for (payload-free rules: see machine-kit.ts). */
export type AppealRule = Rule<AppealContext, AppealEvent>;

/** Payload rules only judge their own event type; other types pass. */
const on = payloadRulesOn<AppealContext, AppealEvent>();

function lastHearingDate(ctx: AppealContext): string | null {
  return ctx.hearings.reduce<string | null>((max, h) => (max === null || h.date > max ? h.date : max), null);
}

// 行政复议法 Art. 62: the ordinary-procedure decision period may be extended by at most 30 days.
export const MAX_DECISION_EXTENSION_DAYS = 30;

export const APPEAL_RULES = {
  // Only shape-checked here; a rule that needs a date refuses an unusable one itself.
  wellFormed: wellFormedRule<AppealContext, AppealEvent>((f) => typeof f.receivedDate === 'string' && typeof f.answerDue === 'string'),
  actorMayAct: actorMayActRule<AppealContext, AppealEvent>(APPEAL_EVENT_ROLES, APPEAL_EVENT_LABELS, '，复议、诉讼案件由法制人员办理'),

  // Nothing can happen in a case before the agency received the copy that starts it.
  notBeforeReceipt: {
    status: 422,
    payloadFree: true,
    test: (_ctx, ev) => isIsoDate(ev.facts.receivedDate) && ev.date >= ev.facts.receivedDate,
    message: (_ctx, ev) =>
      isIsoDate(ev.facts.receivedDate)
        ? `日期不能早于收到副本之日（${chineseDate(ev.facts.receivedDate)}）`
        : '收到副本之日未确定，不能记录该操作',
  },

  // 行政复议法 Art. 48 / 54; 行政诉讼法 Art. 67: the answer and evidence, with the deadline known so
  // that a late answer can be flagged.
  answerDueKnown: {
    status: 422,
    payloadFree: true,
    test: (_ctx, ev) => isIsoDate(ev.facts.answerDue),
    message: () => '答复期限未确定，不能记录提交答复',
  },
  draftSummaryValid: {
    status: 422,
    payloadFree: false,
    test: on('DRAFT_ANSWER', (_ctx, ev) => optionalString(ev.summary)),
    message: () => '答复要点须为文本',
  },
  evidenceValid: {
    status: 422,
    payloadFree: false,
    test: on('SUBMIT_ANSWER', (_ctx, ev) =>
      absent(ev.evidence) ||
      (Array.isArray(ev.evidence) && ev.evidence.every((id) => intBetween(id, 1, Number.MAX_SAFE_INTEGER))),
    ),
    message: () => '证据须为文书编号（正整数）列表',
  },
  notBeforeAnswerSubmitted: {
    status: 422,
    payloadFree: true,
    test: (ctx, ev) => ctx.answer.submittedDate === null || ev.date >= ctx.answer.submittedDate,
    message: (ctx) => `日期不能早于提交答复之日（${chineseDate(ctx.answer.submittedDate)}）`,
  },

  hearingNoteGiven: {
    status: 422,
    payloadFree: false,
    test: on('RECORD_HEARING', (_ctx, ev) => text(ev.note)),
    message: () => '须记录审理情况（听证、开庭的时间、地点和要点）',
  },

  // 行政复议法 Art. 62: only an ordinary-procedure reconsideration may be extended (the simplified
  // procedure's 30 days cannot; court periods are extended by the court, 行政诉讼法 Art. 81), once.
  extensionApplies: {
    status: 409,
    payloadFree: true,
    test: (ctx) => ctx.kind === 'reconsideration' && ctx.procedure === 'ordinary',
    message: () => '只有适用普通程序的行政复议案件可以延长复议期限（行政复议法第六十二条）',
  },
  noExtensionYet: {
    status: 409,
    payloadFree: true,
    test: (ctx) => ctx.decisionExtension === null,
    message: (ctx) => `复议期限已延长过${ctx.decisionExtension?.days ?? ''}日，只能延长一次（行政复议法第六十二条）`,
  },
  extensionDaysValid: {
    status: 422,
    payloadFree: false,
    test: on('EXTEND_DECISION', (_ctx, ev) => intBetween(ev.days, 1, MAX_DECISION_EXTENSION_DAYS)),
    message: () => `延长期限须为1至${MAX_DECISION_EXTENSION_DAYS}日（行政复议法第六十二条）`,
  },
  extensionReasonGiven: {
    status: 422,
    payloadFree: false,
    test: on('EXTEND_DECISION', (_ctx, ev) => text(ev.reason)),
    message: () => '须说明延长理由（情况复杂，不能在规定期限内作出决定）',
  },

  notBeforeLastHearing: {
    status: 422,
    payloadFree: true,
    test: (ctx, ev) => {
      const last = lastHearingDate(ctx);
      return last === null || ev.date >= last;
    },
    message: (ctx) => `决定日期不能早于最近一次审理（${chineseDate(lastHearingDate(ctx))}）`,
  },
  decisionOutcomeValid: {
    status: 422,
    payloadFree: false,
    test: on('RECORD_DECISION', (_ctx, ev) => isKeyOf(APPEAL_OUTCOMES, ev.outcome)),
    message: () => '结果须为维持、纠正或其他',
  },
  decisionTypeValid: {
    status: 422,
    payloadFree: false,
    test: on('RECORD_DECISION', (_ctx, ev) => isAppealDecisionType(ev.decisionType)),
    message: () => '决定/裁判类型无效',
  },
  // Domain §5: 维持、驳回 count as upheld; 撤销、变更、确认违法… as corrected; 调解、和解、撤回、终止 as other.
  decisionTypeMatchesOutcome: {
    status: 422,
    payloadFree: false,
    test: on('RECORD_DECISION', (_ctx, ev) => DECISION_TYPE_OUTCOMES[ev.decisionType] === ev.outcome),
    message: (_ctx, ev) => {
      if (ev.type !== 'RECORD_DECISION') return '';
      const expected = DECISION_TYPE_OUTCOMES[ev.decisionType];
      return `“${ev.decisionType}”应计为“${expected ? APPEAL_OUTCOMES[expected] : ''}”，与所填结果不符`;
    },
  },
  decisionSummaryGiven: {
    status: 422,
    payloadFree: false,
    test: on('RECORD_DECISION', (_ctx, ev) => text(ev.summary)),
    message: () => '须填写决定/裁判的主要内容',
  },
  // 判决 / 裁定 only exist in court (行政诉讼法 Arts. 69–85); a reconsideration ends by 决定.
  decisionFormValid: {
    status: 422,
    payloadFree: false,
    test: on('RECORD_DECISION', (ctx, ev) =>
      absent(ev.decisionForm) || (ctx.kind === 'litigation' && (ev.decisionForm === 'judgment' || ev.decisionForm === 'ruling')),
    ),
    message: (ctx) => (ctx.kind === 'litigation' ? '裁判形式须为判决（judgment）或裁定（ruling）' : '行政复议决定不区分判决和裁定'),
  },
  newReplyDueAllowed: {
    status: 422,
    payloadFree: false,
    test: on('RECORD_DECISION', (_ctx, ev) => absent(ev.newReplyDueDate) || NEW_REPLY_DECISION_TYPES.includes(ev.decisionType)),
    message: () => `只有${NEW_REPLY_DECISION_TYPES.join('、')}的决定/裁判才有重新答复期限`,
  },
  newReplyDueValid: {
    status: 422,
    payloadFree: false,
    test: on('RECORD_DECISION', (_ctx, ev) => absent(ev.newReplyDueDate) || (isIsoDate(ev.newReplyDueDate) && ev.newReplyDueDate >= ev.date)),
    message: (_ctx, ev) => `重新答复期限须为有效日期，且不早于决定日期（${chineseDate(ev.date)}）`,
  },

  newReplyDueWithinHorizon: {
    status: 422,
    payloadFree: false,
    // A plan, not a fact: at most two years after the decision (dates.ts, PLAN_HORIZON_YEARS).
    test: on('RECORD_DECISION', (_ctx, ev) => !isIsoDate(ev.newReplyDueDate) || dateWindowProblem(ev.newReplyDueDate, ev.date, { kind: 'plan' }) === null),
    message: (_ctx, ev) =>
      (ev.type === 'RECORD_DECISION' && isIsoDate(ev.newReplyDueDate) && dateWindowProblem(ev.newReplyDueDate, ev.date, { kind: 'plan', label: '重新答复期限' })) || '重新答复期限超出可以确定的范围',
  },

  withdrawalNoteValid: {
    status: 422,
    payloadFree: false,
    test: on('WITHDRAWN', (_ctx, ev) => optionalString(ev.note)),
    message: () => '撤回说明须为文本',
  },

  notBeforeDecision: {
    status: 422,
    payloadFree: true,
    test: (ctx, ev) => ctx.decision === null || ev.date >= ctx.decision.date,
    message: (ctx) => `结案日期不能早于决定/裁判日期（${chineseDate(ctx.decision?.date)}）`,
  },
} as const satisfies Record<string, AppealRule>;

export type AppealRuleName = keyof typeof APPEAL_RULES;

/**
 * The guard of each event, in the order judgeAppealEvent reports refusals: situation (409), then
 * role (403), then dates and payload (422). `wellFormed` is checked before all of them.
 */
export const APPEAL_EVENT_RULES: Record<AppealEventType, readonly Exclude<AppealRuleName, 'wellFormed'>[]> = {
  DRAFT_ANSWER: ['actorMayAct', 'notBeforeReceipt', 'draftSummaryValid'],
  SUBMIT_ANSWER: ['actorMayAct', 'notBeforeReceipt', 'answerDueKnown', 'evidenceValid'],
  RECORD_HEARING: ['actorMayAct', 'notBeforeReceipt', 'notBeforeAnswerSubmitted', 'hearingNoteGiven'],
  EXTEND_DECISION: ['extensionApplies', 'noExtensionYet', 'actorMayAct', 'notBeforeReceipt', 'extensionDaysValid', 'extensionReasonGiven'],
  RECORD_DECISION: [
    'actorMayAct',
    'notBeforeReceipt',
    'notBeforeAnswerSubmitted',
    'notBeforeLastHearing',
    'decisionOutcomeValid',
    'decisionTypeValid',
    'decisionTypeMatchesOutcome',
    'decisionSummaryGiven',
    'decisionFormValid',
    'newReplyDueAllowed',
    'newReplyDueValid',
    'newReplyDueWithinHorizon',
  ],
  WITHDRAWN: ['actorMayAct', 'notBeforeReceipt', 'withdrawalNoteValid'],
  CLOSE: ['actorMayAct', 'notBeforeReceipt', 'notBeforeDecision'],
};

// Checked once at load, as in application-rules.ts: reporting order, and 409/403 rules payload-free.
checkRuleTables(APPEAL_RULES, APPEAL_EVENT_RULES, 'APPEAL_EVENT_RULES', 'appeal rule');
