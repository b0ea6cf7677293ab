import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { decodePng } from '../../server/documents/png-decode.js';

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([head, body, crc]);
}

const paeth = (a: number, b: number, c: number): number => {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
};

/** Encodes 8-bit samples, row y filtered with filter type y % 5 (None, Sub, Up, Average, Paeth). */
function encodePng(width: number, height: number, colourType: number, channels: number, samples: Buffer): Buffer {
  const stride = width * channels;
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const filter = y % 5;
    const row = Buffer.alloc(stride + 1);
    row[0] = filter;
    for (let i = 0; i < stride; i++) {
      const x = samples[y * stride + i]!;
      const a = i >= channels ? samples[y * stride + i - channels]! : 0;
      const b = y > 0 ? samples[(y - 1) * stride + i]! : 0;
      const c = i >= channels && y > 0 ? samples[(y - 1) * stride + i - channels]! : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter]!;
      row[i + 1] = (x - predictor) & 0xff;
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, colourType, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const sample = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + (i >> 3) * 101) % 256));

describe('PNG seal images', function () {
  it('decodes RGBA with every filter type into colour and alpha planes', function () {
    const [w, h] = [7, 10];
    const rgba = sample(w * h * 4);
    const png = decodePng(encodePng(w, h, 6, 4, rgba));
    assert.ok(png);
    assert.equal(png.colors, 3);
    for (let i = 0; i < w * h; i++) {
      assert.deepEqual([...png.pixels.subarray(i * 3, i * 3 + 3)], [...rgba.subarray(i * 4, i * 4 + 3)]);
      assert.equal(png.alpha![i], rgba[i * 4 + 3]);
    }
  });

  it('decodes grey + alpha (the other format an agency may upload)', function () {
    const [w, h] = [5, 6];
    const ga = sample(w * h * 2);
    const png = decodePng(encodePng(w, h, 4, 2, ga));
    assert.ok(png);
    assert.equal(png.colors, 1);
    for (let i = 0; i < w * h; i++) {
      assert.equal(png.pixels[i], ga[i * 2]);
      assert.equal(png.alpha![i], ga[i * 2 + 1]);
    }
  });

  it('leaves formats it does not handle to pdfkit and rejects non-PNG bytes', function () {
    const png = encodePng(2, 2, 6, 4, sample(16));
    const sixteenBit = Buffer.from(png);
    sixteenBit[24] = 16; // IHDR bit depth (CRC no longer matches; the decoder does not check it)
    assert.equal(decodePng(sixteenBit), null);
    assert.equal(decodePng(Buffer.from('GIF89a not a png at all, really not')), null);
  });
});
