import { createHash } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../errors.js';

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS = 10;

export interface UploadedFile {
  originalname: string;
  mimetype: string;
  buffer: Buffer;
}

export interface StoredFile {
  filename: string;
  mime: string;
  size: number;
  sha256: string;
  storagePath: string; // relative to DATA_DIR
  created: boolean; // false when identical content was already stored
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

/** Content-addressed under DATA_DIR/attachments; written before the database transaction. */
export async function storeFiles(dataDir: string, files: UploadedFile[]): Promise<StoredFile[]> {
  const out: StoredFile[] = [];
  for (const f of files) {
    const sha256 = createHash('sha256').update(f.buffer).digest('hex');
    const rel = join('attachments', sha256.slice(0, 2), sha256);
    const abs = join(dataDir, rel);
    await mkdir(join(dataDir, 'attachments', sha256.slice(0, 2)), { recursive: true });
    let created = false;
    try {
      const tmp = `${abs}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(tmp, f.buffer, { flag: 'wx' });
      await rename(tmp, abs);
      created = true;
    } catch (e) {
      throw new DomainError('internal', 'storage', '附件保存失败，请稍后重试');
    }
    out.push({
      filename: f.originalname.slice(0, 255) || 'attachment',
      mime: detectMime(f.buffer),
      size: f.buffer.length,
      sha256,
      storagePath: rel,
      created,
    });
  }
  return out;
}

export async function removeFile(dataDir: string, storagePath: string): Promise<void> {
  await rm(join(dataDir, storagePath), { force: true });
}
