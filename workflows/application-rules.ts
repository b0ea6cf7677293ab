// The rules of one application: every guard of the machine is a named rule in RULES, with the
// refusal (409 / 403 / 422) it stands for and the message shown to the user; EVENT_RULES lists each
// event's guard in reporting order. The machine (application-statechart.ts) and the judge
// (application-judge.ts) both read these tables, so `can()` and `judgeEvent()` cannot disagree.
// Pure: no I/O; the rules do not use XState.

import { isDraftableDecision, isDecisionCode, decisionOf } from './decisions.js';
import { reasonsRequired, replyFactsProblem, type FactProblem } from './reply-facts.js';
import { dateWindowProblem, isIsoDate } from './dates.js';
import { SYSTEM_ROLE } from './roles.js';
import {
  CONSULTATION_GROUNDS_BY_KIND, CONSULTATION_KINDS, CORRECTION_GROUNDS, currentRound, EVENT_LABELS, EVENT_ROLES, FEE_BASES, OPINIONS,
  SIGNOFF_RETURN_TARGETS,
} from './application-types.js';
import type { ApplicationContext, ApplicationEvent, ApplicationEventType, Consultation } from './application-types.js';
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
  type Rule as MachineRule,
} from './machine-kit.js';

// ---------------------------------------------------------------------------------------------
// Rules (the machine's guards), each with the refusal it stands for (the Rule type, the payload
// validators and the envelope rules are shared with the appeal machine, in machine-kit.ts)

export type Rule = MachineRule<ApplicationContext, ApplicationEvent>;

/** Payload rules only judge their own event type; other types pass. */
const on = payloadRulesOn<ApplicationContext, ApplicationEvent>();

/** A payload rule judging the reply events (a draft, or a reply given on the spot); other types pass. */
type ReplyEvent = Extract<ApplicationEvent, { type: 'DRAFT_REPLY' | 'REPLY_ON_THE_SPOT' }>;
const onReply = (test: (ctx: ApplicationContext, ev: ReplyEvent) => boolean) => (ctx: ApplicationContext, ev: ApplicationEvent): boolean =>
  (ev.type !== 'DRAFT_REPLY' && ev.type !== 'REPLY_ON_THE_SPOT') || test(ctx, ev);
/** The first problem with a reply event's facts (reply-facts.ts), or null. */
function replyProblem(ctx: ApplicationContext, ev: ApplicationEvent): FactProblem | null {
  if (ev.type !== 'DRAFT_REPLY' && ev.type !== 'REPLY_ON_THE_SPOT') return null;
  return replyFactsProblem(ctx, ev.decision, ev as unknown as Record<string, unknown>, ev.date);
}

/** The round of the recorded extension; 0 for one stored before rounds existed. */
function extensionRound(ctx: ApplicationContext): number {
  const round: unknown = ctx.extension?.round;
  return typeof round === 'number' ? round : 0;
}
/** §2.8: a period whose notice is not issued, or whose receipt is not recorded, is not over. */
const awaitingDelivery = (ev: ApplicationEvent, key: string) => ev.facts.awaitingDelivery?.includes(key) === true;

/** Open consultations still inside their opinion period on the event date (Arts. 32, 34). */
function consultationsWithinPeriod(ctx: ApplicationContext, ev: ApplicationEvent): Consultation[] {
  return ctx.consultations.filter((c) => {
    if (c.repliedDate !== null) return false;
    // The 15 working days run from the party's receipt of the letter: unknown until it is recorded.
    if (awaitingDelivery(ev, `consultation:${c.id}`)) return true;
    const due = ev.facts.consultationOpinionDue[c.id];
    // A missing due date is treated as "still running": better to hold the reply than to issue early.
    return !isIsoDate(due) || ev.date <= due;
  });
}

export const RULES = {
  // Due dates are only shape-checked here; the guard that uses one refuses an unusable value.
  wellFormed: wellFormedRule<ApplicationContext, ApplicationEvent>(
    (f) =>
      typeof f.replyDue === 'string' &&
      (f.correctionDue === null || typeof f.correctionDue === 'string') &&
      (f.feePaymentDue === null || typeof f.feePaymentDue === 'string') &&
      typeof f.consultationOpinionDue === 'object' &&
      f.consultationOpinionDue !== null,
  ),
  actorMayAct: actorMayActRule<ApplicationContext, ApplicationEvent>(EVENT_ROLES, EVENT_LABELS),

  // 一事一审 (Art. 17): the drafter never reviews or signs their own reply.
  notDrafter: {
    status: 403,
    payloadFree: true,
    test: (ctx, ev) => ctx.draft?.draftedBy !== ev.actor.id,
    message: (_ctx, ev) =>
      ev.type === 'ISSUE_REPLY' ? '拟稿人不能签发自己起草的答复'
        : ev.type === 'RETURN_FROM_SIGNOFF' ? '拟稿人不能在签发环节处理自己起草的答复'
          : '拟稿人不能审查自己起草的答复（一事一审）',
  },
  // The sign-off (sign, or send back) is a third person's: neither the drafter nor the reviewer.
  notReviewer: {
    status: 403,
    payloadFree: true,
    test: (ctx, ev) => ctx.review.approvedBy !== ev.actor.id,
    message: (_ctx, ev) => (ev.type === 'RETURN_FROM_SIGNOFF' ? '保密审查人不能在签发环节处理自己审查通过的答复' : '保密审查人不能签发自己审查通过的答复'),
  },

  // Art. 30: the correction notice is one-time (一次性告知).
  correctionNotYetRequested: {
    status: 409,
    payloadFree: true,
    test: (ctx) => ctx.correction === null,
    message: () => '本申请已发出过补正告知，补正只能一次性告知（第三十条）',
  },
  correctionItemsGiven: {
    status: 422,
    payloadFree: false,
    test: on('REQUEST_CORRECTION', (_ctx, ev) => Array.isArray(ev.items) && ev.items.length > 0 && ev.items.every(text)),
    message: () => '补正告知须逐项写明需要补正的事项（第三十条）',
  },
  correctionPeriodValid: {
    status: 422,
    payloadFree: false,
    test: on('REQUEST_CORRECTION', (_ctx, ev) => intBetween(ev.periodWorkingDays, 1, 30)),
    message: () => '补正期限须为1至30个工作日',
  },
  // Arts. 29, 30: the notice says why the application must be corrected; "other" says how.
  correctionGroundsValid: {
    status: 422,
    payloadFree: false,
    test: on('REQUEST_CORRECTION', (_ctx, ev) => {
      const g: unknown = ev.grounds;
      if (absent(g)) return true;
      if (!Array.isArray(g) || !g.every((x) => isKeyOf(CORRECTION_GROUNDS, x)) || new Set(g).size !== g.length) return false;
      return !g.includes('other') || text(ev.guidance);
    }),
    message: () => '补正事由无效；选择“其他情形”的，须在指导和释明中写明具体情形（第三十条）',
  },
  notBeforeCorrectionRequest: {
    status: 422,
    payloadFree: true,
    test: (ctx, ev) => ctx.correction === null || ev.date >= ctx.correction.requestedDate,
    message: (ctx) => `收到补正的日期不能早于补正告知日期（${chineseDate(ctx.correction?.requestedDate)}）`,
  },
  // Art. 30: only an application not corrected within the period is deemed abandoned.
  correctionOverdue: {
    status: 422,
    payloadFree: true,
    test: (_ctx, ev) => isIsoDate(ev.facts.correctionDue) && ev.date > ev.facts.correctionDue && !awaitingDelivery(ev, 'correction'),
    message: (_ctx, ev) =>
      !isIsoDate(ev.facts.correctionDue)
        ? '补正期限未确定，不能按逾期不补正处理'
        : awaitingDelivery(ev, 'correction')
          ? '补正告知书尚未发出或尚未记录送达：补正期限自申请人收到告知书之日起计算，记录送达后才能判断是否逾期（第三十条）'
          : `补正期限（${chineseDate(ev.facts.correctionDue)}）届满后才能按逾期不补正处理（第三十条）`,
  },

  // Arts. 32, 34: consultations.
  consultationIdNew: {
    status: 422,
    payloadFree: false,
    test: on('START_CONSULTATION', (ctx, ev) => text(ev.consultationId) && !ctx.consultations.some((c) => c.id === ev.consultationId)),
    message: () => '征求意见编号缺失或重复',
  },
  consultationKindValid: {
    status: 422,
    payloadFree: false,
    test: on('START_CONSULTATION', (_ctx, ev) => isKeyOf(CONSULTATION_KINDS, ev.kind)),
    message: () => '征求意见对象须为第三方或其他机关',
  },
  consultationPartyGiven: {
    status: 422,
    payloadFree: false,
    test: on('START_CONSULTATION', (_ctx, ev) => text(ev.party) && optionalString(ev.agencyCode)),
    message: () => '须写明被征求意见的第三方或机关名称',
  },
  // Arts. 32, 34: the letter says why this party is asked, and only for a reason that fits it.
  consultationGroundFits: {
    status: 422,
    payloadFree: false,
    test: on('START_CONSULTATION', (_ctx, ev) => {
      const g: unknown = ev.ground;
      if (absent(g)) return true;
      const fits = isKeyOf(CONSULTATION_KINDS, ev.kind) && (CONSULTATION_GROUNDS_BY_KIND[ev.kind] as readonly unknown[]).includes(g);
      return fits && (g !== 'other' || text(ev.groundNote));
    }),
    message: (_ctx, ev) =>
      ev.type === 'START_CONSULTATION' && ev.ground === 'other'
        ? '征求意见的原因选择“其他情形”的，须写明具体原因'
        : '征求意见的原因与对象不符：第三方为涉及商业秘密、个人隐私等（第三十二条），其他机关为共同制作（第三十四条）',
  },
  hasOpenConsultation: {
    status: 409,
    payloadFree: true,
    test: (ctx) => ctx.consultations.some((c) => c.repliedDate === null),
    message: () => '没有尚待记录意见的征求意见',
  },
  consultationIsOpen: {
    status: 422,
    payloadFree: false,
    test: on('RECORD_OPINION', (ctx, ev) => ctx.consultations.some((c) => c.id === ev.consultationId && c.repliedDate === null)),
    message: (ctx, ev) =>
      ev.type === 'RECORD_OPINION' && ctx.consultations.some((c) => c.id === ev.consultationId)
        ? '该征求意见已记录过意见'
        : '找不到该征求意见',
  },
  opinionValid: {
    status: 422,
    payloadFree: false,
    test: on('RECORD_OPINION', (_ctx, ev) => isKeyOf(OPINIONS, ev.opinion) && optionalString(ev.reasons)),
    message: () => '意见须为同意公开、不同意公开或未提出意见',
  },
  // Art. 32: an objection only counts with reasons; they go into the reply.
  objectionHasReasons: {
    status: 422,
    payloadFree: false,
    test: on('RECORD_OPINION', (_ctx, ev) => ev.opinion !== 'object' || text(ev.reasons)),
    message: () => '不同意公开的，须记录其理由（第三十二条）',
  },
  opinionNotBeforeSent: {
    status: 422,
    payloadFree: false,
    test: on('RECORD_OPINION', (ctx, ev) => {
      const c = ctx.consultations.find((x) => x.id === ev.consultationId);
      return c === undefined || ev.date >= c.sentDate;
    }),
    message: (ctx, ev) => {
      const c = ev.type === 'RECORD_OPINION' ? ctx.consultations.find((x) => x.id === ev.consultationId) : undefined;
      return `收到意见的日期不能早于发出征求意见的日期（${chineseDate(c?.sentDate)}）`;
    },
  },

  // Art. 33: one extension of at most 20 working days, asked for before replyDue. A reopened case
  // (重新办理) answers anew under a new deadline, so the one extension is counted per handling round:
  // an extension of an earlier round stays in the context as history but no longer counts.
  noExtensionYet: {
    status: 409,
    payloadFree: true,
    test: (ctx) => ctx.extension === null || extensionRound(ctx) < currentRound(ctx),
    message: (ctx) =>
      currentRound(ctx) > 0
        ? '本次重新办理中已申请过延期，延期答复只能一次（第三十三条）'
        : '本申请已申请过延期，延期答复只能一次（第三十三条）',
  },
  extensionBeforeReplyDue: {
    status: 422,
    payloadFree: true,
    test: (_ctx, ev) => isIsoDate(ev.facts.replyDue) && ev.date <= ev.facts.replyDue,
    message: (_ctx, ev) => `延期申请须在答复期限（${chineseDate(ev.facts.replyDue)}）前提出（第三十三条）`,
  },
  extensionDaysValid: {
    status: 422,
    payloadFree: false,
    test: on('REQUEST_EXTENSION', (_ctx, ev) => intBetween(ev.workingDays, 1, 20)),
    message: () => '延长期限须为1至20个工作日（第三十三条）',
  },
  extensionReasonGiven: {
    status: 422,
    payloadFree: false,
    test: on('REQUEST_EXTENSION', (_ctx, ev) => text(ev.reason)),
    message: () => '须说明延期理由',
  },
  // A request left undecided when the case closed belongs to that round; a reopening does not revive it.
  extensionRequested: {
    status: 409,
    payloadFree: true,
    test: (ctx) => ctx.extension?.status === 'requested' && extensionRound(ctx) === currentRound(ctx),
    message: () => '没有待审批的延期申请',
  },
  notBeforeExtensionRequest: {
    status: 422,
    payloadFree: true,
    test: (ctx, ev) => ctx.extension === null || ev.date >= ctx.extension.requestedDate,
    message: (ctx) => `审批日期不能早于延期申请日期（${chineseDate(ctx.extension?.requestedDate)}）`,
  },
  rejectionReasonGiven: {
    status: 422,
    payloadFree: false,
    test: on('REJECT_EXTENSION', (_ctx, ev) => text(ev.reason)),
    message: () => '不批准延期须说明理由',
  },

  // 国办函〔2020〕109号: one pending fee notice at a time; no reply while it is unpaid.
  noFeePending: {
    status: 409,
    payloadFree: true,
    test: (ctx) => ctx.fee?.status !== 'pending',
    message: (_ctx, ev) =>
      ev.type === 'ISSUE_REPLY' ? '申请人尚未缴纳信息处理费，暂不能签发答复' : '已有尚未缴费的收费通知',
  },
  feeBasisValid: {
    status: 422,
    payloadFree: false,
    test: on('ISSUE_FEE_NOTICE', (_ctx, ev) => isKeyOf(FEE_BASES, ev.basis)),
    message: () => '收费方式须为按件或按量（不得同时适用）',
  },
  feePagesGiven: {
    status: 422,
    payloadFree: false,
    test: on('ISSUE_FEE_NOTICE', (_ctx, ev) =>
      ev.basis === 'per_page' ? intBetween(ev.pages, 1, Number.MAX_SAFE_INTEGER) : ev.pages === undefined || ev.pages === null,
    ),
    message: () => '按量收费须填写页数；按件收费不填页数',
  },
  feeAmountPositive: {
    status: 422,
    payloadFree: false,
    test: on('ISSUE_FEE_NOTICE', (_ctx, ev) => typeof ev.amount === 'number' && Number.isFinite(ev.amount) && ev.amount > 0),
    message: () => '收费金额须大于零',
  },
  feeReceiptDateValid: {
    status: 422,
    payloadFree: false,
    // The clock counts the payment period from the applicant's receipt when one comes with the notice
    // (clock.ts): a real date, not before the notice, within the two-year horizon (finding 4).
    test: on('ISSUE_FEE_NOTICE', (_ctx, ev) => {
      const receipt: unknown = ev.applicantReceivedDate;
      return absent(receipt) || (isIsoDate(receipt) && receipt >= ev.date && dateWindowProblem(receipt, ev.date, { kind: 'plan' }) === null);
    }),
    message: (_ctx, ev) => `申请人收到收费通知之日须为有效日期，不早于通知日期（${chineseDate(ev.date)}），且在2年之内`,
  },
  feePending: {
    status: 409,
    payloadFree: true,
    test: (ctx) => ctx.fee?.status === 'pending',
    message: () => '没有待缴费的收费通知',
  },
  notBeforeFeeNotice: {
    status: 422,
    payloadFree: true,
    test: (ctx, ev) => ctx.fee === null || ev.date >= ctx.fee.noticeDate,
    message: (ctx) => `缴费日期不能早于收费通知日期（${chineseDate(ctx.fee?.noticeDate)}）`,
  },
  feeOverdue: {
    status: 422,
    payloadFree: true,
    test: (_ctx, ev) => isIsoDate(ev.facts.feePaymentDue) && ev.date > ev.facts.feePaymentDue && !awaitingDelivery(ev, 'fee'),
    message: (_ctx, ev) =>
      awaitingDelivery(ev, 'fee')
        ? '收费通知书尚未发出或尚未记录送达：缴费期限自申请人收到通知书之日起计算，记录送达后才能判断是否逾期'
        : `缴费期限（${chineseDate(ev.facts.feePaymentDue)}）届满后才能按逾期未缴费处理`,
  },

  // Drafting: the only decision-specific requirements.
  draftDecisionValid: {
    status: 422,
    payloadFree: false,
    test: on('DRAFT_REPLY', (_ctx, ev) => isDecisionCode(ev.decision) && isDraftableDecision(ev.decision)),
    message: (_ctx, ev) =>
      ev.type === 'DRAFT_REPLY' && isDecisionCode(ev.decision)
        ? '“逾期不补正”“逾期未缴费”只能因期限届满产生，不能拟稿'
        : '答复类型无效',
  },
  draftTextsValid: {
    status: 422,
    payloadFree: false,
    test: onReply((_ctx, ev) => optionalString(ev.reasons)),
    message: () => '答复的理由须为文本',
  },
  // Art. 36(三) and issue 12: every reply that refuses anything — withholding, not holding, not
  // processing, ending — states its reasons; only 予以公开 (and an Art. 41 correction made) need none.
  replyReasoned: {
    status: 422,
    payloadFree: false,
    field: () => 'reasons',
    test: onReply((_ctx, ev) => !reasonsRequired(ev.decision, ev as unknown as Record<string, unknown>) || text(ev.reasons)),
    message: (_ctx, ev) => {
      const decision: unknown = 'decision' in ev ? ev.decision : null;
      const label = isDecisionCode(decision) ? `答复类型“${decisionOf(decision).label}”` : '该答复';
      return `${label}须写明理由（reasons：理由与依据）；不予公开、部分公开、不予提供、不予处理或者终止处理的，均须说明理由（第三十六条）`;
    },
  },
  // Issue 12: the facts a court reads the reply for, per decision (reply-facts.ts): the way disclosed
  // information is obtained (Art. 36(一)/(二)), the parts withheld and their grounds (Arts. 14–16, 37),
  // the responsible agency and its contact (Art. 36(五)) or the search (Art. 36(四)), the law (Art. 14,
  // 36(七)), the third party's opinion and the public interest (Arts. 15, 32), the earlier reply
  // (Art. 36(六)), the count and the applicant's answer (Art. 35), the basis of any other ending.
  replyFactsComplete: {
    status: 422,
    payloadFree: false,
    field: (ctx, ev) => replyProblem(ctx, ev)?.field ?? '',
    test: (ctx, ev) => replyProblem(ctx, ev) === null,
    message: (ctx, ev) => replyProblem(ctx, ev)?.message ?? '',
  },

  checklistValid: {
    status: 422,
    payloadFree: false,
    test: on('APPROVE_REVIEW', (_ctx, ev) =>
      ev.checklist === undefined || ev.checklist === null || (Array.isArray(ev.checklist) && ev.checklist.every((x) => typeof x === 'string')),
    ),
    message: () => '审查清单格式无效',
  },
  reviewOpinionValid: {
    status: 422,
    payloadFree: false,
    field: () => 'opinion',
    test: on('APPROVE_REVIEW', (_ctx, ev) => optionalString(ev.opinion)),
    message: () => '审查意见须为文字',
  },
  // Art. 17 (先审查、后公开): a return says what the reviewer found, in the reviewer's opinion (审查意见).
  returnOpinionGiven: {
    status: 422,
    payloadFree: false,
    field: () => 'opinion',
    test: on('RETURN_FOR_REVISION', (_ctx, ev) => optionalString(ev.opinion) && optionalString(ev.reason) && (text(ev.opinion) || text(ev.reason))),
    message: () => '退回修改须填写审查意见，写明需要修改之处',
  },
  // The head of the disclosure office may send the reply back instead of signing: to the caseworker
  // to redraft, or to the reviewer to review again — always saying why.
  signoffReturnTargetValid: {
    status: 422,
    payloadFree: false,
    field: () => 'to',
    test: on('RETURN_FROM_SIGNOFF', (_ctx, ev) => isKeyOf(SIGNOFF_RETURN_TARGETS, ev.to)),
    message: () => '请选择退回承办人修改或退回保密审查',
  },
  signoffReturnReasonGiven: {
    status: 422,
    payloadFree: false,
    field: () => 'reason',
    test: on('RETURN_FROM_SIGNOFF', (_ctx, ev) => text(ev.reason)),
    message: () => '签发前退回须说明理由',
  },

  // Art. 34: an agency silent for 15 working days consents. Only the platform records that, and only
  // once the period is over; a person records what was actually said.
  deemedConsentBySystemOnly: {
    status: 422,
    payloadFree: false,
    test: on('RECORD_OPINION', (_ctx, ev) => (ev.opinion === 'deemed_consent') === (ev.actor.role === SYSTEM_ROLE)),
    message: (_ctx, ev) =>
      ev.actor.role === SYSTEM_ROLE ? '系统只记录逾期视为同意' : '“逾期未提出意见，视为同意”由系统在意见期限届满后自动记录，无需手工记录',
  },
  deemedConsentAfterPeriod: {
    status: 422,
    payloadFree: false,
    test: on('RECORD_OPINION', (ctx, ev) => {
      if (ev.opinion !== 'deemed_consent') return true;
      const c = ctx.consultations.find((x) => x.id === ev.consultationId);
      const due = ev.facts.consultationOpinionDue[ev.consultationId];
      return c?.kind === 'agency' && isIsoDate(due) && ev.date > due;
    }),
    message: () => '只有征求其他机关意见、且十五个工作日期限届满未答复的，才视为同意（第三十四条）',
  },

  // 转办 (Art. 36(五)): the information is held by another agency in the system.
  transferTargetGiven: {
    status: 422,
    payloadFree: false,
    test: on('TRANSFER', (_ctx, ev) => text(ev.agencyCode) && text(ev.agencyName)),
    message: () => '请选择承接转办的机关',
  },
  // Art. 36(五): the notice tells the applicant the receiving agency's contact details.
  transferContactKnown: {
    status: 422,
    payloadFree: false,
    field: () => 'agencyCode',
    test: on('TRANSFER', (_ctx, ev) => text(ev.agencyContact)),
    message: (_ctx, ev) =>
      `承接机关${ev.type === 'TRANSFER' && text(ev.agencyName) ? `（${ev.agencyName}）` : ''}未登记联系地址或电话，转办告知书无法依照第三十六条第（五）项告知申请人其联系方式；请系统管理员先在机关设置中补充`,
  },
  transferReasonGiven: {
    status: 422,
    payloadFree: false,
    test: on('TRANSFER', (_ctx, ev) => text(ev.reason)),
    message: () => '须说明转办理由（该信息由哪个机关制作或保存）',
  },
  notReopened: {
    status: 409,
    payloadFree: true,
    test: (ctx) => currentRound(ctx) === 0,
    message: () => '重新办理的申请不能转办，须由本机关重新答复',
  },

  // Art. 35: 要求说明理由 once; then either 不予处理 (a reply, not_processed.excessive) or a later
  // reply date the agency fixes as reasonable (确定延迟答复的合理期限).
  reasonsNotYetRequested: {
    status: 409,
    payloadFree: true,
    test: (ctx) => !ctx.excessive,
    message: () => '已要求申请人说明理由',
  },
  reasonsRequested: {
    status: 409,
    payloadFree: true,
    test: (ctx) => !!ctx.excessive,
    message: () => '须先要求申请人说明理由（第三十五条）',
  },
  laterDateNotYetSet: {
    status: 409,
    payloadFree: true,
    test: (ctx) => !ctx.excessive?.laterReplyDate,
    message: () => '已确定延迟答复的期限',
  },
  laterDateAfterDue: {
    status: 422,
    payloadFree: false,
    test: on('SET_LATER_DATE', (_ctx, ev) => isIsoDate(ev.laterReplyDate) && ev.laterReplyDate > ev.facts.replyDue),
    message: (_ctx, ev) => `延迟答复的期限须晚于现行答复期限（${chineseDate(ev.facts.replyDue)}）`,
  },
  laterDateWithinHorizon: {
    status: 422,
    payloadFree: false,
    // A plan, not a fact: at most two years after the day it is fixed (dates.ts, PLAN_HORIZON_YEARS).
    test: on('SET_LATER_DATE', (_ctx, ev) => !isIsoDate(ev.laterReplyDate) || dateWindowProblem(ev.laterReplyDate, ev.date, { kind: 'plan' }) === null),
    message: (_ctx, ev) =>
      (ev.type === 'SET_LATER_DATE' && isIsoDate(ev.laterReplyDate) && dateWindowProblem(ev.laterReplyDate, ev.date, { kind: 'plan', label: '延迟答复的期限' })) || '延迟答复的期限超出可以确定的范围',
  },
  laterDateReasoned: {
    status: 422,
    payloadFree: false,
    test: on('SET_LATER_DATE', (_ctx, ev) => text(ev.reason)),
    message: () => '须说明确定该期限的理由',
  },
  reasonsNoteValid: {
    status: 422,
    payloadFree: false,
    test: on('REQUEST_REASONS', (_ctx, ev) => optionalString(ev.note)),
    message: () => '说明事项须为文字',
  },
  reasonsPeriodValid: {
    status: 422,
    payloadFree: false,
    test: on('REQUEST_REASONS', (_ctx, ev) => absent(ev.periodWorkingDays) || intBetween(ev.periodWorkingDays, 1, 30)),
    message: () => '说明理由的期限须为1至30个工作日',
  },

  // Arts. 32, 34: wait for each opinion or the end of its 15-working-day period.
  consultationsSettled: {
    status: 422,
    payloadFree: true,
    test: (ctx, ev) => consultationsWithinPeriod(ctx, ev).length === 0,
    message: (ctx, ev) => {
      const c = consultationsWithinPeriod(ctx, ev)[0];
      const due = c ? ev.facts.consultationOpinionDue[c.id] : undefined;
      if (c && awaitingDelivery(ev, `consultation:${c.id}`)) {
        return `征求意见书（函）尚未发出或尚未记录送达（${c.party}）：意见期限自对方收到之日起计算，届满或收到意见前暂不能签发答复（第三十二条、第三十四条）`;
      }
      return `征求意见尚未结束（${c?.party ?? ''}，意见期限至${chineseDate(due)}），暂不能签发答复（第三十二条、第三十四条）`;
    },
  },

  deliveryMethodGiven: {
    status: 422,
    payloadFree: false,
    test: on('RECORD_DELIVERY', (_ctx, ev) => text(ev.method)),
    message: () => '须写明送达方式',
  },
  notBeforeIssue: {
    status: 422,
    payloadFree: true,
    test: (ctx, ev) => ctx.issuedDate === null || ev.date >= ctx.issuedDate,
    message: (ctx) => `送达日期不能早于签发日期（${chineseDate(ctx.issuedDate)}）`,
  },

  // Domain §2.2: an on-the-spot reply answers at the counter; once consulting, charging, extending
  // or drafting has started the case follows the written route.
  // A reopened case answers a reconsideration decision or judgment: in writing, never at the counter.
  nothingStartedYet: {
    status: 409,
    payloadFree: true,
    test: (ctx) =>
      ctx.consultations.length === 0 && ctx.fee === null && ctx.extension === null && ctx.draft === null && currentRound(ctx) === 0,
    message: (ctx) =>
      currentRound(ctx) > 0 ? '重新办理的申请须书面答复，不能当场答复' : '已开始征求意见、收费、延期或拟稿的申请不能当场答复',
  },
  // Withholding needs written reasons and the confidentiality review (Arts. 17, 36(三)), so it is
  // never given on the spot.
  onTheSpotDecisionValid: {
    status: 422,
    payloadFree: false,
    field: () => 'decision',
    test: on('REPLY_ON_THE_SPOT', (_ctx, ev) =>
      isDecisionCode(ev.decision) && isDraftableDecision(ev.decision) && !decisionOf(ev.decision).withholds,
    ),
    message: () => '当场答复不适用于该答复类型；不予公开或部分公开须书面说明理由并经保密审查',
  },

  // 重新办理: a reconsideration decision or judgment ordered a new reply (recorded by legal).
  notBeforeClosed: {
    status: 422,
    payloadFree: true,
    test: (ctx, ev) => ctx.closedDate === null || ev.date >= ctx.closedDate,
    message: (ctx) => `重新办理的日期不能早于办结日期（${chineseDate(ctx.closedDate)}）`,
  },
  reopenAppealGiven: {
    status: 422,
    payloadFree: false,
    test: on('REOPEN', (_ctx, ev) => intBetween(ev.appealId, 1, Number.MAX_SAFE_INTEGER)),
    message: () => '须指明责令重新答复的行政复议或行政诉讼案件',
  },
  reopenDueDateValid: {
    status: 422,
    payloadFree: false,
    test: on('REOPEN', (_ctx, ev) => isIsoDate(ev.newReplyDueDate) && ev.newReplyDueDate >= ev.date),
    message: (_ctx, ev) =>
      ev.type === 'REOPEN' && isIsoDate(ev.newReplyDueDate)
        ? `重新答复期限（${chineseDate(ev.newReplyDueDate)}）不能早于重新办理日期（${chineseDate(ev.date)}）`
        : '须填写有效的重新答复期限（格式 YYYY-MM-DD）',
  },
  reopenDueWithinHorizon: {
    status: 422,
    payloadFree: false,
    test: on('REOPEN', (_ctx, ev) => !isIsoDate(ev.newReplyDueDate) || dateWindowProblem(ev.newReplyDueDate, ev.date, { kind: 'plan' }) === null),
    message: (_ctx, ev) =>
      (ev.type === 'REOPEN' && isIsoDate(ev.newReplyDueDate) && dateWindowProblem(ev.newReplyDueDate, ev.date, { kind: 'plan', label: '重新答复期限' })) || '重新答复期限超出可以确定的范围',
  },
  reopenReasonGiven: {
    status: 422,
    payloadFree: false,
    test: on('REOPEN', (_ctx, ev) => text(ev.reason)),
    message: () => '须写明重新办理的原因（复议决定或判决的内容）',
  },
} as const satisfies Record<string, Rule>;

export type RuleName = keyof typeof RULES;

/**
 * The guard of each event, in the order judgeEvent reports refusals: situation (409), then role and
 * four-eyes (403), then payload and dates (422). `wellFormed` is checked before all of them.
 */
export const EVENT_RULES: Record<ApplicationEventType, readonly Exclude<RuleName, 'wellFormed'>[]> = {
  REQUEST_CORRECTION: ['correctionNotYetRequested', 'actorMayAct', 'correctionItemsGiven', 'correctionPeriodValid', 'correctionGroundsValid'],
  CORRECTION_RECEIVED: ['actorMayAct', 'notBeforeCorrectionRequest'],
  CORRECTION_LAPSED: ['actorMayAct', 'correctionOverdue'],
  START_CONSULTATION: ['actorMayAct', 'consultationIdNew', 'consultationKindValid', 'consultationPartyGiven', 'consultationGroundFits'],
  RECORD_OPINION: ['hasOpenConsultation', 'actorMayAct', 'consultationIsOpen', 'opinionValid', 'objectionHasReasons', 'opinionNotBeforeSent', 'deemedConsentBySystemOnly', 'deemedConsentAfterPeriod'],
  REQUEST_EXTENSION: ['noExtensionYet', 'actorMayAct', 'extensionBeforeReplyDue', 'extensionDaysValid', 'extensionReasonGiven'],
  APPROVE_EXTENSION: ['extensionRequested', 'actorMayAct', 'notBeforeExtensionRequest'],
  REJECT_EXTENSION: ['extensionRequested', 'actorMayAct', 'notBeforeExtensionRequest', 'rejectionReasonGiven'],
  ISSUE_FEE_NOTICE: ['noFeePending', 'actorMayAct', 'feeBasisValid', 'feePagesGiven', 'feeAmountPositive', 'feeReceiptDateValid'],
  RECORD_PAYMENT: ['feePending', 'actorMayAct', 'notBeforeFeeNotice'],
  FEE_LAPSED: ['feePending', 'actorMayAct', 'feeOverdue'],
  DRAFT_REPLY: ['actorMayAct', 'draftDecisionValid', 'draftTextsValid', 'replyReasoned', 'replyFactsComplete'],
  SUBMIT_FOR_REVIEW: ['actorMayAct'],
  APPROVE_REVIEW: ['actorMayAct', 'notDrafter', 'checklistValid', 'reviewOpinionValid'],
  RETURN_FOR_REVISION: ['actorMayAct', 'notDrafter', 'returnOpinionGiven'],
  RETURN_FROM_SIGNOFF: ['actorMayAct', 'notDrafter', 'notReviewer', 'signoffReturnTargetValid', 'signoffReturnReasonGiven'],
  ISSUE_REPLY: ['noFeePending', 'actorMayAct', 'notDrafter', 'notReviewer', 'consultationsSettled'],
  RECORD_DELIVERY: ['actorMayAct', 'notBeforeIssue', 'deliveryMethodGiven'],
  WITHDRAW: ['actorMayAct'],
  REPLY_ON_THE_SPOT: ['nothingStartedYet', 'actorMayAct', 'onTheSpotDecisionValid', 'draftTextsValid', 'replyReasoned', 'replyFactsComplete'],
  REOPEN: ['actorMayAct', 'notBeforeClosed', 'reopenAppealGiven', 'reopenDueDateValid', 'reopenDueWithinHorizon', 'reopenReasonGiven'],
  TRANSFER: ['notReopened', 'actorMayAct', 'transferTargetGiven', 'transferContactKnown', 'transferReasonGiven'],
  REQUEST_REASONS: ['reasonsNotYetRequested', 'actorMayAct', 'reasonsNoteValid', 'reasonsPeriodValid'],
  SET_LATER_DATE: ['reasonsRequested', 'laterDateNotYetSet', 'actorMayAct', 'laterDateAfterDue', 'laterDateWithinHorizon', 'laterDateReasoned'],
};

// Checked once at load, so a careless edit of the tables fails every test at once: the lists must be
// in reporting order, and 409/403 rules must not read the payload (allowedEvents relies on it).
checkRuleTables(RULES, EVENT_RULES, 'EVENT_RULES', 'rule');
