// All SQL of the public side (issue 16): online submissions, their files, the abuse counters, the mail outbox.
import type { Knex } from 'knex';
import type { Db } from '../../db/knex.js';
import { insertedId } from '../../db/dialect.js';
import type { Applicant, RequestDetails } from '../cases/intake.js';
import { skipLockedRows } from '../../db/dialect.js';
import { isKey, ONLINE_DELIVERY_ON, type OnlineDeliveryOn } from '../../workflows/glossary.js';

/** The documents addressed to the applicant: listed on the tracking page, downloadable, delivered online. */
export const APPLICANT_DOCUMENTS: ReadonlySet<string> = new Set(['reply', 'receipt', 'correction_notice', 'extension_notice', 'fee_notice', 'reasons_request', 'later_reply_notice']);

export type SubmissionState = 'pending_email' | 'awaiting_confirmation' | 'registered' | 'returned';

export interface SubmissionRow {
  id: number;
  publicId: string;
  agencyId: number;
  agencyCode: string;
  agencyName: string;
  /** The agency's setting: what counts as delivery (送达) of a document to this applicant. */
  onlineDeliveryOn: OnlineDeliveryOn;
  state: SubmissionState;
  email: string;
  applicant: Applicant;
  request: RequestDetails;
  codeHash: string;
  codeExpiresAt: string;
  codeAttempts: number;
  /** When the current code was mailed (null for submissions made before it was recorded). */
  codeSentAt: string | null;
  trackingNumber: string | null;
  accessHash: string | null;
  applicationId: number | null;
  submittedAt: string | null;
  confirmedDate: string | null;
  returnReason: string | null;
  createdAt: string;
}

const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

function toRow(r: Record<string, unknown>): SubmissionRow {
  return {
    id: Number(r.id), publicId: String(r.public_id), agencyId: Number(r.agency_id), agencyCode: String(r.agency_code ?? ''), agencyName: String(r.agency_name ?? ''),
    onlineDeliveryOn: isKey(ONLINE_DELIVERY_ON, r.online_delivery_on) ? r.online_delivery_on : 'download',
    state: r.state as SubmissionState, email: String(r.email), applicant: json(r.applicant), request: json(r.request),
    codeHash: String(r.code_hash), codeExpiresAt: String(r.code_expires_at), codeAttempts: Number(r.code_attempts), codeSentAt: (r.code_sent_at as string | null) ?? null,
    trackingNumber: (r.tracking_number as string | null) ?? null, accessHash: (r.access_hash as string | null) ?? null,
    applicationId: r.application_id == null ? null : Number(r.application_id), submittedAt: (r.submitted_at as string | null) ?? null,
    confirmedDate: (r.confirmed_date as string | null) ?? null, returnReason: (r.return_reason as string | null) ?? null, createdAt: String(r.created_at),
  };
}

const submissions = (db: Db) =>
  db('online_submissions as s').join('agencies as a', 'a.id', 's.agency_id').select('s.*', 'a.name as agency_name', 'a.code as agency_code', 'a.online_delivery_on');

export async function insertSubmission(trx: Knex.Transaction, s: {
  publicId: string; agencyId: number; email: string; applicant: Applicant; request: RequestDetails; codeHash: string; codeExpiresAt: string; ip: string | null; now: string;
}): Promise<number> {
  const [row] = await trx('online_submissions').insert({
    public_id: s.publicId, agency_id: s.agencyId, state: 'pending_email', email: s.email, applicant: JSON.stringify(s.applicant),
    request: JSON.stringify(s.request), code_hash: s.codeHash, code_expires_at: s.codeExpiresAt, code_sent_at: s.now, code_attempts: 0, ip: s.ip, created_at: s.now,
  }).returning('id');
  return insertedId(row);
}

export async function insertSubmissionFile(trx: Knex.Transaction, f: { submissionId: number; filename: string; mime: string; size: number; sha256: string; now: string }): Promise<void> {
  await trx('online_submission_files').insert({ submission_id: f.submissionId, filename: f.filename, mime: f.mime, size: f.size, sha256: f.sha256, created_at: f.now });
}

export async function submissionFiles(db: Db, submissionId: number): Promise<{ filename: string; mime: string; bytes: Buffer }[]> {
  const rows = await db('online_submission_files as f').join('attachment_contents as c', 'c.sha256', 'f.sha256')
    .where('f.submission_id', submissionId).orderBy('f.id').select('f.filename', 'f.mime', 'c.bytes');
  return rows.map((r) => ({ filename: String(r.filename), mime: String(r.mime), bytes: Buffer.from(r.bytes as Buffer) }));
}

export async function countSubmissionFiles(db: Db, submissionId: number): Promise<number> {
  const r = await db('online_submission_files').where({ submission_id: submissionId }).count({ n: '*' }).first();
  return Number(r?.n ?? 0);
}

export async function findSubmissionByPublicId(db: Db, publicId: string): Promise<SubmissionRow | null> {
  const r = await submissions(db).where('s.public_id', publicId).first();
  return r ? toRow(r) : null;
}

export async function findSubmissionById(db: Db, id: number): Promise<SubmissionRow | null> {
  const r = await submissions(db).where('s.id', id).first();
  return r ? toRow(r) : null;
}

export async function findSubmissionByTrackingNumber(db: Db, trackingNumber: string): Promise<SubmissionRow | null> {
  const r = await submissions(db).where('s.tracking_number', trackingNumber).first();
  return r ? toRow(r) : null;
}

export async function findSubmissionByApplication(db: Db, applicationId: number): Promise<SubmissionRow | null> {
  const r = await submissions(db).where('s.application_id', applicationId).first();
  return r ? toRow(r) : null;
}

export async function listAwaiting(db: Db, agencyIds: number[]): Promise<SubmissionRow[]> {
  if (!agencyIds.length) return [];
  return (await submissions(db).whereIn('s.agency_id', agencyIds).where('s.state', 'awaiting_confirmation').orderBy('s.submitted_at')).map(toRow);
}

/** One more wrong code; the count after it. */
export async function addCodeAttempt(db: Db, id: number): Promise<void> {
  await db('online_submissions').where({ id }).increment('code_attempts', 1);
}

/**
 * A new code replaces the one mailed before (which stops working), unless one was mailed after
 * `sentBefore`: false then (a resend too soon, or another request's resend won).
 */
export async function replaceCode(trx: Knex.Transaction, id: number, c: { codeHash: string; codeExpiresAt: string; now: string; sentBefore: string }): Promise<boolean> {
  const n = await trx('online_submissions').where({ id, state: 'pending_email' }).where((w) => w.whereNull('code_sent_at').orWhere('code_sent_at', '<=', c.sentBefore))
    .update({ code_hash: c.codeHash, code_expires_at: c.codeExpiresAt, code_sent_at: c.now });
  return n === 1;
}

/** pending_email → awaiting_confirmation, once (false when another request did it first). */
export async function markEmailConfirmed(trx: Knex.Transaction, id: number, s: { trackingNumber: string; accessHash: string; now: string }): Promise<boolean> {
  const n = await trx('online_submissions').where({ id, state: 'pending_email' })
    .update({ state: 'awaiting_confirmation', tracking_number: s.trackingNumber, access_hash: s.accessHash, submitted_at: s.now });
  return n === 1;
}

export async function markRegistered(trx: Knex.Transaction, id: number, s: { applicationId: number; date: string; by: number }): Promise<boolean> {
  const n = await trx('online_submissions').where({ id, state: 'awaiting_confirmation' })
    .update({ state: 'registered', application_id: s.applicationId, confirmed_date: s.date, confirmed_by: s.by });
  return n === 1;
}

export async function markReturned(trx: Knex.Transaction, id: number, s: { reason: string; date: string; by: number }): Promise<boolean> {
  const n = await trx('online_submissions').where({ id, state: 'awaiting_confirmation' })
    .update({ state: 'returned', return_reason: s.reason, confirmed_date: s.date, confirmed_by: s.by });
  return n === 1;
}

// --- abuse counters -----------------------------------------------------------------------------

/**
 * Counts one hit of `key` in the current window and answers the count: an upsert, so instances
 * sharing the database share the count (SQLite ≥ 3.24 and PostgreSQL both take ON CONFLICT).
 */
export async function hitCounter(db: Db, key: string, windowStart: number): Promise<number> {
  await db('public_rate_limits').insert({ key, window_start: windowStart, count: 1 })
    .onConflict(['key', 'window_start']).merge({ count: db.raw('public_rate_limits.count + 1') });
  const r = await db('public_rate_limits').where({ key, window_start: windowStart }).first('count');
  return Number(r?.count ?? 0);
}

export async function readCounter(db: Db, key: string, windowStart: number): Promise<number> {
  const r = await db('public_rate_limits').where({ key, window_start: windowStart }).first('count');
  return Number(r?.count ?? 0);
}

// --- mail outbox ----------------------------------------------------------------------------------

export interface MailRow {
  id: number;
  recipient: string;
  subject: string;
  body: string;
  /** Attempts before this one. */
  attempts: number;
  /** The signed document the mail carries: its sending is the document's delivery (the agency counts email as 送达). */
  documentId: number | null;
}

const toMail = (r: Record<string, unknown>): MailRow => ({
  id: Number(r.id), recipient: String(r.recipient), subject: String(r.subject), body: String(r.body), attempts: Number(r.attempts),
  documentId: r.document_id == null ? null : Number(r.document_id),
});

export async function enqueueMail(db: Db, m: { submissionId: number | null; recipient: string; subject: string; body: string; kind: string; now: string; documentId?: number | null }): Promise<number> {
  const [row] = await db('public_mails').insert({
    submission_id: m.submissionId, recipient: m.recipient, subject: m.subject, body: m.body, kind: m.kind, created_at: m.now, attempts: 0,
    document_id: m.documentId ?? null, next_attempt_at: m.now,
  }).returning('id');
  return insertedId(row);
}

/**
 * Claims the mails due at `now` for a lease (another instance may be sending too): unsent, tries
 * left, due (next_attempt_at passed) and not claimed by a worker whose lease still holds. The claim
 * counts the attempt, so a worker that dies mid-send still uses one up. Answers the claimed rows,
 * `attempts` as before this attempt.
 */
export async function claimDueMails(db: Db, token: string, now: string, until: string, maxAttempts: number, limit: number): Promise<MailRow[]> {
  const claimable = (q: Knex.QueryBuilder) => q.whereNull('sent_at').where('attempts', '<', maxAttempts)
    .where((w) => w.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', now))
    .where((w) => w.whereNull('claimed_until').orWhere('claimed_until', '<', now));
  const due = skipLockedRows(db, claimable(db('public_mails')).select('id').orderBy('id').limit(limit));
  await claimable(db('public_mails')).whereIn('id', due).update({ claim_token: token, claimed_until: until, attempts: db.raw('attempts + 1') });
  return (await db('public_mails').where({ claim_token: token }).whereNull('sent_at').orderBy('id')).map((r) => ({ ...toMail(r), attempts: Number(r.attempts) - 1 }));
}

/** Sent: written only while this worker's claim holds (false: the lease lapsed and another took it). */
export async function markMailSent(db: Db, id: number, token: string, now: string): Promise<boolean> {
  return (await db('public_mails').where({ id, claim_token: token }).whereNull('sent_at')
    .update({ sent_at: now, last_error: null, claim_token: null, claimed_until: null })) === 1;
}

/** Failed: tried again from `nextAttemptAt` (null: no tries left). */
export async function markMailFailed(db: Db, id: number, token: string, f: { error: string; nextAttemptAt: string | null }): Promise<void> {
  await db('public_mails').where({ id, claim_token: token }).whereNull('sent_at')
    .update({ last_error: f.error.slice(0, 1000), next_attempt_at: f.nextAttemptAt, claim_token: null, claimed_until: null });
}

/** The reply issued last on a case (the one an ISSUE_REPLY or REPLY_ON_THE_SPOT mail tells of). */
export async function issuedReplyId(db: Db, applicationId: number): Promise<number | null> {
  const r = await db('documents').where({ application_id: applicationId, kind: 'reply', status: 'issued' }).orderBy('id', 'desc').first('id');
  return r ? Number(r.id) : null;
}
