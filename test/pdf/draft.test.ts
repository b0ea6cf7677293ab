import assert from 'node:assert/strict';
import { layoutDocument, renderDocumentPdf } from '../../server/documents/layout.js';
import { PAGE_HEIGHT, PAGE_WIDTH } from '../../server/documents/page-geometry.js';
import { verifySignedPdf } from '../../server/documents/verify.js';
import {
  VECTOR_SEAL,
  compactText,
  countPixels,
  isLightGrey,
  isSealRed,
  pdfsig,
  rasterize,
  reply,
  requireTools,
  testSigner,
} from './pdf-helpers.js';

describe('drafts', function () {
  const draft = reply({ number: null, draft: true, paragraphs: [...reply().paragraphs, ...reply().paragraphs, ...reply().paragraphs] });
  let pdf: Buffer;

  before(async function () {
    this.timeout(60_000);
    // A seal and a signer are offered on purpose: a draft must use neither.
    pdf = await renderDocumentPdf(draft, { seal: VECTOR_SEAL, signer: testSigner() });
  });

  it('is not signed', function () {
    requireTools('pdfsig');
    assert.match(pdfsig(pdf), /does not contain any signatures/);
    const v = verifySignedPdf(pdf);
    assert.equal(v.signed, false);
    assert.equal(v.valid, false);
  });

  it('carries a light grey diagonal watermark on every page and no seal', function () {
    requireTools('pdftoppm');
    const pages = layoutDocument(draft).pages.length;
    assert.ok(pages >= 2, 'the test draft spans pages');
    const centre = { x: PAGE_WIDTH / 2 - 60, y: PAGE_HEIGHT / 2 - 60, w: 120, h: 120 };
    for (let p = 1; p <= pages; p++) {
      const img = rasterize(pdf, p);
      assert.ok(countPixels(img, centre, isLightGrey) > 1500, `watermark on page ${p}`);
      assert.equal(countPixels(img, { x: 0, y: 0, w: img.width, h: img.height }, isSealRed), 0, `no seal on page ${p}`);
    }
  });

  it('keeps its text extractable and free of the watermark', function () {
    requireTools('pdftotext');
    const text = compactText(pdf);
    assert.ok(!text.includes('草稿'), 'the watermark is not text');
    assert.ok(text.includes('特此告知。'));
    assert.ok(!text.includes('〔2026〕'), 'an unnumbered draft has no number line');
  });
});
