// How files and PDFs are sent: the same headers everywhere, and a missing file is a clear 410, never a crash.
import type { Response } from 'express';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppContext } from '../context.js';
import { gone } from '../errors.js';

/** RFC 6266/5987: an ASCII fallback plus the UTF-8 name. */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string, ascii = 'document'): string {
  return `${kind}; filename="${ascii.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function sendPdf(res: Response, pdf: Buffer, filename: string, inline: boolean): void {
  res.type('application/pdf');
  res.set('Content-Disposition', contentDisposition(inline ? 'inline' : 'attachment', filename, 'document.pdf'));
  res.set('Cache-Control', 'private, no-store');
  res.send(pdf);
}

/** An attachment's bytes; when they cannot be read the person is told so (410), and the server carries on. */
export async function sendFile(
  ctx: AppContext,
  res: Response,
  a: { filename: string; mime: string; storagePath: string },
  kind: 'inline' | 'attachment',
): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(ctx.config.dataDir, a.storagePath));
  } catch {
    throw gone(`附件“${a.filename}”的文件内容已丢失，无法下载；请联系系统管理员从备份恢复`);
  }
  res.type(a.mime).set('Content-Disposition', contentDisposition(kind, a.filename, 'attachment')).set('Cache-Control', 'private, no-store').send(bytes);
}
