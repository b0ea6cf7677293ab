// Shared page flow for the unsigned reports (证据清单, 通报) and the 案例汇编 compendium.
//
// The typography is the documents' own (server/documents): the 22-line × 28-character grid of
// GB/T 9704-2012 (page-geometry.ts), the line breaker and justification (typeset.ts), the Noto
// Serif SC weights loaded once (fonts.ts), the page numbers (layout.ts) and the painter (paint.ts).
// This module only adds what the documents do not need: a cursor that runs over several pages,
// free-height blocks (tables) between grid lines, and ruled lines.
import { pageNumber, type LaidOutPage, type PlacedText } from '../documents/layout.js';
import { textWidth, type FontWeight } from '../documents/fonts.js';
import {
  BLOCK_BOTTOM,
  BLOCK_LEFT,
  BLOCK_RIGHT,
  BLOCK_TOP,
  BLOCK_WIDTH,
  BODY_SIZE,
  CELL,
  LINES_PER_PAGE,
  PITCH,
  baselineOf,
  lineTop,
} from '../documents/page-geometry.js';
import { breakBalanced, breakParagraph, spacingFor } from '../documents/typeset.js';
import { paintPage } from '../documents/paint.js';
export { openPdf, type PdfWriter } from '../documents/pdf-writer.js';
import { formatChineseDate } from '../../workflows/dates.js';

/** A straight ruled line, points from the page's top-left corner. */
export interface Rule {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  width: number;
}

/** One page of a report or of the compendium, as plain data (painted by paintFlowPage). */
export interface FlowPage {
  lines: PlacedText[];
  rules: Rule[];
  /** The printed page number, or null for none (the cover). */
  pageNumber: PlacedText | null;
}

/** One typeset line, positioned horizontally relative to the left edge of its column. */
export interface SetLine {
  text: string;
  offset: number;
  characterSpacing: number;
  /** Rendered width, spacing included. */
  width: number;
}

export type Align = 'justify' | 'left' | 'center' | 'right';

export interface SetOptions {
  size: number;
  weight: FontWeight;
  /** Width of the column the text is set in. */
  width: number;
  /** Indent of the first line (continuation lines start at the column's edge). */
  firstIndent?: number;
  /** Indent of continuation lines (hanging indent). */
  restIndent?: number;
  align?: Align;
  /**
   * Justified lines are spread only up to this much extra space per character; a looser line (a
   * long word pushed to the next line of a narrow table cell) is left ragged instead.
   */
  maxStretch?: number;
}

const measurer = (size: number, weight: FontWeight) => (text: string) => textWidth(text, size, weight);

/**
 * Breaks a paragraph with the documents' line breaker (kinsoku rules, pulled-up closing marks) and
 * aligns it: 'justify' spreads every line but the last to the full width as the documents do.
 */
export function setParagraph(text: string, opts: SetOptions): SetLine[] {
  const firstIndent = opts.firstIndent ?? 0;
  const restIndent = opts.restIndent ?? 0;
  const align = opts.align ?? 'justify';
  const measure = measurer(opts.size, opts.weight);
  const lineWidth = opts.width - restIndent;
  const lines = breakParagraph(text, {
    lineWidth,
    firstIndent: firstIndent - restIndent,
    // A pulled-up closing mark is compressed away; in a narrow table cell that would be too tight.
    maxOverflow: lineWidth >= 8 * opts.size ? opts.size : 0,
    measure,
  });
  return lines.map((l) => {
    const spacing = spacingFor(l, opts.size);
    const loose = opts.maxStretch !== undefined && spacing > opts.maxStretch;
    const characterSpacing = align === 'justify' && !loose ? spacing : Math.min(0, spacing);
    const width = l.width + characterSpacing * Math.max(0, [...l.text].length - 1);
    const start = restIndent + l.indent;
    let offset = start;
    if (align === 'center') offset = start + (lineWidth - l.indent - width) / 2;
    else if (align === 'right') offset = opts.width - width;
    return { text: l.text, offset, characterSpacing, width };
  });
}

/** A centred title in balanced lines (GB/T 9704-2012 §7.3.1), as the documents set theirs. */
export function setBalanced(text: string, size: number, weight: FontWeight, width = BLOCK_WIDTH): SetLine[] {
  return breakBalanced(text, width, measurer(size, weight)).map((l) => {
    const characterSpacing = Math.min(0, spacingFor(l, size));
    const w = l.width + characterSpacing * Math.max(0, [...l.text].length - 1);
    return { text: l.text, offset: (width - w) / 2, characterSpacing, width: w };
  });
}

/** A single line that is never broken (compressed to fit `width` if it is wider). */
export function setSingle(text: string, size: number, weight: FontWeight, width = BLOCK_WIDTH): SetLine {
  const natural = textWidth(text, size, weight);
  const glyphs = [...text].length;
  const characterSpacing = natural > width && glyphs > 1 ? (width - natural) / (glyphs - 1) : 0;
  return { text, offset: 0, characterSpacing, width: natural + characterSpacing * Math.max(0, glyphs - 1) };
}

/** Places a set line with its em box top at `top`, `left` being the left edge of its column. */
export function placeLine(line: SetLine, left: number, top: number, size: number, weight: FontWeight): PlacedText {
  return {
    text: line.text,
    x: left + line.offset,
    baseline: top + (baselineOf(0, size) - lineTop(0)),
    top,
    size,
    weight,
    characterSpacing: line.characterSpacing,
    width: line.width,
  };
}

/** Grid line (0…21) whose top is at or below `y` (the first one if `y` is above the block). */
function gridLineAtOrBelow(y: number): number {
  return Math.max(0, Math.ceil((y - BLOCK_TOP) / PITCH - 1e-6));
}

/** Least white space between a free-height block (a table) and the text line after it. */
const GAP_AFTER_BLOCK = 0.3 * PITCH;

/**
 * A cursor over pages. Text lines sit on the grid lines of GB/T 9704 (22 per page); free-height
 * blocks start on a grid line and the text after them resumes on the next grid line below.
 */
export class PageFlow {
  readonly pages: FlowPage[] = [];
  /** Where the next thing may start on the current page (points from the page top). */
  y = BLOCK_TOP;

  get pageIndex(): number {
    return this.pages.length - 1;
  }

  get page(): FlowPage {
    if (this.pages.length === 0) this.newPage();
    return this.pages[this.pages.length - 1]!;
  }

  newPage(): FlowPage {
    const page: FlowPage = { lines: [], rules: [], pageNumber: null };
    this.pages.push(page);
    this.y = BLOCK_TOP;
    return page;
  }

  /** Is the cursor at the top of a page (nothing placed yet)? */
  get atTop(): boolean {
    return this.pages.length === 0 || this.y <= BLOCK_TOP + 1e-6;
  }

  /** The grid line the next text line would take on the current page (may be ≥ 22: no room). */
  nextGridLine(): number {
    return gridLineAtOrBelow(this.y);
  }

  /** Grid lines still free on the current page. */
  linesLeft(): number {
    if (this.pages.length === 0) return LINES_PER_PAGE;
    return Math.max(0, LINES_PER_PAGE - this.nextGridLine());
  }

  /** Starts a new page unless `n` grid lines still fit on this one (keeps blocks together). */
  keepLines(n: number): void {
    if (this.pages.length === 0 || (this.linesLeft() < n && !this.atTop)) this.newPage();
  }

  /** Places one text line on the next grid line, turning the page when it is full. */
  gridLine(line: SetLine, size: number, weight: FontWeight, left = BLOCK_LEFT): PlacedText {
    if (this.pages.length === 0 || this.nextGridLine() >= LINES_PER_PAGE) this.newPage();
    const k = this.nextGridLine();
    const placed = placeLine(line, left, lineTop(k), size, weight);
    this.page.lines.push(placed);
    this.y = lineTop(k + 1);
    return placed;
  }

  /** Several lines in a row. */
  gridLines(lines: SetLine[], size: number, weight: FontWeight): PlacedText[] {
    return lines.map((l) => this.gridLine(l, size, weight));
  }

  /** An empty grid line (none at the top of a page). */
  blankLine(): void {
    if (this.atTop) return;
    const k = this.nextGridLine();
    if (k >= LINES_PER_PAGE) return;
    this.y = lineTop(k + 1);
  }

  /** Top of the grid line where a free-height block starts, and the room below it on this page. */
  blockStart(): { top: number; room: number } {
    const k = this.nextGridLine();
    if (this.pages.length === 0 || k >= LINES_PER_PAGE) return { top: BLOCK_TOP, room: 0 };
    const top = lineTop(k);
    return { top, room: BLOCK_BOTTOM - top };
  }

  /** Marks a free-height block as ending at `bottom` on the current page. */
  endBlock(bottom: number): void {
    this.y = bottom + GAP_AFTER_BLOCK;
  }
}

/** Numbers pages in GB/T 9704 style '— N —' (odd pages right, even pages left). */
export function numberPage(page: FlowPage, printed: number): void {
  page.pageNumber = pageNumber(printed - 1);
}

const NO_NUMBER: PlacedText = { text: '', x: 0, baseline: 0, top: 0, size: BODY_SIZE, weight: 'regular', characterSpacing: 0, width: 0 };

/** Paints one flow page: its text with the documents' painter, then its rules. */
export function paintFlowPage(doc: PDFKit.PDFDocument, page: FlowPage, index: number): void {
  const laid: LaidOutPage = { index, lines: page.lines, pageNumber: page.pageNumber ?? NO_NUMBER };
  paintPage(doc, laid);
  if (page.rules.length === 0) return;
  doc.save();
  doc.strokeColor('#000000').lineCap('butt');
  for (const r of page.rules) {
    doc.lineWidth(r.width).moveTo(r.x1, r.y1).lineTo(r.x2, r.y2).stroke();
  }
  doc.restore();
}

/**
 * GB/T 9704-2012 §7.3.5.2, a document without a seal: one blank line under the text, the agency name
 * two characters in from the right edge, the date on the next line starting two characters to the
 * right of the name's first character (if the date is the longer, it is the date that sits two
 * characters in from the right edge and the name moves left with it). The two lines stay together.
 */
export function signatureBlock(flow: PageFlow, agencyName: string, isoDate: string): void {
  const dateText = formatChineseDate(isoDate);
  const name = setSingle(agencyName.trim(), BODY_SIZE, 'regular', BLOCK_WIDTH - 2 * CELL);
  const date = setSingle(dateText, BODY_SIZE, 'regular');
  let nameX = BLOCK_RIGHT - 2 * CELL - name.width;
  let dateX = nameX + 2 * CELL;
  if (dateX + date.width > BLOCK_RIGHT - 2 * CELL) {
    dateX = BLOCK_RIGHT - 2 * CELL - date.width;
    nameX = Math.max(BLOCK_LEFT, dateX - 2 * CELL);
  }
  if (flow.linesLeft() < 3) flow.newPage();
  else flow.blankLine();
  flow.gridLine({ ...name, offset: nameX - BLOCK_LEFT }, BODY_SIZE, 'regular');
  flow.gridLine({ ...date, offset: dateX - BLOCK_LEFT }, BODY_SIZE, 'regular');
}
