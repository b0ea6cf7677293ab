// Characters drawn as vector outlines rather than text. Used for the seal and the draft watermark:
// they are pictures, not words of the document, so they must not turn up in copied or extracted
// text (pdftotext would otherwise mix the seal's characters into the signature lines).
//
// Each glyph's outline is converted once to PDF path operators in font units and cached; drawing
// it is then a transformation matrix plus the cached operators (no SVG parsing per document).
import { documentFont, type FontWeight } from './fonts.js';

interface Outline {
  /** PDF path construction operators (m, l, c, h) in font units, y up. */
  ops: string;
  /** Advance width, font units. */
  advance: number;
}

interface PathCommand {
  command: string;
  args: number[];
}

const cache = new Map<string, Outline>();

/** Centre of the ideographic em box above the baseline, in font units (em box −120…880). */
const EM_CENTRE = 380;

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

function outline(ch: string, weight: FontWeight): Outline {
  const key = weight + ch;
  let o = cache.get(key);
  if (!o) {
    const glyph = documentFont(weight).layout(ch).glyphs[0];
    const commands: PathCommand[] = glyph?.path.commands ?? [];
    o = { ops: toPdfOps(commands), advance: glyph?.advanceWidth ?? 1000 };
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
  const s = at.size / documentFont(weight).unitsPerEm;
  doc.save();
  doc.translate(at.cx, at.cy);
  if (at.rotate) doc.rotate(at.rotate);
  // Font units are y-up: flip, then put the em box centre on the origin.
  doc.transform(s * (at.condense ?? 1), 0, 0, -s, 0, 0);
  doc.translate(-o.advance / 2, -EM_CENTRE);
  doc.addContent(o.ops);
  doc.addContent('f');
  doc.restore();
}

/** Centre of the em box above the baseline, font units. */
export const EM_CENTRE_UNITS = EM_CENTRE;

/** Cached PDF path operators of a character (font units, y up) and its advance. */
export function glyphOutline(ch: string, weight: FontWeight): { ops: string; advance: number; unitsPerEm: number } {
  const o = outline(ch, weight);
  return { ops: o.ops, advance: o.advance, unitsPerEm: documentFont(weight).unitsPerEm };
}

/** Advance width of a character in em (1 for ideographs). */
export function glyphAdvance(ch: string, weight: FontWeight): number {
  return outline(ch, weight).advance / documentFont(weight).unitsPerEm;
}
