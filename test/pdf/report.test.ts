import assert from 'node:assert/strict';
import { layoutReport, renderReportPdf, type ReportDocument } from '../../server/reports/report-pdf.js';
import { columnWidths, layoutTable } from '../../server/reports/table-pdf.js';
import {
  BLOCK_BOTTOM,
  BLOCK_LEFT,
  BLOCK_RIGHT,
  BLOCK_TOP,
  BLOCK_WIDTH,
  CELL,
  PAGE_WIDTH,
  lineTop,
} from '../../server/documents/page-geometry.js';
import { AGENCY, pdftotext, requireTools, run, writeTemp } from './pdf-helpers.js';

const close = (a: number, b: number, eps = 0.01): boolean => Math.abs(a - b) < eps;
const squash = (s: string): string => s.replace(/\s+/g, '');

const COLUMNS = ['序号', '证据名称', '文号', '形成日期', 'SHA-256 前 16 位', '证明目的'];

/** A hex string that differs for every row. */
const hash = (i: number): string => ((i * 2654435761) >>> 0).toString(16).padStart(8, '0') + ((i * 40503) >>> 0).toString(16).padStart(8, '0');

function evidenceRows(n: number): string[][] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + 1;
    // Short enough for one line per row at 4号 (a full 16-digit hash takes a quarter of the width).
    return [String(i), `答复书${i}`, `第${i}号`, `3月${(i % 28) + 1}日`, hash(i), `证明事项${i}`];
  });
}

function evidenceList(rows: string[][], extra: Partial<ReportDocument> = {}): ReportDocument {
  return {
    title: '证据清单',
    subtitle: 'DD-2026-0012 · 北京市东城区规划和自然资源局',
    agencyName: AGENCY,
    date: '2026-03-12',
    sections: [{ heading: '一、证据目录', table: { columns: COLUMNS, rows } }],
    ...extra,
  };
}

/** pdftotext output split into pages (pdftotext ends every page with a form feed). */
function pages(pdf: Buffer, layout: boolean): string[] {
  return pdftotext(pdf, layout).split('\f').slice(0, -1);
}

describe('reports (证据清单, 通报)', function () {
  const rows = evidenceRows(60);
  const report = evidenceList(rows);
  let pdf: Buffer;

  before(async function () {
    this.timeout(60_000);
    pdf = await renderReportPdf(report);
  });

  it('sets the title in 2号 bold centred on the first grid line, headings bold and indented two characters', function () {
    const intro = {
      heading: '一、案件基本情况',
      paragraphs: ['申请人张某于2026年2月20日向本机关申请公开政府信息。以下证据材料均由本系统生成或登记，电子文书附有电子签名，可核验其 SHA-256 值。'],
    };
    const { pages: laid } = layoutReport({ ...report, sections: [intro, ...report.sections] });
    const [title, subtitle, heading, body] = laid[0]!.lines;
    assert.equal(title!.text, '证据清单');
    assert.equal(title!.size, 22);
    assert.equal(title!.weight, 'bold');
    assert.ok(close(title!.top, BLOCK_TOP));
    assert.ok(close(title!.x + title!.width / 2, BLOCK_LEFT + BLOCK_WIDTH / 2));
    assert.ok(close(subtitle!.top, lineTop(1)));
    assert.equal(heading!.text, '一、案件基本情况');
    assert.equal(heading!.weight, 'bold');
    assert.ok(close(heading!.top, lineTop(3)), 'a blank line after the title block');
    assert.ok(close(heading!.x, BLOCK_LEFT + 2 * CELL));
    assert.ok(close(body!.top, lineTop(4)));
    assert.equal(body!.weight, 'regular');
  });

  it('spreads a 60-row table over three pages, repeating the header row and never splitting a row', function () {
    const layout = layoutReport(report);
    const table = layout.tables[0]!;
    assert.equal(table.headers.length, 3, 'three pages of table');
    assert.deepEqual(table.headers.map((h) => h.pageIndex), [0, 1, 2]);
    for (const h of table.headers.slice(1)) assert.ok(close(h.top, BLOCK_TOP), 'a continued table starts at the top of the page');
    assert.equal(table.rows.length, 60);
    let previous = { pageIndex: 0, bottom: table.headers[0]!.bottom };
    for (const [i, row] of table.rows.entries()) {
      assert.equal(row.pages, 1, `row ${i + 1} is on one page`);
      assert.ok(row.top >= BLOCK_TOP - 0.01 && row.bottom <= BLOCK_BOTTOM + 0.01, `row ${i + 1} inside the text block`);
      if (row.pageIndex === previous.pageIndex) assert.ok(close(row.top, previous.bottom), `row ${i + 1} follows the row above`);
      else {
        const header = table.headers.find((h) => h.pageIndex === row.pageIndex)!;
        assert.ok(close(row.top, header.bottom), `row ${i + 1} sits under the repeated header`);
      }
      previous = row;
    }
    // Every page of the table is full up to the room left for one more row.
    for (let p = 0; p < 2; p++) {
      const last = table.rows.filter((r) => r.pageIndex === p).at(-1)!;
      const next = table.rows.find((r) => r.pageIndex === p + 1)!;
      assert.ok(last.bottom + (next.bottom - next.top) > BLOCK_BOTTOM, `page ${p + 1} took as many rows as fit`);
    }
  });

  it('pdftotext finds the header on every page of the table and every row whole, on one line of one page', function () {
    requireTools('pdftotext');
    const layout = layoutReport(report);
    const text = pages(pdf, true);
    assert.equal(text.length, layout.pages.length);
    const table = layout.tables[0]!;
    for (const h of table.headers) {
      const page = squash(text[h.pageIndex]!);
      for (const c of ['序号', '证据名称', '文号', '形成日期', '证明目的']) assert.ok(page.includes(c), `header ${c} on page ${h.pageIndex + 1}`);
    }
    for (const [i, row] of rows.entries()) {
      const pattern = new RegExp('^\\s*' + row.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+') + '\\s*$', 'm');
      const where = text.map((t, p) => (pattern.test(t) ? p : -1)).filter((p) => p >= 0);
      assert.deepEqual(where, [table.rows[i]!.pageIndex], `row ${i + 1} found once, on its page`);
    }
  });

  it('wraps long text inside its cell and keeps a tall row whole', async function () {
    requireTools('pdftotext');
    const long = '证明已依法作出答复及其理由、依据和救济途径，并已依法送达申请人，申请人对答复内容无异议。';
    const mixed = evidenceRows(40).map((r, k) => (k % 4 === 3 ? [...r.slice(0, 5), long.repeat(1 + (k % 3))] : r));
    const doc = evidenceList(mixed);
    const layout = layoutReport(doc);
    const table = layout.tables[0]!;
    assert.ok(table.headers.length >= 2);
    assert.equal(table.rows.length, 40);
    for (const row of table.rows) assert.equal(row.pages, 1);
    const laid = layoutTable(doc.sections[0]!.table!);
    for (const [k, row] of laid.rows.entries()) {
      if (k % 4 === 3) assert.ok(row.cells[5]!.lines.length > 1, 'the long purpose wraps');
      // No line is wider than its cell.
      row.cells.forEach((cell, c) => {
        for (const l of cell.lines) assert.ok(l.offset + l.width <= laid.widths[c]! - 6.9, `line fits its cell: ${l.text}`);
      });
    }
    // Each cell's lines, as laid out, are on the row's page; together they are the cell's text.
    const text = pages(await renderReportPdf(doc), false).map(squash);
    for (const [k, row] of table.rows.entries()) {
      const page = text[row.pageIndex]!;
      laid.rows[k]!.cells.forEach((cell, c) => {
        assert.equal(cell.lines.map((l) => l.text).join(''), squash(mixed[k]![c]!));
        for (const l of cell.lines) assert.ok(page.includes(squash(l.text)), `row ${k + 1}: ${l.text} on page ${row.pageIndex + 1}`);
      });
    }
  });

  it('splits only a row taller than a page, between its lines, under repeated headers', async function () {
    requireTools('pdftotext');
    const long = '本机关对申请人提出的政府信息公开申请进行了全面检索，相关信息由多个内设机构分别制作和保存。'.repeat(40);
    const doc: ReportDocument = {
      title: '证据清单',
      agencyName: AGENCY,
      date: '2026-03-12',
      sections: [{ heading: '一、证据目录', paragraphs: ['说明。'], table: { columns: ['序号', '名称', '说明'], rows: [['1', '检索记录', long], ['2', '答复书', '证明已答复']] } }],
    };
    const layout = layoutReport(doc);
    const [big, small] = layout.tables[0]!.rows;
    assert.ok(big!.pages > 1, 'the tall row spans pages');
    assert.equal(big!.pageIndex, 0, 'it starts under the header on the first page');
    assert.equal(layout.tables[0]!.headers.length, big!.pages);
    assert.equal(small!.pages, 1);
    const text = squash(pages(await renderReportPdf(doc), false).join(''));
    assert.ok(text.includes('证明已答复'));
    const laid = layoutTable(doc.sections[0]!.table!);
    assert.equal(laid.rows[0]!.cells[2]!.lines.map((l) => l.text).join(''), long);
    for (const l of laid.rows[0]!.cells[2]!.lines) assert.ok(text.includes(squash(l.text)));
  });

  it('fills the text block with the columns, honouring given relative widths', function () {
    const auto = columnWidths({ columns: COLUMNS, rows });
    assert.ok(close(auto.reduce((a, b) => a + b, 0), BLOCK_WIDTH));
    const given = columnWidths({ columns: ['机关', '新收案件', '被纠错'], rows: [['区政府', '3', '1']], widths: [2, 1, 1] });
    assert.ok(close(given[0]!, BLOCK_WIDTH / 2) && close(given[1]!, BLOCK_WIDTH / 4) && close(given[2]!, BLOCK_WIDTH / 4));
    // A column is never narrower than two characters, even if the caller asks for it.
    const narrow = columnWidths({ columns: ['序号', '内容'], rows: [['1', '内容']], widths: [1, 100] });
    assert.ok(narrow[0]! >= 2 * 14);
  });

  it('closes with the agency name two characters from the right edge and the date below it', function () {
    const layout = layoutReport(report);
    const last = layout.pages.at(-1)!.lines;
    const date = last.at(-1)!;
    const name = last.at(-2)!;
    assert.equal(name.text, AGENCY);
    assert.equal(date.text, '2026年3月12日');
    assert.ok(close(name.x + name.width, BLOCK_RIGHT - 2 * CELL));
    assert.ok(close(date.x, name.x + 2 * CELL));
    assert.ok(close(date.top - name.top, lineTop(1) - lineTop(0)));
  });

  it('numbers every page — N — and embeds the CJK fonts as subsets', function () {
    requireTools('pdftotext', 'pdffonts', 'pdfinfo');
    const text = pages(pdf, true);
    text.forEach((t, i) => assert.match(t, new RegExp(`—\\s*${i + 1}\\s*—`), `page ${i + 1} numbered`));
    const fonts = run('pdffonts', [writeTemp(pdf, 'fonts')]).stdout.split('\n').slice(2).filter((l) => l.trim());
    assert.ok(fonts.length >= 2);
    for (const line of fonts) {
      assert.match(line, /^[A-Z]{6}\+NotoSerifSC-(Regular|Bold)\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/, line);
    }
    const info = run('pdfinfo', ['-isodates', writeTemp(pdf, 'info')]).stdout;
    assert.match(info, /Title:\s+证据清单/);
    assert.match(info, /Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
    assert.match(info, new RegExp(`Pages:\\s+${layoutReport(report).pages.length}\\b`));
  });

  it('renders a briefing of paragraphs and count tables, the same bytes every time', async function () {
    requireTools('pdftotext');
    const briefing: ReportDocument = {
      title: '政府信息公开行政复议和行政诉讼案件情况通报',
      subtitle: '北京市东城区 · 2026年第一季度',
      agencyName: AGENCY,
      date: '2026-04-08',
      sections: [
        { heading: '一、总体情况', paragraphs: ['本季度新收行政复议案件3件、行政诉讼案件2件；审结4件，纠错率25.0%。'], table: { columns: ['类型', '维持', '纠正', '其他', '合计'], rows: [['行政复议', '2', '1', '0', '3'], ['行政诉讼', '1', '0', '0', '1']] } },
        { heading: '二、被纠错案件及原因', paragraphs: ['本期无被纠错案件。'] },
      ],
    };
    const a = await renderReportPdf(briefing);
    const b = await renderReportPdf(briefing);
    assert.ok(a.equals(b));
    const text = pdftotext(a);
    assert.match(squash(text), /政府信息公开行政复议和行政诉讼案件情况通报/);
    assert.match(text, /^\s*行政复议\s+2\s+1\s+0\s+3\s*$/m);
    assert.match(text, /^\s*行政诉讼\s+1\s+0\s+0\s+1\s*$/m);
    assert.match(text, /2026年4月8日/);
    assert.ok(squash(text).indexOf('本期无被纠错案件') > squash(text).indexOf('行政诉讼1001'), 'the text after the table follows it');
    // A table's rules stay inside the page.
    const rules = layoutReport(briefing).pages.flatMap((page) => page.rules);
    assert.ok(rules.length > 0, 'the table is ruled');
    for (const r of rules) assert.ok(r.x1 >= BLOCK_LEFT - 0.01 && r.x2 <= PAGE_WIDTH);
  });

  it('rejects a malformed date', async function () {
    await assert.rejects(renderReportPdf({ ...report, date: '2026-02-30' }), RangeError);
  });
});
