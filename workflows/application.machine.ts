// The XState v5 machine of one government-information-disclosure application (政府信息公开申请),
// and the "judge" the server asks before it persists anything.
//
// Pure: no HTTP, no SQL, no clock reads. Every event carries its effective `date`, the acting user
// (`actor`) and `facts` — deadlines the server computed with the statutory clock (clock.ts) BEFORE
// sending. Guards only compare `event.date` with those facts, so they stay pure and synchronous
// (`snapshot.can()` runs them). No `after` timers: legal deadlines are not restored from persisted
// snapshots (statelyai/xstate#5331); lapses arrive as ordinary events (CORRECTION_LAPSED, FEE_LAPSED).
//
// States (flat):
//   processing           办理中        initial: the application is registered and being handled
//   awaiting_correction  待补正        the one-time correction notice is out (Art. 30)
//   drafted              已拟稿        a reply is drafted (redrafting allowed)
//   in_review            保密审查中    confidentiality review ("先审查、后公开", Art. 17)
//   approved             待签发        reviewed; waiting for the head of the disclosure office to sign
//   issued               已签发待送达  signed; waiting for proof of delivery
//   closed               已办结        final: delivered, lapsed, withdrawn or answered on the spot
//
// Every guard is a named rule in RULES with the HTTP-ish status a refusal maps to; each transition's
// guard is `and(EVENT_RULES[type])`, so `can()` and `judgeEvent()` read the same table and cannot
// disagree. Refusal order in judgeEvent:
//   1. 409 not_allowed — the event is not accepted in this state, or the case's situation forbids it
//      now whoever sends it (correction already requested, extension already used, a fee notice is
//      still pending, no open consultation, …). We use 409 for these because retrying the same
//      request cannot succeed until the case changes, exactly like a wrong state.
//   2. 403 forbidden — the actor's role may not send it (EVENT_ROLES), or four-eyes is violated.
//   3. 422 invalid — the payload is malformed, or a date guard fails against the facts (too early to
//      declare a lapse, extension asked after replyDue, a consultation still within its period).

import { and, assign, createActor, setup, type Snapshot } from 'xstate';
import { isDraftableDecision, isDecisionCode, decisionOf, type DecisionCode } from './decisions.js';
import { isRole, ROLE_LABELS, type Role } from './roles.js';
import { migrateToCurrent } from './application-migrations.js';
import { formatChineseDate, isIsoDate } from './dates.js';

/** Bump when states or context change shape, and add a migrator in application-migrations.ts. */
export const APPLICATION_MACHINE_VERSION = 1;

export const APPLICATION_STATES = {
  processing: '办理中',
  awaiting_correction: '待补正',
  drafted: '已拟稿',
  in_review: '保密审查中',
  approved: '待签发',
  issued: '已签发待送达',
  closed: '已办结',
} as const;
export type ApplicationState = keyof typeof APPLICATION_STATES;

export function isApplicationState(value: unknown): value is ApplicationState {
  return typeof value === 'string' && Object.hasOwn(APPLICATION_STATES, value);
}

// ---------------------------------------------------------------------------------------------
// Context

export const CONSULTATION_KINDS = { third_party: '第三方', agency: '其他机关' } as const; // Arts. 32, 34
export type ConsultationKind = keyof typeof CONSULTATION_KINDS;
export const OPINIONS = { consent: '同意公开', object: '不同意公开', none: '未提出意见' } as const;
export type Opinion = keyof typeof OPINIONS;
export const FEE_BASES = { per_application: '按件', per_page: '按量' } as const; // 国办函〔2020〕109号
export type FeeBasis = keyof typeof FEE_BASES;
export const CLOSED_REASONS = {
  delivered: '答复已送达',
  correction_lapsed: '逾期不补正',
  fee_unpaid: '逾期未缴费',
  withdrawn: '申请人撤回',
  on_the_spot: '当场答复',
} as const;
export type ClosedReason = keyof typeof CLOSED_REASONS;

export interface Correction {
  requestedDate: string;
  items: string[];
  periodWorkingDays: number;
  receivedDate: string | null;
}
export interface Consultation {
  id: string;
  kind: ConsultationKind;
  party: string;
  agencyCode: string | null;
  sentDate: string;
  repliedDate: string | null;
  opinion: Opinion | null;
  reasons: string | null;
}
export interface Extension {
  requestedDate: string;
  workingDays: number;
  reason: string;
  status: 'requested' | 'approved' | 'rejected';
  decidedDate: string | null;
  rejectReason: string | null;
}
export interface Fee {
  noticeDate: string;
  basis: FeeBasis;
  pages: number | null;
  amount: number;
  status: 'pending' | 'paid' | 'lapsed';
  paidDate: string | null;
}
export interface Draft {
  decision: DecisionCode;
  reasons: string | null;
  disclosed: string | null;
  withheld: string | null;
  referTo: string | null;
  draftedBy: number;
  draftedDate: string;
}
export interface Review {
  returns: { date: string; reason: string; by: number }[];
  approvedBy: number | null;
  approvedDate: string | null;
  checklist: string[] | null;
}
export interface ApplicationContext {
  correction: Correction | null;
  consultations: Consultation[];
  extension: Extension | null;
  fee: Fee | null;
  draft: Draft | null;
  review: Review;
  issuedBy: number | null;
  issuedDate: string | null;
  delivery: { date: string; method: string } | null;
  decision: DecisionCode | null;
  closedDate: string | null;
  closedReason: ClosedReason | null;
}

export function initialApplicationContext(): ApplicationContext {
  return {
    correction: null,
    consultations: [],
    extension: null,
    fee: null,
    draft: null,
    review: { returns: [], approvedBy: null, approvedDate: null, checklist: null },
    issuedBy: null,
    issuedDate: null,
    delivery: null,
    decision: null,
    closedDate: null,
    closedReason: null,
  };
}

// ---------------------------------------------------------------------------------------------
// Events

/** Deadlines computed by the server from the statutory clock before the event is sent. */
export interface Facts {
  replyDue: string;
  correctionDue: string | null;
  feePaymentDue: string | null;
  /** consultation id → last day of its 15-working-day opinion period (Arts. 32, 34) */
  consultationOpinionDue: Record<string, string>;
}
export interface Actor {
  id: number;
  role: Role;
}
interface Envelope {
  /** effective date, YYYY-MM-DD */
  date: string;
  actor: Actor;
  facts: Facts;
}
export type ApplicationEvent = Envelope &
  (
    | { type: 'REQUEST_CORRECTION'; items: string[]; periodWorkingDays: number }
    | { type: 'CORRECTION_RECEIVED' }
    | { type: 'CORRECTION_LAPSED' }
    | { type: 'START_CONSULTATION'; consultationId: string; kind: ConsultationKind; party: string; agencyCode?: string | null }
    | { type: 'RECORD_OPINION'; consultationId: string; opinion: Opinion; reasons?: string | null }
    | { type: 'REQUEST_EXTENSION'; workingDays: number; reason: string }
    | { type: 'APPROVE_EXTENSION' }
    | { type: 'REJECT_EXTENSION'; reason: string }
    | { type: 'ISSUE_FEE_NOTICE'; basis: FeeBasis; pages?: number | null; amount: number }
    | { type: 'RECORD_PAYMENT' }
    | { type: 'FEE_LAPSED' }
    | { type: 'DRAFT_REPLY'; decision: DecisionCode; reasons?: string | null; disclosed?: string | null; withheld?: string | null; referTo?: string | null }
    | { type: 'SUBMIT_FOR_REVIEW' }
    | { type: 'APPROVE_REVIEW'; checklist?: string[] | null }
    | { type: 'RETURN_FOR_REVISION'; reason: string }
    | { type: 'ISSUE_REPLY' }
    | { type: 'RECORD_DELIVERY'; method: string }
    | { type: 'WITHDRAW' }
    | { type: 'REPLY_ON_THE_SPOT'; decision: DecisionCode }
  );
export type ApplicationEventType = ApplicationEvent['type'];
type EventOf<T extends ApplicationEventType> = Extract<ApplicationEvent, { type: T }>;

export const EVENT_LABELS: Record<ApplicationEventType, string> = {
  REQUEST_CORRECTION: '告知补正',
  CORRECTION_RECEIVED: '收到补正',
  CORRECTION_LAPSED: '逾期未补正',
  START_CONSULTATION: '征求意见',
  RECORD_OPINION: '记录意见',
  REQUEST_EXTENSION: '申请延期',
  APPROVE_EXTENSION: '批准延期',
  REJECT_EXTENSION: '不批准延期',
  ISSUE_FEE_NOTICE: '发出收费通知',
  RECORD_PAYMENT: '记录缴费',
  FEE_LAPSED: '逾期未缴费',
  DRAFT_REPLY: '拟写答复',
  SUBMIT_FOR_REVIEW: '提交保密审查',
  APPROVE_REVIEW: '审查通过',
  RETURN_FOR_REVISION: '退回修改',
  ISSUE_REPLY: '签发答复',
  RECORD_DELIVERY: '记录送达',
  WITHDRAW: '申请人撤回',
  REPLY_ON_THE_SPOT: '当场答复',
};
export const APPLICATION_EVENT_TYPES = Object.keys(EVENT_LABELS) as ApplicationEventType[];

export function isApplicationEventType(value: unknown): value is ApplicationEventType {
  return typeof value === 'string' && Object.hasOwn(EVENT_LABELS, value);
}

/**
 * Who may send each event. admin never acts on cases; legal and manager only read them.
 * Extensions are approved, and replies signed, by the head of the disclosure office (Art. 33).
 */
export const EVENT_ROLES: Record<ApplicationEventType, readonly Role[]> = {
  REQUEST_CORRECTION: ['caseworker'],
  CORRECTION_RECEIVED: ['caseworker'],
  CORRECTION_LAPSED: ['caseworker'],
  START_CONSULTATION: ['caseworker'],
  RECORD_OPINION: ['caseworker'],
  REQUEST_EXTENSION: ['caseworker'],
  APPROVE_EXTENSION: ['approver'],
  REJECT_EXTENSION: ['approver'],
  ISSUE_FEE_NOTICE: ['caseworker'],
  RECORD_PAYMENT: ['caseworker'],
  FEE_LAPSED: ['caseworker'],
  DRAFT_REPLY: ['caseworker'],
  SUBMIT_FOR_REVIEW: ['caseworker'],
  APPROVE_REVIEW: ['reviewer'],
  RETURN_FOR_REVISION: ['reviewer'],
  ISSUE_REPLY: ['approver'],
  RECORD_DELIVERY: ['caseworker'],
  WITHDRAW: ['caseworker'],
  REPLY_ON_THE_SPOT: ['caseworker'],
};

// ---------------------------------------------------------------------------------------------
// Rules (the machine's guards), each with the refusal it stands for

interface Rule {
  status: 409 | 403 | 422;
  /**
   * Reads only state, context, actor, date and facts — never the payload. allowedEvents() evaluates
   * these with a payload-less event; 409 and 403 rules must all be payload-free.
   */
  payloadFree: boolean;
  test: (ctx: ApplicationContext, ev: ApplicationEvent) => boolean;
  message: (ctx: ApplicationContext, ev: ApplicationEvent) => string;
}

/** 2024-09-30 → 2024年9月30日, the form used in documents and messages. */
function chineseDate(iso: string | null | undefined): string {
  return isIsoDate(iso) ? formatChineseDate(iso) : '未确定';
}
function text(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}
function optionalString(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string';
}
function intBetween(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
/** Payload rules only judge their own event type; other types pass. */
function on<T extends ApplicationEventType>(type: T, test: (ctx: ApplicationContext, ev: EventOf<T>) => boolean) {
  return (ctx: ApplicationContext, ev: ApplicationEvent): boolean => ev.type !== type || test(ctx, ev as EventOf<T>);
}
/** Open consultations still inside their opinion period on the event date (Arts. 32, 34). */
function consultationsWithinPeriod(ctx: ApplicationContext, ev: ApplicationEvent): Consultation[] {
  return ctx.consultations.filter((c) => {
    if (c.repliedDate !== null) return false;
    const due = ev.facts.consultationOpinionDue[c.id];
    // A missing due date is treated as "still running": better to hold the reply than to issue early.
    return !isIsoDate(due) || ev.date <= due;
  });
}

const RULES = {
  wellFormed: {
    status: 422,
    payloadFree: true,
    test: (_ctx, ev) => {
      const actor: unknown = ev.actor;
      const facts: unknown = ev.facts;
      if (!isIsoDate(ev.date)) return false;
      if (typeof actor !== 'object' || actor === null) return false;
      const a = actor as Record<string, unknown>;
      if (!Number.isInteger(a.id) || typeof a.role !== 'string') return false;
      if (typeof facts !== 'object' || facts === null) return false;
      const f = facts as Record<string, unknown>;
      // Due dates are only shape-checked here; the guard that uses one refuses an unusable value.
      return (
        typeof f.replyDue === 'string' &&
        (f.correctionDue === null || typeof f.correctionDue === 'string') &&
        (f.feePaymentDue === null || typeof f.feePaymentDue === 'string') &&
        typeof f.consultationOpinionDue === 'object' &&
        f.consultationOpinionDue !== null
      );
    },
    message: () => '操作数据不完整：日期、操作人或期限信息无效',
  },
  actorMayAct: {
    status: 403,
    payloadFree: true,
    test: (_ctx, ev) => EVENT_ROLES[ev.type].includes(ev.actor.role),
    message: (_ctx, ev) =>
      `${isRole(ev.actor.role) ? ROLE_LABELS[ev.actor.role] : '该角色'}无权执行“${EVENT_LABELS[ev.type]}”`,
  },
  // 一事一审 (Art. 17): the drafter never reviews or signs their own reply.
  notDrafter: {
    status: 403,
    payloadFree: true,
    test: (ctx, ev) => ctx.draft?.draftedBy !== ev.actor.id,
    message: (_ctx, ev) =>
      ev.type === 'ISSUE_REPLY' ? '拟稿人不能签发自己起草的答复' : '拟稿人不能审查自己起草的答复（一事一审）',
  },
  notReviewer: {
    status: 403,
    payloadFree: true,
    test: (ctx, ev) => ctx.review.approvedBy !== ev.actor.id,
    message: () => '保密审查人不能签发自己审查通过的答复',
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
    test: (_ctx, ev) => isIsoDate(ev.facts.correctionDue) && ev.date > ev.facts.correctionDue,
    message: (_ctx, ev) =>
      !isIsoDate(ev.facts.correctionDue)
        ? '补正期限未确定，不能按逾期不补正处理'
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
    test: on('START_CONSULTATION', (_ctx, ev) => typeof ev.kind === 'string' && Object.hasOwn(CONSULTATION_KINDS, ev.kind)),
    message: () => '征求意见对象须为第三方或其他机关',
  },
  consultationPartyGiven: {
    status: 422,
    payloadFree: false,
    test: on('START_CONSULTATION', (_ctx, ev) => text(ev.party) && optionalString(ev.agencyCode)),
    message: () => '须写明被征求意见的第三方或机关名称',
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
    test: on('RECORD_OPINION', (_ctx, ev) => typeof ev.opinion === 'string' && Object.hasOwn(OPINIONS, ev.opinion) && optionalString(ev.reasons)),
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

  // Art. 33: one extension of at most 20 working days, asked for before replyDue.
  noExtensionYet: {
    status: 409,
    payloadFree: true,
    test: (ctx) => ctx.extension === null,
    message: () => '本申请已申请过延期，延期答复只能一次（第三十三条）',
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
  extensionRequested: {
    status: 409,
    payloadFree: true,
    test: (ctx) => ctx.extension?.status === 'requested',
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
    test: on('ISSUE_FEE_NOTICE', (_ctx, ev) => typeof ev.basis === 'string' && Object.hasOwn(FEE_BASES, ev.basis)),
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
    test: (_ctx, ev) => isIsoDate(ev.facts.feePaymentDue) && ev.date > ev.facts.feePaymentDue,
    message: (_ctx, ev) => `缴费期限（${chineseDate(ev.facts.feePaymentDue)}）届满后才能按逾期未缴费处理`,
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
    test: on('DRAFT_REPLY', (_ctx, ev) => [ev.reasons, ev.disclosed, ev.withheld, ev.referTo].every(optionalString)),
    message: () => '答复内容须为文本',
  },
  // Arts. 15, 32: withholding to protect a third party needs that third party's recorded opinion.
  thirdPartyConsulted: {
    status: 422,
    payloadFree: false,
    test: on('DRAFT_REPLY', (ctx, ev) =>
      ev.decision !== 'withhold.third_party' || ctx.consultations.some((c) => c.kind === 'third_party' && c.opinion !== null),
    ),
    message: () => '以保护第三方合法权益为由不予公开的，须先征求第三方意见并记录其意见（第三十二条）',
  },
  // Art. 37: 区分处理 — say what is given and what is withheld.
  partialSeparated: {
    status: 422,
    payloadFree: false,
    test: on('DRAFT_REPLY', (_ctx, ev) => ev.decision !== 'partial' || (text(ev.disclosed) && text(ev.withheld))),
    message: () => '部分公开须分别写明予以公开和不予公开的内容（第三十七条）',
  },
  // Art. 36(三): refusing to disclose must state the reasons.
  withholdingReasoned: {
    status: 422,
    payloadFree: false,
    test: on('DRAFT_REPLY', (_ctx, ev) => !isDecisionCode(ev.decision) || !decisionOf(ev.decision).withholds || text(ev.reasons)),
    message: () => '不予公开或部分公开的，须说明理由（第三十六条）',
  },

  checklistValid: {
    status: 422,
    payloadFree: false,
    test: on('APPROVE_REVIEW', (_ctx, ev) =>
      ev.checklist === undefined || ev.checklist === null || (Array.isArray(ev.checklist) && ev.checklist.every((x) => typeof x === 'string')),
    ),
    message: () => '审查清单格式无效',
  },
  returnReasonGiven: {
    status: 422,
    payloadFree: false,
    test: on('RETURN_FOR_REVISION', (_ctx, ev) => text(ev.reason)),
    message: () => '退回修改须说明理由',
  },

  // Arts. 32, 34: wait for each opinion or the end of its 15-working-day period.
  consultationsSettled: {
    status: 422,
    payloadFree: true,
    test: (ctx, ev) => consultationsWithinPeriod(ctx, ev).length === 0,
    message: (ctx, ev) => {
      const c = consultationsWithinPeriod(ctx, ev)[0];
      const due = c ? ev.facts.consultationOpinionDue[c.id] : undefined;
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
  nothingStartedYet: {
    status: 409,
    payloadFree: true,
    test: (ctx) => ctx.consultations.length === 0 && ctx.fee === null && ctx.extension === null && ctx.draft === null,
    message: () => '已开始征求意见、收费、延期或拟稿的申请不能当场答复',
  },
  // Withholding needs written reasons and the confidentiality review (Arts. 17, 36(三)), so it is
  // never given on the spot.
  onTheSpotDecisionValid: {
    status: 422,
    payloadFree: false,
    test: on('REPLY_ON_THE_SPOT', (_ctx, ev) =>
      isDecisionCode(ev.decision) && isDraftableDecision(ev.decision) && !decisionOf(ev.decision).withholds,
    ),
    message: () => '当场答复不适用于该答复类型；不予公开或部分公开须书面说明理由并经保密审查',
  },
} as const satisfies Record<string, Rule>;

type RuleName = keyof typeof RULES;

/**
 * The guard of each event, in the order judgeEvent reports refusals: situation (409), then role and
 * four-eyes (403), then payload and dates (422). `wellFormed` is checked before all of them.
 */
const EVENT_RULES: Record<ApplicationEventType, readonly Exclude<RuleName, 'wellFormed'>[]> = {
  REQUEST_CORRECTION: ['correctionNotYetRequested', 'actorMayAct', 'correctionItemsGiven', 'correctionPeriodValid'],
  CORRECTION_RECEIVED: ['actorMayAct', 'notBeforeCorrectionRequest'],
  CORRECTION_LAPSED: ['actorMayAct', 'correctionOverdue'],
  START_CONSULTATION: ['actorMayAct', 'consultationIdNew', 'consultationKindValid', 'consultationPartyGiven'],
  RECORD_OPINION: ['hasOpenConsultation', 'actorMayAct', 'consultationIsOpen', 'opinionValid', 'objectionHasReasons', 'opinionNotBeforeSent'],
  REQUEST_EXTENSION: ['noExtensionYet', 'actorMayAct', 'extensionBeforeReplyDue', 'extensionDaysValid', 'extensionReasonGiven'],
  APPROVE_EXTENSION: ['extensionRequested', 'actorMayAct', 'notBeforeExtensionRequest'],
  REJECT_EXTENSION: ['extensionRequested', 'actorMayAct', 'notBeforeExtensionRequest', 'rejectionReasonGiven'],
  ISSUE_FEE_NOTICE: ['noFeePending', 'actorMayAct', 'feeBasisValid', 'feePagesGiven', 'feeAmountPositive'],
  RECORD_PAYMENT: ['feePending', 'actorMayAct', 'notBeforeFeeNotice'],
  FEE_LAPSED: ['feePending', 'actorMayAct', 'feeOverdue'],
  DRAFT_REPLY: ['actorMayAct', 'draftDecisionValid', 'draftTextsValid', 'thirdPartyConsulted', 'partialSeparated', 'withholdingReasoned'],
  SUBMIT_FOR_REVIEW: ['actorMayAct'],
  APPROVE_REVIEW: ['actorMayAct', 'notDrafter', 'checklistValid'],
  RETURN_FOR_REVISION: ['actorMayAct', 'notDrafter', 'returnReasonGiven'],
  ISSUE_REPLY: ['noFeePending', 'actorMayAct', 'notDrafter', 'notReviewer', 'consultationsSettled'],
  RECORD_DELIVERY: ['actorMayAct', 'notBeforeIssue', 'deliveryMethodGiven'],
  WITHDRAW: ['actorMayAct'],
  REPLY_ON_THE_SPOT: ['nothingStartedYet', 'actorMayAct', 'onTheSpotDecisionValid'],
};

// Checked once at load, so a careless edit of the tables fails every test at once: the lists must be
// in reporting order, and 409/403 rules must not read the payload (allowedEvents relies on it).
const STATUS_RANK = { 409: 0, 403: 1, 422: 2 } as const;
for (const [type, names] of Object.entries(EVENT_RULES)) {
  names.forEach((name, i) => {
    const rule: Rule = RULES[name];
    const previous = names[i - 1];
    if (previous !== undefined && STATUS_RANK[RULES[previous].status] > STATUS_RANK[rule.status]) {
      throw new Error(`EVENT_RULES.${type}: ${name} must come before ${previous}`);
    }
    if (rule.status !== 422 && !rule.payloadFree) throw new Error(`rule ${name} (${rule.status}) must be payload-free`);
  });
}

const ruleGuards = Object.fromEntries(
  Object.entries(RULES).map(([name, rule]) => [
    name,
    ({ context, event }: { context: ApplicationContext; event: ApplicationEvent }) => (rule as Rule).test(context, event),
  ]),
) as Record<RuleName, (args: { context: ApplicationContext; event: ApplicationEvent }) => boolean>;

const guardOf = (type: ApplicationEventType) => and(['wellFormed', ...EVENT_RULES[type]]);

// ---------------------------------------------------------------------------------------------
// The machine

function close(reason: ClosedReason, date: string, decision: DecisionCode): Partial<ApplicationContext> {
  return { closedReason: reason, closedDate: date, decision };
}
const trimmedOrNull = (value: string | null | undefined): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : null;

export const applicationMachine = setup({
  types: {
    context: {} as ApplicationContext,
    events: {} as ApplicationEvent,
  },
  guards: ruleGuards,
  actions: {
    recordCorrectionRequest: assign(({ event }) => {
      assertType(event, 'REQUEST_CORRECTION');
      const correction: Correction = {
        requestedDate: event.date,
        items: event.items.map((item) => item.trim()),
        periodWorkingDays: event.periodWorkingDays,
        receivedDate: null,
      };
      return { correction };
    }),
    // Art. 30: the reply clock restarts from this date (computed in clock.ts from the history).
    recordCorrectionReceived: assign(({ context, event }) => ({
      correction: context.correction && { ...context.correction, receivedDate: event.date },
    })),
    closeForCorrectionLapse: assign(({ event }) => close('correction_lapsed', event.date, 'other.correction_lapsed')),
    recordConsultation: assign(({ context, event }) => {
      assertType(event, 'START_CONSULTATION');
      const consultation: Consultation = {
        id: event.consultationId,
        kind: event.kind,
        party: event.party.trim(),
        agencyCode: trimmedOrNull(event.agencyCode),
        sentDate: event.date,
        repliedDate: null,
        opinion: null,
        reasons: null,
      };
      return { consultations: [...context.consultations, consultation] };
    }),
    recordOpinion: assign(({ context, event }) => {
      assertType(event, 'RECORD_OPINION');
      return {
        consultations: context.consultations.map((c) =>
          c.id === event.consultationId
            ? { ...c, repliedDate: event.date, opinion: event.opinion, reasons: trimmedOrNull(event.reasons) }
            : c,
        ),
      };
    }),
    recordExtensionRequest: assign(({ event }) => {
      assertType(event, 'REQUEST_EXTENSION');
      const extension: Extension = {
        requestedDate: event.date,
        workingDays: event.workingDays,
        reason: event.reason.trim(),
        status: 'requested',
        decidedDate: null,
        rejectReason: null,
      };
      return { extension };
    }),
    approveExtension: assign(({ context, event }) => ({
      extension: context.extension && { ...context.extension, status: 'approved' as const, decidedDate: event.date },
    })),
    rejectExtension: assign(({ context, event }) => {
      assertType(event, 'REJECT_EXTENSION');
      return {
        extension: context.extension && {
          ...context.extension,
          status: 'rejected' as const,
          decidedDate: event.date,
          rejectReason: event.reason.trim(),
        },
      };
    }),
    recordFeeNotice: assign(({ event }) => {
      assertType(event, 'ISSUE_FEE_NOTICE');
      const fee: Fee = {
        noticeDate: event.date,
        basis: event.basis,
        pages: event.basis === 'per_page' ? (event.pages ?? null) : null,
        amount: event.amount,
        status: 'pending',
        paidDate: null,
      };
      return { fee };
    }),
    recordPayment: assign(({ context, event }) => ({
      fee: context.fee && { ...context.fee, status: 'paid' as const, paidDate: event.date },
    })),
    closeForFeeLapse: assign(({ context, event }) => ({
      fee: context.fee && { ...context.fee, status: 'lapsed' as const },
      ...close('fee_unpaid', event.date, 'other.fee_unpaid'),
    })),
    recordDraft: assign(({ event }) => {
      assertType(event, 'DRAFT_REPLY');
      const draft: Draft = {
        decision: event.decision,
        reasons: trimmedOrNull(event.reasons),
        disclosed: trimmedOrNull(event.disclosed),
        withheld: trimmedOrNull(event.withheld),
        referTo: trimmedOrNull(event.referTo),
        draftedBy: event.actor.id,
        draftedDate: event.date,
      };
      return { draft };
    }),
    recordReviewApproval: assign(({ context, event }) => {
      assertType(event, 'APPROVE_REVIEW');
      return {
        review: { ...context.review, approvedBy: event.actor.id, approvedDate: event.date, checklist: event.checklist ?? null },
      };
    }),
    recordReviewReturn: assign(({ context, event }) => {
      assertType(event, 'RETURN_FOR_REVISION');
      return {
        review: {
          ...context.review,
          returns: [...context.review.returns, { date: event.date, reason: event.reason.trim(), by: event.actor.id }],
        },
      };
    }),
    recordIssue: assign(({ context, event }) => ({
      issuedBy: event.actor.id,
      issuedDate: event.date,
      decision: context.draft?.decision ?? null,
    })),
    recordDelivery: assign(({ context, event }) => {
      assertType(event, 'RECORD_DELIVERY');
      return {
        delivery: { date: event.date, method: event.method.trim() },
        ...close('delivered', event.date, context.decision ?? 'other.other'),
      };
    }),
    // The applicant withdrew: report row （六）3 其他.
    closeForWithdrawal: assign(({ event }) => close('withdrawn', event.date, 'other.other')),
    recordOnTheSpotReply: assign(({ event }) => {
      assertType(event, 'REPLY_ON_THE_SPOT');
      return {
        issuedBy: event.actor.id,
        issuedDate: event.date,
        delivery: { date: event.date, method: CLOSED_REASONS.on_the_spot },
        ...close('on_the_spot', event.date, event.decision),
      };
    }),
  },
}).createMachine({
  id: 'application',
  context: initialApplicationContext,
  initial: 'processing',
  states: {
    processing: {
      on: {
        REQUEST_CORRECTION: { target: 'awaiting_correction', guard: guardOf('REQUEST_CORRECTION'), actions: 'recordCorrectionRequest' },
        START_CONSULTATION: { guard: guardOf('START_CONSULTATION'), actions: 'recordConsultation' },
        RECORD_OPINION: { guard: guardOf('RECORD_OPINION'), actions: 'recordOpinion' },
        REQUEST_EXTENSION: { guard: guardOf('REQUEST_EXTENSION'), actions: 'recordExtensionRequest' },
        APPROVE_EXTENSION: { guard: guardOf('APPROVE_EXTENSION'), actions: 'approveExtension' },
        REJECT_EXTENSION: { guard: guardOf('REJECT_EXTENSION'), actions: 'rejectExtension' },
        ISSUE_FEE_NOTICE: { guard: guardOf('ISSUE_FEE_NOTICE'), actions: 'recordFeeNotice' },
        RECORD_PAYMENT: { guard: guardOf('RECORD_PAYMENT'), actions: 'recordPayment' },
        FEE_LAPSED: { target: 'closed', guard: guardOf('FEE_LAPSED'), actions: 'closeForFeeLapse' },
        DRAFT_REPLY: { target: 'drafted', guard: guardOf('DRAFT_REPLY'), actions: 'recordDraft' },
        WITHDRAW: { target: 'closed', guard: guardOf('WITHDRAW'), actions: 'closeForWithdrawal' },
        REPLY_ON_THE_SPOT: { target: 'closed', guard: guardOf('REPLY_ON_THE_SPOT'), actions: 'recordOnTheSpotReply' },
      },
    },
    // Art. 30: the clock waits for the corrected application (or its lapse).
    awaiting_correction: {
      on: {
        CORRECTION_RECEIVED: { target: 'processing', guard: guardOf('CORRECTION_RECEIVED'), actions: 'recordCorrectionReceived' },
        CORRECTION_LAPSED: { target: 'closed', guard: guardOf('CORRECTION_LAPSED'), actions: 'closeForCorrectionLapse' },
        WITHDRAW: { target: 'closed', guard: guardOf('WITHDRAW'), actions: 'closeForWithdrawal' },
      },
    },
    // From here until the reply is signed, opinions, extensions and payments may still arrive.
    drafted: {
      on: {
        DRAFT_REPLY: { guard: guardOf('DRAFT_REPLY'), actions: 'recordDraft' },
        SUBMIT_FOR_REVIEW: { target: 'in_review', guard: guardOf('SUBMIT_FOR_REVIEW') },
        RECORD_OPINION: { guard: guardOf('RECORD_OPINION'), actions: 'recordOpinion' },
        REQUEST_EXTENSION: { guard: guardOf('REQUEST_EXTENSION'), actions: 'recordExtensionRequest' },
        APPROVE_EXTENSION: { guard: guardOf('APPROVE_EXTENSION'), actions: 'approveExtension' },
        REJECT_EXTENSION: { guard: guardOf('REJECT_EXTENSION'), actions: 'rejectExtension' },
        RECORD_PAYMENT: { guard: guardOf('RECORD_PAYMENT'), actions: 'recordPayment' },
        FEE_LAPSED: { target: 'closed', guard: guardOf('FEE_LAPSED'), actions: 'closeForFeeLapse' },
        WITHDRAW: { target: 'closed', guard: guardOf('WITHDRAW'), actions: 'closeForWithdrawal' },
      },
    },
    // Art. 17: 先审查、后公开.
    in_review: {
      on: {
        APPROVE_REVIEW: { target: 'approved', guard: guardOf('APPROVE_REVIEW'), actions: 'recordReviewApproval' },
        RETURN_FOR_REVISION: { target: 'drafted', guard: guardOf('RETURN_FOR_REVISION'), actions: 'recordReviewReturn' },
        RECORD_OPINION: { guard: guardOf('RECORD_OPINION'), actions: 'recordOpinion' },
        REQUEST_EXTENSION: { guard: guardOf('REQUEST_EXTENSION'), actions: 'recordExtensionRequest' },
        APPROVE_EXTENSION: { guard: guardOf('APPROVE_EXTENSION'), actions: 'approveExtension' },
        REJECT_EXTENSION: { guard: guardOf('REJECT_EXTENSION'), actions: 'rejectExtension' },
        RECORD_PAYMENT: { guard: guardOf('RECORD_PAYMENT'), actions: 'recordPayment' },
        FEE_LAPSED: { target: 'closed', guard: guardOf('FEE_LAPSED'), actions: 'closeForFeeLapse' },
        WITHDRAW: { target: 'closed', guard: guardOf('WITHDRAW'), actions: 'closeForWithdrawal' },
      },
    },
    approved: {
      on: {
        ISSUE_REPLY: { target: 'issued', guard: guardOf('ISSUE_REPLY'), actions: 'recordIssue' },
        RECORD_OPINION: { guard: guardOf('RECORD_OPINION'), actions: 'recordOpinion' },
        REQUEST_EXTENSION: { guard: guardOf('REQUEST_EXTENSION'), actions: 'recordExtensionRequest' },
        APPROVE_EXTENSION: { guard: guardOf('APPROVE_EXTENSION'), actions: 'approveExtension' },
        REJECT_EXTENSION: { guard: guardOf('REJECT_EXTENSION'), actions: 'rejectExtension' },
        RECORD_PAYMENT: { guard: guardOf('RECORD_PAYMENT'), actions: 'recordPayment' },
        FEE_LAPSED: { target: 'closed', guard: guardOf('FEE_LAPSED'), actions: 'closeForFeeLapse' },
        WITHDRAW: { target: 'closed', guard: guardOf('WITHDRAW'), actions: 'closeForWithdrawal' },
      },
    },
    issued: {
      on: {
        RECORD_DELIVERY: { target: 'closed', guard: guardOf('RECORD_DELIVERY'), actions: 'recordDelivery' },
      },
    },
    closed: { type: 'final' },
  },
});

function assertType<T extends ApplicationEventType>(event: ApplicationEvent, type: T): asserts event is EventOf<T> {
  if (event.type !== type) throw new Error(`expected ${type}, got ${event.type}`);
}

// ---------------------------------------------------------------------------------------------
// The judge API used by the server

/** The JSON the server stores (with `machineVersion`) and hands back to judgeEvent. */
export interface PersistedApplicationSnapshot {
  status: 'active' | 'done';
  value: ApplicationState;
  context: ApplicationContext;
  children: Record<string, never>;
  historyValue?: unknown;
  output?: unknown;
  error?: unknown;
}

export type Judgement =
  | { ok: true; snapshot: PersistedApplicationSnapshot; state: ApplicationState; context: ApplicationContext }
  | {
      ok: false;
      status: 409 | 403 | 422;
      code: 'not_allowed' | 'forbidden' | 'invalid';
      message: string;
      allowedEvents: ApplicationEventType[];
    };

const CODE_OF_STATUS = { 409: 'not_allowed', 403: 'forbidden', 422: 'invalid' } as const;

/** Events each state accepts at all, read from the machine definition. */
function acceptedEvents(state: ApplicationState): ApplicationEventType[] {
  const node = applicationMachine.states[state];
  return node ? (node.ownEvents.filter(isApplicationEventType) as ApplicationEventType[]) : [];
}

function restore(persisted: PersistedApplicationSnapshot) {
  const actor = createActor(applicationMachine, { snapshot: persisted as unknown as Snapshot<unknown> });
  // A snapshot naming a state this machine lacks does not throw here; it errors later. Refuse it now:
  // it must go through migrateSnapshot() first.
  if (actor.getSnapshot().status === 'error') {
    throw new Error('application snapshot cannot be restored by this machine version (migrate it first)');
  }
  return actor;
}

/** The registered application: state `processing` with an empty context. */
export function initialApplicationSnapshot(): PersistedApplicationSnapshot {
  const actor = createActor(applicationMachine);
  const persisted = actor.getPersistedSnapshot() as unknown as PersistedApplicationSnapshot;
  return JSON.parse(JSON.stringify(persisted)) as PersistedApplicationSnapshot;
}

export function stateOf(persisted: PersistedApplicationSnapshot): ApplicationState {
  const value: unknown = persisted.value;
  if (!isApplicationState(value)) throw new Error(`unknown application state: ${JSON.stringify(value)}`);
  return value;
}

export function contextOf(persisted: PersistedApplicationSnapshot): ApplicationContext {
  return persisted.context;
}

function firstRefusal(state: ApplicationState, context: ApplicationContext, event: ApplicationEvent, payloadFreeOnly: boolean) {
  if (!acceptedEvents(state).includes(event.type)) {
    return { status: 409 as const, message: `当前状态（${APPLICATION_STATES[state]}）不能执行“${EVENT_LABELS[event.type]}”` };
  }
  for (const name of ['wellFormed', ...EVENT_RULES[event.type]] as const) {
    const rule: Rule = RULES[name];
    if (payloadFreeOnly && !rule.payloadFree) continue;
    if (!rule.test(context, event)) return { status: rule.status, message: rule.message(context, event) };
  }
  return null;
}

/**
 * The events `actor` could send now: accepted in this state, permitted for the role, four-eyes
 * respected, and every payload-free guard (dates against `facts`) passing for `date`. Payload
 * checks are left to judgeEvent, so a listed event can still be refused with 422.
 */
export function allowedEvents(
  persisted: PersistedApplicationSnapshot,
  actor: { id: number; role: Role },
  facts: Facts,
  date: string,
): ApplicationEventType[] {
  const state = stateOf(persisted);
  return acceptedEvents(state).filter((type) => {
    const probe = { type, date, actor, facts } as ApplicationEvent;
    return firstRefusal(state, persisted.context, probe, true) === null;
  });
}

/**
 * Judge one event against a persisted snapshot. Refusals are values; the input is never mutated.
 * Throws only for a snapshot this machine cannot restore (a data error, not a user error).
 */
export function judgeEvent(persisted: PersistedApplicationSnapshot, event: ApplicationEvent): Judgement {
  const actor = restore(persisted);
  const state = stateOf(persisted);
  const refuse = (status: 409 | 403 | 422, message: string): Judgement => {
    const allowed = isApplicationEventType(event.type) && RULES.wellFormed.test(persisted.context, event)
      ? allowedEvents(persisted, event.actor, event.facts, event.date)
      : [];
    const hint =
      status === 409 ? (allowed.length ? `。现在可以执行：${allowed.map((t) => EVENT_LABELS[t]).join('、')}` : '。现在没有您可以执行的操作') : '';
    return { ok: false, status, code: CODE_OF_STATUS[status], message: message + hint, allowedEvents: allowed };
  };
  if (!isApplicationEventType(event.type)) return refuse(422, '未知的操作类型');

  const refusal = firstRefusal(state, persisted.context, event, false);
  if (refusal) return refuse(refusal.status, refusal.message);

  actor.start();
  const before = actor.getSnapshot();
  if (!before.can(event)) {
    actor.stop();
    throw new Error(`rules and machine disagree on ${event.type} in ${state}`);
  }
  actor.send(event);
  const after = actor.getSnapshot();
  const snapshot = JSON.parse(JSON.stringify(actor.getPersistedSnapshot())) as PersistedApplicationSnapshot;
  actor.stop();
  if (after === before) throw new Error(`${event.type} was accepted but changed nothing`);
  return { ok: true, snapshot, state: stateOf(snapshot), context: snapshot.context };
}

/**
 * Bring a stored `{ machineVersion, snapshot }` to the current version: pure migrators on
 * `{ value, context }` (application-migrations.ts), then rebuilt and validated by resolveState.
 */
export function migrateSnapshot(stored: { machineVersion: number; snapshot: unknown }): PersistedApplicationSnapshot {
  const { value, context } = migrateToCurrent(stored.machineVersion, stored.snapshot, APPLICATION_MACHINE_VERSION);
  if (!isApplicationState(value)) throw new Error(`migrated snapshot names an unknown state: ${JSON.stringify(value)}`);
  const missing = Object.keys(initialApplicationContext()).filter((key) => !Object.hasOwn(context, key));
  if (missing.length) throw new Error(`migrated snapshot lacks context fields: ${missing.join(', ')}`);
  const resolved = applicationMachine.resolveState({ value, context: context as unknown as ApplicationContext });
  const persisted = applicationMachine.getPersistedSnapshot(resolved);
  return JSON.parse(JSON.stringify(persisted)) as PersistedApplicationSnapshot;
}
