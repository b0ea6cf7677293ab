import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from '../../db/knex.js';
import { DomainError, gone, invalid, notFound } from '../errors.js';
import { insertAttachments, listAttachments, putContent, putContents, readAttachmentContent, type AttachmentContent, type AttachmentOrigin, type NewAttachment } from './attachment-store.js';

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS = 10;

export interface UploadedFile {
  originalname: string;
  mimetype: string;
  buffer: Buffer;
}

// Scans of paper applications: the content decides the type, not the name the browser sent.
const SIGNATURES: { mime: string; test: (b: Buffer) => boolean }[] = [
  { mime: 'application/pdf', test: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
  { mime: 'image/jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { mime: 'image/png', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { mime: 'image/tiff', test: (b) => ['II*\u0000', 'MM\u0000*'].includes(b.subarray(0, 4).toString('latin1')) },
];

export function checkUploads(files: UploadedFile[]): void {
  if (files.length > MAX_ATTACHMENTS) {
    throw new DomainError('invalid', 'invalid', `附件最多 ${MAX_ATTACHMENTS} 个`, { attachments: `附件最多 ${MAX_ATTACHMENTS} 个` });
  }
  for (const f of files) {
    if (f.buffer.length > MAX_ATTACHMENT_BYTES) {
      throw new DomainError('invalid', 'invalid', `附件“${f.originalname}”超过 10 MB`, { attachments: `附件“${f.originalname}”超过 10 MB` });
    }
    if (f.buffer.length === 0 || !SIGNATURES.some((s) => s.test(f.buffer))) {
      throw new DomainError('invalid', 'invalid', `附件“${f.originalname}”类型不支持，只接受 PDF、JPEG、PNG、TIFF 扫描件`, {
        attachments: `附件“${f.originalname}”类型不支持，只接受 PDF、JPEG、PNG、TIFF 扫描件`,
      });
    }
  }
}

function detectMime(b: Buffer): string {
  return SIGNATURES.find((s) => s.test(b))?.mime ?? 'application/octet-stream';
}

/**
 * Uploaded files become attachments of a case in the caller's transaction: the bytes (one row per
 * content, shared by identical files) and the attachment row commit together or not at all, so a
 * refused request leaves nothing behind and no clean-up can touch another request's files.
 */
export async function saveAttachments(
  trx: Knex.Transaction,
  a: { applicationId: number; files: UploadedFile[]; origin: AttachmentOrigin; consultationRequestId?: number | null; uploadedBy: number; now: string },
): Promise<number[]> {
  // Two statements however many files (issue 15): the bytes, then the records.
  const rows = attachmentRows(a);
  await putContents(trx, rows.contents);
  return insertAttachments(trx, rows.records);
}

/** What saveAttachments stores: the files' bytes by hash, and their records. */
export function attachmentRows(
  a: { applicationId: number; files: UploadedFile[]; origin: AttachmentOrigin; consultationRequestId?: number | null; uploadedBy: number; now: string },
): { contents: Array<{ sha256: string; bytes: Buffer; now: string }>; records: NewAttachment[] } {
  const files = a.files.map((f) => ({ f, sha256: createHash('sha256').update(f.buffer).digest('hex') }));
  return {
    contents: files.map(({ f, sha256 }) => ({ sha256, bytes: f.buffer, now: a.now })),
    records: files.map(({ f, sha256 }) => ({
      applicationId: a.applicationId,
      filename: f.originalname.slice(0, 255) || 'attachment',
      mime: detectMime(f.buffer),
      size: f.buffer.length,
      sha256,
      origin: a.origin,
      consultationRequestId: a.consultationRequestId ?? null,
      uploadedBy: a.uploadedBy,
      now: a.now,
    })),
  };
}

/** One uploaded file's bytes stored (shared by identical files) in the caller's transaction; its name, type, size and hash. */
export async function storeUploadedContent(trx: Knex.Transaction, f: UploadedFile, now: string): Promise<{ filename: string; mime: string; size: number; sha256: string }> {
  const sha256 = createHash('sha256').update(f.buffer).digest('hex');
  await putContent(trx, { sha256, bytes: f.buffer, now });
  return { filename: f.originalname.slice(0, 255) || 'attachment', mime: detectMime(f.buffer), size: f.buffer.length, sha256 };
}

export interface AttachmentDownload {
  filename: string;
  mime: string;
  bytes: Buffer;
}

/** A download: the file, 404 when there is no such attachment, 410 when its row outlived its bytes. */
export function downloadOf(content: AttachmentContent | null): AttachmentDownload {
  if (!content) throw notFound('未找到该附件');
  if (!content.bytes) {
    throw gone(`附件“${content.filename}”的内容已丢失，请联系系统管理员从备份恢复（或由承办人重新上传同一文件）`);
  }
  return { filename: content.filename, mime: content.mime, bytes: content.bytes };
}

/**
 * Hardening finding 9: the files a consultation letter carries to another agency. Unchosen, the
 * case's own materials (the application and the scans added to it), not the files that came with an
 * event (a third party's paper opinion) nor other agencies' answers. A caseworker's choice may name
 * any file of the case but an answer (422 otherwise).
 */
export async function carriedByLetter(db: Db, applicationId: number, choice: unknown): Promise<number[]> {
  const all = await listAttachments(db, applicationId);
  if (choice === undefined) return all.filter((a) => a.origin === 'filed').map((a) => a.id);
  const raw = (Array.isArray(choice) ? choice : [choice]).filter((v) => v !== '' && v !== null && v !== undefined);
  const allowed = new Set(all.filter((a) => a.origin !== 'answer').map((a) => a.id));
  const bad = raw.filter((v) => !allowed.has(Number(v)));
  if (bad.length) {
    throw invalid({ attachmentIds: `随函附送的须是本申请的材料，其他机关的答复附件不能转送（${bad.join('、')}）` });
  }
  return [...new Set(raw.map(Number))];
}

/** One attachment of a case with its bytes, for whoever the caller has checked may read it. */
export async function attachmentDownload(db: Db, applicationId: number, attachmentId: number): Promise<AttachmentDownload> {
  if (!Number.isInteger(attachmentId) || attachmentId <= 0) throw notFound('未找到该附件');
  return downloadOf(await readAttachmentContent(db, applicationId, attachmentId));
}
