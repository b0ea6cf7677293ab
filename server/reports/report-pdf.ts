// Unsigned reports — the 证据清单 (evidence list) and the 通报 (briefing) — set like the official
// documents (GB/T 9704-2012): A4, the same text block and 22-line grid, Noto Serif SC, the title
// in 2号 bold centred, headings in bold (standing in for 黑体), body text in 3号 on the grid, tables
// in 4号 with ruled cells, page numbers '— N —'. No seal, no signature: the agency name and the
// date close the report as on a document without a seal (§7.3.5.2).
import { cleanParagraph } from '../documents/layout.js';
import { BODY_SIZE, BLOCK_WIDTH, CELL, PITCH, TITLE_SIZE } from '../documents/page-geometry.js';
import {
  numberPage,
  openPdf,
  paintFlowPage,
  PageFlow,
  setBalanced,
  setParagraph,
  signatureBlock,
  type FlowPage,
} from './flow-pdf.js';
import { layoutTable, leadHeight, placeTable, type LaidTable, type TablePlacement } from './table-pdf.js';

export interface ReportTable {
  columns: string[];
  rows: string[][];
  /** Relative column widths (any unit); computed from the content when absent. */
  widths?: number[];
}

export interface ReportSection {
  heading: string;
  paragraphs?: string[];
  table?: ReportTable;
}

export interface ReportDocument {
  title: string;
  subtitle?: string | null;
  agencyName: string;
  /** ISO 'YYYY-MM-DD'; printed '2026年3月12日'. */
  date: string;
  sections: ReportSection[];
}

export interface ReportLayout {
  pages: FlowPage[];
  /** One entry per table, in order of the sections. */
  tables: TablePlacement[];
}

const heading = (text: string) =>
  setParagraph(text, { size: BODY_SIZE, weight: 'bold', width: BLOCK_WIDTH, firstIndent: 2 * CELL });
const body = (text: string) =>
  setParagraph(text, { size: BODY_SIZE, weight: 'regular', width: BLOCK_WIDTH, firstIndent: 2 * CELL });

/** Grid lines taken by the header and first row of a table, rounded up. */
const tableLeadLines = (laid: LaidTable): number => Math.ceil(leadHeight(laid) / PITCH - 1e-6);

/** Lays the report out as plain data: the text and rules of each page, and where the tables went. */
export function layoutReport(report: ReportDocument): ReportLayout {
  const flow = new PageFlow();
  const tables: TablePlacement[] = [];
  flow.newPage();
  flow.gridLines(setBalanced(report.title.trim(), TITLE_SIZE, 'bold'), TITLE_SIZE, 'bold');
  const subtitle = report.subtitle?.trim();
  if (subtitle) flow.gridLines(setBalanced(subtitle, BODY_SIZE, 'regular'), BODY_SIZE, 'regular');
  flow.blankLine();

  for (const section of report.sections) {
    const head = section.heading.trim() ? heading(cleanParagraph(section.heading)) : [];
    const paragraphs = (section.paragraphs ?? []).map(cleanParagraph).filter((p) => p !== '').map(body);
    const laid = section.table && section.table.columns.length > 0 ? layoutTable(section.table) : null;
    // A heading keeps with the first two lines of its text, or with the table's header and first row.
    const firstPara = paragraphs[0];
    const lead = firstPara ? Math.min(2, firstPara.length) : laid ? tableLeadLines(laid) : 0;
    flow.keepLines(head.length + lead);
    flow.gridLines(head, BODY_SIZE, 'bold');
    for (const p of paragraphs) flow.gridLines(p, BODY_SIZE, 'regular');
    if (laid) tables.push(placeTable(flow, laid));
  }

  signatureBlock(flow, report.agencyName, report.date);
  flow.pages.forEach((page, i) => numberPage(page, i + 1));
  return { pages: flow.pages, tables };
}

/** Renders a report to PDF bytes (unsigned; the same input gives the same bytes). */
export async function renderReportPdf(report: ReportDocument): Promise<Buffer> {
  const { pages } = layoutReport(report);
  const pdf = openPdf({ title: report.title, author: report.agencyName, date: report.date, ...(report.subtitle ? { subject: report.subtitle } : {}) });
  pages.forEach((page, i) => {
    pdf.doc.addPage({ size: 'A4', margin: 0 });
    paintFlowPage(pdf.doc, page, i);
  });
  return pdf.finish();
}
