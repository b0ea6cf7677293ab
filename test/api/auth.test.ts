import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, csrfOf, PASSWORD, type TestEnv } from '../helpers/test-app.js';
import { createApp } from '../../server/app.js';
import { createDb } from '../../db/knex.js';
import { audit } from '../../server/audit.js';
import { hashPassword } from '../../server/auth/password.js';
import { DEMO_PASSWORD } from '../../server/auth/password-policy.js';

describe('accounts and security', () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv();
  });
  after(async () => env.close());

  it('answers the health check without authentication', async () => {
    const res = await request(env.app).get('/api/health');
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'ok');
  });

  it('answers the health check with 503 when the database does not answer', async () => {
    // The same app on a database that is gone (a closed connection pool).
    const gone = createDb(env.databaseUrl);
    await gone.destroy();
    const res = await request(createApp({ ...env.ctx, db: gone })).get('/api/health');
    assert.equal(res.status, 503);
    assert.equal(res.body.status, 'unavailable');
    assert.equal(res.body.message, '数据库不可用');
    assert.equal(res.body.checks.database, false);
  });

  it('issues a bearer token for the right password and uses it', async () => {
    const res = await request(env.app).post('/api/auth/token').send({ username: 'cw', password: PASSWORD });
    assert.equal(res.status, 200);
    assert.match(res.body.token, /^[A-Za-z0-9_-]{40,}$/);
    const me = await request(env.app).get('/api/me').set('Authorization', `Bearer ${res.body.token}`);
    assert.equal(me.status, 200);
    assert.equal(me.body.username, 'cw');
    assert.equal(me.body.agency.code, 'GHZY');
  });

  it('refuses a wrong password with 401 and a Chinese message', async () => {
    const res = await request(env.app).post('/api/auth/token').send({ username: 'cw2', password: 'wrong-password' });
    assert.equal(res.status, 401);
    assert.equal(res.body.message, '用户名或密码错误');
  });

  it('refuses the API without a token, and with a revoked token', async () => {
    assert.equal((await request(env.app).get('/api/applications')).status, 401);
    const { body } = await request(env.app).post('/api/auth/token').send({ username: 'legal', password: PASSWORD });
    const auth = `Bearer ${body.token}`;
    assert.equal((await request(env.app).get('/api/me').set('Authorization', auth)).status, 200);
    assert.equal((await request(env.app).delete('/api/auth/token').set('Authorization', auth)).status, 204);
    assert.equal((await request(env.app).get('/api/me').set('Authorization', auth)).status, 401);
  });

  it('locks an account after five failures, even against the right password', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await request(env.app).post('/api/auth/token').send({ username: 'mgr2', password: 'nope-nope' });
      assert.equal(res.status, 401);
    }
    const locked = await request(env.app).post('/api/auth/token').send({ username: 'mgr2', password: PASSWORD });
    assert.equal(locked.status, 423);
    assert.match(locked.body.message, /锁定/);
    const row = await env.db('audit_log').where({ action: 'auth.locked', username: 'mgr2' }).first();
    assert.ok(row, 'the lockout is audited');
  });

  it('sessions are stored in the database, hashed, so any instance can serve them', async () => {
    const token = await env.token('rev');
    const rows = await env.db('sessions').select('id_hash');
    assert.ok(rows.length > 0);
    assert.ok(rows.every((r) => r.id_hash !== token && /^[0-9a-f]{64}$/.test(r.id_hash)));
  });

  it('sets helmet headers and an HttpOnly SameSite session cookie on form login', async () => {
    const agent = request.agent(env.app);
    const page = await agent.get('/login');
    assert.equal(page.status, 200);
    assert.ok(page.headers['content-security-policy']);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    // Worked out once (fixedHeaders), they are helmet's own: the same set on a page and on the API.
    const api = await request(env.app).get('/api/nothing-here');
    for (const h of ['content-security-policy', 'strict-transport-security', 'x-frame-options', 'referrer-policy', 'cross-origin-opener-policy']) {
      assert.ok(page.headers[h], h);
      assert.equal(api.headers[h], page.headers[h], h);
    }
    assert.match(page.headers['content-security-policy']!, /script-src 'self'/);
    assert.equal(page.headers['x-frame-options'], 'SAMEORIGIN');
    assert.equal(api.headers['x-powered-by'], undefined);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    assert.ok(csrf);
    const res = await agent.post('/login').type('form').send({ username: 'appr', password: PASSWORD, _csrf: csrf, next: '/' });
    assert.equal(res.status, 303);
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('dd_session='));
    assert.ok(cookie);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    const inbox = await agent.get('/');
    assert.equal(inbox.status, 200);
    assert.match(inbox.text, /工作台/);
  });

  it('refuses a form post without the CSRF token', async () => {
    const agent = request.agent(env.app);
    await agent.get('/login');
    const res = await agent.post('/login').type('form').send({ username: 'appr', password: PASSWORD });
    assert.equal(res.status, 403);
    assert.match(res.text, /页面已过期/);
  });

  it('refuses a logged-in form post carrying another session\'s token', async () => {
    const agent = request.agent(env.app);
    const page = await agent.get('/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    await agent.post('/login').type('form').send({ username: 'admin', password: PASSWORD, _csrf: csrf });
    const res = await agent.post('/admin/agencies').type('form').send({ code: 'X1', name: '某机关', _csrf: csrf });
    assert.equal(res.status, 403);
    assert.equal(await env.db('agencies').where({ code: 'X1' }).first(), undefined);
  });

  // Hardening 7: a database loaded with demo data outside production and then served in production
  // still holds accounts with the README's password; no published password works there.
  it('in production refuses the published demo password at login, even for an account that has it', async () => {
    await env.db('users').where({ username: 'rev2' }).update({ password_hash: await hashPassword(DEMO_PASSWORD, 4) });
    const login = () => request(env.app).post('/api/auth/token').send({ username: 'rev2', password: DEMO_PASSWORD });
    assert.equal((await login()).status, 200, 'outside production the demo password works');
    env.ctx.config.production = true;
    try {
      const refused = await login();
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error, 'published_password');
      assert.match(refused.body.message, /公开发布的演示密码/);
      const agent = request.agent(env.app);
      const page = await agent.get('/login');
      const form = await agent.post('/login').type('form').send({ username: 'rev2', password: DEMO_PASSWORD, _csrf: csrfOf(page.text) });
      assert.equal(form.status, 401);
      assert.match(form.text, /生产环境中不能使用/);
      assert.equal((await request(env.app).post('/api/auth/token').send({ username: 'cw', password: PASSWORD })).body.error, 'published_password', 'nor the test fixtures\' password');
    } finally {
      env.ctx.config.production = false;
    }
  });

  it('keeps the audit log append-only in the database itself', async () => {
    await audit(env.db, { actor: null, action: 'test.entry' });
    await assert.rejects(env.db('audit_log').update({ action: 'changed' }));
    await assert.rejects(env.db('audit_log').where({ action: 'test.entry' }).del());
  });

  it('lets only admins browse the audit log', async () => {
    const denied = await request(env.app).get('/api/audit').set('Authorization', `Bearer ${await env.token('cw')}`);
    assert.equal(denied.status, 403);
    const ok = await request(env.app).get('/api/audit').set('Authorization', `Bearer ${await env.token('admin')}`);
    assert.equal(ok.status, 200);
    assert.ok(ok.body.rows.some((r: { action: string }) => r.action === 'auth.login'));
  });
});
