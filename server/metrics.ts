// Prometheus metrics (issue 15), served at /metrics when METRICS=1: request latency by declared route;
// computed when scraped, with one query each, open and overdue applications per agency, export jobs
// waiting or running, and the webhook outbox; on SQLite, the writers' turns. One registry per app
// (several apps in one process in tests); the process's own metrics (CPU, memory, event loop) come with it.
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { isPostgresUrl, observeWriteTurns, sqliteFileOf } from '../db/knex.js';
import type { AppContext } from './context.js';
import { CLOSED_STATES } from './cases/application-store.js';
import { DomainError } from './errors.js';

export interface DeskMetrics {
  registry: Registry;
  requestDuration: Histogram<'method' | 'route' | 'status_code'>;
}

const byContext = new WeakMap<AppContext, DeskMetrics>();

/** The app's metrics, made on first use (null when METRICS is off). */
export function metricsOf(ctx: AppContext): DeskMetrics | null {
  if (!ctx.config.metrics?.enabled) return null;
  let m = byContext.get(ctx);
  if (!m) {
    m = createMetrics(ctx);
    byContext.set(ctx, m);
  }
  return m;
}

const num = (v: unknown) => Number(v ?? 0);

function createMetrics(ctx: AppContext): DeskMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'dd_' });
  const requestDuration = new Histogram({
    name: 'dd_http_request_duration_seconds',
    help: 'HTTP request latency, by declared route (unmatched requests as "unmatched", static files as "/static")',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'dd_applications_open',
    help: 'applications not closed, per handling agency (code)',
    labelNames: ['agency'] as const,
    registers: [registry],
    async collect() {
      const rows = await openByAgency(ctx);
      this.reset();
      for (const r of rows) this.set({ agency: r.code }, r.open);
    },
  });
  new Gauge({
    name: 'dd_applications_overdue',
    help: 'open applications whose reply is past due (the deadline cache, as the list\'s "overdue" filter), per agency',
    labelNames: ['agency'] as const,
    registers: [registry],
    async collect() {
      const rows = await openByAgency(ctx);
      this.reset();
      for (const r of rows) this.set({ agency: r.code }, r.overdue);
    },
  });
  new Gauge({
    name: 'dd_export_jobs',
    help: 'export jobs waiting (queued) or running',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const rows: { status: string; n: unknown }[] = await ctx.db('export_jobs').whereIn('status', ['queued', 'running']).groupBy('status').select('status', ctx.db.raw('count(*) as n'));
      this.reset();
      for (const s of ['queued', 'running']) this.set({ status: s }, num(rows.find((r) => r.status === s)?.n));
    },
  });
  new Gauge({
    name: 'dd_webhook_deliveries',
    help: 'webhook outbox: pending (to send or retry), due (pending and due now), failed (gave up: the administrator may send again)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const now = ctx.clock.now().toISOString();
      const row = await ctx.db('webhook_deliveries')
        .whereIn('status', ['pending', 'failed'])
        .first(
          ctx.db.raw("sum(case when status = 'pending' then 1 else 0 end) as pending"),
          ctx.db.raw("sum(case when status = 'pending' and next_attempt_at <= ? then 1 else 0 end) as due", [now]),
          ctx.db.raw("sum(case when status = 'failed' then 1 else 0 end) as failed"),
        );
      this.reset();
      this.set({ status: 'pending' }, num(row?.pending));
      this.set({ status: 'due' }, num(row?.due));
      this.set({ status: 'failed' }, num(row?.failed));
    },
  });
  if (!isPostgresUrl(ctx.config.databaseUrl)) sqliteWriteTurns(registry, sqliteFileOf(ctx.config.databaseUrl));
  return { registry, requestDuration };
}

/**
 * SQLite: the writers' turns (db/knex.ts, observeWriteTurns). One write transaction runs at a time, so
 * the time each holds the database bounds the writes per second (1 / its mean), and the wait shows
 * how many queue behind it. The registry holds the histograms; the observer lets go with it.
 */
function sqliteWriteTurns(registry: Registry, file: string): void {
  const buckets = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
  const held = new Histogram({
    name: 'dd_sqlite_write_turn_seconds',
    help: 'SQLite: how long each write transaction held the database (writers take turns: writes per second are at most 1 / the mean)',
    buckets,
    registers: [registry],
  });
  const waited = new Histogram({
    name: 'dd_sqlite_write_turn_wait_seconds',
    help: 'SQLite: how long each write transaction waited for the writers before it in this process',
    buckets,
    registers: [registry],
  });
  // Weakly: the registry keeps the histograms (and the app its registry) alive, not the observer.
  const heldRef = new WeakRef(held);
  const waitedRef = new WeakRef(waited);
  const stop = observeWriteTurns((turn) => {
    const h = heldRef.deref();
    const w = waitedRef.deref();
    if (!h || !w) return stop();
    if (turn.file !== file) return;
    h.observe(turn.heldMs / 1000);
    w.observe(turn.waitedMs / 1000);
  });
}

/** One query for both gauges of a scrape: prom-client collects them together, so the second shares the first's query. */
const inFlight = new WeakMap<AppContext, Promise<{ code: string; open: number; overdue: number }[]>>();
function openByAgency(ctx: AppContext) {
  const pending = inFlight.get(ctx);
  if (pending) return pending;
  const today = ctx.clock.today();
  const rows = ctx.db('agencies as ag')
    .leftJoin('applications as ap', (j) => j.on('ap.agency_id', 'ag.id').onNotIn('ap.state', CLOSED_STATES))
    .groupBy('ag.code')
    .orderBy('ag.code')
    .select(
      'ag.code',
      ctx.db.raw('count(ap.id) as open'),
      ctx.db.raw('sum(case when ap.reply_due < ? then 1 else 0 end) as overdue', [today]),
    )
    .then((rs: { code: string; open: unknown; overdue: unknown }[]) => rs.map((r) => ({ code: r.code, open: num(r.open), overdue: num(r.overdue) })));
  inFlight.set(ctx, rows);
  const done = () => void inFlight.delete(ctx);
  rows.then(done, done);
  return rows;
}

/** Times every request, labelled by the route that served it (request-log sets none before routing). */
export function requestMetrics(metrics: DeskMetrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const end = metrics.requestDuration.startTimer();
    res.once('finish', () => {
      const route = (res.locals.route as string | undefined) ?? (req.originalUrl.startsWith('/static/') ? '/static' : 'unmatched');
      end({ method: req.method, route, status_code: String(res.statusCode) });
    });
    next();
  };
}

/** The scrape: 404 when METRICS is off; with METRICS_TOKEN, only for `Authorization: Bearer <token>`. */
export async function scrape(ctx: AppContext, authorization: string | undefined): Promise<{ status: number; contentType: string; body: string }> {
  const metrics = metricsOf(ctx);
  if (!metrics) throw new DomainError('not_found', 'not_found', '页面或接口不存在');
  const token = ctx.config.metrics.token;
  if (token) {
    const given = Buffer.from(/^Bearer (.+)$/i.exec(authorization ?? '')?.[1]?.trim() ?? '');
    const wanted = Buffer.from(token);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      return { status: 401, contentType: 'text/plain; charset=utf-8', body: '请以 METRICS_TOKEN 访问：Authorization: Bearer <token>\n' };
    }
  }
  return { status: 200, contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
}
