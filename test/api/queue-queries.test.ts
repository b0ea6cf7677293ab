import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, type TestEnv } from '../helpers/test-app.js';
import { replyFacts } from '../helpers/replies.js';
import { loadCalendar } from '../../server/calendar-store.js';

// Issue 13: the queue is every person's home page. It is computed in a bounded number of queries —
// candidates, histories, drafted documents, letters and appeals each loaded at once — so the count
// must not grow with the number of cases. Counted with knex's `query` event on the whole request
// (authentication included).
const API_BUDGET = 8;
const PAGE_BUDGET = 11;

describe('the queue costs a bounded number of queries, whatever the number of cases (issue 13)', function () {
  this.timeout(300_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const send = async (id: number, who: string, body: object) => {
    const r = await request(env.app).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
    assert.equal(r.status, 200, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
  };
  const register = async (who = 'cw') => {
    const r = await request(env.app).post('/api/applications').set(auth(who)).send(applicationBody({ receivedDate: '2026-11-02' }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id as number;
  };
  const signOff = async (id: number, upTo: 'drafted' | 'in_review' | 'approved' | 'issued' | 'closed') => {
    await send(id, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'disclose', ...replyFacts('disclose') });
    if (upTo === 'drafted') return;
    await send(id, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-10' });
    if (upTo === 'in_review') return;
    await send(id, 'rev', { type: 'APPROVE_REVIEW', date: '2026-11-11' });
    if (upTo === 'approved') return;
    await send(id, 'appr', { type: 'ISSUE_REPLY', date: '2026-11-12' });
    if (upTo === 'issued') return;
    await send(id, 'cw', { type: 'RECORD_DELIVERY', date: '2026-11-13', method: 'mail' });
  };

  /** Cases at every step of every queue: `n` of each. */
  async function addCases(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      await register();
      for (const step of ['drafted', 'in_review', 'approved', 'issued'] as const) await signOff(await register(), step);
      const consulting = await register();
      await send(consulting, 'cw', { type: 'START_CONSULTATION', date: '2026-11-16', kind: 'agency', agencyCode: 'JSJT', parts: '施工许可证' });
      const correcting = await register();
      await send(correcting, 'cw', { type: 'REQUEST_CORRECTION', date: '2026-11-04', items: ['请写明文件名称'], periodWorkingDays: 10 });
      const extending = await register();
      await send(extending, 'cw', { type: 'REQUEST_EXTENSION', date: '2026-11-18', workingDays: 10, reason: '所需信息数量较大' });
      const closed = await register();
      await signOff(closed, 'closed');
      const appeal = await request(env.app).post(`/api/applications/${closed}/appeals`).set(auth('legal')).send({
        kind: 'reconsideration', procedure: 'ordinary', body: '东江区人民政府', externalCaseNumber: `东府复〔2026〕${100 + i}号`, receivedDate: '2026-11-17', acceptedDate: '2026-11-16',
      });
      assert.equal(appeal.status, 201, JSON.stringify(appeal.body));
      await register('cw2');
    }
  }

  async function queriesOf(path: string, who: string): Promise<{ count: number; items: number; sql: string[] }> {
    const sql: string[] = [];
    const listener = (q: { sql: string }) => sql.push(q.sql);
    // The instance asks the database for the calendar's version once it has held it a second
    // (CALENDAR_RECHECK_MS): on a loaded machine a request would now and then pay for that query.
    // Checked just before, it is each request's cost alone that is counted.
    await loadCalendar(env.db, { fresh: true });
    env.db.on('query', listener);
    let res: request.Response;
    try {
      res = await request(env.app).get(path).set(auth(who));
    } finally {
      env.db.removeListener('query', listener);
    }
    assert.equal(res.status, 200, res.text.slice(0, 300));
    return { count: sql.length, items: path === '/api/queue' ? res.body.items.length : 0, sql };
  }

  const roles = ['cw', 'rev', 'appr', 'cw2', 'legal', 'mgr'];
  const measure = async () => {
    const out: Record<string, { api: number; page: number; items: number }> = {};
    for (const who of roles) {
      const api = await queriesOf('/api/queue', who);
      const page = await queriesOf(who === 'mgr' ? '/?view=queue' : '/', who);
      out[who] = { api: api.count, page: page.count, items: api.items };
      assert.ok(api.count <= API_BUDGET, `${who}: GET /api/queue took ${api.count} queries (budget ${API_BUDGET}):\n${api.sql.join('\n')}`);
      assert.ok(page.count <= PAGE_BUDGET, `${who}: the home page took ${page.count} queries (budget ${PAGE_BUDGET}):\n${page.sql.join('\n')}`);
    }
    return out;
  };

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    for (const u of ['cw', 'rev', 'appr', 'cw2', 'legal', 'mgr']) tokens[u] = await env.token(u);
  });
  after(async () => env.close());

  it('the same number of queries for a queue of a few cases and for one five times longer, within the budget', async () => {
    await addCases(1);
    const small = await measure();
    await addCases(4);
    const large = await measure();
    for (const who of roles) {
      if (who !== 'mgr') assert.ok(large[who]!.items >= 4 * Math.max(1, small[who]!.items), `${who}: the queue grew (${small[who]!.items} → ${large[who]!.items})`);
      assert.equal(large[who]!.api, small[who]!.api, `${who}: GET /api/queue ${small[who]!.api} → ${large[who]!.api} queries`);
      assert.equal(large[who]!.page, small[who]!.page, `${who}: the home page ${small[who]!.page} → ${large[who]!.page} queries`);
    }
    console.log(`      queries per request (API / page): ${roles.map((w) => `${w} ${large[w]!.api}/${large[w]!.page}`).join(', ')}; items: ${roles.map((w) => `${w} ${large[w]!.items}`).join(', ')}`);
  });
});
