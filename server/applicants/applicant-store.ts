import type { Db } from '../../db/knex.js';
import type { RequestDetails } from '../cases/intake.js';

/** One application of an applicant, as much as the history needs (no personal data). */
export interface ApplicantApplicationRow {
  id: number;
  agencyId: number;
  agencyCode: string;
  agencyName: string;
  caseNumber: string;
  receivedDate: string;
  state: string;
  decision: string | null;
  request: RequestDetails;
  transferredFromId: number | null;
}

/**
 * The applicant's applications, most recent first, at most `limit` (the caller asks for one more
 * than it shows to know whether the list was cut). Same applicant = same applicant_key.
 */
export async function listApplicantApplications(db: Db, applicantKey: string, limit: number): Promise<ApplicantApplicationRow[]> {
  const rows = await db('applications as ap')
    .join('agencies as ag', 'ag.id', 'ap.agency_id')
    .where('ap.applicant_key', applicantKey)
    .orderBy('ap.received_date', 'desc')
    .orderBy('ap.id', 'desc')
    .limit(limit)
    .select(
      'ap.id', 'ap.agency_id', 'ag.code as agency_code', 'ag.name as agency_name', 'ap.case_number', 'ap.received_date', 'ap.state',
      'ap.decision', 'ap.request', 'ap.transferred_from_id',
    );
  return rows.map((r) => ({
    id: Number(r.id),
    agencyId: Number(r.agency_id),
    agencyCode: r.agency_code,
    agencyName: r.agency_name,
    caseNumber: r.case_number,
    receivedDate: r.received_date,
    state: r.state,
    decision: r.decision ?? null,
    request: JSON.parse(r.request),
    transferredFromId: r.transferred_from_id === null || r.transferred_from_id === undefined ? null : Number(r.transferred_from_id),
  }));
}

export async function findApplicantKey(db: Db, applicationId: number): Promise<string | null> {
  const r = await db('applications').where({ id: applicationId }).first('applicant_key');
  return r ? String(r.applicant_key) : null;
}

export interface IssuedReply {
  id: number;
  number: string | null;
  issuedDate: string | null;
}

/** The reply in force of each application (issued, not superseded): the latest issued one. */
export async function issuedReplies(db: Db, applicationIds: number[]): Promise<Map<number, IssuedReply>> {
  const out = new Map<number, IssuedReply>();
  if (applicationIds.length === 0) return out;
  const rows = await db('documents')
    .whereIn('application_id', applicationIds)
    .where({ kind: 'reply', status: 'issued' })
    .orderBy('id')
    .select('id', 'application_id', 'number', 'issued_date');
  for (const r of rows) out.set(Number(r.application_id), { id: Number(r.id), number: r.number ?? null, issuedDate: r.issued_date ?? null });
  return out;
}

export interface MonthlyAgencyCount {
  month: string;
  agencyCode: string;
  agencyName: string;
  count: number;
}

/**
 * Applications per calendar month (YYYY-MM of the received date) and agency, across all agencies.
 * An application transferred on (转办, Art. 36(五)) is one application: only the case the applicant
 * filed counts, not the one the receiving agency registered.
 */
export async function monthlyCounts(db: Db, applicantKey: string): Promise<MonthlyAgencyCount[]> {
  // substr(text, 1, 7) is the same on SQLite and PostgreSQL (received_date is an ISO date string).
  const month = 'substr(ap.received_date, 1, 7)';
  const rows: { month: string; code: string; name: string; n: number | string }[] = await db('applications as ap')
    .join('agencies as ag', 'ag.id', 'ap.agency_id')
    .where('ap.applicant_key', applicantKey)
    .whereNull('ap.transferred_from_id')
    .groupByRaw(`${month}, ag.code, ag.name`)
    .orderByRaw(`${month} desc, ag.code`)
    .select(db.raw(`${month} as month`), 'ag.code as code', 'ag.name as name')
    .count({ n: '*' });
  return rows.map((r) => ({ month: String(r.month), agencyCode: r.code, agencyName: r.name, count: Number(r.n) }));
}
