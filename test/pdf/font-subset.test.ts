import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { deflateRawSync, inflateSync } from 'node:zlib';
import { documentFont, fallbackFont, fallbackFontFile, setFallbackFontFile, type FontkitFont } from '../../server/documents/fonts.js';
import { deflateFontFile, encodeSubset, fontRunCounts, type EncodableSubset } from '../../server/documents/font-subset.js';
import { renderDocumentPdf } from '../../server/documents/layout.js';
import { VECTOR_SEAL, compactText, reply } from './pdf-helpers.js';

// Issue 15: a document's font subsets are written without fontkit's generic encoder and deflated in
// cached runs of glyphs. The bytes must stay fontkit's, and the stream must inflate to them.

const require = createRequire(import.meta.url);
const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as { create(buf: Uint8Array): FontkitFont };

/** DejaVu Sans (Debian's fonts-dejavu-core) has composite glyphs (é = e + accent); the CJK fonts have none. */
const DEJAVU = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

interface Subset extends EncodableSubset {
  includeGlyph(id: number): number;
  encode(): Uint8Array;
}

function subsetOf(font: FontkitFont, text: string): Subset {
  const subset = (font as unknown as { createSubset(): Subset }).createSubset();
  for (const g of font.layout(text).glyphs) subset.includeGlyph(g.id);
  return subset;
}

/** The same subset encoded by fontkit alone: its own _addGlyph and encode, none of the desk's. */
function fontkitBytes(font: FontkitFont, text: string): Buffer {
  const subset = subsetOf(font, text) as unknown as Record<string, unknown>;
  delete subset['_addGlyph'];
  delete subset['encode'];
  return Buffer.from((subset as unknown as Subset).encode());
}

const TEXTS = [
  '张',
  '政府信息公开申请登记回执：东规资公收〔2026〕12号，“东城区2025年度国有建设用地供应计划”。',
  'Résumé café ǅ naïve ﬁ 1234567890 ABC abc — …',
];

describe('font subsets: fontkit’s bytes, deflated in reusable runs (issue 15)', function () {
  let dejavu: FontkitFont;
  before(function () {
    if (!fallbackFontFile()) assert.fail('the fallback font is not installed: apt-get install fonts-hanazono (see README)');
    setFallbackFontFile(DEJAVU);
    if (!fallbackFontFile()) assert.fail(`${DEJAVU} is missing: apt-get install fonts-dejavu-core (.ci/run installs it)`);
    dejavu = fallbackFont()!;
    setFallbackFontFile(undefined);
  });
  after(() => setFallbackFontFile(undefined));

  it('writes the same bytes as fontkit for every font the desk embeds, composite glyphs included', () => {
    const fonts = [documentFont('regular'), documentFont('bold'), fallbackFont()!, dejavu];
    let composites = 0;
    for (const font of fonts) {
      for (const text of [...TEXTS, '𠀀𪚥𫝀']) {
        const ours = Buffer.from(subsetOf(font, text).encode());
        assert.ok(ours.length > 100);
        assert.deepEqual(ours, fontkitBytes(font, text), `${font.postscriptName}: ${text}`);
        const ids = font.layout(text).glyphs.map((g) => g.id);
        const composite = ids.some((id) => (font as unknown as { getGlyph(id: number): { _decode(): { numberOfContours: number } | null } }).getGlyph(id)._decode()?.numberOfContours! < 0);
        if (composite) composites++;
      }
    }
    assert.ok(composites >= 1, 'no subset had a composite glyph');
  });

  it('deflates a font file to a stream that inflates to it, reusing the runs of glyphs documents share', () => {
    for (const font of [documentFont('regular'), dejavu]) {
      for (const text of TEXTS) {
        const bytes = subsetOf(font, text).encode();
        const stream = deflateFontFile(bytes, 1);
        assert.ok(stream, 'a subset the desk encoded is deflated in runs');
        assert.deepEqual(inflateSync(stream), Buffer.from(bytes), `${font.postscriptName}: ${text}`);
        // Deflated again: every run comes from the cache, and the stream is the same.
        const before = { ...fontRunCounts };
        assert.deepEqual(deflateFontFile(subsetOf(font, text).encode(), 1), stream);
        assert.ok(fontRunCounts.reused > before.reused);
        // A run holding a composite glyph names its components by their subset ids: never reused.
        const composite = font === dejavu && /[éǅ]/.test(text);
        if (composite) assert.ok(fontRunCounts.deflated > before.deflated);
        else assert.equal(fontRunCounts.deflated, before.deflated);
      }
    }
    // A document that differs by a name: only the runs around the new characters are deflated anew.
    const font = documentFont('regular');
    const text = TEXTS[1]! + '如对本答复不服，可以在收到本答复之日起60日内向北京市东城区人民政府申请行政复议，或者在6个月内向北京市东城区人民法院提起行政诉讼。';
    deflateFontFile(subsetOf(font, '张某某：' + text).encode(), 1);
    const before = { ...fontRunCounts };
    const other = subsetOf(font, '欧阳翠花：' + text).encode();
    const stream = deflateFontFile(other, 1)!;
    assert.deepEqual(inflateSync(stream), Buffer.from(other));
    const deflated = fontRunCounts.deflated - before.deflated;
    const reused = fontRunCounts.reused - before.reused;
    assert.ok(reused >= 5 && deflated <= 4, `deflated ${deflated}, reused ${reused}`);
    // At most 15 % larger than the whole file deflated at once.
    const whole = deflateRawSync(other, { level: 1 }).length;
    assert.ok(stream.length <= whole * 1.15, `${stream.length} against ${whole}`);
  });

  it('leaves other bytes, and a font whose bytes it would not reproduce, to zlib and fontkit', () => {
    assert.equal(deflateFontFile(Buffer.from('not a font file'), 1), null);
    const fresh = fontkit.create(readFileSync(DEJAVU));
    const theirs = new Uint8Array([1, 2, 3]);
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (m: string) => warnings.push(m);
    try {
      assert.equal(encodeSubset(subsetOf(fresh, 'abc'), () => theirs), theirs);
      assert.equal(encodeSubset(subsetOf(fresh, 'abc'), () => theirs), null, 'the font is left to fontkit from then on');
    } finally {
      console.warn = warn;
    }
    assert.match(warnings.join('\n'), /DejaVuSans.*fontkit encodes its subsets/);
  });

  it('prints and extracts the same text with a subset deflated in runs, in both weights and the fallback', async function () {
    const content = reply({ title: '关于𪚥字的答复书', addressee: '张𠀀某：' });
    const first = await renderDocumentPdf(content, { seal: VECTOR_SEAL, signer: null });
    const second = await renderDocumentPdf(content, { seal: VECTOR_SEAL, signer: null });
    assert.deepEqual(second, first, 'the same bytes, runs from the cache or not');
    const text = compactText(first);
    for (const s of ['关于𪚥字的答复书', '张𠀀某：', '第三十六条第（一）项']) assert.ok(text.includes(s), s);
  });
});
