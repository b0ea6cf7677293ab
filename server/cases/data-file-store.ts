import type { Knex } from 'knex';
import type { Db } from '../../db/knex.js';
import { insertedId } from '../../db/dialect.js';
import type { DataFileFormat } from '../../workflows/glossary.js';

/** A data file of a case (issue 14): what a reply can provide as a data-form item. */
export interface DataFileRow {
  id: number;
  applicationId: number;
  title: string;
  filename: string;
  format: DataFileFormat;
  size: number;
  rows: number;
  columns: number;
  sha256: string;
  createdAt: string;
}

const COLUMNS = ['id', 'application_id', 'title', 'filename', 'format', 'size', 'rows', 'columns', 'sha256', 'created_at'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toDataFile(r: any): DataFileRow {
  return {
    id: Number(r.id), applicationId: Number(r.application_id), title: r.title, filename: r.filename, format: r.format,
    size: Number(r.size), rows: Number(r.rows), columns: Number(r.columns), sha256: r.sha256, createdAt: r.created_at,
  };
}

export async function insertDataFile(
  trx: Knex.Transaction,
  f: Omit<DataFileRow, 'id' | 'createdAt'> & { uploadedBy: number; now: string },
): Promise<number> {
  const [row] = await trx('data_files').insert({
    application_id: f.applicationId, title: f.title, filename: f.filename, format: f.format, size: f.size, rows: f.rows, columns: f.columns,
    sha256: f.sha256, uploaded_by: f.uploadedBy, created_at: f.now,
  }).returning('id');
  return insertedId(row);
}

export async function listDataFiles(db: Db, applicationId: number): Promise<DataFileRow[]> {
  return (await db('data_files').where({ application_id: applicationId }).orderBy('id').select(COLUMNS)).map(toDataFile);
}

/** One data file of a case with its bytes (null bytes: lost, as an attachment's can be). */
export async function readDataFileContent(db: Db, applicationId: number, fileId: number): Promise<{ row: DataFileRow; bytes: Buffer | null } | null> {
  const r = await db('data_files as f').leftJoin('attachment_contents as c', 'c.sha256', 'f.sha256')
    .where({ 'f.id': fileId, 'f.application_id': applicationId })
    .first(...COLUMNS.map((c) => `f.${c}`), 'c.bytes');
  if (!r) return null;
  return { row: toDataFile(r), bytes: r.bytes ? Buffer.from(r.bytes) : null };
}
