import type { User } from '../admin/user-store.js';
import { agencyScopeIds, findAgencyByCode } from '../admin/agency-store.js';
import { visibleAgencyIds } from '../policy.js';
import type { AppContext } from '../context.js';
import { loadCalendar } from '../calendar-store.js';
import { CLOSED_STATES } from '../cases/application-store.js';
import { DomainError, invalid, notFound } from '../errors.js';
import { assertReportPeriod, parsePeriod, type BriefingPeriod } from './briefing.js';
import { APPLICATION_STATES } from '../../workflows/application.machine.js';
import { DECISIONS, LAPSE_DECISIONS, type DecisionGroup } from '../../workflows/decisions.js';
import { addDays, isIsoDate, REGULATION_IN_FORCE } from '../../workflows/dates.js';
import type { WorkCalendar } from '../../workflows/calendar.js';
import { DATA_FORMS, type DataForm } from '../../workflows/glossary.js';
import { DECISION_GROUP_LABELS } from '../../workflows/decisions.js';
import { conferenceStats, type ConferenceStats } from './conference-stats.js';

// The managers' dashboard (issue 6): deadlines now, and how replies went over a period, for an agency
// and every agency below it. Everything is counted by the database (GROUP BY); JavaScript only ever
// sees aggregates, the two deadline lists (at most LIST_LIMIT rows each) and, for the median, the
// distinct (received, concluded) date pairs with their counts.
//
// Definitions (also in the OpenAPI description and under the charts):
// - Open: state is not `closed` (an issued reply awaiting delivery is still open work).
// - Due soon / overdue: no reply yet (concluded_date IS NULL) and the *cached* reply_due is within
//   the next DUE_SOON_WORKING_DAYS working days (today included) / before today. reply_due is the
//   cache the clock keeps on every change (and refreshes for stopped clocks before we read it).
// - Replies of a month: applications whose reply was issued or processing concluded (concluded_date,
//   the date the annual report counts by) in that month, lapses (逾期不补正 / 逾期未缴费) excluded
//   since they are not replies. On time: concluded_date <= the cached reply_due. The cache holds the
//   deadline as of the conclusion (extensions and stopped clocks included); after a REOPEN it holds
//   the new deadline, which the new reply is judged against.
// - Working days to reply: working days in (received_date, concluded_date] by the working calendar
//   (official data + local overrides) — the elapsed time the applicant waited, stopped clocks
//   included. Exact: computed over the distinct date pairs that SQL returns with their counts.
// - Decision mix: every application concluded in the period, by decision.
// - Correction rate: reconsideration / litigation cases decided in the period (decision_date) with
//   outcome `corrected`, over all decided.

export const DUE_SOON_WORKING_DAYS = 3;
export const LIST_LIMIT = 50;
const MAX_MONTHS = 120;

export const OPEN_STATES = Object.keys(APPLICATION_STATES).filter((s) => !CLOSED_STATES.includes(s));

export { DECISION_GROUP_LABELS };

export interface DeadlineItem {
  id: number;
  caseNumber: string;
  agencyCode: string;
  agencyName: string;
  state: string;
  receivedDate: string;
  replyDue: string;
  /** Working days left until replyDue; negative when overdue (as on the case page). */
  workingDaysLeft: number;
}

export interface MonthStats {
  month: string; // YYYY-MM
  replies: number;
  onTime: number;
  onTimeRate: number | null;
  medianWorkingDays: number | null;
}

export interface AppealStats { decided: number; upheld: number; corrected: number; other: number; correctionRate: number | null }

export interface Dashboard {
  asOf: string;
  period: BriefingPeriod;
  agency: { code: string; name: string; includesBelow: true; agencies: number };
  open: {
    total: number;
    overdue: number;
    states: string[];
    byState: Record<string, number>;
    byAgency: { code: string; name: string; total: number; overdue: number; byState: Record<string, number> }[];
  };
  dueSoon: { total: number; until: string; items: DeadlineItem[] };
  overdue: { total: number; items: DeadlineItem[] };
  replies: { total: number; onTime: number; onTimeRate: number | null; medianWorkingDays: number | null; byMonth: MonthStats[] };
  decisions: {
    total: number;
    byGroup: { group: DecisionGroup; label: string; count: number }[];
    byDecision: { code: string; label: string; group: DecisionGroup; count: number }[];
  };
  appeals: { reconsideration: AppealStats; litigation: AppealStats; total: AppealStats };
  /** Issue 14: conferences convened in the period, and appeal outcomes of conferenced cases against the others. */
  conferences: ConferenceStats;
  /**
   * Issue 14, data-form requests (数据形态政府信息): received in the period by kind, and those
   * concluded in the period by decision group, so the office can study them.
   */
  dataForm: {
    received: number;
    byForm: { form: DataForm; label: string; count: number }[];
    concluded: number;
    byGroup: { group: DecisionGroup; label: string; count: number }[];
    open: number;
  };
}

const n = (v: unknown): number => Number(v ?? 0);
const rate = (part: number, whole: number): number | null => (whole ? part / whole : null);

/** The months touched by a period, in order (YYYY-MM). */
export function monthsOf(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const last = to.slice(0, 7);
  for (;;) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    out.push(key);
    if (key >= last || out.length > MAX_MONTHS) break;
    if (++m > 12) { m = 1; y++; }
  }
  return out;
}

/** Default period: the last twelve months up to today; from/to may each be given alone. */
export function dashboardPeriod(q: Record<string, unknown>, today: string): BriefingPeriod {
  const s = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  if (s(q.month) || s(q.quarter) || s(q.year)) return assertReportPeriod(parsePeriod(q), today);
  const to = s(q.to) || today;
  if (!isIsoDate(to)) throw invalid({ to: '请填写截止日期（YYYY-MM-DD）' });
  let from = s(q.from);
  if (!from) {
    const y = Number(to.slice(0, 4));
    const m = Number(to.slice(5, 7)) - 11;
    from = m >= 1 ? `${y}-${String(m).padStart(2, '0')}-01` : `${y - 1}-${String(m + 12).padStart(2, '0')}-01`;
  }
  if (!isIsoDate(from)) throw invalid({ from: '请填写起始日期（YYYY-MM-DD）' });
  if (from > to) throw invalid({ from: '起始日期不能晚于截止日期' });
  return assertReportPeriod(parsePeriod({ from, to }), today);
}

/** Weighted median of (value, count) pairs; the mean of the two middle values for an even total. */
export function weightedMedian(pairs: { value: number; count: number }[]): number | null {
  const total = pairs.reduce((s, p) => s + p.count, 0);
  if (total === 0) return null;
  const sorted = [...pairs].sort((a, b) => a.value - b.value);
  const at = (k: number): number => {
    let seen = 0;
    for (const p of sorted) {
      seen += p.count;
      if (k < seen) return p.value;
    }
    return sorted[sorted.length - 1]!.value;
  };
  return total % 2 ? at((total - 1) / 2) : (at(total / 2 - 1) + at(total / 2)) / 2;
}

/** Working days in (from, to] for many pairs: one pass over the calendar builds a running count. */
export function workingDayCounter(calendar: WorkCalendar, first: string, last: string): (from: string, to: string) => number {
  const index = new Map<string, number>();
  let count = 0;
  for (let d = first; d <= last; d = addDays(d, 1)) {
    if (calendar.isWorkingDay(d)) count++;
    index.set(d, count);
  }
  return (from, to) => (to <= from ? 0 : (index.get(to) ?? count) - (index.get(from) ?? 0));
}

function emptyAppealStats(): AppealStats {
  return { decided: 0, upheld: 0, corrected: 0, other: 0, correctionRate: null };
}

export async function buildDashboard(ctx: AppContext, user: User, q: Record<string, unknown>): Promise<Dashboard> {
  if (user.role !== 'manager') throw new DomainError('forbidden', 'forbidden', '只有政务公开办可以查看统计');
  const db = ctx.db;
  const today = ctx.clock.today();
  const period = dashboardPeriod(q, today);
  const months = monthsOf(period.from, period.to);
  if (months.length > MAX_MONTHS) throw invalid({ period: `统计期间最长 ${MAX_MONTHS / 12} 年` });

  const visible = await visibleAgencyIds(ctx, user);
  const code = typeof q.agency === 'string' && q.agency.trim() ? q.agency.trim() : user.agencyCode;
  const agency = await findAgencyByCode(db, code);
  if (!agency || !visible.includes(agency.id)) throw notFound('未找到该机关');
  const scope = (await agencyScopeIds(db, agency.id)).filter((id) => visible.includes(id));
  const agencies = new Map<number, { code: string; name: string }>(
    (await db('agencies').whereIn('id', scope).select('id', 'code', 'name')).map((r: { id: number; code: string; name: string }) => [Number(r.id), { code: r.code, name: r.name }]),
  );

  // Stopped clocks move reply_due every working day: those (few) caches are brought up to date by the
  // instances' schedule, never by this GET (issue 15).
  const calendar = await loadCalendar(db);
  const apps = () => db('applications').whereIn('agency_id', scope);

  // ---- Open applications by agency and state ---------------------------------------------------
  const openRows: { agency_id: number; state: string; n: number | string; overdue: number | string | null }[] = await apps()
    .whereIn('state', OPEN_STATES)
    .groupBy('agency_id', 'state')
    .select('agency_id', 'state')
    .count({ n: '*' })
    .select(db.raw('SUM(CASE WHEN concluded_date IS NULL AND reply_due < ? THEN 1 ELSE 0 END) AS overdue', [today]));
  const byAgency = new Map<number, Dashboard['open']['byAgency'][number]>();
  const byState: Record<string, number> = Object.fromEntries(OPEN_STATES.map((s) => [s, 0]));
  for (const r of openRows) {
    const id = Number(r.agency_id);
    const a = agencies.get(id) ?? { code: String(id), name: String(id) };
    const entry = byAgency.get(id) ?? { code: a.code, name: a.name, total: 0, overdue: 0, byState: Object.fromEntries(OPEN_STATES.map((s) => [s, 0])) };
    entry.byState[r.state] = n(r.n);
    entry.total += n(r.n);
    entry.overdue += n(r.overdue);
    byState[r.state] = (byState[r.state] ?? 0) + n(r.n);
    byAgency.set(id, entry);
  }
  const openByAgency = [...byAgency.values()].sort((a, b) => b.total - a.total || a.code.localeCompare(b.code));

  // ---- Due soon and overdue (cached reply_due; no reply yet) -----------------------------------
  const soonUntil = calendar.addWorkingDays(today, DUE_SOON_WORKING_DAYS);
  const pending = () => db('applications as ap').whereIn('ap.agency_id', scope).whereNull('ap.concluded_date').whereNotIn('ap.state', CLOSED_STATES);
  const overdueWhere = (qb: ReturnType<typeof pending>) => qb.where('ap.reply_due', '<', today);
  const soonWhere = (qb: ReturnType<typeof pending>) => qb.where('ap.reply_due', '>=', today).where('ap.reply_due', '<=', soonUntil);
  type PendingRow = { id: number; case_number: string; agency_id: number; state: string; received_date: string; reply_due: string };
  const list = async (where: (qb: ReturnType<typeof pending>) => ReturnType<typeof pending>): Promise<{ total: number; rows: PendingRow[] }> => {
    const countRow = await where(pending()).count({ n: '*' }).first();
    const rows: PendingRow[] = await where(pending())
      .select('ap.id', 'ap.case_number', 'ap.agency_id', 'ap.state', 'ap.received_date', 'ap.reply_due')
      .orderBy('ap.reply_due', 'asc').orderBy('ap.id', 'asc').limit(LIST_LIMIT);
    return { total: n(countRow?.n), rows };
  };
  const overdueRows = await list(overdueWhere);
  const soonRows = await list(soonWhere);

  // ---- Replies: on time, and working days taken, by month --------------------------------------
  // One row per (received, concluded, on time) with its count: at most a few tens of thousands of
  // rows whatever the number of applications (days in the period × spread of reply times).
  const onTimeExpr = 'CASE WHEN concluded_date <= reply_due THEN 1 ELSE 0 END';
  const pairs: { r: string; c: string; on_time: number | string; n: number | string }[] = await apps()
    .whereBetween('concluded_date', [period.from, period.to])
    .where((w) => w.whereNull('decision').orWhereNotIn('decision', [...LAPSE_DECISIONS]))
    .groupBy('received_date', 'concluded_date')
    .groupByRaw(onTimeExpr)
    .select({ r: 'received_date', c: 'concluded_date' })
    .select(db.raw(`${onTimeExpr} AS on_time`))
    .count({ n: '*' });
  // One pass over the calendar serves every working-day count below (the lists and the pairs). It
  // starts no earlier than the Regulation: a row dated before it is corrupt data (finding 4), and
  // must not make the pass walk back to year 1; its reply time is left out of the medians below.
  const earliest = [...pairs.map((p) => p.r), ...overdueRows.rows.map((r) => r.reply_due), today].reduce((a, b) => (b < a ? b : a));
  const firstDay = earliest < REGULATION_IN_FORCE ? REGULATION_IN_FORCE : earliest;
  const nextWorkingDay = calendar.nextWorkingDayOnOrAfter(today);
  const lastDay = [period.to, soonUntil, nextWorkingDay].reduce((a, b) => (b > a ? b : a));
  const between = workingDayCounter(calendar, firstDay, lastDay);
  const toItems = (rows: PendingRow[]): DeadlineItem[] => rows.map((r) => {
    const a = agencies.get(Number(r.agency_id));
    return {
      id: Number(r.id), caseNumber: r.case_number, agencyCode: a?.code ?? '', agencyName: a?.name ?? '', state: r.state,
      receivedDate: r.received_date, replyDue: r.reply_due,
      // As on the case page: overdue counts up to the next day a reply could be issued.
      workingDaysLeft: r.reply_due < today ? -between(r.reply_due, nextWorkingDay) : between(today, r.reply_due),
    };
  });
  const overdue = { total: overdueRows.total, items: toItems(overdueRows.rows) };
  const dueSoon = { total: soonRows.total, items: toItems(soonRows.rows) };

  const monthly = new Map<string, { replies: number; onTime: number; days: Map<number, number> }>(months.map((m) => [m, { replies: 0, onTime: 0, days: new Map() }]));
  const allDays = new Map<number, number>();
  for (const p of pairs) {
    const m = monthly.get(p.c.slice(0, 7));
    if (!m) continue;
    const count = n(p.n);
    const days = between(p.r, p.c);
    m.replies += count;
    if (n(p.on_time) === 1) m.onTime += count;
    if (p.r < firstDay) continue;
    m.days.set(days, (m.days.get(days) ?? 0) + count);
    allDays.set(days, (allDays.get(days) ?? 0) + count);
  }
  const median = (days: Map<number, number>) => weightedMedian([...days].map(([value, count]) => ({ value, count })));
  const byMonth: MonthStats[] = [...monthly].map(([month, m]) => ({
    month, replies: m.replies, onTime: m.onTime, onTimeRate: rate(m.onTime, m.replies), medianWorkingDays: median(m.days),
  }));
  const repliesTotal = byMonth.reduce((s, m) => s + m.replies, 0);
  const onTimeTotal = byMonth.reduce((s, m) => s + m.onTime, 0);

  // ---- Decision mix ----------------------------------------------------------------------------
  const decisionRows: { decision: string | null; n: number | string }[] = await apps()
    .whereBetween('concluded_date', [period.from, period.to]).groupBy('decision').select('decision').count({ n: '*' });
  const counts = new Map(decisionRows.map((r) => [r.decision ?? '', n(r.n)]));
  const byDecision = DECISIONS.map((d) => ({ code: d.code as string, label: d.label as string, group: d.group as DecisionGroup, count: counts.get(d.code) ?? 0 }));
  const byGroup = (Object.keys(DECISION_GROUP_LABELS) as DecisionGroup[]).map((group) => ({
    group, label: DECISION_GROUP_LABELS[group], count: byDecision.filter((d) => d.group === group).reduce((s, d) => s + d.count, 0),
  }));

  // ---- Data-form requests (issue 14) -----------------------------------------------------------
  const dataApps = () => apps().whereNotNull('data_form');
  const formRows: { data_form: string; n: number | string }[] = await dataApps()
    .whereBetween('received_date', [period.from, period.to]).groupBy('data_form').select('data_form').count({ n: '*' });
  const dataDecisionRows: { decision: string | null; n: number | string }[] = await dataApps()
    .whereBetween('concluded_date', [period.from, period.to]).groupBy('decision').select('decision').count({ n: '*' });
  const dataOpen = await dataApps().whereIn('state', OPEN_STATES).count({ n: '*' }).first();
  const groupOf = new Map(DECISIONS.map((d) => [d.code as string, d.group as DecisionGroup]));
  const dataByGroup = (Object.keys(DECISION_GROUP_LABELS) as DecisionGroup[]).map((group) => ({
    group, label: DECISION_GROUP_LABELS[group],
    count: dataDecisionRows.filter((r) => r.decision !== null && groupOf.get(r.decision) === group).reduce((t, r) => t + n(r.n), 0),
  }));
  const byForm = (Object.keys(DATA_FORMS) as DataForm[]).map((form) => ({ form, label: DATA_FORMS[form], count: n(formRows.find((r) => r.data_form === form)?.n) }));
  const dataForm = {
    received: byForm.reduce((t, f) => t + f.count, 0), byForm,
    concluded: dataDecisionRows.reduce((t, r) => t + n(r.n), 0), byGroup: dataByGroup, open: n(dataOpen?.n),
  };

  // ---- Reconsideration and litigation outcomes -------------------------------------------------
  const appealRows: { kind: string; outcome: string; n: number | string }[] = await db('appeals').whereIn('agency_id', scope)
    .whereNotNull('outcome').whereBetween('decision_date', [period.from, period.to])
    .groupBy('kind', 'outcome').select('kind', 'outcome').count({ n: '*' });
  const appeals = { reconsideration: emptyAppealStats(), litigation: emptyAppealStats(), total: emptyAppealStats() };
  for (const r of appealRows) {
    const kind = r.kind === 'reconsideration' ? appeals.reconsideration : appeals.litigation;
    const outcome = r.outcome === 'upheld' || r.outcome === 'corrected' ? r.outcome : 'other';
    for (const s of [kind, appeals.total]) {
      s[outcome] += n(r.n);
      s.decided += n(r.n);
    }
  }
  for (const s of Object.values(appeals)) s.correctionRate = rate(s.corrected, s.decided);

  return {
    asOf: today,
    period,
    agency: { code: agency.code, name: agency.name, includesBelow: true, agencies: scope.length },
    open: {
      total: openByAgency.reduce((s, a) => s + a.total, 0),
      overdue: openByAgency.reduce((s, a) => s + a.overdue, 0),
      states: OPEN_STATES,
      byState,
      byAgency: openByAgency,
    },
    dueSoon: { ...dueSoon, until: soonUntil },
    overdue,
    replies: { total: repliesTotal, onTime: onTimeTotal, onTimeRate: rate(onTimeTotal, repliesTotal), medianWorkingDays: median(allDays), byMonth },
    decisions: { total: byDecision.reduce((s, d) => s + d.count, 0), byGroup, byDecision },
    appeals,
    conferences: await conferenceStats(db, scope, period),
    dataForm,
  };
}
