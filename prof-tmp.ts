import { createDb } from './db/knex.js';
import { loadConfig } from './server/config.js';
import { fixedClock } from './server/time.js';
import { findUserById, withoutHash } from './server/admin/user-store.js';
import { annualReport } from './server/reports/annual-report.js';
import { buildDashboard } from './server/reports/dashboard.js';
const url = process.argv[2]!;
const db = createDb(url);
const ctx = { db, config: loadConfig({ DATA_DIR: '/tmp/dd-bench', DATABASE_URL: url }), clock: fixedClock('2026-11-20') };
const id = (await db('users').where({ username: 'mgr' }).first('id')).id;
const mgr = withoutHash((await findUserById(db, Number(id)))!);
const starts = new Map<string, number>();
const log: [number, string, unknown][] = [];
db.on('query', (q: { __knexQueryUid: string }) => starts.set(q.__knexQueryUid, performance.now()));
db.on('query-response', (_r: unknown, q: { __knexQueryUid: string; sql: string; bindings: unknown[] }) => log.push([performance.now() - starts.get(q.__knexQueryUid)!, q.sql, q.bindings]));
const which = process.argv[3] ?? 'both';
for (let i = 0; i < 2; i++) {
  log.length = 0;
  if (which !== 'dash') await annualReport(ctx, mgr, { year: '2025', agency: 'DJQ', below: 'true' });
  if (which !== 'annual') await buildDashboard(ctx, mgr, {});
}
for (const [ms, sql, b] of log) if (ms > 5) {
  console.log(ms.toFixed(0).padStart(6), 'ms', sql.slice(0, 400));
  if (process.argv[4] === 'plan' && !url.startsWith('postgres')) {
    const plan = await db.raw('EXPLAIN QUERY PLAN ' + sql, b as never);
    for (const p of plan) console.log('          ', p.detail);
  }
}
await db.destroy();
