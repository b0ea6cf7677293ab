import assert from 'node:assert/strict';
import request from 'supertest';
import type { Knex } from 'knex';
import { createDb } from '../../db/knex.js';
import { createApp } from '../../server/app.js';
import type { AppContext } from '../../server/context.js';
import { deliverDueWebhooks, retryDelayMs } from '../../server/exchange/webhook-worker.js';
import { claimDue } from '../../server/exchange/webhook-store.js';
import { verifyWebhook } from '../../server/exchange/webhook-signature.js';
import { applicationBody, createTestEnv, csrfOf, loginAgent, type TestEnv } from '../helpers/test-app.js';
import { exchangeClient, startReceiver, type TestClient } from '../helpers/exchange.js';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
const inSeconds = (s: number) => new Date(Date.now() + s * 1000);

// Issue 14: webhooks from the outbox, delivered to a real HTTP receiver started here — signed per
// Standard Webhooks, retried with back-off after a refusal, never sent twice (a restart, two workers).
describe('the data exchange\'s webhooks (issue 14)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  let receiver: Receiver;
  let client: TestClient;
  let secret: string;
  let webhookId: number;
  const staff: Record<string, string> = {};
  const as = (who: string) => ({ Authorization: `Bearer ${staff[who]}` });
  const extraDbs: Knex[] = [];

  /** Another server instance on the same database: its own connections, its own worker. */
  function instance(): AppContext {
    const db = createDb(env.databaseUrl);
    extraDbs.push(db);
    return { ...env.ctx, db };
  }
  const register = () => request(env.app).post('/api/applications').set(as('cw')).send(applicationBody({ receivedDate: '2026-11-02' }));
  const messages = () => receiver.received.map((r) => ({ ...r, json: JSON.parse(r.body) as { type: string; timestamp: string; data: Record<string, unknown> } }));
  const outbox = (where: Record<string, unknown> = {}) => env.db('webhook_deliveries').where(where).orderBy('id');

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    env.ctx.config.webhooks = { ...env.ctx.config.webhooks, allowPrivate: true, timeoutMs: 2000 };
    for (const u of ['cw', 'legal']) staff[u] = await env.token(u);
    receiver = await startReceiver();
    client = await exchangeClient(env, 'GHZY');
  });
  after(async () => {
    for (const db of extraDbs) await db.destroy();
    await receiver.close();
    await env.close();
  });

  it('registering: http(s) only, known events, never a private address unless allowed; the secret is whsec_ and shown once', async () => {
    const post = (body: object) => request(env.app).post('/api/exchange/webhooks').set(client.auth).send(body);
    env.ctx.config.webhooks.allowPrivate = false;
    try {
      for (const url of [receiver.url, 'http://localhost:8080/h', 'http://10.0.0.8/h', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/h', 'http://[::ffff:127.0.0.1]/h', 'http://0x7f000001/h']) {
        const res = await post({ url, events: ['appeal.filed'] });
        assert.equal(res.status, 422, `${url}: ${res.status}`);
        assert.ok(res.body.fields.url, url);
      }
      const ftp = await post({ url: 'ftp://example.org/h', events: ['appeal.filed'] });
      assert.equal(ftp.status, 422);
      const credentials = await post({ url: 'https://user:pw@example.org/h', events: ['appeal.filed'] });
      assert.equal(credentials.status, 422);
    } finally {
      env.ctx.config.webhooks.allowPrivate = true;
    }
    const unknown = await post({ url: receiver.url, events: ['case.deleted'] });
    assert.equal(unknown.status, 422);
    assert.ok(unknown.body.fields.events);
    const res = await post({ url: receiver.url, events: ['appeal.filed', 'appeal.decided', 'application.concluded', 'document.issued', 'application.registered'] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.match(res.body.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    webhookId = res.body.id;
    secret = res.body.secret;
    const listed = await request(env.app).get('/api/exchange/webhooks').set(client.auth);
    assert.deepEqual(listed.body.items.map((w: { id: number }) => w.id), [webhookId]);
    assert.equal(JSON.stringify(listed.body).includes(secret), false, 'not shown again');
    assert.equal((await env.db('webhooks').where({ id: webhookId }).first()).secret.includes(secret.slice(6)), false, 'not stored in clear');
  });

  it('an event writes its outbox row in its own transaction; the worker delivers it signed per Standard Webhooks', async () => {
    const res = await register();
    assert.equal(res.status, 201);
    const owed = await outbox({ status: 'pending' });
    // Registration: the receipt issued (document.issued) and the case registered.
    assert.deepEqual(owed.map((d) => d.type).sort(), ['application.registered', 'document.issued']);
    assert.equal(receiver.received.length, 0, 'nothing is sent from the request itself');
    const run = await deliverDueWebhooks(env.ctx);
    assert.equal(run.delivered, 2);
    assert.equal(receiver.received.length, 2);
    for (const m of messages()) {
      assert.ok(verifyWebhook(secret, m.headers, m.body), 'the signature verifies with the secret');
      assert.ok(!verifyWebhook('whsec_' + Buffer.alloc(32, 1).toString('base64'), m.headers, m.body), 'and with no other');
      assert.match(String(m.headers['webhook-id']), /^msg_/);
      assert.match(String(m.headers['webhook-timestamp']), /^\d{10}$/);
      assert.match(String(m.headers['webhook-signature']), /^v1,[A-Za-z0-9+/]+=*$/);
      assert.equal(m.headers['content-type'], 'application/json');
      assert.equal(m.json.data.caseNumber, res.body.caseNumber);
    }
    const issued = messages().find((m) => m.json.type === 'document.issued')!;
    assert.match(String(issued.json.data.pdf), /^\/api\/exchange\/documents\/\d+\/pdf$/);
    assert.match(String(issued.json.data.sha256), /^[0-9a-f]{64}$/);
    // A receiver that saw the body change would refuse it.
    assert.ok(!verifyWebhook(secret, issued.headers, issued.body.replace('"document.issued"', '"document.withdrawn"')));
    assert.deepEqual((await outbox()).map((d) => d.status), ['delivered', 'delivered']);
    const log = await env.db('webhook_attempts').orderBy('id');
    assert.deepEqual(log.map((a) => Number(a.status_code)), [200, 200]);
  });

  it('a refused delivery (500) is retried later with exponential back-off, under the same webhook-id, then delivered once', async () => {
    receiver.received.length = 0;
    receiver.answers.push(500, 503);
    const app = (await register()).body;
    await env.db('webhook_deliveries').where({ status: 'pending', type: 'document.issued' }).update({ status: 'cancelled' }); // one message is enough here
    const base = env.ctx.config.webhooks.retryBaseSeconds;
    const first = await deliverDueWebhooks(env.ctx);
    assert.deepEqual(first, { delivered: 0, retried: 1, failed: 0, cancelled: 0 });
    const [row] = await outbox({ status: 'pending' });
    assert.equal(row.attempts, 1);
    assert.equal(Number(row.last_status_code), 500);
    const wait1 = Date.parse(row.next_attempt_at) - Date.now();
    assert.ok(wait1 > (base - 2) * 1000 && wait1 <= base * 1000, `first wait ${wait1} ms`);
    // Not due yet: nothing sent.
    assert.deepEqual(await deliverDueWebhooks(env.ctx), { delivered: 0, retried: 0, failed: 0, cancelled: 0 });
    assert.equal(receiver.received.length, 1);
    const second = await deliverDueWebhooks(env.ctx, { now: inSeconds(base + 1) });
    assert.equal(second.retried, 1);
    const again = (await outbox({ id: row.id }))[0];
    const wait2 = Date.parse(again.next_attempt_at) - inSeconds(base + 1).getTime();
    assert.ok(Math.abs(wait2 - retryDelayMs(base, 2)) < 2000 && retryDelayMs(base, 2) === 2 * base * 1000, `second wait ${wait2} ms: doubled`);
    const third = await deliverDueWebhooks(env.ctx, { now: inSeconds(base + 1 + 2 * base + 1) });
    assert.equal(third.delivered, 1);
    assert.equal(receiver.received.length, 3);
    assert.equal(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size, 1, 'the same message id on every attempt');
    assert.equal(new Set(receiver.received.map((r) => r.body)).size, 1, 'the same body');
    assert.ok(messages().every((m) => verifyWebhook(secret, m.headers, m.body, { now: new Date(Number(m.headers['webhook-timestamp']) * 1000) })));
    assert.equal(messages()[0]!.json.data.caseNumber, app.caseNumber);
    const attempts = await env.db('webhook_attempts').where({ delivery_id: row.id }).orderBy('attempt');
    assert.deepEqual(attempts.map((a) => [Number(a.attempt), Number(a.status_code)]), [[1, 500], [2, 503], [3, 200]]);
    // Delivered: never again, however often the worker runs.
    await deliverDueWebhooks(env.ctx, { now: inSeconds(86_400) });
    assert.equal(receiver.received.length, 3);
  });

  it('gives up after the maximum number of attempts; the administrator sees it in the delivery log and may send it again', async () => {
    receiver.received.length = 0;
    const max = env.ctx.config.webhooks.maxAttempts;
    env.ctx.config.webhooks.maxAttempts = 2;
    try {
      receiver.answers.push(500, 500, 500, 500);
      await register();
      await env.db('webhook_deliveries').where({ status: 'pending', type: 'document.issued' }).update({ status: 'cancelled' });
      await deliverDueWebhooks(env.ctx);
      const r = await deliverDueWebhooks(env.ctx, { now: inSeconds(3600) });
      assert.equal(r.failed, 1);
    } finally {
      env.ctx.config.webhooks.maxAttempts = max;
    }
    const [failed] = await outbox({ status: 'failed' });
    assert.ok(failed);
    const agent = await loginAgent(env.app, 'admin');
    const page = await agent.get('/admin/webhooks?status=failed');
    assert.equal(page.status, 200);
    assert.match(page.text, new RegExp(`/admin/webhooks/deliveries/${failed.id}/retry`));
    assert.match(page.text, /HTTP 500/);
    const retried = await agent.post(`/admin/webhooks/deliveries/${failed.id}/retry`).type('form').send({ _csrf: csrfOf(page.text) });
    assert.equal(retried.status, 303);
    receiver.answers.length = 0;
    assert.equal((await deliverDueWebhooks(env.ctx)).delivered, 1);
    assert.equal((await outbox({ id: failed.id }))[0].status, 'delivered');
    assert.equal((await (await loginAgent(env.app, 'legal')).get('/admin/webhooks')).status, 403);
    // The client reads its own delivery log too.
    const own = await request(env.app).get(`/api/exchange/webhooks/${webhookId}/deliveries`).set(client.auth);
    assert.equal(own.status, 200);
    assert.ok(own.body.items.some((d: { id: number; attemptLog: unknown[] }) => d.id === failed.id && d.attemptLog.length === 3));
  });

  it('a delivered event is not sent again after a restart; what was owed before the restart is delivered by the new instance', async () => {
    receiver.received.length = 0;
    await register(); // owed, not delivered: the server "stops" here
    const before = await env.db('webhook_deliveries').where({ status: 'delivered' }).count({ n: '*' }).first();
    const restarted = instance();
    createApp(restarted); // a new app on new connections, as after a restart
    const run = await deliverDueWebhooks(restarted, { worker: 'restarted#1' });
    assert.equal(run.delivered, 2);
    assert.equal(receiver.received.length, 2);
    const after = await env.db('webhook_deliveries').where({ status: 'delivered' }).count({ n: '*' }).first();
    assert.equal(Number(after!.n), Number(before!.n) + 2);
    // Another restart: nothing is owed, nothing is sent.
    const again = instance();
    assert.deepEqual(await deliverDueWebhooks(again, { now: inSeconds(86_400) }), { delivered: 0, retried: 0, failed: 0, cancelled: 0 });
    assert.equal(receiver.received.length, 2);
  });

  it('a worker that died holding a claim delays its messages only until the lease lapses; then another delivers them once', async () => {
    receiver.received.length = 0;
    await register();
    // A worker claims and dies before posting.
    const claimed = await claimDue(env.db, 'dead-worker', new Date().toISOString(), inSeconds(60).toISOString(), 20);
    assert.equal(claimed.length, 2);
    assert.equal((await deliverDueWebhooks(env.ctx)).delivered, 0, 'claimed: not sent by another worker meanwhile');
    assert.equal(receiver.received.length, 0);
    const later = await deliverDueWebhooks(instance(), { now: inSeconds(61) });
    assert.equal(later.delivered, 2);
    assert.equal(receiver.received.length, 2);
  });

  it('two workers at once deliver every message exactly once', async () => {
    receiver.received.length = 0;
    receiver.delayMs = 50;
    try {
      for (let i = 0; i < 6; i++) assert.equal((await register()).status, 201);
      const owed = (await outbox({ status: 'pending' })).map((d) => d.message_id as string);
      assert.equal(owed.length, 12);
      // Small batches, so that both workers keep claiming while the other is posting.
      const [a, b] = await Promise.all([deliverDueWebhooks(instance(), { worker: 'a', batch: 2 }), deliverDueWebhooks(instance(), { worker: 'b', batch: 2 })]);
      assert.equal(a.delivered + b.delivered, 12);
      const ids = receiver.received.map((r) => String(r.headers['webhook-id']));
      assert.equal(ids.length, 12);
      assert.deepEqual([...ids].sort(), [...owed].sort());
      const workers = await env.db('webhook_attempts').whereIn('delivery_id', env.db('webhook_deliveries').whereIn('message_id', owed).select('id')).select('worker');
      assert.equal(workers.length, 12, 'one attempt each');
    } finally {
      receiver.delayMs = 0;
    }
  });

  it('events reach only the webhooks of clients whose agencies include the case; a deleted webhook or revoked client gets nothing more', async () => {
    receiver.received.length = 0;
    const other = await exchangeClient(env, 'JSJT');
    const hook = await request(env.app).post('/api/exchange/webhooks').set(other.auth).send({ url: receiver.url, events: ['application.registered'] });
    assert.equal(hook.status, 201);
    await register(); // a GHZY case: nothing for JSJT's client
    assert.equal((await outbox({ webhook_id: hook.body.id })).length, 0);
    // Deleting the GHZY client's webhook cancels what it still owed.
    assert.equal((await request(env.app).delete(`/api/exchange/webhooks/${webhookId}`).set(client.auth)).status, 204);
    assert.equal((await request(env.app).delete(`/api/exchange/webhooks/${hook.body.id}`).set(client.auth)).status, 404, 'not its own');
    assert.deepEqual(await deliverDueWebhooks(env.ctx), { delivered: 0, retried: 0, failed: 0, cancelled: 0 });
    assert.equal(receiver.received.length, 0);
    assert.ok((await outbox({ webhook_id: webhookId, status: 'cancelled' })).length >= 2);
  });

  it('the appeal events: appeal.filed and appeal.decided (here pushed by the reconsideration system), application.concluded', async () => {
    receiver.received.length = 0;
    const c = await exchangeClient(env, 'DJQ');
    const hook = await request(env.app).post('/api/exchange/webhooks').set(c.auth).send({ url: receiver.url, events: ['appeal.filed', 'appeal.decided', 'application.concluded'] });
    const hookSecret = hook.body.secret as string;
    const app = (await register()).body;
    const cw = as('cw');
    const send = (body: object) => request(env.app).post(`/api/applications/${app.id}/events`).set(cw).send(body);
    assert.equal((await send({ type: 'REPLY_ON_THE_SPOT', date: '2026-11-03', decision: 'disclose', disclosure: { mode: 'provided', items: [{ title: '规划批复文件', pages: 3 }], delivery: 'paper' } })).status, 200);
    const filed = await request(env.app).post('/api/exchange/appeals').set(c.auth).set('Idempotency-Key', 'wh-appeal').send({
      caseNumber: app.caseNumber, kind: 'reconsideration', procedure: 'simplified', body: '东江区人民政府', externalCaseNumber: '东府复〔2026〕201号', receivedDate: '2026-11-10',
    });
    assert.equal(filed.status, 201, JSON.stringify(filed.body));
    // The legal staff answer (appeal.updated: not subscribed); the system records the hearing and the decision.
    assert.equal((await request(env.app).post(`/api/appeals/${filed.body.id}/events`).set(as('legal')).send({ type: 'SUBMIT_ANSWER', date: '2026-11-11' })).status, 200);
    const hearing = await request(env.app).post(`/api/exchange/appeals/${filed.body.id}/events`).set(c.auth).set('Idempotency-Key', 'wh-hearing').send({ type: 'RECORD_HEARING', date: '2026-11-12', note: '书面审理' });
    assert.equal(hearing.status, 200, JSON.stringify(hearing.body));
    const decided = await request(env.app).post(`/api/exchange/appeals/${filed.body.id}/events`).set(c.auth).set('Idempotency-Key', 'wh-decision')
      .send({ type: 'RECORD_DECISION', date: '2026-11-18', outcome: 'upheld', decisionType: '维持', summary: '维持原答复' });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    await deliverDueWebhooks(env.ctx);
    // Messages of one batch go out in parallel: a receiver orders them by their cursor.
    const got = receiver.received.map((r) => ({ headers: r.headers, body: r.body, json: JSON.parse(r.body) }))
      .sort((x, y) => Number(x.json.data.cursor) - Number(y.json.data.cursor));
    assert.deepEqual(got.map((m) => m.json.type), ['application.concluded', 'appeal.filed', 'appeal.decided']);
    assert.ok(got.every((m) => verifyWebhook(hookSecret, m.headers, m.body)));
    const decision = got[2]!.json.data;
    assert.equal(decision.appealId, filed.body.id);
    assert.equal(decision.outcome, 'upheld');
    assert.equal(decision.decisionType, '维持');
    assert.equal(got[1]!.json.data.source, 'reconsideration_system');
    assert.equal(got[0]!.json.data.event, 'REPLY_ON_THE_SPOT');
    // Each message names its cursor in the feed.
    const feed = await request(env.app).get('/api/exchange/changes?limit=500').set(c.auth);
    for (const m of got) assert.ok(feed.body.items.some((i: { cursor: string; type: string }) => i.cursor === m.json.data.cursor && i.type === m.json.type));
  });
});
