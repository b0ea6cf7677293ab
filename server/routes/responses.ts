// How files and PDFs are sent: the same headers everywhere, and a missing file is a clear 410, never a crash.
import type { Response } from 'express';

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

/** An attachment's bytes (the service answers 410 when they are lost; the server carries on). */
export function sendFile(res: Response, a: { filename: string; mime: string; bytes: Buffer }, kind: 'inline' | 'attachment'): void {
  res.type(a.mime).set('Content-Disposition', contentDisposition(kind, a.filename, 'attachment')).set('Cache-Control', 'private, no-store').send(a.bytes);
}
