import type { User } from '../admin/user-store.js';
import { agencyScopeIds, findAgencyByCode, type Agency } from '../admin/agency-store.js';
import { visibleAgencyIds } from '../policy.js';
import type { AppContext } from '../context.js';
import { DomainError, invalid, notFound } from '../errors.js';
import { DECISION_CODES } from '../../workflows/decisions.js';
import { ORGANISATION_CATEGORIES } from '../../workflows/glossary.js';
import { reportYearProblem } from '../../workflows/dates.js';

// Annual report tables 三 and 四 (国办公开办函〔2021〕30号, domain.md §6), aggregated in SQL.

// 自然人 | 法人或其他组织: 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他 | 总计 (ORGANISATION_CATEGORIES).
export const TABLE3_COLUMNS = ['natural_person', 'commercial', 'research', 'social_welfare', 'legal_services', 'other_org', 'total'] as const satisfies readonly ('natural_person' | 'total' | keyof typeof ORGANISATION_CATEGORIES)[];
type Column = (typeof TABLE3_COLUMNS)[number];
type Row = Record<Column, number>;
const OUTCOMES = ['upheld', 'corrected', 'other', 'pending', 'total'] as const;
type Table4Row = Record<(typeof OUTCOMES)[number], number>;

export interface AnnualReport {
  year: number;
  agency: { code: string; name: string; includesBelow: boolean };
  table3: { columns: readonly string[]; rows: Record<string, Row> };
  table4: { reconsideration: Table4Row; litigation_direct: Table4Row; litigation_after_reconsideration: Table4Row };
  /** 一 + 二 = （七）总计 + 四, per column. */
  balance: { ok: boolean; failures: string[] };
}

const emptyRow = (): Row => Object.fromEntries(TABLE3_COLUMNS.map((c) => [c, 0])) as Row;
const empty4 = (): Table4Row => ({ upheld: 0, corrected: 0, other: 0, pending: 0, total: 0 });

export interface ReportScope {
  year: number;
  /** 'YYYY-01-01' and 'YYYY-12-31'. */
  start: string;
  end: string;
  agency: Agency;
  includesBelow: boolean;
  /** The agencies counted. */
  agencyIds: number[];
}

/** The year, agency and scope of a report query, with the same checks as annualReport(). */
export async function reportScope(ctx: AppContext, user: User, q: Record<string, unknown>): Promise<ReportScope> {
  if (user.role !== 'manager' && user.role !== 'legal') throw new DomainError('forbidden', 'forbidden', '只有政务公开办或法制人员可以查看年度报表');
  const year = Number(q.year);
  // 2008 (the Regulation's first year) to next year (finding 4).
  const problem = reportYearProblem(year, ctx.clock.today());
  if (problem) throw invalid({ year: problem });
  const code = typeof q.agency === 'string' && q.agency ? q.agency : user.agencyCode;
  const agency = await findAgencyByCode(ctx.db, code);
  const visible = await visibleAgencyIds(ctx, user);
  if (!agency || !visible.includes(agency.id)) throw notFound('未找到该机关');
  const includesBelow = q.below === 'true' || q.below === '1' || q.below === true;
  const agencyIds = includesBelow ? (await agencyScopeIds(ctx.db, agency.id)).filter((id) => visible.includes(id)) : [agency.id];
  return { year, start: `${year}-01-01`, end: `${year}-12-31`, agency, includesBelow, agencyIds };
}

export async function annualReport(ctx: AppContext, user: User, q: Record<string, unknown>): Promise<AnnualReport> {
  const { year, start, end, agency, includesBelow, agencyIds: scope } = await reportScope(ctx, user, q);
  const db = ctx.db;
  const apps = () => db('applications').whereIn('agency_id', scope);

  const byCategory = async (qb: ReturnType<typeof apps>): Promise<Row> => {
    const rows: { c: string; n: number | string }[] = await qb.groupBy('applicant_category').select({ c: 'applicant_category' }).count({ n: '*' });
    const row = emptyRow();
    for (const r of rows) if (r.c in row) row[r.c as Column] = Number(r.n);
    row.total = TABLE3_COLUMNS.filter((c) => c !== 'total').reduce((s, c) => s + row[c], 0);
    return row;
  };

  const rows: Record<string, Row> = {};
  rows.new = await byCategory(apps().whereBetween('received_date', [start, end]));
  // Open on 1 January: received before the year, not concluded before it.
  rows.carried_in = await byCategory(apps().where('received_date', '<', start).where((w) => w.whereNull('concluded_date').orWhere('concluded_date', '>=', start)));
  const results: { d: string; c: string; n: number | string }[] = await apps().whereBetween('concluded_date', [start, end])
    .groupBy('decision', 'applicant_category').select({ d: 'decision', c: 'applicant_category' }).count({ n: '*' });
  for (const code of DECISION_CODES) rows[code] = emptyRow();
  for (const r of results) {
    const row = rows[r.d];
    if (row && r.c in row) row[r.c as Column] += Number(r.n);
  }
  const total = emptyRow();
  for (const code of DECISION_CODES) {
    const row = rows[code]!;
    row.total = TABLE3_COLUMNS.filter((c) => c !== 'total').reduce((s, c) => s + row[c], 0);
    for (const c of TABLE3_COLUMNS) total[c] += row[c];
  }
  rows.total = total;
  // Open on 31 December: received by then, not concluded by then (结转下年度继续办理).
  rows.carried_out = await byCategory(apps().where('received_date', '<=', end).where((w) => w.whereNull('concluded_date').orWhere('concluded_date', '>', end)));

  const failures = TABLE3_COLUMNS.filter((c) => rows.new![c] + rows.carried_in![c] !== total[c] + rows.carried_out![c])
    .map((c) => `${c}: ${rows.new![c]} + ${rows.carried_in![c]} ≠ ${total[c]} + ${rows.carried_out![c]}`);

  // Table 四: cases received in the year; the outcome if decided by 31 December, else pending. A second
  // instance continues its first-instance case and is not counted again.
  const appeals: { kind: string; after: number | null; outcome: string | null; decided: string | null }[] = await db('appeals')
    .whereIn('agency_id', scope).whereBetween('received_date', [start, end]).where((w) => w.where('kind', 'reconsideration').orWhere('procedure', 'first_instance'))
    .select('kind', { after: 'after_reconsideration_id' }, 'outcome', { decided: 'decision_date' });
  const table4 = { reconsideration: empty4(), litigation_direct: empty4(), litigation_after_reconsideration: empty4() };
  for (const a of appeals) {
    const row = a.kind === 'reconsideration' ? table4.reconsideration : a.after ? table4.litigation_after_reconsideration : table4.litigation_direct;
    const key = a.outcome && a.decided && a.decided <= end ? (a.outcome as 'upheld' | 'corrected' | 'other') : 'pending';
    row[key] += 1;
    row.total += 1;
  }
  return {
    year,
    agency: { code: agency.code, name: agency.name, includesBelow },
    table3: { columns: TABLE3_COLUMNS, rows },
    table4,
    balance: { ok: failures.length === 0, failures },
  };
}
