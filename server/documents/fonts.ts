// Fonts for official documents. GB/T 9704-2012 §7.3 asks for 仿宋 (body) and 小标宋 (title), which
// are not freely redistributable; Noto Serif SC (SIL OFL 1.1, npm @expo-google-fonts/noto-serif-sc)
// stands in: Regular for the body, Bold for the title and the seal.
//
// Each TrueType file (~14.8 MB) is read into a Buffer once, on first use, and parsed once with the
// fontkit that pdfkit itself uses. pdfkit accepts the parsed font object in place of the Buffer and
// still subset-embeds only the glyphs a document uses; parsing per document would cost ~15–20 ms
// (measured: 31–54 ms per small page with a Buffer, 16–17 ms with the parsed font).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export type FontWeight = 'regular' | 'bold';

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
}

const FILES: Record<FontWeight, string> = {
  regular: '400Regular/NotoSerifSC_400Regular.ttf',
  bold: '700Bold/NotoSerifSC_700Bold.ttf',
};

const buffers = new Map<FontWeight, Buffer>();
const parsed = new Map<FontWeight, FontkitFont>();

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
    const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as {
      create(buf: Uint8Array): FontkitFont;
    };
    font = fontkit.create(fontBuffer(weight));
    parsed.set(weight, font);
  }
  return font;
}

const widthCache = new Map<string, number>();

/** Advance width of `text` in points at `size` (kerned as pdfkit will lay it out). */
export function textWidth(text: string, size: number, weight: FontWeight = 'regular'): number {
  const key = weight + '\u0000' + text;
  let units = widthCache.get(key);
  if (units === undefined) {
    const font = documentFont(weight);
    units = (font.layout(text).advanceWidth * 1000) / font.unitsPerEm;
    // Single characters and short runs repeat across documents; long runs are not worth keeping.
    if (text.length <= 24 && widthCache.size < 50_000) widthCache.set(key, units);
  }
  return (units * size) / 1000;
}

/** Loads and parses both weights now (call at start-up so the first document is not slow). */
export function warmUpFonts(): void {
  documentFont('regular');
  documentFont('bold');
}
