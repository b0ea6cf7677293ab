// Benchmark: the annual report and the managers' dashboard over a million applications.
//
//   npm run bench:report                       # SQLite, N = 1,000,000
//   BENCH_N=100000 npm run bench:report        # fewer applications
//   BENCH_DATABASE_URL=postgres://u:p@host:port/db npm run bench:report   # also PostgreSQL
//   BENCH_SKIP_SQLITE=1, BENCH_KEEP=1 (keep the database afterwards), BENCH_RUNS=5, BENCH_DIR=…
//
// For each database: a fresh database (SQLite: a new file under BENCH_DIR or the temp dir;
// PostgreSQL: a schema of its own, BENCH_PG_SCHEMA (default dd_bench), dropped and recreated — only
// if the bench created it — never the public schema), migrations, bulk seeding (seed-million.ts),
// ANALYZE (PostgreSQL: VACUUM ANALYZE), then each report once to warm up and BENCH_RUNS (default 5) times; the median is reported.
// Target: both under 2 s at 1,000,000 applications on the 2-core development machine.

import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import knexFactory from 'knex';
import type { Knex } from 'knex';
import { createDb, knexConfig } from '../../db/knex.js';
import { loadConfig } from '../../server/config.js';
import type { AppContext } from '../../server/context.js';
import { fixedClock } from '../../server/time.js';
import { findUserById, withoutHash } from '../../server/admin/user-store.js';
import { annualReport } from '../../server/reports/annual-report.js';
import { buildDashboard } from '../../server/reports/dashboard.js';
import { createExportJob, getExportJob, setExportOptions, settleExportJobs } from '../../server/reports/export-jobs.js';
import { seedBenchData, type SeedResult } from './seed-million.js';

const N = Number(process.env.BENCH_N ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TODAY = '2026-11-20';
const START = '2021-01-04';
const TARGET_MS = 2000;
const SCHEMA = process.env.BENCH_PG_SCHEMA ?? 'dd_bench';
const SCHEMA_MARK = 'disclosure-desk report benchmark (safe to drop)';
if (!Number.isInteger(N) || N < 1) throw new Error(`BENCH_N must be a positive integer, got ${process.env.BENCH_N}`);
if (!/^[a-z_][a-z0-9_]*$/.test(SCHEMA) || SCHEMA === 'public') throw new Error(`BENCH_PG_SCHEMA must be a plain lower-case name other than public, got ${SCHEMA}`);

interface Timing { label: string; median: number; min: number; max: number; note: string }
interface Result { db: string; seed: SeedResult; seedSeconds: number; analyzeSeconds: number; size: string; timings: Timing[] }

const fmtMs = (ms: number) => `${ms.toFixed(0)} ms`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function time(label: string, note: string, fn: () => Promise<unknown>): Promise<Timing> {
  await fn(); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  const t: Timing = { label, median: median(xs), min: Math.min(...xs), max: Math.max(...xs), note };
  console.log(`    ${label}: median ${fmtMs(t.median)} (min ${fmtMs(t.min)}, max ${fmtMs(t.max)})`);
  return t;
}

async function seedAndTime(label: string, makeDb: () => Knex, dataDir: string, databaseUrl: string, sizeOf: (db: Knex) => Promise<string>): Promise<Result> {
  console.log(`\n== ${label}: ${N.toLocaleString('en')} applications`);
  let db = makeDb();
  let t = performance.now();
  await db.migrate.latest();
  console.log(`  migrated in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  t = performance.now();
  let lastPrint = 0;
  const seed = await seedBenchData(db, {
    n: N, start: START, today: TODAY,
    onProgress: (done, n) => {
      if (done - lastPrint >= 100_000 || done === n) {
        lastPrint = done;
        process.stdout.write(`  seeded ${done.toLocaleString('en')} / ${n.toLocaleString('en')} (${((performance.now() - t) / 1000).toFixed(0)} s)\n`);
      }
    },
  });
  const seedSeconds = (performance.now() - t) / 1000;
  console.log(`  seeded ${seed.applications.toLocaleString('en')} applications, ${seed.events.toLocaleString('en')} events, ${seed.appeals.toLocaleString('en')} appeals in ${seedSeconds.toFixed(1)} s`);
  // PostgreSQL: VACUUM too, as autovacuum would have by then (index-only scans need the visibility map).
  const analyze = db.client.config.client === 'pg' ? 'VACUUM ANALYZE' : 'ANALYZE';
  t = performance.now();
  await db.raw(analyze);
  const analyzeSeconds = (performance.now() - t) / 1000;
  console.log(`  ${analyze} in ${analyzeSeconds.toFixed(1)} s`);
  const size = await sizeOf(db);
  // Time on a fresh connection pool with the application's own settings.
  await db.destroy();
  db = makeDb();
  const ctx: AppContext = { db, config: loadConfig({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl }), clock: fixedClock(TODAY) };
  const mgrRow = await db('users').where({ username: seed.managerUsername }).first('id');
  const manager = withoutHash((await findUserById(db, Number(mgrRow.id)))!);
  const timings: Timing[] = [];
  timings.push(await time('annual report 2025, district + all below', 'year=2025&agency=DJQ&below=true', () => annualReport(ctx, manager, { year: '2025', agency: seed.rootCode, below: 'true' })));
  timings.push(await time('dashboard, last 12 months, district + all below', 'default period and scope', () => buildDashboard(ctx, manager, {})));
  timings.push(await time(`annual report 2025, one agency (${seed.sampleAgencyCode})`, `agency=${seed.sampleAgencyCode}`, () => annualReport(ctx, manager, { year: '2025', agency: seed.sampleAgencyCode })));
  timings.push(await time(`dashboard 2025, ${seed.sampleAgencyCode} + below`, `year=2025&agency=${seed.sampleAgencyCode}`, () => buildDashboard(ctx, manager, { year: '2025', agency: seed.sampleAgencyCode })));
  const d = await buildDashboard(ctx, manager, {});
  console.log(`  sanity: ${d.open.total} open, ${d.overdue.total} overdue, ${d.dueSoon.total} due soon; last 12 months ${d.replies.total} replies, on time ${((d.replies.onTimeRate ?? 0) * 100).toFixed(1)}%, median ${d.replies.medianWorkingDays} working days; correction rate ${((d.appeals.total.correctionRate ?? 0) * 100).toFixed(1)}%`);
  const r = await annualReport(ctx, manager, { year: '2025', agency: seed.rootCode, below: 'true' });
  console.log(`  sanity: 2025 new ${r.table3.rows.new!.total}, carried in ${r.table3.rows.carried_in!.total}, concluded ${r.table3.rows.total!.total}, carried out ${r.table3.rows.carried_out!.total}, balance ${r.balance.ok ? 'ok' : r.balance.failures.join('; ')}`);
  // The long export (issue 6): the district's 2025 ledger as an export job, once, with its first
  // progress report timed — what the manager waits before the bar first moves.
  let firstProgress = 0;
  setExportOptions(ctx, { afterBatch: async () => void (firstProgress ||= performance.now() - t0) });
  const t0 = performance.now();
  const job = await createExportJob(ctx, manager, { kind: 'annual_ledger', year: '2025', agency: seed.rootCode, below: 'true', format: 'xlsx' }, null);
  await settleExportJobs(ctx);
  const ledgerMs = performance.now() - t0;
  const done = await getExportJob(ctx, manager, job.id);
  console.log(`  ledger 2025 (district + below, XLSX): ${done.status}, ${done.total?.toLocaleString('en')} lines, ${(done.size! / 2 ** 20).toFixed(1)} MiB in ${(ledgerMs / 1000).toFixed(1)} s (${Math.round((done.total! * 1000) / ledgerMs).toLocaleString('en')} lines/s); first progress after ${fmtMs(firstProgress)}`);
  timings.push({ label: `ledger 2025 as an export job (${done.total?.toLocaleString('en')} lines, XLSX), one run`, median: ledgerMs, min: ledgerMs, max: ledgerMs, note: `first progress after ${fmtMs(firstProgress)}` });
  await db.destroy();
  return { db: label, seed, seedSeconds, analyzeSeconds, size, timings };
}

async function sqliteRun(): Promise<Result> {
  const dir = process.env.BENCH_DIR ?? join(tmpdir(), 'dd-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `report-bench-${N}.sqlite`);
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) rmSync(f);
  const url = `sqlite:${file}`;
  const result = await seedAndTime('SQLite', () => createDb(url), dir, url, async () => `${(statSync(file).size / 2 ** 20).toFixed(0)} MiB file`);
  if (!process.env.BENCH_KEEP) for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) rmSync(f);
  return result;
}

async function postgresRun(url: string): Promise<Result> {
  // The bench's own schema: created (and marked) by it, dropped only if it carries that mark.
  const admin = createDb(url);
  const existing = await admin.raw(`SELECT obj_description(n.oid, 'pg_namespace') AS mark FROM pg_namespace n WHERE nspname = ?`, [SCHEMA]);
  const row = existing.rows[0] as { mark: string | null } | undefined;
  if (row && row.mark !== SCHEMA_MARK) {
    await admin.destroy();
    throw new Error(`schema ${SCHEMA} exists and was not created by this benchmark: not touching it (set BENCH_PG_SCHEMA)`);
  }
  if (row) await admin.raw(`DROP SCHEMA ${SCHEMA} CASCADE`);
  await admin.raw(`CREATE SCHEMA ${SCHEMA}`);
  await admin.raw(`COMMENT ON SCHEMA ${SCHEMA} IS '${SCHEMA_MARK}'`);
  await admin.destroy();
  const makeDb = () => knexFactory({ ...knexConfig(url), searchPath: [SCHEMA] });
  const result = await seedAndTime(`PostgreSQL (schema ${SCHEMA})`, makeDb, join(tmpdir(), 'dd-bench'), url, async (db) => {
    const r = await db.raw(`SELECT pg_size_pretty(SUM(pg_total_relation_size(c.oid))) AS s FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind = 'r'`, [SCHEMA]);
    return `${r.rows[0].s} in tables and indexes`;
  });
  if (!process.env.BENCH_KEEP) {
    const cleanup = createDb(url);
    await cleanup.raw(`DROP SCHEMA ${SCHEMA} CASCADE`);
    await cleanup.destroy();
  }
  return result;
}

const results: Result[] = [];
if (process.env.BENCH_SKIP_SQLITE) console.log('(SQLite skipped: BENCH_SKIP_SQLITE is set)');
else results.push(await sqliteRun());
const pgUrl = process.env.BENCH_DATABASE_URL;
if (pgUrl) {
  const pgVersion = createDb(pgUrl);
  console.log(`\nPostgreSQL: ${(await pgVersion.raw('select version() as v')).rows[0].v}`);
  await pgVersion.destroy();
  results.push(await postgresRun(pgUrl));
} else {
  console.log('\n(PostgreSQL skipped: set BENCH_DATABASE_URL=postgres://… to run it too)');
}

console.log(`\nMachine: ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()} ${release()}, node ${process.version}`);
console.log(`N = ${N.toLocaleString('en')} applications received ${START} … ${TODAY}; median of ${RUNS} runs after a warm-up; target < ${TARGET_MS} ms\n`);
const rows = results.flatMap((r) => r.timings.map((t) => [r.db, t.label, fmtMs(t.median), `${fmtMs(t.min)} – ${fmtMs(t.max)}`, t.label.startsWith('ledger') ? 'job, with progress' : t.median < TARGET_MS ? 'ok' : 'SLOW']));
const header = ['database', 'report', 'median', 'min – max', `< ${TARGET_MS / 1000} s`];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
console.log('');
for (const r of results) {
  console.log(`${r.db}: seeded ${r.seed.applications.toLocaleString('en')} applications / ${r.seed.events.toLocaleString('en')} events / ${r.seed.appeals.toLocaleString('en')} appeals in ${r.seedSeconds.toFixed(0)} s, (VACUUM) ANALYZE ${r.analyzeSeconds.toFixed(0)} s, ${r.size}`);
}
const slow = results.some((r) => r.timings.slice(0, 2).some((t) => t.median >= TARGET_MS));
if (slow) process.exitCode = 1;
