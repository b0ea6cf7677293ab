// Where a case stands, told truthfully from its history: a step is done only if it happened. A
// withdrawn or transferred case did not pass review and sign-off; a reply given on the spot was
// issued without a separate draft and review. Pure: the case page draws it, tests read it.

export type StepKey = 'register' | 'correction' | 'handling' | 'draft' | 'review' | 'signoff' | 'delivery' | 'closed';
/** done: it happened; current: the case is there now; skipped: the case went past or closed without it; todo: still ahead. */
export type StepStatus = 'done' | 'current' | 'skipped' | 'todo';

export interface ProgressStep {
  key: StepKey;
  label: string;
  status: StepStatus;
  /** Why a skipped step did not happen, in Chinese (无需补正, 当场答复, 申请人撤回…). */
  note?: string;
}

export const STEP_LABELS: Record<StepKey, string> = {
  register: '登记',
  correction: '补正',
  handling: '办理/征询',
  draft: '拟稿',
  review: '保密审查',
  signoff: '签发',
  delivery: '送达',
  closed: '办结',
};
const ORDER: StepKey[] = ['register', 'correction', 'handling', 'draft', 'review', 'signoff', 'delivery', 'closed'];

/** How a closed case ended, by the event that closed it (the last concluding event). */
const CLOSING: Record<string, string> = {
  REPLY_ON_THE_SPOT: '当场答复',
  ISSUE_REPLY: '答复已签发',
  RECORD_DELIVERY: '答复已送达',
  WITHDRAW: '申请人撤回',
  TRANSFER: '已转办',
  CORRECTION_LAPSED: '逾期未补正',
  FEE_LAPSED: '逾期未缴费',
};

/** Where each state of the machine stands on the steps. */
const STATE_STEP: Record<string, StepKey> = {
  awaiting_correction: 'correction',
  processing: 'handling',
  drafted: 'draft',
  in_review: 'review',
  approved: 'signoff',
  issued: 'delivery',
  closed: 'closed',
};

export function caseProgress(state: string, history: readonly { type: string }[]): ProgressStep[] {
  // Only the latest round counts: a decision ordering a new reply (REOPEN) starts the reply over.
  const lastReopen = history.map((h) => h.type).lastIndexOf('REOPEN');
  const round = history.slice(lastReopen + 1);
  const all = new Set(history.map((h) => h.type));
  const has = (...types: string[]) => types.some((t) => round.some((h) => h.type === t));
  // A return (by the reviewer, or by the head of the office before signing) undoes the approval: the
  // review counts only if it came after the last return.
  const lastReturn = Math.max(...['RETURN_FOR_REVISION', 'RETURN_FROM_SIGNOFF'].map((t) => round.map((h) => h.type).lastIndexOf(t)));
  const reviewedSinceReturn = round.slice(lastReturn + 1).some((h) => h.type === 'APPROVE_REVIEW');
  const closedBy = [...round].reverse().find((h) => h.type in CLOSING)?.type;

  const happened: Record<StepKey, boolean> = {
    register: true,
    correction: all.has('CORRECTION_RECEIVED'),
    handling: has('DRAFT_REPLY', 'REPLY_ON_THE_SPOT', 'TRANSFER') || lastReopen >= 0,
    draft: has('DRAFT_REPLY'),
    review: reviewedSinceReturn,
    signoff: has('ISSUE_REPLY', 'REPLY_ON_THE_SPOT'),
    delivery: has('RECORD_DELIVERY', 'REPLY_ON_THE_SPOT'),
    closed: state === 'closed',
  };
  const current = STATE_STEP[state] ?? 'handling';
  const currentIndex = ORDER.indexOf(current);
  return ORDER.map((key, i): ProgressStep => {
    const step = { key, label: STEP_LABELS[key] };
    if (key === current && state !== 'closed') return { ...step, status: 'current' };
    if (happened[key]) return { ...step, status: 'done' };
    if (i > currentIndex && state !== 'closed') return { ...step, status: 'todo' };
    return { ...step, status: 'skipped', note: skippedNote(key, closedBy, all) };
  });
}

function skippedNote(key: StepKey, closedBy: string | undefined, all: Set<string>): string {
  if (key === 'correction') return all.has('CORRECTION_LAPSED') ? '逾期未补正' : all.has('REQUEST_CORRECTION') ? '未补正' : '无需补正';
  if (closedBy === 'REPLY_ON_THE_SPOT' && (key === 'draft' || key === 'review')) return '当场答复';
  if (closedBy && closedBy in CLOSING && closedBy !== 'ISSUE_REPLY' && closedBy !== 'RECORD_DELIVERY') return `未经（${CLOSING[closedBy]}）`;
  return '未经';
}

/** The closing line of a closed case: how it ended. */
export function closingOf(history: readonly { type: string }[]): string | null {
  const last = [...history].reverse().find((h) => h.type in CLOSING);
  return last ? CLOSING[last.type]! : null;
}
