// Page geometry of an official document (公文) per GB/T 9704-2012 «党政机关公文格式».
// All lengths are PDF points (1/72 in); positions are measured from the top-left corner of the
// page, the way pdfkit draws and the way `pdftoppm -r 72` numbers pixels.

/** Points per millimetre. */
export const MM = 72 / 25.4;

/** GB/T 9704-2012 §5.1: A4 paper (210 × 297 mm). pdfkit's A4 size, rounded the same way. */
export const PAGE_WIDTH = 595.28;
export const PAGE_HEIGHT = 841.89;

/** §5.2.1: 天头 (top margin) 37 mm, 订口 (left margin) 28 mm, 版心 (text block) 156 × 225 mm. */
export const BLOCK_TOP = 37 * MM;
export const BLOCK_LEFT = 28 * MM;
export const BLOCK_WIDTH = 156 * MM;
export const BLOCK_HEIGHT = 225 * MM;
export const BLOCK_RIGHT = BLOCK_LEFT + BLOCK_WIDTH;
export const BLOCK_BOTTOM = BLOCK_TOP + BLOCK_HEIGHT;

/** §5.2.2: 22 lines of 28 characters on every page. */
export const CHARS_PER_LINE = 28;
export const LINES_PER_PAGE = 22;

/**
 * One character cell: 156 mm / 28 ≈ 15.79 pt. The body face (3号, nominally 16 pt) is set at
 * exactly this size so that a full-width ideograph (advance 1 em) fills one cell and 28 fill a line.
 */
export const CELL = BLOCK_WIDTH / CHARS_PER_LINE;
export const BODY_SIZE = CELL;

/** Line pitch: 225 mm / 22 ≈ 28.99 pt. */
export const PITCH = BLOCK_HEIGHT / LINES_PER_PAGE;

/** §7.3.1: title in 2号 (22 pt) 小标宋-style; §7.5: page numbers in 4号 (14 pt). */
export const TITLE_SIZE = 22;
export const PAGE_NUMBER_SIZE = 14;

/**
 * Top of the ideographic em box above the baseline, as a fraction of the font size: Noto Serif SC's
 * OS/2 typoAscender is 880 of 1000 units (em box −120…880). Each line's em box top sits on its grid
 * line, so the first line starts exactly at the 37 mm top margin.
 */
export const EM_ASCENT = 0.88;

/** Top edge of grid line `line` (0…21) on a page. */
export function lineTop(line: number): number {
  return BLOCK_TOP + line * PITCH;
}

/** Baseline for text of `size` whose em box top sits on grid line `line`. */
export function baselineOf(line: number, size: number): number {
  return lineTop(line) + EM_ASCENT * size;
}
