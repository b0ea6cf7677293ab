// The agency's round red seal (公章) on the signature page: where it goes and how it is drawn.
//
// Placement per GB/T 9704-2012 §7.3.5.1: the seal is centred on the agency name and date and
// presses on them (端正、居中下压发文机关署名和成文日期), with the name and date slightly below the
// seal's centre (使发文机关署名和成文日期居印章中心偏下位置); its top edge is within one line of
// the body text (印章顶端应当上距正文一行之内).
//
// The seal artwork (drawn vectors, or an uploaded PNG) is turned into PDF XObject bytes once and
// cached, so each further document only copies ~15 KB of ready-compressed bytes.
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { SealSpec } from './document-content.js';
import type { DocumentLayout, PageBox } from './layout.js';
import { MM, PITCH } from './page-geometry.js';
import { decodePng } from './png-decode.js';
import { sealContent } from './seal-artwork.js';

export const SEAL_DIAMETER = 42 * MM;
export const SEAL_RED = '#E60012';
/** Ink opacity: the seal sits on top of the date; text under it must stay readable. */
const SEAL_OPACITY = 0.85;

export type SealBox = PageBox;

/**
 * The seal's bounding box on the signature page (points from the page's top-left corner). Its
 * centre is horizontally on the centre of the date (over which the agency name is itself centred)
 * and vertically a quarter line above the middle of the two-line name/date block, so the name and
 * date sit just below the seal's centre.
 */
export function sealBox(layout: DocumentLayout): SealBox {
  const { agencyName, date, pageIndex } = layout.signature;
  const cx = date.x + date.w / 2;
  const blockMiddle = (agencyName.y + date.y + date.h) / 2;
  const cy = blockMiddle - PITCH / 4;
  const r = SEAL_DIAMETER / 2;
  return { pageIndex, x: cx - r, y: cy - r, w: 2 * r, h: 2 * r };
}

// ---- cached artwork ----

type Artwork =
  | { kind: 'form'; size: number; stream: Buffer }
  | { kind: 'image'; width: number; height: number; colors: 1 | 3; stream: Buffer; alpha: Buffer | null }
  | { kind: 'unsupported' };

const MAX_CACHED = 64;
const artworkCache = new Map<string, Artwork>();

function cached(key: string, make: () => Artwork): Artwork {
  let art = artworkCache.get(key);
  if (!art) {
    art = make();
    if (artworkCache.size >= MAX_CACHED) artworkCache.delete(artworkCache.keys().next().value!);
    artworkCache.set(key, art);
  }
  return art;
}

function artworkFor(spec: SealSpec): Artwork {
  if (spec.kind === 'vector') {
    return cached(`vector\u0000${spec.agencyName}\u0000${spec.purpose}`, () => ({
      kind: 'form',
      size: SEAL_DIAMETER,
      stream: deflateSync(Buffer.from(sealContent(spec.agencyName, spec.purpose, SEAL_DIAMETER), 'latin1')),
    }));
  }
  const key = 'png\u0000' + createHash('sha256').update(spec.png).digest('hex');
  return cached(key, () => {
    const png = decodePng(spec.png);
    if (!png) return { kind: 'unsupported' };
    return {
      kind: 'image',
      width: png.width,
      height: png.height,
      colors: png.colors,
      stream: deflateSync(png.pixels),
      alpha: png.alpha ? deflateSync(png.alpha) : null,
    };
  });
}

// ---- drawing ----

const num = (v: number): string => v.toFixed(3);

/** A stream object whose bytes are already Flate-compressed (pdfkit leaves them as they are). */
function streamRef(doc: PDFKit.PDFDocument, dict: Record<string, unknown>, bytes: Buffer): PDFKit.PDFKitReference {
  const ref = doc.ref({ ...dict, Filter: 'FlateDecode' });
  ref.end(bytes);
  return ref;
}

/** Draws the seal into `box` on the current page of `doc`. */
export function drawSeal(doc: PDFKit.PDFDocument, spec: SealSpec, box: SealBox): void {
  const art = artworkFor(spec);
  const internal = doc as unknown as { _sealCount?: number; page: { xobjects: Record<string, PDFKit.PDFKitReference> } };
  const page = internal.page;
  const name = `Seal${(internal._sealCount = (internal._sealCount ?? 0) + 1)}`;
  doc.save();
  applySealInk(doc);
  if (art.kind === 'unsupported') {
    // 16-bit or interlaced PNG: let pdfkit decode it (slower, per document).
    if (spec.kind === 'png') doc.image(spec.png, box.x, box.y, { width: box.w, height: box.h });
  } else if (art.kind === 'form') {
    const form = streamRef(doc, { Type: 'XObject', Subtype: 'Form', BBox: [0, 0, art.size, art.size], Resources: {} }, art.stream);
    page.xobjects[name] = form;
    // Form space is y-up with its origin at the lower left of the box.
    const s = box.w / art.size;
    doc.addContent(`${num(s)} 0 0 ${num(-s)} ${num(box.x)} ${num(box.y + box.h)} cm /${name} Do`);
  } else {
    const image = {
      Type: 'XObject',
      Subtype: 'Image',
      Width: art.width,
      Height: art.height,
      BitsPerComponent: 8,
      ColorSpace: art.colors === 3 ? 'DeviceRGB' : 'DeviceGray',
    };
    const smask = art.alpha
      ? { SMask: streamRef(doc, { ...image, ColorSpace: 'DeviceGray' }, art.alpha) }
      : {};
    page.xobjects[name] = streamRef(doc, { ...image, ...smask }, art.stream);
    // The image fills the unit square; its first row is at the top.
    doc.addContent(`${num(box.w)} 0 0 ${num(-box.h)} ${num(box.x)} ${num(box.y + box.h)} cm /${name} Do`);
  }
  doc.restore();
}

/**
 * Multiply blending at 85 % opacity: like ink on paper, black text under the seal stays black and
 * readable. pdfkit has no blend-mode API, so the ExtGState is written by hand (once per document).
 */
function applySealInk(doc: PDFKit.PDFDocument): void {
  const internal = doc as unknown as {
    _sealGs?: PDFKit.PDFKitReference;
    page: { ext_gstates: Record<string, PDFKit.PDFKitReference> };
  };
  if (!internal._sealGs) {
    const gs = doc.ref({ Type: 'ExtGState', BM: 'Multiply', ca: SEAL_OPACITY, CA: SEAL_OPACITY });
    gs.end(undefined);
    internal._sealGs = gs;
  }
  internal.page.ext_gstates['GsSeal'] = internal._sealGs;
  doc.addContent('/GsSeal gs');
}
