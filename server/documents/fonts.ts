// Fonts for official documents. GB/T 9704-2012 §7.3 asks for 仿宋 (body) and 小标宋 (title), which
// are not freely redistributable; Noto Serif SC (SIL OFL 1.1, npm @expo-google-fonts/noto-serif-sc)
// stands in: Regular for the body, Bold for the title and the seal.
//
// Noto Serif SC has every character of the URO and Extension A but only ~200 of the ~97,000 in
// Extensions B–F, where rare name characters live (𠀀, 𪚥…). For those a fallback font is used per
// character: HanaMinB (花園明朝 B, GlyphWiki project, SIL OFL 1.1 or the Hanazono Font License),
// which has all of Extensions B–F (Unicode 10). It is TrueType (glyf), so pdfkit subsets it like
// Noto (a letter with one such character: ~1–2 ms and ~2 KB more). It comes from Debian's
// `fonts-hanazono` (no npm package ships it); DOCUMENT_FALLBACK_FONT names another TrueType file, or
// '' for none. Without it the desk still runs: a document that would need it is refused, naming the
// characters (document-service.ts), rather than printed with blanks.
//
// Each TrueType file is read into a Buffer once, on first use, and parsed once with the fontkit that
// pdfkit itself uses. pdfkit accepts the parsed font object in place of the Buffer and still
// subset-embeds only the glyphs a document uses; parsing per document would cost ~15–20 ms
// (measured: 31–54 ms per small page with a Buffer, 16–17 ms with the parsed font).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { encodeSubset, type EncodableSubset, type SubsetFont } from './font-subset.js';

const require = createRequire(import.meta.url);

export type FontWeight = 'regular' | 'bold';
/** Which font draws a character: the main font of the weight, or the fallback (one weight only). */
export type FontFace = 'main' | 'fallback';

/** The part of a fontkit font this project uses. */
export interface FontkitGlyph {
  id: number;
  advanceWidth: number;
  path: { commands: Array<{ command: string; args: number[] }> };
}
export interface FontkitFont {
  unitsPerEm: number;
  postscriptName: string;
  layout(text: string): { advanceWidth: number; glyphs: FontkitGlyph[] };
  hasGlyphForCodePoint(codePoint: number): boolean;
  glyphForCodePoint(codePoint: number): FontkitGlyph;
  /** OS/2 table: the typographic ascender and descender bound the ideographic em box. */
  'OS/2'?: { typoAscender: number; typoDescender: number };
}

const FILES: Record<FontWeight, string> = {
  regular: '400Regular/NotoSerifSC_400Regular.ttf',
  bold: '700Bold/NotoSerifSC_700Bold.ttf',
};

/** Where Debian's fonts-hanazono puts HanaMinB (Extensions B–F). */
export const DEFAULT_FALLBACK_FONT = '/usr/share/fonts/truetype/hanazono/HanaMinB.ttf';

const buffers = new Map<FontWeight, Buffer>();
const parsed = new Map<FontWeight, FontkitFont>();

function fontkit(): { create(buf: Uint8Array): FontkitFont } {
  const kit = createRequire(require.resolve('pdfkit'))('fontkit') as { create(buf: Uint8Array): FontkitFont };
  return { create: (buf) => withQuickSubsets(kit.create(buf)) };
}

// Issue 15: fontkit's TrueType subset (TTFSubset#_addGlyph) decodes each glyph's whole outline —
// every point of a 30-contour ideograph, per glyph, per document — only to learn whether the glyph is
// composite; it then copies the glyph's bytes as they are. That decoding was a third of a receipt's
// rendering. On the fonts parsed here (plain glyf, no variations) the glyph header's contour count
// says it: only composite glyphs (numberOfContours < 0) are decoded, for their components. The bytes
// embedded are the same as fontkit's own (test/pdf: byte-identical documents).
// The subset's own fields and the font's directory, loca and stream are font-subset.ts's types: one
// description of fontkit's internals, read here and there.
interface FontkitInternals extends SubsetFont {
  createSubset(): TtfSubset;
  loca: SubsetFont['loca'] & { offsets: number[] };
  _variationProcessor?: unknown;
  _getTableStream(tag: string): { pos: number; readBuffer(n: number): Uint8Array };
  getGlyph(id: number): FontkitGlyph & { _decode(): { numberOfContours: number; components?: Array<{ glyphID: number; pos: number }> } | null; _getMetrics(): { leftBearing: number } };
}
interface TtfSubset extends EncodableSubset {
  font: FontkitInternals;
  includeGlyph(id: number): number;
  encode(): Uint8Array;
}

function withQuickSubsets(parsed: FontkitFont): FontkitFont {
  const font = parsed as unknown as FontkitInternals;
  if (!font.directory.tables['glyf'] || font.directory.tables['CFF '] || font._variationProcessor) return parsed;
  const createSubset = font.createSubset.bind(font);
  font.createSubset = () => {
    const subset = createSubset();
    subset._addGlyph = addGlyphQuickly;
    const encode = subset.encode.bind(subset);
    subset.encode = () => encodeSubset(subset, encode) ?? encode();
    return subset;
  };
  return parsed;
}

function addGlyphQuickly(this: TtfSubset, gid: number): number {
  const font = this.font;
  const glyph = font.getGlyph(gid);
  const start = font.loca.offsets[gid]!;
  const end = font.loca.offsets[gid + 1]!;
  const stream = font._getTableStream('glyf');
  stream.pos += start;
  let bytes = stream.readBuffer(end - start);
  // int16 numberOfContours opens the glyph's header; an empty glyph (a space) has no bytes at all.
  if (bytes.length >= 2 && ((bytes[0]! << 8) | bytes[1]!) & 0x8000) {
    const decoded = glyph._decode();
    bytes = new Uint8Array(bytes);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const component of decoded?.components ?? []) view.setUint16(component.pos, this.includeGlyph(component.glyphID));
  }
  this.glyf.push(bytes);
  this.loca.offsets.push(this.offset);
  this.hmtx.metrics.push({ advance: glyph.advanceWidth, bearing: glyph._getMetrics().leftBearing });
  this.offset += bytes.length;
  return this.glyf.length - 1;
}

function fontDir(): string {
  return dirname(require.resolve('@expo-google-fonts/noto-serif-sc/package.json'));
}

/** The TrueType file of a weight, read once. */
export function fontBuffer(weight: FontWeight): Buffer {
  let buf = buffers.get(weight);
  if (!buf) {
    buf = readFileSync(join(fontDir(), FILES[weight]));
    buffers.set(weight, buf);
  }
  return buf;
}

/** The parsed font of a weight, parsed once with pdfkit's own fontkit. */
export function documentFont(weight: FontWeight): FontkitFont {
  let font = parsed.get(weight);
  if (!font) {
    font = fontkit().create(fontBuffer(weight));
    parsed.set(weight, font);
  }
  return font;
}

// ---------------------------------------------------------------------------------------------
// The fallback font.

/** undefined: not looked for yet; null: none configured or the file is not there. */
let fallbackFile: string | null | undefined;
let fallback: FontkitFont | null | undefined;

/** The fallback file in use: DOCUMENT_FALLBACK_FONT ('' for none), else HanaMinB where Debian installs it. */
export function fallbackFontFile(): string | null {
  if (fallbackFile === undefined) {
    const configured = process.env.DOCUMENT_FALLBACK_FONT;
    const file = configured === undefined ? DEFAULT_FALLBACK_FONT : configured.trim();
    fallbackFile = file && existsSync(file) ? file : null;
  }
  return fallbackFile;
}

/**
 * Uses another fallback file, none (null), or the configured one again (undefined). For tests; a
 * deployment sets DOCUMENT_FALLBACK_FONT instead.
 */
export function setFallbackFontFile(file: string | null | undefined): void {
  fallbackFile = file === undefined ? undefined : file && existsSync(file) ? file : null;
  fallback = undefined;
  coverage.clear();
  widthCache.clear();
}

/** The parsed fallback font, or null when there is none (or it cannot be read as a font). */
export function fallbackFont(): FontkitFont | null {
  if (fallback === undefined) {
    const file = fallbackFontFile();
    fallback = null;
    if (file) {
      try {
        fallback = fontkit().create(readFileSync(file));
      } catch (e) {
        console.error(`document fallback font ${file} cannot be read; characters outside Noto Serif SC will be refused:`, e);
      }
    }
  }
  return fallback;
}

/** PostScript name of the fallback (e.g. 'HanaMinB'), or null. */
export function fallbackFontName(): string | null {
  return fallbackFont()?.postscriptName ?? null;
}

// ---------------------------------------------------------------------------------------------
// Which font draws each character.

/** Per weight and code point: 1 main font, 2 fallback, 0 neither. */
const coverage = new Map<number, 0 | 1 | 2>();

function faceCode(cp: number, weight: FontWeight): 0 | 1 | 2 {
  const key = weight === 'bold' ? cp + 0x110000 : cp;
  let c = coverage.get(key);
  if (c === undefined) {
    if (documentFont(weight).hasGlyphForCodePoint(cp)) c = 1;
    else if (fallbackFont()?.hasGlyphForCodePoint(cp)) c = 2;
    else c = 0;
    if (coverage.size < 200_000) coverage.set(key, c);
  }
  return c;
}

/** The font that draws `ch` (one code point), or null when no font has it. */
export function faceFor(ch: string, weight: FontWeight = 'regular'): FontFace | null {
  const c = faceCode(ch.codePointAt(0)!, weight);
  return c === 1 ? 'main' : c === 2 ? 'fallback' : null;
}

export function fontOf(face: FontFace, weight: FontWeight): FontkitFont {
  return face === 'fallback' ? fallbackFont()! : documentFont(weight);
}

export interface FontRun {
  text: string;
  face: FontFace;
}

/**
 * Splits text into runs drawn by one font each. A character no font has stays in the main font's
 * run (it would print as the main font's empty .notdef): signed documents are checked for those
 * before they are made (missingCharacters).
 */
export function fontRuns(text: string, weight: FontWeight = 'regular'): FontRun[] {
  const runs: FontRun[] = [];
  let current: FontRun | null = null;
  for (const ch of text) {
    const face: FontFace = faceCode(ch.codePointAt(0)!, weight) === 2 ? 'fallback' : 'main';
    if (current && current.face === face) current.text += ch;
    else {
      current = { text: ch, face };
      runs.push(current);
    }
  }
  return runs;
}

export interface MissingCharacter {
  char: string;
  /** e.g. 'U+2A6A5' */
  codePoint: string;
}

export function codePointLabel(ch: string): string {
  return 'U+' + ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
}

/** Distinct characters of `text` that neither the main font of `weight` nor the fallback can draw, in order. */
export function missingCharacters(text: string, weight: FontWeight = 'regular'): MissingCharacter[] {
  const seen = new Set<string>();
  const out: MissingCharacter[] = [];
  for (const ch of text) {
    if (seen.has(ch)) continue;
    seen.add(ch);
    if (faceCode(ch.codePointAt(0)!, weight) === 0) out.push({ char: ch, codePoint: codePointLabel(ch) });
  }
  return out;
}

/**
 * True when every character of `text` (line breaks aside) has a glyph in the regular and the bold
 * weight, in the document font or the fallback: then no line cut from it prints a blank, whatever its
 * weight. False says only that a closer look (missingCharacters per line and weight) is needed.
 */
export function printableInEveryWeight(text: string): boolean {
  for (const ch of text) {
    if (ch === '\n' || ch === '\r') continue;
    const cp = ch.codePointAt(0)!;
    if (faceCode(cp, 'regular') === 0 || faceCode(cp, 'bold') === 0) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Measuring.

const widthCache = new Map<string, number>();

function runUnits(run: FontRun, weight: FontWeight): number {
  const font = fontOf(run.face, weight);
  return (font.layout(run.text).advanceWidth * 1000) / font.unitsPerEm;
}

/** Advance width of `text` in points at `size` (kerned as pdfkit will lay it out, font by font). */
export function textWidth(text: string, size: number, weight: FontWeight = 'regular'): number {
  const key = weight + '\u0000' + text;
  let units = widthCache.get(key);
  if (units === undefined) {
    units = 0;
    for (const run of fontRuns(text, weight)) units += runUnits(run, weight);
    // Single characters and short runs repeat across documents; long runs are not worth keeping.
    if (text.length <= 24 && widthCache.size < 50_000) widthCache.set(key, units);
  }
  return (units * size) / 1000;
}

/** Loads and parses both weights and the fallback now (call at start-up so the first document is not slow). */
export function warmUpFonts(): void {
  documentFont('regular');
  documentFont('bold');
  fallbackFont();
}
