import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, csrfOf, loginAgent, PASSWORD, type TestEnv } from '../helpers/test-app.js';
import { DEMO_PASSWORD } from '../../server/auth/password-policy.js';

// Hardening 11: "Passwords need only 8 characters (12345678 is accepted for an approver)" — a
// strength estimate with a common-password list, and a password set by an administrator works only
// to set one's own at the next login (等保 level 3).
describe('passwords people choose, and initial passwords that expire (hardening 11)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  let admin: string;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const addUser = (username: string, password: string, role = 'approver') =>
    request(env.app).post('/api/users').set(bearer(admin)).send({ username, displayName: '赵磊', role, agency: 'GHZY', password });
  const tokenOf = async (username: string, password: string) => {
    const res = await request(env.app).post('/api/auth/token').send({ username, password });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { token: string; passwordChangeRequired: boolean };
  };

  before(async () => {
    env = await createTestEnv({ today: '2026-11-02' });
    admin = await env.token('admin');
  });
  after(async () => env.close());

  describe('strength', () => {
    it('refuses weak passwords, saying why', async () => {
      const cases: [string, string, RegExp][] = [
        ['approver9', '12345678', /密码至少 10 位/],
        ['approver9', '1234567890', /密码强度不足：这是非常常用的密码/],
        ['approver9', 'password123', /密码强度不足：这是常用密码/],
        ['approver', 'approver2026', /密码不能包含用户名/],
        ['approver9', 'qwertyuiop12', /密码强度不足/],
        ['approver9', DEMO_PASSWORD, /已随系统公开发布/],
        ['approver9', PASSWORD, /已随系统公开发布/],
      ];
      for (const [username, password, why] of cases) {
        const res = await addUser(username, password);
        assert.equal(res.status, 422, `${username}/${password}: ${JSON.stringify(res.body)}`);
        assert.match(res.body.fields.password, why, password);
      }
      assert.equal(await env.db('users').whereIn('username', ['approver', 'approver9']).first(), undefined, 'no one was added');
    });

    it('accepts a long, uncommon one', async () => {
      const res = await addUser('approver9', 'Lantern-orchard-77');
      assert.equal(res.status, 201, JSON.stringify(res.body));
    });

    it('the admin pages refuse a weak password for a new user and for a reset, next to the field', async () => {
      const agent = await loginAgent(env.app, 'admin');
      const csrf = csrfOf((await agent.get('/admin/users')).text);
      const add = await agent.post('/admin/users').type('form').send({ username: 'wangfang', displayName: '王芳', role: 'caseworker', agency: 'GHZY', password: 'password123', _csrf: csrf });
      assert.equal(add.status, 422);
      assert.match(add.text, /class="field-error" id="err-password" role="alert">密码强度不足：这是常用密码/);
      assert.match(add.text, /value="wangfang"/, 'what was typed stays (but not the password)');
      const cw = await env.db('users').where({ username: 'cw' }).first('id', 'password_hash');
      const reset = await agent.post(`/admin/users/${cw.id}/password`).type('form').send({ password: '12345678', _csrf: csrf });
      assert.equal(reset.status, 422);
      assert.match(reset.text, /密码至少 10 位/);
      assert.equal((await env.db('users').where({ id: cw.id }).first('password_hash')).password_hash, cw.password_hash, 'unchanged');
    });
  });
});
