import assert from 'node:assert/strict';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { createLogger } from '../../server/log.js';
import { createDb } from '../../db/knex.js';
import { createTestEnv, type TestEnv } from '../helpers/test-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Issue 15: structured logs (pino, one JSON object a line) with the request's id on every line of the
// request and in every error answer, so a fault a person reports can be found in the logs.
describe('request ids and structured logs', () => {
  let env: TestEnv;
  let app: ReturnType<typeof createApp>;
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];

  before(async () => {
    env = await createTestEnv();
    const logger = createLogger('debug', { write: (line: string) => void (raw.push(line), lines.push(JSON.parse(line))) });
    app = createApp({ ...env.ctx, logger });
  });
  after(async () => env.close());
  beforeEach(() => {
    lines.length = 0;
    raw.length = 0;
  });

  const linesOf = (id: string | undefined) => lines.filter((l) => l.requestId === id);

  it('gives every request an id, answers it in X-Request-Id and logs one line per request under it', async () => {
    const token = await env.token('cw');
    lines.length = 0;
    const res = await request(app).get('/api/applications?text=张建国').set('Authorization', `Bearer ${token}`);
    assert.equal(res.status, 200);
    const id = res.headers['x-request-id'];
    assert.match(id ?? '', UUID);
    const [line, ...more] = linesOf(id);
    assert.equal(more.length, 0, JSON.stringify(lines));
    assert.equal(line!.level, 'info');
    assert.equal(line!.method, 'GET');
    assert.equal(line!.route, '/api/applications');
    assert.equal(line!.status, 200);
    assert.equal(typeof line!.responseTime, 'number');
    assert.equal(typeof line!.time, 'string');
    // No query string (searches name people), no headers (the bearer token, cookies).
    assert.equal(line!.path, '/api/applications');
    assert.doesNotMatch(raw.join(''), /张建国|Bearer|authorization|cookie/i);
  });

  it('logs the declared route, not the URL with its ids', async () => {
    const token = await env.token('cw');
    const res = await request(app).get('/api/applications/999999').set('Authorization', `Bearer ${token}`);
    assert.equal(res.status, 404);
    const [line] = linesOf(res.headers['x-request-id']);
    assert.equal(line!.route, '/api/applications/:id');
    assert.equal(line!.path, '/api/applications/999999');
    assert.equal(line!.level, 'warn');
  });

  it('puts the id into every JSON error body', async () => {
    const unknown = await request(app).get('/api/nothing-here');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.requestId, unknown.headers['x-request-id']);
    assert.equal(unknown.body.error, 'not_found');
    const refused = await request(app).post('/api/auth/token').send({ username: 'cw', password: 'wrong-password-1' });
    assert.equal(refused.status, 401);
    assert.match(refused.body.requestId, UUID);
    assert.equal(refused.body.requestId, refused.headers['x-request-id']);
    const token = await env.token('cw');
    const invalid = await request(app).post('/api/applications').set('Authorization', `Bearer ${token}`).send({ channel: 'nowhere' });
    assert.equal(invalid.status, 422);
    assert.equal(invalid.body.requestId, invalid.headers['x-request-id']);
    assert.ok(invalid.body.fields);
  });

  it('keeps a sane X-Request-Id from a proxy and replaces anything else', async () => {
    const kept = await request(app).get('/api/nothing-here').set('X-Request-Id', 'proxy-7f3a.01:abc_DEF');
    assert.equal(kept.headers['x-request-id'], 'proxy-7f3a.01:abc_DEF');
    assert.equal(kept.body.requestId, 'proxy-7f3a.01:abc_DEF');
    assert.equal(linesOf('proxy-7f3a.01:abc_DEF').length, 1);
    for (const bad of ['a b', 'x'.repeat(101), '"><script>', '-leading-dash', 'a\u00e9']) {
      const res = await request(app).get('/api/nothing-here').set('X-Request-Id', bad);
      assert.match(res.headers['x-request-id'] ?? '', UUID, bad);
      assert.equal(res.body.requestId, res.headers['x-request-id']);
    }
  });

  it('logs a fault once, with its stack, under the request id, and gives the person the id', async () => {
    // The same app on a database that is gone (a closed pool): reading the session faults.
    const gone = createDb(env.databaseUrl);
    await gone.destroy();
    const broken = createApp({ ...env.ctx, db: gone, logger: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) }) });
    const api = await request(broken).get('/api/applications').set('Authorization', 'Bearer dd_something');
    assert.equal(api.status, 500);
    const id = api.headers['x-request-id'];
    assert.equal(api.body.requestId, id);
    assert.equal(api.body.error, 'internal');
    assert.doesNotMatch(JSON.stringify(api.body), /acquire|pool|knex/i, 'the fault itself is not shown');
    const [line, ...more] = linesOf(id);
    assert.equal(more.length, 0, JSON.stringify(linesOf(id)));
    assert.equal(line!.level, 'error');
    assert.equal(line!.status, 500);
    assert.ok((line!.err as { stack?: string }).stack, 'the stack is logged');

    const page = await request(broken).get('/applications').set('Cookie', 'dd_session=whatever').set('Accept', 'text/html');
    assert.equal(page.status, 500);
    assert.ok(page.text.includes(`请求编号：${page.headers['x-request-id']}`), page.text);
  });
});
