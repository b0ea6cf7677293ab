// The one place a pdfkit document is opened, for the signed documents and the unsigned reports alike.
import { deflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import { formatChineseDate } from '../../workflows/dates.js';
import { registerDocumentFonts } from './paint.js';
import { deflateFontFile } from './font-subset.js';
import { PRODUCT_NAME } from '../../workflows/terms.js';

export interface PdfWriter {
  doc: PDFKit.PDFDocument;
  finish(): Promise<Buffer>;
}

/**
 * A pdfkit document as every PDF of the project is set up (A4, no margins, no default Helvetica —
 * pdfkit would parse its AFM metrics for every document, unused — both Noto Serif SC weights registered for subset embedding, metadata dated 00:00 China
 * Standard Time on the report's date so the same input gives the same bytes).
 */
export function openPdf(info: { title: string; author: string; subject?: string; keywords?: string; date: string }): PdfWriter {
  formatChineseDate(info.date); // throws on anything but a real YYYY-MM-DD date
  // 00:00 China Standard Time on the document's date: deterministic PDF dates and file ID.
  const created = new Date(`${info.date}T00:00:00+08:00`);
  const doc = new PDFDocument({
    font: null as unknown as string,
    size: 'A4',
    margin: 0,
    autoFirstPage: false,
    compress: true,
    pdfVersion: '1.7',
    lang: 'zh-CN',
    displayTitle: true,
    info: {
      Title: info.title,
      Author: info.author,
      ...(info.subject ? { Subject: info.subject } : {}),
      ...(info.keywords ? { Keywords: info.keywords } : {}),
      Producer: 'Disclosure Desk',
      Creator: PRODUCT_NAME,
      CreationDate: created,
      ModDate: created,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  registerDocumentFonts(doc);
  flateAtLevel(doc, FLATE_LEVEL);
  return {
    doc,
    async finish() {
      doc.end();
      await finished;
      return Buffer.concat(chunks);
    },
  };
}

/**
 * The Flate level of the streams pdfkit compresses (pdfkit itself always uses zlib's default, 6).
 * Issue 15: deflating a document's embedded font subsets (~30–50 KB of glyph outlines for a receipt)
 * was the biggest single cost of rendering one. Measured with `npm run bench:pdf` (one-page reply, 300
 * documents, 2 shared CPUs): median 2.8 ms at level 6, 2.5 ms at level 1; file 58.9 KB against 59.8 KB.
 * The font subsets themselves are now deflated in reusable runs of glyphs (font-subset.ts).
 */
const FLATE_LEVEL = 1;

/** The part of a pdfkit reference (PDFReference) this file uses. */
interface PdfkitRef { compress: boolean; buffer: Uint8Array[]; finalize(): void }

/**
 * Makes the document compress its streams at `level`: each reference's bytes are deflated here, and
 * pdfkit then finalizes it as uncompressed (the FlateDecode filter it has already named stays).
 */
function flateAtLevel(doc: PDFKit.PDFDocument, level: number): void {
  const ref = (doc as unknown as { ref(data?: object): PdfkitRef }).ref.bind(doc);
  (doc as unknown as { ref(data?: object): PdfkitRef }).ref = (data?: object) => {
    const r = ref(data);
    const finalize = r.finalize.bind(r);
    r.finalize = () => {
      if (r.compress && r.buffer.length) {
        // A font subset (one chunk, as pdfkit writes it) is deflated in cached runs of glyphs.
        const font = r.buffer.length === 1 ? deflateFontFile(r.buffer[0]!, level) : null;
        r.buffer = [font ?? deflateSync(Buffer.concat(r.buffer), { level })];
        r.compress = false;
      }
      finalize();
    };
    return r;
  };
}
