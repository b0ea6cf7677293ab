import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { layoutDocument, renderDocumentPdf } from '../../server/documents/layout.js';
import { PITCH, MM } from '../../server/documents/page-geometry.js';
import { SEAL_DIAMETER, sealBox } from '../../server/documents/seal.js';
import { VECTOR_SEAL, countPixels, isSealRed, rasterize, reply, requireTools, testSigner } from './pdf-helpers.js';

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An RGBA PNG of a red ring with a red dot, transparent elsewhere (a stand-in for a scanned seal). */
function ringPng(size: number): Buffer {
  const rows: Buffer[] = [];
  const c = size / 2;
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x + 0.5 - c, y + 0.5 - c);
      const ink = (d < c && d > c * 0.9) || d < c * 0.2 || Math.abs(y + 0.5 - c * 1.45) < c * 0.08;
      if (ink) row.set([230, 0, 18, 255], 1 + x * 4);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('the seal over the signature block (GB/T 9704-2012 §7.3.5.1)', function () {
  it('is a 42 mm circle centred on the date, with the name and date just below its centre', function () {
    const layout = layoutDocument(reply());
    const box = sealBox(layout);
    const { date, agencyName, pageIndex } = layout.signature;
    assert.equal(box.pageIndex, pageIndex);
    assert.ok(Math.abs(box.w - 42 * MM) < 0.01 && box.w === box.h && box.w === SEAL_DIAMETER);
    assert.ok(Math.abs(box.x + box.w / 2 - (date.x + date.w / 2)) < 0.01, 'centred on the date');
    const middle = (agencyName.y + date.y + date.h) / 2;
    const centre = box.y + box.h / 2;
    assert.ok(middle > centre && middle - centre < PITCH / 2, 'name and date sit just below the centre');
    assert.ok(box.y < agencyName.y && box.y + box.h > date.y + date.h, 'covers both lines');
  });

  it('starts within one line below the last body line', function () {
    for (const paragraphs of [reply().paragraphs, ['特此告知。'], [reply().paragraphs.join('').repeat(2)]]) {
      const layout = layoutDocument(reply({ paragraphs }));
      const box = sealBox(layout);
      const last = layout.signature.lastBodyLine!;
      const bodyBottom = 37 * MM + last * PITCH + 16;
      assert.ok(box.y - bodyBottom <= PITCH, `seal top ${box.y - bodyBottom} pt below the body`);
    }
  });

  it('puts red seal ink over the printed date on the rendered page', async function () {
    requireTools('pdftoppm');
    const content = reply();
    const pdf = await renderDocumentPdf(content, { seal: VECTOR_SEAL, signer: testSigner() });
    const layout = layoutDocument(content);
    const img = rasterize(pdf, layout.signature.pageIndex + 1);
    assert.ok(Math.abs(img.width - 595.28) < 1, 'one pixel per point');
    const red = countPixels(img, layout.signature.date, isSealRed);
    assert.ok(red > 20, `red pixels over the date: ${red}`);
    // The ink is multiplied, not painted over: the date's black strokes stay black.
    const dark = countPixels(img, layout.signature.date, (r, g, b) => r < 80 && g < 80 && b < 80);
    assert.ok(dark > 50, `date still legible: ${dark} dark pixels`);
    // Nothing red outside the seal's box.
    const box = sealBox(layout);
    const total = countPixels(img, { x: 0, y: 0, w: img.width, h: img.height }, isSealRed);
    const inside = countPixels(img, { x: box.x - 1, y: box.y - 1, w: box.w + 2, h: box.h + 2 }, isSealRed);
    assert.equal(total, inside);
  });

  it('draws an uploaded PNG seal in the same box', async function () {
    requireTools('pdftoppm');
    const content = reply();
    const pdf = await renderDocumentPdf(content, { seal: { kind: 'png', png: ringPng(240) }, signer: null });
    const layout = layoutDocument(content);
    const img = rasterize(pdf, 1);
    const box = sealBox(layout);
    assert.ok(countPixels(img, layout.signature.date, isSealRed) > 10);
    const centre = { x: box.x + box.w / 2 - 3, y: box.y + box.h / 2 - 3, w: 6, h: 6 };
    assert.ok(countPixels(img, centre, isSealRed) > 20, 'the PNG is centred on the seal box');
  });

  it('is left off when no seal is given', async function () {
    requireTools('pdftoppm');
    const pdf = await renderDocumentPdf(reply(), { seal: null, signer: null });
    const img = rasterize(pdf, 1);
    assert.equal(countPixels(img, { x: 0, y: 0, w: img.width, h: img.height }, isSealRed), 0);
  });
});
