import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Knex } from 'knex';
import { createDb, isPostgresUrl } from '../../db/knex.js';
import { loadConfig } from '../../server/config.js';
import { createApp } from '../../server/app.js';
import { fixedClock } from '../../server/time.js';
import { findAgencyByCode } from '../../server/admin/agency-store.js';
import { makeSelfSignedKey } from '../../server/documents/agency-keys.js';
import { verifyHistory } from '../../server/history/history-verify.js';
import { addDays } from '../../workflows/dates.js';
import { applicationBody, binary, freshDatabase, PASSWORD, seedBase } from '../helpers/test-app.js';
import { requireTools } from '../pdf/pdf-helpers.js';

// Issue 15: two server processes on one PostgreSQL, each with its own DATA_DIR and no shared disk.
// Attachments, sessions, signing keys, export jobs and sweeps all go through the database. On SQLite
// the two processes would share the database file, i.e. a disk: this is a PostgreSQL test only.

const url = process.env.TEST_DATABASE_URL;
const KEY_PASSPHRASE = 'two-instances-key-passphrase';
const SESSION_SECRET = 's'.repeat(48);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Instance {
  name: string;
  base: string;
  proc: ChildProcess;
  output: string[];
  dataDir: string;
}

async function startInstance(name: string, databaseUrl: string): Promise<Instance> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `dd-instance-${name}-`));
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'serve'], {
    env: {
      ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', SESSION_SECRET, KEY_PASSPHRASE,
      CONSULTATION_SWEEP_MINUTES: '0.02', WEBHOOK_DELIVERY_SECONDS: '0', NODE_ENV: 'test',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const instance = { name, base: `http://127.0.0.1:${port}`, proc, output, dataDir };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance ${name} did not start:\n${output.join('')}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (/listening on/.test(output.join(''))) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`instance ${name} exited (${code}):\n${output.join('')}`));
    });
  });
  proc.removeAllListeners('exit');
  return instance;
}

const beijingToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const scan = (label: string) => Buffer.concat([Buffer.from(`%PDF-1.4\n% ${label}\n`), randomBytes(512 * 1024)]);

if (url && isPostgresUrl(url)) {
  describe('two instances on one PostgreSQL, separate data directories (issue 15)', function () {
    this.timeout(240_000);
    let db: Knex;
    let a: Instance;
    let b: Instance;
    let seedDir: string;
    let token: Record<string, string>;
    const today = beijingToday();
    const auth = (who: string) => ({ Authorization: `Bearer ${token[who]}` });
    const consultationIds: number[] = [];

    before(async () => {
      requireTools('pdfsig');
      seedDir = mkdtempSync(join(tmpdir(), 'dd-instances-seed-'));
      db = createDb(url);
      await freshDatabase(db);
      await seedBase(db);
      const config = { ...loadConfig({ DATA_DIR: seedDir, DATABASE_URL: url, KEY_PASSPHRASE }), bcryptRounds: 4 };
      for (const code of ['DJQ', 'GHZY', 'JSJT']) await makeSelfSignedKey(db, config, (await findAgencyByCode(db, code))!);

      // Two consultations to JSJT, started 60 days ago and never answered: past their 15 working days.
      const past = addDays(today, -60);
      const earlier = createApp({ db, config, clock: fixedClock(past) });
      const cw = (await request(earlier).post('/api/auth/token').send({ username: 'cw', password: PASSWORD })).body.token;
      for (let i = 0; i < 2; i++) {
        const reg = await request(earlier).post('/api/applications').set({ Authorization: `Bearer ${cw}` }).send(applicationBody({ receivedDate: past }));
        assert.equal(reg.status, 201, JSON.stringify(reg.body));
        const c = await request(earlier).post(`/api/applications/${reg.body.id}/consultations`).set({ Authorization: `Bearer ${cw}` }).send({ agencyCodes: ['JSJT'], parts: '全部' });
        assert.equal(c.status, 201, JSON.stringify(c.body));
        consultationIds.push(reg.body.id);
      }

      // Both start at once: both sweep deemed consents on start, then every 1.2 s.
      [a, b] = await Promise.all([startInstance('A', url), startInstance('B', url)]);
      token = {};
      for (const who of ['cw', 'rev', 'appr', 'mgr']) {
        const res = await request(a.base).post('/api/auth/token').send({ username: who, password: PASSWORD });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        token[who] = res.body.token; // issued by A, used on B too: sessions are in the database
      }
    });

    after(async () => {
      for (const i of [a, b]) {
        if (i && i.proc.exitCode === null && i.proc.signalCode === null) {
          const exited = new Promise((resolve) => i.proc.once('exit', resolve));
          i.proc.kill('SIGTERM');
          await exited;
        }
        if (i) rmSync(i.dataDir, { recursive: true, force: true });
      }
      await db?.destroy();
      if (seedDir) rmSync(seedDir, { recursive: true, force: true });
    });

    it('a scan registered on A downloads from B, byte for byte', async () => {
      const bytes = scan('two instances');
      const reg = await request(a.base).post('/api/applications').set(auth('cw'))
        .field('data', JSON.stringify(applicationBody({ receivedDate: today })))
        .attach('attachments', bytes, { filename: '申请表.pdf', contentType: 'application/pdf' });
      assert.equal(reg.status, 201, JSON.stringify(reg.body));
      const att = reg.body.attachments[0];
      const dl = await request(b.base).get(`/api/applications/${reg.body.id}/attachments/${att.id}`).set(auth('cw')).buffer(true).parse(binary);
      assert.equal(dl.status, 200);
      assert.equal(sha256(dl.body as Buffer), sha256(bytes));
    });

    it('a reply drafted on A is signed on B with the key from the database; pdfsig finds the signature valid', async () => {
      const reg = await request(a.base).post('/api/applications').set(auth('cw')).send(applicationBody({ receivedDate: today }));
      assert.equal(reg.status, 201, JSON.stringify(reg.body));
      const id = reg.body.id;
      const send = (base: string, who: string, body: object) => request(base).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
      const draft = await send(a.base, 'cw', { type: 'DRAFT_REPLY', date: today, decision: 'disclose', disclosure: { mode: 'provided', items: [{ title: '东江区控制性详细规划批复文件' }], delivery: 'paper' } });
      assert.equal(draft.status, 200, JSON.stringify(draft.body));
      assert.equal((await send(a.base, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: today })).status, 200);
      assert.equal((await send(a.base, 'rev', { type: 'APPROVE_REVIEW', date: today })).status, 200);
      const issued = await send(b.base, 'appr', { type: 'ISSUE_REPLY', date: today });
      assert.equal(issued.status, 200, JSON.stringify(issued.body));
      const docs = (await request(a.base).get(`/api/applications/${id}/documents`).set(auth('cw'))).body.items;
      const reply = docs.find((d: { kind: string; status: string }) => d.kind === 'reply' && d.status === 'issued');
      assert.ok(reply, JSON.stringify(docs));
      const pdf = (await request(a.base).get(`/api/documents/${reply.id}/pdf`).set(auth('cw')).buffer(true).parse(binary)).body as Buffer;
      const file = join(seedDir, 'reply.pdf');
      writeFileSync(file, pdf);
      const sig = spawnSync('pdfsig', [file], { encoding: 'utf8' }).stdout;
      assert.match(sig, /Signature Validation: Signature is Valid/);
      assert.match(sig, /ETSI\.CAdES\.detached/);
      assert.match(sig, /东江区规划和自然资源局/);
    });

    it('deemed consent, swept by both instances at once and again and again, is recorded once per consultation', async () => {
      const deemed = async (id: number) =>
        (await db('application_events').where({ application_id: id, type: 'RECORD_OPINION' }).select('payload'))
          .filter((e: { payload: unknown }) => JSON.stringify(e.payload).includes('deemed_consent')).length;
      for (let tries = 0; tries < 60 && (await Promise.all(consultationIds.map(deemed))).some((n) => n === 0); tries++) {
        await new Promise((r) => setTimeout(r, 500));
      }
      await new Promise((r) => setTimeout(r, 3000)); // a few more sweeps on each
      const both = await Promise.all([a, b].map((i) => request(i.base).post('/api/consultations/sweep').set(auth('mgr'))));
      for (const s of both) assert.equal(s.status, 200, JSON.stringify(s.body));
      assert.deepEqual(both.map((s) => s.body.deemed), [0, 0]);
      assert.deepEqual(await Promise.all(consultationIds.map(deemed)), [1, 1]);
    });

    it('an export job started on A is followed and served by B', async () => {
      const year = Number(today.slice(0, 4));
      const started = await request(a.base).post('/api/reports/exports').set(auth('mgr')).send({ kind: 'annual_ledger', year, agency: 'DJQ', below: true, format: 'csv' });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      let job = started.body;
      for (let tries = 0; tries < 100 && job.status !== 'done' && job.status !== 'failed'; tries++) {
        await new Promise((r) => setTimeout(r, 200));
        job = (await request(b.base).get(`/api/reports/exports/${started.body.id}`).set(auth('mgr'))).body;
      }
      assert.equal(job.status, 'done', JSON.stringify(job));
      const file = await request(b.base).get(`/api/reports/exports/${job.id}/file`).set(auth('mgr')).buffer(true).parse(binary);
      assert.equal(file.status, 200);
      const text = (file.body as Buffer).toString('utf8');
      assert.ok(text.split('\r\n').filter(Boolean).length >= 5, text.slice(0, 300)); // a header and the cases registered above
    });

    it('A killed with SIGKILL in the middle of a load: B carries on, nothing acknowledged is lost, numbers stay gapless, the history intact', async () => {
      const ghzy = (await findAgencyByCode(db, 'GHZY'))!;
      const acknowledged: { id: number; caseNumber: string; on: string }[] = [];
      const failedOnA: string[] = [];
      let killed = false;
      const total = 36;
      let next = 0;
      const worker = async () => {
        while (next < total) {
          const n = next++;
          const target = n % 2 ? b : a;
          try {
            const res = await request(target.base).post('/api/applications').set(auth('cw')).send(applicationBody({ receivedDate: today }));
            assert.equal(res.status, 201, `${target.name}: ${res.status} ${JSON.stringify(res.body)}`);
            acknowledged.push({ id: res.body.id, caseNumber: res.body.caseNumber, on: target.name });
          } catch (e) {
            if (target === a && killed) failedOnA.push((e as Error).message);
            else throw e;
          }
          if (!killed && acknowledged.length >= 8) {
            killed = true;
            a.proc.kill('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: 6 }, worker));
      assert.ok(killed);
      assert.ok(failedOnA.length > 0, 'requests to A failed once it was killed');
      // B goes on registering, signing receipts.
      for (let i = 0; i < 3; i++) {
        const res = await request(b.base).post('/api/applications').set(auth('cw')).send(applicationBody({ receivedDate: today }));
        assert.equal(res.status, 201, JSON.stringify(res.body));
        acknowledged.push({ id: res.body.id, caseNumber: res.body.caseNumber, on: 'B' });
      }
      assert.ok(acknowledged.filter((r) => r.on === 'B').length >= total / 2);

      // Every acknowledged registration is there, with its number and its signed receipt.
      const rows = await db('applications').whereIn('id', acknowledged.map((r) => r.id)).select('id', 'case_number');
      assert.deepEqual(new Map(rows.map((r: { id: number; case_number: string }) => [Number(r.id), r.case_number])), new Map(acknowledged.map((r) => [r.id, r.caseNumber])));
      // Whatever A committed before it died is whole: every case has its registration event and an issued receipt.
      const year = Number(today.slice(0, 4));
      const cases = await db('applications').where({ agency_id: ghzy.id, case_year: year }).select('id', 'case_seq');
      for (const c of cases) {
        assert.ok(await db('application_events').where({ application_id: c.id, seq: 1 }).first('id'), `case ${c.id} has its registration`);
        assert.ok(await db('documents').where({ application_id: c.id, kind: 'receipt', status: 'issued' }).first('id'), `case ${c.id} has its receipt`);
      }
      // Gapless case numbers: a transaction A had open rolled its number back with it.
      const seqs = cases.map((c: { case_seq: number }) => Number(c.case_seq)).sort((x: number, y: number) => x - y);
      assert.deepEqual(seqs, seqs.map((_: number, i: number) => i + 1));
      const report = await verifyHistory(db);
      assert.equal(report.ok, true, JSON.stringify(report.breaks));
    });
  });
}
