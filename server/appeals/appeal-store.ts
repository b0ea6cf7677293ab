import type { Knex } from 'knex';
import type { Db } from '../../db/knex.js';
import { insertedId } from '../../db/dialect.js';
import { appendToCaseChain } from '../history/history-store.js';

export interface AppealRow {
  id: number;
  applicationId: number;
  agencyId: number;
  agencyCode: string;
  agencyName: string;
  caseNumber: string;
  kind: string;
  procedure: string;
  simplified: boolean;
  body: string;
  externalCaseNumber: string;
  receivedDate: string;
  acceptedDate: string | null;
  filedDate: string | null;
  afterReconsiderationId: number | null;
  claims: string | null;
  state: string;
  version: number;
  machineVersion: number;
  snapshot: unknown;
  outcome: string | null;
  decisionType: string | null;
  decisionDate: string | null;
  answerDue: string | null;
  decisionExpected: string | null;
  createdAt: string;
  updatedAt: string;
  /** Issue 14: logged by the legal staff ('desk') or received from the reconsideration body's system. */
  source: AppealSource;
  /** The API client it came from (its name as registered), for a received one. */
  sourceClient: { id: number; name: string } | null;
}

export type AppealSource = 'desk' | 'reconsideration_system';

export interface AppealEventRow {
  seq: number;
  type: string;
  date: string;
  payload: Record<string, unknown>;
  actorId: number;
  actorRole: string;
  actorName: string;
  recordedAt: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toAppeal(r: any): AppealRow {
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(r.id),
    applicationId: Number(r.application_id),
    agencyId: Number(r.agency_id),
    agencyCode: r.agency_code,
    agencyName: r.agency_name,
    caseNumber: r.case_number,
    kind: r.kind,
    procedure: r.procedure,
    simplified: Boolean(r.simplified),
    body: r.body,
    externalCaseNumber: r.external_case_number,
    receivedDate: r.received_date,
    acceptedDate: r.accepted_date,
    filedDate: r.filed_date,
    afterReconsiderationId: n(r.after_reconsideration_id),
    claims: r.claims,
    state: r.state,
    version: Number(r.version),
    machineVersion: Number(r.machine_version),
    snapshot: JSON.parse(r.snapshot),
    outcome: r.outcome,
    decisionType: r.decision_type,
    decisionDate: r.decision_date,
    answerDue: r.answer_due,
    decisionExpected: r.decision_expected,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    source: r.source ?? 'desk',
    sourceClient: r.source_client_id === null || r.source_client_id === undefined ? null : { id: Number(r.source_client_id), name: r.source_client_name },
  };
}

function baseQuery(db: Db) {
  return db('appeals as ap')
    .join('applications as app', 'app.id', 'ap.application_id')
    .join('agencies as ag', 'ag.id', 'ap.agency_id')
    .leftJoin('exchange_clients as xc', 'xc.id', 'ap.source_client_id')
    .select('ap.*', 'app.case_number as case_number', 'ag.code as agency_code', 'ag.name as agency_name', 'xc.name as source_client_name');
}

export async function findAppeal(db: Db, id: number): Promise<AppealRow | null> {
  const r = await baseQuery(db).where('ap.id', id).first();
  return r ? toAppeal(r) : null;
}

export async function appealsOfApplication(db: Db, applicationId: number): Promise<AppealRow[]> {
  return (await baseQuery(db).where('ap.application_id', applicationId).orderBy('ap.id')).map(toAppeal);
}

export interface AppealFilters {
  agencyIds: number[];
  kind?: string;
  body?: string;
  outcome?: string; // upheld | corrected | other | pending
  year?: number; // year received
  agencyCode?: string;
  open?: boolean;
}

export const FINAL_APPEAL_STATES = ['closed', 'withdrawn'];

export async function listAppeals(db: Db, f: AppealFilters): Promise<AppealRow[]> {
  const q = baseQuery(db).whereIn('ap.agency_id', f.agencyIds);
  if (f.kind) q.where('ap.kind', f.kind);
  if (f.body) q.where('ap.body', f.body);
  if (f.outcome === 'pending') q.whereNull('ap.outcome');
  else if (f.outcome) q.where('ap.outcome', f.outcome);
  if (f.year) q.where('ap.received_date', 'like', `${f.year}-%`);
  if (f.agencyCode) q.where('ag.code', f.agencyCode);
  if (f.open) q.whereNotIn('ap.state', FINAL_APPEAL_STATES);
  // Deadlines first: open cases by the answer due date, then the rest.
  q.orderByRaw('CASE WHEN ap.state IN (?, ?) THEN 1 ELSE 0 END', FINAL_APPEAL_STATES).orderBy('ap.answer_due', 'asc').orderBy('ap.id', 'asc');
  return (await q.limit(1000)).map(toAppeal);
}

export async function insertAppeal(
  trx: Knex.Transaction,
  a: {
    applicationId: number; agencyId: number; kind: string; procedure: string; simplified: boolean; body: string; externalCaseNumber: string;
    receivedDate: string; acceptedDate: string | null; filedDate: string | null; afterReconsiderationId: number | null; claims: string | null;
    state: string; machineVersion: number; snapshot: unknown; answerDue: string | null; decisionExpected: string | null; createdBy: number; now: string;
    source: AppealSource; sourceClientId: number | null;
  },
): Promise<number> {
  const [row] = await trx('appeals')
    .insert({
      application_id: a.applicationId, agency_id: a.agencyId, kind: a.kind, procedure: a.procedure, simplified: a.simplified, body: a.body,
      external_case_number: a.externalCaseNumber, received_date: a.receivedDate, accepted_date: a.acceptedDate, filed_date: a.filedDate,
      after_reconsideration_id: a.afterReconsiderationId, claims: a.claims, state: a.state, version: 1, machine_version: a.machineVersion,
      snapshot: JSON.stringify(a.snapshot), answer_due: a.answerDue, decision_expected: a.decisionExpected, created_by: a.createdBy,
      created_at: a.now, updated_at: a.now, source: a.source, source_client_id: a.sourceClientId,
    })
    .returning('id');
  return insertedId(row);
}

export async function updateAppeal(
  trx: Knex.Transaction,
  id: number,
  expectedVersion: number,
  u: { state: string; snapshot: unknown; machineVersion: number; outcome: string | null; decisionType: string | null; decisionDate: string | null; answerDue: string | null; decisionExpected: string | null; now: string },
): Promise<boolean> {
  const n = await trx('appeals').where({ id, version: expectedVersion }).update({
    state: u.state, snapshot: JSON.stringify(u.snapshot), machine_version: u.machineVersion, outcome: u.outcome, decision_type: u.decisionType,
    decision_date: u.decisionDate, answer_due: u.answerDue, decision_expected: u.decisionExpected, version: expectedVersion + 1, updated_at: u.now,
  });
  return n === 1;
}

export async function insertAppealEvent(
  trx: Knex.Transaction,
  e: { appealId: number; seq: number; type: string; date: string; payload: Record<string, unknown>; actorId: number; actorRole: string; recordedAt: string },
): Promise<string> {
  // Appended to the appeal's hash chain (history-store); the hash goes into the audit entry.
  return appendToCaseChain(trx, 'appeal_events', {
    appeal_id: e.appealId, seq: e.seq, type: e.type, effective_date: e.date, payload: JSON.stringify(e.payload),
    actor_id: e.actorId, actor_role: e.actorRole, recorded_at: e.recordedAt,
  });
}

export async function listAppealEvents(db: Db, appealId: number): Promise<AppealEventRow[]> {
  const rows = await db('appeal_events as e').join('users as u', 'u.id', 'e.actor_id').where('e.appeal_id', appealId).orderBy('e.seq')
    .select('e.*', 'u.display_name as actor_name');
  return rows.map((r) => ({
    seq: Number(r.seq), type: r.type, date: r.effective_date, payload: JSON.parse(r.payload), actorId: Number(r.actor_id),
    actorRole: r.actor_role, actorName: r.actor_name, recordedAt: r.recorded_at,
  }));
}

export interface CaseNote { facts: string; issues: string; result: string; lessons: string; updatedAt: string }

export async function findCaseNote(db: Db, appealId: number): Promise<CaseNote | null> {
  const r = await db('case_notes').where({ appeal_id: appealId }).first();
  return r ? { facts: r.facts, issues: r.issues, result: r.result, lessons: r.lessons, updatedAt: r.updated_at } : null;
}

export async function saveCaseNote(db: Db, appealId: number, n: Omit<CaseNote, 'updatedAt'>, userId: number): Promise<void> {
  await db('case_notes')
    .insert({ appeal_id: appealId, ...n, updated_by: userId, updated_at: new Date().toISOString() })
    .onConflict('appeal_id')
    .merge(['facts', 'issues', 'result', 'lessons', 'updated_by', 'updated_at']);
}
