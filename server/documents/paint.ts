// Paints a computed layout onto pdfkit pages. No layout decisions are made here.
import type { LaidOutPage, PlacedText } from './layout.js';
import { documentFont, fallbackFont, fontRuns, textWidth, type FontFace, type FontWeight } from './fonts.js';
import { PAGE_HEIGHT, PAGE_WIDTH } from './page-geometry.js';
import { fillGlyph, glyphAdvance } from './outlines.js';

const FONT_NAMES: Record<FontWeight, string> = { regular: 'NotoSerifSC-Regular', bold: 'NotoSerifSC-Bold' };
/** One fallback face serves both weights (HanaMinB has no bold). */
const FALLBACK_NAME = 'Fallback';

/** Documents the fallback is registered with: on first use, so a letter without rare characters does not embed it. */
const withFallback = new WeakSet<PDFKit.PDFDocument>();

// Issue 15: pdfkit shapes text (fontkit's GSUB/GPOS) per document, caching runs only within one
// document and only between spaces — a Chinese line is one run, shaped again in every letter. The
// shaped runs of a parsed font are the same in every document (positions already scaled to 1000
// units, never changed afterwards), so each pdfkit font of a document looks them up in one cache per
// parsed font, shared by all documents; it is emptied when it grows past LAYOUT_CACHE_SIZE lines.
const LAYOUT_CACHE_SIZE = 20_000;
const sharedRuns = new WeakMap<object, Map<string, unknown>>();
interface EmbeddedFontInternals { font: object; layoutRun(text: string): unknown; layoutCached(text: string): unknown; sharesRuns?: true }

function shareLayoutRuns(doc: PDFKit.PDFDocument): void {
  const embedded = (doc as unknown as { _font?: EmbeddedFontInternals })._font;
  if (!embedded || embedded.sharesRuns || typeof embedded.layoutRun !== 'function') return;
  let runs = sharedRuns.get(embedded.font);
  if (!runs) sharedRuns.set(embedded.font, (runs = new Map()));
  const cache = runs;
  embedded.sharesRuns = true;
  embedded.layoutCached = (text: string) => {
    let run = cache.get(text);
    if (run === undefined) {
      run = embedded.layoutRun(text);
      if (cache.size >= LAYOUT_CACHE_SIZE) cache.clear();
      cache.set(text, run);
    }
    return run;
  };
}

/**
 * Registers the two weights with a new document. pdfkit takes the already parsed fontkit font in
 * place of the file's Buffer and subset-embeds only the glyphs used (see fonts.ts).
 */
export function registerDocumentFonts(doc: PDFKit.PDFDocument): void {
  for (const weight of ['regular', 'bold'] as const) {
    doc.registerFont(FONT_NAMES[weight], documentFont(weight) as unknown as Buffer);
  }
  doc.font(FONT_NAMES.regular);
}

function fontName(doc: PDFKit.PDFDocument, face: FontFace, weight: FontWeight): string {
  if (face === 'main') return FONT_NAMES[weight];
  if (!withFallback.has(doc)) {
    doc.registerFont(FALLBACK_NAME, fallbackFont() as unknown as Buffer);
    withFallback.add(doc);
  }
  return FALLBACK_NAME;
}

/**
 * One placed line, font run by font run: a character the main font lacks is drawn in the
 * fallback. Character spacing (Tc) follows every glyph, the last of a run included, so the next
 * run starts after the run's width plus one spacing per glyph (and the word spacing per space).
 */
function paintText(doc: PDFKit.PDFDocument, t: PlacedText): void {
  if (!t.text) return;
  const runs = fontRuns(t.text, t.weight);
  let x = t.x;
  for (const run of runs) {
    doc.font(fontName(doc, run.face, t.weight)).fontSize(t.size);
    shareLayoutRuns(doc);
    doc.text(run.text, x, t.baseline, {
      lineBreak: false,
      baseline: 'alphabetic',
      characterSpacing: t.characterSpacing,
      ...(t.wordSpacing ? { wordSpacing: t.wordSpacing } : {}),
    });
    if (runs.length === 1) break;
    const glyphs = [...run.text].length;
    const spaces = run.text.split(' ').length - 1;
    x += textWidth(run.text, t.size, t.weight) + t.characterSpacing * glyphs + (t.wordSpacing ?? 0) * spaces;
  }
}

/** Text lines and the page number of one page, in black. */
export function paintPage(doc: PDFKit.PDFDocument, page: LaidOutPage): void {
  doc.fillColor('#000000');
  for (const line of page.lines) paintText(doc, line);
  paintText(doc, page.pageNumber);
}

/** A light grey diagonal '草稿' across the page, drawn as outlines so it is not extractable text. */
export function paintDraftWatermark(doc: PDFKit.PDFDocument): void {
  const text = [...'草稿'];
  const size = 150;
  const width = text.reduce((w, ch) => w + glyphAdvance(ch, 'bold') * size, 0);
  doc.save();
  doc.fillColor('#9a9a9a').fillOpacity(0.28);
  doc.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2);
  doc.rotate(-45);
  let x = -width / 2;
  for (const ch of text) {
    const adv = glyphAdvance(ch, 'bold') * size;
    fillGlyph(doc, ch, 'bold', { cx: x + adv / 2, cy: 0, size });
    x += adv;
  }
  doc.restore();
}
