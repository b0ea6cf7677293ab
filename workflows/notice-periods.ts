// Periods that run from the day the addressee receives a notice (domain.md §2.8): the applicant's
// correction period (Art. 30), a third party's and a consulted agency's 15 working days (Arts. 32,
// 34), the 20 working days to pay a fee (国办函〔2020〕109号) and the period to state reasons (Art. 35).
//
// The event that asks for such a period (REQUEST_CORRECTION, START_CONSULTATION, ISSUE_FEE_NOTICE,
// REQUEST_REASONS) only drafts its notice; the caseworker issues it later, and the addressee receives
// it later still. Both facts are entries of the case's history, so that the clock — which reads only
// the history — counts from them:
//   NOTICE_ISSUED    {documentId, kind, eventSeq, number}             date = the notice's issue date
//   NOTICE_DELIVERED {documentId, kind, eventSeq, method, …}          date = the day it was received
// They record what happened to a document, not a step of the case: the machine does not judge them
// and they never move its chronology (see DOCUMENT_RECORD_TYPES).
//
// Where a period is counted from, never earlier than the law allows:
//   delivered          the recorded receipt (not before the issue, nor before the event);
//   awaiting_delivery  issued, receipt not recorded: the issue date — provisional, it can only move later;
//   not_issued         still a draft: today (it cannot be issued earlier), moving every day;
//   recorded           an event recorded before receipts were tracked (no marker, no notice record):
//                      its own date, as it was counted then — its notice printed that count.
// Pure, like the clock.

import { compareDates } from './dates.js';

export const NOTICE_ISSUED = 'NOTICE_ISSUED';
export const NOTICE_DELIVERED = 'NOTICE_DELIVERED';
/** History entries about documents: facts of the case that no machine judges. */
export const DOCUMENT_RECORD_TYPES: ReadonlySet<string> = new Set([NOTICE_ISSUED, NOTICE_DELIVERED]);

/** The marker the server writes into an event whose notice starts a period counted from receipt. */
export const PERIOD_RUNS_FROM = 'periodRunsFrom';
export const FROM_RECEIPT = 'receipt';

/** The events whose notice starts an addressee's period, and the document kind of that notice. */
export const PERIOD_NOTICE_KINDS = {
  REQUEST_CORRECTION: 'correction_notice',
  START_CONSULTATION: 'consultation_letter',
  ISSUE_FEE_NOTICE: 'fee_notice',
  REQUEST_REASONS: 'reasons_request',
} as const;
export type PeriodEventType = keyof typeof PERIOD_NOTICE_KINDS;
export const isPeriodEvent = (type: string): type is PeriodEventType => Object.hasOwn(PERIOD_NOTICE_KINDS, type);
export const isPeriodNoticeKind = (kind: string): boolean => (Object.values(PERIOD_NOTICE_KINDS) as string[]).includes(kind);

export type NoticeStatus = 'delivered' | 'awaiting_delivery' | 'not_issued' | 'recorded';

/** Where one notice's period is counted from. */
export interface NoticeStart {
  /** The day the period is counted from (the start day itself is not counted). */
  from: string;
  status: NoticeStatus;
  documentId: number | null;
  issuedDate: string | null;
  receivedDate: string | null;
}

interface HistoryEntry { seq: number; type: string; date: string; payload: Record<string, unknown> }
interface NoticeRecord { documentId: number | null; issuedDate: string | null; receivedDate: string | null }

const maxDate = (a: string, b: string) => (compareDates(a, b) >= 0 ? a : b);
const idOf = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);

/**
 * The notice records of a history, by the seq of the event that drafted the notice. A notice issued
 * again (a correction of it, 更正文书) replaces the earlier one: its period starts anew from the new
 * notice, so a receipt of the earlier one no longer counts. A receipt counts for the notice in force.
 */
export function noticeRecords(events: readonly HistoryEntry[]): Map<number, NoticeRecord> {
  const out = new Map<number, NoticeRecord>();
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    const eventSeq = idOf(e.payload?.['eventSeq']);
    if (eventSeq === null) continue;
    const documentId = idOf(e.payload?.['documentId']);
    if (e.type === NOTICE_ISSUED) {
      out.set(eventSeq, { documentId, issuedDate: e.date, receivedDate: null });
    } else if (e.type === NOTICE_DELIVERED) {
      const r = out.get(eventSeq);
      if (!r) out.set(eventSeq, { documentId, issuedDate: null, receivedDate: e.date });
      else if (r.receivedDate === null && (r.documentId === null || r.documentId === documentId)) r.receivedDate = e.date;
    }
  }
  return out;
}

/**
 * Where the period of the notice drafted by `event` is counted from. `legacyReceipt`: a receipt
 * date an older fee event carried itself (`applicantReceivedDate`). `now`: today, or for a closed
 * case its last step (a notice never issued stops moving once the case is closed).
 */
export function periodStart(
  event: HistoryEntry,
  records: ReadonlyMap<number, NoticeRecord>,
  now: string,
  legacyReceipt: string | null = null,
): NoticeStart {
  const r = records.get(event.seq);
  const base = { documentId: r?.documentId ?? null, issuedDate: r?.issuedDate ?? null, receivedDate: r?.receivedDate ?? null };
  if (r?.receivedDate) return { ...base, from: maxDate(r.receivedDate, event.date), status: 'delivered' };
  if (legacyReceipt) return { ...base, receivedDate: legacyReceipt, from: maxDate(legacyReceipt, event.date), status: 'delivered' };
  if (r?.issuedDate) return { ...base, from: maxDate(r.issuedDate, event.date), status: 'awaiting_delivery' };
  if (event.payload?.[PERIOD_RUNS_FROM] === FROM_RECEIPT) return { ...base, from: maxDate(event.date, now), status: 'not_issued' };
  return { ...base, from: event.date, status: 'recorded' };
}

/** True while a period is counted provisionally: its notice not issued, or its receipt not recorded. */
export const provisionalStart = (s: Pick<NoticeStart, 'status'>): boolean => s.status === 'awaiting_delivery' || s.status === 'not_issued';

/** How the start was reached, for the explanation of a deadline (Chinese). */
export function startClause(s: NoticeStart, notice: string, fmt: (d: string) => string): string {
  switch (s.status) {
    case 'delivered':
      return `自${notice}送达之日（${fmt(s.from)}）起算`;
    case 'awaiting_delivery':
      return `${notice}已于${fmt(s.issuedDate ?? s.from)}发出，尚未记录送达，暂自发出之日起算，记录送达后按收到之日计算`;
    case 'not_issued':
      return `${notice}尚未发出，暂自${fmt(s.from)}起算，发出并送达后按收到之日计算`;
    default:
      return '';
  }
}
