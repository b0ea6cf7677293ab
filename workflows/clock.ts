// The statutory reply clock (domain.md §2), computed from an application's event history.
//
// A REOPEN event (重新办理: a reconsideration decision or judgment ordered a new reply, domain §5)
// carries `newReplyDueDate`, the date the decision set; from then on replyDue is that date (moved to
// the next working day if it is not one), pushed later only by stops begun and an extension approved
// after the reopening. An optional `appealKind` ('reconsideration' | 'litigation') only words the
// explanation. See "Which run of the clock decides replyDue" below.
//
// Pure: "today" is a parameter and nothing is read from the environment, so the same history
// always yields the same deadlines and the whole computation can be tested exhaustively.

import { MAX_SPAN_DAYS, provisionalExplanation, type WorkCalendar } from './calendar.js';
import { compareDates, formatChineseDate, isIsoDate, OutOfRangeError } from './dates.js';
import {
  DOCUMENT_RECORD_TYPES, noticeRecords, periodStart, provisionalStart, startClause, type NoticeStart, type NoticeStatus,
} from './notice-periods.js';

export interface ClockEvent { seq: number; type: string; date: string; payload: Record<string, unknown> }

export interface ClockInput { receivedDate: string; events: readonly ClockEvent[]; today: string; closed?: boolean }

export interface ConsultationDeadline {
  id: string;
  kind: string;
  sentDate: string;
  /** The 15 working days run from the party's receipt of the letter (§2.8). */
  opinionDue: string;
  repliedDate: string | null;
  /** Where the opinion period is counted from: see NoticeDeadline. */
  noticeStatus: NoticeStatus;
}

/**
 * Domain §2.8: a period that runs from the addressee's receipt of a notice, and where it is counted
 * from — the recorded receipt, or provisionally the issue date (or today, for a notice not yet
 * issued), never earlier than the law's period counted from the notice's own date.
 */
export interface NoticeDeadline {
  /** The event that asked for the period (and drafted the notice). */
  eventSeq: number;
  eventType: string;
  period: 'correction' | 'opinion' | 'payment' | 'reasons';
  consultationId: string | null;
  workingDays: number;
  status: NoticeStatus;
  countedFrom: string;
  documentId: number | null;
  issuedDate: string | null;
  receivedDate: string | null;
  due: string;
  /** Still running: not yet corrected, answered, paid, lapsed, superseded or closed. */
  open: boolean;
  /** Counted provisionally: the notice is not issued, or its receipt not recorded. */
  awaitingDelivery: boolean;
}

export interface Deadlines {
  /** Last working day on which the reply may be issued. Kept (not nulled) once the case is closed. */
  replyDue: string | null;
  /** Art. 30: the one-time correction notice is due within 7 working days of receipt. Null when unknown. */
  correctionNoticeDue: string | null;
  /** End of the correction period the notice gave the applicant: its receipt + periodWorkingDays (§2.8). */
  correctionDue: string | null;
  /** 国办函〔2020〕109号: the applicant's receipt of the fee notice + 20 working days (§2.8). */
  feePaymentDue: string | null;
  /** Art. 35: the period the applicant was given to state the reasons, from receipt of the request. */
  reasonsDue: string | null;
  consultations: ConsultationDeadline[];
  /** Every period counted from a notice's receipt, oldest first (§2.8). */
  notices: NoticeDeadline[];
  /** An open period is counted provisionally: its notice is not issued or its receipt not recorded. */
  awaitingDelivery: boolean;
  /** True when any deadline was computed through a year that has no official holiday data. */
  provisional: boolean;
  provisionalYears: number[];
  /** Chinese sentences showing how replyDue was reached, step by step. */
  explanation: string[];
  /** Working days in (today, replyDue]; negative when overdue; null when closed. */
  workingDaysLeft: number | null;
  overdue: boolean;
  dueSoon: boolean;
  /**
   * Why no deadline could be computed (Chinese), or null. Dates in the history that the working
   * calendar cannot count between (a row received in year 1, a reply date in year 9999) leave
   * every deadline null, so the case still renders — and says so — instead of the count running.
   */
  unknownReason: string | null;
}

// Art. 33: reply within 20 working days of receipt.
const REPLY_WORKING_DAYS = 20;
// Art. 30: the correction notice is issued within 7 working days of receipt.
const CORRECTION_NOTICE_WORKING_DAYS = 7;
// Arts. 32, 34: a consulted third party / agency has 15 working days to give its opinion.
const OPINION_WORKING_DAYS = 15;
// 国办函〔2020〕109号: the fee is paid within 20 working days of receiving the notice.
const FEE_PAYMENT_WORKING_DAYS = 20;
// "Due soon" threshold for dashboards, in working days.
const DUE_SOON_WORKING_DAYS = 3;

const fmt = formatChineseDate;

function minDate(a: string, b: string): string {
  return compareDates(a, b) <= 0 ? a : b;
}

function maxDate(a: string, b: string): string {
  return compareDates(a, b) >= 0 ? a : b;
}

function nonNegativeInt(v: unknown): number | null {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null;
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

/** A period during which the reply clock does not run (Arts. 32, 34; fee notice, domain §2.6). */
interface StopPeriod {
  seq: number;
  /** Day the letter/notice went out; not itself stopped (Art. 85: start day not counted). */
  start: string;
  /** Last stopped day, inclusive. */
  end: string;
  /** Working days in (start, end]. */
  days: string[];
  /** Chinese description of the period without the closing clause. */
  head: string;
}

interface ConsultationState {
  id: string;
  kind: string;
  party: string | null;
  sentDate: string;
  seq: number;
  repliedDate: string | null;
  start: NoticeStart;
}

interface ReopeningState {
  seq: number;
  date: string;
  /** The reply date the decision set; null when the event carries none usable. */
  due: string | null;
  /** Optional `appealKind` of the payload, only to word the explanation. */
  kind: 'reconsideration' | 'litigation' | null;
}

interface ApprovedExtension { date: string; seq: number; workingDays: number }

/**
 * One run of the reply clock: from `base` (not counted), `days` running working days plus the
 * approved extensions recorded after `afterSeq`, stopped by the periods `counts` keeps.
 */
interface Anchor {
  base: string;
  days: number;
  afterSeq: number;
  counts: (period: StopPeriod) => boolean;
}

function runClock(anchor: Anchor, allPeriods: readonly StopPeriod[], approved: readonly ApprovedExtension[], calendar: WorkCalendar) {
  const periods = allPeriods.filter(anchor.counts).sort((a, b) => compareDates(a.start, b.start) || a.seq - b.seq);
  const extensions = approved.filter((x) => x.seq > anchor.afterSeq);
  const target = anchor.days + extensions.reduce((sum, x) => sum + x.workingDays, 0);
  const stopped = new Set<string>();
  for (const period of periods) for (const d of period.days) stopped.add(d);
  // A target of more working days than the calendar ever spans comes only from corrupt data.
  if (target > MAX_SPAN_DAYS) throw new OutOfRangeError(`runClock: ${target} working days`);
  const nthRunningDay = (n: number): string => {
    let d = anchor.base;
    for (let counted = 0, walked = 0; counted < n; walked++) {
      if (walked > MAX_SPAN_DAYS) throw new OutOfRangeError(`runClock: no ${n} running days within ${MAX_SPAN_DAYS} working days of ${anchor.base}`);
      d = calendar.addWorkingDays(d, 1);
      if (!stopped.has(d)) counted++;
    }
    return d;
  };
  const dueAfter = (n: number): string => {
    const running = nthRunningDay(n);
    let due = running;
    for (const period of periods) {
      if (compareDates(period.start, running) <= 0) due = maxDate(due, calendar.nextWorkingDayOnOrAfter(period.end));
    }
    return due;
  };
  return { periods, extensions, target, nthRunningDay, dueAfter };
}

interface FeeState {
  seq: number;
  date: string;
  due: string;
  paidDate: string | null;
  lapsedDate: string | null;
  start: NoticeStart;
}

export function computeDeadlines(input: ClockInput, calendar: WorkCalendar): Deadlines {
  const { receivedDate, today } = input;
  if (!isIsoDate(receivedDate)) throw new RangeError(`computeDeadlines: invalid receivedDate ${JSON.stringify(receivedDate)}`);
  if (!isIsoDate(today)) throw new RangeError(`computeDeadlines: invalid today ${JSON.stringify(today)}`);
  try {
    return computeFromHistory(input, calendar);
  } catch (e) {
    // Every count of the calendar is capped (MAX_SPAN_DAYS): dates that need more than that are
    // data no one can answer by, and the case must still render.
    if (e instanceof OutOfRangeError) return unknownDeadlines(receivedDate);
    throw e;
  }
}

function unknownDeadlines(receivedDate: string): Deadlines {
  const reason = `期限无法计算：收到申请之日（${fmt(receivedDate)}）或办理记录中的日期超出工作日历可以计算的范围（${Math.floor(MAX_SPAN_DAYS / 365)}年），请核对日期。`;
  return {
    replyDue: null,
    correctionNoticeDue: null,
    correctionDue: null,
    feePaymentDue: null,
    reasonsDue: null,
    consultations: [],
    notices: [],
    awaitingDelivery: false,
    provisional: false,
    provisionalYears: [],
    explanation: [reason],
    workingDaysLeft: null,
    overdue: false,
    dueSoon: false,
    unknownReason: reason,
  };
}

function computeFromHistory(input: ClockInput, calendar: WorkCalendar): Deadlines {
  const { receivedDate, today } = input;
  const closed = input.closed === true;

  // Events are applied in recording order; an event with an unusable date cannot move a
  // statutory period, so it is skipped rather than allowed to break the whole case view.
  const events = [...input.events].filter((e) => isIsoDate(e.date)).sort((a, b) => a.seq - b.seq);

  // Periods still open (no opinion yet, fee not yet paid) run up to "today". Once the case is
  // closed they must stop moving, so they run up to the last recorded step (the closing one): a
  // document delivered afterwards (§2.8) is no step of the case and moves nothing.
  const steps = events.filter((e) => !DOCUMENT_RECORD_TYPES.has(e.type));
  let cutoff = today;
  if (closed && steps.length > 0) {
    cutoff = minDate(today, steps.map((e) => e.date).reduce(maxDate));
  }
  // §2.8: where each notice's period is counted from (its receipt, its issue, or provisionally today).
  const records = noticeRecords(events);
  const startOf = (e: ClockEvent, legacyReceipt: string | null = null) => periodStart(e, records, cutoff, legacyReceipt);

  const correctionNoticeDue = calendar.addWorkingDays(receivedDate, CORRECTION_NOTICE_WORKING_DAYS);

  // ---- Pass 1: fold the history into state -------------------------------------------------
  let correctionNotice: { date: string; seq: number; period: number | null; start: NoticeStart } | null = null;
  let correctionReceived: { date: string; seq: number } | null = null;
  let reasonsRequest: { date: string; seq: number; period: number | null; start: NoticeStart; settled: boolean } | null = null;
  const consultations = new Map<string, ConsultationState>();
  const fees: FeeState[] = [];
  let pendingExtension: { workingDays: number | null; seq: number } | null = null;
  const approvedExtensions: ApprovedExtension[] = [];
  const reopenings: ReopeningState[] = [];
  const laterDates: { seq: number; date: string; due: string }[] = [];

  for (const e of events) {
    const p = e.payload ?? {};
    switch (e.type) {
      case 'REQUEST_CORRECTION':
        // Art. 30 allows one notice; if several were recorded, the latest is what the applicant
        // was last told, so its period is the one shown.
        correctionNotice = { date: e.date, seq: e.seq, period: nonNegativeInt(p['periodWorkingDays']), start: startOf(e) };
        break;
      case 'CORRECTION_RECEIVED':
        // Art. 30: the clock restarts from the day the corrected application is received.
        correctionReceived = { date: e.date, seq: e.seq };
        break;
      case 'START_CONSULTATION': {
        const id = text(p['consultationId']) ?? `#${e.seq}`;
        if (!consultations.has(id)) {
          consultations.set(id, {
            id,
            kind: text(p['kind']) ?? 'third_party',
            party: text(p['party']),
            sentDate: e.date,
            seq: e.seq,
            repliedDate: null,
            start: startOf(e),
          });
        }
        break;
      }
      case 'RECORD_OPINION': {
        const c = consultations.get(text(p['consultationId']) ?? '');
        if (c && c.repliedDate === null) c.repliedDate = e.date;
        break;
      }
      case 'ISSUE_FEE_NOTICE': {
        // §4, §2.8: 20 working days from the day after the applicant receives the notice. An older
        // event may carry the receipt itself (applicantReceivedDate).
        const receipt = p['applicantReceivedDate'];
        const start = startOf(e, isIsoDate(receipt) ? receipt : null);
        fees.push({ seq: e.seq, date: e.date, due: calendar.addWorkingDays(start.from, FEE_PAYMENT_WORKING_DAYS), paidDate: null, lapsedDate: null, start });
        break;
      }
      case 'RECORD_PAYMENT': {
        const f = fees.findLast((x) => x.paidDate === null && x.lapsedDate === null);
        if (f) f.paidDate = e.date;
        break;
      }
      case 'FEE_LAPSED': {
        const f = fees.findLast((x) => x.paidDate === null && x.lapsedDate === null);
        if (f) f.lapsedDate = e.date;
        break;
      }
      case 'REQUEST_EXTENSION':
        pendingExtension = { workingDays: nonNegativeInt(p['workingDays']), seq: e.seq };
        break;
      case 'APPROVE_EXTENSION':
        // Art. 33: only an extension approved by the head of the disclosure office counts.
        if (pendingExtension && pendingExtension.workingDays !== null) {
          approvedExtensions.push({ date: e.date, seq: e.seq, workingDays: pendingExtension.workingDays });
        }
        pendingExtension = null;
        break;
      case 'REJECT_EXTENSION':
        pendingExtension = null;
        break;
      case 'REOPEN': {
        // A reconsideration decision or judgment ordered a new reply (重新答复) by the date it set.
        // A missing or impossible date (before the reopening; the machine refuses both) falls back
        // to the statutory 20 working days from the reopening. An extension request left undecided
        // belongs to the earlier handling.
        const due = p['newReplyDueDate'];
        const kind = p['appealKind'];
        reopenings.push({
          seq: e.seq,
          date: e.date,
          due: isIsoDate(due) && compareDates(due, e.date) >= 0 ? due : null,
          kind: kind === 'reconsideration' || kind === 'litigation' ? kind : null,
        });
        pendingExtension = null;
        break;
      }
      case 'SET_LATER_DATE': {
        // Art. 35: a reasonable later reply date fixed by the agency for an excessive volume.
        const due = p['laterReplyDate'];
        if (isIsoDate(due)) laterDates.push({ seq: e.seq, date: e.date, due });
        if (reasonsRequest) reasonsRequest.settled = true;
        break;
      }
      case 'REQUEST_REASONS':
        // Art. 35: the applicant is asked to state the reasons within a period from receipt.
        reasonsRequest = { date: e.date, seq: e.seq, period: nonNegativeInt(p['periodWorkingDays']), start: startOf(e), settled: false };
        break;
      default:
        // Other events (decisions, documents, reviews …) do not affect the clock.
        break;
    }
  }

  // ---- Pass 2: base date, stop periods, extension ------------------------------------------
  const explanation: string[] = [];
  const initialDue = calendar.addWorkingDays(receivedDate, REPLY_WORKING_DAYS);

  explanation.push(`${fmt(receivedDate)}收到申请（起算日不计入），加${REPLY_WORKING_DAYS}个工作日，答复期限为${fmt(initialDue)}。`);

  // Every stop period of the history; each run of the clock (Anchor, below) keeps those that are its own.
  const allPeriods: StopPeriod[] = [];
  const consultationOut: ConsultationDeadline[] = [];

  const notices: NoticeDeadline[] = [];
  const notice = (
    seq: number, eventType: string, period: NoticeDeadline['period'], start: NoticeStart, workingDays: number, due: string, open: boolean, consultationId: string | null = null,
  ) => {
    const { from, status, documentId, issuedDate, receivedDate } = start;
    notices.push({
      eventSeq: seq, eventType, period, consultationId, workingDays, status, countedFrom: from, documentId, issuedDate, receivedDate, due,
      open: open && !closed, awaitingDelivery: open && !closed && provisionalStart(start),
    });
  };
  /** '（自…起算）' after a due date, for periods counted from a notice (§2.8); nothing for older records. */
  const basis = (start: NoticeStart, noticeName: string) => {
    const clause = startClause(start, noticeName, fmt);
    return clause ? `（${clause}）` : '';
  };

  for (const c of consultations.values()) {
    // Arts. 32, 34 and §2.8: 15 working days from the party's receipt of the letter.
    const opinionDue = calendar.addWorkingDays(c.start.from, OPINION_WORKING_DAYS);
    consultationOut.push({ id: c.id, kind: c.kind, sentDate: c.sentDate, opinionDue, repliedDate: c.repliedDate, noticeStatus: c.start.status });
    notice(c.seq, 'START_CONSULTATION', 'opinion', c.start, OPINION_WORKING_DAYS, opinionDue, c.repliedDate === null, c.id);

    // Arts. 32, 34: the clock stops until the opinion arrives, but never beyond the 15-working-day
    // opinion period (a silent third party leaves the decision to the agency; a silent agency is
    // deemed to consent).
    // Choice for an opinion not yet received: count the stop only up to today. The displayed
    // replyDue is then the earliest the reply could be due if the opinion arrived today, so it
    // moves one working day later for each working day of waiting. We cannot know the arrival
    // date in advance, and never showing more time than the agency may actually have is safer
    // than assuming the full 15 days and then pulling the deadline forward.
    let end: string;
    let status: string;
    if (c.repliedDate !== null) {
      end = minDate(c.repliedDate, opinionDue);
      status = compareDates(c.repliedDate, opinionDue) <= 0
        ? `${fmt(c.repliedDate)}收到意见`
        : `${fmt(c.repliedDate)}收到意见，已超过意见期限，只计至${fmt(opinionDue)}`;
    } else if (compareDates(cutoff, opinionDue) < 0) {
      end = cutoff;
      status = `尚未收到意见，暂计至${fmt(maxDate(cutoff, c.sentDate))}（收到意见前答复期限逐日顺延）`;
    } else {
      end = opinionDue;
      status = `意见期限届满未收到意见，计至${fmt(opinionDue)}`;
    }
    const who = c.party ? `向${c.party}` : '';
    const kindLabel = c.kind === 'agency' ? '其他机关，条例第三十四条' : '第三方，条例第三十二条';
    allPeriods.push({
      seq: c.seq,
      start: c.sentDate,
      end,
      days: calendar.workingDaysIn(c.sentDate, end),
      head: `${fmt(c.sentDate)}${who}征求意见（${kindLabel}），意见期限至${fmt(opinionDue)}${basis(c.start, c.kind === 'agency' ? '征求意见函' : '征求意见书')}；${status}`,
    });
  }

  for (const f of fees) {
    notice(f.seq, 'ISSUE_FEE_NOTICE', 'payment', f.start, FEE_PAYMENT_WORKING_DAYS, f.due, f.paidDate === null && f.lapsedDate === null);
    // Domain §2.6 / §4: the time between the fee notice and payment is not counted; an unpaid
    // notice stops the clock up to today (same reasoning as an open consultation) and at most
    // until the payment deadline, after which processing stops for non-payment.
    let end: string;
    let status: string;
    if (f.paidDate !== null) {
      end = f.paidDate;
      status = `${fmt(f.paidDate)}缴费`;
    } else if (f.lapsedDate !== null) {
      end = minDate(f.lapsedDate, f.due);
      status = '逾期未缴费';
    } else if (compareDates(cutoff, f.due) < 0) {
      end = cutoff;
      status = `尚未缴费，暂计至${fmt(maxDate(cutoff, f.date))}（缴费前答复期限逐日顺延）`;
    } else {
      end = f.due;
      status = `缴费期限届满未缴费，计至${fmt(f.due)}`;
    }
    allPeriods.push({
      seq: f.seq,
      start: f.date,
      end,
      days: calendar.workingDaysIn(f.date, end),
      head: `${fmt(f.date)}发出收费通知，缴费期限至${fmt(f.due)}${basis(f.start, '收费通知书')}；${status}`,
    });
  }

  // Which run of the clock decides replyDue. The latest restart wins:
  //  - none: 20 working days from receipt (Art. 33);
  //  - CORRECTION_RECEIVED: 20 working days from the corrected application (Art. 30); stops that
  //    began before it and extensions approved before it no longer count;
  //  - REOPEN (重新办理): the decision or judgment sets the new reply date itself, so the statutory
  //    20 days no longer apply. The run starts on the REOPEN date with, as its length, the working
  //    days from then to the set date (moved to the next working day if it is not one), so with no
  //    stop and no extension replyDue is exactly that date. Stop periods begun, and an extension
  //    approved, after the reopening push it later in the same running-working-day way; anything
  //    recorded before the reopening belongs to the earlier handling and no longer counts.
  //  - a correction received after a reopening restarts as above (Art. 30), but never before the
  //    reopening's own deadline: replyDue is the later of the two runs. A maximum of runs that are
  //    each monotone keeps "adding a stop never moves replyDue earlier".
  const lastReopening = reopenings.at(-1) ?? null;
  const reopenedDue = (r: ReopeningState): string =>
    r.due !== null ? calendar.nextWorkingDayOnOrAfter(r.due) : calendar.addWorkingDays(r.date, REPLY_WORKING_DAYS);
  const reopenAnchor = (r: ReopeningState): Anchor => ({
    base: r.date,
    days: calendar.workingDaysBetween(r.date, reopenedDue(r)),
    afterSeq: r.seq,
    counts: (p) => p.seq > r.seq,
  });
  const base = correctionReceived?.date ?? receivedDate;
  const afterReopeningSeq = lastReopening?.seq ?? Number.NEGATIVE_INFINITY;
  const statutoryAnchor: Anchor = {
    base,
    days: REPLY_WORKING_DAYS,
    afterSeq: correctionReceived?.seq ?? Number.NEGATIVE_INFINITY,
    // Stops begun before the corrected application are superseded by the restart (Art. 30).
    counts: (p) => compareDates(p.start, base) >= 0 && p.seq > afterReopeningSeq,
  };
  const correctionAfterReopening = lastReopening !== null && correctionReceived !== null && correctionReceived.seq > lastReopening.seq;
  const primary = lastReopening !== null && !correctionAfterReopening ? reopenAnchor(lastReopening) : statutoryAnchor;
  const floorAnchor = correctionAfterReopening ? reopenAnchor(lastReopening) : null;

  // Restarts, in recording order: correction notice and receipt (Art. 30) and reopenings.
  const restartLines: { seq: number; line: string }[] = [];
  let correctionDue: string | null = null;
  if (correctionNotice) {
    if (correctionNotice.period !== null) {
      // Art. 30 and §2.8: the applicant's period runs from receipt of the notice.
      const { start, period } = correctionNotice;
      correctionDue = calendar.addWorkingDays(start.from, period);
      notice(correctionNotice.seq, 'REQUEST_CORRECTION', 'correction', start, period, correctionDue, correctionReceived === null || correctionReceived.seq < correctionNotice.seq);
      const clause = startClause(start, '补正告知书', fmt);
      restartLines.push({
        seq: correctionNotice.seq,
        line: `${fmt(correctionNotice.date)}发出补正通知，补正期限为${correctionNotice.period}个工作日（${clause ? clause + '，' : ''}至${fmt(correctionDue)}）。`,
      });
    } else {
      restartLines.push({ seq: correctionNotice.seq, line: `${fmt(correctionNotice.date)}发出补正通知。` });
    }
  }
  if (correctionReceived) {
    const restartSeq = correctionReceived.seq;
    const restartedDue = calendar.addWorkingDays(base, REPLY_WORKING_DAYS);
    const hadEarlierSteps =
      approvedExtensions.some((x) => x.seq < restartSeq) ||
      [...consultations.values()].some((c) => compareDates(c.sentDate, base) < 0) ||
      fees.some((f) => compareDates(f.date, base) < 0);
    restartLines.push({
      seq: restartSeq,
      line:
        `${fmt(base)}收到补正后的申请，答复期限自该日重新起算（起算日不计入），加${REPLY_WORKING_DAYS}个工作日，为${fmt(restartedDue)}` +
        (hadEarlierSteps ? '；此前的中止期间和延期不再计算。' : '。'),
    });
  }
  for (const r of reopenings) {
    const source = r.kind === 'reconsideration' ? '行政复议决定' : r.kind === 'litigation' ? '人民法院判决' : '行政复议决定或者人民法院判决';
    const due = reopenedDue(r);
    const setDue =
      r.due === null
        ? `未载明有效的答复期限，自该日起算（起算日不计入）加${REPLY_WORKING_DAYS}个工作日，答复期限为${fmt(due)}`
        : r.due === due
          ? `答复期限为${fmt(due)}`
          : `答复期限为${fmt(r.due)}，该日不是工作日，顺延至${fmt(due)}`;
    const hadEarlierSteps = approvedExtensions.some((x) => x.seq < r.seq) || allPeriods.some((p) => p.seq < r.seq);
    restartLines.push({
      seq: r.seq,
      line: `${fmt(r.date)}${source}责令重新答复，${setDue}` + (hadEarlierSteps ? '；此前的中止期间和延期不再计算。' : '。'),
    });
  }
  restartLines.sort((a, b) => a.seq - b.seq);
  for (const { line } of restartLines) explanation.push(line);

  // Art. 33: an approved extension adds its working days after the current replyDue.
  //
  // Arts. 32/34 and §2.6: time stopped is not counted. replyDue is the day on which the
  // (days + extension)-th *running* working day after the base falls, running days being working
  // days outside every stop period (overlapping periods stop the clock once: a set). While all
  // stops begin before the due date this equals domain.md's "base + 20 + |union| working days".
  // Two edges the formula leaves open are settled so that adding a stop, or an extra holiday, never
  // moves replyDue earlier:
  //  - a period that starts on the due date itself (the clock has no day left) makes the reply due
  //    on the day the period ends, or the next working day (the opinion or payment is awaited);
  //  - a period that only starts after the due date cannot revive an exhausted clock.
  const run = runClock(primary, allPeriods, approvedExtensions, calendar);
  const { periods, extensions } = run;
  let replyDue = run.dueAfter(run.target);
  const runningDue = run.nthRunningDay(run.target);
  const dueAfterStops = run.dueAfter(primary.days);

  const countedDays = new Set<string>();
  let total = 0;
  for (const period of periods) {
    if (compareDates(period.start, runningDue) > 0) {
      explanation.push(`${period.head}；该期间在答复期限届满后才开始，不再顺延答复期限。`);
      continue;
    }
    if (period.days.length === 0) {
      explanation.push(`${period.head}，其间没有工作日，不影响答复期限。`);
      continue;
    }
    const effective = period.days.filter((d) => compareDates(d, runningDue) <= 0);
    if (effective.length === 0) {
      explanation.push(`${period.head}；该期间自答复期限届满当日开始，答复期限顺延至该期间结束（${fmt(calendar.nextWorkingDayOnOrAfter(period.end))}）。`);
      continue;
    }
    for (const d of effective) countedDays.add(d);
    total += effective.length;
    explanation.push(`${period.head}，其间${effective.length}个工作日不计入答复期限。`);
  }
  if (countedDays.size > 0) {
    const overlapNote = total > countedDays.size ? '（重叠部分只计一次）' : '';
    explanation.push(`不计入答复期限的工作日共${countedDays.size}个${overlapNote}，答复期限顺延至${fmt(dueAfterStops)}。`);
  }
  let extended = primary.days;
  for (const x of extensions) {
    extended += x.workingDays;
    explanation.push(`${fmt(x.date)}经批准延期答复${x.workingDays}个工作日（条例第三十三条），答复期限延长至${fmt(run.dueAfter(extended))}。`);
  }
  if (floorAnchor) {
    const floorRun = runClock(floorAnchor, allPeriods, approvedExtensions, calendar);
    const floor = floorRun.dueAfter(floorRun.target);
    if (compareDates(floor, replyDue) > 0) {
      explanation.push(`补正后重新起算的答复期限早于责令重新答复确定的答复期限，答复期限仍为${fmt(floor)}。`);
      replyDue = floor;
    }
  }

  // Art. 35: the later reply date is a floor, never an advance; one fixed before a reopening
  // belongs to the earlier handling.
  for (const l of laterDates) {
    if (lastReopening !== null && l.seq < lastReopening.seq) continue;
    const due = calendar.nextWorkingDayOnOrAfter(l.due);
    if (compareDates(due, replyDue) > 0) {
      explanation.push(`${fmt(l.date)}因申请数量、频次明显超过合理范围，经要求说明理由，确定延迟答复的合理期限至${fmt(due)}（条例第三十五条）。`);
      replyDue = due;
    }
  }

  // Art. 35: the period to state the reasons, from receipt of the request (§2.8). A request recorded
  // before it named a period has none to show.
  let reasonsDue: string | null = null;
  if (reasonsRequest && reasonsRequest.period !== null) {
    const { start, period } = reasonsRequest;
    reasonsDue = calendar.addWorkingDays(start.from, period);
    notice(reasonsRequest.seq, 'REQUEST_REASONS', 'reasons', start, period, reasonsDue, !reasonsRequest.settled);
    const clause = startClause(start, '要求说明理由通知书', fmt);
    explanation.push(`${fmt(reasonsRequest.date)}要求申请人说明理由（条例第三十五条），说明理由的期限为${period}个工作日（${clause ? clause + '，' : ''}至${fmt(reasonsDue)}）。`);
  }
  notices.sort((a, b) => a.eventSeq - b.eventSeq);

  // ---- Provisional data and status ---------------------------------------------------------
  const involved: string[] = [receivedDate, primary.base, replyDue, correctionNoticeDue];
  if (reasonsDue) involved.push(reasonsDue);
  for (const r of reopenings) involved.push(r.date, reopenedDue(r));
  if (correctionDue) involved.push(correctionDue);
  for (const f of fees) involved.push(f.due);
  for (const c of consultationOut) involved.push(c.opinionDue);
  const first = involved.reduce(minDate);
  const last = involved.reduce(maxDate);
  const provisionalYears = calendar.provisionalYears(first, last);
  if (provisionalYears.length > 0) {
    explanation.push(provisionalExplanation(provisionalYears));
  }

  const feePaymentDue = fees.length > 0 ? fees[fees.length - 1]!.due : null;

  let workingDaysLeft: number | null = null;
  let overdue = false;
  let dueSoon = false;
  if (!closed) {
    overdue = compareDates(today, replyDue) > 0;
    if (overdue) {
      // Counted up to the next working day on which the reply could be issued, so a case that
      // became overdue on Friday night shows -1 over the weekend rather than 0.
      workingDaysLeft = -calendar.workingDaysBetween(replyDue, calendar.nextWorkingDayOnOrAfter(today));
    } else {
      workingDaysLeft = calendar.workingDaysBetween(today, replyDue);
      dueSoon = workingDaysLeft <= DUE_SOON_WORKING_DAYS;
    }
  }

  return {
    replyDue,
    correctionNoticeDue,
    correctionDue,
    feePaymentDue,
    reasonsDue,
    consultations: consultationOut,
    notices,
    awaitingDelivery: notices.some((n) => n.awaitingDelivery),
    provisional: provisionalYears.length > 0,
    provisionalYears,
    explanation,
    workingDaysLeft,
    overdue,
    dueSoon,
    unknownReason: null,
  };
}
