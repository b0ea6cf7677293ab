import { insertedId } from '../../db/dialect.js';
import type { User } from '../admin/user-store.js';
import { audit } from '../audit.js';
import type { AppContext } from '../context.js';
import { DomainError, invalid, notFound } from '../errors.js';
import { reportScope, type ReportScope } from './annual-report.js';
import { csvSink, ledgerSize, writeLedger, xlsxSink } from './annual-ledger.js';
import { BEIJING_TIME, beijingTime } from '../../workflows/dates.js';
import { loggerOf } from '../log.js';

// Long exports run as jobs (issue 6: "long exports show progress"). The job row is the truth any
// instance can read: status, lines done of total, then the file. The work runs on the instance that
// accepted it; if that instance dies, its heartbeat (updated_at) stops and the job reads as cut off.

export const EXPORT_KINDS = { annual_ledger: '年度办理台账' } as const;
export type ExportKind = keyof typeof EXPORT_KINDS;
export const EXPORT_FORMATS = ['xlsx', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
const MIME: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};
export const EXPORT_STATUS = { queued: '排队中', running: '正在导出', done: '已完成', failed: '导出失败' } as const;
export type ExportStatus = keyof typeof EXPORT_STATUS;

/** A running job silent for this long was cut off (lines are written in batches of well under a second). */
const HEARTBEAT_MS = 2 * 60_000;
const KEEP_DAYS = 7;
const DEFAULT_BATCH = 2000;

/** Test seams: batch size, and a pause after each batch to look at the job from outside. */
export interface ExportOptions {
  batchSize?: number;
  afterBatch?: (jobId: number, done: number) => Promise<void>;
}
const options = new WeakMap<AppContext, ExportOptions>();
const running = new WeakMap<AppContext, Set<Promise<void>>>();
export const setExportOptions = (ctx: AppContext, o: ExportOptions) => void options.set(ctx, o);
/** Resolves when every job started by this process has ended (tests, graceful shutdown). */
export const settleExportJobs = async (ctx: AppContext) => void (await Promise.all([...(running.get(ctx) ?? [])]));

interface JobRow {
  id: number;
  kind: string;
  format: string;
  params: string;
  status: ExportStatus;
  done: number;
  total: number | null;
  message: string | null;
  filename: string | null;
  size: number | null;
  created_by: number;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface ExportJobView {
  id: number;
  kind: ExportKind;
  kindLabel: string;
  format: ExportFormat;
  params: Record<string, unknown>;
  status: ExportStatus;
  statusLabel: string;
  done: number;
  total: number | null;
  /** 0–100, whole numbers; null until the size is known. */
  percent: number | null;
  message: string | null;
  filename: string | null;
  /** What the file is, as people name it (the file name without its extension): agency names, never codes. */
  title: string;
  size: number | null;
  createdAt: string;
  finishedAt: string | null;
  url: string;
  page: string;
  fileUrl: string | null;
}

const COLUMNS = ['id', 'kind', 'format', 'params', 'status', 'done', 'total', 'message', 'filename', 'size', 'created_by', 'created_at', 'updated_at', 'finished_at'];

function toView(r: JobRow, now: number): ExportJobView {
  let status = r.status;
  let message = r.message;
  if ((status === 'running' || status === 'queued') && now - Date.parse(r.updated_at) > HEARTBEAT_MS) {
    status = 'failed';
    message = '导出中断（服务器重启或故障），请重新导出';
  }
  const total = r.total === null ? null : Number(r.total);
  const done = Number(r.done);
  return {
    id: Number(r.id),
    kind: r.kind as ExportKind,
    kindLabel: EXPORT_KINDS[r.kind as ExportKind] ?? r.kind,
    format: r.format as ExportFormat,
    params: JSON.parse(r.params) as Record<string, unknown>,
    status,
    statusLabel: EXPORT_STATUS[status],
    done,
    total,
    percent: status === 'done' ? 100 : total === null ? null : total === 0 ? 0 : Math.floor((done * 100) / total),
    message,
    filename: r.filename,
    title: r.filename ? r.filename.replace(/\.\w+$/, '') : (EXPORT_KINDS[r.kind as ExportKind] ?? '导出文件'),
    size: r.size === null ? null : Number(r.size),
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    url: `/api/reports/exports/${r.id}`,
    page: `/reports/exports/${r.id}`,
    fileUrl: status === 'done' ? `/api/reports/exports/${r.id}/file` : null,
  };
}

function ledgerFilename(scope: ReportScope, format: ExportFormat): string {
  return `${scope.agency.name}${scope.includesBelow ? '（含下级机关）' : ''}${scope.year}年度政府信息公开申请办理台账.${format}`;
}

export async function createExportJob(ctx: AppContext, user: User, body: Record<string, unknown>, ip: string | null): Promise<ExportJobView> {
  const kind = body.kind ?? 'annual_ledger';
  const format = body.format ?? 'xlsx';
  const fields: Record<string, string> = {};
  if (typeof kind !== 'string' || !(kind in EXPORT_KINDS)) fields.kind = '未知的导出类型';
  if (typeof format !== 'string' || !(EXPORT_FORMATS as readonly string[]).includes(format)) fields.format = '导出格式应为 xlsx 或 csv';
  if (Object.keys(fields).length) throw invalid(fields);
  // Same checks as the report itself: role, year, an agency the user may see.
  const scope = await reportScope(ctx, user, { year: body.year, agency: body.agency, below: body.below });
  const params = { year: scope.year, agency: scope.agency.code, below: scope.includesBelow };
  const now = new Date();
  const id = await ctx.db.transaction(async (trx) => {
    const cutoff = new Date(now.getTime() - KEEP_DAYS * 86_400_000).toISOString();
    await trx('export_jobs').where('created_at', '<', cutoff).whereIn('status', ['done', 'failed']).delete();
    const [row] = await trx('export_jobs').insert({
      kind, format, params: JSON.stringify(params), status: 'queued', done: 0, total: null,
      filename: ledgerFilename(scope, format as ExportFormat), created_by: user.id, created_at: now.toISOString(), updated_at: now.toISOString(),
    }).returning('id');
    const jobId = insertedId(row);
    await audit(trx, { actor: user, action: 'report.export', entity: 'export_job', entityId: jobId, detail: { kind, format, ...params }, ip });
    return jobId;
  });
  // The job as accepted (queued), read before the work starts: read after, it could already be running.
  const accepted = await getExportJob(ctx, user, id);
  const work = runJob(ctx, id, scope, format as ExportFormat).finally(() => running.get(ctx)?.delete(work));
  if (!running.has(ctx)) running.set(ctx, new Set());
  running.get(ctx)!.add(work);
  return accepted;
}

async function runJob(ctx: AppContext, id: number, scope: ReportScope, format: ExportFormat): Promise<void> {
  const { batchSize = DEFAULT_BATCH, afterBatch } = options.get(ctx) ?? {};
  const touch = (patch: Record<string, unknown>) => ctx.db('export_jobs').where({ id }).update({ ...patch, updated_at: new Date().toISOString() });
  try {
    await new Promise((resolve) => setImmediate(resolve)); // answer the request first
    const total = await ledgerSize(ctx.db, scope);
    await touch({ status: 'running', total });
    // Issue 13: the time it was made, in Beijing time and saying so.
    const title = `${ledgerFilename(scope, format).replace(/\.\w+$/, '')}（导出时间：${beijingTime(new Date())}，${BEIJING_TIME}）`;
    const sink = format === 'xlsx' ? xlsxSink(title) : csvSink(title);
    await writeLedger(ctx.db, scope, sink, batchSize, async (done) => {
      await touch({ done });
      if (afterBatch) await afterBatch(id, done);
    });
    const file = await sink.finish();
    await touch({ status: 'done', file, size: file.length, finished_at: new Date().toISOString() });
  } catch (e) {
    loggerOf(ctx).error({ job: 'export', exportJobId: id, err: e }, `export job ${id} failed`);
    await touch({ status: 'failed', message: '导出失败，请稍后重试；如仍失败请联系系统管理员', finished_at: new Date().toISOString() }).catch(() => undefined);
  }
}

async function loadOwn(ctx: AppContext, user: User, id: number): Promise<JobRow> {
  if (!Number.isInteger(id) || id <= 0) throw notFound('未找到该导出任务');
  const row: JobRow | undefined = await ctx.db('export_jobs').where({ id }).first(COLUMNS);
  // Someone else's export is indistinguishable from a missing one.
  if (!row || Number(row.created_by) !== user.id) throw notFound('未找到该导出任务');
  return row;
}

export async function getExportJob(ctx: AppContext, user: User, id: number): Promise<ExportJobView> {
  return toView(await loadOwn(ctx, user, id), Date.now());
}

export async function listExportJobs(ctx: AppContext, user: User): Promise<ExportJobView[]> {
  const rows: JobRow[] = await ctx.db('export_jobs').where({ created_by: user.id }).orderBy('id', 'desc').limit(20).select(COLUMNS);
  const now = Date.now();
  return rows.map((r) => toView(r, now));
}

export async function exportJobFile(ctx: AppContext, user: User, id: number): Promise<{ body: Buffer; mime: string; filename: string }> {
  const view = await getExportJob(ctx, user, id);
  if (view.status !== 'done') {
    throw new DomainError('conflict', 'not_ready', view.status === 'failed' ? (view.message ?? '导出失败') : `导出尚未完成（${view.done}/${view.total ?? '?'}），请稍候`);
  }
  const row = await ctx.db('export_jobs').where({ id }).first('file');
  return { body: Buffer.from(row.file), mime: MIME[view.format], filename: view.filename ?? `export-${id}.${view.format}` };
}
