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

  describe('a password set by an administrator', () => {
    const initial = 'Copper-kettle-sings-41';
    const own = 'Quiet-harbour-lamps-93';

    it('lets the person log in, and the API answers nothing but 403 password_change_required', async () => {
      assert.equal((await addUser('zhaolei', initial, 'caseworker')).status, 201);
      const login = await tokenOf('zhaolei', initial);
      assert.equal(login.passwordChangeRequired, true);
      for (const path of ['/api/applications', '/api/me', '/api/agencies']) {
        const res = await request(env.app).get(path).set(bearer(login.token));
        assert.equal(res.status, 403, path);
        assert.equal(res.body.error, 'password_change_required');
        assert.match(res.body.message, /须先修改/);
      }
      const post = await request(env.app).post('/api/applications').set(bearer(login.token)).send({});
      assert.equal(post.body.error, 'password_change_required');
    });

    it('sends every page to the change form, which carries a CSRF token', async () => {
      const agent = await loginAgent(env.app, 'zhaolei', initial);
      const home = await agent.get('/');
      assert.equal(home.status, 303);
      assert.equal(home.headers.location, '/account/password');
      const deep = await agent.get('/applications/new');
      assert.equal(deep.headers.location, '/account/password?next=%2Fapplications%2Fnew');
      const form = await agent.get('/account/password');
      assert.equal(form.status, 200);
      const posted = await agent.post('/applications').type('form').send({ _csrf: csrfOf(form.text) });
      assert.equal(posted.status, 303);
      assert.equal(posted.headers.location, '/account/password');
      assert.equal(await env.db('applications').first(), undefined);
      assert.match(form.text, /您的密码由管理员设置/);
      for (const name of ['_csrf', 'currentPassword', 'newPassword', 'repeatPassword']) assert.match(form.text, new RegExp(`name="${name}"`));
      assert.doesNotMatch(form.text, /href="\/applications\/new"/, 'the navigation offers nothing it cannot reach');
      const noToken = await agent.post('/account/password').type('form').send({ currentPassword: initial, newPassword: own, repeatPassword: own });
      assert.equal(noToken.status, 403, 'CSRF applies');
    });

    it('refuses a wrong current password, a mismatch, a weak or unchanged new one — saying which field', async () => {
      const agent = await loginAgent(env.app, 'zhaolei', initial);
      const csrf = csrfOf((await agent.get('/account/password')).text);
      const attempts: [Record<string, string>, string, RegExp][] = [
        [{ currentPassword: 'not-the-password', newPassword: own, repeatPassword: own }, 'currentPassword', /当前密码不正确/],
        [{ currentPassword: initial, newPassword: own, repeatPassword: own + 'x' }, 'repeatPassword', /两次输入的新密码不一致/],
        [{ currentPassword: initial, newPassword: 'zhaolei2026!', repeatPassword: 'zhaolei2026!' }, 'newPassword', /密码不能包含用户名/],
        [{ currentPassword: initial, newPassword: initial, repeatPassword: initial }, 'newPassword', /新密码不能与当前密码相同/],
      ];
      for (const [body, field, why] of attempts) {
        const res = await agent.post('/account/password').type('form').send({ ...body, _csrf: csrf });
        assert.equal(res.status, 422, field);
        assert.match(res.text, new RegExp(`id="err-${field}" role="alert">${why.source}`));
      }
      assert.ok((await env.db('users').where({ username: 'zhaolei' }).first()).must_change_password, 'still to change');
      await env.db('users').where({ username: 'zhaolei' }).update({ failed_logins: 0 });
    });

    it('once changed, the person goes where they were going and can work; other sessions end', async () => {
      const api = await tokenOf('zhaolei', initial);
      const agent = await loginAgent(env.app, 'zhaolei', initial);
      const csrf = csrfOf((await agent.get('/account/password?next=%2Fapplications%2Fnew')).text);
      const done = await agent.post('/account/password').type('form').send({ currentPassword: initial, newPassword: own, repeatPassword: own, next: '/applications/new', _csrf: csrf });
      assert.equal(done.status, 303);
      assert.equal(done.headers.location, '/applications/new');
      assert.equal((await agent.get('/applications/new')).status, 200);
      assert.match((await agent.get('/')).text, /工作台/);
      assert.equal((await request(env.app).get('/api/me').set(bearer(api.token))).status, 401, 'the session that knew only the initial password is gone');
      assert.equal((await request(env.app).post('/api/auth/token').send({ username: 'zhaolei', password: initial })).status, 401);
      const fresh = await tokenOf('zhaolei', own);
      assert.equal(fresh.passwordChangeRequired, false);
      assert.equal((await request(env.app).get('/api/applications').set(bearer(fresh.token))).status, 200);
    });

    it('a reset by the administrator expires again; the API changes it with POST /api/account/password', async () => {
      const agent = await loginAgent(env.app, 'admin');
      const csrf = csrfOf((await agent.get('/admin/users')).text);
      const id = (await env.db('users').where({ username: 'zhaolei' }).first('id')).id;
      const reset = await agent.post(`/admin/users/${id}/password`).type('form').send({ password: initial, _csrf: csrf });
      assert.equal(reset.status, 303);
      const { token, passwordChangeRequired } = await tokenOf('zhaolei', initial);
      assert.equal(passwordChangeRequired, true);
      assert.equal((await request(env.app).get('/api/applications').set(bearer(token))).status, 403);
      const unknownKey = await request(env.app).post('/api/account/password').set(bearer(token)).send({ currentPassword: initial, newPassword: own, repeat: own });
      assert.equal(unknownKey.status, 422);
      assert.ok(unknownKey.body.fields.repeat);
      const weak = await request(env.app).post('/api/account/password').set(bearer(token)).send({ currentPassword: initial, newPassword: 'password123' });
      assert.equal(weak.status, 422);
      assert.match(weak.body.fields.newPassword, /这是常用密码/);
      const changed = await request(env.app).post('/api/account/password').set(bearer(token)).send({ currentPassword: initial, newPassword: own });
      assert.equal(changed.status, 204, JSON.stringify(changed.body));
      assert.equal((await request(env.app).get('/api/applications').set(bearer(token))).status, 200, 'the session that changed it goes on');
      const actions = (await env.db('audit_log').where({ username: 'zhaolei' }).orderBy('id').select('action')).map((r) => r.action);
      assert.ok(actions.filter((a) => a === 'account.password_change').length === 2);
    });

    it('lets the person log out without changing it', async () => {
      await env.db('users').where({ username: 'zhaolei' }).update({ must_change_password: true });
      const agent = await loginAgent(env.app, 'zhaolei', own);
      const csrf = csrfOf((await agent.get('/account/password')).text);
      const out = await agent.post('/logout').type('form').send({ _csrf: csrf });
      assert.equal(out.status, 303);
      assert.equal(out.headers.location, '/login');
    });
  });

  it('everyone can change their own password from the page, without being asked', async () => {
    const agent = await loginAgent(env.app, 'legal');
    const page = await agent.get('/account/password');
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /您的密码由管理员设置/);
    assert.match((await agent.get('/')).text, /href="\/account\/password"/, 'linked from every page');
    const res = await agent.post('/account/password').type('form').send({ currentPassword: PASSWORD, newPassword: 'Willow-lantern-road-58', repeatPassword: 'Willow-lantern-road-58', _csrf: csrfOf(page.text) });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/account/password?changed=1');
    assert.match((await agent.get(res.headers.location)).text, /密码已修改/);
  });
});
