// The agency's round red seal (公章), drawn with vector operations, and where it goes on the page.
//
// Shape follows the usual form of a Chinese state organ's seal (国务院《关于国家行政机关和企业事业单位
// 社会团体印章的规定》(国发〔1999〕25号) and GA 241 for the seal itself): a circle with a red rim, the
// agency name along the upper arc reading left to right, a five-pointed star in the centre and the
// purpose (e.g. 政府信息公开专用章) in a horizontal line under the star. Diameter ~42 mm.
//
// Placement per GB/T 9704-2012 §7.3.5.1: the seal is centred on the agency name and date and
// presses on them (端正、居中下压发文机关署名和成文日期), with the name and date slightly below
// the seal's centre (居印章中心偏下位置); its top edge is within one line of the body text
// (印章顶端应当上距正文一行之内).
import type { SealSpec } from './document-content.js';
import type { DocumentLayout, PageBox } from './layout.js';
import { MM, PITCH } from './page-geometry.js';
import { fillGlyph, glyphAdvance } from './outlines.js';

export const SEAL_DIAMETER = 42 * MM;
export const SEAL_RED = '#E60012';
/** Rim width ~1.2 mm. */
const RIM = 1.2 * MM;
/** Ink opacity: the seal sits on top of the date; text under it must stay readable. */
const SEAL_OPACITY = 0.85;

export type SealBox = PageBox;

/**
 * The seal's bounding box on the signature page. Its centre is horizontally on the centre of the
 * date (over which the agency name is itself centred) and vertically a quarter line above the
 * middle of the two-line name/date block, so the name and date sit just below the seal's centre.
 */
export function sealBox(layout: DocumentLayout): SealBox {
  const { agencyName, date, pageIndex } = layout.signature;
  const cx = date.x + date.w / 2;
  const blockMiddle = (agencyName.y + date.y + date.h) / 2;
  const cy = blockMiddle - PITCH / 4;
  const r = SEAL_DIAMETER / 2;
  return { pageIndex, x: cx - r, y: cy - r, w: 2 * r, h: 2 * r };
}

/** Draws the seal into `box` on the current page of `doc`. */
export function drawSeal(doc: PDFKit.PDFDocument, spec: SealSpec, box: SealBox): void {
  doc.save();
  applySealInk(doc);
  if (spec.kind === 'png') {
    doc.image(spec.png, box.x, box.y, { width: box.w, height: box.h });
  } else {
    drawVectorSeal(doc, spec.agencyName, spec.purpose, box);
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

function drawVectorSeal(doc: PDFKit.PDFDocument, agencyName: string, purpose: string, box: SealBox): void {
  const r = box.w / 2;
  const cx = box.x + r;
  const cy = box.y + r;
  doc.fillColor(SEAL_RED).strokeColor(SEAL_RED);

  // Rim: outer edge on the seal's diameter.
  doc.lineWidth(RIM).circle(cx, cy, r - RIM / 2).stroke();
  const inner = r - RIM;

  // Five-pointed solid star, point up, ~13 mm across.
  const outerStar = 0.32 * r;
  const innerStar = outerStar * 0.382;
  const points: Array<[number, number]> = [];
  for (let k = 0; k < 10; k++) {
    const rad = (-90 + k * 36) * (Math.PI / 180);
    const rr = k % 2 === 0 ? outerStar : innerStar;
    points.push([cx + rr * Math.cos(rad), cy + rr * Math.sin(rad)]);
  }
  doc.polygon(...points).fill();

  // Agency name along the upper arc, clockwise from lower left (~210°) to lower right (~−30°),
  // each character upright relative to the rim (its top towards the rim).
  const name = [...agencyName.trim()];
  const size = 0.28 * r;
  const radius = inner - 0.9 * MM - size / 2;
  const perChar = (size * 1.1) / radius; // radians per character at natural width
  const maxSpan = (240 * Math.PI) / 180;
  const minSpan = (150 * Math.PI) / 180;
  const n = name.length;
  let span = n > 1 ? perChar * (n - 1) : 0;
  let condense = 1;
  if (span > maxSpan) {
    condense = Math.max(0.55, maxSpan / span);
    span = maxSpan;
  } else if (n > 3 && span < minSpan) {
    span = Math.min(minSpan, perChar * 1.6 * (n - 1));
  }
  name.forEach((ch, i) => {
    const theta = Math.PI / 2 + span / 2 - (n > 1 ? (i * span) / (n - 1) : 0);
    fillGlyph(doc, ch, 'bold', {
      cx: cx + radius * Math.cos(theta),
      cy: cy - radius * Math.sin(theta),
      size,
      rotate: 90 - (theta * 180) / Math.PI,
      condense,
    });
  });

  // Purpose line, horizontal, under the star; condensed to fit the chord of the circle.
  const chars = [...purpose.trim()];
  if (chars.length > 0) {
    const pSize = 0.17 * r;
    const pCentreY = cy + 0.6 * r;
    const lowest = pCentreY - cy + pSize / 2;
    const chord = 2 * Math.sqrt(Math.max(0, inner * inner - lowest * lowest)) * 0.88;
    const natural = chars.reduce((w, ch) => w + glyphAdvance(ch, 'bold') * pSize, 0);
    const pCondense = Math.min(1, chord / natural);
    let x = cx - (natural * pCondense) / 2;
    for (const ch of chars) {
      const adv = glyphAdvance(ch, 'bold') * pSize * pCondense;
      fillGlyph(doc, ch, 'bold', { cx: x + adv / 2, cy: pCentreY, size: pSize, condense: pCondense });
      x += adv;
    }
  }
}

