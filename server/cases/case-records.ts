// What happened to a case's documents, written into the case's history (domain.md §2.8): the issue
// of a notice whose period runs from its receipt (NOTICE_ISSUED), and the delivery of an issued
// document (NOTICE_DELIVERED). The clock reads only the history, so the day a notice went out and the
// day its addressee received it have to be there; the machine does not judge them (they are facts
// about a document, not steps of the case: its state and context stay as they are).
//
// Appended like any event — next seq on the case's hash chain, the version moved (a page or client
// holding the previous version is refused, 412/409), the cached deadlines rebuilt, audited with the
// entry's hash — inside the caller's transaction, so a notice is issued or delivered together with
// its record or not at all.
import type { Knex } from 'knex';
import { APPLICATION_MACHINE_VERSION } from '../../workflows/application.machine.js';
import type { Deadlines } from '../../workflows/clock.js';
import { NOTICE_DELIVERED, NOTICE_ISSUED } from '../../workflows/notice-periods.js';
import { audit } from '../audit.js';
import { recordChange } from '../change-feed.js';
import type { User } from '../admin/user-store.js';
import { loadCalendar } from '../calendar-store.js';
import type { AppContext } from '../context.js';
import { conflict, notFound } from '../errors.js';
import { findApplication, insertEvent, listEvents, updateApplicationState, type EventRow } from './application-store.js';
import { cacheFrom, deadlinesFor, restore } from './case-clock.js';

export interface CaseRecord {
  type: typeof NOTICE_ISSUED | typeof NOTICE_DELIVERED;
  /** The issue date, or the day the addressee received the document. */
  date: string;
  /** documentId, kind, number; eventSeq of the event that drafted a notice; the delivery's method … */
  payload: Record<string, unknown>;
}

/** The effective date of one entry of a case's history (a notice is never issued before its event). */
export async function eventDateOf(db: Knex | Knex.Transaction, applicationId: number, seq: number): Promise<string | null> {
  return (await listEvents(db, applicationId)).find((e) => e.seq === seq)?.date ?? null;
}

export async function appendCaseRecord(
  trx: Knex.Transaction,
  ctx: AppContext,
  user: User,
  applicationId: number,
  record: CaseRecord,
  ip: string | null,
): Promise<{ seq: number; deadlines: Deadlines }> {
  const row = await findApplication(trx, applicationId);
  if (!row) throw notFound('未找到该申请');
  const events = await listEvents(trx, applicationId);
  const seq = (events.at(-1)?.seq ?? 0) + 1;
  const now = new Date().toISOString();
  const { type, date, payload } = record;
  const eventHash = await insertEvent(trx, { applicationId, seq, type, date, payload, actorId: user.id, actorRole: user.role, recordedAt: now });
  const history: EventRow[] = [...events, { id: 0, seq, type, date, payload, actorId: user.id, actorRole: user.role, actorName: '', recordedAt: now }];
  const today = ctx.clock.today();
  const deadlines = deadlinesFor(row, history, await loadCalendar(trx), today);
  const snapshot = restore(row);
  const updated = await updateApplicationState(trx, applicationId, row.version, {
    state: row.state, snapshot, machineVersion: APPLICATION_MACHINE_VERSION, decision: row.decision, cache: cacheFrom(deadlines, snapshot, today), now,
  });
  if (!updated) throw conflict('该申请刚被他人修改，请刷新后重试');
  await recordChange(trx, {
    type: 'application.updated', applicationId, agencyId: row.agencyId, caseNumber: row.caseNumber,
    data: { event: type, date, documentId: payload.documentId ?? null },
  });
  await audit(trx, {
    actor: user, action: `application.event.${type}`, entity: 'application', entityId: applicationId,
    detail: { caseNumber: row.caseNumber, date, seq, documentId: payload.documentId ?? null, eventHash }, ip,
  });
  return { seq, deadlines };
}
