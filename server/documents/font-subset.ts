// The embedded font file of a document: a TrueType subset of the glyphs it draws, and its Flate stream.
//
// Issue 15: for a receipt, embedding the font subset was the largest part of rendering it (profiled in
// the render worker under the registration benchmark: ~0.9 ms encoding the subset with fontkit's
// generic `restructure` encoder, ~1.3 ms deflating its ~31 KB of glyph outlines). Both are done here:
//
// - `encodeSubset` writes the same bytes as fontkit's TTFSubset#encode (head, hhea, loca, maxp,
//   cvt , prep, glyf, hmtx, fpgm, in that order, no checksums) with plain buffer writes. The first
//   subset of each font is also encoded by fontkit and compared; a font whose bytes differ (a table
//   fontkit would not write back as it read it) keeps fontkit's encoder.
// - `deflateFontFile` deflates that file in chunks: the table directory and small tables, then the
//   glyph outlines in runs of about eight glyphs cut where a glyph's id says so (content-defined, so
//   a new character in a name changes only the run it falls in, not all the runs after it), then the
//   metrics. Each chunk is deflated on its own and ends on a byte boundary (a sync flush, no final
//   block), so the chunks concatenate into one valid stream; a run of glyph outlines is the same bytes
//   in every document that draws those glyphs in that order, so its deflated bytes are kept and
//   reused. The stream is ~10 % larger than one deflated whole (24.7 KB against 22.3 KB of outlines
//   for a receipt) and inflates to the same font file.
import { constants, deflateRawSync } from 'node:zlib';

/** The part of fontkit's font and TTFSubset objects the encoder reads. */
export interface SubsetFont {
  postscriptName: string;
  directory: { tables: Record<string, { offset: number; length: number } | undefined> };
  loca: { version: number };
  stream: { buffer: Uint8Array };
}
export interface EncodableSubset {
  font: SubsetFont;
  glyphs: number[];
  glyf: Uint8Array[];
  loca: { offsets: number[]; version?: number };
  hmtx: { metrics: Array<{ advance: number; bearing: number }>; bearings?: number[] };
  offset: number;
  _addGlyph(id: number): number;
}

/** A font file written by encodeSubset: which glyphs its glyf table holds, and where. */
interface SubsetFile {
  fontId: number;
  /** Original glyph id of each subset glyph, in subset order. */
  gids: number[];
  /** Each glyph's outline bytes as written (a composite's component ids already renumbered). */
  outlines: Uint8Array[];
  glyfStart: number;
  glyfEnd: number;
}

const files = new WeakMap<Uint8Array, SubsetFile>();
const fontIds = new WeakMap<SubsetFont, number>();
let fontCount = 0;
/** Per font: true when encodeSubset writes fontkit's bytes, false when fontkit must encode. */
const verified = new WeakMap<SubsetFont, boolean>();

function fontId(font: SubsetFont): number {
  let id = fontIds.get(font);
  if (id === undefined) fontIds.set(font, (id = ++fontCount));
  return id;
}

/**
 * Encodes `subset` (glyphs added with its own _addGlyph, as fontkit does) as a TrueType file, or
 * returns null when this font must be left to fontkit (`fontkitEncode`, called once per font to check).
 */
export function encodeSubset(subset: EncodableSubset, fontkitEncode: () => Uint8Array): Uint8Array | null {
  const font = subset.font;
  let ok = verified.get(font);
  if (ok === false) return null;
  const bytes = writeSubset(subset);
  if (ok === undefined) {
    const theirs = fontkitEncode();
    ok = bytes !== null && Buffer.compare(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), Buffer.from(theirs.buffer, theirs.byteOffset, theirs.byteLength)) === 0;
    verified.set(font, ok);
    if (!ok) {
      console.warn(`font ${font.postscriptName}: the quick subset encoder does not write fontkit's bytes; fontkit encodes its subsets`);
      return theirs;
    }
  }
  return bytes;
}

/** fontkit's order of a subset's tables (TTFSubset#encode); absent ones are left out. */
const TABLES = ['head', 'hhea', 'loca', 'maxp', 'cvt ', 'prep', 'glyf', 'hmtx', 'fpgm'] as const;

function writeSubset(subset: EncodableSubset): Uint8Array | null {
  const font = subset.font;
  const source = font.stream.buffer;
  const table = (tag: string): Uint8Array | null => {
    const t = font.directory.tables[tag];
    return t ? source.subarray(t.offset, t.offset + t.length) : null;
  };
  subset.glyf = [];
  subset.offset = 0;
  subset.loca = { offsets: [], version: font.loca.version };
  subset.hmtx = { metrics: [], bearings: [] };
  // Not a for…of: _addGlyph appends a composite's components to `glyphs` as it goes.
  for (let i = 0; i < subset.glyphs.length; i++) subset._addGlyph(subset.glyphs[i]!);
  subset.loca.offsets.push(subset.offset);
  const version = font.loca.version;
  const head = table('head');
  const hhea = table('hhea');
  const maxp = table('maxp');
  if (!head || head.length < 54 || !hhea || hhea.length < 36 || !maxp || maxp.length < 6) return null;
  const metrics = subset.hmtx.metrics;
  const offsets = subset.loca.offsets;
  if (version === 0 && subset.offset > 0x1fffe) return null;
  const lengths: Record<string, number> = {
    head: head.length,
    hhea: hhea.length,
    loca: offsets.length * (version === 0 ? 2 : 4),
    maxp: maxp.length,
    glyf: subset.offset,
    hmtx: metrics.length * 4,
  };
  // Tables copied as they are (cvt , prep, fpgm) keep their length.
  for (const tag of TABLES) {
    const t = font.directory.tables[tag];
    if (lengths[tag] === undefined && t) lengths[tag] = t.length;
  }
  const present = TABLES.filter((tag) => lengths[tag] !== undefined);
  const n = present.length;
  let at = 12 + 16 * n;
  const total = present.reduce((sum, tag) => sum + lengths[tag]!, at);
  const out = Buffer.allocUnsafe(total);
  out.write('true', 0, 'latin1');
  const power = 2 ** Math.floor(Math.log2(n));
  out.writeUInt16BE(n, 4);
  out.writeUInt16BE(power * 16, 6);
  out.writeUInt16BE(Math.log2(power), 8);
  out.writeUInt16BE(n * 16 - power * 16, 10);
  let glyfStart = 0;
  present.forEach((tag, i) => {
    const length = lengths[tag]!;
    const entry = 12 + 16 * i;
    out.write(tag, entry, 'latin1');
    out.writeUInt32BE(0, entry + 4);
    out.writeUInt32BE(at, entry + 8);
    out.writeUInt32BE(length, entry + 12);
    switch (tag) {
      case 'head':
        out.set(head, at);
        out.writeInt16BE(version, at + 50); // indexToLocFormat
        break;
      case 'hhea':
        out.set(hhea, at);
        out.writeUInt16BE(metrics.length, at + 34); // numberOfMetrics
        break;
      case 'maxp':
        out.set(maxp, at);
        out.writeUInt16BE(subset.glyf.length, at + 4); // numGlyphs
        break;
      case 'loca':
        for (let k = 0; k < offsets.length; k++) {
          if (version === 0) out.writeUInt16BE(offsets[k]! >>> 1, at + 2 * k);
          else out.writeUInt32BE(offsets[k]!, at + 4 * k);
        }
        break;
      case 'glyf': {
        glyfStart = at;
        let p = at;
        for (const g of subset.glyf) {
          out.set(g, p);
          p += g.length;
        }
        break;
      }
      case 'hmtx':
        for (let k = 0; k < metrics.length; k++) {
          out.writeUInt16BE(metrics[k]!.advance, at + 4 * k);
          out.writeInt16BE(metrics[k]!.bearing, at + 4 * k + 2);
        }
        break;
      default:
        out.set(table(tag)!, at);
    }
    at += length;
  });
  files.set(out, {
    fontId: fontId(font),
    gids: subset.glyphs.slice(0, subset.glyf.length),
    outlines: subset.glyf,
    glyfStart,
    glyfEnd: glyfStart + subset.offset,
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Deflating a font file chunk by chunk.

/** Deflated runs of glyph outlines, by font, level and glyph ids; oldest dropped first. */
const runs = new Map<string, Buffer>();
const MAX_RUNS = 4096;
/** Runs deflated and runs reused since start-up (tests read them). */
export const fontRunCounts = { deflated: 0, reused: 0 };

/** A run ends after a glyph whose id hashes into the top eighth: runs of ~8 glyphs (~2 KB). */
function endsRun(gid: number): boolean {
  return Math.imul(gid + 1, 0x9e3779b1) >>> 29 === 0;
}
const MAX_RUN_GLYPHS = 32;

function deflateChunk(bytes: Uint8Array, level: number): Buffer {
  return deflateRawSync(bytes, { level, finishFlush: constants.Z_SYNC_FLUSH });
}

/**
 * The zlib stream (as /FlateDecode wants) of a font file written by encodeSubset, or null for any
 * other bytes. Inflates to exactly `bytes`.
 */
export function deflateFontFile(bytes: Uint8Array, level: number): Buffer | null {
  const file = files.get(bytes);
  if (!file) return null;
  const parts: Buffer[] = [zlibHeader(level), deflateChunk(bytes.subarray(0, file.glyfStart), level)];
  let from = 0;
  for (let i = 0; i < file.gids.length; i++) {
    if (i + 1 < file.gids.length && !endsRun(file.gids[i]!) && i + 1 - from < MAX_RUN_GLYPHS) continue;
    parts.push(deflateRun(file, from, i + 1, level));
    from = i + 1;
  }
  parts.push(deflateChunk(bytes.subarray(file.glyfEnd), level), FINAL_BLOCK, adler32(bytes));
  return Buffer.concat(parts);
}

function deflateRun(file: SubsetFile, from: number, to: number, level: number): Buffer {
  const outlines = file.outlines.slice(from, to);
  // A composite glyph's bytes name its components by their ids in this subset: not reusable.
  const reusable = outlines.every((g) => !(g.length >= 2 && g[0]! & 0x80));
  const key = reusable ? `${file.fontId}/${level}/${file.gids.slice(from, to).join(',')}` : null;
  let deflated = key === null ? undefined : runs.get(key);
  if (deflated) fontRunCounts.reused++;
  else {
    fontRunCounts.deflated++;
    deflated = deflateChunk(Buffer.concat(outlines), level);
    if (key !== null) {
      if (runs.size >= MAX_RUNS) runs.delete(runs.keys().next().value!);
      runs.set(key, deflated);
    }
  }
  return deflated;
}

/** An empty final block with fixed codes: ends the deflate stream the chunks began. */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

function zlibHeader(level: number): Buffer {
  const cmf = 0x78; // deflate, 32 KB window
  let flg = (level < 2 ? 0 : level < 6 ? 1 : level === 6 ? 2 : 3) << 6;
  flg += 31 - ((cmf * 256 + flg) % 31);
  return Buffer.from([cmf, flg]);
}

function adler32(bytes: Uint8Array): Buffer {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; ) {
    const end = Math.min(i + 5552, bytes.length);
    for (; i < end; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32BE(((b << 16) | a) >>> 0);
  return out;
}
