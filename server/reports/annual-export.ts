import ExcelJS from 'exceljs';
import type { User } from '../admin/user-store.js';
import type { AppContext } from '../context.js';
import { annualReport, TABLE3_COLUMNS, type AnnualReport } from './annual-report.js';
import { TABLE4_COLUMNS, TABLE4_ROWS, type Table4Column, type Table4Row } from './annual-cells.js';
import { renderReportPdf, type ReportDocument } from './report-pdf.js';
import { CSV_BOM, CSV_EOL, csvLine } from './csv.js';
import { PRODUCT_NAME } from '../../workflows/terms.js';

// Tables 三 and 四 of the annual report laid out as the official format (国办公开办函〔2021〕30号,
// domain.md §6): the row labels verbatim, the merged header cells. One description of the layout
// serves the page, the XLSX, the CSV and the PDF.

export const TABLE3_TITLE = '三、收到和处理政府信息公开申请情况';
export const TABLE4_TITLE = '四、政府信息公开行政复议、行政诉讼情况';
/** The corner cell of table 三, verbatim. */
export const TABLE3_CORNER = '（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）';
export const APPLICANTS_HEADER = '申请人情况';
export const ORGANISATIONS_HEADER = '法人或其他组织';
export const TABLE3_COLUMN_LABELS: Record<(typeof TABLE3_COLUMNS)[number], string> = {
  natural_person: '自然人',
  commercial: '商业企业',
  research: '科研机构',
  social_welfare: '社会公益组织',
  legal_services: '法律服务机构',
  other_org: '其他',
  total: '总计',
};

export interface Table3Line {
  /** The row's key in AnnualReport.table3.rows. */
  key: string;
  /** The label in the row's own cell, verbatim. */
  label: string;
  /** '三、本年度办理结果' for the rows of the results section. */
  section: string | null;
  /** '（三）不予公开' etc. for the numbered rows under a heading. */
  group: string | null;
}

const RESULTS = '三、本年度办理结果';
const WITHHOLD = '（三）不予公开';
const UNAVAILABLE = '（四）无法提供';
const NOT_PROCESSED = '（五）不予处理';
const OTHER = '（六）其他处理';

/** Every row of table 三 in the official order, with its label verbatim from the official format. */
export const TABLE3_LINES: readonly Table3Line[] = [
  { key: 'new', label: '一、本年新收政府信息公开申请数量', section: null, group: null },
  { key: 'carried_in', label: '二、上年结转政府信息公开申请数量', section: null, group: null },
  { key: 'disclose', label: '（一）予以公开', section: RESULTS, group: null },
  { key: 'partial', label: '（二）部分公开（区分处理的，只计这一情形，不计其他情形）', section: RESULTS, group: null },
  { key: 'withhold.state_secret', label: '1.属于国家秘密', section: RESULTS, group: WITHHOLD },
  { key: 'withhold.law_prohibited', label: '2.其他法律行政法规禁止公开', section: RESULTS, group: WITHHOLD },
  { key: 'withhold.security_stability', label: '3.危及“三安全一稳定”', section: RESULTS, group: WITHHOLD },
  { key: 'withhold.third_party', label: '4.保护第三方合法权益', section: RESULTS, group: WITHHOLD },
  { key: 'withhold.internal_affairs', label: '5.属于三类内部事务信息', section: RESULTS, group: WITHHOLD },
  { key: 'withhold.process_info', label: '6.属于四类过程性信息', section: RESULTS, group: WITHHOLD },
  { key: 'withhold.enforcement_file', label: '7.属于行政执法案卷', section: RESULTS, group: WITHHOLD },
  { key: 'withhold.inquiry', label: '8.属于行政查询事项', section: RESULTS, group: WITHHOLD },
  { key: 'unavailable.not_held', label: '1.本机关不掌握相关政府信息', section: RESULTS, group: UNAVAILABLE },
  { key: 'unavailable.needs_creation', label: '2.没有现成信息需要另行制作', section: RESULTS, group: UNAVAILABLE },
  { key: 'unavailable.unclear', label: '3.补正后申请内容仍不明确', section: RESULTS, group: UNAVAILABLE },
  { key: 'not_processed.petition', label: '1.信访举报投诉类申请', section: RESULTS, group: NOT_PROCESSED },
  { key: 'not_processed.repeat', label: '2.重复申请', section: RESULTS, group: NOT_PROCESSED },
  { key: 'not_processed.publication', label: '3.要求提供公开出版物', section: RESULTS, group: NOT_PROCESSED },
  { key: 'not_processed.excessive', label: '4.无正当理由大量反复申请', section: RESULTS, group: NOT_PROCESSED },
  { key: 'not_processed.confirm_or_reissue', label: '5.要求行政机关确认或重新出具已获取信息', section: RESULTS, group: NOT_PROCESSED },
  { key: 'other.correction_lapsed', label: '1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请', section: RESULTS, group: OTHER },
  { key: 'other.fee_unpaid', label: '2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请', section: RESULTS, group: OTHER },
  { key: 'other.other', label: '3.其他', section: RESULTS, group: OTHER },
  { key: 'total', label: '（七）总计', section: RESULTS, group: null },
  { key: 'carried_out', label: '四、结转下年度继续办理', section: null, group: null },
];

/** The label path of a row, verbatim parts joined by a space (e.g. '三、本年度办理结果 （三）不予公开 1.属于国家秘密'). */
export const table3LinePath = (line: Table3Line): string => [line.section, line.group, line.label].filter((x): x is string => !!x).join(' ');

export interface LabelCell {
  text: string;
  /** 0, 1 or 2: the first of the three label columns the cell occupies. */
  col: number;
  colspan: number;
  rowspan: number;
}

/**
 * The label cells each row of table 三 opens, as in the official table: 一/二/四 span the three label
 * columns; 三、本年度办理结果 spans its rows in the first column; （一）（二）（七） span the second and
 * third; （三）–（六） span their numbered rows in the second column.
 */
export function table3LabelCells(): LabelCell[][] {
  const span = (pick: (l: Table3Line) => string | null, i: number) => {
    let n = 0;
    const v = pick(TABLE3_LINES[i]!);
    while (i + n < TABLE3_LINES.length && pick(TABLE3_LINES[i + n]!) === v) n += 1;
    return n;
  };
  return TABLE3_LINES.map((line, i) => {
    const prev = i > 0 ? TABLE3_LINES[i - 1]! : null;
    const cells: LabelCell[] = [];
    if (!line.section) return [{ text: line.label, col: 0, colspan: 3, rowspan: 1 }];
    if (prev?.section !== line.section) cells.push({ text: line.section, col: 0, colspan: 1, rowspan: span((l) => l.section, i) });
    if (!line.group) cells.push({ text: line.label, col: 1, colspan: 2, rowspan: 1 });
    else {
      if (prev?.group !== line.group) cells.push({ text: line.group, col: 1, colspan: 1, rowspan: span((l) => l.group, i) });
      cells.push({ text: line.label, col: 2, colspan: 1, rowspan: 1 });
    }
    return cells;
  });
}

export const TABLE4_GROUP_LABELS: Record<Table4Row, { kind: string; sub: string | null }> = {
  reconsideration: { kind: '行政复议', sub: null },
  litigation_direct: { kind: '行政诉讼', sub: '未经复议直接起诉' },
  litigation_after_reconsideration: { kind: '行政诉讼', sub: '复议后起诉' },
};
export const TABLE4_COLUMN_LABELS: Record<Table4Column, string> = {
  upheld: '结果维持',
  corrected: '结果纠正',
  other: '其他结果',
  pending: '尚未审结',
  total: '总计',
};
export const table4RowLabel = (row: Table4Row): string => {
  const g = TABLE4_GROUP_LABELS[row];
  return g.sub ? `${g.kind} ${g.sub}` : g.kind;
};

/** A column of table 三 named in full: 自然人, 法人或其他组织 商业企业, …, 总计. */
export const table3ColumnName = (c: (typeof TABLE3_COLUMNS)[number]): string =>
  c === 'natural_person' || c === 'total' ? TABLE3_COLUMN_LABELS[c] : `${ORGANISATIONS_HEADER} ${TABLE3_COLUMN_LABELS[c]}`;

/** 一 + 二 = （七）总计 + 四, for one column, as text. */
export function balanceText(r: AnnualReport, column: (typeof TABLE3_COLUMNS)[number] = 'total'): string {
  const rows = r.table3.rows;
  const n = (k: string) => rows[k]?.[column] ?? 0;
  const left = n('new') + n('carried_in');
  const right = n('total') + n('carried_out');
  return `一 + 二 = ${n('new')} + ${n('carried_in')} = ${left}；（七）总计 + 四 = ${n('total')} + ${n('carried_out')} = ${right}`;
}

/** The columns where the balance fails, each with its figures. */
export function balanceFailures(r: AnnualReport): string[] {
  const rows = r.table3.rows;
  return TABLE3_COLUMNS.filter((c) => (rows.new?.[c] ?? 0) + (rows.carried_in?.[c] ?? 0) !== (rows.total?.[c] ?? 0) + (rows.carried_out?.[c] ?? 0))
    .map((c) => `${table3ColumnName(c)}：${balanceText(r, c).replace('；', ' ≠ ')}`);
}

export function scopeLabel(r: AnnualReport): string {
  return `${r.agency.name}${r.agency.includesBelow ? '（含下级机关）' : ''}`;
}

// ---- CSV ----

/**
 * UTF-8 with a BOM (so spreadsheet programs read the Chinese), CRLF lines: table 三 (a header line,
 * then one line per row: the label path and the 7 numbers), a blank line, table 四 (a header line,
 * then one line per kind: the label and the 5 numbers).
 */
export function annualReportCsv(r: AnnualReport): Buffer {
  const lines: string[] = [];
  lines.push(csvLine(['项目', ...TABLE3_COLUMNS.map(table3ColumnName)]));
  for (const line of TABLE3_LINES) {
    const row = r.table3.rows[line.key];
    lines.push(csvLine([table3LinePath(line), ...TABLE3_COLUMNS.map((c) => row?.[c] ?? 0)]));
  }
  lines.push('');
  lines.push(csvLine(['项目', ...TABLE4_COLUMNS.map((c) => TABLE4_COLUMN_LABELS[c])]));
  for (const k of TABLE4_ROWS) lines.push(csvLine([table4RowLabel(k), ...TABLE4_COLUMNS.map((c) => r.table4[k][c])]));
  return Buffer.from(CSV_BOM + lines.join(CSV_EOL) + CSV_EOL, 'utf8');
}

// ---- XLSX ----

const thin: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' },
};
const FONT = '宋体';

function styleRange(ws: ExcelJS.Worksheet, fromRow: number, toRow: number, fromCol: number, toCol: number, style: { bold?: boolean; align?: 'center' | 'left' }) {
  for (let r = fromRow; r <= toRow; r++) {
    for (let c = fromCol; c <= toCol; c++) {
      const cell = ws.getCell(r, c);
      cell.border = thin;
      cell.font = { name: FONT, size: 11, bold: !!style.bold };
      cell.alignment = { vertical: 'middle', horizontal: style.align ?? 'center', wrapText: true };
    }
  }
}

function title(ws: ExcelJS.Worksheet, text: string, sub: string, lastCol: number) {
  ws.mergeCells(1, 1, 1, lastCol);
  ws.getCell(1, 1).value = text;
  ws.getCell(1, 1).font = { name: FONT, size: 14, bold: true };
  ws.getCell(1, 1).alignment = { horizontal: 'center', vertical: 'middle' };
  ws.mergeCells(2, 1, 2, lastCol);
  ws.getCell(2, 1).value = sub;
  ws.getCell(2, 1).font = { name: FONT, size: 11 };
  ws.getCell(2, 1).alignment = { horizontal: 'center' };
  ws.getRow(1).height = 24;
}

/** Where things are in the workbook (the tests read it back by these positions). */
export const XLSX_LAYOUT = {
  table3: { sheet: '表三 收到和处理申请情况', headerRows: [3, 5] as const, firstDataRow: 6, firstNumberCol: 4 },
  table4: { sheet: '表四 行政复议行政诉讼情况', headerRows: [3, 5] as const, dataRow: 6 },
};

export async function annualReportXlsx(r: AnnualReport, today: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = PRODUCT_NAME;
  wb.title = `${r.year}年度政府信息公开工作年度报告 表三、表四`;
  // 00:00 Beijing time on the report's date (as the PDF's metadata): the same input, the same bytes.
  const stamp = new Date(`${today}T00:00:00+08:00`);
  wb.created = stamp;
  wb.modified = stamp;
  const sub = `${scopeLabel(r)} · ${r.year}年度`;

  // Table 三: three label columns (A–C), then 自然人 | 法人或其他组织 ×5 | 总计 (D–J).
  const L3 = XLSX_LAYOUT.table3;
  const ws = wb.addWorksheet(L3.sheet, { views: [{ state: 'frozen', xSplit: 3, ySplit: 5 }], pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  const lastCol = 3 + TABLE3_COLUMNS.length;
  title(ws, TABLE3_TITLE, sub, lastCol);
  const [h1, h3] = L3.headerRows;
  ws.mergeCells(h1, 1, h3, 3);
  ws.getCell(h1, 1).value = TABLE3_CORNER;
  ws.mergeCells(h1, 4, h1, lastCol);
  ws.getCell(h1, 4).value = APPLICANTS_HEADER;
  ws.mergeCells(h1 + 1, 4, h3, 4);
  ws.getCell(h1 + 1, 4).value = TABLE3_COLUMN_LABELS.natural_person;
  ws.mergeCells(h1 + 1, 5, h1 + 1, lastCol - 1);
  ws.getCell(h1 + 1, 5).value = ORGANISATIONS_HEADER;
  ws.mergeCells(h1 + 1, lastCol, h3, lastCol);
  ws.getCell(h1 + 1, lastCol).value = TABLE3_COLUMN_LABELS.total;
  TABLE3_COLUMNS.slice(1, -1).forEach((c, i) => {
    ws.getCell(h3, 5 + i).value = TABLE3_COLUMN_LABELS[c];
  });
  styleRange(ws, h1, h3, 1, lastCol, { bold: true });

  const labelCells = table3LabelCells();
  TABLE3_LINES.forEach((line, i) => {
    const rowNo = L3.firstDataRow + i;
    for (const cell of labelCells[i]!) {
      if (cell.colspan > 1 || cell.rowspan > 1) ws.mergeCells(rowNo, cell.col + 1, rowNo + cell.rowspan - 1, cell.col + cell.colspan);
      ws.getCell(rowNo, cell.col + 1).value = cell.text;
    }
    const values = r.table3.rows[line.key];
    TABLE3_COLUMNS.forEach((c, j) => {
      ws.getCell(rowNo, L3.firstNumberCol + j).value = values?.[c] ?? 0;
    });
  });
  const lastRow = L3.firstDataRow + TABLE3_LINES.length - 1;
  styleRange(ws, L3.firstDataRow, lastRow, 1, 3, { align: 'left' });
  styleRange(ws, L3.firstDataRow, lastRow, 4, lastCol, {});
  const check = lastRow + 2;
  ws.mergeCells(check, 1, check, lastCol);
  ws.getCell(check, 1).value = `勾稽关系${r.balance.ok ? '成立' : '不成立'}：${balanceText(r)}${r.balance.ok ? '' : `。不成立的列——${balanceFailures(r).join('；')}`}`;
  ws.getCell(check, 1).font = { name: FONT, size: 11, color: { argb: r.balance.ok ? 'FF17663A' : 'FFB42318' } };
  [10, 16, 46, ...TABLE3_COLUMNS.map(() => 11)].forEach((w, i) => { ws.getColumn(i + 1).width = w; });
  ws.getRow(h1).height = 30;

  // Table 四: 行政复议 ×5 | 行政诉讼: 未经复议直接起诉 ×5, 复议后起诉 ×5; one row of figures.
  const L4 = XLSX_LAYOUT.table4;
  const ws4 = wb.addWorksheet(L4.sheet, { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  const n4 = TABLE4_COLUMNS.length;
  const last4 = 3 * n4;
  title(ws4, TABLE4_TITLE, sub, last4);
  const [a, c] = L4.headerRows;
  ws4.mergeCells(a, 1, a, n4);
  ws4.getCell(a, 1).value = TABLE4_GROUP_LABELS.reconsideration.kind;
  ws4.mergeCells(a, n4 + 1, a, last4);
  ws4.getCell(a, n4 + 1).value = TABLE4_GROUP_LABELS.litigation_direct.kind;
  TABLE4_COLUMNS.forEach((col, j) => {
    ws4.mergeCells(a + 1, 1 + j, c, 1 + j);
    ws4.getCell(a + 1, 1 + j).value = TABLE4_COLUMN_LABELS[col];
  });
  (['litigation_direct', 'litigation_after_reconsideration'] as const).forEach((row, g) => {
    const first = n4 * (g + 1) + 1;
    ws4.mergeCells(a + 1, first, a + 1, first + n4 - 1);
    ws4.getCell(a + 1, first).value = TABLE4_GROUP_LABELS[row].sub;
    TABLE4_COLUMNS.forEach((col, j) => {
      ws4.getCell(c, first + j).value = TABLE4_COLUMN_LABELS[col];
    });
  });
  TABLE4_ROWS.forEach((row, g) => {
    TABLE4_COLUMNS.forEach((col, j) => {
      ws4.getCell(L4.dataRow, g * n4 + 1 + j).value = r.table4[row][col];
    });
  });
  styleRange(ws4, a, c, 1, last4, { bold: true });
  styleRange(ws4, L4.dataRow, L4.dataRow, 1, last4, {});
  for (let i = 1; i <= last4; i++) ws4.getColumn(i).width = 10;

  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ---- PDF ----

const PDF_HEADINGS: Partial<Record<(typeof TABLE3_COLUMNS)[number], string>> = {
  natural_person: '自然\n人', commercial: '商业\n企业', research: '科研\n机构', social_welfare: '社会\n公益\n组织', legal_services: '法律\n服务\n机构',
};

export function annualReportDocument(r: AnnualReport, today: string): ReportDocument {
  const num = (v: number | undefined) => String(v ?? 0);
  const rows3: string[][] = [];
  const blank = TABLE3_COLUMNS.map(() => '');
  // The official hierarchy read top to bottom: headings without figures, then their rows.
  let section: string | null = null;
  let group: string | null = null;
  for (const line of TABLE3_LINES) {
    if (line.section && line.section !== section) rows3.push([line.section, ...blank]);
    if (line.group && line.group !== group) rows3.push([line.group, ...blank]);
    section = line.section;
    group = line.group;
    const values = r.table3.rows[line.key];
    rows3.push([line.label, ...TABLE3_COLUMNS.map((c) => num(values?.[c]))]);
  }
  const orgs = TABLE3_COLUMNS.slice(1, -1).map((c) => TABLE3_COLUMN_LABELS[c]).join('、');
  return {
    title: '政府信息公开工作年度报告统计表',
    subtitle: `${scopeLabel(r)} · ${r.year}年度`,
    agencyName: r.agency.name,
    date: today,
    sections: [
      {
        heading: TABLE3_TITLE,
        paragraphs: [
          `申请人情况分为自然人和法人或其他组织，后者按${orgs}分列。${TABLE3_CORNER}`,
          `勾稽关系${r.balance.ok ? '成立' : '不成立'}：${balanceText(r)}。${r.balance.ok ? '' : `不成立的列——${balanceFailures(r).join('；')}。`}`,
        ],
        table: {
          // Narrow figure columns: their headings are broken as in the official table (商业/企业).
          columns: ['项目', ...TABLE3_COLUMNS.map((c) => PDF_HEADINGS[c] ?? TABLE3_COLUMN_LABELS[c])],
          rows: rows3,
          widths: [7.2, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5],
        },
      },
      {
        heading: TABLE4_TITLE,
        table: {
          columns: ['项目', ...TABLE4_COLUMNS.map((c) => TABLE4_COLUMN_LABELS[c])],
          rows: TABLE4_ROWS.map((k) => [table4RowLabel(k), ...TABLE4_COLUMNS.map((c) => String(r.table4[k][c]))]),
          widths: [5, 2, 2, 2, 2, 2],
        },
      },
    ],
  };
}

export const annualReportPdf = (r: AnnualReport, today: string): Promise<Buffer> => renderReportPdf(annualReportDocument(r, today));

// ---- one entry point for the routes ----

export type AnnualExportFormat = 'xlsx' | 'csv' | 'pdf';
const MIME: Record<AnnualExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  pdf: 'application/pdf',
};

export function annualExportFilename(r: AnnualReport, format: AnnualExportFormat): { utf8: string; ascii: string } {
  const below = r.agency.includesBelow ? '（含下级机关）' : '';
  return {
    utf8: `${r.agency.name}${below}${r.year}年度政府信息公开申请情况统计表.${format}`,
    ascii: `annual-report-${r.year}-${r.agency.code.replace(/[^A-Za-z0-9_-]/g, '_')}${r.agency.includesBelow ? '-below' : ''}.${format}`,
  };
}

export async function annualExport(ctx: AppContext, user: User, q: Record<string, unknown>, format: AnnualExportFormat) {
  const report = await annualReport(ctx, user, q);
  const today = ctx.clock.today();
  const body = format === 'xlsx' ? await annualReportXlsx(report, today) : format === 'csv' ? annualReportCsv(report) : await annualReportPdf(report, today);
  return { body, mime: MIME[format], filename: annualExportFilename(report, format), report };
}
