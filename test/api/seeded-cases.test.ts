import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../helpers/test-app.js';
import { seedBenchData, BENCH_PASSWORD } from '../bench/seed-million.js';
import { findApplication } from '../../server/cases/application-store.js';
import { restore } from '../../server/cases/case-clock.js';
import { stateOf } from '../../workflows/application.machine.js';
import { replyFacts } from '../helpers/replies.js';

// Issue 15: the benchmark's seeded database is one the desk itself can open — every seeded case is
// what the use cases would have stored (judged by the machine, at its current version), so it is
// restored, served and taken further like any other.
const db = (env: TestEnv) => env.db;

describe('the benchmark seeder writes cases the desk can open and carry on (issue 15)', function () {
  this.timeout(300_000);
  let env: TestEnv;
  let ids: number[] = [];

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20', seed: false });
    await seedBenchData(env.db, { n: 600, start: '2026-03-02', today: '2026-11-20' });
    ids = (await env.db('applications').orderBy('id').select('id')).map((r: { id: number }) => Number(r.id));
  });
  after(async () => env.close());

  it('a sample of seeded rows restores through the machine, in the state the row says', async () => {
    const sample = ids.filter((_, i) => i % 7 === 0);
    const states = new Set<string>();
    for (const id of sample) {
      const row = (await findApplication(env.db, id))!;
      const snapshot = restore(row); // throws on a snapshot the machine cannot take (issue 15: "lacks context fields")
      assert.equal(stateOf(snapshot), row.state, `case ${id}`);
      if (row.state === 'closed') assert.equal(snapshot.context.decision, row.decision, `case ${id}: the decision column is the machine's`);
      states.add(row.state);
    }
    assert.ok(states.size >= 3, `the sample spans states: ${[...states].join(', ')}`);
  });

  it('the inbox pages open cases first, then closed ones, each by due date, without gaps or repeats across pages', async () => {
    const login = await request(env.app).post('/api/auth/token').send({ username: 'caseworker-d01', password: BENCH_PASSWORD });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const auth = { Authorization: `Bearer ${login.body.token}` };
    const agency = (await env.db('agencies').where({ code: 'D01' }).first('id')).id;
    for (const [dir, extra] of [['asc', ''], ['desc', ''], ['asc', '&text=%E5%BE%81%E6%94%B6'], ['asc', '&open=true']] as const) {
      // What one sort of the whole list gives (the database's own NULL order included).
      const ref = db(env).from('applications as ap').where('ap.agency_id', agency)
        .orderByRaw("CASE WHEN ap.state IN ('closed') THEN 1 ELSE 0 END").orderBy('ap.reply_due', dir).orderBy('ap.id', 'asc').select('ap.id');
      if (extra.includes('text')) ref.where((w) => w.where('ap.description', 'like', '%征收%').orWhere('ap.applicant_name', 'like', '%征收%').orWhere('ap.case_number', 'like', '%征收%'));
      if (extra.includes('open')) ref.whereNot('ap.state', 'closed');
      const expected = (await ref).map((r: { id: number }) => Number(r.id));
      const got: number[] = [];
      let total = -1;
      const size = extra ? 1 : 7;
      for (let page = 1; page <= Math.ceil(expected.length / size) + 1; page++) {
        const res = await request(env.app).get(`/api/applications?pageSize=${size}&page=${page}&sort=due&dir=${dir}${extra}`).set(auth);
        assert.equal(res.status, 200, res.text.slice(0, 300));
        total = res.body.total;
        got.push(...res.body.items.map((i: { id: number }) => i.id));
      }
      assert.equal(total, expected.length, `${dir}${extra}: total`);
      assert.ok(expected.length >= 2 * size, `${dir}${extra}: several pages (${expected.length})`);
      assert.deepEqual(got, expected, `${dir}${extra}: the pages, in order`);
    }
  });

  it('the application serves seeded cases (case page and list) and takes the next event on an open one', async () => {
    const manager = await request(env.app).post('/api/auth/token').send({ username: 'mgr', password: BENCH_PASSWORD });
    assert.equal(manager.status, 200, JSON.stringify(manager.body));
    const auth = { Authorization: `Bearer ${manager.body.token}` };
    for (const id of ids.filter((_, i) => i % 29 === 0)) {
      const res = await request(env.app).get(`/api/applications/${id}`).set(auth);
      assert.equal(res.status, 200, `case ${id}: ${res.text.slice(0, 300)}`);
      assert.ok(res.body.history.length >= 1);
    }
    const list = await request(env.app).get('/api/applications?text=%E5%BE%81%E6%94%B6&pageSize=20').set(auth);
    assert.equal(list.status, 200, list.text.slice(0, 300));
    assert.ok(list.body.total > 0);
    // The bulk-written rows are in the text index too (its triggers): the bench's search, through the
    // index, finds every case the scan finds.
    const indexed = await request(env.app).get(`/api/applications?text=${encodeURIComponent('征收补偿')}&pageSize=200`).set(auth);
    assert.equal(indexed.status, 200, indexed.text.slice(0, 300));
    const scanned = Number((await env.db('applications').where('description', 'like', '%征收补偿%').count({ n: '*' }).first())?.n);
    assert.ok(scanned > 0);
    assert.equal(indexed.body.total, scanned);
    // An open case in processing, drafted further by its agency's caseworker.
    const open = await env.db('applications').where({ state: 'processing' }).orderBy('id', 'desc').first('id', 'agency_id');
    assert.ok(open, 'some seeded case is still in processing');
    const agency = await env.db('agencies').where({ id: open.agency_id }).first('code');
    const cw = await request(env.app).post('/api/auth/token').send({ username: `caseworker-${agency.code}`.toLowerCase(), password: BENCH_PASSWORD });
    assert.equal(cw.status, 200, JSON.stringify(cw.body));
    const drafted = await request(env.app).post(`/api/applications/${open.id}/events`).set({ Authorization: `Bearer ${cw.body.token}` })
      .send({ type: 'DRAFT_REPLY', date: '2026-11-20', decision: 'disclose', ...replyFacts('disclose') });
    assert.equal(drafted.status, 200, JSON.stringify(drafted.body));
    assert.equal(drafted.body.state, 'drafted');
  });
});
