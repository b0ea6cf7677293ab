import assert from 'node:assert/strict';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { addClient } from '../../server/auth/client-service.js';
import { CHANGE_TYPE_NAMES } from '../../server/change-feed.js';
import { isPostgresUrl } from '../../db/knex.js';
import { applicationBody, createTestEnv, type TestEnv } from '../helpers/test-app.js';

/** The value of one sample of the exposition text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

// Issue 15: Prometheus metrics at /metrics behind METRICS=1 (and METRICS_TOKEN when set).
describe('Prometheus metrics', () => {
  let env: TestEnv;
  let app: ReturnType<typeof createApp>;
  const TOKEN = 'scrape-token-0123456789abcdef';

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    app = createApp({ ...env.ctx, config: { ...env.ctx.config, metrics: { enabled: true, token: TOKEN } } });
  });
  after(async () => env.close());

  const scrape = async () => {
    const res = await request(app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers['content-type'] ?? '', /^text\/plain/);
    return res.text;
  };

  it('is not served unless METRICS is on', async () => {
    const res = await request(env.app).get('/metrics').set('Accept', 'application/json');
    assert.equal(res.status, 404);
  });

  it('asks for METRICS_TOKEN when one is set (a plain 401, not the login page)', async () => {
    const none = await request(app).get('/metrics');
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer realm="metrics"');
    assert.equal((await request(app).get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789abc')).status, 401);
    // A person's session or token is not the scraper's.
    const personal = await env.token('cw');
    assert.equal((await request(app).get('/metrics').set('Authorization', `Bearer ${personal}`)).status, 401);
    const open = createApp({ ...env.ctx, config: { ...env.ctx.config, metrics: { enabled: true, token: '' } } });
    assert.equal((await request(open).get('/metrics')).status, 200);
  });

  it('times requests by declared route, not by URL', async () => {
    const token = await env.token('cw');
    const created = await request(app).post('/api/applications').set('Authorization', `Bearer ${token}`).send(applicationBody());
    assert.equal(created.status, 201, JSON.stringify(created.body));
    for (let i = 0; i < 3; i++) assert.equal((await request(app).get(`/api/applications/${created.body.id}`).set('Authorization', `Bearer ${token}`)).status, 200);
    assert.equal((await request(app).get('/api/applications/987654').set('Authorization', `Bearer ${token}`)).status, 404);
    await request(app).get('/no/such/page');
    const text = await scrape();
    const count = (labels: Record<string, string>) => sample(text, 'dd_http_request_duration_seconds_count', labels);
    assert.equal(count({ method: 'GET', route: '/api/applications/:id', status_code: '200' }), 3);
    assert.equal(count({ method: 'GET', route: '/api/applications/:id', status_code: '404' }), 1);
    assert.equal(count({ method: 'POST', route: '/api/applications', status_code: '201' }), 1);
    assert.equal(count({ method: 'GET', route: 'unmatched', status_code: '404' }), 1);
    assert.ok(!/route="\/api\/applications\/\d+"/.test(text), 'no raw URLs as labels');
    assert.ok((sample(text, 'dd_http_request_duration_seconds_bucket', { route: '/api/applications/:id', status_code: '200', le: '+Inf' }) ?? 0) >= 3);
    assert.ok(sample(text, 'dd_process_resident_memory_bytes') !== undefined || sample(text, 'dd_nodejs_heap_size_used_bytes') !== undefined);
  });

  it('on SQLite, shows how long each write transaction held the database and waited for its turn', async () => {
    const before = await scrape();
    const held0 = sample(before, 'dd_sqlite_write_turn_seconds_count');
    if (isPostgresUrl(env.databaseUrl)) {
      assert.equal(held0, undefined, 'PostgreSQL has no single writer: no such metric');
      return;
    }
    const sum0 = sample(before, 'dd_sqlite_write_turn_seconds_sum')!;
    const token = await env.token('cw');
    for (let i = 0; i < 2; i++) {
      const res = await request(app).post('/api/applications').set('Authorization', `Bearer ${token}`).send(applicationBody());
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    const text = await scrape();
    const held = sample(text, 'dd_sqlite_write_turn_seconds_count')!;
    assert.ok(held >= held0! + 2, `two registrations are two write transactions at least: ${held0} → ${held}`);
    assert.ok(sample(text, 'dd_sqlite_write_turn_seconds_sum')! > sum0, 'the time held grows');
    assert.equal(sample(text, 'dd_sqlite_write_turn_wait_seconds_count'), held, 'every turn is waited for (if only for no time)');
    assert.equal(sample(text, 'dd_sqlite_write_turn_seconds_bucket', { le: '+Inf' }), held);
    // Transactions of another database file (another app's, in this process) are not this one's.
    const other = await createTestEnv({ today: '2026-11-20' });
    try {
      await request(other.app).post('/api/applications').set('Authorization', `Bearer ${await other.token('cw')}`).send(applicationBody()).expect(201);
    } finally {
      await other.close();
    }
    assert.equal(sample(await scrape(), 'dd_sqlite_write_turn_seconds_count'), held);
  });

  it('counts open and overdue applications per agency, export jobs and the webhook outbox when scraped', async () => {
    const before = await scrape();
    const open0 = sample(before, 'dd_applications_open', { agency: 'GHZY' })!;
    const overdue0 = sample(before, 'dd_applications_overdue', { agency: 'GHZY' })!;
    assert.equal(sample(before, 'dd_applications_open', { agency: 'JSJT' }), 0, 'agencies without cases are reported as 0');

    // A client of the district office subscribed to every change: registrations fill the outbox.
    const { client } = await addClient(env.db, { name: '复议系统', agencyCode: 'DJQ', scopes: ['exchange:read'] }, null);
    const clientRow = await env.db('exchange_clients').where({ client_id: client.clientId }).first('id');
    await env.db('webhooks').insert({ client_id: clientRow.id, url: 'https://receiver.example/hook', events: JSON.stringify(CHANGE_TYPE_NAMES), secret: 'sealed', created_at: new Date().toISOString() });

    const token = await env.token('cw');
    // Received long ago: overdue on 2026-11-20. Received today: open, not overdue.
    for (const receivedDate of ['2026-09-01', '2026-09-02', '2026-11-20']) {
      const res = await request(app).post('/api/applications').set('Authorization', `Bearer ${token}`).send(applicationBody({ receivedDate }));
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    const mgr = await env.db('users').where({ username: 'mgr' }).first('id');
    const now = new Date().toISOString();
    await env.db('export_jobs').insert([
      { kind: 'annual_ledger', format: 'csv', params: '{}', status: 'queued', created_by: mgr.id, created_at: now, updated_at: now },
      { kind: 'annual_ledger', format: 'csv', params: '{}', status: 'done', created_by: mgr.id, created_at: now, updated_at: now },
    ]);
    const deliveries = await env.db('webhook_deliveries').orderBy('id').pluck('id');
    assert.ok(deliveries.length >= 3, `${deliveries.length} deliveries`);
    await env.db('webhook_deliveries').where({ id: deliveries[0] }).update({ status: 'failed' });
    await env.db('webhook_deliveries').where({ id: deliveries[1] }).update({ next_attempt_at: '2099-01-01T00:00:00.000Z' });

    let queries = 0;
    const count = () => void queries++;
    env.db.on('query', count);
    const text = await scrape();
    env.db.off('query', count);
    assert.equal(queries, 3, 'one query each: applications per agency, export jobs, the webhook outbox');
    assert.equal(sample(text, 'dd_applications_open', { agency: 'GHZY' }), open0 + 3);
    assert.equal(sample(text, 'dd_applications_overdue', { agency: 'GHZY' }), overdue0 + 2);
    assert.equal(sample(text, 'dd_export_jobs', { status: 'queued' }), 1);
    assert.equal(sample(text, 'dd_export_jobs', { status: 'running' }), 0);
    assert.equal(sample(text, 'dd_webhook_deliveries', { status: 'pending' }), deliveries.length - 1);
    assert.equal(sample(text, 'dd_webhook_deliveries', { status: 'due' }), deliveries.length - 2);
    assert.equal(sample(text, 'dd_webhook_deliveries', { status: 'failed' }), 1);
  });
});
