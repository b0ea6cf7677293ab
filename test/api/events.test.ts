import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, type TestEnv } from '../helpers/test-app.js';
import { replyFacts } from '../helpers/replies.js';
import { fixedClock } from '../../server/time.js';
import { refreshStaleDeadlines } from '../../server/cases/application-service.js';

describe('the event API of an application', () => {
  let env: TestEnv;
  let tokens: Record<string, string>;
  const send = (id: number, who: string, body: object, headers: Record<string, string> = {}) =>
    request(env.app).post(`/api/applications/${id}/events`).set('Authorization', `Bearer ${tokens[who]}`).set(headers).send(body);
  const register = async (receivedDate = '2026-11-02') =>
    (await request(env.app).post('/api/applications').set('Authorization', `Bearer ${tokens.cw}`).send(applicationBody({ receivedDate }))).body;

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    tokens = {};
    for (const u of ['cw', 'cw-b', 'rev', 'appr', 'cw2', 'mgr']) tokens[u] = await env.token(u);
  });
  after(async () => env.close());

  it('a correction restarts the reply clock (domain.md worked example)', async () => {
    const app = await register('2024-04-01');
    assert.equal(app.deadlines.correctionNoticeDue, '2024-04-11');
    const asked = await send(app.id, 'cw', { type: 'REQUEST_CORRECTION', date: '2024-04-08', items: ['请写明文件名称'], periodWorkingDays: 10 });
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    assert.equal(asked.body.state, 'awaiting_correction');
    const corrected = await send(app.id, 'cw', { type: 'CORRECTION_RECEIVED', date: '2024-04-15' });
    assert.equal(corrected.status, 200);
    assert.equal(corrected.body.state, 'processing');
    assert.equal(corrected.body.deadlines.replyDue, '2024-05-14');
    assert.equal(corrected.body.version, 3);
    assert.deepEqual(corrected.body.history.map((h: { type: string }) => h.type), ['REGISTER', 'REQUEST_CORRECTION', 'CORRECTION_RECEIVED']);
  });

  it('an event not allowed in the state is a 409 naming the allowed events, and changes nothing', async () => {
    const app = await register();
    const res = await send(app.id, 'appr', { type: 'ISSUE_REPLY', date: '2026-11-10' });
    assert.equal(res.status, 409);
    assert.ok(Array.isArray(res.body.allowedEvents));
    const after = await request(env.app).get(`/api/applications/${app.id}`).set('Authorization', `Bearer ${tokens.cw}`);
    assert.equal(after.body.version, 1);
    assert.equal(after.body.history.length, 1);
  });

  it('a role that may not send the event gets 403', async () => {
    const app = await register();
    const res = await send(app.id, 'rev', { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'disclose' });
    assert.equal(res.status, 403);
  });

  it('a bad payload or date gets 422', async () => {
    const app = await register();
    assert.equal((await send(app.id, 'cw', { type: 'REQUEST_CORRECTION', date: '2026-11-21', items: ['x'], periodWorkingDays: 5 })).status, 422);
    assert.equal((await send(app.id, 'cw', { type: 'REQUEST_CORRECTION', date: '2026-10-01', items: ['x'], periodWorkingDays: 5 })).status, 422);
    assert.equal((await send(app.id, 'cw', { type: 'REQUEST_CORRECTION', date: '2026-11-10', items: [], periodWorkingDays: 5 })).status, 422);
    assert.equal((await send(app.id, 'cw', { type: 'REQUEST_CORRECTION', items: ['x'], periodWorkingDays: 5 })).status, 422);
  });

  it('If-Match with a stale version answers 412', async () => {
    const app = await register();
    const res = await send(app.id, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'disclose', ...replyFacts('disclose') }, { 'If-Match': '"7"' });
    assert.equal(res.status, 412);
    const ok = await send(app.id, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'disclose', ...replyFacts('disclose') }, { 'If-Match': '"1"' });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.etag, '"2"');
  });

  it('another agency cannot send events to a case: 404', async () => {
    const app = await register();
    assert.equal((await send(app.id, 'cw2', { type: 'WITHDRAW', date: '2026-11-10' })).status, 404);
  });

  it('a reply goes through review and sign-off by other people (four eyes)', async () => {
    const app = await register();
    assert.equal((await send(app.id, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'disclose', ...replyFacts('disclose') })).status, 200);
    assert.equal((await send(app.id, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-10' })).status, 200);
    assert.equal((await send(app.id, 'rev', { type: 'APPROVE_REVIEW', date: '2026-11-11' })).status, 200);
    const issued = await send(app.id, 'appr', { type: 'ISSUE_REPLY', date: '2026-11-12' });
    assert.equal(issued.status, 200);
    assert.equal(issued.body.state, 'issued');
    const delivered = await send(app.id, 'cw', { type: 'RECORD_DELIVERY', date: '2026-11-13', method: 'mail' });
    assert.equal(delivered.body.state, 'closed');
    assert.equal(delivered.body.decision, 'disclose');
    assert.equal(delivered.body.overdue, false);
    assert.deepEqual(delivered.body.allowedEvents, []);
  });

  it('of two conflicting events racing on one case, exactly one wins', async () => {
    const app = await register();
    // Both read the same version: whichever commits second is refused, whether the two overlap in
    // the database (409) or not (the version it read is gone: 412). Exactly one is recorded.
    const ifMatch = `"${app.version}"`;
    const [a, b] = await Promise.all([
      send(app.id, 'cw', { type: 'WITHDRAW', date: '2026-11-10' }, { 'If-Match': ifMatch }),
      send(app.id, 'cw-b', { type: 'REQUEST_CORRECTION', date: '2026-11-10', items: ['请补正'], periodWorkingDays: 5 }, { 'If-Match': ifMatch }),
    ]);
    const statuses = [a.status, b.status].sort();
    assert.equal(statuses[0], 200, `${a.status} ${JSON.stringify(a.body.message)} / ${b.status} ${JSON.stringify(b.body.message)}`);
    assert.ok([409, 412].includes(statuses[1]!), `${a.status} ${JSON.stringify(a.body.message)} / ${b.status} ${JSON.stringify(b.body.message)}`);
    const events = await env.db('application_events').where({ application_id: app.id });
    assert.equal(events.length, 2);
  });

  it('every accepted event is audited with who and what', async () => {
    const rows = await env.db('audit_log').where('action', 'like', 'application.event.%');
    assert.ok(rows.length >= 5);
    assert.ok(rows.every((r) => r.username && r.entity_id));
  });

  it('an open consultation keeps moving the cached replyDue used by the overdue filter (the schedule refreshes it)', async () => {
    env.ctx.clock = fixedClock('2026-11-02');
    const app = await register('2026-10-09');
    const lateOne = await register('2026-09-01'); // no stop: overdue by 2026-11-16
    const sent = await send(app.id, 'cw', { type: 'START_CONSULTATION', date: '2026-11-02', kind: 'third_party', party: '某开发公司' });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    const dueThen = sent.body.deadlines.replyDue;
    // Ten working days later, the third party still silent: those days are not counted (Art. 32).
    env.ctx.clock = fixedClock('2026-11-16');
    try {
      // GET never writes (issue 15): each instance's schedule brings the stopped clock's cache up to date.
      assert.ok((await refreshStaleDeadlines(env.ctx)) >= 1);
      const list = await request(env.app).get('/api/applications?pageSize=200').set('Authorization', `Bearer ${tokens.cw}`);
      const item = list.body.items.find((a: { id: number }) => a.id === app.id);
      assert.ok(item.deadlines.replyDue > dueThen, `${item.deadlines.replyDue} > ${dueThen}`);
      const row = await env.db('applications').where({ id: app.id }).first();
      assert.equal(row.reply_due, item.deadlines.replyDue, 'the cache was rebuilt from history');
      assert.equal(row.deadlines_as_of, '2026-11-16');
      const overdue = await request(env.app).get('/api/applications?overdue=true&pageSize=200').set('Authorization', `Bearer ${tokens.cw}`);
      assert.equal(overdue.status, 200);
      const overdueIds = overdue.body.items.map((a: { id: number }) => a.id);
      assert.ok(overdueIds.includes(lateOne.id), 'the filter does list an overdue case');
      assert.ok(!overdueIds.includes(app.id), 'but not the one whose clock the consultation stopped');
    } finally {
      env.ctx.clock = fixedClock('2026-11-20');
    }
  });
});
