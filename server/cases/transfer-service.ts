import type { Knex } from 'knex';
import { nextCounter } from '../../db/dialect.js';
import { APPLICATION_MACHINE_VERSION, contextOf, initialApplicationSnapshot, stateOf } from '../../workflows/application.machine.js';
import type { WorkCalendar } from '../../workflows/calendar.js';
import { computeDeadlines } from '../../workflows/clock.js';
import { yearOf } from '../../workflows/dates.js';
import type { Agency } from '../admin/agency-store.js';
import type { User } from '../admin/user-store.js';
import { audit } from '../audit.js';
import { recordChange } from '../change-feed.js';
import type { AppContext } from '../context.js';
import { usableSigningKey } from '../documents/agency-keys.js';
import { receiptForRegistration } from '../documents/document-service.js';
import { assertYearOpen } from '../reports/report-locks.js';
import { cacheFrom, formatCaseNumber, REGISTER_EVENT } from './application-service.js';
import { findApplication, insertApplication, insertEvent, listEvents, type ApplicationRow, type EventRow } from './application-store.js';
import { copyAttachments } from './attachment-store.js';

// 转办 (Art. 36(五)): the application is handed over whole to the agency in the system that holds the
// information. The receiving agency registers it as received on the transfer date (its own clock,
// its own case number, its own receipt), with the applicant, the request and the attachments as
// filed; the history before the transfer stays with the original case and is shown beside the new one.

export async function receiveTransfer(
  trx: Knex.Transaction,
  ctx: AppContext,
  user: User,
  source: ApplicationRow,
  target: Agency,
  date: string,
  calendar: WorkCalendar,
  ip: string | null,
): Promise<{ transferredToId: number; transferredToCaseNumber: string }> {
  await assertYearOpen(trx, target.id, date, '转办登记');
  const year = yearOf(date);
  const seq = await nextCounter(trx, `case:${target.id}:${year}`);
  const caseNumber = formatCaseNumber(target.code, year, seq);
  const today = ctx.clock.today();
  const snapshot = initialApplicationSnapshot();
  const initial = computeDeadlines({ receivedDate: date, events: [], today }, calendar);
  const now = new Date().toISOString();
  const { applicant_key: applicantKey } = await trx('applications').where({ id: source.id }).first('applicant_key');
  const id = await insertApplication(trx, {
    agencyId: target.id, caseNumber, caseYear: year, caseSeq: seq, state: stateOf(snapshot), machineVersion: APPLICATION_MACHINE_VERSION, snapshot,
    channel: source.channel, receivedDate: date, applicant: source.applicant, applicantKey, request: source.request,
    cache: cacheFrom(initial, snapshot, today), createdBy: user.id, now,
  });
  await trx('applications').where({ id }).update({ transferred_from_id: source.id });
  // The same files, referenced by both cases: one copy of the bytes in attachment_contents.
  const attachments = await copyAttachments(trx, source.id, id, now);
  const eventHash = await insertEvent(trx, {
    applicationId: id, seq: 1, type: REGISTER_EVENT, date,
    payload: { channel: source.channel, attachments, transferredFrom: { id: source.id, caseNumber: source.caseNumber } },
    actorId: user.id, actorRole: user.role, recordedAt: now,
  });
  const row = (await findApplication(trx, id))!;
  await receiptForRegistration(trx, ctx, user, { row, agency: target, context: contextOf(snapshot), deadlines: initial, date }, await usableSigningKey(trx, target.id), ip);
  await recordChange(trx, { type: 'application.registered', applicationId: id, agencyId: target.id, caseNumber, data: { receivedDate: date, channel: source.channel, transferredFrom: source.caseNumber } });
  await audit(trx, { actor: user, action: 'application.transfer_in', entity: 'application', entityId: id, detail: { caseNumber, from: source.caseNumber, seq: 1, eventHash }, ip });
  return { transferredToId: id, transferredToCaseNumber: caseNumber };
}

export interface TransferLink {
  id: number;
  caseNumber: string;
  agencyName: string;
  date: string;
}

/** The case this one was transferred from, with its history (shown to the receiving agency). */
export async function transferredFrom(db: Knex, row: ApplicationRow): Promise<(TransferLink & { history: EventRow[] }) | null> {
  const r = await db('applications as a').join('applications as src', 'src.id', 'a.transferred_from_id').join('agencies as ag', 'ag.id', 'src.agency_id')
    .where('a.id', row.id).first('src.id', 'src.case_number', 'ag.name', 'a.received_date');
  if (!r) return null;
  return { id: Number(r.id), caseNumber: r.case_number, agencyName: r.name, date: r.received_date, history: await listEvents(db, Number(r.id)) };
}

/** The case this one was transferred to. */
export async function transferredTo(db: Knex, row: ApplicationRow): Promise<TransferLink | null> {
  const r = await db('applications as a').join('agencies as ag', 'ag.id', 'a.agency_id').where('a.transferred_from_id', row.id)
    .first('a.id', 'a.case_number', 'ag.name', 'a.received_date');
  return r ? { id: Number(r.id), caseNumber: r.case_number, agencyName: r.name, date: r.received_date } : null;
}
