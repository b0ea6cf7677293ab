import type { Knex } from 'knex';
import type { Db } from '../../db/knex.js';
import { insertedId } from '../../db/dialect.js';

/** Where an attachment came from: the case's own materials, a file sent with an event, an agency's answer. */
/** filed with the application; came with an event; a consulted party's answer; correction material the applicant uploaded online (issue 16). */
export type AttachmentOrigin = 'filed' | 'event' | 'answer' | 'correction';

export interface AttachmentRow {
  id: number;
  applicationId: number;
  filename: string;
  mime: string;
  size: number;
  sha256: string;
  origin: AttachmentOrigin;
  consultationRequestId: number | null;
  createdAt: string;
}

export interface AttachmentContent {
  filename: string;
  mime: string;
  /** Null when the bytes are lost (a file missing when moved into the database). */
  bytes: Buffer | null;
}

// Every column but the bytes (they live in attachment_contents, read only for a download).
export const ATTACHMENT_COLUMNS = ['id', 'application_id', 'filename', 'mime', 'size', 'sha256', 'origin', 'consultation_request_id', 'created_at'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function toAttachment(r: any): AttachmentRow {
  return {
    id: Number(r.id),
    applicationId: Number(r.application_id),
    filename: r.filename,
    mime: r.mime,
    size: Number(r.size),
    sha256: r.sha256,
    origin: r.origin,
    consultationRequestId: r.consultation_request_id === null || r.consultation_request_id === undefined ? null : Number(r.consultation_request_id),
    createdAt: r.created_at,
  };
}

/**
 * The bytes of one content, in the caller's transaction. Two transactions storing the same content
 * meet on the primary key: the second waits for the first and then keeps its row (or, if the first
 * rolled back, writes its own), so neither can lose the other's bytes. A content whose bytes were
 * lost gets them back from an identical upload.
 */
export async function putContent(trx: Knex.Transaction, c: { sha256: string; bytes: Buffer; now: string }): Promise<void> {
  await putContents(trx, [c]);
}

/** Several files' bytes in one statement (each hash once: one statement may not touch a row twice). */
export async function putContents(trx: Knex.Transaction, cs: Array<{ sha256: string; bytes: Buffer; now: string }>): Promise<void> {
  const q = contentsInsert(trx, cs);
  if (q) await q;
}

/** The insert of files' bytes (shared by identical files; lost bytes restored), not yet run; null for none. */
export function contentsInsert(trx: Db, cs: Array<{ sha256: string; bytes: Buffer; now: string }>): Knex.QueryBuilder | null {
  const unique = [...new Map(cs.map((c) => [c.sha256, c])).values()];
  if (!unique.length) return null;
  return trx('attachment_contents')
    .insert(unique.map((c) => ({ sha256: c.sha256, size: c.bytes.length, bytes: c.bytes, created_at: c.now })))
    .onConflict('sha256')
    .merge(['bytes', 'size'])
    .whereNull('attachment_contents.bytes');
}

export interface NewAttachment {
  applicationId: number; filename: string; mime: string; size: number; sha256: string; origin: AttachmentOrigin;
  consultationRequestId?: number | null; uploadedBy: number; now: string;
}

export async function insertAttachment(trx: Knex.Transaction, a: NewAttachment): Promise<number> {
  return (await insertAttachments(trx, [a]))[0]!;
}

/** Several attachments' records in one statement; their ids in the order given (ids rise with insertion). */
export async function insertAttachments(trx: Knex.Transaction, as: NewAttachment[]): Promise<number[]> {
  if (!as.length) return [];
  const rows = await attachmentsInsert(trx, as);
  return rows.map(insertedId).sort((x: number, y: number) => x - y);
}

/** The insert of attachments' records (returning their ids), not yet run. */
export function attachmentsInsert(trx: Db, as: NewAttachment[]): Knex.QueryBuilder {
  return trx('attachments')
    .insert(as.map((a) => ({
      application_id: a.applicationId,
      filename: a.filename,
      mime: a.mime,
      size: a.size,
      sha256: a.sha256,
      origin: a.origin,
      consultation_request_id: a.consultationRequestId ?? null,
      uploaded_by: a.uploadedBy,
      created_at: a.now,
    })))
    .returning('id');
}

export async function listAttachments(db: Db, applicationId: number): Promise<AttachmentRow[]> {
  return (await db('attachments').where({ application_id: applicationId }).orderBy('id').select(ATTACHMENT_COLUMNS)).map(toAttachment);
}

/** One attachment of a case with its bytes; null when the case has no such attachment. */
export async function readAttachmentContent(db: Db, applicationId: number, attachmentId: number): Promise<AttachmentContent | null> {
  const r = await db('attachments as a')
    .leftJoin('attachment_contents as c', 'c.sha256', 'a.sha256')
    .where({ 'a.id': attachmentId, 'a.application_id': applicationId })
    .first('a.filename', 'a.mime', 'c.bytes');
  if (!r) return null;
  return { filename: r.filename, mime: r.mime, bytes: r.bytes ? Buffer.from(r.bytes) : null };
}

/** 转办: the receiving case gets the same files (rows pointing at the same contents, no copy of the bytes). */
export async function copyAttachments(trx: Knex.Transaction, fromApplicationId: number, toApplicationId: number, now: string): Promise<number> {
  const rows = await trx('attachments').where({ application_id: fromApplicationId }).orderBy('id');
  for (const f of rows) {
    await trx('attachments').insert({
      application_id: toApplicationId, filename: f.filename, mime: f.mime, size: f.size, sha256: f.sha256, origin: f.origin,
      uploaded_by: f.uploaded_by, created_at: now,
    });
  }
  return rows.length;
}
