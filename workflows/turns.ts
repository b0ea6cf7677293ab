// Whose turn it is (issue 13, "My queue"): for one case and one person, the step that waits for
// that person now, or none. Each person's home page lists the cases whose next step is theirs.
//
// The machine says what may happen next (allowedEvents), so a step is read from the events the
// person may send now — but not every allowed event makes it their turn: a caseworker may WITHDRAW
// or REQUEST_EXTENSION in almost every state, which does not put a case in review in their queue.
// The events that do are listed per role below (TURN_EVENTS), most pressing first. What the machine
// does not hold — notices recorded but not issued, notices awaiting delivery (domain.md §2.8) — the
// caller passes in, from the case's documents and clock.
//
// Pure: no I/O; the calendar and "today" are parameters.

import type { WorkCalendar } from './calendar.js';
import { compareDates } from './dates.js';
import { applicationMachine } from './application-statechart.js';
import type { ApplicationEventType } from './application-types.js';
import type { AppealEventType } from './appeal-types.js';
import type { Role } from './roles.js';

/**
 * The steps of a queue, as stable codes (API `step`) with the words a person reads, in the order a
 * queue sorted by step shows them.
 */
export const QUEUE_STEPS = {
  // 承办人 (caseworker) — their own agency's applications
  issue_notice: '发出通知',
  record_notice_delivery: '记录通知送达',
  correction_lapsed: '补正期满，待处理',
  fee_lapsed: '缴费期满，待处理',
  handle: '办理',
  revise: '按审查意见修改',
  submit_for_review: '送保密审查',
  record_delivery: '记录答复送达',
  // 保密审查 (reviewer)
  review: '保密审查',
  // 公开工作机构负责人 (approver)
  approve_extension: '审批延期',
  sign: '签发答复',
  // 承办人 of a consulted agency: a letter in its inbox (征询件, Art. 34)
  answer_consultation: '答复征询件',
  // 法制 (legal): reconsideration and litigation
  appeal_answer: '提交答复和证据',
  appeal_decision: '跟进审理，记录决定',
  appeal_close: '结案',
  // 会商研判 (issue 14): an invited person's or agency's opinion, the convener's conclusion, the head's sign-off
  conference_opinion: '提出会商意见',
  conference_conclude: '记录研判意见',
  conference_sign: '签批研判意见',
  // 网上申请 (issue 16): an online submission waiting for the agency's caseworker to confirm it (待确认)
  confirm_submission: '确认网上申请',
} as const;
export type QueueStep = keyof typeof QUEUE_STEPS;
export const QUEUE_STEP_CODES = Object.keys(QUEUE_STEPS) as QueueStep[];

/** What the due date of a step is, as the queue names it. */
export const QUEUE_DUE_LABELS = {
  reply: '答复期限',
  correction_notice: '补正告知期限',
  correction: '补正期限',
  payment: '缴费期限',
  closing: '办结之日',
  opinion: '意见期限',
  answer: '答复（答辩）期限',
  decision: '决定（裁判）期限',
  appeal_window: '上诉、起诉期限',
} as const;
export type QueueDueKind = keyof typeof QUEUE_DUE_LABELS;

/**
 * Actions that are no machine event but are what a step asks for: answering an inbox letter, issuing
 * a document, recording its delivery. They appear in a queue item's `allowedEvents` beside the
 * machine's events, named for the endpoint that takes them.
 */
export const QUEUE_ACTIONS = {
  ANSWER: 'POST /api/consultations/{id}/answer',
  ISSUE_DOCUMENT: 'POST /api/documents/{document.id}/issue',
  RECORD_DOCUMENT_DELIVERY: 'POST /api/documents/{document.id}/delivered',
  GIVE_OPINION: 'POST /api/conferences/{id}/opinions',
  CONCLUDE: 'POST /api/conferences/{id}/conclusion',
  SIGN_OFF: 'POST /api/conferences/{id}/signoff',
  CONFIRM_SUBMISSION: 'POST /api/online-submissions/{id}/confirm',
  RETURN_SUBMISSION: 'POST /api/online-submissions/{id}/return',
} as const;
export type QueueAction = keyof typeof QUEUE_ACTIONS;

/**
 * Issue 13 fixed the first three kinds; issue 14 extends the contract with `conference` (会商研判):
 * `id` is the conference's, `applicationId` the case it is about. Issue 16 extends it with
 * `submission` (网上申请待确认): `id` is the online submission's, `caseNumber` its tracking number
 * (查询号; no case number until it is confirmed), no due date (the reply clock starts on
 * confirmation, Art. 31(三)), no `applicationId`. Clients that know only the first three may skip
 * items of other kinds.
 */
export type QueueKind = 'application' | 'consultation' | 'appeal' | 'conference' | 'submission';

/** One line of a person's queue (GET /api/queue): the names of the contract are fixed (issue 13). */
export interface QueueItem {
  kind: QueueKind;
  /** The application's, the inbox letter's or the appeal's id (as `kind` says). */
  id: number;
  /** The application a consultation letter or an appeal is about. */
  applicationId?: number;
  caseNumber: string;
  step: QueueStep;
  stepLabel: string;
  /** The date by which the caller must act (see dueLabel); null when no period binds the step. */
  dueDate: string | null;
  dueLabel: string | null;
  workingDaysLeft: number | null;
  overdue: boolean;
  /** At most DUE_SOON_WORKING_DAYS working days left (amber). */
  dueSoon: boolean;
  /** The due date was counted through a year without the State Council's notice (暂定). */
  provisional: boolean;
  allowedEvents: string[];
  agency: { code: string; name: string };
  /** What the case is about: the request, the appeal's body, the parts a letter asks about. */
  summary: string;
  applicantName?: string;
  /** An appeal's case number at the reconsideration body or court. */
  externalCaseNumber?: string;
  /** The document the step is about (a notice to issue, a notice or reply to record the delivery of). */
  document?: { id: number; title: string };
  /** The JSON resource, and the page where the step is taken. */
  url: string;
  page: string;
}

export const DUE_SOON_WORKING_DAYS = 3;

/** Working days left until `due` (negative past it), as the reply clock counts them (clock.ts). */
export function countdown(calendar: WorkCalendar, today: string, due: string | null): { workingDaysLeft: number | null; overdue: boolean; dueSoon: boolean } {
  if (!due) return { workingDaysLeft: null, overdue: false, dueSoon: false };
  try {
    if (compareDates(today, due) > 0) {
      // As clock.ts: counted up to the next working day on which the step could be taken.
      return { workingDaysLeft: -calendar.workingDaysBetween(due, calendar.nextWorkingDayOnOrAfter(today)), overdue: true, dueSoon: false };
    }
    const left = calendar.workingDaysBetween(today, due);
    return { workingDaysLeft: left, overdue: false, dueSoon: left <= DUE_SOON_WORKING_DAYS };
  } catch {
    return { workingDaysLeft: null, overdue: false, dueSoon: false }; // a date beyond the calendar's bound
  }
}

// ---------------------------------------------------------------------------------------------
// Applications

/**
 * Per role, the events that make a case theirs to move, most pressing first, and the step each
 * stands for. Events a role may send without it being their turn are absent on purpose: WITHDRAW
 * and REQUEST_EXTENSION (caseworker, nearly every state), RECORD_OPINION and RECORD_PAYMENT (they
 * record what another party did), START_CONSULTATION, REQUEST_CORRECTION, ISSUE_FEE_NOTICE and
 * REQUEST_REASONS (part of handling), TRANSFER and SET_LATER_DATE (the approver may, but the
 * caseworker has not handed the case over), REOPEN (only an appeal decision sends it).
 */
export const TURN_EVENTS: Record<Role, readonly (readonly [ApplicationEventType, QueueStep])[]> = {
  caseworker: [
    ['RECORD_DELIVERY', 'record_delivery'],
    ['CORRECTION_LAPSED', 'correction_lapsed'],
    ['FEE_LAPSED', 'fee_lapsed'],
    ['SUBMIT_FOR_REVIEW', 'submit_for_review'],
    ['DRAFT_REPLY', 'handle'],
  ],
  reviewer: [
    ['APPROVE_REVIEW', 'review'],
    ['RETURN_FOR_REVISION', 'review'],
  ],
  approver: [
    // Art. 33: an extension is decided before the reply is due; signing can wait for it.
    ['APPROVE_EXTENSION', 'approve_extension'],
    ['REJECT_EXTENSION', 'approve_extension'],
    ['ISSUE_REPLY', 'sign'],
  ],
  legal: [],
  manager: [],
  admin: [],
};

/** Events of a case's history that move the sign-off back and forth (the last one tells where it stands). */
const SIGN_OFF_EVENTS = new Set(['DRAFT_REPLY', 'SUBMIT_FOR_REVIEW', 'RETURN_FOR_REVISION', 'APPROVE_REVIEW', 'RETURN_FROM_SIGNOFF']);

/** The draft came back from review and was not redrafted or resubmitted since. */
export function returnedFromReview(history: readonly { type: string }[]): boolean {
  const last = history.filter((e) => SIGN_OFF_EVENTS.has(e.type)).at(-1)?.type;
  // Returned by the reviewer, or by the head of the office to the caseworker (back to 已拟稿).
  return last === 'RETURN_FOR_REVISION' || last === 'RETURN_FROM_SIGNOFF';
}

/** The caseworker's steps that end the case: before the notices in their order. */
const ENDING_STEPS = new Set<QueueStep>(['record_delivery', 'correction_lapsed', 'fee_lapsed']);

export interface ApplicationTurnInput {
  role: Role;
  /** The case is open (not closed): notices and sign-off are work only while it is. */
  open: boolean;
  /** The machine's events this person may send now. */
  allowedEvents: readonly string[];
  /** Notices its events drafted that nobody issued yet (§2.8), oldest first. */
  unissuedNotices: readonly { documentId: number; title: string }[];
  /** Issued notices whose period runs from a receipt not recorded yet (§2.8), oldest first. */
  noticesAwaitingDelivery: readonly { documentId: number; title: string }[];
  returnedFromReview: boolean;
}

export interface ApplicationTurn {
  step: QueueStep;
  /** A document action the step asks for, beside the machine's events. */
  action?: QueueAction;
  document?: { id: number; title: string };
}

/**
 * The step of an open application that waits for this person, or null when it is not their turn.
 * The caseworker issues the notices the case's events drafted and records their delivery (document
 * actions the machine does not hold) before anything else: the other side's period runs from them.
 */
export function applicationTurn(t: ApplicationTurnInput): ApplicationTurn | null {
  if (!t.open) return null;
  const allowed = new Set(t.allowedEvents);
  const turns = TURN_EVENTS[t.role] ?? [];
  if (t.role === 'caseworker') {
    // The reply's delivery and the lapses first: they end the case; then the notices.
    for (const [event, step] of turns) if (ENDING_STEPS.has(step) && allowed.has(event)) return { step };
    const notice = t.unissuedNotices[0];
    if (notice) return { step: 'issue_notice', action: 'ISSUE_DOCUMENT', document: { id: notice.documentId, title: notice.title } };
    const sent = t.noticesAwaitingDelivery[0];
    if (sent) return { step: 'record_notice_delivery', action: 'RECORD_DOCUMENT_DELIVERY', document: { id: sent.documentId, title: sent.title } };
    if (allowed.has('SUBMIT_FOR_REVIEW')) return { step: t.returnedFromReview ? 'revise' : 'submit_for_review' };
    if (allowed.has('DRAFT_REPLY')) return { step: 'handle' };
    return null;
  }
  for (const [event, step] of turns) if (allowed.has(event)) return { step };
  return null;
}

/**
 * The states in which a role can have a turn on an application, read from the machine (the states
 * whose transitions include one of the role's turn events). The caseworker's notices are work in any
 * open state.
 */
export function turnStates(role: Role): string[] {
  const states = applicationMachine.config.states as Record<string, { on?: Record<string, unknown> }>;
  const open = Object.keys(states).filter((s) => s !== 'closed');
  if (role === 'caseworker') return open;
  const events = new Set<string>((TURN_EVENTS[role] ?? []).map(([e]) => e));
  return open.filter((s) => Object.keys(states[s]?.on ?? {}).some((e) => events.has(e)));
}

// ---------------------------------------------------------------------------------------------
// Appeals (行政复议 / 行政诉讼): legal staff answer, follow the hearing to the decision, and close.

const APPEAL_TURNS: readonly (readonly [AppealEventType, QueueStep, QueueDueKind])[] = [
  ['SUBMIT_ANSWER', 'appeal_answer', 'answer'],
  ['DRAFT_ANSWER', 'appeal_answer', 'answer'],
  ['RECORD_DECISION', 'appeal_decision', 'decision'],
  ['CLOSE', 'appeal_close', 'appeal_window'],
];

/** The step of an appeal that waits for this person (legal staff), from the appeal machine's allowed events. */
export function appealTurn(allowedEvents: readonly string[]): { step: QueueStep; due: QueueDueKind } | null {
  const allowed = new Set(allowedEvents);
  for (const [event, step, due] of APPEAL_TURNS) if (allowed.has(event)) return { step, due };
  return null;
}

// ---------------------------------------------------------------------------------------------
// Order

export const QUEUE_SORTS = ['urgency', 'due', 'case', 'step'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

/** Most urgent first: overdue, then fewest working days left; no due date last; then due date and case number. */
export function byUrgency(a: QueueItem, b: QueueItem): number {
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  const da = a.workingDaysLeft ?? Number.POSITIVE_INFINITY;
  const db = b.workingDaysLeft ?? Number.POSITIVE_INFINITY;
  if (da !== db) return da < db ? -1 : 1;
  return byDue(a, b) || byCase(a, b);
}

function byDue(a: QueueItem, b: QueueItem): number {
  if (a.dueDate === b.dueDate) return 0;
  if (a.dueDate === null) return 1;
  if (b.dueDate === null) return -1;
  return a.dueDate < b.dueDate ? -1 : 1;
}

const byCase = (a: QueueItem, b: QueueItem) => (a.caseNumber < b.caseNumber ? -1 : a.caseNumber > b.caseNumber ? 1 : a.id - b.id);
const byStep = (a: QueueItem, b: QueueItem) => QUEUE_STEP_CODES.indexOf(a.step) - QUEUE_STEP_CODES.indexOf(b.step);

/** A queue in the order asked for; ties fall back to urgency. `desc` reverses the key, not the ties. */
export function sortQueue(items: readonly QueueItem[], sort: QueueSort = 'urgency', dir: 'asc' | 'desc' = 'asc'): QueueItem[] {
  const key = sort === 'due' ? byDue : sort === 'case' ? byCase : sort === 'step' ? byStep : byUrgency;
  const sign = dir === 'desc' ? -1 : 1;
  return [...items].sort((a, b) => sign * key(a, b) || byUrgency(a, b));
}
