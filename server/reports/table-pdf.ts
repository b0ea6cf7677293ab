// Ruled tables for the reports: 4号 text wrapped inside each cell with the documents' line breaker,
// rows kept whole (a row that does not fit moves to the next page, under a repeated header row).
import { cleanParagraph, type PlacedText } from '../documents/layout.js';
import { textWidth } from '../documents/fonts.js';
import { BLOCK_BOTTOM, BLOCK_LEFT, BLOCK_TOP, BLOCK_WIDTH } from '../documents/page-geometry.js';
import type { ReportTable } from './report-pdf.js';
import { placeLine, setParagraph, type Align, type PageFlow, type Rule, type SetLine } from './flow-pdf.js';

/** 4号 (14 pt): the readable size for table text. */
export const TABLE_SIZE = 14;
/** Line pitch inside a cell. */
export const TABLE_PITCH = 20;
const PAD_X = 3.5;
const PAD_Y = 3;
const OUTER_RULE = 1;
const INNER_RULE = 0.5;
/** In a narrow cell a justified line is spread by at most an eighth of a character per glyph. */
const MAX_STRETCH = TABLE_SIZE / 8;

interface LaidCell {
  lines: SetLine[];
}

interface LaidRow {
  cells: LaidCell[];
  /** Lines of the tallest cell. */
  lineCount: number;
}

export interface LaidTable {
  /** Column widths in points (they add up to the text block width). */
  widths: number[];
  header: LaidRow;
  rows: LaidRow[];
}

/** Where each row went: tests and callers check that no row is split and the header repeats. */
export interface TablePlacement {
  /** One entry per page the table touches: the page and the top of its (repeated) header row. */
  headers: { pageIndex: number; top: number; bottom: number }[];
  /** One entry per body row; a row taller than a whole page is the only one that spans pages. */
  rows: { pageIndex: number; top: number; bottom: number; pages: number }[];
  widths: number[];
}

const rowHeight = (lines: number): number => 2 * PAD_Y + Math.max(1, lines) * TABLE_PITCH;

function cellText(text: string | undefined): string[] {
  return (text ?? '')
    .split(/\r?\n/)
    .map(cleanParagraph)
    .filter((p, i, all) => p !== '' || all.length === 1);
}

/** Closing marks stay with what precedes them, opening marks with what follows (kinsoku). */
const CLOSING = /^[，。、；：？！）」』】》〕〉］｝”’…·％‰,.;:?!)\]}%]$/u;
const OPENING = /^[（「『【《〔〈［｛“‘(\[{]$/u;

interface CellMetrics {
  /** Each paragraph as the widths of its pieces. */
  paragraphs: number[][];
  /** Width of the widest paragraph unbroken. */
  natural: number;
  /** Widest piece: a Latin run with the marks glued to it, or one character. */
  longest: number;
  /** need[k - 1]: the least inner width at which the cell takes at most k lines. */
  need: number[];
}

/**
 * A cell's paragraphs as widths of the pieces a line may break between: a Latin run, or one
 * character, with closing punctuation glued to the piece before it and opening punctuation to the
 * piece after it. Counting lines from these (estimateLines) is close to what the line breaker does
 * and fast enough to try many column widths.
 */
function measureCell(text: string | undefined, bold: boolean): CellMetrics {
  const weight = bold ? 'bold' : 'regular';
  const width = (u: string): number => (/^\s+$/u.test(u) ? textWidth(' ', TABLE_SIZE, weight) : textWidth(u, TABLE_SIZE, weight));
  const paragraphs: number[][] = [];
  let natural = 0;
  let longest = 0;
  for (const p of cellText(text)) {
    const pieces: number[] = [];
    let open = 0; // width of opening marks waiting for the next piece
    let total = 0;
    for (const u of p.match(/[\u0021-\u007E]+|\s+|./gsu) ?? []) {
      const w = width(u);
      total += w;
      if (/^\s+$/u.test(u) || (CLOSING.test(u) && pieces.length > 0 && open === 0)) {
        if (pieces.length > 0) pieces[pieces.length - 1]! += w;
      } else if (OPENING.test(u)) open += w;
      else {
        pieces.push(open + w);
        open = 0;
      }
    }
    if (open > 0) pieces.push(open);
    for (const w of pieces) longest = Math.max(longest, w);
    paragraphs.push(pieces);
    natural = Math.max(natural, total);
    if (p) longest = Math.max(longest, TABLE_SIZE); // a full-width character is the smallest unit
  }
  return { paragraphs, natural, longest, need: [] };
}

/** Horizontal padding of a cell, both sides, plus a little air for rounding. */
const CELL_PAD = 2 * PAD_X + 1;

/** Lines a cell takes at an inner width: pieces filled greedily, an over-long piece cut. */
function estimateLines(paragraphs: number[][], inner: number): number {
  let n = 0;
  for (const pieces of paragraphs) {
    let lines = 1;
    let x = 0;
    for (const w of pieces) {
      if (x > 0 && x + w > inner + 0.01) {
        lines++;
        x = 0;
      }
      if (w > inner + 0.01) {
        lines += Math.ceil(w / inner) - 1;
        x = w % inner;
      } else x += w;
    }
    n += lines;
  }
  return Math.max(1, n);
}

/** At most this many widenings of a column are tried per step (evenly spread over the range). */
const MAX_STEPS = 24;

function sample(sorted: number[]): number[] {
  if (sorted.length <= MAX_STEPS) return sorted;
  return Array.from({ length: MAX_STEPS }, (_, k) => sorted[Math.round((k * (sorted.length - 1)) / (MAX_STEPS - 1))]!);
}

/** Weight of lines saved in a cell that does not set its row's height (see columnWidths). */
const SECONDARY_GAIN = 0.3;

/** Columns are widened in steps of a quarter character (few steps, fast for big tables). */
const WIDTH_STEP = TABLE_SIZE / 4;

/** Line counts up to which `need` is searched exactly. */
const EXACT_NEEDS = 40;

/** Fills in `need`: for each line count, the least inner width (to 0.25 pt) that achieves it. */
function computeNeeds(cell: CellMetrics, minInner: number): void {
  const most = estimateLines(cell.paragraphs, minInner);
  const need = new Array<number>(most);
  need[most - 1] = minInner;
  let hi = cell.natural + 1;
  for (let k = 1; k < most; k++) {
    if (k > EXACT_NEEDS) {
      // A cell this tall sets its row's height whatever the width; an estimate will do.
      need[k - 1] = Math.max(minInner, Math.min(hi, cell.natural / k));
      hi = need[k - 1]!;
      continue;
    }
    let lo = minInner;
    let h = k === 1 ? hi : need[k - 2]!;
    while (h - lo > 0.25) {
      const mid = (lo + h) / 2;
      if (estimateLines(cell.paragraphs, mid) <= k) h = mid;
      else lo = mid;
    }
    need[k - 1] = h;
    hi = h;
  }
  cell.need = need;
}

/** Lines a cell takes at an inner width, from its precomputed needs. */
function linesAt(cell: CellMetrics, inner: number): number {
  const need = cell.need;
  for (let k = 1; k <= need.length; k++) if (need[k - 1]! <= inner + 1e-6) return k;
  return need.length;
}

/**
 * Column widths filling the text block, chosen to make the table as short as possible.
 *
 * Every column gets at least two characters (less if its text is narrower) and room for its widest
 * unbreakable piece up to six characters wide (〔2026〕; a hash or a long file number may still wrap). The rest of the
 * width goes, step by step, where it saves the most lines per point: a date column is widened until
 * the dates fit on one line if that spares a line in many rows, a column of long running text takes
 * what remains. Width nobody can use is shared out in proportion to the columns' text.
 * Given relative widths are honoured, except that no column is made narrower than its minimum.
 */
export function columnWidths(table: ReportTable, total = BLOCK_WIDTH): number[] {
  const n = table.columns.length;
  if (n === 0) return [];
  // cells[r][c]: row 0 is the header.
  const cells = [table.columns.map((h) => measureCell(h, true)), ...table.rows.map((r) => table.columns.map((_, c) => measureCell(r[c], false)))];
  const natural = table.columns.map((_, c) => Math.max(TABLE_SIZE, ...cells.map((row) => row[c]!.natural)) + CELL_PAD);
  const min = table.columns.map((_, c) => {
    const longest = Math.max(...cells.map((row) => row[c]!.longest));
    // A header of up to four characters (证据名称, 形成日期) stays on one line.
    const header = Math.min(cells[0]![c]!.natural, 4 * TABLE_SIZE + 0.5);
    return Math.min(natural[c]!, Math.max(2 * TABLE_SIZE, header, Math.min(longest, 6 * TABLE_SIZE)) + CELL_PAD);
  });
  const sumMin = min.reduce((a, b) => a + b, 0);
  if (sumMin >= total) return min.map((w) => (w / sumMin) * total);

  const given = table.widths;
  if (given && given.length === n && given.every((w) => Number.isFinite(w) && w > 0)) {
    return withMinimum(given, min, total);
  }
  const sumNatural = natural.reduce((a, b) => a + b, 0);
  if (sumNatural <= total) return natural.map((w) => w + ((total - sumNatural) * w) / sumNatural);
  // Every body cell on one line if the header may wrap: the header row takes the width left over.
  const body = table.columns.map((_, c) => Math.max(min[c]!, Math.max(TABLE_SIZE, ...cells.slice(1).map((row) => row[c]!.natural)) + CELL_PAD));
  const sumBody = body.reduce((a, b) => a + b, 0);
  if (sumBody <= total) {
    const want = body.map((w, c) => Math.max(0, natural[c]! - w));
    const sumWant = want.reduce((a, b) => a + b, 0);
    return body.map((w, c) => w + ((total - sumBody) * want[c]!) / sumWant);
  }

  for (const row of cells) row.forEach((cell, c) => computeNeeds(cell, min[c]! - CELL_PAD));
  const widths = [...min];
  const memo = new Map<string, number[]>();
  const column = (c: number, w: number): number[] => {
    const key = `${c}:${w.toFixed(3)}`;
    let col = memo.get(key);
    if (!col) {
      col = cells.map((row) => linesAt(row[c]!, w - CELL_PAD));
      if (memo.size < 20_000) memo.set(key, col);
    }
    return col;
  };
  const lines = widths.map((w, c) => column(c, w));
  let remaining = total - sumMin;
  for (;;) {
    let best: { c: number; w: number; col: number[]; efficiency: number } | null = null;
    for (let c = 0; c < n; c++) {
      // The height of each row without this column.
      const others = cells.map((_, r) => {
        let m = 0;
        for (let k = 0; k < n; k++) if (k !== c) m = Math.max(m, lines[k]![r]!);
        return m;
      });
      const now = lines[c]!;
      // Widenings (in quarter characters) at which some cell of this column loses lines.
      const steps = new Set<number>();
      cells.forEach((row, r) => {
        const need = row[c]!.need;
        for (let k = 1; k < now[r]!; k++) {
          const step = Math.ceil((need[k - 1]! + CELL_PAD - widths[c]!) / WIDTH_STEP - 1e-9) * WIDTH_STEP;
          if (step > 0 && step <= remaining + 1e-9) steps.add(step);
        }
      });
      for (const step of steps) {
        const col = column(c, widths[c]! + step);
        // Lines saved in the height of the rows, plus a smaller credit for lines saved in cells that
        // are not the tallest of their row: two columns that both make a row tall are widened one
        // after the other, and the first step alone would show no gain.
        let gain = 0;
        for (let r = 0; r < cells.length; r++) {
          const o = others[r]!;
          gain += Math.max(o, now[r]!) - Math.max(o, col[r]!) + SECONDARY_GAIN * (now[r]! - col[r]!);
        }
        if (gain <= 1e-9) continue;
        const efficiency = gain / step;
        if (!best || efficiency > best.efficiency + 1e-9) best = { c, w: widths[c]! + step, col, efficiency };
      }
    }
    if (!best) break;
    remaining -= best.w - widths[best.c]!;
    widths[best.c] = best.w;
    lines[best.c] = best.col;
  }
  // The greedy steps favour cheap widenings; a column that needed one big step to lose a line in
  // every row may have been left out. Move width from one column to another while that makes the
  // table better: shorter, and with fewer cells broken needlessly (a date in four lines beside a
  // long paragraph costs no height, but reads badly).
  const score = (ls: number[][]): number => {
    let total = 0;
    for (let r = 0; r < cells.length; r++) {
      let m = 0;
      for (let c = 0; c < n; c++) {
        m = Math.max(m, ls[c]![r]!);
        total += SECONDARY_GAIN * (ls[c]![r]! - 1);
      }
      total += m;
    }
    return total;
  };
  const better = (a: number, b: number): boolean => a < b - 1e-9;
  let current = score(lines);
  for (let round = 0; round < 200; round++) {
    let move: { widths: number[]; lines: number[][]; spent: number; score: number } | null = null;
    for (let to = 0; to < n; to++) {
      const steps = new Set<number>();
      cells.forEach((row, r) => {
        const need = row[to]!.need;
        for (let k = 1; k < lines[to]![r]!; k++) {
          const step = Math.ceil((need[k - 1]! + CELL_PAD - widths[to]!) / WIDTH_STEP - 1e-9) * WIDTH_STEP;
          if (step > 0) steps.add(step);
        }
      });
      for (const step of sample([...steps].sort((a, b) => a - b))) {
        const toCol = column(to, widths[to]! + step);
        // Paid for from the width not yet given out (-1), by one other column, or by all the
        // others in proportion to what they have above their minimum (n).
        for (let from = -1; from <= n; from++) {
          if (from === to) continue;
          let trialWidths: number[];
          if (from === -1) {
            if (step > remaining + 1e-9) continue;
            trialWidths = widths.map((w, c) => (c === to ? w + step : w));
          } else if (from < n) {
            if (widths[from]! - step < min[from]! - 1e-9) continue;
            trialWidths = widths.map((w, c) => (c === to ? w + step : c === from ? w - step : w));
          } else {
            const spare = widths.reduce((a, w, c) => a + (c === to ? 0 : w - min[c]!), 0);
            if (spare < step - 1e-9) continue;
            trialWidths = widths.map((w, c) => (c === to ? w + step : w - (step * (w - min[c]!)) / spare));
          }
          const trial = lines.map((l, c) => (c === to ? toCol : trialWidths[c] === widths[c] ? l : column(c, trialWidths[c]!)));
          const sc = score(trial);
          if (better(sc, move?.score ?? current)) move = { widths: trialWidths, lines: trial, spent: from === -1 ? step : 0, score: sc };
        }
      }
    }
    if (!move) break;
    move.widths.forEach((w, c) => (widths[c] = w));
    move.lines.forEach((l, c) => (lines[c] = l));
    remaining -= move.spent;
    current = move.score;
  }
  // Share out what is left in proportion to the text each column still has to wrap (or, when all
  // text fits, to the columns' widths).
  const want = widths.map((w, c) => Math.max(0, natural[c]! - w));
  const sumWant = want.reduce((a, b) => a + b, 0);
  const basis = sumWant > 0 ? want : widths;
  const sumBasis = basis.reduce((a, b) => a + b, 0);
  return widths.map((w, c) => w + (Math.max(0, remaining) * basis[c]!) / sumBasis);
}

/** Relative widths scaled to the total; a column under its minimum is raised and the others pay. */
function withMinimum(relative: number[], min: number[], total: number): number[] {
  const fixed = new Set<number>();
  for (;;) {
    const freeTotal = total - [...fixed].reduce((a, c) => a + min[c]!, 0);
    const freeRelative = relative.reduce((a, w, c) => a + (fixed.has(c) ? 0 : w), 0);
    const widths = relative.map((w, c) => (fixed.has(c) ? min[c]! : (w / freeRelative) * freeTotal));
    const under = widths.findIndex((w, c) => !fixed.has(c) && w < min[c]! - 1e-6);
    if (under < 0) return widths;
    fixed.add(under);
  }
}

function layRow(cells: (string | undefined)[], widths: number[], aligns: Align[], bold: boolean): LaidRow {
  const laid = widths.map((w, c) => {
    const lines: SetLine[] = [];
    for (const p of cellText(cells[c])) {
      if (p === '') continue;
      lines.push(
        ...setParagraph(p, { size: TABLE_SIZE, weight: bold ? 'bold' : 'regular', width: w - 2 * PAD_X, align: aligns[c]!, maxStretch: MAX_STRETCH }),
      );
    }
    return { lines };
  });
  return { cells: laid, lineCount: Math.max(1, ...laid.map((c) => c.lines.length)) };
}

/**
 * Breaks every cell into lines. Header cells are bold and centred; a column whose cells all fit on
 * one line (numbers, dates, short names) is centred, a column of running text is justified.
 */
export function layoutTable(table: ReportTable, total = BLOCK_WIDTH): LaidTable {
  const widths = columnWidths(table, total);
  const n = widths.length;
  const header = layRow(table.columns, widths, Array<Align>(n).fill('center'), true);
  let rows = table.rows.map((r) => layRow(r, widths, Array<Align>(n).fill('justify'), false));
  const aligns: Align[] = widths.map((_, c) => (rows.every((r) => r.cells[c]!.lines.length <= 1) ? 'center' : 'justify'));
  if (aligns.includes('center')) rows = table.rows.map((r) => layRow(r, widths, aligns, false));
  return { widths, header, rows };
}

/** Height of the header row and the first body row: what must fit where a table starts. */
export function leadHeight(laid: LaidTable): number {
  const first = laid.rows[0];
  return rowHeight(laid.header.lineCount) + (first ? rowHeight(first.lineCount) : 0);
}

/** Paints one row (or the lines [from, to) of a row) between `top` and `top + height`. */
function placeRow(row: LaidRow, widths: number[], top: number, height: number, bold: boolean, from = 0, to = Infinity): PlacedText[] {
  const out: PlacedText[] = [];
  let x = BLOCK_LEFT;
  const split = from > 0 || to < row.lineCount;
  widths.forEach((w, c) => {
    const lines = row.cells[c]!.lines.slice(from, to);
    // Cells are centred vertically in their row, except in the pieces of a row split over pages.
    const used = lines.length * TABLE_PITCH;
    const y0 = split ? top + PAD_Y : top + (height - used) / 2;
    lines.forEach((l, k) => {
      const lineTopY = y0 + k * TABLE_PITCH + (TABLE_PITCH - TABLE_SIZE) / 2;
      out.push(placeLine(l, x + PAD_X, lineTopY, TABLE_SIZE, bold ? 'bold' : 'regular'));
    });
    x += w;
  });
  return out;
}

/**
 * Places a table at the flow's cursor. Each page's part of the table is framed separately; a row
 * that does not fit under the previous one moves to the next page under a repeated header. Only a
 * row taller than a whole page is split (between its lines).
 */
export function placeTable(flow: PageFlow, laid: LaidTable): TablePlacement {
  const { widths, header } = laid;
  const headerHeight = rowHeight(header.lineCount);
  const placement: TablePlacement = { headers: [], rows: [], widths };
  if (widths.length === 0) return placement;
  const pageRoom = BLOCK_BOTTOM - BLOCK_TOP - headerHeight;

  let segmentTop = 0;
  let y = 0;
  let rowTops: number[] = [];

  const startSegment = (top: number): void => {
    segmentTop = top;
    flow.page.lines.push(...placeRow(header, widths, top, headerHeight, true));
    placement.headers.push({ pageIndex: flow.pageIndex, top, bottom: top + headerHeight });
    rowTops = [top, top + headerHeight];
    y = top + headerHeight;
  };
  const closeSegment = (): void => {
    const rules: Rule[] = flow.page.rules;
    const right = BLOCK_LEFT + widths.reduce((a, b) => a + b, 0);
    rowTops.forEach((t, k) => {
      if (k > 0 && t >= y - 1e-6) return; // the bottom edge is drawn below, as an outer rule
      rules.push({ x1: BLOCK_LEFT, y1: t, x2: right, y2: t, width: k === 0 ? OUTER_RULE : INNER_RULE });
    });
    rules.push({ x1: BLOCK_LEFT, y1: y, x2: right, y2: y, width: OUTER_RULE });
    let x = BLOCK_LEFT;
    widths.forEach((w, c) => {
      rules.push({ x1: x, y1: segmentTop, x2: x, y2: y, width: c === 0 ? OUTER_RULE : INNER_RULE });
      x += w;
    });
    rules.push({ x1: right, y1: segmentTop, x2: right, y2: y, width: OUTER_RULE });
    flow.endBlock(y);
  };
  const turnPage = (): void => {
    closeSegment();
    flow.newPage();
    startSegment(BLOCK_TOP);
  };

  // The header never stands alone at the foot of a page: it needs its first row under it (or three
  // lines of it, if the row is too tall for any page and will be split anyway).
  const first = laid.rows[0];
  const firstHeight = first ? rowHeight(first.lineCount) : 0;
  const need = headerHeight + (firstHeight <= pageRoom ? firstHeight : rowHeight(3));
  let start = flow.blockStart();
  if (start.room < need && !flow.atTop) {
    flow.newPage();
    start = flow.blockStart();
  }
  startSegment(start.top);

  for (const row of laid.rows) {
    const h = rowHeight(row.lineCount);
    if (h <= pageRoom) {
      if (y + h > BLOCK_BOTTOM + 1e-6) turnPage();
      flow.page.lines.push(...placeRow(row, widths, y, h, false));
      placement.rows.push({ pageIndex: flow.pageIndex, top: y, bottom: y + h, pages: 1 });
      y += h;
      rowTops.push(y);
      continue;
    }
    // Taller than a page: fill what is left of this page, then continue under repeated headers.
    const linesPerPage = Math.floor((pageRoom - 2 * PAD_Y) / TABLE_PITCH);
    let from = 0;
    let pages = 0;
    let firstPage = flow.pageIndex;
    let firstTop = y;
    while (from < row.lineCount) {
      let fit = Math.floor((BLOCK_BOTTOM - y - 2 * PAD_Y) / TABLE_PITCH);
      if (fit < 1) {
        turnPage();
        fit = linesPerPage;
      }
      if (pages === 0) {
        firstPage = flow.pageIndex;
        firstTop = y;
      }
      const to = Math.min(row.lineCount, from + fit);
      const h2 = rowHeight(to - from);
      flow.page.lines.push(...placeRow(row, widths, y, h2, false, from, to));
      y += h2;
      rowTops.push(y);
      pages++;
      from = to;
      if (from < row.lineCount) turnPage();
    }
    placement.rows.push({ pageIndex: firstPage, top: firstTop, bottom: y, pages });
  }
  closeSegment();
  return placement;
}
