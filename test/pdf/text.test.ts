import assert from 'node:assert/strict';
import { renderDocumentPdf } from '../../server/documents/layout.js';
import { VECTOR_SEAL, compactText, pdftotext, reply, requireTools, run, testSigner, writeTemp } from './pdf-helpers.js';

describe('text and fonts of a rendered reply', function () {
  let pdf: Buffer;

  before(async function () {
    this.timeout(60_000);
    pdf = await renderDocumentPdf(reply(), {
      seal: VECTOR_SEAL,
      signer: testSigner(),
      info: { subject: '政府信息公开申请答复', keywords: '政府信息公开; 答复' },
    });
  });

  it('pdftotext -layout finds the title, number, addressee, a body phrase and the date', function () {
    requireTools('pdftotext');
    const text = pdftotext(pdf);
    assert.match(text, /政府信息公开申请答复书/);
    assert.match(text, /东规资公复〔2026〕12号/);
    assert.match(text, /^\s*张某某：\s*$/m, 'the addressee is alone on its line');
    assert.match(text, /如对本答复不服/);
    assert.match(text, /2026年3月12日/);
    assert.match(text, new RegExp(testSigner().signerName));
  });

  it('keeps the whole body text in reading order (seal and watermark are not text)', function () {
    requireTools('pdftotext');
    const text = compactText(pdf);
    for (const p of reply().paragraphs) assert.ok(text.includes(p.replace(/\s+/g, '')), `paragraph present: ${p.slice(0, 12)}…`);
    assert.ok(!text.includes('政府信息公开专用章'), 'the seal is drawn, not written');
  });

  it('embeds only subsets of the CJK fonts', function () {
    requireTools('pdffonts');
    const lines = run('pdffonts', [writeTemp(pdf, 'fonts')]).stdout.split('\n').slice(2).filter((l) => l.trim());
    assert.ok(lines.length >= 2, 'body and title fonts are listed');
    for (const line of lines) {
      // name type encoding emb sub uni object ID
      assert.match(line, /^[A-Z]{6}\+NotoSerifSC-(Regular|Bold)\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/, line);
    }
  });

  it('sets the document metadata deterministically from the content', function () {
    requireTools('pdfinfo');
    const info = run('pdfinfo', ['-isodates', writeTemp(pdf, 'info')]).stdout;
    assert.match(info, /Title:\s+政府信息公开申请答复书/);
    assert.match(info, /Subject:\s+政府信息公开申请答复/);
    assert.match(info, /Author:\s+北京市东城区规划和自然资源局/);
    assert.match(info, /Producer:\s+Disclosure Desk/);
    assert.match(info, /CreationDate:\s+2026-03-11T16:00:00Z/); // 2026-03-12 00:00 China Standard Time
    assert.match(info, /Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
    assert.match(info, /Pages:\s+1\b/);
  });

  it('renders the same unsigned bytes for the same content', async function () {
    const a = await renderDocumentPdf(reply(), { seal: VECTOR_SEAL, signer: null });
    const b = await renderDocumentPdf(reply(), { seal: VECTOR_SEAL, signer: null });
    assert.ok(a.equals(b));
  });
});
