// The drawn seal as a PDF content stream (a Form XObject in its own y-up space, origin at the
// lower left of the seal's bounding square). Built once per agency name + purpose and cached.
//
// Shape follows the usual form of a state organ's seal (国务院《关于国家行政机关和企业事业单位社会
// 团体印章的规定》(国发〔1999〕25号)): a red rim, the agency name along the upper arc reading left to
// right, a five-pointed star in the centre and the purpose (e.g. 政府信息公开专用章) in a horizontal
// line under the star.
import { MM } from './page-geometry.js';
import { glyphAdvance, glyphOutline } from './outlines.js';

/** #E60012 as PDF RGB. */
const RED = '0.902 0 0.071';
/** Rim width ~1.2 mm. */
const RIM = 1.2 * MM;
/** Bézier control distance for a quarter circle. */
const KAPPA = 0.5522847498;

const f = (v: number): string => (Math.abs(v) < 1e-9 ? '0' : v.toFixed(3).replace(/\.?0+$/, ''));

function circleOps(cx: number, cy: number, r: number): string {
  const k = r * KAPPA;
  return [
    `${f(cx + r)} ${f(cy)} m`,
    `${f(cx + r)} ${f(cy + k)} ${f(cx + k)} ${f(cy + r)} ${f(cx)} ${f(cy + r)} c`,
    `${f(cx - k)} ${f(cy + r)} ${f(cx - r)} ${f(cy + k)} ${f(cx - r)} ${f(cy)} c`,
    `${f(cx - r)} ${f(cy - k)} ${f(cx - k)} ${f(cy - r)} ${f(cx)} ${f(cy - r)} c`,
    `${f(cx + k)} ${f(cy - r)} ${f(cx + r)} ${f(cy - k)} ${f(cx + r)} ${f(cy)} c`,
    'h',
  ].join('\n');
}

/**
 * One character, its em box centred on (cx, cy), rotated counter-clockwise by `angle` radians
 * and condensed horizontally by `condense`.
 */
function glyphOps(ch: string, cx: number, cy: number, size: number, angle: number, condense: number): string {
  const g = glyphOutline(ch, 'bold');
  if (!g.ops) return '';
  const s = size / g.unitsPerEm;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // translate(cx, cy) · rotate(angle) · scale(s·condense, s) · translate(−advance/2, −em centre)
  return [
    'q',
    `${f(cos)} ${f(sin)} ${f(-sin)} ${f(cos)} ${f(cx)} ${f(cy)} cm`,
    `${f(s * condense)} 0 0 ${f(s)} ${f((-g.advance / 2) * s * condense)} ${f(-g.emCentre * s)} cm`,
    g.ops,
    'f',
    'Q',
  ].join('\n');
}

/** Content stream of a round seal of diameter `d` (points), in the square [0, d] × [0, d]. */
export function sealContent(agencyName: string, purpose: string, d: number): string {
  const r = d / 2;
  const cx = r;
  const cy = r;
  const inner = r - RIM;
  const ops: string[] = [`${RED} rg`, `${RED} RG`];

  // Rim: outer edge on the seal's diameter.
  ops.push(`${f(RIM)} w`, circleOps(cx, cy, r - RIM / 2), 'S');

  // Five-pointed solid star, point up, ~13 mm across.
  const outerStar = 0.32 * r;
  const innerStar = outerStar * 0.382;
  for (let k = 0; k < 10; k++) {
    const a = Math.PI / 2 + (k * Math.PI) / 5;
    const rr = k % 2 === 0 ? outerStar : innerStar;
    ops.push(`${f(cx + rr * Math.cos(a))} ${f(cy + rr * Math.sin(a))} ${k === 0 ? 'm' : 'l'}`);
  }
  ops.push('h', 'f');

  // Agency name along the upper arc, clockwise from lower left (~210°) to lower right (~−30°),
  // each character's top towards the rim. Long names are condensed to fit 240°; short names are
  // spread over at least 150°.
  const name = [...agencyName.trim()];
  const size = 0.28 * r;
  const radius = inner - 0.9 * MM - size / 2;
  const perChar = (size * 1.1) / radius;
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
    ops.push(glyphOps(ch, cx + radius * Math.cos(theta), cy + radius * Math.sin(theta), size, theta - Math.PI / 2, condense));
  });

  // Purpose line, horizontal, under the star; condensed to fit the chord of the circle.
  const chars = [...purpose.trim()];
  if (chars.length > 0) {
    const pSize = 0.17 * r;
    const pCentreY = cy - 0.6 * r;
    const lowest = 0.6 * r + pSize / 2;
    const chord = 2 * Math.sqrt(Math.max(0, inner * inner - lowest * lowest)) * 0.88;
    const natural = chars.reduce((w, ch) => w + glyphAdvance(ch, 'bold') * pSize, 0);
    const pCondense = Math.min(1, chord / natural);
    let x = cx - (natural * pCondense) / 2;
    for (const ch of chars) {
      const adv = glyphAdvance(ch, 'bold') * pSize * pCondense;
      ops.push(glyphOps(ch, x + adv / 2, pCentreY, pSize, 0, pCondense));
      x += adv;
    }
  }
  return ops.join('\n');
}
