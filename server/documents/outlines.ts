// Characters drawn as vector outlines rather than text. Used for the seal and the draft watermark:
// they are pictures, not words of the document, so they must not turn up in copied or extracted
// text (pdftotext would otherwise mix the seal's characters into the signature lines).
//
// Each glyph's outline is converted once to PDF path operators in font units and cached; drawing
// it is then a transformation matrix plus the cached operators (no SVG parsing per document).
import { faceFor, fontOf, type FontkitFont, type FontWeight } from './fonts.js';

interface Outline {
  /** PDF path construction operators (m, l, c, h) in font units, y up. */
  ops: string;
  /** Advance width, font units. */
  advance: number;
  unitsPerEm: number;
  /** Centre of the ideographic em box above the baseline, font units. */
  emCentre: number;
}

interface PathCommand {
  command: string;
  args: number[];
}

const cache = new Map<string, Outline>();

/** Centre of Noto Serif SC's ideographic em box above the baseline, in font units (em box −120…880 of 1000). */
const EM_CENTRE = 380;

/** Centre of a font's ideographic em box (typographic ascender and descender of OS/2), font units. */
function emCentreOf(font: FontkitFont): number {
  const os2 = font['OS/2'];
  if (os2 && os2.typoAscender - os2.typoDescender === font.unitsPerEm) return (os2.typoAscender + os2.typoDescender) / 2;
  return (EM_CENTRE / 1000) * font.unitsPerEm;
}

const n = (v: number): string => String(Math.round(v));

/** fontkit path commands → PDF operators; TrueType quadratic segments become cubic Béziers. */
function toPdfOps(commands: PathCommand[]): string {
  const out: string[] = [];
  let x = 0;
  let y = 0;
  for (const { command, args: a } of commands) {
    switch (command) {
      case 'moveTo':
        [x, y] = [a[0]!, a[1]!];
        out.push(`${n(x)} ${n(y)} m`);
        break;
      case 'lineTo':
        [x, y] = [a[0]!, a[1]!];
        out.push(`${n(x)} ${n(y)} l`);
        break;
      case 'quadraticCurveTo': {
        const [qx, qy, ex, ey] = [a[0]!, a[1]!, a[2]!, a[3]!];
        const c1x = x + (2 / 3) * (qx - x);
        const c1y = y + (2 / 3) * (qy - y);
        const c2x = ex + (2 / 3) * (qx - ex);
        const c2y = ey + (2 / 3) * (qy - ey);
        out.push(`${n(c1x)} ${n(c1y)} ${n(c2x)} ${n(c2y)} ${n(ex)} ${n(ey)} c`);
        [x, y] = [ex, ey];
        break;
      }
      case 'bezierCurveTo':
        out.push(`${n(a[0]!)} ${n(a[1]!)} ${n(a[2]!)} ${n(a[3]!)} ${n(a[4]!)} ${n(a[5]!)} c`);
        [x, y] = [a[4]!, a[5]!];
        break;
      case 'closePath':
        out.push('h');
        break;
    }
  }
  return out.join('\n');
}

/** A character's outline, from the main font of the weight or, for a character it lacks, the fallback. */
function outline(ch: string, weight: FontWeight): Outline {
  const key = weight + ch;
  let o = cache.get(key);
  if (!o) {
    const font = fontOf(faceFor(ch, weight) ?? 'main', weight);
    const glyph = font.layout(ch).glyphs[0];
    const commands: PathCommand[] = glyph?.path.commands ?? [];
    o = { ops: toPdfOps(commands), advance: glyph?.advanceWidth ?? font.unitsPerEm, unitsPerEm: font.unitsPerEm, emCentre: emCentreOf(font) };
    cache.set(key, o);
  }
  return o;
}

export interface GlyphPlacement {
  /** Centre of the character's em box, page coordinates (points, y downwards). */
  cx: number;
  cy: number;
  /** Em size in points. */
  size: number;
  /** Clockwise rotation in degrees. */
  rotate?: number;
  /** Horizontal scale (condensed characters), 1 = normal. */
  condense?: number;
}

/** Fills one character's outline in the current fill colour (non-zero winding, as TrueType). */
export function fillGlyph(doc: PDFKit.PDFDocument, ch: string, weight: FontWeight, at: GlyphPlacement): void {
  const o = outline(ch, weight);
  if (!o.ops) return;
  const s = at.size / o.unitsPerEm;
  doc.save();
  doc.translate(at.cx, at.cy);
  if (at.rotate) doc.rotate(at.rotate);
  // Font units are y-up: flip, then put the em box centre on the origin.
  doc.transform(s * (at.condense ?? 1), 0, 0, -s, 0, 0);
  doc.translate(-o.advance / 2, -o.emCentre);
  doc.addContent(o.ops);
  doc.addContent('f');
  doc.restore();
}

/** Cached PDF path operators of a character (font units, y up), its advance and its em box centre. */
export function glyphOutline(ch: string, weight: FontWeight): { ops: string; advance: number; unitsPerEm: number; emCentre: number } {
  return outline(ch, weight);
}

/** Advance width of a character in em (1 for ideographs). */
export function glyphAdvance(ch: string, weight: FontWeight): number {
  const o = outline(ch, weight);
  return o.advance / o.unitsPerEm;
}
