// Reports (issues 5 and 6): the annual report with the lists behind its figures, its lock and its
// exports; the managers' dashboard; the appeals briefing (通报) and the case compendium (案例汇编) —
// API and pages.
import { z } from 'zod';
import type { Response } from 'express';
import { route, type RouteDef, refusalText } from '../http/route.js';
import { flag, intField, isoDate, noQuery, withoutEmpty } from '../http/schemas.js';
import { statusOf } from '../http/error-mapping.js';
import type { AppContext } from '../context.js';
import type { User } from '../admin/user-store.js';
import { listAgencies } from '../admin/agency-store.js';
import { annualReport, TABLE3_COLUMNS } from '../reports/annual-report.js';
import { lockState, lockYear, unlockYear } from '../reports/report-locks.js';
import { appealsBehindCell, applicationsBehindCell, isTable4Row, TABLE4_COLUMNS, TABLE4_ROWS, type Table4Row } from '../reports/annual-cells.js';
import {
  annualExport, balanceFailures, balanceText, scopeLabel, table3ColumnName, table3LabelCells, table3LinePath, table4RowLabel, type AnnualExportFormat,
  APPLICANTS_HEADER, ORGANISATIONS_HEADER, TABLE3_COLUMN_LABELS, TABLE3_CORNER, TABLE3_LINES, TABLE3_TITLE,
  TABLE4_COLUMN_LABELS, TABLE4_GROUP_LABELS, TABLE4_TITLE,
} from '../reports/annual-export.js';
import { buildDashboard, DUE_SOON_WORKING_DAYS, LIST_LIMIT } from '../reports/dashboard.js';
import { dashboardCharts } from '../reports/charts.js';
import { buildBriefing, briefingPdf, conferenceSentence } from '../reports/briefing.js';
import { buildCompendium } from '../reports/compendium.js';
import { listAppealViews } from '../appeals/appeal-service.js';
import { appealIds } from '../appeals/appeal-schemas.js';
import { APPEAL_KINDS } from '../../workflows/appeal.machine.js';
import { APPEAL_HELPERS } from './appeal-routes.js';
import { contentDisposition, sendPdf } from './responses.js';
import { agencyChoices } from './agency-choices.js';

const REPORT_READERS = ['manager', 'legal'] as const;
const MANAGER = ['manager'] as const;

const layout = {
  TABLE3_COLUMNS, TABLE3_COLUMN_LABELS, TABLE3_CORNER, TABLE3_LINES, TABLE3_TITLE, APPLICANTS_HEADER, ORGANISATIONS_HEADER,
  TABLE4_ROWS, TABLE4_COLUMNS, TABLE4_COLUMN_LABELS, TABLE4_GROUP_LABELS, TABLE4_TITLE, APPEAL_OUTCOMES: APPEAL_HELPERS.APPEAL_OUTCOMES,
  labelCells: table3LabelCells(),
};

/** A value a form or a link may send empty (meaning "not given"). */
const blankOr = <T extends z.ZodType>(schema: T) => z.union([z.literal(''), schema]).optional();

const year = intField(2000, 2100).describe('the reported year (YYYY)');
const agency = z.string().max(64).optional().describe('agency code; the caller\'s own when absent');
const below = flag.describe('with every agency below it');

/** The scope of an annual report: the API names the year; pages default to last year. */
const annualScope = z.strictObject({ year, agency, below });
const pageScope = { year: blankOr(year), agency, below };
const cellSelector = {
  table: z.enum(['3', '4']).optional().describe('3: applications (table 三); 4: appeals (table 四); from the row when absent'),
  row: z.string().max(80).optional().describe('table 三: new | carried_in | <decision code> | total | carried_out; table 四: reconsideration | litigation_direct | litigation_after_reconsideration'),
  column: z.string().max(40).optional().describe('table 三: natural_person | commercial | research | social_welfare | legal_services | other_org | total; table 四: upheld | corrected | other | pending | total'),
};

type PageScope = {
  year: number;
  agency: string;
  below: boolean;
};

/** The page's report scope: last year and the user's own agency unless chosen. */
function pageScopeOf(ctx: AppContext, user: User, q: { year?: number | ''; agency?: string; below: boolean }): PageScope {
  return {
    year: typeof q.year === 'number' ? q.year : Number(ctx.clock.today().slice(0, 4)) - 1,
    agency: q.agency?.trim() || user.agencyCode,
    below: q.below,
  };
}

/** The scope a refused lock form asked for, as far as it can be read. */
function pageScopeOfForm(ctx: AppContext, user: User, form: Record<string, unknown>): PageScope {
  const parsed = z.object(pageScope).safeParse(form);
  return pageScopeOf(ctx, user, parsed.success ? parsed.data : { below: false });
}

const qs = (params: Record<string, string | number | boolean | undefined>) =>
  new URLSearchParams(
    Object.entries(params)
      .filter(([, v]) => v !== undefined && v !== '' && v !== false)
      .map(([k, v]) => [k, String(v)]),
  ).toString();

function urls(s: PageScope) {
  const base = { year: s.year, agency: s.agency, below: s.below };
  return {
    self: `/reports/annual?${qs(base)}`,
    xlsx: `/api/reports/annual.xlsx?${qs(base)}`,
    csv: `/api/reports/annual.csv?${qs(base)}`,
    pdf: `/api/reports/annual.pdf?${qs(base)}`,
    json: `/api/reports/annual?${qs(base)}`,
    cell: (table: 3 | 4, row: string, column: string) => `/reports/annual/cell?${qs({ ...base, table, row, column })}`,
  };
}

async function renderReportPage(ctx: AppContext, res: Response, user: User, s: PageScope, status = 200, extra: { error?: string | null; flash?: string | null } = {}) {
  const report = await annualReport(ctx, user, s);
  const all = await listAgencies(ctx.db);
  const agencyRow = all.find((a) => a.code === report.agency.code)!;
  res.status(status).render('annual-report', {
    title: `${report.year}年度报表`,
    report,
    query: s,
    agencies: await agencyChoices(ctx, user),
    locks: await lockState(ctx.db, agencyRow.id, report.year),
    canLock: user.role === 'manager',
    urls: urls(s),
    balance: { text: balanceText(report), ok: report.balance.ok, failures: balanceFailures(report) },
    scope: scopeLabel(report),
    error: extra.error ?? null,
    flash: extra.flash ?? null,
    ...layout,
  });
}

/** Which table a cell is in: as asked, or from its row. */
const cellOf = (s: PageScope, q: { table?: '3' | '4'; row?: string; column?: string }) => {
  const row = q.row?.trim() ?? '';
  const table: 3 | 4 = q.table === '4' || (q.table === undefined && isTable4Row(row)) ? 4 : 3;
  return { table, cell: { ...s, row, column: q.column?.trim() || 'total' } };
};

const behindCell = (ctx: AppContext, user: User, table: 3 | 4, cell: Parameters<typeof applicationsBehindCell>[2]) =>
  table === 3 ? applicationsBehindCell(ctx, user, cell) : appealsBehindCell(ctx, user, cell);

const EXPORTS: { format: AnnualExportFormat; contentType: string; summary: string }[] = [
  {
    format: 'xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    summary: 'tables 三 and 四 as XLSX laid out like the official format (merged header cells, row labels verbatim; 表四 on the second sheet); manager or legal',
  },
  {
    format: 'csv', contentType: 'text/csv',
    summary: 'tables 三 and 四 as CSV (UTF-8 with BOM, CRLF): a header line and one line per row of 三 (label path + 7 numbers), a blank line, a header line and the 3 rows of 四 (label + 5 numbers)',
  },
  { format: 'pdf', contentType: 'application/pdf', summary: 'tables 三 and 四 as a PDF report (A4, ruled tables)' },
];

const lockTarget = { year: year.optional(), agency };

// --- periods (dashboard, briefing) ------------------------------------------------------------
const period = {
  month: blankOr(z.string().regex(/^\d{4}-\d{2}$/, { message: '月份格式应为 YYYY-MM' })).describe('YYYY-MM'),
  quarter: blankOr(z.string().regex(/^\d{4}-Q[1-4]$/i, { message: '季度格式应为 YYYY-Qn（如 2026-Q1）' })).describe('YYYY-Qn'),
  year: blankOr(z.string().regex(/^\d{4}$/, { message: '年份格式应为 YYYY' })).describe('YYYY'),
  from: blankOr(isoDate).describe('first day of a custom period'),
  to: blankOr(isoDate).describe('last day of a custom period'),
  agency: z.string().max(64).optional().describe('agency code: the agency and every agency below it'),
};
const dashboardQuery = z.strictObject(period);
const briefingQuery = z.strictObject({ ...period, format: blankOr(z.enum(['pdf', 'json'], { message: '格式应为 PDF' })).describe('pdf for the PDF') });

/** The briefing's period: this year when none is chosen (the page). */
const withDefaultPeriod = (ctx: AppContext, q: z.output<typeof briefingQuery>) =>
  q.month || q.quarter || q.year || q.from ? q : { ...q, year: ctx.clock.today().slice(0, 4) };

// --- compendium --------------------------------------------------------------------------------
const compendiumFilter = {
  year: blankOr(intField(2000, 2100)).describe('year received'),
  outcome: blankOr(z.enum(['upheld', 'corrected', 'other', 'pending'], { message: '结果应为维持、纠正、其他或尚未审结' })),
  kind: blankOr(z.enum(Object.keys(APPEAL_KINDS) as [string, ...string[]], { message: '类型应为行政复议或行政诉讼' })),
};
const compendiumInput = z.strictObject({
  appealIds: appealIds.optional().describe('the cases, in any order (the book orders them by date received); else the filter chooses'),
  filter: z.strictObject(compendiumFilter).optional(),
  title: z.string().max(200).optional().describe('the book\'s title (first 60 characters)'),
  subtitle: z.string().max(200).optional().describe('first 80 characters'),
  ...compendiumFilter,
});

const compendiumPage = async (ctx: AppContext, res: Response, user: User, status = 200, error: string | null = null) =>
  res.status(status).render('compendium', { title: '案例汇编', items: await listAppealViews(ctx, user, {}), error, ...APPEAL_HELPERS });

export const reportRoutes: RouteDef[] = [
  // --- annual report: JSON API ----------------------------------------------------------------
  route({
    method: 'get', path: '/api/reports/annual', permission: REPORT_READERS, query: annualScope,
    summary: 'annual report tables 三 and 四 (manager or legal): ?year=YYYY&agency=CODE[&below=true]',
    responses: { 200: { description: '{year, agency, table3: {columns, rows}, table4, balance}' }, 404: { description: 'no such agency, or not one the caller may see' } },
    handler: ({ ctx, user, query }) => annualReport(ctx, user, query),
  }),
  route({
    method: 'get', path: '/api/reports/annual/cell', permission: REPORT_READERS, query: z.strictObject({ ...pageScope, ...cellSelector }),
    summary: 'what lies behind one figure: table=3 → the applications, table=4 → the appeals (year defaults to last year)',
    responses: { 200: { description: '{year, agency, table, row, column, count, items[]}' }, 404: { description: 'no such agency, or not one the caller may see' } },
    handler: ({ ctx, user, query }) => {
      const { table, cell } = cellOf(pageScopeOf(ctx, user, query), query);
      return behindCell(ctx, user, table, cell);
    },
  }),
  ...EXPORTS.map(({ format, contentType, summary }) =>
    route({
      method: 'get', path: `/api/reports/annual.${format}`, permission: REPORT_READERS, query: annualScope,
      summary,
      responses: { 200: { description: 'attachment with a UTF-8 file name', contentType }, 404: { description: 'no such agency, or not one the caller may see' } },
      handler: async ({ ctx, user, query, res }) => {
        const { body, mime, filename } = await annualExport(ctx, user, query, format);
        res.type(mime).set('Content-Disposition', contentDisposition('attachment', filename.utf8, filename.ascii)).set('Cache-Control', 'private, no-store').send(body);
      },
    }),
  ),
  route({
    method: 'post', path: '/api/reports/annual/lock', permission: MANAGER, body: z.strictObject({ year, agency }),
    summary: 'lock a reported year (manager): {year, agency} — refused while the table does not balance',
    description: 'Once locked, any change dated on or before the end of that year (a back-dated registration, a reply issued, a case reopened…) is refused (409) for the agency and every agency below it.',
    responses: { 200: { description: '{year, agency, locked: true}' }, 409: { description: 'the table does not balance' } },
    handler: ({ ctx, user, body }) => lockYear(ctx, user, body),
  }),
  route({
    method: 'delete', path: '/api/reports/annual/lock', permission: MANAGER, query: z.strictObject(lockTarget), body: z.strictObject(lockTarget),
    summary: 'unlock a reported year (manager): ?year&agency (or the same in the body)',
    responses: { 200: { description: '{year, agency, locked: false}' }, 404: { description: 'not locked, or no such agency' } },
    handler: ({ ctx, user, query, body }) => unlockYear(ctx, user, { ...query, ...body }),
  }),

  // --- annual report: pages -------------------------------------------------------------------
  route({
    method: 'get', path: '/reports/annual', permission: REPORT_READERS, query: z.strictObject({ ...pageScope, done: z.string().max(200).optional() }),
    summary: '年度报表',
    handler: ({ ctx, user, query, res }) => renderReportPage(ctx, res, user, pageScopeOf(ctx, user, query), 200, { flash: query.done?.trim() || null }),
  }),
  ...(['lock', 'unlock'] as const).map((action) =>
    route({
      // Legal staff read the report (the form posts back to its page); locking is the manager's, and the use case says so.
      method: 'post', path: `/reports/annual/${action}`, permission: REPORT_READERS, body: z.strictObject(pageScope),
      summary: action === 'lock' ? '锁定年度报表（表单）' : '解除年度报表锁定（表单）',
      onRefusal: async (c, e) => {
        if (!c.user) throw e;
        await renderReportPage(c.ctx, c.res, c.user, pageScopeOfForm(c.ctx, c.user, c.form), statusOf(e), { error: refusalText(e) });
      },
      handler: async ({ ctx, user, body, res }) => {
        const s = pageScopeOf(ctx, user, body);
        const target = { year: s.year, agency: s.agency };
        if (action === 'lock') await lockYear(ctx, user, target);
        else await unlockYear(ctx, user, target);
        const done = action === 'lock' ? `${s.year}年度报表已锁定` : `${s.year}年度报表已解除锁定`;
        res.redirect(303, `/reports/annual?${qs({ ...s, done })}`);
      },
    }),
  ),
  route({
    method: 'get', path: '/reports/annual/cell', permission: REPORT_READERS, query: z.strictObject({ ...pageScope, ...cellSelector }),
    summary: '年度报表数字所对应的案件',
    handler: async ({ ctx, user, query, res }) => {
      const s = pageScopeOf(ctx, user, query);
      const { table, cell } = cellOf(s, query);
      const list = await behindCell(ctx, user, table, cell);
      const line = TABLE3_LINES.find((l) => l.key === list.row);
      const rowLabel = list.table === 3 ? (line ? table3LinePath(line) : list.row) : table4RowLabel(list.row as Table4Row);
      const columnLabel = list.table === 3
        ? table3ColumnName(list.column as (typeof TABLE3_COLUMNS)[number])
        : TABLE4_COLUMN_LABELS[list.column as keyof typeof TABLE4_COLUMN_LABELS];
      res.render('annual-cell', {
        title: `${list.year}年度报表 · ${rowLabel} · ${columnLabel}`,
        list,
        rowLabel,
        columnLabel,
        scope: `${list.agency.name}${list.agency.includesBelow ? '（含下级机关）' : ''}`,
        back: urls(s).self,
        ...layout,
      });
    },
  }),

  // --- dashboard ----------------------------------------------------------------------------
  route({
    method: 'get', path: '/api/reports/dashboard', permission: MANAGER, query: dashboardQuery,
    summary: 'managers\' dashboard: open applications by agency and state, due-soon (≤3 working days) and overdue lists (cached replyDue, no reply yet, 50 each), on-time rate and median working days to reply by month, decision mix, reconsideration/litigation correction rate',
    description: 'Scope: the agency (default the manager\'s own) and every agency below it. Period (default the last 12 months): from&to, or month/quarter/year. Replies of a month are applications concluded (reply issued or processing stopped) in it, lapses excluded; on time = concluded on or before the cached replyDue; working days to reply = working days in (received, concluded] by the working calendar. conferences (issue 14): conferences convened and signed off in the period and the appeal outcomes of conferenced cases against the others. dataForm (issue 14): data-form requests received in the period by kind, concluded in it by decision group, and open now. Also the page GET /dashboard with server-rendered SVG charts.',
    responses: {
      200: { description: '{asOf, period, agency, open: {total, overdue, states, byState, byAgency[]}, dueSoon: {total, until, items[]}, overdue: {total, items[]}, replies: {total, onTime, onTimeRate, medianWorkingDays, byMonth[]}, decisions: {total, byGroup[], byDecision[]}, appeals: {reconsideration, litigation, total}}' },
      404: { description: 'no such agency, or not one the caller may see' },
    },
    handler: ({ ctx, user, query }) => buildDashboard(ctx, user, query),
  }),
  route({
    method: 'get', path: '/dashboard', permission: MANAGER, query: dashboardQuery,
    summary: '统计',
    handler: async ({ ctx, user, query, res }) => {
      const d = await buildDashboard(ctx, user, query);
      res.render('dashboard', { title: '统计', d, charts: dashboardCharts(d), query, agencies: await agencyChoices(ctx, user), APPEAL_KINDS, DUE_SOON_WORKING_DAYS, LIST_LIMIT });
    },
  }),

  // --- briefing (通报) ------------------------------------------------------------------------
  route({
    method: 'get', path: '/api/reports/briefing', permission: REPORT_READERS, query: briefingQuery,
    summary: '通报 for a period (month=YYYY-MM | quarter=YYYY-Qn | year=YYYY | from&to) and agency scope (manager or legal); format=pdf for the PDF',
    responses: {
      200: { description: 'the briefing {period, agency, received, decided, pendingAtEnd, correctionRate, corrections[], agencies[], contacts: {replied, withContact, withoutContact} (issue 14: cases answered in the period with a contact on or before the reply, or none, each {cases, appealed, appealRate})}; with format=pdf the PDF (application/pdf)' },
      404: { description: 'no such agency, or not one the caller may see' },
    },
    handler: async ({ ctx, user, query, res }) => {
      if (query.format !== 'pdf') return buildBriefing(ctx, user, query);
      const { pdf, filename } = await briefingPdf(ctx, user, query);
      sendPdf(res, pdf, filename, true);
    },
  }),
  route({
    method: 'get', path: '/reports/briefing', permission: REPORT_READERS, query: briefingQuery,
    summary: '复议诉讼通报',
    handler: async ({ ctx, user, query, res }) => {
      const q = withDefaultPeriod(ctx, query);
      if (q.format === 'pdf') {
        const { pdf, filename } = await briefingPdf(ctx, user, q);
        return sendPdf(res, pdf, filename, true);
      }
      const briefing = await buildBriefing(ctx, user, q);
      const pdfUrl = `/reports/briefing?${qs({ ...q, format: 'pdf' })}`;
      res.render('briefing', { title: '复议诉讼通报', briefing, query: q, pdfUrl, agencies: await agencyChoices(ctx, user), conferenceSentence, ...APPEAL_HELPERS });
    },
  }),

  // --- compendium (案例汇编) -------------------------------------------------------------------
  route({
    method: 'post', path: '/api/reports/compendium', permission: REPORT_READERS, body: compendiumInput,
    summary: '案例汇编 PDF (manager or legal): {appealIds?: number[], filter?: {year, outcome, kind}, title?, subtitle?}; X-Compendium-Toc header lists chapters and pages',
    description: 'One chapter per case from the legal staff\'s write-up (facts pre-filled where not yet written); the applicant\'s name is anonymised everywhere (张某). At most 200 cases.',
    responses: { 200: { description: 'the book; X-Compendium-Cases: the number of cases, X-Compendium-Toc: URI-encoded JSON [{title, page}]', contentType: 'application/pdf' } },
    handler: async ({ ctx, user, body, res }) => {
      const { pdf, toc, cases } = await buildCompendium(ctx, user, body);
      res.set('X-Compendium-Cases', String(cases));
      res.set('X-Compendium-Toc', encodeURIComponent(JSON.stringify(toc)));
      sendPdf(res, pdf, '案例汇编.pdf', true);
    },
  }),
  route({
    method: 'get', path: '/reports/compendium', permission: REPORT_READERS, query: noQuery,
    summary: '案例汇编',
    handler: ({ ctx, user, res }) => compendiumPage(ctx, res, user),
  }),
  route({
    method: 'post', path: '/reports/compendium', permission: REPORT_READERS,
    body: z.preprocess((v) => withoutEmpty((v ?? {}) as Record<string, unknown>), compendiumInput),
    summary: '编印案例汇编（表单）',
    onRefusal: async (c, e) => {
      if (e.kind !== 'invalid' || !c.user) throw e;
      await compendiumPage(c.ctx, c.res, c.user, statusOf(e), refusalText(e));
    },
    handler: async ({ ctx, user, body, res }) => {
      const { pdf } = await buildCompendium(ctx, user, body);
      sendPdf(res, pdf, `${body.title?.trim() || '案例汇编'}.pdf`, true);
    },
  }),
];
