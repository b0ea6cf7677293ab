import assert from 'node:assert/strict';
import request from 'supertest';
import ExcelJS from 'exceljs';
import { applicationBody, arrayBufferOf, binary, createTestEnv, loginAgent, type TestEnv } from '../helpers/test-app.js';
import { replyFacts } from '../helpers/replies.js';
import { fixedClock } from '../../server/time.js';
import { setExportOptions, settleExportJobs } from '../../server/reports/export-jobs.js';
import { LEDGER_COLUMNS } from '../../server/reports/annual-ledger.js';

interface Snapshot { status: string; done: number; total: number | null; percent: number | null; fileStatus?: number }

// Handled in 2026 at GHZY and below DJQ (issue 6, the year's ledger):
//   GHZY  A received 2025-12-22, disclosed 2026-01-12   → carried in, counted （一）
//         B received 2026-03-02, withdrawn 2026-03-05   → new, counted （六）3
//         C received 2026-11-02, open                   → new, carried out
//         D received 2026-05-04, disclosed 2026-05-20   → new, counted （一）
//         E received 2026-06-01, open                   → new, carried out
//         Z received 2025-03-03, disclosed 2025-03-10   → not in 2026
//   JSJT  F received 2026-04-01, open                   → only with the agencies below DJQ
describe('long exports run as jobs that show their progress (issue 6)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const ids: Record<string, number> = {};
  const send = async (id: number, who: string, body: object) => {
    const r = await request(env.app).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  const register = async (receivedDate: string, who = 'cw') =>
    (await request(env.app).post('/api/applications').set(auth(who)).send(applicationBody({ receivedDate }))).body.id as number;
  const reply = async (id: number, date: string) => {
    await send(id, 'cw', { type: 'DRAFT_REPLY', date, decision: 'disclose', ...replyFacts('disclose') });
    await send(id, 'cw', { type: 'SUBMIT_FOR_REVIEW', date });
    await send(id, 'rev', { type: 'APPROVE_REVIEW', date });
    await send(id, 'appr', { type: 'ISSUE_REPLY', date });
  };
  const job = (id: number, who = 'mgr') => request(env.app).get(`/api/reports/exports/${id}`).set(auth(who));
  const waitDone = async (id: number) => {
    await settleExportJobs(env.ctx);
    const res = await job(id);
    assert.equal(res.status, 200);
    return res.body;
  };

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    env.ctx.clock = fixedClock('2026-11-20');
    for (const u of ['cw', 'rev', 'appr', 'cw2', 'mgr', 'mgr2', 'legal']) tokens[u] = await env.token(u);
    ids.A = await register('2025-12-22');
    await reply(ids.A, '2026-01-12');
    ids.B = await register('2026-03-02');
    await send(ids.B, 'cw', { type: 'WITHDRAW', date: '2026-03-05' });
    ids.C = await register('2026-11-02');
    ids.D = await register('2026-05-04');
    await reply(ids.D, '2026-05-20');
    ids.E = await register('2026-06-01');
    ids.Z = await register('2025-03-03');
    await reply(ids.Z, '2025-03-10');
    ids.F = await register('2026-04-01', 'cw2');
  });
  after(async () => {
    await settleExportJobs(env.ctx);
    await env.close();
  });

  it('reports lines done of the total after every batch, and the file only once finished', async () => {
    const seen: Snapshot[] = [];
    setExportOptions(env.ctx, {
      batchSize: 2,
      afterBatch: async (jobId) => {
        const res = await job(jobId);
        const file = await request(env.app).get(`/api/reports/exports/${jobId}/file`).set(auth('mgr'));
        seen.push({ status: res.body.status, done: res.body.done, total: res.body.total, percent: res.body.percent, fileStatus: file.status });
      },
    });
    const started = await request(env.app).post('/api/reports/exports').set(auth('mgr')).send({ kind: 'annual_ledger', year: 2026, agency: 'GHZY', format: 'xlsx' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.headers.location, `/api/reports/exports/${started.body.id}`);
    assert.equal(started.body.status, 'queued');
    assert.deepEqual(started.body.params, { year: 2026, agency: 'GHZY', below: false });
    const final = await waitDone(started.body.id);
    // Five lines (A–E) in batches of two: 2, 4, 5 — each seen from outside while the job was running.
    assert.deepEqual(seen, [
      { status: 'running', done: 2, total: 5, percent: 40, fileStatus: 409 },
      { status: 'running', done: 4, total: 5, percent: 80, fileStatus: 409 },
      { status: 'running', done: 5, total: 5, percent: 100, fileStatus: 409 },
    ]);
    assert.equal(final.status, 'done');
    assert.equal(final.statusLabel, '已完成');
    assert.equal(final.fileUrl, `/api/reports/exports/${final.id}/file`);
    assert.match(final.filename, /东江区规划和自然资源局2026年度政府信息公开申请办理台账\.xlsx$/);
    setExportOptions(env.ctx, {});

    const file = await request(env.app).get(final.fileUrl).set(auth('mgr')).buffer(true).parse(binary);
    assert.equal(file.status, 200);
    assert.equal(file.body.length, final.size);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(arrayBufferOf(file.body as Buffer));
    const ws = wb.getWorksheet('办理台账')!;
    assert.deepEqual((ws.getRow(2).values as unknown[]).slice(1), [...LEDGER_COLUMNS]);
    const lines = [] as Record<string, unknown>[];
    for (let r = 3; r <= ws.rowCount; r++) {
      const v = (ws.getRow(r).values as unknown[]).slice(1);
      lines.push(Object.fromEntries(LEDGER_COLUMNS.map((c, i) => [c, v[i] ?? ''])));
    }
    const caseNumbers = await Promise.all(['A', 'B', 'C', 'D', 'E'].map(async (k) => (await env.db('applications').where({ id: ids[k] }).first('case_number')).case_number));
    assert.deepEqual(lines.map((l) => l['案件编号']), caseNumbers, 'A–E in order, Z (2025) and F (JSJT) left out');
    assert.deepEqual(lines.map((l) => l['计入（新收/结转）']), ['上年结转', '本年新收', '本年新收', '本年新收', '本年新收']);
    assert.deepEqual(lines.map((l) => l['报表行']), ['三、（一）', '三、（六）3', '', '三、（一）', '']);
    assert.deepEqual(lines.map((l) => l['结转下年度']), ['', '', '是', '', '是']);
    assert.deepEqual(lines.map((l) => l['序号']), [1, 2, 3, 4, 5]);
    // The ledger agrees with the tables: 一 + 二 lines, （七） counted, 四 carried out.
    const rows = (await request(env.app).get('/api/reports/annual?year=2026&agency=GHZY').set(auth('mgr'))).body.table3.rows;
    assert.equal(lines.length, rows.new.total + rows.carried_in.total);
    assert.equal(lines.filter((l) => l['报表行']).length, rows.total.total);
    assert.equal(lines.filter((l) => l['结转下年度'] === '是').length, rows.carried_out.total);
  });

  it('exports CSV as Excel opens it, with the agencies below when asked', async () => {
    const started = await request(env.app).post('/api/reports/exports').set(auth('mgr')).send({ kind: 'annual_ledger', year: 2026, agency: 'DJQ', below: true, format: 'csv' });
    assert.equal(started.status, 202);
    const final = await waitDone(started.body.id);
    assert.equal(final.total, 6);
    const file = await request(env.app).get(final.fileUrl).set(auth('mgr')).buffer(true).parse(binary);
    assert.match(String(file.headers['content-type']), /text\/csv/);
    const text = (file.body as Buffer).toString('utf8');
    assert.ok(text.startsWith('\uFEFF'), 'BOM');
    const lines = text.slice(1).split('\r\n').filter(Boolean);
    assert.equal(lines.length, 2 + 6);
    assert.match(lines[0]!, /（含下级机关）2026年度政府信息公开申请办理台账/);
    assert.ok(lines.some((l) => l.includes('东江区建设和交通委员会')), 'F of JSJT is in');
  });

  it('a job is its creator’s alone; bad requests change nothing', async () => {
    const before = Number((await env.db('export_jobs').count({ n: '*' }).first())!.n);
    const mine = await request(env.app).post('/api/reports/exports').set(auth('mgr')).send({ year: 2026, agency: 'GHZY' });
    assert.equal(mine.status, 202, 'kind and format default to the ledger in XLSX');
    assert.equal(mine.body.kind, 'annual_ledger');
    assert.equal(mine.body.format, 'xlsx');
    await settleExportJobs(env.ctx);
    assert.equal((await job(mine.body.id, 'mgr2')).status, 404);
    assert.equal((await request(env.app).get(`/api/reports/exports/${mine.body.id}/file`).set(auth('mgr2'))).status, 404);
    assert.equal((await request(env.app).get('/api/reports/exports').set(auth('mgr2'))).body.items.length, 0);
    assert.ok((await request(env.app).get('/api/reports/exports').set(auth('mgr'))).body.items.some((j: { id: number }) => j.id === mine.body.id));
    const refused = [
      await request(env.app).post('/api/reports/exports').set(auth('cw')).send({ year: 2026 }),
      await request(env.app).post('/api/reports/exports').set(auth('mgr')).send({ year: 2026, format: 'docx' }),
      await request(env.app).post('/api/reports/exports').set(auth('mgr')).send({ year: 2026, kind: 'everything' }),
      await request(env.app).post('/api/reports/exports').set(auth('mgr')).send({ year: 'next' }),
      await request(env.app).post('/api/reports/exports').set(auth('mgr2')).send({ year: 2026, agency: 'GHZY' }),
    ];
    assert.deepEqual(refused.map((r) => r.status), [403, 422, 422, 422, 404]);
    assert.match(refused[1]!.body.fields.format, /xlsx 或 csv/);
    assert.equal(Number((await env.db('export_jobs').count({ n: '*' }).first())!.n), before + 1);
    assert.equal((await job(999_999)).status, 404);
  });

  it('a job whose instance stopped reporting reads as cut off, so the manager can start again', async () => {
    const long_ago = new Date(Date.now() - 10 * 60_000).toISOString();
    const mgr = await env.db('users').where({ username: 'mgr' }).first('id');
    const [row] = await env.db('export_jobs').insert({
      kind: 'annual_ledger', format: 'xlsx', params: JSON.stringify({ year: 2026, agency: 'GHZY', below: false }), status: 'running', done: 2000, total: 9000,
      created_by: mgr.id, created_at: long_ago, updated_at: long_ago,
    }).returning('id');
    const id = Number(typeof row === 'object' ? row.id : row);
    const res = await job(id);
    assert.equal(res.body.status, 'failed');
    assert.match(res.body.message, /导出中断/);
    assert.equal((await request(env.app).get(`/api/reports/exports/${id}/file`).set(auth('mgr'))).status, 409);
  });

  it('the report page starts the export and lands on a progress page that refreshes itself until done', async () => {
    const agent = await loginAgent(env.app, 'mgr');
    const page = await agent.get('/reports/annual?year=2026&agency=GHZY');
    assert.match(page.text, /导出台账/);
    const csrf = /id="ledger-export"[\s\S]*?name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    let progressPage = '';
    setExportOptions(env.ctx, {
      batchSize: 2,
      afterBatch: async (jobId, done) => {
        if (done === 2) progressPage = (await agent.get(`/reports/exports/${jobId}`)).text;
      },
    });
    const posted = await agent.post('/reports/exports').type('form').send({ _csrf: csrf, kind: 'annual_ledger', year: '2026', agency: 'GHZY', format: 'xlsx' });
    assert.equal(posted.status, 303);
    assert.match(posted.headers.location!, /^\/reports\/exports\/\d+$/);
    await settleExportJobs(env.ctx);
    setExportOptions(env.ctx, {});
    assert.match(progressPage, /<progress id="export-progress" max="100" value="40"/);
    assert.match(progressPage, /已处理 2 \/ 5 件（40%）/);
    assert.match(progressPage, /<noscript><meta http-equiv="refresh" content="2"><\/noscript>/);
    const done = (await agent.get(posted.headers.location!)).text;
    assert.match(done, /已完成/);
    assert.match(done, /下载 东江区规划和自然资源局2026年度政府信息公开申请办理台账\.xlsx/);
    assert.doesNotMatch(done, /http-equiv="refresh"/);
    assert.match((await agent.get('/reports/exports')).text, /年度办理台账/);
  });
});
