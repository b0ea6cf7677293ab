// The vocabulary of one application (政府信息公开申请): its states, its context, the events it
// accepts, and the per-event tables (labels, who may send each one). Pure data and type guards; the
// rules live in application-rules.ts, the XState machine in application-statechart.ts, and the
// judge the server calls in application-judge.ts. Import all of them from application.machine.ts.

import type { DecisionCode } from './decisions.js';
import type { ReplyDetails } from './reply-facts.js';
import { EXCHANGE_ROLE, SYSTEM_ROLE, type ActorRole } from './roles.js';
import { isKeyOf, type EventEnvelope, type MachineActor } from './machine-kit.js';

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
  return isKeyOf(APPLICATION_STATES, value);
}

// ---------------------------------------------------------------------------------------------
// Context

export const CONSULTATION_KINDS = { third_party: '第三方', agency: '其他机关' } as const; // Arts. 32, 34
export type ConsultationKind = keyof typeof CONSULTATION_KINDS;
/**
 * Why the party is consulted, as the letter states it: a third party because disclosure may harm its
 * rights (Art. 32: 商业秘密、个人隐私 …), another agency because the information was made jointly
 * (Art. 34). `other` is explained in the event's `groundNote`.
 */
export const CONSULTATION_GROUNDS = {
  trade_secret: '涉及商业秘密',
  privacy: '涉及个人隐私',
  joint: '由两个以上行政机关共同制作',
  other: '其他情形',
} as const;
export type ConsultationGround = keyof typeof CONSULTATION_GROUNDS;
/** Which grounds fit which party: an agency has no trade secret or privacy of its own to protect. */
export const CONSULTATION_GROUNDS_BY_KIND: Record<ConsultationKind, readonly ConsultationGround[]> = {
  third_party: ['trade_secret', 'privacy', 'other'],
  agency: ['joint', 'other'],
};
/**
 * Why an application must be corrected (补正事由, Arts. 29, 30), chosen per case and printed in the
 * one-time notice; `other` is explained in the event's `guidance` (指导和释明).
 */
export const CORRECTION_GROUNDS = {
  unclear: '申请内容不明确',
  no_identity: '未提供申请人的身份证明',
  no_contact: '未提供申请人的联系方式',
  not_one_matter: '一份申请中包含多项彼此无关的政府信息，未做到一事一申请',
  no_form: '未写明获取信息的方式、途径',
  other: '其他情形',
} as const;
export type CorrectionGround = keyof typeof CORRECTION_GROUNDS;
// deemed_consent: an agency silent past its 15 working days consents (Art. 34); recorded by the platform.
export const OPINIONS = { consent: '同意公开', object: '不同意公开', none: '未提出意见', deemed_consent: '逾期未提出意见，视为同意' } as const;
export type Opinion = keyof typeof OPINIONS;
export const FEE_BASES = { per_application: '按件', per_page: '按量' } as const; // 国办函〔2020〕109号
export type FeeBasis = keyof typeof FEE_BASES;
export const CLOSED_REASONS = {
  delivered: '答复已送达',
  correction_lapsed: '逾期不补正',
  fee_unpaid: '逾期未缴费',
  withdrawn: '申请人撤回',
  on_the_spot: '当场答复',
  transferred: '已转交其他机关办理',
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
  /**
   * The handling round the request belongs to: 0 for the original handling, n after the n-th
   * REOPEN. Art. 33 allows one extension per round (see RULES.noExtensionYet).
   */
  round: number;
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
  /** Free text of drafts recorded before the reply facts (issue 12); null since. */
  disclosed: string | null;
  withheld: string | null;
  referTo: string | null;
  draftedBy: number;
  draftedDate: string;
  /** The facts the reply states (reply-facts.ts); absent in drafts recorded before issue 12. */
  details?: ReplyDetails | null;
}
/**
 * The confidentiality review (保密审查, Art. 17) of the current draft: each return with the reviewer's
 * opinion (审查意见, the reason it went back), and the approval with its opinion and checklist.
 */
export interface Review {
  /** `reason`: the reviewer's opinion (审查意见) on returning — required for a return. */
  returns: { date: string; reason: string; by: number }[];
  approvedBy: number | null;
  approvedDate: string | null;
  checklist: string[] | null;
  /** 审查意见 recorded with the approval (optional; since machine version 3). */
  opinion: string | null;
}
/**
 * What a confidentiality review checks (Arts. 14–16, 17, 36), offered as the approval's checklist; a
 * reviewer ticks what was checked and it is recorded with the approval (`checklist`).
 */
export const REVIEW_CHECKLIST = [
  '不涉及国家秘密（第十四条）',
  '公开后不危及国家安全、公共安全、经济安全、社会稳定（第十四条）',
  '不涉及商业秘密、个人隐私，或已依法征求第三方意见（第十五条、第三十二条）',
  '答复类型、理由和依据准确，救济途径告知正确（第三十六条）',
] as const;
/** Whom the head of the disclosure office sends a reviewed reply back to before signing (签发前退回). */
export const SIGNOFF_RETURN_TARGETS = { caseworker: '退回承办人修改', reviewer: '退回保密审查' } as const;
export type SignoffReturnTarget = keyof typeof SIGNOFF_RETURN_TARGETS;
/** One return by the head of the disclosure office instead of signing (since machine version 3). */
export interface SignoffReturn {
  date: string;
  to: SignoffReturnTarget;
  reason: string;
  by: number;
}
/**
 * One reopening (重新办理): a reconsideration decision or a judgment ordered a new reply. The agency
 * answers anew by `newReplyDueDate`; the reply it replaces is kept as `previousDecision`.
 */
export interface Reopening {
  date: string;
  /** The appeal (复议/诉讼案件) whose decision ordered the new reply. */
  appealId: number;
  newReplyDueDate: string;
  reason: string;
  previousDecision: DecisionCode | null;
}
export interface ApplicationContext {
  correction: Correction | null;
  consultations: Consultation[];
  extension: Extension | null;
  fee: Fee | null;
  draft: Draft | null;
  review: Review;
  /** Returns by the head of the disclosure office instead of signing (签发前退回), oldest first. */
  signoffReturns: SignoffReturn[];
  issuedBy: number | null;
  issuedDate: string | null;
  delivery: { date: string; method: string } | null;
  decision: DecisionCode | null;
  closedDate: string | null;
  closedReason: ClosedReason | null;
  /** Every REOPEN, oldest first; its length is the current handling round. */
  reopenings: Reopening[];
  /** 转办 (Art. 36(五)): handed over whole to the agency in the system that holds the information. */
  transfer?: Transfer | null;
  /** Art. 35: volume or frequency clearly beyond a reasonable range — reasons asked, a later date set. */
  excessive?: Excessive | null;
}
export interface Excessive {
  reasonsRequestedDate: string;
  note: string | null;
  laterReplyDate: string | null;
  laterReason: string | null;
}
export interface Transfer {
  date: string;
  agencyCode: string;
  agencyName: string;
  /** Art. 36(五): the receiving agency's address and telephone as told to the applicant (absent before issue 12). */
  agencyContact?: string | null;
  reason: string;
}

/** The part of the context that records one handling round's reply, from draft to closing. */
export type ReplyRecord = Pick<
  ApplicationContext,
  'draft' | 'review' | 'signoffReturns' | 'issuedBy' | 'issuedDate' | 'delivery' | 'decision' | 'closedDate' | 'closedReason'
>;

/** No reply yet: the state of a new application, and what a REOPEN (重新办理) resets the reply to. */
export function initialReply(): ReplyRecord {
  return {
    draft: null,
    review: { returns: [], approvedBy: null, approvedDate: null, checklist: null, opinion: null },
    signoffReturns: [],
    issuedBy: null,
    issuedDate: null,
    delivery: null,
    decision: null,
    closedDate: null,
    closedReason: null,
  };
}

export function initialApplicationContext(): ApplicationContext {
  return {
    correction: null,
    consultations: [],
    extension: null,
    fee: null,
    ...initialReply(),
    reopenings: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Events

/** The handling round now: 0 until the first REOPEN, then the number of reopenings. */
export function currentRound(ctx: Pick<ApplicationContext, 'reopenings'>): number {
  return ctx.reopenings.length;
}

/** Deadlines computed by the server from the statutory clock before the event is sent. */
export interface Facts {
  replyDue: string;
  correctionDue: string | null;
  feePaymentDue: string | null;
  /** consultation id → last day of its 15-working-day opinion period (Arts. 32, 34) */
  consultationOpinionDue: Record<string, string>;
  /**
   * Domain §2.8: the periods counted provisionally because their notice is not issued or its receipt
   * not recorded — 'correction', 'fee', 'reasons' or 'consultation:<id>'. Such a period cannot be
   * over yet: the addressee may have received the notice later.
   */
  awaitingDelivery?: readonly string[];
}
/** The user sending an event, in the role they act in for it (shared with appeals: machine-kit.ts). */
export interface Actor extends MachineActor {}
/** Effective date (YYYY-MM-DD), actor and facts, carried by every event. */
export interface Envelope extends EventEnvelope<Facts> {}
export type ApplicationEvent = Envelope &
  (
    | { type: 'REQUEST_CORRECTION'; items: string[]; periodWorkingDays: number; grounds?: CorrectionGround[] | null; guidance?: string | null }
    | { type: 'CORRECTION_RECEIVED' }
    | { type: 'CORRECTION_LAPSED' }
    | { type: 'START_CONSULTATION'; consultationId: string; kind: ConsultationKind; party: string; agencyCode?: string | null; ground?: ConsultationGround | null; groundNote?: string | null }
    | { type: 'RECORD_OPINION'; consultationId: string; opinion: Opinion; reasons?: string | null }
    | { type: 'REQUEST_EXTENSION'; workingDays: number; reason: string }
    | { type: 'APPROVE_EXTENSION' }
    | { type: 'REJECT_EXTENSION'; reason: string }
    | { type: 'ISSUE_FEE_NOTICE'; basis: FeeBasis; pages?: number | null; amount: number; /** read by the clock (§2.8) */ applicantReceivedDate?: string | null }
    | { type: 'RECORD_PAYMENT' }
    | { type: 'FEE_LAPSED' }
    | ({ type: 'DRAFT_REPLY'; decision: DecisionCode; reasons?: string | null } & ReplyFactsPayload)
    | { type: 'SUBMIT_FOR_REVIEW' }
    | { type: 'APPROVE_REVIEW'; checklist?: string[] | null; opinion?: string | null }
    // `opinion` is the reviewer's 审查意见; `reason` its older name (before issue 13), still accepted.
    | { type: 'RETURN_FOR_REVISION'; opinion?: string | null; reason?: string | null }
    | { type: 'RETURN_FROM_SIGNOFF'; to: SignoffReturnTarget; reason: string }
    | { type: 'ISSUE_REPLY' }
    | { type: 'RECORD_DELIVERY'; method: string }
    | { type: 'WITHDRAW' }
    | ({ type: 'REPLY_ON_THE_SPOT'; decision: DecisionCode; reasons?: string | null } & ReplyFactsPayload)
    | { type: 'REOPEN'; appealId: number; newReplyDueDate: string; reason: string }
    | { type: 'TRANSFER'; agencyCode: string; agencyName: string; agencyContact?: string | null; reason: string }
    | { type: 'REQUEST_REASONS'; note?: string | null; periodWorkingDays?: number | null }
    | { type: 'SET_LATER_DATE'; laterReplyDate: string; reason: string }
  );
/** The reply facts an event may carry (judged by RULES.replyFactsComplete, kept by replyDetailsOf). */
export type ReplyFactsPayload = { [K in keyof ReplyDetails]?: ReplyDetails[K] | null };
export type ApplicationEventType = ApplicationEvent['type'];
export type EventOf<T extends ApplicationEventType> = Extract<ApplicationEvent, { type: T }>;

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
  RETURN_FOR_REVISION: '审查退回',
  RETURN_FROM_SIGNOFF: '签发前退回',
  ISSUE_REPLY: '签发答复',
  RECORD_DELIVERY: '记录送达',
  WITHDRAW: '申请人撤回',
  REPLY_ON_THE_SPOT: '当场答复',
  REOPEN: '重新办理',
  TRANSFER: '转办',
  REQUEST_REASONS: '要求说明理由',
  SET_LATER_DATE: '确定延迟答复期限',
};
export const APPLICATION_EVENT_TYPES = Object.keys(EVENT_LABELS) as ApplicationEventType[];

/**
 * What each event's effective `date` is, as forms and messages name it (never "生效日期"): the day
 * the thing happened — a notice sent, a correction or opinion received, a reply signed or delivered.
 */
export const EVENT_DATE_LABELS: Record<ApplicationEventType, string> = {
  REQUEST_CORRECTION: '告知补正日期',
  CORRECTION_RECEIVED: '收到补正之日',
  CORRECTION_LAPSED: '认定逾期日期',
  START_CONSULTATION: '发函日期',
  RECORD_OPINION: '收到意见之日',
  REQUEST_EXTENSION: '申请日期',
  APPROVE_EXTENSION: '批准日期',
  REJECT_EXTENSION: '决定日期',
  ISSUE_FEE_NOTICE: '发出日期',
  RECORD_PAYMENT: '缴费日期',
  FEE_LAPSED: '认定逾期日期',
  DRAFT_REPLY: '拟稿日期',
  SUBMIT_FOR_REVIEW: '提交日期',
  APPROVE_REVIEW: '审查日期',
  RETURN_FOR_REVISION: '退回日期',
  RETURN_FROM_SIGNOFF: '退回日期',
  ISSUE_REPLY: '签发日期',
  RECORD_DELIVERY: '送达日期',
  WITHDRAW: '收到撤回申请之日',
  REPLY_ON_THE_SPOT: '答复日期',
  REOPEN: '决定（裁判）日期',
  TRANSFER: '转办日期',
  REQUEST_REASONS: '发出日期',
  SET_LATER_DATE: '决定日期',
};

export function isApplicationEventType(value: unknown): value is ApplicationEventType {
  return isKeyOf(EVENT_LABELS, value);
}

/**
 * Who may send each event. admin never acts on cases; manager only reads them; legal reads them and
 * records the one thing that is theirs: a reconsideration decision or judgment ordering a new reply
 * (REOPEN). Extensions are approved, and replies signed, by the head of the disclosure office (Art. 33).
 */
export const EVENT_ROLES: Record<ApplicationEventType, readonly ActorRole[]> = {
  REQUEST_CORRECTION: ['caseworker'],
  CORRECTION_RECEIVED: ['caseworker'],
  CORRECTION_LAPSED: ['caseworker'],
  START_CONSULTATION: ['caseworker'],
  RECORD_OPINION: ['caseworker', SYSTEM_ROLE],
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
  // The head of the disclosure office may send a reviewed reply back instead of signing it.
  RETURN_FROM_SIGNOFF: ['approver'],
  ISSUE_REPLY: ['approver'],
  // Issue 16: also the platform, when the applicant downloads the reply from the tracking page (送达 online).
  RECORD_DELIVERY: ['caseworker', SYSTEM_ROLE],
  // Issue 16: an applicant who applied online withdraws on the tracking page; the platform records it.
  WITHDRAW: ['caseworker', SYSTEM_ROLE],
  REPLY_ON_THE_SPOT: ['caseworker'],
  // Also the reconsideration body's system (issue 14), when the decision it records orders a new reply.
  REOPEN: ['legal', EXCHANGE_ROLE],
  // The transfer notice (转办告知书) is signed like a reply, by the head of the disclosure office.
  TRANSFER: ['approver'],
  // Art. 35: the caseworker asks; fixing a later reply date binds the agency, so the head decides.
  REQUEST_REASONS: ['caseworker'],
  SET_LATER_DATE: ['approver'],
};
