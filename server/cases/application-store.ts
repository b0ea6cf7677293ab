import type { Knex } from 'knex';
import { isPostgres, type Db } from '../../db/knex.js';
import { insertedId, jsonRowsFrom, jsonRowsOf, parseJsonColumn, preparedRows, selectPrepared, textSearchTable, whereContainsAny } from '../../db/dialect.js';
import { DOCUMENT_COLUMNS, documentsWithDeliveries, documentsWithDeliveriesColumn, type DocumentsWithDeliveries } from '../documents/document-store.js';
import { unissuedNoticesColumn, unissuedNoticesOfColumn, type UnissuedNotice } from '../documents/delivery-store.js';
import { ATTACHMENT_COLUMNS, toAttachment, type AttachmentRow } from './attachment-store.js';
import { appendToCaseChain } from '../history/history-store.js';
import type { Applicant, RequestDetails } from './intake.js';

export interface ApplicationRow {
  id: number;
  agencyId: number;
  agencyCode: string;
  agencyName: string;
  caseNumber: string;
  state: string;
  version: number;
  machineVersion: number;
  snapshot: unknown;
  channel: string;
  receivedDate: string;
  applicant: Applicant;
  request: RequestDetails;
  decision: string | null;
  /** The day the reply was issued or processing stopped (annual-report year, domain §6); null while open. */
  concludedDate: string | null;
  replyDue: string | null;
  correctionNoticeDue: string | null;
  createdBy: number;
  createdAt: string;
  updatedAt: string;
  /** The case this one was transferred from (转办), if any. */
  transferredFromId: number | null;
}

export interface EventRow {
  id: number;
  seq: number;
  type: string;
  date: string;
  payload: Record<string, unknown>;
  actorId: number;
  actorRole: string;
  actorName: string;
  recordedAt: string;
  /** The row's link in the case's hash chain (history-store): it fixes this event and every one before it. */
  hash?: string;
}

const SNAPSHOT_TEXT = Symbol('snapshot text');

/** The snapshot as stored (its JSON text), when the row was read with it and not changed since. */
export function snapshotTextOf(row: ApplicationRow): string | undefined {
  return (row as unknown as Record<symbol, { text?: string } | undefined>)[SNAPSHOT_TEXT]?.text;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toApplication(r: any): ApplicationRow {
  const row = {
    id: Number(r.id),
    agencyId: Number(r.agency_id),
    agencyCode: r.agency_code,
    agencyName: r.agency_name,
    caseNumber: r.case_number,
    state: r.state,
    version: Number(r.version),
    machineVersion: Number(r.machine_version),
    snapshot: undefined as unknown,
    channel: r.channel,
    receivedDate: r.received_date,
    applicant: JSON.parse(r.applicant),
    // Issue 14: the data-form mark lives in its own column (the dashboard counts by it).
    request: { ...JSON.parse(r.request), dataForm: r.data_form ?? null },
    decision: r.decision,
    concludedDate: r.concluded_date ?? null,
    replyDue: r.reply_due,
    correctionNoticeDue: r.correction_notice_due,
    createdBy: Number(r.created_by),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    transferredFromId: r.transferred_from_id === null || r.transferred_from_id === undefined ? null : Number(r.transferred_from_id),
  };
  // Issue 15: the stored snapshot is the largest column and most reads (lists, queues) never look at
  // it: parsed on first use, then held like any other field.
  const text: string | undefined = r.snapshot;
  let parsed: unknown;
  const stored: { text?: string } = { text };
  Object.defineProperty(row, SNAPSHOT_TEXT, { value: stored, enumerable: false });
  Object.defineProperty(row, 'snapshot', {
    // A list row has none: left out of copies ({ ...row }), an error only where it is read.
    enumerable: text !== undefined,
    configurable: true,
    get: () => {
      if (parsed === undefined && text === undefined) throw new Error('the snapshot was not read with this case (a list row)');
      return (parsed ??= JSON.parse(text!));
    },
    set: (v: unknown) => {
      parsed = v;
      stored.text = undefined;
    },
  });
  return row;
}

/**
 * The row a new application becomes once inserted (id 0, not yet stored): what a document drafted
 * before the insert reads (the receipt rendered ahead of its transaction, issue 15).
 */
export function applicationRowOf(a: NewApplication, agency: { code: string; name: string }): ApplicationRow {
  return {
    id: 0, agencyId: a.agencyId, agencyCode: agency.code, agencyName: agency.name, caseNumber: a.caseNumber, state: a.state, version: 1,
    machineVersion: a.machineVersion, snapshot: a.snapshot, channel: a.channel, receivedDate: a.receivedDate, applicant: a.applicant,
    request: { ...a.request, dataForm: a.request.dataForm ?? null }, decision: null, concludedDate: null,
    replyDue: a.cache.replyDue, correctionNoticeDue: a.cache.correctionNoticeDue, createdBy: a.createdBy, createdAt: a.now, updatedAt: a.now,
    transferredFromId: null,
  };
}

function baseQuery(db: Db) {
  return db('applications as ap')
    .join('agencies as ag', 'ag.id', 'ap.agency_id')
    .select('ap.*', 'ag.code as agency_code', 'ag.name as agency_name');
}

/** What a list row shows: every column toApplication reads but the machine snapshot (issue 15). */
const LIST_COLUMNS = [
  'id', 'agency_id', 'case_number', 'state', 'version', 'machine_version', 'channel', 'received_date', 'applicant', 'request',
  'data_form', 'decision', 'concluded_date', 'reply_due', 'correction_notice_due', 'created_by', 'created_at', 'updated_at',
  'transferred_from_id',
].map((c) => `ap.${c}`);

export async function findApplication(db: Db, id: number): Promise<ApplicationRow | null> {
  const r = await baseQuery(db).where('ap.id', id).first();
  return r ? toApplication(r) : null;
}

/** The case with its attachments' records (no bytes) in one query: the case page (issue 15). */
/** What only some cases have (issue 14's contacts, data files, complex mark, conferences): counted in the case's own query. */
export interface CaseExtras { contacts: number; dataFiles: number; complexMarks: number; conferences: number }

/** The case page's query as SQL, per database (the knex instance's config, shared by its transactions). */
const caseReadSql = new WeakMap<object, string>();

export async function findApplicationWithAttachments(db: Db, id: number): Promise<CaseRead | null> {
  // Issue 15: built once — composing it (a dozen subqueries) cost as much as a third of running it.
  let sql = caseReadSql.get(db.client.config as object);
  if (!sql) {
    sql = caseReadQuery(db).where('ap.id', 0).limit(1).toSQL().sql;
    caseReadSql.set(db.client.config as object, sql);
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const r = (await preparedRows<any>(db, sql, [id, 1]))[0];
  if (!r) return null;
  return {
    row: toApplication(r),
    ...caseReadParts(r),
    extras: { contacts: Number(r.n_contacts), dataFiles: Number(r.n_data_files), complexMarks: Number(r.n_complex_marks), conferences: Number(r.n_conferences) },
  };
}

/** The case read's JSON columns (caseReadQuery, or writtenCaseColumns), as the case page uses them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function caseReadParts(r: any): Pick<CaseRead, 'attachments' | 'events' | 'documents'> {
  return {
    attachments: parseJsonColumn<unknown[]>(r.attachments_json).map(toAttachment),
    events: parseJsonColumn<unknown[]>(r.events_json).map(toEvent),
    documents: documentsWithDeliveries(parseJsonColumn<unknown[]>(r.documents_json)),
  };
}

/**
 * PostgreSQL, issue 15: the case read's JSON columns for a case written by the statement they are
 * selected in — from the RETURNING rows of its WITH parts (the tables do not show them to that
 * statement yet): `events` returns the event's row, `attachments` (or none) and `documents` the
 * columns the case read takes. Read with caseReadParts: a registration answers without reading the
 * case back. A new case has no delivery yet, no contact, data file, complex mark or conference.
 */
export function writtenCaseColumns(db: Db, parts: { events: string; attachments: string | null; documents: string }): string {
  const sql = (raw: Knex.Raw) => raw.toSQL().sql;
  return [
    `${parts.attachments ? sql(jsonRowsFrom(db, ATTACHMENT_COLUMNS, `SELECT * FROM ${parts.attachments}`, 'id')) : `'[]'::json`} AS attachments_json`,
    `${sql(jsonRowsFrom(db, EVENT_JSON_COLUMNS, `SELECT e.*, u.display_name AS actor_name FROM ${parts.events} e JOIN users u ON u.id = e.actor_id`, 'seq'))} AS events_json`,
    `${sql(jsonRowsFrom(db, DOCUMENT_COLUMNS, `SELECT * FROM ${parts.documents}`, 'id'))} AS documents_json`,
  ].join(', ');
}

function caseReadQuery(db: Db) {
  const count = (table: string) => db.raw(`(SELECT count(*) FROM ${table} x WHERE x.application_id = ap.id)`);
  return baseQuery(db).select({
    attachments_json: jsonRowsOf(db, 'attachments', ATTACHMENT_COLUMNS, 'application_id', 'ap.id'),
    // The history and the documents with their deliveries too: the case page is one query (issue 15).
    events_json: jsonRowsFrom(db, EVENT_JSON_COLUMNS, `SELECT e.*, u.display_name AS actor_name FROM application_events e
      JOIN users u ON u.id = e.actor_id WHERE e.application_id = ap.id`, 'seq'),
    documents_json: documentsWithDeliveriesColumn(db),
    n_contacts: count('applicant_contacts'), n_data_files: count('data_files'), n_complex_marks: count('complex_marks'), n_conferences: count('conferences'),
  });
}

/** A case as its page reads it, in one query. */
export interface CaseRead {
  row: ApplicationRow;
  attachments: AttachmentRow[];
  events: EventRow[];
  documents: DocumentsWithDeliveries;
  extras: CaseExtras;
}

const EVENT_JSON_COLUMNS = ['id', 'application_id', 'seq', 'type', 'effective_date', 'payload', 'actor_id', 'actor_role', 'actor_name', 'recorded_at', 'hash'];

/** Deadlines cached for queries: derived from history + calendar, never the only truth. */
export interface CachedDeadlines {
  replyDue: string | null;
  correctionNoticeDue: string | null;
  clockStopped: boolean;
  asOf: string;
}

const cacheColumns = (c: CachedDeadlines) => ({
  reply_due: c.replyDue,
  correction_notice_due: c.correctionNoticeDue,
  clock_stopped: c.clockStopped,
  deadlines_as_of: c.asOf,
});

export interface NewApplication {
  agencyId: number;
  caseNumber: string;
  caseYear: number;
  caseSeq: number;
  state: string;
  machineVersion: number;
  snapshot: unknown;
  channel: string;
  receivedDate: string;
  applicant: Applicant;
  applicantKey: string;
  request: RequestDetails;
  cache: CachedDeadlines;
  createdBy: number;
  now: string;
}

/** The id of the application with this case number (unique across agencies), or null. */
export async function findApplicationIdByCaseNumber(db: Db, caseNumber: string): Promise<number | null> {
  const r = await db('applications').where({ case_number: caseNumber }).first('id');
  return r ? Number(r.id) : null;
}

export async function insertApplication(trx: Knex.Transaction, a: NewApplication): Promise<number> {
  return Number((await insertApplicationReturning(trx, a, 'id')).id);
}

/** Inserts a case and returns it as findApplication would read it (issue 15: no second query). */
export async function insertApplicationRow(trx: Knex.Transaction, a: NewApplication, agency: { code: string; name: string }): Promise<ApplicationRow> {
  const row = await insertApplicationReturning(trx, a, '*');
  return toApplication({ ...row, agency_code: agency.code, agency_name: agency.name });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function insertApplicationReturning(trx: Knex.Transaction, a: NewApplication, columns: '*' | 'id'): Promise<any> {
  const [row] = await applicationInsert(trx, a, columns);
  return typeof row === 'object' && row !== null ? row : { id: row };
}

/** The insert of a new case (`id`: one taken from the sequence beforehand), not yet run. */
export function applicationInsert(trx: Db, a: NewApplication, columns: '*' | 'id', id?: number): Knex.QueryBuilder {
  return trx('applications')
    .insert({
      ...(id !== undefined ? { id } : {}),
      agency_id: a.agencyId,
      case_number: a.caseNumber,
      case_year: a.caseYear,
      case_seq: a.caseSeq,
      state: a.state,
      version: 1,
      machine_version: a.machineVersion,
      snapshot: JSON.stringify(a.snapshot),
      channel: a.channel,
      received_date: a.receivedDate,
      applicant_kind: a.applicant.kind,
      applicant_category: a.applicant.kind === 'natural_person' ? 'natural_person' : a.applicant.category,
      applicant_name: a.applicant.name,
      applicant_key: a.applicantKey,
      applicant: JSON.stringify(a.applicant),
      request: JSON.stringify((({ dataForm: _, ...rest }) => rest)(a.request)),
      data_form: a.request.dataForm ?? null,
      description: a.request.description,
      decision: null,
      ...cacheColumns(a.cache),
      created_by: a.createdBy,
      created_at: a.now,
      updated_at: a.now,
    })
    .returning(columns);
}

/** A new case as read back (the agency's code and name beside its row). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function insertedApplication(row: any, agency: { code: string; name: string }): ApplicationRow {
  return toApplication({ ...row, agency_code: agency.code, agency_name: agency.name });
}

/** Issue 14: marks (or unmarks) a request as asking for data; no step of the case, so no version. */
export async function updateDataForm(trx: Knex.Transaction, id: number, dataForm: string | null): Promise<void> {
  await trx('applications').where({ id }).update({ data_form: dataForm });
}

/**
 * Optimistic update: only succeeds when the stored version is still `expectedVersion`
 * (a concurrent event on the same case makes this return false and the caller's transaction roll back).
 */
export async function updateApplicationState(
  trx: Knex.Transaction,
  id: number,
  expectedVersion: number,
  next: { state: string; snapshot: unknown; machineVersion: number; decision: string | null; concludedDate?: string | null; cache: CachedDeadlines; now: string },
): Promise<boolean> {
  const n = await trx('applications')
    .where({ id, version: expectedVersion })
    .update({
      state: next.state,
      snapshot: JSON.stringify(next.snapshot),
      machine_version: next.machineVersion,
      decision: next.decision,
      ...(next.concludedDate !== undefined ? { concluded_date: next.concludedDate } : {}),
      ...cacheColumns(next.cache),
      version: expectedVersion + 1,
      updated_at: next.now,
    });
  return n === 1;
}

export async function updateCachedDeadlines(db: Db, id: number, cache: CachedDeadlines): Promise<void> {
  await db('applications').where({ id }).update(cacheColumns(cache));
}

/** Open applications whose cached deadlines may have moved since they were computed. */
export async function findStaleCacheRows(db: Db, today: string, agencyIds?: number[]): Promise<ApplicationRow[]> {
  const q = baseQuery(db)
    .whereNotIn('ap.state', CLOSED_STATES)
    .where('ap.clock_stopped', true)
    .where((w) => w.whereNull('ap.deadlines_as_of').orWhere('ap.deadlines_as_of', '<', today));
  if (agencyIds) q.whereIn('ap.agency_id', agencyIds);
  return (await q).map(toApplication);
}

export async function findOpenRows(db: Db): Promise<ApplicationRow[]> {
  return (await baseQuery(db).whereNotIn('ap.state', CLOSED_STATES)).map(toApplication);
}

/** The applications of these agencies in these states, and those named (a queue's candidates: issue 13), in one query. */
export async function findRowsInStates(db: Db, agencyIds: number[], states: readonly string[], alsoIds: readonly number[] = []): Promise<ApplicationRow[]> {
  if (agencyIds.length === 0 || (states.length === 0 && alsoIds.length === 0)) return [];
  const q = baseQuery(db)
    .whereIn('ap.agency_id', agencyIds)
    .where((w) => {
      if (states.length) w.whereIn('ap.state', [...states]);
      if (alsoIds.length) w.orWhereIn('ap.id', [...alsoIds]);
    });
  return (await q.orderBy('ap.id')).map(toApplication);
}

/** Histories of several applications in one query (lists must not query once per row). */
export async function listEventsFor(db: Db, applicationIds: number[]): Promise<Map<number, EventRow[]>> {
  const out = new Map<number, EventRow[]>(applicationIds.map((id) => [id, []]));
  if (applicationIds.length === 0) return out;
  const rows = await db('application_events as e')
    .join('users as u', 'u.id', 'e.actor_id')
    .whereIn('e.application_id', applicationIds)
    .orderBy(['e.application_id', 'e.seq'])
    .select('e.*', 'u.display_name as actor_name');
  for (const r of rows) out.get(Number(r.application_id))!.push(toEvent(r));
  return out;
}

/** Appends to the case's hash chain (history-store); returns the event's hash, for its audit entry. */
export async function insertEvent(trx: Knex.Transaction, e: NewEvent): Promise<string> {
  return appendToCaseChain(trx, 'application_events', eventColumns(e));
}

export interface NewEvent { applicationId: number; seq: number; type: string; date: string; payload: Record<string, unknown>; actorId: number; actorRole: string; recordedAt: string }

/** An event's row as stored, before its hash-chain link. */
export function eventColumns(e: NewEvent): Record<string, unknown> {
  return {
    application_id: e.applicationId,
    seq: e.seq,
    type: e.type,
    effective_date: e.date,
    payload: JSON.stringify(e.payload),
    actor_id: e.actorId,
    actor_role: e.actorRole,
    recorded_at: e.recordedAt,
  };
}

export async function listEvents(db: Db, applicationId: number): Promise<EventRow[]> {
  const rows = await db('application_events as e')
    .join('users as u', 'u.id', 'e.actor_id')
    .where('e.application_id', applicationId)
    .orderBy('e.seq')
    .select('e.*', 'u.display_name as actor_name');
  return rows.map(toEvent);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toEvent(r: any): EventRow {
  return {
    id: Number(r.id),
    seq: Number(r.seq),
    type: r.type,
    date: r.effective_date,
    payload: JSON.parse(r.payload),
    actorId: Number(r.actor_id),
    actorRole: r.actor_role,
    actorName: r.actor_name,
    recordedAt: r.recorded_at,
    hash: typeof r.hash === 'string' && r.hash ? r.hash : undefined,
  };
}

export interface ListFilters {
  agencyIds: number[];
  state?: string[];
  text?: string;
  dueBefore?: string;
  overdueAsOf?: string; // overdue: open and replyDue < this date
  open?: boolean;
  /** Column to order by (issue 13); closed cases always come after open ones. Default: replyDue. */
  sort?: ListSort;
  dir?: 'asc' | 'desc';
  /** The machine's states in their order, for sorting by state. */
  stateOrder?: readonly string[];
  page: number;
  pageSize: number;
}

export const LIST_SORTS = ['due', 'received', 'case', 'state'] as const;
export type ListSort = (typeof LIST_SORTS)[number];

export const CLOSED_STATES = ['closed'];

/** A history as the clock's memo knows it: its number of events and its last event's hash-chain link. */
export interface HistoryKey { count: number; lastHash: string | null }

export async function listApplications(db: Db, f: ListFilters): Promise<{ total: number; rows: ApplicationRow[]; historyKeys: Map<number, HistoryKey>; unissued: Map<number, UnissuedNotice[]> }> {
  // The filters name only the cases' own columns: counted and paged without the agencies' join.
  // A text search picks its cases from the search table (PostgreSQL: the narrow applications_search, the
  // same columns for these filters and orders; issue 15), the page's cases are read from applications.
  const from = f.text ? textSearchTable(db) : 'applications';
  const filtered = () => {
    const q = db(`${from} as ap`).whereIn('ap.agency_id', f.agencyIds);
    if (f.state?.length) q.whereIn('ap.state', f.state);
    if (f.open) q.whereNotIn('ap.state', CLOSED_STATES);
    // The text search, on the trigram indexes of migrations 20270104000001 and 20270105000001 (issue 15).
    if (f.text) whereContainsAny(db, q, ['description', 'applicant_name', 'case_number'], f.text, { alias: 'ap', agencyIds: f.agencyIds, fts: { table: 'applications_text', rowid: 'ap.id' } });
    if (f.dueBefore) q.where('ap.reply_due', '<=', f.dueBefore).whereNotIn('ap.state', CLOSED_STATES);
    if (f.overdueAsOf) q.where('ap.reply_due', '<', f.overdueAsOf).whereNotIn('ap.state', CLOSED_STATES);
    return q;
  };
  // The open states named one by one (not "not closed"): both databases then read them off the list
  // index directly (PostgreSQL otherwise walked the due-date index of every agency's cases).
  const openStates = (f.stateOrder ?? []).filter((st) => !CLOSED_STATES.includes(st));
  const inList = (list: readonly string[]) => list.map(() => '?').join(', ');
  // Prepared (issue 15), but for a text search: its best plan depends on the text.
  const run = <T>(qb: Knex.QueryBuilder): Promise<T[]> => (f.text ? qb.then((r: T[]) => r) : selectPrepared<T>(db, qb));
  const dir = f.dir === 'desc' ? 'desc' : 'asc';
  const order = (qb: Knex.QueryBuilder) => {
    qb.orderByRaw('CASE WHEN ap.state IN (?) THEN 1 ELSE 0 END', CLOSED_STATES);
    if (f.sort === 'received') qb.orderBy('ap.received_date', dir);
    else if (f.sort === 'case') qb.orderBy('ap.case_number', dir);
    else if (f.sort === 'state' && f.stateOrder?.length) {
      qb.orderByRaw(`CASE ap.state ${f.stateOrder.map((_, i) => `WHEN ? THEN ${i}`).join(' ')} ELSE ${f.stateOrder.length} END ${dir}`, [...f.stateOrder]);
    }
    // Then by urgency (the reply due date), whatever the column.
    return qb.orderBy('ap.reply_due', f.sort === 'due' || !f.sort ? dir : 'asc').orderBy('ap.id', 'asc');
  };
  const offset = (f.page - 1) * f.pageSize;
  let total: number;
  let page: Knex.QueryBuilder | number[] | null;
  if (f.text && isPostgres(db)) {
    // A text search on PostgreSQL reads the search table once (issue 15): its matches (narrow rows, so
    // few pages) counted by a window, then sorted as far as the page goes (a top-N sort: the window
    // applied over the sorted rows would sort them all — twice as long for a needle every case holds),
    // not counted by one query and found again by another. Only a page past the end counts on its own.
    const matches = filtered().select('ap.id', 'ap.state', 'ap.reply_due', 'ap.received_date', 'ap.case_number', db.raw('count(*) OVER () AS total'));
    const ids = (await order(db.select('ap.id', 'ap.total').from(matches.as('ap'))).limit(f.pageSize).offset(offset)) as { id: number | string; total: number | string }[];
    total = ids.length ? Number(ids[0]!.total) : offset === 0 ? 0 : Number((await filtered().count({ n: '*' }).first() as { n: number | string } | undefined)?.n ?? 0);
    page = ids.length ? ids.map((r) => Number(r.id)) : null;
  } else {
    const [countRow] = await run<{ n: number | string; closed: number | string | null; open: number | string | null }>(filtered()
      .select(
        db.raw('count(*) as n'),
        db.raw(`sum(CASE WHEN ap.state IN (${inList(CLOSED_STATES)}) THEN 1 ELSE 0 END) as closed`, [...CLOSED_STATES]),
        db.raw(openStates.length ? `sum(CASE WHEN ap.state IN (${inList(openStates)}) THEN 1 ELSE 0 END) as open` : '0 as open', [...openStates]),
      ));
    total = Number(countRow?.n ?? 0);
    const closed = Number(countRow?.closed ?? 0);
    const open = Number(countRow?.open ?? 0);
    // Issue 15: the page's ids are chosen on narrow rows (by the list index, without reading the cases),
    // then only those cases are read — not every case of the agencies sorted whole. In the default
    // order (open cases first, each group by due date) the open and the closed cases are paged apart,
    // the counts saying how many of each the page takes: the few open ones are sorted, the many closed
    // ones are read in the list index's own order (agency, state, due date), as far as the page goes.
    // (Split only when every case is in a state the machine knows: otherwise one sort of the whole list.)
    if ((!f.sort || f.sort === 'due') && open + closed === total) {
      const byDue = (qb: Knex.QueryBuilder) => qb.select('ap.id').orderBy('ap.reply_due', dir).orderBy('ap.id', 'asc');
      // The open cases sorted once fetched: ordered by the column itself, PostgreSQL's planner walked the
      // due-date index of every agency's cases from the oldest (a million cases: 250 ms), expecting the
      // few open ones early. The same order and NULL placement, by an expression no index offers.
      const byDueFetched = (qb: Knex.QueryBuilder) => qb.select('ap.id').orderByRaw(`(ap.reply_due || '') ${dir}`).orderBy('ap.id', 'asc');
      const openTake = Math.max(0, Math.min(f.pageSize, open - offset));
      const closedTake = Math.min(f.pageSize - openTake, Math.max(0, total - Math.max(offset, open)));
      const parts: Knex.QueryBuilder[] = [];
      if (openTake > 0) parts.push(db.select('id').from(byDueFetched(filtered().whereIn('ap.state', openStates)).limit(openTake).offset(offset).as('o')));
      if (closedTake > 0) parts.push(db.select('id').from(byDue(filtered().whereIn('ap.state', CLOSED_STATES)).limit(closedTake).offset(Math.max(0, offset - open)).as('c')));
      page = parts.length === 0 ? null : parts.length === 1 ? parts[0]! : parts[0]!.unionAll(parts[1]!);
    } else {
      page = db.select('id').from(order(filtered().select('ap.id')).limit(f.pageSize).offset(offset).as('page'));
    }
  }
  if (!page) return { total, rows: [], unissued: new Map(), historyKeys: new Map() };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const rows = await run<any>(order(
    db('applications as ap').join('agencies as ag', 'ag.id', 'ap.agency_id')
      .select(...LIST_COLUMNS, 'ag.code as agency_code', 'ag.name as agency_name')
      // What fixes each case's history (its length and last hash-chain link): the clock's memo answers
      // from it, and the histories are read only for the cases it does not hold (issue 15).
      .select({
        event_count: db.raw('(SELECT count(*) FROM application_events e WHERE e.application_id = ap.id)'),
        last_event_hash: db.raw('(SELECT e.hash FROM application_events e WHERE e.application_id = ap.id ORDER BY e.seq DESC LIMIT 1)'),
        unissued_json: unissuedNoticesColumn(db),
      })
      .whereIn('ap.id', page),
  ));
  return {
    total,
    rows: rows.map(toApplication),
    unissued: new Map<number, UnissuedNotice[]>(
      rows.map((r: { id: number | string; unissued_json: unknown }): [number, UnissuedNotice[]] => [Number(r.id), unissuedNoticesOfColumn(r.unissued_json)])
        .filter(([, list]: [number, UnissuedNotice[]]) => list.length > 0),
    ),
    historyKeys: new Map<number, HistoryKey>(rows.map((r: { id: number | string; event_count: number | string; last_event_hash: string | null }) => [Number(r.id), { count: Number(r.event_count), lastHash: r.last_event_hash ?? null }])),
  };
}

export async function countByState(db: Db, agencyIds: number[]): Promise<Record<string, number>> {
  const rows: { state: string; n: number | string }[] = await db('applications')
    .whereIn('agency_id', agencyIds)
    .groupBy('state')
    .select('state')
    .count({ n: '*' });
  return Object.fromEntries(rows.map((r) => [String(r.state), Number(r.n)]));
}
