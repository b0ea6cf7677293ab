// Issue 14, data-form information (数据形态政府信息): a request may ask for data — a data set,
// statistics, a database extract — and a reply may provide data files (CSV, XLSX) as its items, each
// listed with the rows the desk counted and its SHA-256. The mark on the request is what the dashboard
// counts; the files are stored in the database with their bytes, like every other file of a case.
import { createHash } from 'node:crypto';
import { audit } from '../audit.js';
import type { User } from '../admin/user-store.js';
import type { AppContext } from '../context.js';
import { DomainError, gone, invalid, notFound } from '../errors.js';
import { DATA_FORMS, isKey, type DataFileFormat, type DataForm } from '../../workflows/glossary.js';
import { putContent } from './attachment-store.js';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, type UploadedFile } from './attachment-files.js';
import { DataFileProblem, dataFileFormat, dataShape, type DataShape } from './data-file-rows.js';
import { insertDataFile, listDataFiles, readDataFileContent, type DataFileRow } from './data-file-store.js';
import { findApplication, updateDataForm } from './application-store.js';
import { loadVisible } from './application-service.js';

const MIME = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;

function ownCaseworker(user: User, agencyId: number, what: string): void {
  if (user.role !== 'caseworker' || user.agencyId !== agencyId) throw new DomainError('forbidden', 'forbidden', `只有本机关承办人可以${what}`);
}

/** A data-form mark as the API and forms send it: a code, or ''/null for none. */
export function dataFormOf(v: unknown, field = 'dataForm'): DataForm | null {
  if (v === undefined || v === null || v === '') return null;
  if (isKey(DATA_FORMS, v)) return v;
  throw invalid({ [field]: `数据形态应为：${Object.values(DATA_FORMS).join('、')}，或不选` });
}

/** The caseworker changes the mark later (a request found to ask for data, or not): audited. */
export async function setDataForm(ctx: AppContext, user: User, id: number, value: unknown, ip: string | null): Promise<void> {
  const dataForm = dataFormOf(value);
  const row = await loadVisible(ctx, user, id);
  ownCaseworker(user, row.agencyId, '标注数据形态申请');
  await ctx.db.transaction(async (trx) => {
    const before = (await findApplication(trx, id))!.request.dataForm ?? null;
    await updateDataForm(trx, id, dataForm);
    await audit(trx, { actor: user, action: 'application.data_form', entity: 'application', entityId: id, detail: { caseNumber: row.caseNumber, from: before, to: dataForm }, ip });
  });
}

/** Data files for the case's reply: counted and stored together, or (one refused) none of them. */
export async function addDataFiles(
  ctx: AppContext, user: User, id: number, files: UploadedFile[], title: string | undefined, ip: string | null,
): Promise<DataFileRow[]> {
  const row = await loadVisible(ctx, user, id);
  ownCaseworker(user, row.agencyId, '上传数据文件');
  if (files.length === 0) throw invalid({ dataFiles: '请选择要上传的数据文件（CSV 或 XLSX）' });
  if (files.length > MAX_ATTACHMENTS) throw invalid({ dataFiles: `数据文件一次最多 ${MAX_ATTACHMENTS} 个` });
  if (title && files.length > 1) throw invalid({ title: '一次上传多个文件时不填写名称（各以文件名为名称）' });
  const counted: { name: string; format: DataFileFormat; shape: DataShape; sha256: string; bytes: Buffer; title: string }[] = [];
  for (const f of files) {
    const name = f.originalname.slice(0, 255) || 'data';
    if (f.buffer.length > MAX_ATTACHMENT_BYTES) throw invalid({ dataFiles: `数据文件“${name}”超过 10 MB` });
    const format = dataFileFormat(name, f.buffer);
    if (!format) throw invalid({ dataFiles: `数据文件“${name}”不是 CSV 或 XLSX 文件（以 .csv 或 .xlsx 结尾）` });
    let shape;
    try {
      shape = await dataShape(format, f.buffer);
    } catch (e) {
      if (e instanceof DataFileProblem) throw invalid({ dataFiles: `数据文件“${name}”无法读取：${e.message}` });
      throw e;
    }
    const sha256 = createHash('sha256').update(f.buffer).digest('hex');
    counted.push({ name, format, shape, sha256, bytes: f.buffer, title: (title?.trim() || name.replace(/\.(csv|xlsx)$/i, '')).slice(0, 300) });
  }
  const now = new Date().toISOString();
  const ids = await ctx.db.transaction(async (trx) => {
    const out: number[] = [];
    for (const c of counted) {
      await putContent(trx, { sha256: c.sha256, bytes: c.bytes, now });
      out.push(await insertDataFile(trx, {
        applicationId: id, title: c.title, filename: c.name, format: c.format, size: c.bytes.length, rows: c.shape.rows, columns: c.shape.columns,
        sha256: c.sha256, uploadedBy: user.id, now,
      }));
    }
    await audit(trx, {
      actor: user, action: 'application.data_files', entity: 'application', entityId: id,
      detail: { caseNumber: row.caseNumber, files: counted.map((c, i) => ({ id: out[i], filename: c.name, rows: c.shape.rows, sha256: c.sha256 })) }, ip,
    });
    return out;
  });
  return (await listDataFiles(ctx.db, id)).filter((f) => ids.includes(f.id));
}

export async function dataFileDownload(ctx: AppContext, user: User, id: number, fileId: number): Promise<{ filename: string; mime: string; bytes: Buffer }> {
  await loadVisible(ctx, user, id);
  const found = await readDataFileContent(ctx.db, id, fileId);
  if (!found) throw notFound('未找到该数据文件');
  if (!found.bytes) throw gone(`数据文件“${found.row.filename}”的内容已丢失，请联系系统管理员从备份恢复`);
  return { filename: found.row.filename, mime: MIME[found.row.format], bytes: found.bytes };
}

export { listDataFiles };
