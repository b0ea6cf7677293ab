import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, loginAgent, type TestEnv } from '../helpers/test-app.js';
import { createDb, isPostgres } from '../../db/knex.js';
import { fixedClock } from '../../server/time.js';
import { CALENDAR_RECHECK_MS, loadCalendar } from '../../server/calendar-store.js';
import { setCalendarDay } from '../../server/admin/calendar-service.js';

// Issue 15: requests that cost what they should. Queries are counted with knex's `query` event over
// the whole request, authentication included; the budgets do not grow with a case's history, the
// number of cases or the page size. GET requests write nothing.
const CASE_BUDGET = 2;
const INBOX_BUDGET = 4;
/**
 * Registration with its signed receipt (登记回执), files or none (one query reads the counters the
 * receipt is rendered for ahead of the transaction); of them in its write transaction, BEGIN and
 * COMMIT counted:
 */
const REGISTRATION_BUDGET = 19;
const REGISTRATION_TRANSACTION_BUDGET = 13;
/**
 * On PostgreSQL, whose client sends one query at a time (db/dialect.ts runTogetherPg): the answer is
 * built from the rows the writing statement returns, the webhooks are read with the counters.
 */
const REGISTRATION_BUDGET_PG = 9;
const REGISTRATION_TRANSACTION_BUDGET_PG = 5;
const WRITES = /^\s*(insert|update|delete|replace|merge)\b/i;

describe('requests cost a bounded number of queries, and GET writes nothing (issue 15)', function () {
  this.timeout(120_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const register = async (receivedDate = '2026-11-02') => {
    const r = await request(env.app).post('/api/applications').set(auth('cw')).send(applicationBody({ receivedDate }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id as number;
  };
  const send = async (id: number, body: object) => {
    const r = await request(env.app).post(`/api/applications/${id}/events`).set(auth('cw')).send(body);
    assert.equal(r.status, 200, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
  };

  /** The SQL a request ran, from the first byte in to the last byte out. */
  async function sqlOf(run: () => Promise<request.Response>): Promise<{ sql: string[]; res: request.Response }> {
    const sql: string[] = [];
    const listener = (q: { sql: string }) => sql.push(q.sql);
    env.db.on('query', listener);
    try {
      const res = await run();
      return { sql, res };
    } finally {
      env.db.removeListener('query', listener);
    }
  }
  const get = (path: string, who = 'cw') => sqlOf(() => request(env.app).get(path).set(auth(who)));

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    for (const u of ['cw', 'mgr', 'rev']) tokens[u] = await env.token(u);
  });
  after(async () => env.close());

  it(`a case GET takes at most ${CASE_BUDGET} queries (its session, then the case with its history, files and documents), as many for a long history as for a new case`, async () => {
    const fresh = await register();
    const long = await register('2026-10-09');
    // Five third-party consultations, each with its letter drafted and its opinion recorded, and files.
    for (let i = 0; i < 5; i++) {
      await send(long, { type: 'START_CONSULTATION', date: `2026-10-${12 + 2 * i}`, kind: 'third_party', party: `某公司${i}` });
      await send(long, { type: 'RECORD_OPINION', date: `2026-10-${13 + 2 * i}`, consultationId: `c${2 + 2 * i}`, opinion: 'consent' });
    }
    for (let i = 0; i < 3; i++) {
      const r = await request(env.app).post(`/api/applications/${long}/attachments`).set(auth('cw')).attach('attachments', Buffer.from(`%PDF-1.7\n% scan ${i}\n`), { filename: `scan-${i}.pdf`, contentType: 'application/pdf' });
      assert.equal(r.status, 201, r.text.slice(0, 300));
    }
    await get(`/api/applications/${fresh}`); // the calendar, held after its first read
    const a = await get(`/api/applications/${fresh}`);
    const b = await get(`/api/applications/${long}`);
    assert.equal(a.res.status, 200);
    assert.equal(b.res.status, 200);
    assert.ok(b.res.body.history.length >= 11 && b.res.body.attachments.length === 3 && b.res.body.documents.length >= 6, 'the long case is long');
    assert.ok(a.sql.length <= CASE_BUDGET, `new case: ${a.sql.length} queries:\n${a.sql.join('\n')}`);
    assert.equal(b.sql.length, a.sql.length, `long case: ${b.sql.length} queries:\n${b.sql.join('\n')}`);
    // A manager of the district (who sees the agencies below) pays for the agency tree once more, no more.
    const m = await get(`/api/applications/${long}`, 'mgr');
    assert.equal(m.res.status, 200);
    assert.ok(m.sql.length <= CASE_BUDGET + 1, `manager: ${m.sql.length} queries:\n${m.sql.join('\n')}`);
    console.log(`      case GET: ${a.sql.length} queries (caseworker), ${m.sql.length} (manager)`);
  });

  it(`an inbox page takes at most ${INBOX_BUDGET} queries (session, count, the page with its draft notices, the histories the clock does not hold), whatever the page size and the number of cases`, async () => {
    for (let i = 0; i < 6; i++) await register();
    const small = await get('/api/applications?pageSize=5');
    for (let i = 0; i < 6; i++) await register();
    const large = await get('/api/applications?pageSize=200');
    const filtered = await get('/api/applications?pageSize=200&open=true&text=%E6%8E%A7%E5%88%B6&sort=received&dir=desc');
    assert.equal(small.res.body.items.length, 5);
    assert.ok(large.res.body.items.length >= 8);
    for (const [label, r] of [['small', small], ['large', large], ['filtered', filtered]] as const) {
      assert.equal(r.res.status, 200);
      assert.ok(r.sql.length <= INBOX_BUDGET, `${label}: ${r.sql.length} queries:\n${r.sql.join('\n')}`);
    }
    assert.equal(large.sql.length, small.sql.length);
    console.log(`      inbox page: ${large.sql.length} queries`);
  });

  it(`a registration with its signed receipt takes at most ${REGISTRATION_BUDGET} queries (${REGISTRATION_TRANSACTION_BUDGET} in its transaction; on PostgreSQL ${REGISTRATION_BUDGET_PG} and ${REGISTRATION_TRANSACTION_BUDGET_PG}), as many with three files as with one`, async () => {
    const pg = isPostgres(env.db);
    const budget = pg ? REGISTRATION_BUDGET_PG : REGISTRATION_BUDGET;
    const transactionBudget = pg ? REGISTRATION_TRANSACTION_BUDGET_PG : REGISTRATION_TRANSACTION_BUDGET;
    await register(); // the counters' rows exist, the calendar is held
    const post = (files: number) => sqlOf(() => {
      let r = request(env.app).post('/api/applications').set(auth('cw'))
        .field('data', JSON.stringify(applicationBody({ receivedDate: '2026-11-02' })));
      for (let i = 0; i < files; i++) r = r.attach('attachments', Buffer.from(`%PDF-1.7\n% scan ${files}-${i}\n`), { filename: `scan-${i}.pdf`, contentType: 'application/pdf' });
      return r;
    });
    const inTransaction = (sql: string[]) => sql.slice(sql.findIndex((q) => /^BEGIN/i.test(q)), sql.findIndex((q) => /^COMMIT/i.test(q)) + 1).length;
    const one = await post(1);
    const three = await post(3);
    for (const [label, r, n] of [['one file', one, 1], ['three files', three, 3]] as const) {
      assert.equal(r.res.status, 201, r.res.text.slice(0, 300));
      assert.equal(r.res.body.attachments.length, n);
      const receipt = r.res.body.documents.find((d: { kind: string }) => d.kind === 'receipt');
      assert.ok(receipt && receipt.number, `${label}: the receipt is issued: ${JSON.stringify(r.res.body.documents)}`);
      assert.ok(r.sql.length <= budget, `${label}: ${r.sql.length} queries:\n${r.sql.join('\n')}`);
      assert.ok(inTransaction(r.sql) <= transactionBudget, `${label}: ${inTransaction(r.sql)} in the transaction:\n${r.sql.join('\n')}`);
    }
    assert.equal(three.sql.length, one.sql.length, `three files:\n${three.sql.join('\n')}`);
    console.log(`      registration: ${one.sql.length} queries, ${inTransaction(one.sql)} in its transaction (BEGIN and COMMIT counted)`);
  });

  it('GET requests write nothing, even when a stopped clock has moved the due date of a cached case', async () => {
    const consulting = await register('2026-11-02');
    await send(consulting, { type: 'START_CONSULTATION', date: '2026-11-03', kind: 'third_party', party: '某开发公司' });
    env.ctx.clock = fixedClock('2026-11-27'); // the cache of that case is a week old now
    try {
      const stale = await env.db('applications').where({ id: consulting }).first('deadlines_as_of', 'reply_due');
      assert.ok(stale.deadlines_as_of < '2026-11-27');
      const agent = await loginAgent(env.app, 'cw');
      const manager = await loginAgent(env.app, 'mgr');
      const gets: [string, () => Promise<request.Response>][] = [
        ['case', () => request(env.app).get(`/api/applications/${consulting}`).set(auth('cw'))],
        ['list', () => request(env.app).get('/api/applications').set(auth('cw'))],
        ['overdue list', () => request(env.app).get('/api/applications?overdue=true').set(auth('cw'))],
        ['queue', () => request(env.app).get('/api/queue').set(auth('rev'))],
        ['case page', () => agent.get(`/applications/${consulting}`)],
        ['home page', () => agent.get('/')],
        ['list page', () => agent.get('/?view=all')],
        ['dashboard', () => manager.get('/dashboard')],
      ];
      for (const [label, run] of gets) {
        const { sql, res } = await sqlOf(run);
        assert.equal(res.status, 200, `${label}: ${res.status} ${res.text.slice(0, 200)}`);
        const writes = sql.filter((q) => WRITES.test(q));
        assert.deepEqual(writes, [], `${label} wrote`);
      }
      assert.deepEqual(await env.db('applications').where({ id: consulting }).first('deadlines_as_of', 'reply_due'), stale, 'the cache is left to the schedule');
    } finally {
      env.ctx.clock = fixedClock('2026-11-20');
    }
  });

  it('the calendar is held in memory, and a change made on another instance is seen within the recheck time', async () => {
    const id = await register('2026-11-02');
    await get(`/api/applications/${id}`);
    const again = await get(`/api/applications/${id}`);
    assert.ok(!again.sql.some((q) => /calendar/.test(q)), `the calendar was read again:\n${again.sql.join('\n')}`);
    const before = again.res.body.deadlines.replyDue as string;
    // Another instance on the same database declares a day off before the due date.
    const other = createDb(env.databaseUrl);
    try {
      const admin = await env.db('users').where({ username: 'admin' }).first('id', 'username');
      await setCalendarDay({ db: other, config: env.ctx.config, clock: env.ctx.clock }, { id: admin.id, username: admin.username }, { date: '2026-11-24', kind: 'holiday', note: '测试' });
      await new Promise((ok) => setTimeout(ok, CALENDAR_RECHECK_MS + 50));
      const after = await get(`/api/applications/${id}`);
      assert.ok(after.res.body.deadlines.replyDue > before, `${after.res.body.deadlines.replyDue} > ${before}`);
      assert.equal((await loadCalendar(env.db)).isWorkingDay('2026-11-24'), false);
    } finally {
      await other.destroy();
    }
  });
});
