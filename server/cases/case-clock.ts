// The clock as the case use cases read it: deadlines from a case's history, the facts the machine's
// guards are judged on, and the cached columns the lists sort by. Shared by the event use case
// (application-service.ts) and by the records of documents issued and delivered (case-records.ts).
import {
  allowedEvents, contextOf, migrateSnapshot, stateOf, type Actor, type ApplicationEventType, type Facts, type PersistedApplicationSnapshot,
} from '../../workflows/application.machine.js';
import { computeDeadlines, type ClockEvent, type Deadlines } from '../../workflows/clock.js';
import type { WorkCalendar } from '../../workflows/calendar.js';
import { CLOSED_STATES, snapshotTextOf, type ApplicationRow, type CachedDeadlines, type EventRow, type HistoryKey } from './application-store.js';

export const toClockEvents = (events: EventRow[]): ClockEvent[] =>
  events.map((e) => ({ seq: e.seq, type: e.type, date: e.date, payload: e.payload }));

/**
 * Issue 15: the clock is a pure function of the received date, whether the case is closed, the
 * history, the calendar and today. Lists and case pages ask for the same cases' clocks again and
 * again, so the answers are remembered per calendar (a changed calendar is a new object) under a key
 * that fixes every other input: the history by the hash-chain link of its last event, which covers
 * that event and every one before it. A history with an event not yet stored (no hash) is not
 * remembered. What is remembered is frozen, so no caller can change another's answer.
 */
const MEMO_SIZE = 20_000;
const memo = new WeakMap<WorkCalendar, Map<string, Deadlines>>();

function memoKey(row: Pick<ApplicationRow, 'receivedDate' | 'state'>, history: HistoryKey, closed: boolean, today: string): string | null {
  if (history.count > 0 && !history.lastHash) return null;
  return `${row.receivedDate}|${closed ? 1 : 0}|${today}|${history.count}|${history.lastHash ?? ''}`;
}

const historyKeyOf = (events: EventRow[]): HistoryKey => ({ count: events.length, lastHash: events.at(-1)?.hash ?? null });

/** The clock the memo holds for a history known by its key alone, without reading it; else undefined. */
export function rememberedDeadlines(row: Pick<ApplicationRow, 'receivedDate' | 'state'>, history: HistoryKey, calendar: WorkCalendar, today: string): Deadlines | undefined {
  const key = memoKey(row, history, CLOSED_STATES.includes(row.state), today);
  return key === null ? undefined : memo.get(calendar)?.get(key);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export function deadlinesFor(row: Pick<ApplicationRow, 'receivedDate' | 'state'>, events: EventRow[], calendar: WorkCalendar, today: string): Deadlines {
  const closed = CLOSED_STATES.includes(row.state);
  const key = memoKey(row, historyKeyOf(events), closed, today);
  let held = memo.get(calendar);
  const hit = key === null ? undefined : held?.get(key);
  if (hit) return hit;
  const d = computeDeadlines({ receivedDate: row.receivedDate, events: toClockEvents(events), today, closed }, calendar);
  if (key === null) return d;
  if (!held) {
    held = new Map();
    memo.set(calendar, held);
  }
  if (held.size >= MEMO_SIZE) held.delete(held.keys().next().value!);
  held.set(key, deepFreeze(d));
  return d;
}

/** The key of a notice period in Facts.awaitingDelivery (§2.8). */
function periodKey(n: Deadlines['notices'][number]): string {
  switch (n.period) {
    case 'opinion':
      return `consultation:${n.consultationId ?? ''}`;
    case 'payment':
      return 'fee';
    default:
      return n.period;
  }
}

/** What the machine's guards need to know of the clock, as of a date (the machine reads no clock). */
export function factsFrom(d: Deadlines): Facts {
  return {
    replyDue: d.replyDue ?? '',
    correctionDue: d.correctionDue,
    feePaymentDue: d.feePaymentDue,
    consultationOpinionDue: Object.fromEntries(d.consultations.map((c) => [c.id, c.opinionDue])),
    awaitingDelivery: d.notices.filter((n) => n.awaitingDelivery).map(periodKey),
  };
}

/** The cached columns for a case, from its clock and its machine context. */
export function cacheFrom(d: Deadlines, snapshot: PersistedApplicationSnapshot, today: string): CachedDeadlines {
  const c = contextOf(snapshot);
  // Arts. 32/34 and fees §4: an open consultation or an unpaid fee notice keeps moving replyDue.
  // Only periods begun since the latest reopening still count (clock.ts ignores older ones).
  const since = c.reopenings?.at(-1)?.date ?? '';
  const clockStopped = stateOf(snapshot) !== 'closed' && (c.consultations.some((x) => !x.repliedDate && x.sentDate >= since) || c.fee?.status === 'pending');
  return { replyDue: d.replyDue, correctionNoticeDue: d.correctionNoticeDue, clockStopped, asOf: today };
}

export function restore(row: ApplicationRow): PersistedApplicationSnapshot {
  return migrateSnapshot({ machineVersion: row.machineVersion, snapshot: row.snapshot });
}

/**
 * Issue 15: what a page shows of a case's machine — its restored snapshot and the steps a person may
 * take — is a pure function of the stored snapshot (its text and machine version), the person, the
 * clock's facts and the date. Reads remember it; writes restore afresh (restore). Frozen, like the
 * clock's memo, so no reader can change what another is given.
 */
const RESTORED_SIZE = 2_000;
const restored = new Map<string, PersistedApplicationSnapshot>();
const allowedMemo = new WeakMap<PersistedApplicationSnapshot, Map<string, ApplicationEventType[]>>();

export function restoreForReading(row: ApplicationRow): PersistedApplicationSnapshot {
  const text = snapshotTextOf(row);
  if (text === undefined) return restore(row);
  const key = `${row.machineVersion}|${text}`;
  let s = restored.get(key);
  if (!s) {
    s = deepFreeze(restore(row));
    if (restored.size >= RESTORED_SIZE) restored.delete(restored.keys().next().value!);
    restored.set(key, s);
  }
  return s;
}

/** allowedEvents, remembered per restored snapshot (restoreForReading's) for the same question. */
export function allowedEventsFor(snapshot: PersistedApplicationSnapshot, actor: Actor, facts: Facts, date: string): ApplicationEventType[] {
  if (!Object.isFrozen(snapshot)) return allowedEvents(snapshot, actor, facts, date);
  let held = allowedMemo.get(snapshot);
  if (!held) {
    held = new Map();
    allowedMemo.set(snapshot, held);
  }
  const key = `${actor.id}|${actor.role}|${date}|${JSON.stringify(facts)}`;
  let answer = held.get(key);
  if (!answer) {
    answer = Object.freeze(allowedEvents(snapshot, actor, facts, date)) as ApplicationEventType[];
    if (held.size >= 64) held.delete(held.keys().next().value!);
    held.set(key, answer);
  }
  return answer;
}
