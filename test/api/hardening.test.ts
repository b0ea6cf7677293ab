// Regressions for the hardening issue: each attack or careless input that once harmed the desk.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { applicationBody, createTestEnv, csrfOf, loginAgent, type TestEnv } from '../helpers/test-app.js';
import { safeNext } from '../../server/routes/auth-routes.js';
import { loadConfig } from '../../server/config.js';
import { createApp } from '../../server/app.js';

describe('hardening: no input takes the desk down, poisons it or slips past its checks', function () {
  this.timeout(60_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const register = async (overrides: Record<string, unknown> = {}) => {
    const res = await request(env.app).post('/api/applications').set(auth('cw')).send(applicationBody({ receivedDate: '2026-11-02', ...overrides }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: number; version: number; history: unknown[] };
  };
  const historyOf = async (id: number) => (await request(env.app).get(`/api/applications/${id}`).set(auth('cw'))).body as { version: number; history: unknown[]; state: string };

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    for (const u of ['cw', 'rev', 'appr', 'mgr', 'admin', 'legal']) tokens[u] = await env.token(u);
  });
  after(() => env.close());

  describe('1. prototype pollution', () => {
    it('a form field named __proto__.x or constructor.prototype.x writes nothing onto Object.prototype, and every later request still works', async () => {
      const agent = await loginAgent(env.app, 'cw');
      const csrf = csrfOf((await agent.get('/applications/new')).text);
      for (const key of ['__proto__.polluted', 'constructor.prototype.polluted', 'applicant.__proto__.polluted', 'request.constructor.prototype.polluted']) {
        const res = await agent.post('/applications').type('form').send({
          _csrf: csrf, [key]: 'yes', 'applicant.kind': 'natural_person', 'applicant.name': '张三', 'applicant.idType': 'passport', 'applicant.idNumber': 'E12345678',
          channel: 'in_person', receivedDate: '2026-11-02', 'request.description': '某地块规划批复',
        });
        assert.equal(res.status, 422, key);
        assert.match(res.text, /不接受的字段/);
        assert.equal(({} as Record<string, unknown>).polluted, undefined, `${key} polluted Object.prototype`);
      }
      const health = await request(env.app).get('/api/health');
      assert.equal(health.status, 200);
      assert.equal(health.body.status, 'ok');
      assert.equal((await request(env.app).get('/api/applications').set(auth('mgr'))).status, 200);
      assert.equal((await agent.get('/')).status, 200);
    });

    it('JSON keys named __proto__ are refused as unknown fields', async () => {
      const body = JSON.parse(JSON.stringify(applicationBody()).replace('{', '{"__proto__":{"polluted":"yes"},'));
      const res = await request(env.app).post('/api/applications').set(auth('cw')).set('Content-Type', 'application/json').send(JSON.stringify(body));
      assert.equal(res.status, 422);
      assert.equal(Object.getOwnPropertyDescriptor(res.body.fields, '__proto__')?.value, '不接受的字段');
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });

    it('health is a readiness check: it fails while the process state is poisoned, and says why', async () => {
      assert.equal((await request(env.app).get('/api/health')).status, 200);
      (Object.prototype as Record<string, unknown>).poisoned = 'x';
      try {
        const res = await request(env.app).get('/api/health');
        assert.equal(res.status, 503);
        assert.equal(res.body.checks.prototypes, false);
        assert.match(res.body.message, /重启/);
      } finally {
        delete (Object.prototype as Record<string, unknown>).poisoned;
      }
      assert.equal((await request(env.app).get('/api/health')).status, 200);
    });
  });

  describe('3. CSRF whatever the content type', () => {
    it('multipart posts without the token change nothing: issuing a document, replacing a key, locking a year, sending an event', async () => {
      const app = await register();
      assert.equal((await request(env.app).post(`/api/applications/${app.id}/events`).set(auth('cw')).send({ type: 'REQUEST_CORRECTION', date: '2026-11-03', items: ['申请人身份证明'], periodWorkingDays: 10 })).status, 200);
      const docs = (await request(env.app).get(`/api/applications/${app.id}/documents`).set(auth('cw'))).body.items as { id: number; kind: string; status: string }[];
      const draft = docs.find((d) => d.kind === 'correction_notice')!;
      assert.equal(draft.status, 'draft');
      const before = await historyOf(app.id);
      const cw = await loginAgent(env.app, 'cw');
      const mgr = await loginAgent(env.app, 'mgr');
      const admin = await loginAgent(env.app, 'admin');
      const attempts: [string, () => request.Test][] = [
        ['issue a document (page)', () => cw.post(`/documents/${draft.id}/issue`).field('date', '2026-11-04')],
        ['issue a document (API with the cookie)', () => cw.post(`/api/documents/${draft.id}/issue`).field('date', '2026-11-04')],
        ['send an event (page)', () => cw.post(`/applications/${app.id}/events`).field('type', 'CORRECTION_RECEIVED').field('date', '2026-11-05')],
        ['send an event (API with the cookie)', () => cw.post(`/api/applications/${app.id}/events`).field('type', 'CORRECTION_RECEIVED').field('date', '2026-11-05')],
        ['replace a signing key', () => admin.post('/admin/agencies/2/cert').field('x', '1')],
        ['lock a year (page)', () => mgr.post('/reports/annual/lock').field('year', '2025').field('agency', 'DJQ')],
        ['lock a year (API with the cookie)', () => mgr.post('/api/reports/annual/lock').field('year', '2025').field('agency', 'DJQ')],
      ];
      for (const [what, attempt] of attempts) {
        const res = await attempt();
        assert.ok([403, 415].includes(res.status), `${what}: ${res.status}`);
      }
      const after = await historyOf(app.id);
      assert.equal(after.version, before.version);
      assert.equal(after.history.length, before.history.length);
      const doc = (await request(env.app).get(`/api/documents/${draft.id}`).set(auth('cw'))).body;
      assert.equal(doc.status, 'draft');
      assert.equal(await env.db('report_locks').count({ n: '*' }).first().then((r) => Number(r?.n)), 0);
      assert.equal((await env.db('audit_log').where('action', 'agency.cert')).length, 0);
    });
  });

  describe('5. open redirect after login', () => {
    it('only a path on this site is followed', async () => {
      for (const next of ['/\\evil.example', '//evil.example', '/\t/evil.example', '/\\/evil.example', 'https://evil.example/', 'javascript:alert(1)', '/%0a/evil.example']) {
        const target = safeNext(next);
        assert.ok(target.startsWith('/') && !target.startsWith('//') && !target.includes('\\'), `${JSON.stringify(next)} → ${target}`);
        assert.equal(new URL(target, 'https://desk.example').host, 'desk.example', JSON.stringify(next));
      }
      assert.equal(safeNext('/applications/3?x=1#documents'), '/applications/3?x=1#documents');
      const agent = request.agent(env.app);
      const csrf = csrfOf((await agent.get('/login')).text);
      const res = await agent.post('/login').type('form').send({ username: 'cw', password: 'test-pass-123', _csrf: csrf, next: '/\\evil.example' });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/');
    });
  });

  describe('12. malformed input is a 4xx with a Chinese message, never a 500', () => {
    let app: { id: number };
    let initialState: string;
    before(async () => {
      app = await register();
      initialState = (await historyOf(app.id)).state;
    });

    it('multipart with too many fields, an oversized field, or cut off', async () => {
      let many = request(env.app).post(`/api/applications/${app.id}/events`).set(auth('cw'));
      for (let i = 0; i < 200; i++) many = many.field(`f${i}`, 'x');
      const tooMany = await many;
      assert.equal(tooMany.status, 413);
      assert.match(tooMany.body.message, /字段过多/);

      const big = await request(env.app).post(`/api/applications/${app.id}/events`).set(auth('cw')).field('type', 'WITHDRAW').field('date', '2026-11-05').field('reason', 'x'.repeat(200_000));
      assert.equal(big.status, 413);
      assert.match(big.body.message, /过长/);

      const cut = await rawPost(env.app, `/api/applications/${app.id}/events`, {
        'Content-Type': 'multipart/form-data; boundary=XyZ', Authorization: `Bearer ${tokens.cw}`,
      }, '--XyZ\r\nContent-Disposition: form-data; name="type"\r\n\r\nWITHDRAW\r\n--XyZ\r\nContent-Disposition: form-data; name="date"\r\n\r\n2026-');
      assert.equal(cut.status, 400);
      assert.match(cut.body, /不完整/);
      assert.equal((await historyOf(app.id)).state, initialState);
    });

    it('multipart to a route that takes no files is refused before it is read', async () => {
      const res = await request(env.app).post('/api/fees/quote').set(auth('cw')).field('basis', 'per_page').field('pages', '50');
      assert.equal(res.status, 415);
      assert.match(res.body.message, /不接受文件上传/);
    });

    it('an event with unknown keys, deeply nested values or NUL characters is refused and leaves the history as it was', async () => {
      const before = await historyOf(app.id);
      let nested: unknown = 'x';
      for (let i = 0; i < 5000; i++) nested = { a: nested };
      const bodies: Record<string, unknown>[] = [
        { type: 'REQUEST_CORRECTION', date: '2026-11-03', items: ['身份证明'], periodWorkingDays: 10, extra: 'x'.repeat(500_000) },
        { type: 'REQUEST_CORRECTION', date: '2026-11-03', items: ['身份证明'], periodWorkingDays: 10, note: nested },
        { type: 'REQUEST_CORRECTION', date: '2026-11-03', items: ['身份\u0000证明'], periodWorkingDays: 10 },
        { type: 'REQUEST_CORRECTION', date: '2026-11-03', items: ['身份证明'], periodWorkingDays: 10, 'ke\u0000y': 1 },
        { type: 'NOT_AN_EVENT', date: '2026-11-03' },
        { type: 'REQUEST_CORRECTION', date: '0001-01-01', items: ['身份证明'], periodWorkingDays: 10 },
      ];
      for (const body of bodies) {
        const res = await request(env.app).post(`/api/applications/${app.id}/events`).set(auth('cw')).send(body);
        assert.ok([400, 413, 422].includes(res.status), `${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        assert.equal(typeof res.body.message, 'string');
        assert.match(res.body.message, /[\u4e00-\u9fff]/);
      }
      const unknown = await request(env.app).post(`/api/applications/${app.id}/events`).set(auth('cw')).send({ type: 'WITHDRAW', date: '2026-11-05', smuggled: true });
      assert.equal(unknown.status, 422);
      assert.equal(unknown.body.fields.smuggled, '不接受的字段');
      const after = await historyOf(app.id);
      assert.equal(after.version, before.version);
      assert.deepEqual(after.history, before.history);
    });

    it('NUL characters anywhere (a login name, a query) are refused, on PostgreSQL too', async () => {
      const login = await request(env.app).post('/api/auth/token').send({ username: 'cw\u0000', password: 'x' });
      assert.equal(login.status, 422);
      const list = await request(env.app).get('/api/applications?text=%00abc').set(auth('cw'));
      assert.equal(list.status, 422);
      assert.equal((await request(env.app).get('/api/health')).status, 200);
    });

    it('an id that is not a number names no record (404), a query key the route does not know is refused (422)', async () => {
      assert.equal((await request(env.app).get('/api/applications/abc').set(auth('cw'))).status, 404);
      assert.equal((await request(env.app).get('/api/applications/99999999999').set(auth('cw'))).status, 404);
      const res = await request(env.app).get('/api/applications?bogus=1').set(auth('cw'));
      assert.equal(res.status, 422);
      assert.equal(res.body.fields.bogus, '不接受的字段');
    });
  });

  describe('17. separation of duties and deployment settings', () => {
    it('the administrator administers and sees no case or applicant', async () => {
      const app = await register();
      assert.equal((await request(env.app).get('/api/applications').set(auth('admin'))).status, 403);
      assert.equal((await request(env.app).get(`/api/applications/${app.id}`).set(auth('admin'))).status, 403);
      assert.equal((await request(env.app).get(`/api/applications/${app.id}/documents`).set(auth('admin'))).status, 403);
      const agent = await loginAgent(env.app, 'admin');
      const home = await agent.get('/');
      assert.equal(home.status, 303);
      assert.equal(home.headers.location, '/admin/users');
      assert.equal((await agent.get(`/applications/${app.id}`)).status, 403);
      assert.equal((await request(env.app).get('/api/users').set(auth('admin'))).status, 200);
    });

    it('HOST and TRUST_PROXY are settings; forwarded addresses are believed only from trusted proxies', async () => {
      assert.equal(loadConfig({ DATA_DIR: env.dataDir }).host, '127.0.0.1');
      assert.equal(loadConfig({ DATA_DIR: env.dataDir, HOST: '0.0.0.0' }).host, '0.0.0.0');
      assert.equal(loadConfig({ DATA_DIR: env.dataDir }).trustProxy, 'loopback');
      assert.equal(loadConfig({ DATA_DIR: env.dataDir, TRUST_PROXY: 'false' }).trustProxy, false);
      assert.equal(loadConfig({ DATA_DIR: env.dataDir, TRUST_PROXY: '10.0.0.0/8, loopback' }).trustProxy, '10.0.0.0/8,loopback');
      assert.throws(() => loadConfig({ DATA_DIR: env.dataDir, TRUST_PROXY: 'everyone' }), /TRUST_PROXY/);
      // Not trusting any proxy: the audit records the connection's address, not the forged header.
      const untrusting = createApp({ ...env.ctx, config: { ...env.ctx.config, trustProxy: false } });
      await request(untrusting).post('/api/auth/token').set('X-Forwarded-For', '203.0.113.9').send({ username: 'rev', password: 'test-pass-123' });
      const entry = await env.db('audit_log').where('action', 'auth.login').orderBy('id', 'desc').first();
      assert.notEqual(entry.ip, '203.0.113.9');
      await request(env.app).post('/api/auth/token').set('X-Forwarded-For', '203.0.113.9').send({ username: 'rev', password: 'test-pass-123' });
      const trusted = await env.db('audit_log').where('action', 'auth.login').orderBy('id', 'desc').first();
      assert.equal(trusted.ip, '203.0.113.9', 'the default trusts the loopback proxy');
    });
  });
});

/** A raw HTTP request (a body cut off mid-way, as supertest cannot send). */
async function rawPost(app: TestEnv['app'], path: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } }, (res) => {
        let data = '';
        res.on('data', (c) => (data += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
      });
      req.on('error', reject);
      req.write(body);
      req.end();
    });
  } finally {
    server.close();
  }
}
