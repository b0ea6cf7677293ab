import assert from 'node:assert/strict';
import fc from 'fast-check';
import { breakParagraph, spacingFor, type BreakOptions } from '../../server/documents/typeset.js';
import { textWidth } from '../../server/documents/fonts.js';
import { BLOCK_WIDTH, BODY_SIZE, CELL } from '../../server/documents/page-geometry.js';

const CLOSING = '，。、；：？！）」』】》”’…';
const OPENING = '（「『【《“‘';

const body = (firstIndent = 2 * CELL): BreakOptions => ({
  lineWidth: BLOCK_WIDTH,
  firstIndent,
  maxOverflow: CELL,
  measure: (t) => textWidth(t, BODY_SIZE),
});

const ideographs = (n: number): string => '政府信息公开申请答复书经审查属于本机关负责范围'.repeat(10).slice(0, n);

describe('line breaking on the GB/T 9704 grid', function () {
  it('fits exactly 28 ideographs on a line, 26 on an indented first line', function () {
    const lines = breakParagraph(ideographs(26 + 28 + 5), body());
    assert.deepEqual(lines.map((l) => [...l.text].length), [26, 28, 5]);
    assert.ok(Math.abs(lines[1]!.width - BLOCK_WIDTH) < 0.01, 'a full line is exactly 156 mm');
    assert.equal(spacingFor(lines[1]!, CELL), 0, 'a full ideograph line needs no spacing');
  });

  it('pulls a comma that would start a line onto the previous line and compresses it', function () {
    const text = ideographs(28) + '，' + ideographs(10);
    const lines = breakParagraph(text, body(0));
    assert.equal(lines[0]!.text, ideographs(28) + '，');
    assert.ok(spacingFor(lines[0]!, CELL) < 0, 'the overfull line is compressed');
    assert.ok(lines[0]!.width + spacingFor(lines[0]!, CELL) * 28 <= BLOCK_WIDTH + 0.01);
  });

  it('pushes a character down with a closing quote and full stop that cannot both hang', function () {
    const text = ideographs(27) + '。”' + ideographs(3) + '。”' + ideographs(10);
    const lines = breakParagraph(text, body(0));
    for (const l of lines.slice(1)) assert.ok(!CLOSING.includes([...l.text][0]!), `line starts with ${l.text[0]}`);
  });

  it('never ends a line with an opening quote or bracket', function () {
    const text = ideographs(27) + '“' + ideographs(6) + '”' + ideographs(30);
    const lines = breakParagraph(text, body(0));
    assert.equal(lines[0]!.text, ideographs(27));
    assert.ok(lines[1]!.text.startsWith('“'));
    assert.ok(spacingFor(lines[0]!, CELL) > 0, 'the short line is justified to full width');
  });

  it('keeps digits and Latin proportional without exceeding the line', function () {
    const text = '本机关于2026年2月20日收到你提出的申请，编号为ABC-2026-000123，申请获取2025年度国有建设用地供应计划的执行情况。'.repeat(3);
    const lines = breakParagraph(text, body());
    for (const l of lines) {
      const glyphs = [...l.text].length;
      const rendered = l.width + spacingFor(l, CELL) * (glyphs - 1);
      assert.ok(rendered <= l.available + 0.01, `line too wide: ${l.text}`);
    }
    assert.ok(lines.some((l) => [...l.text].length > 28), 'narrow digits let more than 28 characters fit');
  });

  it('breaks a long URL instead of leaving a letter-spaced line', function () {
    const text = '可通过东城区人民政府门户网站门户网站（http://www.bjdch.gov.cn/zwgk/zfxxgk/index.html）查询获取。';
    const lines = breakParagraph(text, body());
    for (const l of lines.slice(0, -1)) assert.ok(spacingFor(l, CELL) < CELL / 4, `loose line: ${l.text}`);
    assert.equal(lines.map((l) => l.text).join(''), text);
  });

  it('keeps every character, never starts a line with closing or ends one with opening punctuation', function () {
    const word = fc.string({ unit: fc.constantFrom(...'政府信息公开申请答复书第二十条规定机关'), minLength: 1, maxLength: 8 });
    const latin = fc.constantFrom('2026', 'GB/T 9704', 'PDF', '60', 'ABC-2026-000123');
    const closing = fc.constantFrom('，', '。', '、', '；', '：', '？', '！', '）', '》', '”', '。”', '……');
    const piece = fc.tuple(fc.boolean(), fc.oneof(word, latin), fc.option(closing, { nil: '' })).map(
      ([quoted, w, c]) => (quoted ? `“${w}”` : w) + c,
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 60 }), (pieces) => {
        const text = pieces.join('');
        const lines = breakParagraph(text, body());
        assert.equal(lines.map((l) => l.text).join('').replace(/\s/g, ''), text.replace(/\s/g, ''));
        lines.forEach((l, k) => {
          const chars = [...l.text];
          if (k > 0) assert.ok(!CLOSING.includes(chars[0]!), `line ${k} starts with ${chars[0]}: ${l.text}`);
          if (k < lines.length - 1) assert.ok(!OPENING.includes(chars[chars.length - 1]!), `line ${k} ends with ${chars.at(-1)}`);
          assert.ok(l.width <= l.available + CELL + 0.01, `line ${k} overflows by more than one cell`);
        });
      }),
      { numRuns: 200 },
    );
  });
});
