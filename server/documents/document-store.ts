import type { Knex } from 'knex';
import type { Db } from '../../db/knex.js';
import { insertedId, jsonRowsFrom } from '../../db/dialect.js';
import { toDelivery, type DeliveryRow } from './delivery-store.js';

export type DocumentStatus = 'draft' | 'issued' | 'superseded' | 'discarded';

export interface DocumentRow {
  id: number;
  applicationId: number;
  agencyId: number;
  kind: string;
  variant: string | null;
  status: DocumentStatus;
  title: string;
  body: string;
  data: Record<string, unknown>;
  templateName: string;
  templateVersion: number;
  eventSeq: number | null;
  consultationId: string | null;
  targetDocumentId: number | null;
  supersedesId: number | null;
  supersedeReason: string | null;
  family: string | null;
  year: number | null;
  seq: number | null;
  number: string | null;
  issuedDate: string | null;
  issuedBy: number | null;
  sha256: string | null;
  createdBy: number;
  createdAt: string;
  updatedAt: string;
}

/** Every column of a document but its PDF bytes (read on their own, readPdf): lists never load them. */
export const DOCUMENT_COLUMNS = [
  'id', 'application_id', 'agency_id', 'kind', 'variant', 'status', 'title', 'body', 'data', 'template_name', 'template_version',
  'event_seq', 'consultation_id', 'target_document_id', 'supersedes_id', 'supersede_reason', 'family', 'year', 'seq', 'number',
  'issued_date', 'issued_by', 'sha256', 'created_by', 'created_at', 'updated_at',
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toDocument(r: any): DocumentRow {
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(r.id),
    applicationId: Number(r.application_id),
    agencyId: Number(r.agency_id),
    kind: r.kind,
    variant: r.variant,
    status: r.status,
    title: r.title,
    body: r.body,
    data: JSON.parse(r.data),
    templateName: r.template_name,
    templateVersion: Number(r.template_version),
    eventSeq: n(r.event_seq),
    consultationId: r.consultation_id,
    targetDocumentId: n(r.target_document_id),
    supersedesId: n(r.supersedes_id),
    supersedeReason: r.supersede_reason,
    family: r.family,
    year: n(r.year),
    seq: n(r.seq),
    number: r.number,
    issuedDate: r.issued_date,
    issuedBy: n(r.issued_by),
    sha256: r.sha256,
    createdBy: Number(r.created_by),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function findDocument(db: Db, id: number): Promise<DocumentRow | null> {
  const r = await db('documents').where({ id }).first(DOCUMENT_COLUMNS);
  return r ? toDocument(r) : null;
}

export async function listDocuments(db: Db, applicationId: number): Promise<DocumentRow[]> {
  return (await db('documents').where({ application_id: applicationId }).whereNot('status', 'discarded').orderBy('id').select(DOCUMENT_COLUMNS)).map(toDocument);
}

const DELIVERY_FIELDS = ['document_id', 'application_id', 'date', 'method', 'tracking_number', 'signed_by', 'note', 'event_seq', 'recorded_by', 'recorded_at'];

/**
 * A case's documents (as listDocuments) with each one's delivery (送达, as deliveriesOf), in one query:
 * the case page reads both on every view (issue 15).
 */
export async function listDocumentsWithDeliveries(db: Db, applicationId: number): Promise<DocumentsWithDeliveries> {
  const rows = await db('documents as doc')
    .leftJoin('document_deliveries as d', 'd.document_id', 'doc.id')
    .leftJoin('users as u', 'u.id', 'd.recorded_by')
    .where('doc.application_id', applicationId)
    .whereNot('doc.status', 'discarded')
    .orderBy('doc.id')
    .select(WITH_DELIVERY_COLUMNS);
  return documentsWithDeliveries(rows);
}

export interface DocumentsWithDeliveries { documents: DocumentRow[]; deliveries: Map<number, DeliveryRow> }

const WITH_DELIVERY_COLUMNS = [...DOCUMENT_COLUMNS.map((c) => `doc.${c}`), ...DELIVERY_FIELDS.map((c) => `d.${c} as dl_${c}`), 'u.display_name as dl_recorded_by_name'];

/**
 * The same, as a JSON column of an outer query over applications (`ap`): the case page reads the case,
 * its history and its documents in one query (issue 15). Read with documentsWithDeliveries.
 */
export function documentsWithDeliveriesColumn(db: Db): Knex.Raw {
  const names = [...DOCUMENT_COLUMNS, ...DELIVERY_FIELDS.map((c) => `dl_${c}`), 'dl_recorded_by_name'];
  return jsonRowsFrom(db, names, `SELECT ${WITH_DELIVERY_COLUMNS.join(', ')} FROM documents doc
    LEFT JOIN document_deliveries d ON d.document_id = doc.id LEFT JOIN users u ON u.id = d.recorded_by
    WHERE doc.application_id = ap.id AND doc.status <> 'discarded'`, 'id');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function documentsWithDeliveries(rows: any[]): DocumentsWithDeliveries {
  const deliveries = new Map<number, DeliveryRow>();
  for (const r of rows) {
    if (r.dl_document_id === null || r.dl_document_id === undefined) continue;
    const d: Record<string, unknown> = { recorded_by_name: r.dl_recorded_by_name };
    for (const c of DELIVERY_FIELDS) d[c] = r[`dl_${c}`];
    deliveries.set(Number(r.id), toDelivery(d));
  }
  return { documents: rows.map(toDocument), deliveries };
}

export async function findDocumentsBySha256(db: Db, sha256: string): Promise<DocumentRow[]> {
  return (await db('documents').where({ sha256 }).select(DOCUMENT_COLUMNS)).map(toDocument);
}

/** The case a document belongs to: its number and agency. */
export async function caseOfDocument(db: Db, applicationId: number): Promise<{ caseNumber: string; agencyId: number }> {
  const r = await db('applications').where({ id: applicationId }).first('case_number', 'agency_id');
  return { caseNumber: r.case_number, agencyId: Number(r.agency_id) };
}

export async function readPdf(db: Db, id: number): Promise<Buffer | null> {
  const r = await db('documents').where({ id }).first('pdf');
  return r?.pdf ? Buffer.from(r.pdf) : null;
}

export interface NewDocument {
  applicationId: number;
  agencyId: number;
  kind: string;
  variant: string | null;
  title: string;
  body: string;
  data: unknown;
  templateName: string;
  templateVersion: number;
  eventSeq: number | null;
  consultationId?: string | null;
  targetDocumentId?: number | null;
  supersedesId?: number | null;
  supersedeReason?: string | null;
  createdBy: number;
  now: string;
}

export async function insertDraft(trx: Knex.Transaction, d: NewDocument): Promise<number> {
  return (await insertDraftRow(trx, d)).id;
}

/** Inserts a draft and returns it as stored (issue 15: no second query to read it back). */
export async function insertDraftRow(trx: Knex.Transaction, d: NewDocument): Promise<DocumentRow> {
  const [row] = await trx('documents').insert({ ...newDocumentColumns(d), status: 'draft' }).returning(DOCUMENT_COLUMNS);
  return toDocument(row);
}

/**
 * A document issued as it is created, in one statement (issue 15: a registration's receipt, rendered
 * before its transaction): the columns a draft gets, and those markIssued sets. Its id.
 */
export async function insertIssuedRow(trx: Knex.Transaction, d: NewDocument, i: IssuedColumns): Promise<number> {
  const [row] = await issuedRowInsert(trx, d, i);
  return insertedId(row);
}

/** insertIssuedRow's statement, not yet run (returning the id). */
export function issuedRowInsert(trx: Db, d: NewDocument, i: IssuedColumns): Knex.QueryBuilder {
  return trx('documents').insert({ ...newDocumentColumns(d), ...issuedColumns(i) }).returning('id');
}

function newDocumentColumns(d: NewDocument) {
  return {
    application_id: d.applicationId,
    agency_id: d.agencyId,
    kind: d.kind,
    variant: d.variant,
    title: d.title,
    body: d.body,
    data: JSON.stringify(d.data),
    template_name: d.templateName,
    template_version: d.templateVersion,
    event_seq: d.eventSeq,
    consultation_id: d.consultationId ?? null,
    target_document_id: d.targetDocumentId ?? null,
    supersedes_id: d.supersedesId ?? null,
    supersede_reason: d.supersedeReason ?? null,
    created_by: d.createdBy,
    created_at: d.now,
    updated_at: d.now,
  };
}

/** What issuing sets on a document: its number, date, signer, hash and signed PDF. */
export interface IssuedColumns { family: string; year: number; seq: number; number: string; issuedDate: string; issuedBy: number; sha256: string; pdf: Buffer; now: string }

function issuedColumns(i: IssuedColumns) {
  return {
    status: 'issued', family: i.family, year: i.year, seq: i.seq, number: i.number, issued_date: i.issuedDate,
    issued_by: i.issuedBy, sha256: i.sha256, pdf: i.pdf, updated_at: i.now,
  };
}

/**
 * `replacing`: the body the caller read and means to replace; the update does nothing (false) if the
 * draft says something else by now, so an edit's audit entry names the text it really replaced.
 */
export async function updateDraft(
  db: Db,
  id: number,
  d: { title?: string; body: string; data?: unknown; variant?: string | null; templateName?: string; templateVersion?: number; eventSeq?: number | null; now: string },
  replacing?: string,
): Promise<boolean> {
  const cols: Record<string, unknown> = { body: d.body, updated_at: d.now };
  if (d.title !== undefined) cols.title = d.title;
  if (d.data !== undefined) cols.data = JSON.stringify(d.data);
  if (d.variant !== undefined) cols.variant = d.variant;
  if (d.templateName !== undefined) cols.template_name = d.templateName;
  if (d.templateVersion !== undefined) cols.template_version = d.templateVersion;
  if (d.eventSeq !== undefined) cols.event_seq = d.eventSeq;
  const q = db('documents').where({ id, status: 'draft' });
  if (replacing !== undefined) q.andWhere('body', replacing);
  return (await q.update(cols)) === 1;
}

/** Only a draft can be issued, and only once: the status check makes a second issue fail. */
export async function markIssued(trx: Knex.Transaction, id: number, i: IssuedColumns): Promise<boolean> {
  return (await trx('documents').where({ id, status: 'draft' }).update(issuedColumns(i))) === 1;
}

export async function markStatus(db: Db, id: number, from: DocumentStatus, to: DocumentStatus, now: string): Promise<boolean> {
  return (await db('documents').where({ id, status: from }).update({ status: to, updated_at: now })) === 1;
}
