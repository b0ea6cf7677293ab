import assert from 'node:assert/strict';
import { layoutDocument, renderDocumentPdf } from '../../server/documents/layout.js';
import {
  BLOCK_LEFT,
  BLOCK_RIGHT,
  BLOCK_TOP,
  BLOCK_WIDTH,
  CELL,
  LINES_PER_PAGE,
  MM,
  PITCH,
  lineTop,
} from '../../server/documents/page-geometry.js';
import { verifySignedPdf } from '../../server/documents/verify.js';
import { VECTOR_SEAL, compactText, pdftotext, reply, requireTools, testSigner } from './pdf-helpers.js';

const close = (a: number, b: number, eps = 0.01): boolean => Math.abs(a - b) < eps;

/** n paragraphs of about `chars` ideographs each. */
function longBody(n: number, chars = 120): string[] {
  const source = '根据中华人民共和国政府信息公开条例的规定本机关对你申请公开的政府信息进行了检索和审查现答复如下';
  return Array.from({ length: n }, (_, k) => `第${k + 1}项，` + source.repeat(4).slice(k % 7, k % 7 + chars) + '。');
}

describe('GB/T 9704-2012 page layout', function () {
  it('puts the title on the first grid line at the 37 mm top margin, centred', function () {
    const layout = layoutDocument(reply());
    const title = layout.pages[0]!.lines[0]!;
    assert.equal(title.text, '政府信息公开申请答复书');
    assert.ok(close(title.top, 37 * MM));
    assert.equal(title.size, 22);
    assert.equal(title.weight, 'bold');
    assert.ok(close(title.x + title.width / 2, BLOCK_LEFT + BLOCK_WIDTH / 2));
  });

  it('places number, addressee and body on the 22-line grid with a blank line after title and number', function () {
    const [, number, addressee, first] = layoutDocument(reply()).pages[0]!.lines;
    assert.equal(number!.text, '东规资公复〔2026〕12号');
    assert.ok(close(number!.top, lineTop(2)));
    assert.ok(close(number!.x + number!.width / 2, BLOCK_LEFT + BLOCK_WIDTH / 2), 'number centred');
    assert.equal(addressee!.text, '张某某：');
    assert.ok(close(addressee!.top, lineTop(4)));
    assert.ok(close(addressee!.x, BLOCK_LEFT), 'addressee flush left');
    assert.ok(close(first!.top, lineTop(5)));
    assert.ok(close(first!.x, BLOCK_LEFT + 2 * CELL), 'paragraph indented two characters');
    assert.ok(close(PITCH * LINES_PER_PAGE, 225 * MM) && close(CELL * 28, 156 * MM));
  });

  it('sets the date four characters from the right edge and centres the agency name over it', function () {
    const { signature } = layoutDocument(reply());
    const { date, agencyName } = signature;
    assert.ok(close(date.x + date.w, BLOCK_RIGHT - 4 * CELL));
    assert.ok(close(agencyName.x + agencyName.w / 2, date.x + date.w / 2));
    assert.equal(signature.dateLine, signature.agencyLine + 1);
    assert.equal(signature.agencyLine - signature.lastBodyLine!, 3, 'two blank lines between body and signature');
  });

  it('prints the date with Arabic numerals and no leading zeros', async function () {
    requireTools('pdftotext');
    const pdf = await renderDocumentPdf(reply({ date: '2026-01-05' }), { seal: null, signer: null });
    assert.match(pdftotext(pdf), /2026年1月5日/);
    await assert.rejects(renderDocumentPdf(reply({ date: '2026-02-30' }), { seal: null, signer: null }), RangeError);
  });

  it('flows a long body over several pages with page numbers, odd right and even left', async function () {
    requireTools('pdftotext');
    const content = reply({ paragraphs: longBody(9) });
    const layout = layoutDocument(content);
    assert.ok(layout.pages.length >= 2 && layout.pages.length <= 3, `${layout.pages.length} pages`);
    for (const page of layout.pages) {
      const tops = page.lines.map((l) => l.top);
      assert.ok(tops.length > 0 && tops.every((t) => t >= BLOCK_TOP - 0.01 && t < BLOCK_TOP + 22 * PITCH), 'inside the text block');
      assert.ok(new Set(tops.map((t) => t.toFixed(2))).size <= LINES_PER_PAGE);
      const pn = page.pageNumber;
      if (page.index % 2 === 0) assert.ok(close(pn.x + pn.width, BLOCK_RIGHT - CELL), 'odd page: right, one character in');
      else assert.ok(close(pn.x, BLOCK_LEFT + CELL), 'even page: left, one character in');
    }
    const pdf = await renderDocumentPdf(content, { seal: VECTOR_SEAL, signer: testSigner() });
    const text = pdftotext(pdf);
    assert.match(text, /— 1 —/);
    assert.match(text, /— 2 —/);
    assert.equal(verifySignedPdf(pdf).valid, true);
    const flat = compactText(pdf).replace(/—\d+—/g, ''); // page numbers interrupt the text flow
    for (const p of content.paragraphs) assert.ok(flat.includes(p), `paragraph kept whole across pages: ${p.slice(0, 6)}`);
    // The signature page carries body text above the signature block.
    assert.notEqual(layout.signature.lastBodyLine, null);
    assert.equal(layout.signature.pageIndex, layout.pages.length - 1);
  });

  it('never leaves the signature block alone on a page: the last two body lines go with it', function () {
    // Title, blank, number, blank, addressee fill lines 0–4; a 17-line paragraph fills lines 5–21.
    const paragraph = '政府信息公开申请答复书经审查属于本机关负责范围'.repeat(30).slice(0, 17 * 28 - 2);
    const layout = layoutDocument(reply({ paragraphs: [paragraph] }));
    assert.equal(layout.pages.length, 2);
    const [first, second] = layout.pages;
    assert.equal(layout.signature.pageIndex, 1);
    assert.equal(layout.signature.lastBodyLine, 1, 'two body lines head the signature page');
    assert.equal(second!.lines.length, 4, 'two body lines + agency name + date');
    assert.ok(close(second!.lines[0]!.top, lineTop(0)));
    assert.equal(first!.lines.length, 5 - 2 + 17 - 2, 'the first page keeps the rest (blank lines are not drawn)');
    assert.equal(layout.signature.agencyLine, 4);
  });

  it('uses one blank line before the signature when only that fits', function () {
    // Body ends on line 18: name on 20, date on 21.
    const paragraph = '政府信息公开申请答复书经审查属于本机关负责范围'.repeat(30).slice(0, 14 * 28 - 2);
    const layout = layoutDocument(reply({ paragraphs: [paragraph] }));
    assert.equal(layout.pages.length, 1);
    assert.equal(layout.signature.lastBodyLine, 18);
    assert.equal(layout.signature.agencyLine, 20);
    assert.equal(layout.signature.dateLine, 21);
  });

  it('wraps a long title into balanced centred lines', function () {
    const layout = layoutDocument(reply({ title: '关于某某区2025年度国有建设用地供应计划执行情况政府信息公开申请的答复书' }));
    const titles = layout.pages[0]!.lines.filter((l) => l.size === 22);
    assert.equal(titles.length, 2);
    const [a, b] = titles.map((t) => [...t.text].length);
    assert.ok(Math.abs(a! - b!) <= 4, `balanced: ${a} / ${b}`);
    for (const t of titles) assert.ok(close(t.x + t.width / 2, BLOCK_LEFT + BLOCK_WIDTH / 2));
  });

  it('omits the number line of an unnumbered draft', function () {
    const layout = layoutDocument(reply({ number: null, draft: true }));
    const [, addressee] = layout.pages[0]!.lines;
    assert.equal(addressee!.text, '张某某：');
    assert.ok(close(addressee!.top, lineTop(2)));
  });
});
