import { statusOf } from '../http/error-mapping.js';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import type { User } from '../admin/user-store.js';
import { listAgencies, type Agency } from '../admin/agency-store.js';
import { requireUser } from '../auth/auth-middleware.js';
import { visibleAgencyIds } from '../policy.js';
import { DomainError } from '../errors.js';
import { annualReport, TABLE3_COLUMNS, type AnnualReport } from '../reports/annual-report.js';
import { lockYear, unlockYear } from '../reports/report-locks.js';
import { appealsBehindCell, applicationsBehindCell, isTable4Row, TABLE4_COLUMNS, TABLE4_ROWS, type Table4Row } from '../reports/annual-cells.js';
import {
  annualExport, balanceFailures, balanceText, scopeLabel, table3ColumnName, table3LabelCells, table3LinePath, table4RowLabel, type AnnualExportFormat,
  APPLICANTS_HEADER, ORGANISATIONS_HEADER, TABLE3_COLUMN_LABELS, TABLE3_CORNER, TABLE3_LINES, TABLE3_TITLE,
  TABLE4_COLUMN_LABELS, TABLE4_GROUP_LABELS, TABLE4_TITLE,
} from '../reports/annual-export.js';
import { APPEAL_OUTCOMES } from '../appeals/appeal-service.js';

const layout = {
  TABLE3_COLUMNS, TABLE3_COLUMN_LABELS, TABLE3_CORNER, TABLE3_LINES, TABLE3_TITLE, APPLICANTS_HEADER, ORGANISATIONS_HEADER,
  TABLE4_ROWS, TABLE4_COLUMNS, TABLE4_COLUMN_LABELS, TABLE4_GROUP_LABELS, TABLE4_TITLE, APPEAL_OUTCOMES,
  labelCells: table3LabelCells(),
};

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const isBelow = (v: unknown) => v === 'true' || v === '1';

/** The report query of a page or export URL; the page defaults to last year and the user's own agency. */
function reportQuery(ctx: AppContext, user: User, q: Record<string, unknown>) {
  return {
    year: str(q.year) ?? String(Number(ctx.clock.today().slice(0, 4)) - 1),
    agency: str(q.agency) ?? user.agencyCode,
    ...(isBelow(q.below) ? { below: 'true' } : {}),
  };
}
type ReportQuery = ReturnType<typeof reportQuery>;

const qs = (params: Record<string, string | undefined>) =>
  new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')).toString();

export interface LockInfo {
  agencyCode: string;
  agencyName: string;
  year: number;
  lockedBy: string;
  lockedAt: string;
}

/**
 * The lock on this agency's report for the year, and the locks that cover it anyway: one on a later
 * year of the same agency, or on the same or a later year of an agency above (report-locks.ts
 * refuses any change dated on or before the end of a locked year, for the agency and those below).
 */
async function lockState(ctx: AppContext, agency: Agency, year: number, agencies: Agency[]) {
  const byId = new Map(agencies.map((a) => [a.id, a]));
  const chain: number[] = [];
  for (let a: Agency | undefined = agency; a && !chain.includes(a.id); a = a.parentId === null ? undefined : byId.get(a.parentId)) chain.push(a.id);
  const rows: { agency_id: number; code: string; name: string; year: number; display_name: string | null; username: string | null; locked_at: string }[] = await ctx.db('report_locks as l')
    .join('agencies as a', 'a.id', 'l.agency_id')
    .leftJoin('users as u', 'u.id', 'l.locked_by')
    .whereIn('l.agency_id', chain)
    .where('l.year', '>=', year)
    .select('l.agency_id', 'a.code', 'a.name', 'l.year', 'u.display_name', 'u.username', 'l.locked_at')
    .orderBy('l.year');
  const info = (r: (typeof rows)[number]): LockInfo => ({
    agencyCode: r.code, agencyName: r.name, year: Number(r.year), lockedBy: r.display_name ?? r.username ?? '—', lockedAt: r.locked_at,
  });
  const own = rows.find((r) => Number(r.agency_id) === agency.id && Number(r.year) === year);
  return { own: own ? info(own) : null, covering: rows.filter((r) => r !== own).map(info) };
}

/** The annual report page (issue 6), the lists behind its cells, the lock forms and the exports. */
export function reportPageRouter(ctx: AppContext): Router {
  const r = Router();

  const mayView = (user: User) => {
    if (user.role !== 'manager' && user.role !== 'legal') throw new DomainError('forbidden', 'forbidden', '只有政务公开办或法制人员可以查看年度报表');
  };

  const urls = (q: ReportQuery) => {
    const base = { year: q.year, agency: q.agency, below: q.below };
    return {
      self: `/reports/annual?${qs(base)}`,
      xlsx: `/api/reports/annual.xlsx?${qs(base)}`,
      csv: `/api/reports/annual.csv?${qs(base)}`,
      pdf: `/api/reports/annual.pdf?${qs(base)}`,
      json: `/api/reports/annual?${qs(base)}`,
      cell: (table: 3 | 4, row: string, column: string) => `/reports/annual/cell?${qs({ ...base, table: String(table), row, column })}`,
    };
  };

  const reportPage = async (req: Request, res: Response, q: ReportQuery, status = 200, extra: { error?: string | null; flash?: string | null } = {}) => {
    const user = requireUser(req);
    mayView(user);
    const report: AnnualReport = await annualReport(ctx, user, q);
    const visible = await visibleAgencyIds(ctx, user);
    const all = await listAgencies(ctx.db);
    const agency = all.find((a) => a.code === report.agency.code)!;
    const locks = await lockState(ctx, agency, report.year, all);
    res.status(status).render('annual-report', {
      title: `${report.year}年度报表`,
      report,
      query: q,
      agencies: all.filter((a) => visible.includes(a.id)),
      locks,
      canLock: user.role === 'manager',
      urls: urls(q),
      balance: { text: balanceText(report), ok: report.balance.ok, failures: balanceFailures(report) },
      scope: scopeLabel(report),
      error: extra.error ?? null,
      flash: extra.flash ?? null,
      ...layout,
    });
  };

  r.get('/reports/annual', async (req, res) => {
    const user = requireUser(req);
    mayView(user);
    const q = reportQuery(ctx, user, req.query as Record<string, unknown>);
    await reportPage(req, res, q, 200, { flash: str(req.query.done) ?? null });
  });

  const lockForm = (action: 'lock' | 'unlock') => async (req: Request, res: Response) => {
    const user = requireUser(req);
    mayView(user);
    const q = reportQuery(ctx, user, (req.body ?? {}) as Record<string, unknown>);
    try {
      if (action === 'lock') await lockYear(ctx, user, { year: q.year, agency: q.agency });
      else await unlockYear(ctx, user, { year: q.year, agency: q.agency });
      const done = action === 'lock' ? `${q.year}年度报表已锁定` : `${q.year}年度报表已解除锁定`;
      res.redirect(303, `/reports/annual?${qs({ year: q.year, agency: q.agency, below: q.below, done })}`);
    } catch (e) {
      if (!(e instanceof DomainError) || statusOf(e) >= 500) throw e;
      const message = e.fields ? Object.values(e.fields).join('；') : e.message;
      await reportPage(req, res, q, statusOf(e), { error: message });
    }
  };
  r.post('/reports/annual/lock', lockForm('lock'));
  r.post('/reports/annual/unlock', lockForm('unlock'));

  const cellQuery = (user: User, raw: Record<string, unknown>) => {
    const q = reportQuery(ctx, user, raw);
    const row = str(raw.row) ?? '';
    const table: 3 | 4 = raw.table === '4' || (raw.table === undefined && isTable4Row(row)) ? 4 : 3;
    return { q, table, cell: { ...q, row, column: str(raw.column) ?? 'total' } };
  };

  // The applications (table 三) or appeals (table 四) behind one figure.
  r.get('/reports/annual/cell', async (req, res) => {
    const user = requireUser(req);
    mayView(user);
    const { q, table, cell } = cellQuery(user, req.query as Record<string, unknown>);
    const list = table === 3 ? await applicationsBehindCell(ctx, user, cell) : await appealsBehindCell(ctx, user, cell);
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
      back: urls(q).self,
      ...layout,
    });
  });

  // JSON of the same list, for other tools.
  r.get('/api/reports/annual/cell', async (req, res) => {
    const user = requireUser(req);
    mayView(user);
    const { table, cell } = cellQuery(user, req.query as Record<string, unknown>);
    res.json(table === 3 ? await applicationsBehindCell(ctx, user, cell) : await appealsBehindCell(ctx, user, cell));
  });

  const exportRoute = (format: AnnualExportFormat) => async (req: Request, res: Response) => {
    const user = requireUser(req);
    const raw = req.query as Record<string, unknown>;
    // The API takes the year explicitly (as GET /api/reports/annual does); no default here.
    const { body, mime, filename } = await annualExport(ctx, user, { year: raw.year, agency: raw.agency, below: raw.below }, format);
    res.type(mime);
    // RFC 6266/5987: an ASCII fallback plus the UTF-8 name.
    res.set('Content-Disposition', `attachment; filename="${filename.ascii}"; filename*=UTF-8''${encodeURIComponent(filename.utf8)}`);
    res.set('Cache-Control', 'private, no-store');
    res.send(body);
  };
  r.get('/api/reports/annual.xlsx', exportRoute('xlsx'));
  r.get('/api/reports/annual.csv', exportRoute('csv'));
  r.get('/api/reports/annual.pdf', exportRoute('pdf'));

  return r;
}
