// The clock as the case use cases read it: deadlines from a case's history, the facts the machine's
// guards are judged on, and the cached columns the lists sort by. Shared by the event use case
// (application-service.ts) and by the records of documents issued and delivered (case-records.ts).
import {
  contextOf, migrateSnapshot, stateOf, type Facts, type PersistedApplicationSnapshot,
} from '../../workflows/application.machine.js';
import { computeDeadlines, type ClockEvent, type Deadlines } from '../../workflows/clock.js';
import type { WorkCalendar } from '../../workflows/calendar.js';
import { CLOSED_STATES, type ApplicationRow, type CachedDeadlines, type EventRow } from './application-store.js';

export const toClockEvents = (events: EventRow[]): ClockEvent[] =>
  events.map((e) => ({ seq: e.seq, type: e.type, date: e.date, payload: e.payload }));

export function deadlinesFor(row: Pick<ApplicationRow, 'receivedDate' | 'state'>, events: EventRow[], calendar: WorkCalendar, today: string): Deadlines {
  return computeDeadlines(
    { receivedDate: row.receivedDate, events: toClockEvents(events), today, closed: CLOSED_STATES.includes(row.state) },
    calendar,
  );
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
