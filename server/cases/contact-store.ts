import type { Knex } from 'knex';
import type { Db } from '../../db/knex.js';
import { insertedId } from '../../db/dialect.js';
import type { ContactChannel, ContactOutcome } from '../../workflows/glossary.js';

/** A contact with the applicant (沟通记录, issue 14), with its files (no bytes). */
export interface ContactRow {
  id: number;
  applicationId: number;
  date: string;
  time: string | null;
  channel: ContactChannel;
  staff: string;
  counterpart: string | null;
  summary: string;
  outcome: ContactOutcome;
  contentSha256: string;
  recordedBy: { id: number; name: string };
  recordedAt: string;
  files: { id: number; filename: string; mime: string; size: number; sha256: string }[];
}

export type NewContact = Omit<ContactRow, 'id' | 'recordedBy' | 'files'> & { recordedBy: number };

export async function insertContact(trx: Knex.Transaction, c: NewContact): Promise<number> {
  const [row] = await trx('applicant_contacts').insert({
    application_id: c.applicationId, date: c.date, time: c.time, channel: c.channel, staff: c.staff, counterpart: c.counterpart,
    summary: c.summary, outcome: c.outcome, content_sha256: c.contentSha256, recorded_by: c.recordedBy, recorded_at: c.recordedAt,
  }).returning('id');
  return insertedId(row);
}

export async function insertContactFile(
  trx: Knex.Transaction, f: { contactId: number; filename: string; mime: string; size: number; sha256: string },
): Promise<number> {
  const [row] = await trx('applicant_contact_files').insert({ contact_id: f.contactId, filename: f.filename, mime: f.mime, size: f.size, sha256: f.sha256 }).returning('id');
  return insertedId(row);
}

/** The contacts of a case, in the order they happened (then as recorded). */
export async function listContacts(db: Db, applicationId: number): Promise<ContactRow[]> {
  const rows = await db('applicant_contacts as c').join('users as u', 'u.id', 'c.recorded_by')
    .where('c.application_id', applicationId).orderBy([{ column: 'c.date' }, { column: 'c.time' }, { column: 'c.id' }])
    .select('c.*', 'u.display_name as recorder');
  const files = rows.length
    ? await db('applicant_contact_files').whereIn('contact_id', rows.map((r) => r.id)).orderBy('id').select('id', 'contact_id', 'filename', 'mime', 'size', 'sha256')
    : [];
  return rows.map((r) => ({
    id: Number(r.id), applicationId: Number(r.application_id), date: r.date, time: r.time ?? null, channel: r.channel, staff: r.staff,
    counterpart: r.counterpart ?? null, summary: r.summary, outcome: r.outcome, contentSha256: r.content_sha256,
    recordedBy: { id: Number(r.recorded_by), name: r.recorder }, recordedAt: r.recorded_at,
    files: files.filter((f) => Number(f.contact_id) === Number(r.id))
      .map((f) => ({ id: Number(f.id), filename: f.filename, mime: f.mime, size: Number(f.size), sha256: f.sha256 })),
  }));
}

/** One file of one contact of a case, with its bytes (null: lost); null when there is no such file. */
export async function readContactFile(db: Db, applicationId: number, contactId: number, fileId: number) {
  const r = await db('applicant_contact_files as f').join('applicant_contacts as c', 'c.id', 'f.contact_id')
    .leftJoin('attachment_contents as b', 'b.sha256', 'f.sha256')
    .where({ 'f.id': fileId, 'f.contact_id': contactId, 'c.application_id': applicationId })
    .first('f.filename', 'f.mime', 'b.bytes');
  if (!r) return null;
  return { filename: r.filename as string, mime: r.mime as string, bytes: r.bytes ? Buffer.from(r.bytes) : null };
}
