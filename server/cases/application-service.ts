import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { isUniqueViolation } from '../../db/knex.js';
import { nextCounter, nextCounters, nextCountersAlongside, runTogetherPg, together, type Statement } from '../../db/dialect.js';
import { isPostgres } from '../../db/knex.js';
import {
  APPLICATION_MACHINE_VERSION, APPLICATION_STATES, allowedEvents, contextOf, initialApplicationSnapshot, judgeEvent, stateOf, type ApplicationEvent,
} from '../../workflows/application.machine.js';
import { computeDeadlines } from '../../workflows/clock.js';
import { DOCUMENT_RECORD_TYPES, FROM_RECEIPT, isPeriodEvent, PERIOD_RUNS_FROM } from '../../workflows/notice-periods.js';
import type { WorkCalendar } from '../../workflows/calendar.js';
import { dateWindowProblem, formatChineseDate, isIsoDate, yearOf } from '../../workflows/dates.js';
import { EVENT_DATE_LABELS, isApplicationEventType } from '../../workflows/application-types.js';
import { audit, auditAll, auditRow, type AuditEntry } from '../audit.js';
import { findAgencyByCode, findAgencyById } from '../admin/agency-store.js';
import type { User } from '../admin/user-store.js';
import { mayReadFullPersonalData, visibleAgencyIds } from '../policy.js';
import { loadCalendar } from '../calendar-store.js';
import type { AppContext } from '../context.js';
import { conflict, DomainError, invalid, notFound, refusal } from '../errors.js';
import {
  findApplication, insertApplicationRow, applicationRowOf, applicationInsert, insertedApplication, eventColumns, type NewApplication, insertEvent, listApplications as listRows, listEvents, updateApplicationState, CLOSED_STATES, countByState,
  listEventsFor, findStaleCacheRows, type CaseRead, caseReadParts, writtenCaseColumns, findApplicationWithAttachments, findOpenRows, updateCachedDeadlines, findApplicationIdByCaseNumber, type ApplicationRow, type ListSort,
} from './application-store.js';
import { changeRow, fanOutChanges, readWebhooksWith, recordChange, recordChanges, webhooksQuery, type Change } from '../change-feed.js';
import { chainedRows, firstOfCaseChain, takeTableChainHead } from '../history/history-store.js';
import { allowedEventsFor, cacheFrom, deadlinesFor, factsFrom, rememberedDeadlines, restore, restoreForReading } from './case-clock.js';

export { cacheFrom, factsFrom } from './case-clock.js';
export type { ApplicationRow } from './application-store.js';
export { LIST_SORTS, type ListSort } from './application-store.js';
import { attachmentDownload, attachmentRows, checkUploads, saveAttachments, type AttachmentDownload, type UploadedFile } from './attachment-files.js';
import { listAttachments } from './attachment-store.js';
import { listContacts } from './contact-store.js';
import { listDataFiles } from './data-file-store.js';
import { resolveDataFileItems } from './data-file-items.js';
import type { Applicant, Intake } from './intake.js';
import { replyRecordView, toApplicationView, unissuedNoticeViews, type ApplicationView } from './application-view.js';
import { documentCounterKey, documentsForEvent, insertPreparedReceipt, preparedReceiptRow, prepareReceipt, receiptForRegistration } from '../documents/document-service.js';
import { DOCUMENT_COLUMNS, issuedRowInsert } from '../documents/document-store.js';
import { ATTACHMENT_COLUMNS, attachmentsInsert, contentsInsert } from './attachment-store.js';
import { forecastCounters, type CounterForecast } from '../../db/counter-forecast.js';
import { findAgencyWithUsableKey, hasSigningKey } from '../documents/agency-keys.js';
import { listDocumentsWithDeliveries } from '../documents/document-store.js';
import { unissuedNoticesOf } from '../documents/delivery-store.js';
import { assertYearOpen, lockedYearQuery, refuseLockedYear } from '../reports/report-locks.js';
import { toDocumentView } from '../documents/document-view.js';
import { closeInboxItems, counterpartAgency, sendToInbox, settleInboxItem } from '../consultations/consultation-routing.js';
import { receiveTransfer, transferredFrom, transferredTo } from './transfer-service.js';
import { countApplicationsInMonth } from '../fees/fee-store.js';
import { findApplicantKey } from '../applicants/applicant-store.js';
import { requestsOfApplication } from '../consultations/consultation-store.js';
import { recordPassageUse } from '../passages/passage-service.js';
import { feeForNotice } from '../fees/fee-notice.js';
import { conferencesOfApplication, findComplexMark } from '../conferences/conference-store.js';
import { toConferenceView } from '../conferences/conference-view.js';
import { mayConvene } from '../../workflows/conference-rules.js';
import { notifyApplicantOfEvent } from '../public/public-notify.js';
import { sendPendingMail } from '../public/public-mail.js';

/** Art. 35: the period to state the reasons when the caseworker sets none. */
export const DEFAULT_REASONS_WORKING_DAYS = 15;

/** The registration itself is the first entry of every history. */
export const REGISTER_EVENT = 'REGISTER';

export function applicantKey(a: Applicant): string {
  const identity = a.kind === 'natural_person' ? `np:${a.idType}:${a.idNumber.toUpperCase()}` : `org:${a.creditCode.toUpperCase()}`;
  return createHash('sha256').update(identity).digest('hex');
}

export function formatCaseNumber(agencyCode: string, year: number, seq: number): string {
  return `${agencyCode}-${year}-${String(seq).padStart(4, '0')}`;
}

/** Working days from receipt to conclusion (the day not counted, as every period); null if it cannot be counted. */
function workingDaysTaken(row: ApplicationRow, calendar: WorkCalendar): number | null {
  if (row.state !== 'closed' || !row.concludedDate) return null;
  try {
    return calendar.workingDaysBetween(row.receivedDate, row.concludedDate);
  } catch {
    return null; // a span beyond the calendar's bound (a row stored outside the date window)
  }
}

export async function loadVisible(ctx: AppContext, user: User, id: number, db: Knex | Knex.Transaction = ctx.db): Promise<ApplicationRow> {
  if (!Number.isInteger(id) || id <= 0) throw notFound('未找到该申请');
  return assertVisible(ctx, user, await findApplication(db, id), db);
}

async function assertVisible<T extends ApplicationRow | null>(ctx: AppContext, user: User, row: T, db: Knex | Knex.Transaction = ctx.db): Promise<NonNullable<T>> {
  // Another agency's case is indistinguishable from a missing one (no information leak).
  if (!row || !(await visibleAgencyIds(ctx, user, db)).includes(row.agencyId)) throw notFound('未找到该申请');
  return row;
}

/** The application with this case number, when the user may see it (another agency's: 404, as an unknown one). */
export async function loadVisibleByCaseNumber(ctx: AppContext, user: User, caseNumber: string, db: Knex | Knex.Transaction = ctx.db): Promise<ApplicationRow> {
  const id = await findApplicationIdByCaseNumber(db, caseNumber);
  if (id === null) throw notFound('未找到该申请');
  return loadVisible(ctx, user, id, db);
}

export async function getApplicationView(ctx: AppContext, user: User, id: number): Promise<ApplicationView> {
  if (!Number.isInteger(id) || id <= 0) throw notFound('未找到该申请');
  const found = await findApplicationWithAttachments(ctx.db, id);
  const row = await assertVisible(ctx, user, found?.row ?? null);
  return buildView(ctx, user, row, undefined, found!);
}

async function buildView(
  ctx: AppContext, user: User, row: ApplicationRow, calendarIn?: WorkCalendar, read?: Omit<CaseRead, 'row'>,
): Promise<ApplicationView> {
  const extras = read?.extras;
  // Issue 15: a bounded number of queries whatever the case's history — what every case has at once,
  // what only some cases have (a transfer, a consultation through the inbox, contacts, data files, a
  // complex mark, conferences: counted in the case's own query) only when they have it.
  const has = (n: number | undefined) => n === undefined || n > 0;
  const [events, attachments, calendar, { documents, deliveries: delivered }, contacts, dataFiles, complex, conferenceRows] = await Promise.all([
    read?.events ?? listEvents(ctx.db, row.id),
    read?.attachments ?? listAttachments(ctx.db, row.id),
    calendarIn ?? loadCalendar(ctx.db),
    read?.documents ?? listDocumentsWithDeliveries(ctx.db, row.id),
    has(extras?.contacts) ? listContacts(ctx.db, row.id) : [],
    has(extras?.dataFiles) ? listDataFiles(ctx.db, row.id) : [],
    has(extras?.complexMarks) ? findComplexMark(ctx.db, row.id) : null,
    has(extras?.conferences) ? conferencesOfApplication(ctx.db, row.id) : [],
  ]);
  const today = ctx.clock.today();
  const deadlines = deadlinesFor(row, events, calendar, today);
  const snapshot = restoreForReading(row);
  const clockOf = new Map(deadlines.consultations.map((c) => [c.id, c]));
  const awaiting = new Set(deadlines.notices.filter((n) => n.awaitingDelivery && n.consultationId).map((n) => n.consultationId));
  const consulted = contextOf(snapshot).consultations;
  const [inbox, from, to] = await Promise.all([
    consulted.some((c) => c.kind === 'agency') ? requestsOfApplication(ctx.db, row.id, today) : new Map<string, never>(),
    row.transferredFromId !== null ? transferredFrom(ctx.db, row) : null,
    events.some((e) => e.type === 'TRANSFER') ? transferredTo(ctx.db, row) : null,
  ]);
  const consultations = consulted.map((c) => {
    const item = inbox.get(c.id);
    return {
      ...c, opinionDue: clockOf.get(c.id)?.opinionDue ?? null,
      // §2.8: counted from the letter's receipt; until it is recorded, provisionally (issue 12).
      noticeStatus: clockOf.get(c.id)?.noticeStatus ?? null, awaitingDelivery: awaiting.has(c.id),
      // Through the platform's inbox: who answered, or deemed consent (issue 7).
      inbox: item ? { id: item.id, status: item.status, answeredBy: item.answeredBy, answeredDate: item.answeredDate, overdue: item.overdue, page: item.page, letter: item.letter } : null,
    };
  });
  const view = toApplicationView(row, deadlines, {
    events,
    attachments,
    consultations,
    // REOPEN only ever comes from an appeal decision (appeal-service), never from the case page.
    allowedEvents: allowedEventsFor(snapshot, { id: user.id, role: user.role }, factsFrom(deadlines), today).filter((t) => t !== 'REOPEN'),
    documents: documents.map((d) => toDocumentView(d, row.state, delivered.get(d.id))),
    unissuedNotices: unissuedNoticeViews(unissuedNoticesOf(documents), events),
    // Issue 13: full ID and phone numbers only for the caseworkers handling the case (its agency's);
    // reviewers, approvers, managers and legal staff see them masked like everyone else.
    full: mayReadFullPersonalData(user, row.agencyId),
    workingDaysTaken: workingDaysTaken(row, calendar),
    reply: replyRecordView(contextOf(snapshot), events),
    contacts,
    dataFiles,
  });
  // Issue 14: the complex mark and the case conferences, as this person may act on them.
  view.complex = complex;
  view.conferences = conferenceRows.map((c) => toConferenceView(c, user, true));
  view.mayConvene = mayConvene(user, { agencyId: row.agencyId, open: !CLOSED_STATES.includes(row.state) }).ok;
  if (from || to) {
    const history = from ? toApplicationView(row, deadlines, { events: from.history, full: false }).history : [];
    view.transfer = { from: from ? { id: from.id, caseNumber: from.caseNumber, agencyName: from.agencyName, date: from.date, history } : null, to };
  }
  return view;
}

/**
 * The case's row and its numbers (the case counter first of `keys`), in a registration's transaction.
 * On SQLite, with a forecast, the row is written with the counters for the number forecast — one wait
 * of the writer instead of two (each a trip to libuv's threads and back through a busy event loop).
 * Should the counter give another number (another process registered meanwhile), the row takes it in
 * the same transaction: run again from the start, the registration would lose its place in the
 * writers' queue, and every one behind it its forecast. Refused for the number forecast (a case of
 * the other process has it), the row is written again; written, it is renumbered.
 */
async function insertCaseWithCounters(
  trx: Knex.Transaction, keys: string[], forecast: CounterForecast | null, caseOf: (seq: number) => NewApplication, agency: { code: string; name: string },
): Promise<{ numbers: number[]; inserted: ApplicationRow }> {
  if (!forecast || isPostgres(trx)) {
    const numbers = await nextCounters(trx, keys);
    forecast?.taken(numbers);
    return { numbers, inserted: await insertApplicationRow(trx, caseOf(numbers[0]!), agency) };
  }
  const [numbers, row] = await together(
    trx,
    () => nextCounters(trx, keys),
    () => insertApplicationRow(trx, caseOf(forecast.values[0]!), agency).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))),
  );
  forecast.taken(numbers);
  const seq = numbers[0]!;
  if (seq === forecast.values[0]) {
    if (row instanceof Error) throw row;
    return { numbers, inserted: row };
  }
  if (row instanceof Error) return { numbers, inserted: await insertApplicationRow(trx, caseOf(seq), agency) };
  const caseNumber = caseOf(seq).caseNumber;
  await trx('applications').where({ id: row.id }).update({ case_seq: seq, case_number: caseNumber });
  return { numbers, inserted: { ...row, caseNumber } };
}

export async function registerApplication(
  ctx: AppContext,
  user: User,
  intake: Intake,
  files: UploadedFile[],
  ip: string | null,
  /** Issue 16: what the caller records with the registration (an online submission confirmed), in its transaction. */
  within?: (trx: Knex.Transaction, applicationId: number, caseNumber: string) => Promise<void>,
): Promise<ApplicationView> {
  checkUploads(files);
  // validateIntake says so field by field; this holds for any caller (finding 4).
  const outside = dateWindowProblem(intake.receivedDate, ctx.clock.today(), { label: '收到申请之日' });
  if (outside) throw invalid({ receivedDate: outside });
  // Reads before the write transaction, side by side (issue 15: the writer's turn is kept short).
  const [{ agency, keyInfo, also }, calendar] = await Promise.all([
    // The agency, its key and the year's report lock in one query.
    findAgencyWithUsableKey(ctx.db, user.agencyId, new Date(), { lockedYear: lockedYearQuery(ctx.db, user.agencyId, intake.receivedDate) }),
    loadCalendar(ctx.db, { fresh: true }),
  ]);
  if (!agency) throw notFound('所属机关不存在');
  refuseLockedYear(also.lockedYear, '登记收到日期在该年度的申请');
  const now = new Date().toISOString();
  const snapshot = initialApplicationSnapshot();
  const year = yearOf(intake.receivedDate);
  const today = ctx.clock.today();
  const initial = computeDeadlines({ receivedDate: intake.receivedDate, events: [], today }, calendar);
  const caseCounter = `case:${agency.id}:${year}`;
  const newCase = (seq: number): NewApplication => ({
    agencyId: agency.id,
    caseNumber: formatCaseNumber(agency.code, year, seq),
    caseYear: year,
    caseSeq: seq,
    state: stateOf(snapshot),
    machineVersion: APPLICATION_MACHINE_VERSION,
    snapshot,
    channel: intake.channel,
    receivedDate: intake.receivedDate,
    applicant: intake.applicant,
    applicantKey: applicantKey(intake.applicant),
    request: intake.request,
    cache: cacheFrom(initial, snapshot, today),
    createdBy: user.id,
    now,
  });
  const facts = (row: ApplicationRow) => ({ row, agency, context: contextOf(snapshot), deadlines: initial, date: today });
  const firstEvent = (applicationId: number) => ({
    applicationId, seq: 1, type: REGISTER_EVENT, date: intake.receivedDate,
    payload: { channel: intake.channel, attachments: files.length }, actorId: user.id, actorRole: user.role, recordedAt: now,
  });
  // Issue 15: the receipt is drawn, subset and signed before the transaction, for the numbers it is
  // expected to get (db/counter-forecast.ts); inside, it is used only if they came out the same.
  const receiptCounter = documentCounterKey(agency, 'receipt', today);
  // PostgreSQL: the case's id taken ahead (with the forecast), so that its rows go in one statement (below).
  const forecast = keyInfo
    ? await forecastCounters(ctx.db, [caseCounter, receiptCounter], { takeIdOf: !within && isPostgres(ctx.db) ? 'applications' : undefined })
    : null;
  const takenId = forecast?.takenId ?? null;
  let id: number;
  let committed = false;
  /** The case as its transaction wrote it, when that says all a read would (PostgreSQL, below). */
  let read: CaseRead | null = null;
  try {
    const prepared = forecast && keyInfo
      ? await prepareReceipt(ctx, facts(applicationRowOf(newCase(forecast.values[0]!), agency)), keyInfo, forecast.values[1]!)
      : null;
    if (prepared) await prepared.pdf; // done before the writer's turn is taken; a failure writes nothing
    // PostgreSQL: the rows of the case, its first event, its files and its receipt, made ready for the
    // forecast numbers (used if the counters give those) — the statement that writes them, the first
    // under the counter's lock, then waits for nothing but the database.
    const registrationRows = async (db: Knex | Knex.Transaction, id: number, seq: number, receiptSeq: number) => {
      const receipt = await preparedReceiptRow(db, ctx, user, facts({ ...applicationRowOf(newCase(seq), agency), id }), keyInfo!, receiptSeq, prepared!);
      const event = firstOfCaseChain('application_events', eventColumns(firstEvent(id)));
      const uploads = attachmentRows({ applicationId: id, files, origin: 'filed', uploadedBy: user.id, now });
      const contents = contentsInsert(db, uploads.contents);
      // Each part returns what the answer shows of it (writtenCaseColumns): the case is not read back.
      const statements: Array<[string, Statement]> = [
        ['a', applicationInsert(db, newCase(seq), '*', id).toSQL()],
        ['e', db('application_events').insert(event.row).returning('*').toSQL()],
        ...(contents ? [['ct', contents.toSQL()] as [string, Statement], ['at', attachmentsInsert(db, uploads.records).returning(ATTACHMENT_COLUMNS).toSQL()] as [string, Statement]] : []),
        ['d', issuedRowInsert(db, receipt.document, receipt.issued).returning(DOCUMENT_COLUMNS).toSQL()],
        ['h', db('history_heads').where({ chain: 'audit_log' }).increment('length', 2).returning('hash').toSQL()],
      ];
      return { receipt, eventHash: event.hash, statements, files: contents ? 'at' : null };
    };
    const ahead = prepared && keyInfo && takenId !== null && forecast ? await registrationRows(ctx.db, takenId, forecast.values[0]!, forecast.values[1]!) : null;
    // The numbers are taken in the order they were forecast (db/counter-forecast.ts): on PostgreSQL the
    // transactions otherwise reach the counters' row in any order; on SQLite, where the writers take
    // turns, the case's row goes in with the counters for the number forecast (below).
    if (forecast) await forecast.turn();
    id = await ctx.db.transaction(async (trx) => {
      const registered = (inserted: ApplicationRow, eventHash: string) => ({
        audit: {
          actor: user, action: 'application.register', entity: 'application', entityId: inserted.id,
          detail: { caseNumber: inserted.caseNumber, attachments: files.length, seq: 1, eventHash }, ip,
        } satisfies AuditEntry,
        change: {
          type: 'application.registered', applicationId: inserted.id, agencyId: agency.id, agencyCode: agency.code, caseNumber: inserted.caseNumber,
          data: { receivedDate: intake.receivedDate, channel: intake.channel },
        } satisfies Change,
      });
      if (prepared && keyInfo && takenId !== null && forecast) {
        // Issue 15, PostgreSQL: every registration of the agency waits for the case counter's row, and
        // every writer for the audit log's head, from the moment a transaction takes them to its
        // commit. So they are taken late and held for as few round trips as can be: the counters, with
        // the webhooks owed the agency's changes read in the same statement; the case, its first event,
        // its files, the receipt and the log's head in one statement, returning what the answer shows
        // (the case's id taken from its sequence beforehand, its rows made ready for the forecast
        // numbers before the transaction); the audit entries, the feed's changes and the head's new
        // hash in another; the commit.
        const { numbers: [seq, receiptSeq], rows: hooks } = await nextCountersAlongside<{ id: number; events: string }>(
          trx, [caseCounter, receiptCounter], webhooksQuery(trx, agency.id).toSQL(),
        );
        readWebhooksWith(trx, agency.id, hooks);
        forecast.taken([seq!, receiptSeq!]);
        const rows = seq === forecast.values[0] && receiptSeq === forecast.values[1] && ahead
          ? ahead
          : await registrationRows(trx, takenId, seq!, receiptSeq!);
        // Prepared (its result columns fixed: the case's row as json).
        const [written] = await runTogetherPg<Record<string, unknown> & { dd_case: Record<string, unknown>; dd_document_id: number; dd_head: string }>(trx, rows.statements, {
          sql: `SELECT row_to_json(a) AS dd_case, (SELECT id FROM d) AS dd_document_id, (SELECT hash FROM h) AS dd_head, ${writtenCaseColumns(trx, { events: 'e', attachments: rows.files, documents: 'd' })} FROM a`,
          bindings: [],
        }, { prepared: true });
        const inserted = insertedApplication(written!.dd_case, agency);
        read = { row: inserted, ...caseReadParts(written), extras: { contacts: 0, dataFiles: 0, complexMarks: 0, conferences: 0 } };
        const records = rows.receipt.records(Number(written!.dd_document_id), ip);
        const own = registered(inserted, rows.eventHash);
        const entries = chainedRows('audit_log', String(written!.dd_head), [auditRow(records.audit), auditRow(own.audit)]);
        const last = entries.at(-1)!;
        const at = new Date().toISOString();
        const changes = [changeRow(own.change, at, agency.code), changeRow(records.change, at, agency.code)];
        const [head] = await runTogetherPg<{ change_ids: number[] }>(trx, [
          ['ins', trx('audit_log').insert(entries).returning(['id', 'hash']).toSQL()],
          ['ch', trx('exchange_changes').insert(changes.map((c) => c.row)).returning('id').toSQL()],
        ], {
          sql: 'UPDATE history_heads SET hash = ?, last_id = (SELECT id FROM ins WHERE hash = ?) WHERE chain = ? RETURNING (SELECT json_agg(id ORDER BY id) FROM ch) AS change_ids',
          bindings: [last.hash, last.hash, 'audit_log'],
        }, { prepared: true });
        await fanOutChanges(trx, changes, head!.change_ids.map(Number));
        return takenId;
      }
      if (prepared && keyInfo) {
        // Issue 15: the receipt was rendered for its numbers before the transaction. The statements
        // that do not wait for each other go together, and the audit entries and the feed's changes
        // go in one statement each. On PostgreSQL (an online submission's registration) the audit
        // log's head, every writer's lock there, is taken last of all but the commit.
        const { numbers: [, receiptSeq], inserted } = await insertCaseWithCounters(trx, [caseCounter, receiptCounter], forecast, newCase, agency);
        // SQLite locks the whole database for the writer, not rows: the audit log's head is taken with
        // the case's rows (unless the caller's own records, written next, may take it themselves).
        const headNow = !within && !isPostgres(trx);
        const [eventHash, , receipt, earlyHead] = await together(
          trx,
          () => insertEvent(trx, firstEvent(inserted.id)),
          () => saveAttachments(trx, { applicationId: inserted.id, files, origin: 'filed', uploadedBy: user.id, now }),
          () => insertPreparedReceipt(trx, ctx, user, facts(inserted), keyInfo, receiptSeq!, prepared, ip),
          () => (headNow ? takeTableChainHead(trx, 'audit_log', 2) : Promise.resolve(null)),
        );
        if (within) await within(trx, inserted.id, inserted.caseNumber);
        const head = earlyHead ?? (await takeTableChainHead(trx, 'audit_log', 2));
        const own = registered(inserted, eventHash);
        await together(trx, () => auditAll(trx, [receipt.audit, own.audit], head), () => recordChanges(trx, [own.change, receipt.change]));
        return inserted.id;
      }
      // Allocated in the same transaction as the insert: a failed registration leaves no gap.
      const seq = await nextCounter(trx, caseCounter);
      forecast?.taken();
      const inserted = await insertApplicationRow(trx, newCase(seq), agency);
      const appId = inserted.id;
      const eventHash = await insertEvent(trx, firstEvent(appId));
      await saveAttachments(trx, { applicationId: appId, files, origin: 'filed', uploadedBy: user.id, now });
      // The receipt (登记回执) is produced by the registration itself (issue 4).
      await receiptForRegistration(trx, ctx, user, facts(inserted), keyInfo, ip, prepared);
      if (within) await within(trx, appId, inserted.caseNumber);
      const own = registered(inserted, eventHash);
      await recordChange(trx, own.change);
      await audit(trx, own.audit);
      return appId;
    });
    committed = true;
  } finally {
    forecast?.done(committed); // committed (and so counted in the database) or rolled back
  }
  // The case as a GET reads it: with its attachments, and only the extras it has.
  const found = read ?? (await findApplicationWithAttachments(ctx.db, id))!;
  return buildView(ctx, user, found.row, calendar, found);
}

export async function addAttachments(ctx: AppContext, user: User, id: number, files: UploadedFile[], ip: string | null): Promise<ApplicationView> {
  const row = await loadVisible(ctx, user, id);
  if (row.agencyId !== user.agencyId || user.role !== 'caseworker') throw new DomainError('forbidden', 'forbidden', '只有本机关承办人可以上传附件');
  if (files.length === 0) throw invalid({ attachments: '请选择要上传的文件' });
  checkUploads(files);
  const now = new Date().toISOString();
  await ctx.db.transaction(async (trx) => {
    await saveAttachments(trx, { applicationId: id, files, origin: 'filed', uploadedBy: user.id, now });
    await audit(trx, { actor: user, action: 'application.attach', entity: 'application', entityId: id, detail: { files: files.length }, ip });
  });
  return buildView(ctx, user, (await findApplication(ctx.db, id))!);
}

/** One attachment of a case the user sees, with its bytes (404 unknown, 410 bytes lost). */
export async function getAttachment(ctx: AppContext, user: User, id: number, attachmentId: number): Promise<AttachmentDownload> {
  await loadVisible(ctx, user, id);
  return attachmentDownload(ctx.db, id, attachmentId);
}

export interface ListQuery {
  state?: string[];
  text?: string;
  dueBefore?: string;
  overdue?: boolean;
  open?: boolean;
  /** The code of one of the agencies the user sees (managers, legal staff): only its cases. */
  agency?: string;
  sort?: ListSort;
  dir?: 'asc' | 'desc';
  page?: number;
  pageSize?: number;
}

export async function listApplicationViews(ctx: AppContext, user: User, q: ListQuery) {
  const page = Math.max(1, q.page ?? 1);
  const pageSize = Math.min(200, Math.max(1, q.pageSize ?? 50));
  const today = ctx.clock.today();
  let agencyIds = await visibleAgencyIds(ctx, user);
  if (q.agency) {
    // An agency the user does not see is, to them, one without cases.
    const one = await findAgencyByCode(ctx.db, q.agency);
    agencyIds = one && agencyIds.includes(one.id) ? [one.id] : [];
  }
  // GET never writes (issue 15): a stopped clock's cached due date is refreshed by the case's own
  // writes, calendar changes and the instances' schedule (refreshStaleDeadlines); what the list shows
  // is computed from the history below.
  const calendar = await loadCalendar(ctx.db);
  const { total, rows, historyKeys, unissued: drafts } = await listRows(ctx.db, {
    agencyIds,
    state: q.state,
    text: q.text,
    dueBefore: q.dueBefore,
    overdueAsOf: q.overdue ? today : undefined,
    open: q.open,
    sort: q.sort,
    dir: q.dir,
    stateOrder: Object.keys(APPLICATION_STATES),
    page,
    pageSize,
  });
  // Lists filter and sort on the cached due dates; what they show comes from the clock itself. A
  // history is read only when the clock's memo does not hold it, or a draft notice names its events.
  const remembered = new Map(rows.map((row) => [row.id, rememberedDeadlines(row, historyKeys.get(row.id)!, calendar, today)]));
  const histories = await listEventsFor(ctx.db, rows.filter((r) => !remembered.get(r.id) || drafts.has(r.id)).map((r) => r.id));
  const items = rows.map((row) => {
    const events = histories.get(row.id) ?? [];
    const deadlines = histories.has(row.id) ? deadlinesFor(row, events, calendar, today) : remembered.get(row.id)!;
    return toApplicationView(row, deadlines, { full: false, unissuedNotices: unissuedNoticeViews(drafts.get(row.id) ?? [], events) });
  });
  return { total, page, pageSize, items };
}

/** Cases per state of the agencies the user sees (one of them, given its code). */
export async function countVisibleByState(ctx: AppContext, user: User, agencyCode?: string): Promise<Record<string, number>> {
  let agencyIds = await visibleAgencyIds(ctx, user);
  if (agencyCode) {
    const one = await findAgencyByCode(ctx.db, agencyCode);
    agencyIds = one && agencyIds.includes(one.id) ? [one.id] : [];
  }
  return agencyIds.length ? countByState(ctx.db, agencyIds) : {};
}

// ---------------------------------------------------------------------------------------------
// Events: the machine judges, the clock supplies the facts, one transaction persists.

export interface EventRequest {
  body: Record<string, unknown>;
  ifMatch?: number;
  ip: string | null;
  /** Files that come with the event (a paper opinion's scan, …): stored with it or not at all. */
  files?: UploadedFile[];
}

/**
 * Domain §6: an application counts under the year its reply was issued or its processing stopped.
 * These events set that date; a reopening clears it until the new reply.
 */
export const CONCLUDING_EVENTS = new Set(['ISSUE_REPLY', 'REPLY_ON_THE_SPOT', 'CORRECTION_LAPSED', 'FEE_LAPSED', 'WITHDRAW', 'TRANSFER']);

const EVENT_FIELDS_RESERVED = new Set(['type', 'date', 'actor', 'facts', '_csrf']);

export async function applyApplicationEvent(ctx: AppContext, user: User, id: number, req: EventRequest): Promise<ApplicationView> {
  if (req.body.type === 'REOPEN') {
    throw new DomainError('conflict', 'not_allowed', '重新办理只能由复议、诉讼案件中“责令重新答复”的决定触发（在复议诉讼案件中记录决定）', undefined, { allowedEvents: [] });
  }
  const calendar = await loadCalendar(ctx.db, { fresh: true });
  checkUploads(req.files ?? []);
  try {
    await ctx.db.transaction(async (trx) => applyEventInTransaction(trx, ctx, user, id, req, calendar));
  } catch (e) {
    // Two events racing on one case: the loser hits the (application, seq) key or the version check.
    if (isUniqueViolation(e) || isSerializationFailure(e)) throw conflict('该申请刚被他人修改，请刷新后重试');
    throw e;
  }
  // Mail told of by the event goes once it has committed; a failure stays in the outbox.
  void sendPendingMail(ctx).catch(() => undefined);
  return buildView(ctx, user, (await findApplication(ctx.db, id))!, calendar);
}

/**
 * One event on one application inside the caller's transaction: judged by the machine, appended to
 * the history, snapshot and version advanced, documents produced, audited. Also used when an appeal
 * decision reopens the application, so both land or neither does.
 */
export async function applyEventInTransaction(
  trx: Knex.Transaction,
  ctx: AppContext,
  user: User,
  id: number,
  req: EventRequest,
  calendar: WorkCalendar,
  /**
   * `row`: the case, already loaded by a caller that checked the user's standing another way — a
   * consulted agency answering through its inbox, or the platform recording deemed consent.
   */
  opts: { row?: ApplicationRow } = {},
): Promise<void> {
  const { body } = req;
  const type = body.type;
  const date = body.date;
  const today = ctx.clock.today();
  const now = new Date().toISOString();
  if (typeof type !== 'string' || !type) throw invalid({ type: '请指定操作类型' });
  // Each event's date is named for what it is (收到补正日期, 签发日期…).
  const dateLabel = isApplicationEventType(type) ? EVENT_DATE_LABELS[type] : '日期';
  if (typeof date !== 'string' || !isIsoDate(date)) throw invalid({ date: `请填写${dateLabel}（格式 YYYY-MM-DD）` });
  const outside = dateWindowProblem(date, today, { label: dateLabel });
  if (outside) throw invalid({ date: outside });
  const row = opts.row ?? (await loadVisible(ctx, user, id, trx));
  if (req.ifMatch !== undefined && req.ifMatch !== row.version) {
    throw new DomainError('precondition_failed', 'version_mismatch', `该申请已被他人修改（当前版本 ${row.version}），请刷新后重试`, undefined, { version: row.version });
  }
  const events = await listEvents(trx, id);
  // The case's steps are in date order. A document's issue or delivery recorded in the history (§2.8)
  // is dated when it happened, which is no step of the case: it neither sets nor loosens this order.
  const lastStep = events.filter((e) => !DOCUMENT_RECORD_TYPES.has(e.type)).at(-1);
  if (lastStep && date < lastStep.date) {
    throw invalid({ date: `${dateLabel}不能早于上一次办理记录的日期（${formatChineseDate(lastStep.date)}）` });
  }
  const seq = (events.at(-1)?.seq ?? 0) + 1;
  const payload: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!EVENT_FIELDS_RESERVED.has(k)) payload[k] = v;
  if (type === 'START_CONSULTATION') payload.consultationId = `c${seq}`;
  // §2.8: the period this event's notice gives runs from the notice's receipt; the clock counts it
  // from the notice's issue and delivery, recorded later in the history. (Events recorded before this
  // marker existed keep the count from their own date, as their notices printed it.)
  if (isPeriodEvent(type)) payload[PERIOD_RUNS_FROM] = FROM_RECEIPT;
  // Art. 35 names no period for the reasons: 15 working days, as a consulted party gets, unless set.
  if (type === 'REQUEST_REASONS' && (payload.periodWorkingDays === undefined || payload.periodWorkingDays === null)) payload.periodWorkingDays = DEFAULT_REASONS_WORKING_DAYS;
  // Agencies named by code must be in the system (consultation inbox, transfer): checked before judging.
  const counterpart = await counterpartAgency(trx, row, type, payload);
  // Art. 35: the notice states how many applications the applicant made this month.
  if (type === 'REQUEST_REASONS') {
    const key = await findApplicantKey(trx, row.id);
    payload.monthCount = await countApplicationsInMonth(trx, key ? [key] : [], date.slice(0, 7));
  }
  // Issue 14: data files provided with the reply are recorded as the desk counted them (422 if not the case's).
  if (type === 'DRAFT_REPLY' || type === 'REPLY_ON_THE_SPOT') await resolveDataFileItems(trx, id, payload);
  // Facts as of the event's effective date: the guards judge the event on that day.
  const facts = factsFrom(deadlinesFor(row, events, calendar, date));
  const snapshot = restore(row);
  // 国办函〔2020〕109号: the fee is computed by the standard (filled in, or a different amount refused) once state and role allow the notice.
  if (type === 'ISSUE_FEE_NOTICE') Object.assign(payload, await feeForNotice(trx, row, payload, allowedEvents(snapshot, { id: user.id, role: user.role }, facts, date).includes(type)));
  const event = { ...payload, type, date, actor: { id: user.id, role: user.role }, facts } as unknown as ApplicationEvent;
  const verdict = judgeEvent(snapshot, event);
  if (!verdict.ok) {
    // A rule that names the field it is about says so as the form's per-field message too.
    throw refusal(verdict.status, verdict.code, verdict.message, { allowedEvents: verdict.allowedEvents }, verdict.field ? { [verdict.field]: verdict.message } : undefined);
  }
  // Domain §6: concluding a case counts it in the year of that date; reopening un-counts it from the
  // year it was concluded. Either is refused while that year's report is locked.
  if (CONCLUDING_EVENTS.has(type)) await assertYearOpen(trx, row.agencyId, date, '该操作');
  const concluded = await trx('applications').where({ id }).first('concluded_date');
  if (type === 'REOPEN' && concluded?.concluded_date) await assertYearOpen(trx, row.agencyId, concluded.concluded_date, '重新办理');
  if (type === 'TRANSFER' && counterpart) Object.assign(payload, await receiveTransfer(trx, ctx, user, row, counterpart, date, calendar, req.ip));
  // Issue 7: approved reply wording used in the draft, pinned to its version (422 if not usable).
  if (type === 'DRAFT_REPLY') await recordPassageUse(trx, { user, applicationId: id, seq, date, payload, caseNumber: row.caseNumber, ip: req.ip });
  const eventHash = await insertEvent(trx, { applicationId: id, seq, type, date, payload, actorId: user.id, actorRole: user.role, recordedAt: now });
  // Files that came with the event are stored with it (and, for a consultation letter, go with it).
  const fileIds = req.files?.length ? await saveAttachments(trx, { applicationId: id, files: req.files, origin: 'event', uploadedBy: user.id, now }) : [];
  const history = [...events, { id: 0, seq, type, date, payload, actorId: user.id, actorRole: user.role, actorName: '', recordedAt: now }];
  const state = verdict.state;
  const after = deadlinesFor({ receivedDate: row.receivedDate, state }, history, calendar, today);
  const updated = await updateApplicationState(trx, id, row.version, {
    state,
    snapshot: verdict.snapshot,
    machineVersion: APPLICATION_MACHINE_VERSION,
    decision: verdict.context.decision ?? null,
    concludedDate: CONCLUDING_EVENTS.has(type) ? date : type === 'REOPEN' ? null : undefined,
    cache: cacheFrom(after, verdict.snapshot, today),
    now,
  });
  if (!updated) throw conflict('该申请刚被他人修改，请刷新后重试');
  // Notices are drafted, and the reply issued, in this same transaction (issue 4).
  const agency = (await findAgencyById(trx, row.agencyId))!;
  await documentsForEvent(trx, ctx, user, {
    row, agency, context: verdict.context, deadlines: after, date, type, seq, payload, ip: req.ip,
  });
  // Issue 16: an applicant who applied online is told by email of the steps that concern them.
  await notifyApplicantOfEvent(trx, ctx, id, type, date);
  if (type === 'START_CONSULTATION' && counterpart) await sendToInbox(trx, ctx, user, row, agency, counterpart, payload, after, date, fileIds, req.ip);
  if (type === 'RECORD_OPINION') await settleInboxItem(trx, row.id, payload, user, date);
  // Withdrawn, lapsed, transferred: letters still waiting in other agencies' inboxes need no answer.
  if (CLOSED_STATES.includes(state)) await closeInboxItems(trx, row.id);
  // Issue 14: the data exchange's feed and webhooks (application.concluded: the events of CONCLUDING_EVENTS).
  const concludes = CONCLUDING_EVENTS.has(type);
  await recordChange(trx, {
    type: concludes ? 'application.concluded' : 'application.updated', applicationId: id, agencyId: row.agencyId, caseNumber: row.caseNumber,
    data: { event: type, date, state, ...(concludes ? { concludedDate: date, decision: verdict.context.decision ?? null } : {}) },
  });
  await audit(trx, {
    actor: user, action: `application.event.${type}`, entity: 'application', entityId: id,
    detail: { caseNumber: row.caseNumber, date, seq, from: row.state, to: state, eventHash }, ip: req.ip,
  });
}

function isSerializationFailure(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  return code === '40001' || code === '40P01' || code === 'SQLITE_BUSY';
}

// ---------------------------------------------------------------------------------------------
// The deadline cache: derived, rebuilt from history whenever time, history or the calendar moves it.

async function rebuildCache(ctx: AppContext, rows: ApplicationRow[], calendar: WorkCalendar): Promise<void> {
  const today = ctx.clock.today();
  const histories = await listEventsFor(ctx.db, rows.map((r) => r.id));
  for (const row of rows) {
    const d = deadlinesFor(row, histories.get(row.id) ?? [], calendar, today);
    // Idempotent: several instances may do this at once and write the same values.
    await updateCachedDeadlines(ctx.db, row.id, cacheFrom(d, restore(row), today));
  }
}

/**
 * Rows whose stopped clock moved replyDue since they were cached (few: open consultations, unpaid
 * fees). Run by every server instance's schedule (server-runner), never by a GET: a day's move of
 * such a case's due date reaches the list filters and the dashboard at the next sweep.
 */
export async function refreshStaleDeadlines(ctx: AppContext, calendarIn?: WorkCalendar, agencyIds?: number[]): Promise<number> {
  const stale = await findStaleCacheRows(ctx.db, ctx.clock.today(), agencyIds);
  if (stale.length) await rebuildCache(ctx, stale, calendarIn ?? (await loadCalendar(ctx.db, { fresh: true })));
  return stale.length;
}

/** After a calendar change every open case's deadlines are recomputed at once. */
export async function rebuildOpenDeadlines(ctx: AppContext): Promise<number> {
  const rows = await findOpenRows(ctx.db);
  await rebuildCache(ctx, rows, await loadCalendar(ctx.db, { fresh: true }));
  return rows.length;
}
