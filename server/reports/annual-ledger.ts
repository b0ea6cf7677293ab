import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Knex } from 'knex';
import { APPLICATION_STATES } from '../../workflows/application.machine.js';
import { decisionOf, isDecisionCode } from '../../workflows/decisions.js';
import { CHANNELS, ORGANISATION_CATEGORIES } from '../../workflows/glossary.js';
import type { ReportScope } from './annual-report.js';
import { CSV_BOM, CSV_EOL, csvLine } from './csv.js';

// The year's ledger (办理台账): every application handled in the year — received in it or carried into
// it — one line each, with what table 三 counted it as. It is what an auditor asks for beside the
// tables, and at district scale it is the one export long enough to need a progress bar.

export const LEDGER_COLUMNS = [
  '序号', '案件编号', '机关', '收到日期', '申请方式', '申请人类别', '申请人', '所需信息', '计入（新收/结转）',
  '当前状态', '答复类型', '报表行', '办结日期', '答复期限', '结转下年度',
] as const;

interface LedgerRow {
  id: number;
  case_number: string;
  agency_name: string;
  received_date: string;
  channel: string;
  applicant_category: string;
  applicant_name: string;
  description: string;
  state: string;
  decision: string | null;
  concluded_date: string | null;
  reply_due: string | null;
}

/** Handled in the year: received by 31 December and not concluded before 1 January. */
export function ledgerQuery(db: Knex, scope: ReportScope) {
  return db('applications as ap')
    .whereIn('ap.agency_id', scope.agencyIds)
    .where('ap.received_date', '<=', scope.end)
    .where((w) => w.whereNull('ap.concluded_date').orWhere('ap.concluded_date', '>=', scope.start));
}

export async function ledgerSize(db: Knex, scope: ReportScope): Promise<number> {
  const row = await ledgerQuery(db, scope).count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

const categoryLabel = (c: string) => (c === 'natural_person' ? '自然人' : (ORGANISATION_CATEGORIES as Record<string, string>)[c] ?? c);

function ledgerLine(r: LedgerRow, n: number, scope: ReportScope): (string | number)[] {
  const counted = r.concluded_date !== null && r.concluded_date >= scope.start && r.concluded_date <= scope.end;
  const decision = counted && isDecisionCode(r.decision) ? decisionOf(r.decision) : null;
  const description = r.description.length > 200 ? `${r.description.slice(0, 200)}…` : r.description;
  return [
    n, r.case_number, r.agency_name, r.received_date, (CHANNELS as Record<string, string>)[r.channel] ?? r.channel,
    categoryLabel(r.applicant_category), r.applicant_name, description,
    r.received_date < scope.start ? '上年结转' : '本年新收',
    (APPLICATION_STATES as Record<string, string>)[r.state] ?? r.state,
    decision?.label ?? '', decision ? `三、${decision.reportRow}` : '', counted ? r.concluded_date! : '', r.reply_due ?? '',
    counted ? '' : '是',
  ];
}

export interface LedgerSink {
  line(cells: (string | number)[]): void;
  finish(): Promise<Buffer>;
}

/** CSV as Excel opens it (csv.ts): UTF-8 with BOM, CRLF, formula-like text neutralised. */
export function csvSink(title: string): LedgerSink {
  const parts: string[] = [CSV_BOM];
  parts.push(csvLine([title]) + CSV_EOL, csvLine(LEDGER_COLUMNS) + CSV_EOL);
  return {
    line: (cells) => void parts.push(csvLine(cells) + CSV_EOL),
    finish: async () => Buffer.from(parts.join(''), 'utf8'),
  };
}

/** XLSX written row by row (exceljs streaming writer): memory stays flat however long the year. */
export function xlsxSink(title: string): LedgerSink {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet('办理台账', { views: [{ state: 'frozen', ySplit: 2 }] });
  ws.columns = LEDGER_COLUMNS.map((_, i) => ({ width: [6, 20, 24, 12, 8, 12, 16, 48, 10, 10, 22, 10, 12, 12, 10][i] }));
  const head = ws.addRow([title]);
  head.font = { bold: true, size: 14 };
  head.commit();
  const cols = ws.addRow([...LEDGER_COLUMNS]);
  cols.font = { bold: true };
  cols.commit();
  return {
    line: (cells) => ws.addRow(cells).commit(),
    finish: async () => {
      ws.commit();
      await wb.commit();
      return Buffer.concat(chunks);
    },
  };
}

/**
 * Writes the ledger in batches (keyset on id, so each batch is one indexed range query) and reports
 * after each batch how many lines are done.
 */
export async function writeLedger(
  db: Knex,
  scope: ReportScope,
  sink: LedgerSink,
  batchSize: number,
  afterBatch: (done: number) => Promise<void>,
): Promise<number> {
  let lastId = 0;
  let done = 0;
  for (;;) {
    const rows: LedgerRow[] = await ledgerQuery(db, scope)
      .join('agencies as ag', 'ag.id', 'ap.agency_id')
      .where('ap.id', '>', lastId)
      .orderBy('ap.id')
      .limit(batchSize)
      .select('ap.id', 'ap.case_number', { agency_name: 'ag.name' }, 'ap.received_date', 'ap.channel', 'ap.applicant_category',
        'ap.applicant_name', 'ap.description', 'ap.state', 'ap.decision', 'ap.concluded_date', 'ap.reply_due');
    if (rows.length === 0) break;
    for (const r of rows) sink.line(ledgerLine(r, ++done, scope));
    lastId = Number(rows[rows.length - 1]!.id);
    await afterBatch(done);
    if (rows.length < batchSize) break;
  }
  return done;
}
