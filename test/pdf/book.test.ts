import assert from 'node:assert/strict';
import { chapterLabel, chineseNumber, layoutBook, renderBookPdf, type Book, type BookChapter } from '../../server/reports/book-pdf.js';
import { BLOCK_LEFT, BLOCK_TOP, BLOCK_WIDTH, CELL, LINES_PER_PAGE } from '../../server/documents/page-geometry.js';
import { AGENCY, pdftotext, requireTools, run, writeTemp } from './pdf-helpers.js';

const close = (a: number, b: number, eps = 0.01): boolean => Math.abs(a - b) < eps;
const squash = (s: string): string => s.replace(/\s+/g, '');
const PAGE_NUMBER = /—\s*(\d+)\s*—/;
const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const FACT =
  '申请人于2026年2月20日向被申请人申请公开某地块规划调整的讨论记录。被申请人以该信息属于过程性信息为由答复不予公开，申请人不服，申请行政复议。';

/** A chapter whose 基本案情 has `paragraphs` paragraphs (about four grid lines each). */
function chapter(title: string, paragraphs: number): BookChapter {
  return {
    title,
    sections: [
      { heading: '基本案情', paragraphs: Array.from({ length: paragraphs }, (_, k) => `（${k + 1}）${FACT}`) },
      { heading: '争议焦点', paragraphs: ['讨论记录是否属于过程性信息；答复是否说明理由。'] },
      { heading: '处理结果', paragraphs: ['复议机关撤销答复，责令被申请人在十五个工作日内重新答复。'] },
      { heading: '启示', paragraphs: ['以过程性信息为由不予公开的，应当具体说明理由。'] },
    ],
  };
}

function book(chapters: BookChapter[]): Book {
  return { title: '政府信息公开行政复议和行政诉讼案例汇编', subtitle: '（2026年第一辑）', agencyName: AGENCY, date: '2026-03-12', chapters };
}

const FIVE = book([
  chapter('案例一　张某诉某区人民政府政府信息公开案', 1),
  chapter('案例二　李某诉某区规划和自然资源局政府信息公开案', 3),
  chapter('案例三　王某诉某区住房和城乡建设委员会政府信息公开案', 12), // three pages; its entry wraps
  chapter('案例四　赵某诉某区市场监督管理局政府信息公开案', 6),
  chapter('案例五　某有限公司诉某区财政局政府信息公开案', 2),
]);

/** pdftotext per page (pdftotext ends every page with a form feed). */
function pages(pdf: Buffer, layout = false): string[] {
  return pdftotext(pdf, layout).split('\f').slice(0, -1);
}

/** One page's text as `pdftotext -f N -l N` gives it. */
function pageText(file: string, page: number): string {
  return run('pdftotext', ['-f', String(page), '-l', String(page), file, '-']).stdout;
}

describe('案例汇编 (compendium)', function () {
  let rendered: { pdf: Buffer; toc: { title: string; page: number }[] };

  before(async function () {
    this.timeout(60_000);
    rendered = await renderBookPdf(FIVE);
  });

  it('starts each chapter on a new page; one of the five takes three pages', function () {
    const layout = layoutBook(FIVE);
    const starts = layout.chapterPageIndex;
    const lengths = starts.map((s, i) => (starts[i + 1] ?? layout.pages.length) - s);
    assert.deepEqual(lengths.map((l) => l >= 1), [true, true, true, true, true]);
    assert.equal(lengths[2], 3, 'case three runs over three pages');
    assert.equal(new Set(lengths).size > 1, true, 'chapters of varying length');
    for (const [i, s] of starts.entries()) {
      const [label, ...title] = layout.pages[s]!.lines;
      assert.equal(label!.text, chapterLabel(FIVE.chapters[i]!.title, i).label);
      assert.ok(close(label!.top, BLOCK_TOP), 'the label sits on the first grid line');
      assert.ok(close(label!.x + label!.width / 2, BLOCK_LEFT + BLOCK_WIDTH / 2), 'centred');
      assert.equal(label!.size, 22);
      assert.equal(label!.weight, 'bold');
      assert.ok(title.some((l) => l.text === '一、基本案情' && l.weight === 'bold' && close(l.x, BLOCK_LEFT + 2 * CELL)));
    }
  });

  it('prints each chapter title on exactly the page its table-of-contents entry gives', function () {
    requireTools('pdftotext');
    const file = writeTemp(rendered.pdf, 'book');
    const { toc } = rendered;
    assert.deepEqual(toc.map((e) => e.title), FIVE.chapters.map((c) => c.title));
    const all = pages(rendered.pdf);
    const tocPages = layoutBook(FIVE).tocPages;
    for (const entry of toc) {
      // Printed page N is the PDF's page N + 1 (the cover has no number).
      const text = pageText(file, entry.page + 1);
      assert.ok(squash(text).includes(squash(entry.title)), `“${entry.title}” on PDF page ${entry.page + 1}`);
      assert.equal(PAGE_NUMBER.exec(text)?.[1], String(entry.page), 'the page prints the number the contents give');
      // …and on no other page but the contents.
      all.forEach((t, i) => {
        if (i === entry.page || (i >= 1 && i <= tocPages)) return;
        assert.ok(!squash(t).includes(squash(entry.title)), `“${entry.title}” not on PDF page ${i + 1}`);
      });
    }
  });

  it('lists every chapter in order in the 目录 with dot leaders and its page number', function () {
    requireTools('pdftotext');
    const layout = layoutBook(FIVE);
    const text = pages(rendered.pdf, true).slice(1, 1 + layout.tocPages).join('\n');
    assert.match(text, /目\s*录/);
    // Squashed, a wrapped entry reads on: label, title, leaders, number.
    const flat = squash(text);
    let from = 0;
    assert.equal(rendered.toc.length, FIVE.chapters.length, 'one entry per chapter');
    for (const [i, entry] of rendered.toc.entries()) {
      const { label, text: title } = chapterLabel(FIVE.chapters[i]!.title, i);
      const line = new RegExp(`${escapeRegExp(label + title)}\\.{2,}(\\d+)`);
      const m = line.exec(flat.slice(from));
      assert.ok(m, `entry for ${label}`);
      assert.equal(Number(m[1]), entry.page);
      from += m.index + m[0].length;
    }
    // The wrapped entry keeps its title clear of the numbers column, its last line carries the leaders.
    assert.match(text, /^\s*案例三\s+王某诉[^\d.]*$/m);
    // Numbers grow from chapter to chapter; the first chapter follows the contents.
    assert.equal(rendered.toc[0]!.page, layout.tocPages + 1);
    for (let i = 1; i < rendered.toc.length; i++) assert.ok(rendered.toc[i]!.page > rendered.toc[i - 1]!.page);
  });

  it('has a cover with title, subtitle, agency and date but no page number; numbered pages after it', function () {
    requireTools('pdftotext', 'pdfinfo');
    const all = pages(rendered.pdf);
    assert.ok(all.length > 1, 'a cover and numbered pages');
    const cover = all[0]!;
    assert.doesNotMatch(cover, PAGE_NUMBER);
    assert.ok(squash(cover).includes(squash(FIVE.title)));
    assert.ok(cover.includes('（2026年第一辑）'));
    assert.ok(cover.includes(AGENCY));
    assert.ok(cover.includes('2026年3月12日'));
    all.slice(1).forEach((t, i) => assert.equal(PAGE_NUMBER.exec(t)?.[1], String(i + 1), `PDF page ${i + 2} is printed page ${i + 1}`));
    const info = run('pdfinfo', [writeTemp(rendered.pdf, 'info')]).stdout;
    assert.match(info, new RegExp(`Pages:\\s+${all.length}\\b`));
    assert.match(info, /Title:\s+政府信息公开行政复议和行政诉讼案例汇编/);
  });

  it('keeps the numbers right when the contents take several pages', async function () {
    requireTools('pdftotext');
    const many = book(Array.from({ length: 45 }, (_, i) => chapter(`案例${chineseNumber(i + 1)}　某某诉某区人民政府政府信息公开案（第${i + 1}件）`, 1 + (i % 4) * 3)));
    const layout = layoutBook(many);
    assert.ok(layout.tocPages >= 2, `contents over ${layout.tocPages} pages`);
    const { pdf, toc } = await renderBookPdf(many);
    assert.equal(toc.length, 45);
    assert.equal(toc[0]!.page, layout.tocPages + 1);
    const all = pages(pdf);
    for (const entry of toc) {
      const text = all[entry.page]!;
      assert.ok(squash(text).includes(squash(entry.title)), `${entry.title} on printed page ${entry.page}`);
      assert.equal(PAGE_NUMBER.exec(text)?.[1], String(entry.page));
    }
    // The contents pages hold entries only; the first chapter opens the page after them.
    for (let p = 1; p <= layout.tocPages; p++) {
      assert.ok(squash(all[p]!).includes('案例'), `contents page ${p}`);
      assert.ok(!all[p]!.includes('基本案情'), `no chapter text on contents page ${p}`);
    }
    // Each contents page but the last is filled to its last grid line or to an entry that would not fit.
    const entryLines = layout.pages.slice(1, layout.tocPages).map((pg) => new Set(pg.lines.map((l) => l.top)).size);
    for (const n of entryLines) assert.ok(n >= LINES_PER_PAGE - 2, `${n} lines used`);
  });

  it('renders the same bytes for the same book and embeds font subsets', async function () {
    requireTools('pdffonts');
    const again = await renderBookPdf(FIVE);
    assert.ok(again.pdf.equals(rendered.pdf));
    const fonts = run('pdffonts', [writeTemp(rendered.pdf, 'fonts')]).stdout.split('\n').slice(2).filter((l) => l.trim());
    assert.ok(fonts.length >= 2, 'body and bold fonts are listed');
    for (const line of fonts) assert.match(line, /^[A-Z]{6}\+NotoSerifSC-(Regular|Bold)\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/, line);
  });

  it('labels chapters 案例一… unless the title brings its own label', function () {
    assert.deepEqual(chapterLabel('案例三　张某诉某区政府案', 0), { label: '案例三', text: '张某诉某区政府案' });
    assert.deepEqual(chapterLabel('第二章 总则', 0), { label: '第二章', text: '总则' });
    assert.deepEqual(chapterLabel('张某诉某区政府案', 4), { label: '案例五', text: '张某诉某区政府案' });
    assert.deepEqual(chapterLabel('第三人撤销之诉', 0), { label: '案例一', text: '第三人撤销之诉' });
    const numerals: [number, string][] = [
      [1, '一'], [9, '九'], [10, '十'], [11, '十一'], [20, '二十'], [45, '四十五'], [99, '九十九'], [100, '一百'],
      [101, '一百零一'], [110, '一百一十'], [115, '一百一十五'], [200, '二百'], [1000, '一千'], [1010, '一千零一十'], [1100, '一千一百'],
    ];
    for (const [n, s] of numerals) assert.equal(chineseNumber(n), s, String(n));
  });

  it('rejects a malformed date', async function () {
    await assert.rejects(renderBookPdf({ ...FIVE, date: '12.3.2026' }), RangeError);
  });
});
