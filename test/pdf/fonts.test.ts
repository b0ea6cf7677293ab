import assert from 'node:assert/strict';
import { renderDocumentPdf, layoutDocument, MissingGlyphsError, printableText, unprintableCharacters } from '../../server/documents/layout.js';
import { faceFor, fallbackFontFile, fallbackFontName, fontRuns, missingCharacters, printableInEveryWeight, textWidth } from '../../server/documents/fonts.js';
import { missingInLayout } from '../../server/documents/layout.js';
import { glyphOutline } from '../../server/documents/outlines.js';
import { VECTOR_SEAL, compactText, reply, requireTools, run, writeTemp } from './pdf-helpers.js';

// Finding 15: a character the main font (Noto Serif SC) lacks is drawn from the fallback font
// (HanaMinB, Debian's fonts-hanazono); one no font has is named, never printed as a blank.
describe('fonts: the fallback for CJK extensions, and characters no font has', function () {
  before(function () {
    if (!fallbackFontFile()) assert.fail('the fallback font is not installed: apt-get install fonts-hanazono (see README)');
  });

  it('picks the main font when it has the glyph, else the fallback, character by character', () => {
    assert.equal(fallbackFontName(), 'HanaMinB');
    assert.equal(faceFor('张'), 'main');
    assert.equal(faceFor('𠀀'), 'fallback'); // U+20000, Extension B
    assert.equal(faceFor('𪚥', 'bold'), 'fallback'); // U+2A6A5, Extension B, in a bold title too
    assert.equal(faceFor('𫝀'), 'fallback'); // U+2B740, Extension D
    assert.equal(faceFor('\uE000'), null); // private use
    assert.deepEqual(fontRuns('张𠀀𪚥：'), [{ text: '张', face: 'main' }, { text: '𠀀𪚥', face: 'fallback' }, { text: '：', face: 'main' }]);
    // Ideographs of both fonts are one cell wide, so the grid holds.
    assert.ok(Math.abs(textWidth('张𠀀', 16) - 32) < 0.01, String(textWidth('张𠀀', 16)));
  });

  it('names the characters no font has, once each, with their code points', () => {
    assert.deepEqual(missingCharacters('张\uE000李\uE000🀄'), [
      { char: '\uE000', codePoint: 'U+E000' },
      { char: '🀄', codePoint: 'U+1F004' },
    ]);
    assert.deepEqual(missingCharacters('张𠀀，“东江区”《规划》〔2026〕１２号—……／‘’〈〉'), []);
  });

  it('drops characters that print nothing by definition instead of refusing them', () => {
    assert.equal(printableText('张\u200b三\ufe0f\u00ad李\ufeff\u0007王\t赵'), '张三李王 赵');
    const content = reply({ addressee: '张\u200d某某：', paragraphs: ['特此告知。\u2028'] });
    assert.deepEqual(unprintableCharacters(content), []);
    const lines = layoutDocument(content).pages[0]!.lines.map((l) => l.text);
    assert.ok(lines.includes('张某某：'), lines.join('\n'));
  });

  it('answers without a layout only when the whole text prints in both weights, and as the layout does (issue 15)', () => {
    assert.equal(printableInEveryWeight('关于张𠀀申请的答复书\n2026年3月12日 — 1 —'), true);
    assert.equal(printableInEveryWeight('张\uE000'), false);
    const contents = [
      reply({}),
      reply({ addressee: '张𠀀：' }),
      reply({ title: '关于𪚥字的答复书' }),
      reply({ addressee: '张\uE000：' }),
      reply({ title: '答复\uE001书', paragraphs: ['正文🀄一段', '第二段\u200b'] }),
    ];
    for (const c of contents) assert.deepEqual(unprintableCharacters(c), missingInLayout(layoutDocument(c)), JSON.stringify(c));
  });

  it('refuses to render a document with a character no font has', async () => {
    await assert.rejects(
      renderDocumentPdf(reply({ addressee: '张\uE000：' }), { seal: VECTOR_SEAL, signer: null }),
      (e: unknown) => e instanceof MissingGlyphsError && e.characters[0]?.codePoint === 'U+E000',
    );
  });

  it('embeds a subset of the fallback only in a document that uses it, and extracts the character as text', function () {
    requireTools('pdffonts', 'pdftotext');
    return (async () => {
      const pdf = await renderDocumentPdf(reply({ title: '关于𪚥字的答复书', addressee: '张𠀀：' }), { seal: VECTOR_SEAL, signer: null });
      const fonts = run('pdffonts', [writeTemp(pdf, 'fallback')]).stdout;
      assert.match(fonts, /[A-Z]{6}\+HanaMinB\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/, fonts);
      const text = compactText(pdf);
      assert.ok(text.includes('关于𪚥字的答复书') && text.includes('张𠀀：'), text);
    })();
  });

  it('draws a fallback character in the seal too (outlines)', () => {
    const g = glyphOutline('𠀀', 'bold');
    assert.ok(g.ops.length > 20, 'an outline, not an empty glyph');
    assert.equal(g.unitsPerEm, 1024);
    assert.ok(Math.abs(g.emCentre - 368) < 1, String(g.emCentre)); // HanaMin's em box: −144…880
    assert.equal(glyphOutline('章', 'bold').emCentre, 380); // Noto Serif SC's: −120…880
  });
});
