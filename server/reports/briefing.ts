import type { User } from '../admin/user-store.js';
import { findAgencyByCode, agencyScopeIds } from '../admin/agency-store.js';
import { visibleAgencyIds } from '../policy.js';
import type { AppContext } from '../context.js';
import { invalid, notFound } from '../errors.js';
import { isIsoDate, formatChineseDate, reportYearProblem, yearOf } from '../../workflows/dates.js';
import { APPEAL_KINDS, APPEAL_OUTCOMES } from '../appeals/appeal-service.js';
import { renderReportPdf, type ReportDocument } from './report-pdf.js';
import { conferenceStats, type ConferenceStats } from './conference-stats.js';

export interface BriefingPeriod { from: string; to: string; label: string }

/** month=2026-03 | quarter=2026-Q1 | year=2026 | from&to (custom). */
export function parsePeriod(q: Record<string, unknown>): BriefingPeriod {
  const s = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const pad = (n: number) => String(n).padStart(2, '0');
  const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
  const month = /^(\d{4})-(\d{2})$/.exec(s(q.month));
  if (month) {
    const y = Number(month[1]), m = Number(month[2]);
    if (m >= 1 && m <= 12) return { from: `${y}-${pad(m)}-01`, to: `${y}-${pad(m)}-${lastDay(y, m)}`, label: `${y}年${m}月` };
  }
  const quarter = /^(\d{4})-Q([1-4])$/i.exec(s(q.quarter));
  if (quarter) {
    const y = Number(quarter[1]), k = Number(quarter[2]);
    return { from: `${y}-${pad(k * 3 - 2)}-01`, to: `${y}-${pad(k * 3)}-${lastDay(y, k * 3)}`, label: `${y}年第${'一二三四'[k - 1]}季度` };
  }
  const year = /^(\d{4})$/.exec(s(q.year));
  if (year) return { from: `${year[1]}-01-01`, to: `${year[1]}-12-31`, label: `${year[1]}年` };
  const from = s(q.from), to = s(q.to);
  if (isIsoDate(from) && isIsoDate(to) && from <= to) return { from, to, label: `${formatChineseDate(from)}至${formatChineseDate(to)}` };
  throw invalid({ period: '请指定期间：month=YYYY-MM、quarter=YYYY-Qn、year=YYYY，或 from、to 两个日期' });
}

/** A report's period lies in report years: 2008, the Regulation's first, to next year (finding 4). */
export function assertReportPeriod(period: BriefingPeriod, today: string): BriefingPeriod {
  for (const date of [period.from, period.to]) {
    const problem = reportYearProblem(yearOf(date), today);
    if (problem) throw invalid({ period: problem });
  }
  return period;
}

export interface Briefing {
  period: BriefingPeriod;
  agency: { code: string; name: string } | null;
  received: { total: number; byKind: Record<string, number>; byBody: { body: string; count: number }[] };
  decided: { total: number; byOutcome: Record<string, number>; byKindOutcome: Record<string, Record<string, number>> };
  pendingAtEnd: number;
  correctionRate: number | null; // corrected / decided
  corrections: { caseNumber: string; agency: string; kind: string; body: string; decisionType: string; date: string; summary: string }[];
  agencies: { agency: string; received: number; corrected: number }[];
  /** Issue 14: conferences (会商研判) in the period and how conferenced cases fared on appeal. */
  conferences: ConferenceStats;
  /**
   * Issue 14: applications answered in the period (reply issued or processing concluded, lapses and
   * transfers included) split by whether the applicant was contacted (沟通记录) on or before that day,
   * and how many of each were appealed (行政复议 or 行政诉讼, whenever filed).
   */
  contacts: { replied: number; withContact: ContactGroup; withoutContact: ContactGroup };
}

export interface ContactGroup { cases: number; appealed: number; appealRate: number | null }

/** 通报: counted in SQL over the appeals of the agency scope (issue 5). */
export async function buildBriefing(ctx: AppContext, user: User, q: Record<string, unknown>): Promise<Briefing> {
  const period = assertReportPeriod(parsePeriod(q), ctx.clock.today());
  let scope = await visibleAgencyIds(ctx, user);
  let agency: Briefing['agency'] = null;
  if (typeof q.agency === 'string' && q.agency) {
    const a = await findAgencyByCode(ctx.db, q.agency);
    if (!a || !scope.includes(a.id)) throw notFound('未找到该机关');
    const sub = await agencyScopeIds(ctx.db, a.id);
    scope = scope.filter((id) => sub.includes(id));
    agency = { code: a.code, name: a.name };
  }
  const db = ctx.db;
  const inScope = () => db('appeals as ap').whereIn('ap.agency_id', scope);
  const receivedRows: { kind: string; body: string; n: string | number }[] = await inScope()
    .whereBetween('ap.received_date', [period.from, period.to]).groupBy('ap.kind', 'ap.body').select('ap.kind', 'ap.body').count({ n: '*' });
  const decidedRows: { kind: string; outcome: string; n: string | number }[] = await inScope()
    .whereNotNull('ap.outcome').whereBetween('ap.decision_date', [period.from, period.to]).groupBy('ap.kind', 'ap.outcome').select('ap.kind', 'ap.outcome').count({ n: '*' });
  const pending = await inScope().where('ap.received_date', '<=', period.to)
    .where((w) => w.whereNull('ap.decision_date').orWhere('ap.decision_date', '>', period.to)).count({ n: '*' }).first();
  const corrections = await inScope().join('applications as app', 'app.id', 'ap.application_id').join('agencies as ag', 'ag.id', 'ap.agency_id')
    .where('ap.outcome', 'corrected').whereBetween('ap.decision_date', [period.from, period.to])
    .select('app.case_number', 'ag.name as agency', 'ap.kind', 'ap.body', 'ap.decision_type', 'ap.decision_date', 'ap.snapshot').orderBy('ap.decision_date');
  const perAgency: { agency: string; received: string | number; corrected: string | number }[] = await inScope().join('agencies as ag', 'ag.id', 'ap.agency_id')
    .where((w) => w.whereBetween('ap.received_date', [period.from, period.to]).orWhereBetween('ap.decision_date', [period.from, period.to]))
    .groupBy('ag.name').select('ag.name as agency')
    .select(db.raw('SUM(CASE WHEN ap.received_date BETWEEN ? AND ? THEN 1 ELSE 0 END) AS received', [period.from, period.to]))
    .select(db.raw("SUM(CASE WHEN ap.outcome = 'corrected' AND ap.decision_date BETWEEN ? AND ? THEN 1 ELSE 0 END) AS corrected", [period.from, period.to]));

  // Issue 14: contact before the reply vs none, and the appeal rate of each (counted in SQL).
  const contacted = db('applicant_contacts as c').whereRaw('c.application_id = app.id').whereRaw('c.date <= app.concluded_date').select(db.raw('1'));
  const appealed = db('appeals as a2').whereRaw('a2.application_id = app.id').select(db.raw('1'));
  const contactRows: { contacted: number | string; appealed: number | string; n: number | string }[] = await db('applications as app')
    .whereIn('app.agency_id', scope).whereBetween('app.concluded_date', [period.from, period.to])
    .select(db.raw('CASE WHEN EXISTS ? THEN 1 ELSE 0 END AS contacted', [contacted]))
    .select(db.raw('CASE WHEN EXISTS ? THEN 1 ELSE 0 END AS appealed', [appealed]))
    .count({ n: '*' })
    .groupByRaw('1, 2');
  const group = (c: number): ContactGroup => {
    const rows = contactRows.filter((r) => Number(r.contacted) === c);
    const cases = rows.reduce((t, r) => t + Number(r.n), 0);
    const hit = rows.filter((r) => Number(r.appealed) === 1).reduce((t, r) => t + Number(r.n), 0);
    return { cases, appealed: hit, appealRate: cases ? hit / cases : null };
  };
  const withContact = group(1);
  const withoutContact = group(0);

  const byKind: Record<string, number> = { reconsideration: 0, litigation: 0 };
  const bodies = new Map<string, number>();
  for (const r of receivedRows) {
    byKind[r.kind] = (byKind[r.kind] ?? 0) + Number(r.n);
    bodies.set(r.body, (bodies.get(r.body) ?? 0) + Number(r.n));
  }
  const byOutcome: Record<string, number> = { upheld: 0, corrected: 0, other: 0 };
  const byKindOutcome: Record<string, Record<string, number>> = { reconsideration: { upheld: 0, corrected: 0, other: 0 }, litigation: { upheld: 0, corrected: 0, other: 0 } };
  for (const r of decidedRows) {
    byOutcome[r.outcome] = (byOutcome[r.outcome] ?? 0) + Number(r.n);
    (byKindOutcome[r.kind] ??= { upheld: 0, corrected: 0, other: 0 })[r.outcome] = Number(r.n);
  }
  const decidedTotal = Object.values(byOutcome).reduce((a, b) => a + b, 0);
  return {
    period,
    agency,
    received: { total: Object.values(byKind).reduce((a, b) => a + b, 0), byKind, byBody: [...bodies].map(([body, count]) => ({ body, count })).sort((a, b) => b.count - a.count) },
    decided: { total: decidedTotal, byOutcome, byKindOutcome },
    pendingAtEnd: Number(pending?.n ?? 0),
    correctionRate: decidedTotal ? byOutcome.corrected! / decidedTotal : null,
    corrections: corrections.map((r) => ({
      caseNumber: r.case_number, agency: r.agency, kind: r.kind, body: r.body, decisionType: r.decision_type, date: r.decision_date,
      summary: String(JSON.parse(r.snapshot)?.context?.decision?.summary ?? ''),
    })),
    agencies: perAgency.map((r) => ({ agency: r.agency, received: Number(r.received), corrected: Number(r.corrected) })).sort((a, b) => b.corrected - a.corrected || b.received - a.received),
    conferences: await conferenceStats(db, scope, period),
    contacts: { replied: withContact.cases + withoutContact.cases, withContact, withoutContact },
  };
}

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

/** The conferences of the period in one sentence (the briefing's page and PDF). */
export function conferenceSentence(b: Pick<Briefing, 'period' | 'conferences'>): string {
  const c = b.conferences;
  return `${b.period.label}组织会商研判${c.convened}次，签批研判意见${c.signedOff}件。本期办结的申请中，经会商研判的${c.conferenced.concluded}件，被申请复议或起诉${c.conferenced.appealed}件、被纠错${c.conferenced.corrected}件（${pct(c.conferenced.correctionRate)}）；未经会商的${c.others.concluded}件，被申请复议或起诉${c.others.appealed}件、被纠错${c.others.corrected}件（${pct(c.others.correctionRate)}）。`;
}

export function briefingDocument(b: Briefing, agencyName: string, today: string): ReportDocument {
  const scope = b.agency?.name ?? agencyName;
  return {
    title: '政府信息公开行政复议和行政诉讼案件情况通报',
    subtitle: `${scope} · ${b.period.label}`,
    agencyName,
    date: today,
    sections: [
      {
        heading: '一、总体情况',
        paragraphs: [
          `${b.period.label}，${scope}新收政府信息公开行政复议案件${b.received.byKind.reconsideration ?? 0}件、行政诉讼案件${b.received.byKind.litigation ?? 0}件；审结${b.decided.total}件，其中结果维持${b.decided.byOutcome.upheld}件、结果纠正${b.decided.byOutcome.corrected}件、其他结果${b.decided.byOutcome.other}件，纠错率${pct(b.correctionRate)}；期末尚未审结${b.pendingAtEnd}件。`,
        ],
        table: {
          columns: ['类型', '维持', '纠正', '其他', '合计'],
          rows: (['reconsideration', 'litigation'] as const).map((k) => {
            const o = b.decided.byKindOutcome[k] ?? { upheld: 0, corrected: 0, other: 0 };
            return [APPEAL_KINDS[k], String(o.upheld ?? 0), String(o.corrected ?? 0), String(o.other ?? 0), String((o.upheld ?? 0) + (o.corrected ?? 0) + (o.other ?? 0))];
          }),
        },
      },
      {
        heading: '二、复议机关和法院',
        table: { columns: ['复议机关 / 法院', '新收案件'], rows: b.received.byBody.length ? b.received.byBody.map((x) => [x.body, String(x.count)]) : [['—', '0']] },
      },
      {
        heading: '三、被纠错案件及原因',
        paragraphs: b.corrections.length ? [] : ['本期无被纠错案件。'],
        ...(b.corrections.length
          ? { table: { columns: ['申请编号', '机关', '类型', '复议机关 / 法院', '决定', '日期', '纠错原因'], rows: b.corrections.map((c) => [c.caseNumber, c.agency, APPEAL_KINDS[c.kind as keyof typeof APPEAL_KINDS] ?? c.kind, c.body, c.decisionType, formatChineseDate(c.date), c.summary]), widths: [3, 3, 2, 3, 2, 3, 6] } }
          : {}),
      },
      {
        heading: '四、涉及机关',
        table: { columns: ['机关', '新收案件', '被纠错'], rows: b.agencies.length ? b.agencies.map((a) => [a.agency, String(a.received), String(a.corrected)]) : [['—', '0', '0']] },
      },
      {
        heading: '五、复杂疑难申请会商研判',
        paragraphs: [conferenceSentence(b)],
        table: {
          columns: ['', '办结申请', '被申请复议或起诉', '被纠错', '纠错比例'],
          rows: ([['经会商研判', b.conferences.conferenced], ['未经会商', b.conferences.others]] as const).map(([label, o]) => [label, String(o.concluded), String(o.appealed), String(o.corrected), pct(o.correctionRate)]),
        },
      },
      {
        heading: '六、答复前与申请人沟通情况',
        paragraphs: [contactSentence(b, scope)],
        table: {
          columns: ['', '办结件数', '其中被申请复议或起诉', '复议诉讼率'],
          rows: [
            ['答复前与申请人沟通', String(b.contacts.withContact.cases), String(b.contacts.withContact.appealed), pct(b.contacts.withContact.appealRate)],
            ['未经沟通', String(b.contacts.withoutContact.cases), String(b.contacts.withoutContact.appealed), pct(b.contacts.withoutContact.appealRate)],
          ],
        },
      },
    ],
  };
}

/** The contacts paragraph of the briefing: how many answered cases had a contact first, and the appeal rates. */
export function contactSentence(b: Briefing, scope: string): string {
  const c = b.contacts;
  return `${b.period.label}，${scope}办结政府信息公开申请${c.replied}件，其中答复前与申请人沟通的${c.withContact.cases}件，` +
    `被申请行政复议或提起行政诉讼${c.withContact.appealed}件（${pct(c.withContact.appealRate)}）；未经沟通的${c.withoutContact.cases}件，` +
    `被申请行政复议或提起行政诉讼${c.withoutContact.appealed}件（${pct(c.withoutContact.appealRate)}）。`;
}

export async function briefingPdf(ctx: AppContext, user: User, q: Record<string, unknown>): Promise<{ pdf: Buffer; filename: string; briefing: Briefing }> {
  const b = await buildBriefing(ctx, user, q);
  const pdf = await renderReportPdf(briefingDocument(b, user.agencyName, ctx.clock.today()));
  return { pdf, filename: `通报 ${b.period.label}.pdf`, briefing: b };
}

export { APPEAL_OUTCOMES };
