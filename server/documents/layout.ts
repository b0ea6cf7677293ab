// Page layout of an official document per GB/T 9704-2012 «党政机关公文格式», and the PDF
// rendering pipeline (pdfkit → signature placeholder → PKCS#7 signature).
//
// The layout is computed first as plain data (layoutDocument) so that tests and callers can check
// where things are; painting it is then mechanical (paint.ts, seal.ts).
import { pdfkitAddPlaceholder } from '@signpdf/placeholder-pdfkit';
import { SignPdf } from '@signpdf/signpdf';
import { SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import type { DocumentContent, SealSpec } from './document-content.js';
import {
  BLOCK_BOTTOM,
  BLOCK_LEFT,
  BLOCK_RIGHT,
  BLOCK_WIDTH,
  BODY_SIZE,
  CELL,
  EM_ASCENT,
  LINES_PER_PAGE,
  MM,
  PAGE_NUMBER_SIZE,
  TITLE_SIZE,
  baselineOf,
  lineTop,
} from './page-geometry.js';
import { formatChineseDate } from '../../workflows/dates.js';
import { missingCharacters, printableInEveryWeight, textWidth, warmUpFonts, type FontWeight, type MissingCharacter } from './fonts.js';
import { breakBalanced, breakParagraph, spacingFor, type TypesetLine } from './typeset.js';
import { paintDraftWatermark, paintPage } from './paint.js';
import { openPdf } from './pdf-writer.js';
import { drawSeal, sealBox } from './seal.js';
import type { DocumentSigner } from './signer.js';

/** One line of text placed on a page. Coordinates in points from the page's top-left corner. */
export interface PlacedText {
  text: string;
  x: number;
  /** Baseline y. */
  baseline: number;
  /** Top of the em box (for a grid line: the grid line itself). */
  top: number;
  size: number;
  weight: FontWeight;
  /** PDF character spacing (Tc) used to justify or compress the line. */
  characterSpacing: number;
  /** Extra width of each space, points. */
  wordSpacing?: number;
  /** Rendered width, spacing included. */
  width: number;
}

/** A rectangle on one page, in points from the page's top-left corner (y grows downwards). */
export interface PageBox {
  pageIndex: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface LaidOutPage {
  index: number;
  lines: PlacedText[];
  pageNumber: PlacedText;
}

export interface SignatureBlock {
  pageIndex: number;
  /** Grid lines (0…21) of the agency name and of the date. */
  agencyLine: number;
  dateLine: number;
  agencyName: PageBox;
  date: PageBox;
  /** Grid line of the last body line on the signature page, or null if the page has none. */
  lastBodyLine: number | null;
}

export interface DocumentLayout {
  pages: LaidOutPage[];
  signature: SignatureBlock;
  draft: boolean;
  /** Text of the date as printed. */
  dateText: string;
}

type LineKind = 'title' | 'blank' | 'number' | 'addressee' | 'body';

interface FlowLine {
  kind: LineKind;
  text: string;
  /** Offset from the left edge of the text block. */
  offset: number;
  size: number;
  weight: FontWeight;
  characterSpacing: number;
  width: number;
}

const measureBody = (text: string): number => textWidth(text, BODY_SIZE);
const measureTitle = (text: string): number => textWidth(text, TITLE_SIZE, 'bold');

function flowLine(kind: LineKind, l: TypesetLine, size: number, weight: FontWeight, centred: boolean): FlowLine {
  const characterSpacing = centred ? Math.min(0, spacingFor(l, CELL)) : spacingFor(l, CELL);
  const glyphs = [...l.text].length;
  const width = l.width + characterSpacing * Math.max(0, glyphs - 1);
  const offset = centred ? (BLOCK_WIDTH - width) / 2 : l.indent;
  return { kind, text: l.text, offset, size, weight, characterSpacing, width };
}

const BLANK: FlowLine = { kind: 'blank', text: '', offset: 0, size: BODY_SIZE, weight: 'regular', characterSpacing: 0, width: 0 };

/**
 * Text as it can be printed: characters that draw nothing by definition (zero-width spaces and
 * joiners, variation selectors, soft hyphens, byte-order marks — Unicode's default-ignorable code
 * points) and control characters are removed; tabs and the other line and paragraph separators
 * become a space. Everything left must have a glyph (missingInLayout).
 */
export function printableText(s: string): string {
  return s
    .replace(/[\t\v\f\u0085\u2028\u2029]/gu, ' ')
    .replace(/[\p{Default_Ignorable_Code_Point}\p{Cc}]/gu, (c) => (c === '\n' || c === '\r' ? c : ''));
}

export function cleanParagraph(p: string): string {
  // Authors sometimes type their own indent (two ideographic spaces); the layout indents itself.
  return printableText(p).replace(/[\r\n]+/g, '').replace(/^[\s\u3000]+/u, '').replace(/\s+$/u, '');
}

/** A one-line text (title, number, agency name): printable, line breaks as spaces, trimmed. */
function cleanLine(s: string): string {
  return printableText(s).replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** The title, number, addressee and body as a sequence of grid lines (GB/T 9704-2012 §7.3). */
function flowLines(content: DocumentContent): FlowLine[] {
  const flow: FlowLine[] = [];
  // §7.3.1: title in 2号, centred, balanced over as many lines as needed.
  for (const l of breakBalanced(cleanLine(content.title), BLOCK_WIDTH, measureTitle)) {
    flow.push(flowLine('title', l, TITLE_SIZE, 'bold', true));
  }
  flow.push(BLANK);
  if (content.number) {
    const l = breakBalanced(cleanLine(content.number), BLOCK_WIDTH, measureBody);
    for (const line of l) flow.push(flowLine('number', line, BODY_SIZE, 'regular', true));
    flow.push(BLANK);
  }
  // §7.3.2: 主送机关 flush left, continuation lines also flush left.
  if (content.addressee) {
    const lines = breakParagraph(cleanParagraph(content.addressee), {
      lineWidth: BLOCK_WIDTH,
      firstIndent: 0,
      maxOverflow: CELL,
      measure: measureBody,
    });
    for (const l of lines) flow.push(flowLine('addressee', l, BODY_SIZE, 'regular', false));
  }
  // §7.3.3: 正文 paragraphs, first line indented two characters.
  for (const p of content.paragraphs) {
    const text = cleanParagraph(p);
    if (!text) continue;
    const lines = breakParagraph(text, {
      lineWidth: BLOCK_WIDTH,
      firstIndent: 2 * CELL,
      maxOverflow: CELL,
      measure: measureBody,
    });
    for (const l of lines) flow.push(flowLine('body', l, BODY_SIZE, 'regular', false));
  }
  return flow;
}

function placed(line: FlowLine, gridLine: number): PlacedText {
  return {
    text: line.text,
    x: BLOCK_LEFT + line.offset,
    baseline: baselineOf(gridLine, line.size),
    top: lineTop(gridLine),
    size: line.size,
    weight: line.weight,
    characterSpacing: line.characterSpacing,
    width: line.width,
  };
}

/**
 * GB/T 9704-2012 §7.5 页码: 4号 Arabic numerals with an em dash on either side, below the text
 * block with the dash line 7 mm under its lower edge; odd pages right-aligned and even pages
 * left-aligned, each one character in from the edge of the text block.
 * Exported for the reports and the compendium (server/reports), which print the same page numbers.
 */
export function pageNumber(index: number): PlacedText {
  const text = `— ${index + 1} —`;
  // Spaces widened to about half a character so the number reads '— 1 —', also to pdftotext.
  const wordSpacing = 3;
  const width = textWidth(text, PAGE_NUMBER_SIZE) + 2 * wordSpacing;
  const odd = (index + 1) % 2 === 1;
  const x = odd ? BLOCK_RIGHT - CELL - width : BLOCK_LEFT + CELL;
  const top = BLOCK_BOTTOM + 7 * MM;
  return {
    text,
    x,
    baseline: top + EM_ASCENT * PAGE_NUMBER_SIZE,
    top,
    size: PAGE_NUMBER_SIZE,
    weight: 'regular',
    characterSpacing: 0,
    wordSpacing,
    width,
  };
}

/**
 * Lays out a document: title, number, addressee, body, and the signature block (agency name and
 * date) at the lower right.
 *
 * Signature block (GB/T 9704-2012 §7.3.5.1, documents bearing a seal): the date is right-aligned
 * four characters in from the right edge; the agency name is centred over the date; two blank lines
 * (one if only that fits) separate them from the body so the seal, which is centred on them and
 * presses on them, starts within one line below the body. The block is never alone on a page: when
 * it does not fit under the body, the last two body lines move to the next page with it.
 */
export function layoutDocument(content: DocumentContent): DocumentLayout {
  const dateText = formatChineseDate(content.date);
  const flow = flowLines(content);
  const slots = flow.map((_, k) => k);

  const lastIndex = flow.length - 1;
  const lastSlot = slots[lastIndex]!;
  const page = Math.floor(lastSlot / LINES_PER_PAGE);
  const line = lastSlot % LINES_PER_PAGE;
  let agencySlot: number;
  if (line + 4 <= LINES_PER_PAGE - 1) {
    agencySlot = lastSlot + 3;
  } else if (line + 3 <= LINES_PER_PAGE - 1) {
    agencySlot = lastSlot + 2;
  } else {
    // Keep the last two lines of the body with the signature block on the next page.
    const onPage = line + 1;
    const moved = Math.min(2, onPage);
    const shift = (page + 1) * LINES_PER_PAGE - slots[lastIndex - moved + 1]!;
    for (let k = lastIndex - moved + 1; k <= lastIndex; k++) slots[k]! += shift;
    agencySlot = slots[lastIndex]! + 3;
  }
  const dateSlot = agencySlot + 1;
  const sigPage = Math.floor(agencySlot / LINES_PER_PAGE);
  const pageCount = sigPage + 1;

  const pages: LaidOutPage[] = [];
  for (let p = 0; p < pageCount; p++) pages.push({ index: p, lines: [], pageNumber: pageNumber(p) });
  let lastBodyLine: number | null = null;
  for (let k = 0; k < flow.length; k++) {
    const l = flow[k]!;
    const slot = slots[k]!;
    const p = Math.floor(slot / LINES_PER_PAGE);
    if (l.kind === 'blank') continue;
    if (p === sigPage) lastBodyLine = slot % LINES_PER_PAGE;
    pages[p]!.lines.push(placed(l, slot % LINES_PER_PAGE));
  }

  // Date: right edge four cells in from the right edge of the text block.
  const dateWidth = measureBody(dateText);
  const dateX = BLOCK_RIGHT - 4 * CELL - dateWidth;
  const agencyLine = agencySlot % LINES_PER_PAGE;
  const dateLine = dateSlot % LINES_PER_PAGE;
  const date = placed(
    { kind: 'body', text: dateText, offset: dateX - BLOCK_LEFT, size: BODY_SIZE, weight: 'regular', characterSpacing: 0, width: dateWidth },
    dateLine,
  );
  // Agency name: centred over the date, kept inside the text block (compressed if wider).
  const nameText = cleanLine(content.agencyName);
  const nameNatural = measureBody(nameText);
  const nameGlyphs = [...nameText].length;
  const nameSpacing = nameNatural > BLOCK_WIDTH && nameGlyphs > 1 ? (BLOCK_WIDTH - nameNatural) / (nameGlyphs - 1) : 0;
  const nameWidth = nameNatural + nameSpacing * Math.max(0, nameGlyphs - 1);
  let nameX = dateX + dateWidth / 2 - nameWidth / 2;
  nameX = Math.max(BLOCK_LEFT, Math.min(nameX, BLOCK_RIGHT - nameWidth));
  const agency = placed(
    { kind: 'body', text: nameText, offset: nameX - BLOCK_LEFT, size: BODY_SIZE, weight: 'regular', characterSpacing: nameSpacing, width: nameWidth },
    agencyLine,
  );
  pages[sigPage]!.lines.push(agency, date);

  const box = (t: PlacedText): PageBox => ({ pageIndex: sigPage, x: t.x, y: t.top, w: t.width, h: t.size });
  return {
    pages,
    signature: {
      pageIndex: sigPage,
      agencyLine,
      dateLine,
      agencyName: box(agency),
      date: box(date),
      lastBodyLine,
    },
    draft: content.draft === true,
    dateText,
  };
}

/**
 * Characters of a laid-out document that no font can draw (they would print as blanks), each once,
 * in reading order.
 */
export function missingInLayout(layout: DocumentLayout): MissingCharacter[] {
  const seen = new Set<string>();
  const out: MissingCharacter[] = [];
  for (const page of layout.pages) {
    for (const line of [...page.lines, page.pageNumber]) {
      for (const m of missingCharacters(line.text, line.weight)) {
        if (!seen.has(m.char)) {
          seen.add(m.char);
          out.push(m);
        }
      }
    }
  }
  return out;
}

/** The characters of a document that would print as blanks; empty when every one has a glyph. */
export function unprintableCharacters(content: DocumentContent): MissingCharacter[] {
  // Issue 15: laying a document out costs a millisecond or more; when every character it can print
  // has a glyph in both weights, no line of it can print a blank, and the layout is not needed.
  if (printableInEveryWeight(textsOf(content))) return [];
  return missingInLayout(layoutDocument(content));
}

/**
 * Every text a document's lines are cut from (title, number, addressee, paragraphs, agency name, date,
 * page numbers), as the layout cleans it: each line is a piece of one of them.
 */
function textsOf(content: DocumentContent): string {
  return [
    content.title, content.number ?? '', content.addressee ?? '', ...content.paragraphs, content.agencyName,
    formatChineseDate(content.date), PAGE_NUMBER_CHARACTERS,
  ].map(printableText).join('\n');
}
const PAGE_NUMBER_CHARACTERS = '— 0123456789 —';

/** A document was about to print characters that no font has. */
export class MissingGlyphsError extends Error {
  constructor(public readonly characters: MissingCharacter[]) {
    super(`no glyph for ${characters.map((c) => `${c.char} (${c.codePoint})`).join(', ')}`);
    this.name = 'MissingGlyphsError';
  }
}

export interface RenderOptions {
  /** The seal drawn over the signature block; null for none. Ignored for drafts. */
  seal: SealSpec | null;
  /** Signs the PDF (PKCS#7 detached) when given. Ignored for drafts. */
  signer: DocumentSigner | null;
  info?: { title?: string; subject?: string; keywords?: string };
  /** Signature dictionary fields; reason defaults to '政府信息公开答复'. */
  signature?: { reason?: string; location?: string; contactInfo?: string; time?: Date };
}

/** Bytes reserved for the signature when the signer does not say (enough for a short CA chain). */
const DEFAULT_SIGNATURE_LENGTH = 8192;


/**
 * Renders a document to PDF bytes: GB/T 9704 page layout, the seal over the signature block and,
 * with a signer, a PKCS#7 detached signature covering the whole file. A draft gets a '草稿'
 * watermark on every page and neither seal nor signature. Throws MissingGlyphsError when a
 * character has a glyph in no font.
 */
export async function renderDocumentPdf(content: DocumentContent, opts: RenderOptions): Promise<Buffer> {
  const layout = layoutDocument(content);
  // Never a document with a blank where a character should be (finding 15); callers check first
  // (document-service: unprintableCharacters) to refuse with the characters named.
  const missing = missingInLayout(layout);
  if (missing.length > 0) throw new MissingGlyphsError(missing);
  const draft = layout.draft;
  const writer = openPdf({
    title: opts.info?.title ?? content.title,
    author: content.agencyName,
    ...(opts.info?.subject ? { subject: opts.info.subject } : {}),
    ...(opts.info?.keywords ? { keywords: opts.info.keywords } : {}),
    date: content.date,
  });
  const doc = writer.doc;

  const seal = draft ? null : opts.seal;
  for (const page of layout.pages) {
    doc.addPage({ size: 'A4', margin: 0 });
    if (draft) paintDraftWatermark(doc);
    paintPage(doc, page);
    if (seal && page.index === layout.signature.pageIndex) drawSeal(doc, seal, sealBox(layout));
  }

  const signer = draft ? null : opts.signer;
  const signingTime = opts.signature?.time ?? new Date();
  if (signer) {
    // The signature field goes on the last page (the signature page). 3.x ends its refs itself.
    const requested = (signer as { signatureLength?: unknown }).signatureLength;
    pdfkitAddPlaceholder({
      pdf: doc,
      pdfBuffer: Buffer.alloc(0),
      reason: opts.signature?.reason ?? '政府信息公开答复',
      contactInfo: opts.signature?.contactInfo ?? '',
      name: content.agencyName,
      location: opts.signature?.location ?? '',
      signingTime,
      signatureLength: typeof requested === 'number' ? requested : DEFAULT_SIGNATURE_LENGTH,
      appName: 'DisclosureDesk', // a PDF name: no spaces
      subFilter: SUBFILTER_ETSI_CADES_DETACHED, // PAdES baseline (ETSI EN 319 142-1)
    });
  }
  const pdf = await writer.finish();
  if (!signer) return pdf;
  return new SignPdf().sign(pdf, signer, signingTime);
}

/**
 * Parses the fonts and warms the code paths with a throwaway document (~0.3 s), so the first real
 * document of a server process renders as fast as the rest (~15–20 ms). Call at start-up.
 */
export async function warmUpDocumentRenderer(): Promise<void> {
  warmUpFonts(); // the fallback too, so the first rare name character is not parsed inside a transaction
  await renderDocumentPdf(
    { title: '政府信息公开申请答复书', number: null, addressee: '申请人：', paragraphs: ['特此告知。'], agencyName: '人民政府', date: '2026-01-01' },
    { seal: { kind: 'vector', agencyName: '人民政府', purpose: '政府信息公开专用章' }, signer: null },
  );
}
