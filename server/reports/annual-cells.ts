import type { Knex } from 'knex';
import type { User } from '../admin/user-store.js';
import type { AppContext } from '../context.js';
import { invalid } from '../errors.js';
import { DECISION_CODES, decisionLabel, isDecisionCode } from '../../workflows/decisions.js';
import { APPLICATION_STATES } from '../../workflows/application-types.js';
import { APPEAL_KINDS } from '../../workflows/appeal-types.js';
import { TABLE3_COLUMNS, reportScope, type ReportScope } from './annual-report.js';

// What lies behind one figure of the annual report (issue 6: "every cell a link to the list of
// applications or appeals behind it"). The conditions are those of annual-report.ts, written once
// per cell as SQL; test/api/annual-export.test.ts checks every cell's list against the report.

export type Table3Column = (typeof TABLE3_COLUMNS)[number];
/** The rows of table 三 in the order of the official format (domain.md §6). */
export const TABLE3_ROWS: readonly string[] = ['new', 'carried_in', ...DECISION_CODES, 'total', 'carried_out'];
export const TABLE4_ROWS = ['reconsideration', 'litigation_direct', 'litigation_after_reconsideration'] as const;
export type Table4Row = (typeof TABLE4_ROWS)[number];
export const TABLE4_COLUMNS = ['upheld', 'corrected', 'other', 'pending', 'total'] as const;
export type Table4Column = (typeof TABLE4_COLUMNS)[number];

/** The six applicant columns that add up to 总计. */
const CATEGORY_COLUMNS = TABLE3_COLUMNS.filter((c) => c !== 'total');

export const isTable3Row = (v: unknown): v is string => typeof v === 'string' && TABLE3_ROWS.includes(v);
export const isTable3Column = (v: unknown): v is Table3Column => typeof v === 'string' && (TABLE3_COLUMNS as readonly string[]).includes(v);
export const isTable4Row = (v: unknown): v is Table4Row => typeof v === 'string' && (TABLE4_ROWS as readonly string[]).includes(v);
export const isTable4Column = (v: unknown): v is Table4Column => typeof v === 'string' && (TABLE4_COLUMNS as readonly string[]).includes(v);

/**
 * Restricts a query on `applications` to one row of table 三 (domain.md §6):
 * new = received in the year; carried_in = received before it and not concluded before it;
 * a decision code = concluded in the year with that decision; total = concluded in the year (with
 * any decision of §3); carried_out = received by 31 December and not concluded by then.
 */
export function whereTable3Row(qb: Knex.QueryBuilder, row: string, start: string, end: string, table = 'applications'): Knex.QueryBuilder {
  const c = (name: string) => `${table}.${name}`;
  switch (row) {
    case 'new':
      return qb.whereBetween(c('received_date'), [start, end]);
    case 'carried_in':
      return qb.where(c('received_date'), '<', start).where((w) => w.whereNull(c('concluded_date')).orWhere(c('concluded_date'), '>=', start));
    case 'total':
      return qb.whereBetween(c('concluded_date'), [start, end]).whereIn(c('decision'), DECISION_CODES as string[]);
    case 'carried_out':
      return qb.where(c('received_date'), '<=', end).where((w) => w.whereNull(c('concluded_date')).orWhere(c('concluded_date'), '>', end));
    default:
      if (!isDecisionCode(row)) throw invalid({ row: '未知的报表行' });
      return qb.whereBetween(c('concluded_date'), [start, end]).where(c('decision'), row);
  }
}

/** Restricts a query on `applications` to one column of table 三 (总计 = the six categories). */
export function whereTable3Column(qb: Knex.QueryBuilder, column: Table3Column, table = 'applications'): Knex.QueryBuilder {
  const c = `${table}.applicant_category`;
  return column === 'total' ? qb.whereIn(c, CATEGORY_COLUMNS) : qb.where(c, column);
}

/**
 * Restricts a query on `appeals` to one cell of table 四: cases received in the year (a second
 * instance continues its first-instance case and is not counted again); reconsideration, direct
 * suit or suit after reconsideration; the outcome if decided by 31 December, else pending.
 */
export function whereTable4(qb: Knex.QueryBuilder, row: Table4Row, column: Table4Column, start: string, end: string, table = 'appeals'): Knex.QueryBuilder {
  const c = (name: string) => `${table}.${name}`;
  qb.whereBetween(c('received_date'), [start, end]).where((w) => w.where(c('kind'), 'reconsideration').orWhere(c('procedure'), 'first_instance'));
  if (row === 'reconsideration') qb.where(c('kind'), 'reconsideration');
  else {
    qb.whereNot(c('kind'), 'reconsideration');
    if (row === 'litigation_direct') qb.whereNull(c('after_reconsideration_id'));
    else qb.whereNotNull(c('after_reconsideration_id'));
  }
  if (column === 'pending') {
    qb.where((w) => w.whereNull(c('outcome')).orWhereNull(c('decision_date')).orWhere(c('decision_date'), '>', end));
  } else if (column !== 'total') {
    qb.where(c('outcome'), column).whereNotNull(c('decision_date')).where(c('decision_date'), '<=', end);
  }
  return qb;
}

export interface CellApplication {
  id: number;
  caseNumber: string;
  agency: { code: string; name: string };
  applicantCategory: string;
  receivedDate: string;
  concludedDate: string | null;
  decision: string | null;
  decisionLabel: string | null;
  state: string;
  stateLabel: string;
}

export interface CellAppeal {
  id: number;
  externalCaseNumber: string;
  kind: string;
  kindLabel: string;
  procedure: string;
  afterReconsideration: boolean;
  body: string;
  receivedDate: string;
  /** As counted in the report: the outcome if decided by 31 December, else 'pending'. */
  countedAs: string;
  outcome: string | null;
  decisionDate: string | null;
  application: { id: number; caseNumber: string };
  agency: { code: string; name: string };
}

export interface CellQuery {
  year: unknown;
  agency?: unknown;
  below?: unknown;
  row: unknown;
  column: unknown;
}

const scopeJson = (s: ReportScope) => ({ year: s.year, agency: { code: s.agency.code, name: s.agency.name, includesBelow: s.includesBelow } });

/** The applications counted in one cell of table 三, by case number. */
export async function applicationsBehindCell(ctx: AppContext, user: User, q: CellQuery) {
  const scope = await reportScope(ctx, user, { ...q });
  const fields: Record<string, string> = {};
  if (!isTable3Row(q.row)) fields.row = '未知的报表行';
  if (!isTable3Column(q.column)) fields.column = '未知的报表列';
  if (Object.keys(fields).length) throw invalid(fields);
  const row = q.row as string;
  const column = q.column as Table3Column;
  const qb = ctx.db('applications as ap').join('agencies as ag', 'ag.id', 'ap.agency_id').whereIn('ap.agency_id', scope.agencyIds);
  whereTable3Column(whereTable3Row(qb, row, scope.start, scope.end, 'ap'), column, 'ap');
  const rows: Record<string, unknown>[] = await qb
    .select('ap.id', 'ap.case_number', 'ap.applicant_category', 'ap.received_date', 'ap.concluded_date', 'ap.decision', 'ap.state', { agency_code: 'ag.code', agency_name: 'ag.name' })
    .orderBy('ap.received_date').orderBy('ap.case_number');
  const items: CellApplication[] = rows.map((r) => ({
    id: Number(r.id),
    caseNumber: String(r.case_number),
    agency: { code: String(r.agency_code), name: String(r.agency_name) },
    applicantCategory: String(r.applicant_category),
    receivedDate: String(r.received_date),
    concludedDate: (r.concluded_date as string | null) ?? null,
    decision: (r.decision as string | null) ?? null,
    decisionLabel: isDecisionCode(r.decision) ? decisionLabel(r.decision) : null,
    state: String(r.state),
    stateLabel: APPLICATION_STATES[r.state as keyof typeof APPLICATION_STATES] ?? String(r.state),
  }));
  return { ...scopeJson(scope), table: 3 as const, row, column, count: items.length, items };
}

/** The reconsideration and litigation cases counted in one cell of table 四. */
export async function appealsBehindCell(ctx: AppContext, user: User, q: CellQuery) {
  const scope = await reportScope(ctx, user, { ...q });
  const fields: Record<string, string> = {};
  if (!isTable4Row(q.row)) fields.row = '未知的报表行';
  if (!isTable4Column(q.column)) fields.column = '未知的报表列';
  if (Object.keys(fields).length) throw invalid(fields);
  const row = q.row as Table4Row;
  const column = q.column as Table4Column;
  const qb = ctx.db('appeals').whereIn('appeals.agency_id', scope.agencyIds);
  whereTable4(qb, row, column, scope.start, scope.end);
  const rows: Record<string, unknown>[] = await qb
    .join('applications as ap', 'ap.id', 'appeals.application_id')
    .join('agencies as ag', 'ag.id', 'appeals.agency_id')
    .select(
      'appeals.id', 'appeals.external_case_number', 'appeals.kind', 'appeals.procedure', 'appeals.after_reconsideration_id', 'appeals.body',
      'appeals.received_date', 'appeals.outcome', 'appeals.decision_date',
      { application_id: 'ap.id', case_number: 'ap.case_number', agency_code: 'ag.code', agency_name: 'ag.name' },
    )
    .orderBy('appeals.received_date').orderBy('appeals.id');
  const items: CellAppeal[] = rows.map((r) => {
    const outcome = (r.outcome as string | null) ?? null;
    const decisionDate = (r.decision_date as string | null) ?? null;
    return {
      id: Number(r.id),
      externalCaseNumber: String(r.external_case_number),
      kind: String(r.kind),
      kindLabel: APPEAL_KINDS[r.kind as keyof typeof APPEAL_KINDS] ?? String(r.kind),
      procedure: String(r.procedure),
      afterReconsideration: r.after_reconsideration_id !== null && r.after_reconsideration_id !== undefined,
      body: String(r.body),
      receivedDate: String(r.received_date),
      countedAs: outcome && decisionDate && decisionDate <= scope.end ? outcome : 'pending',
      outcome,
      decisionDate,
      application: { id: Number(r.application_id), caseNumber: String(r.case_number) },
      agency: { code: String(r.agency_code), name: String(r.agency_name) },
    };
  });
  return { ...scopeJson(scope), table: 4 as const, row, column, count: items.length, items };
}
