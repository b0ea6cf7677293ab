// The server side of api.bench.ts, run in a child process of its own: builds the database (the demo
// data, or BENCH_N seeded applications), then serves the app and, beside it, a bare Express route
// serving the bytes of the benchmarked case's JSON. Tells the driver its ports over IPC.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import knexFactory from 'knex';
import type { Knex } from 'knex';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { createDb, isPostgresUrl, knexConfig, observeWriteTurns } from '../../db/knex.js';
import { loadConfig } from '../../server/config.js';
import type { AppContext } from '../../server/context.js';
import { systemClock } from '../../server/time.js';
import { loadDemoData, DEMO_PASSWORD } from '../../seeds/demo.js';
import { findAgencyByCode } from '../../server/admin/agency-store.js';
import { makeSelfSignedKey } from '../../server/documents/agency-keys.js';
import { seedBenchData, BENCH_PASSWORD } from './seed-million.js';
import type { Ready, WriteTurnTotals } from './api.bench.js';
import { residentId } from '../helpers/test-app.js';

const url = process.env.BENCH_ROLE_URL!;
const dataDir = process.env.BENCH_ROLE_DIR!;
const schema = process.env.BENCH_ROLE_SCHEMA ?? 'dd_bench_api';
const N = process.env.BENCH_N ? Number(process.env.BENCH_N) : 0;
const started = performance.now();
/** BENCH_REUSE=1: a database this bench seeded with the same N before is served as it is. */
const REUSE = Boolean(process.env.BENCH_REUSE);

async function prepare(): Promise<Knex> {
  if (!isPostgresUrl(url)) return createDb(url);
  // PostgreSQL: a schema of the bench's own, dropped only if it carries the bench's mark.
  const admin = createDb(url);
  const existing = await admin.raw(`SELECT obj_description(n.oid, 'pg_namespace') AS mark FROM pg_namespace n WHERE nspname = ?`, [schema]);
  const row = existing.rows[0] as { mark: string | null } | undefined;
  if (row && row.mark !== process.env.BENCH_ROLE_SCHEMA_MARK) {
    await admin.destroy();
    throw new Error(`schema ${schema} exists and was not created by this benchmark: not touching it (set BENCH_PG_SCHEMA)`);
  }
  if (row && !REUSE) await admin.raw(`DROP SCHEMA ${schema} CASCADE`);
  if (!row || !REUSE) {
    await admin.raw(`CREATE SCHEMA ${schema}`);
    await admin.raw(`COMMENT ON SCHEMA ${schema} IS '${process.env.BENCH_ROLE_SCHEMA_MARK}'`);
  }
  await admin.destroy();
  return knexFactory({ ...knexConfig(url), searchPath: [schema!] });
}

const db = await prepare();
await db.migrate.latest();
const config = { ...loadConfig({ DATA_DIR: dataDir, DATABASE_URL: url }), production: false };
const ctx: AppContext = { db, config, clock: systemClock };
let username: string;
let password: string;
let searchText: string | null = null;
const seededBefore = N && REUSE && (await db.schema.hasTable('applications'))
  ? Number((await db('applications').count({ n: '*' }).first())?.n ?? 0) === N
  : false;
if (seededBefore) {
  console.log(`  reusing the ${N.toLocaleString('en')} applications seeded before (BENCH_REUSE)`);
  username = 'caseworker-d01';
  password = BENCH_PASSWORD;
  searchText = '征收补偿';
} else if (N) {
  let last = 0;
  const t = performance.now();
  const seed = await seedBenchData(db, {
    n: N, start: '2021-01-04', today: systemClock.today(),
    onProgress: (done, n) => {
      if (done - last >= 100_000 || done === n) {
        last = done;
        console.log(`  seeded ${done.toLocaleString('en')} / ${n.toLocaleString('en')} (${((performance.now() - t) / 1000).toFixed(0)} s)`);
      }
    },
  });
  await db.raw(isPostgresUrl(url) ? 'VACUUM ANALYZE' : 'ANALYZE');
  await makeSelfSignedKey(db, config, (await findAgencyByCode(db, seed.sampleAgencyCode))!);
  username = `caseworker-${seed.sampleAgencyCode}`.toLowerCase();
  password = BENCH_PASSWORD;
  searchText = '征收补偿';
} else {
  await loadDemoData(db, config);
  username = 'caseworker';
  password = DEMO_PASSWORD;
}

const app = createApp(ctx);
const login = await request(app).post('/api/auth/token').send({ username, password });
if (login.status !== 200) throw new Error(`login ${username}: ${login.status} ${login.text}`);
const token = login.body.token as string;
// The case: one of the caseworker's with the longest history among recent ones.
const me = await db('users').where({ username }).first('agency_id');
const pick = await db('applications as ap')
  .join('application_events as e', 'e.application_id', 'ap.id')
  .where('ap.agency_id', me.agency_id)
  .groupBy('ap.id')
  .orderByRaw('count(e.id) desc, ap.id desc')
  .limit(1)
  .first('ap.id');
const caseId = Number(pick.id);
const sample = await request(app).get(`/api/applications/${caseId}`).set('Authorization', `Bearer ${token}`);
if (sample.status !== 200) throw new Error(`GET case ${caseId}: ${sample.status} ${sample.text.slice(0, 300)}`);
const bytes = Buffer.from(sample.text);

const bare = express();
bare.get('/bare', (_req, res) => {
  res.type('application/json').send(bytes);
});

const servers: Server[] = [];
const listen = (a: express.Express) => new Promise<number>((ok) => {
  const s = a.listen(0, '127.0.0.1', () => ok((s.address() as AddressInfo).port));
  servers.push(s);
});
const ready: Ready = {
  appPort: await listen(app),
  barePort: await listen(bare),
  token,
  caseId,
  searchText,
  registration: JSON.stringify({
    applicant: { kind: 'natural_person', name: '张建国', idType: 'resident_id', idNumber: residentId('31011519650312201'), phone: '13812345678', address: '东江区浦明路88弄5号', postcode: '200120' },
    channel: 'in_person',
    receivedDate: systemClock.today(),
    request: { description: '申请公开某地块控制性详细规划调整的批复文件。' },
  }),
  setupSeconds: (performance.now() - started) / 1000,
};
process.send!(ready);
// SQLite: the writers' turns (db/knex.ts). The driver asks for their totals around the registration run.
const turns: WriteTurnTotals = { count: 0, heldMs: 0, waitedMs: 0 };
observeWriteTurns((t) => {
  turns.count++;
  turns.heldMs += t.heldMs;
  turns.waitedMs += t.waitedMs;
});
process.on('message', (m) => {
  if (m === 'turns') process.send!({ turns: { ...turns } });
});
process.on('SIGTERM', () => {
  for (const s of servers) s.closeAllConnections();
  void Promise.all(servers.map((s) => new Promise((ok) => s.close(ok)))).then(() => db.destroy()).finally(() => process.exit(0));
});
