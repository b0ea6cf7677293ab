// The deliveries of issued documents (送达, domain.md §2.8): the working copy the case page and the
// lists read. The record that counts is the case's history entry (`event_seq`), written in the same
import { jsonRowsFrom, parseJsonColumn } from '../../db/dialect.js';
// transaction.
import type { Knex } from 'knex';
import type { Db } from '../../db/knex.js';

export interface DeliveryRow {
  documentId: number;
  applicationId: number;
  date: string;
  method: string;
  trackingNumber: string | null;
  signedBy: string | null;
  note: string | null;
  eventSeq: number;
  recordedBy: number;
  recordedByName: string | null;
  recordedAt: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const toDelivery = (r: any): DeliveryRow => ({
  documentId: Number(r.document_id),
  applicationId: Number(r.application_id),
  date: r.date,
  method: r.method,
  trackingNumber: r.tracking_number ?? null,
  signedBy: r.signed_by ?? null,
  note: r.note ?? null,
  eventSeq: Number(r.event_seq),
  recordedBy: Number(r.recorded_by),
  recordedByName: r.recorded_by_name ?? null,
  recordedAt: r.recorded_at,
});

const query = (db: Db) =>
  db('document_deliveries as d').leftJoin('users as u', 'u.id', 'd.recorded_by').select('d.*', 'u.display_name as recorded_by_name');

export async function findDelivery(db: Db, documentId: number): Promise<DeliveryRow | null> {
  const r = await query(db).where('d.document_id', documentId).first();
  return r ? toDelivery(r) : null;
}

/** The deliveries of one case's documents, by document id. */
export async function deliveriesOf(db: Db, applicationId: number): Promise<Map<number, DeliveryRow>> {
  const rows = await query(db).where('d.application_id', applicationId);
  return new Map(rows.map((r: unknown) => [Number((r as { document_id: number }).document_id), toDelivery(r)]));
}

/** The unique document id makes a second delivery of the same document fail (a race lost: 409). */
export async function insertDelivery(trx: Knex.Transaction, d: Omit<DeliveryRow, 'recordedByName'>): Promise<void> {
  await trx('document_deliveries').insert({
    document_id: d.documentId,
    application_id: d.applicationId,
    date: d.date,
    method: d.method,
    tracking_number: d.trackingNumber,
    signed_by: d.signedBy,
    note: d.note,
    event_seq: d.eventSeq,
    recorded_by: d.recordedBy,
    recorded_at: d.recordedAt,
  });
}

export interface UnissuedNotice { documentId: number; kind: string; title: string; eventSeq: number }

/**
 * Notices drafted by a case's events but not yet issued (the clock already moved: issue 12), per
 * case. Replies (issued through sign-off) and corrections of issued documents (the original went
 * out) are not counted.
 */
/** The same, from a case's documents already loaded (listDocuments): no query. */
export function unissuedNoticesOf(documents: readonly { id: number; status: string; kind: string; title: string; eventSeq: number | null; supersedesId: number | null }[]): UnissuedNotice[] {
  return documents
    .filter((d) => d.status === 'draft' && d.kind !== 'reply' && d.eventSeq !== null && d.supersedesId === null)
    .sort((a, b) => a.id - b.id)
    .map((d) => ({ documentId: d.id, kind: d.kind, title: d.title, eventSeq: d.eventSeq! }));
}

/** The same for each row of an outer query over applications (`ap`), as a JSON column (issue 15). */
export function unissuedNoticesColumn(db: Db): Knex.Raw {
  return jsonRowsFrom(db, ['id', 'kind', 'title', 'event_seq'], `SELECT id, kind, title, event_seq FROM documents
    WHERE application_id = ap.id AND status = 'draft' AND kind <> 'reply' AND event_seq IS NOT NULL AND supersedes_id IS NULL`, 'id');
}

/** Read back unissuedNoticesColumn. */
export function unissuedNoticesOfColumn(value: unknown): UnissuedNotice[] {
  return parseJsonColumn<{ id: number; kind: string; title: string; event_seq: number }[]>(value)
    .map((r) => ({ documentId: Number(r.id), kind: r.kind, title: r.title, eventSeq: Number(r.event_seq) }));
}

export async function unissuedNotices(db: Db, applicationIds: number[]): Promise<Map<number, UnissuedNotice[]>> {
  const out = new Map<number, UnissuedNotice[]>();
  if (applicationIds.length === 0) return out;
  const rows: { id: number; application_id: number; kind: string; title: string; event_seq: number }[] = await db('documents')
    .whereIn('application_id', applicationIds)
    .where('status', 'draft')
    .whereNot('kind', 'reply')
    .whereNotNull('event_seq')
    .whereNull('supersedes_id')
    .orderBy('id')
    .select('id', 'application_id', 'kind', 'title', 'event_seq');
  for (const r of rows) {
    const id = Number(r.application_id);
    out.set(id, [...(out.get(id) ?? []), { documentId: Number(r.id), kind: r.kind, title: r.title, eventSeq: Number(r.event_seq) }]);
  }
  return out;
}

export interface UnsignedReply { documentId: number; applicationId: number; title: string }

/**
 * Replies drafted that the head of the office signs through the document itself, not through the
 * case's sign-off (ISSUE_REPLY): the reply a lapse or transfer closed its case with, and a correction
 * of an issued reply (document-actions.ts, issueDocument). Issue 13: the approver's queue.
 */
export async function unsignedReplies(db: Db, agencyIds: number[], closedStates: readonly string[]): Promise<UnsignedReply[]> {
  if (agencyIds.length === 0) return [];
  const rows: { id: number; application_id: number; title: string }[] = await db('documents as d')
    .join('applications as ap', 'ap.id', 'd.application_id')
    .whereIn('ap.agency_id', agencyIds)
    .where('d.kind', 'reply')
    .where('d.status', 'draft')
    .where((w) => w.whereIn('ap.state', [...closedStates]).orWhereNotNull('d.supersedes_id'))
    .orderBy('d.id')
    .select('d.id', 'd.application_id', 'd.title');
  return rows.map((r) => ({ documentId: Number(r.id), applicationId: Number(r.application_id), title: r.title }));
}
