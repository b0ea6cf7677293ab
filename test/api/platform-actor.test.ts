import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, csrfOf, loginAgent, type TestEnv } from '../helpers/test-app.js';
import { fixedClock } from '../../server/time.js';
import { sweepDeemedConsents } from '../../server/consultations/consultation-service.js';

// Hardening 13: "An account named `system` silently stops deemed consent." The platform's own actor
// is found by its role, never by a username; names that read as the platform are reserved.
describe('the platform records deemed consent whatever people are called (hardening 13)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });

  before(async () => {
    env = await createTestEnv({ today: '2026-11-02' });
    for (const u of ['cw', 'admin']) tokens[u] = await env.token(u);
  });
  after(async () => env.close());

  it('refuses to create a user named system, platform, root … in any case', async () => {
    for (const username of ['system', 'SYSTEM', 'System', 'platform', 'root', '平台']) {
      const res = await request(env.app).post('/api/users').set(auth('admin'))
        .send({ username, role: 'caseworker', agency: 'GHZY', password: 'Lantern-orchard-77' });
      assert.equal(res.status, 422, `${username}: ${JSON.stringify(res.body)}`);
      assert.match(res.body.fields.username, /保留/);
    }
    assert.equal(await env.db('users').whereRaw('lower(username) = ?', ['system']).first(), undefined);
  });

  it('a person named system that existed before does not stand in for the platform', async () => {
    // As an older desk allowed: a caseworker called `system`, made before the platform ever acted.
    const jsjt = await env.db('agencies').where({ code: 'JSJT' }).first('id');
    await env.db('users').insert({
      username: 'system', display_name: '施思婷', role: 'caseworker', agency_id: jsjt.id, password_hash: '!', failed_logins: 0, active: true, created_at: new Date().toISOString(),
    });
    const person = await env.db('users').where({ username: 'system' }).first('id');

    const created = await request(env.app).post('/api/applications').set(auth('cw')).send(applicationBody({ receivedDate: '2026-10-30' }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as number;
    const sent = await request(env.app).post(`/api/applications/${id}/events`).set(auth('cw'))
      .send({ type: 'START_CONSULTATION', date: '2026-11-02', kind: 'agency', agencyCode: 'JSJT', parts: '施工许可中由区建设和交通委制作的部分' });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));

    env.ctx.clock = fixedClock('2026-11-25'); // JSJT silent past its 15 working days (due 11-23)
    assert.deepEqual(await sweepDeemedConsents(env.ctx), { deemed: 1, skipped: 0 });

    const view = (await request(env.app).get(`/api/applications/${id}`).set(auth('cw'))).body;
    const deemed = view.history.find((h: { type: string; payload: { opinion?: string } }) => h.type === 'RECORD_OPINION' && h.payload.opinion === 'deemed_consent');
    assert.ok(deemed, 'deemed consent is recorded');
    assert.equal(deemed.actor.role, 'system');
    assert.notEqual(deemed.actor.id, Number(person.id), 'recorded as the platform, not as the person named system');
    assert.equal(deemed.actor.name, '系统（自动记录）');
    const actor = await env.db('users').where({ id: deemed.actor.id }).first();
    assert.equal(actor.role, 'system');
    assert.equal(actor.active === true || actor.active === 1, false, 'the platform cannot log in');
    const byPerson = await env.db('application_events').where({ actor_id: person.id }).count({ n: '*' }).first();
    assert.equal(Number(byPerson?.n), 0);
  });

  it('the platform is nobody an administrator can list, enable or give a password', async () => {
    const platform = await env.db('users').where({ role: 'system' }).first('id');
    const users = (await request(env.app).get('/api/users').set(auth('admin'))).body.items as { role: string }[];
    assert.ok(users.every((u) => u.role !== 'system'));
    const agent = await loginAgent(env.app, 'admin');
    const csrf = csrfOf((await agent.get('/admin/users')).text);
    assert.equal((await agent.post(`/admin/users/${platform.id}/active`).type('form').send({ active: 'true', _csrf: csrf })).status, 404);
    assert.equal((await agent.post(`/admin/users/${platform.id}/password`).type('form').send({ password: 'Lantern-orchard-77', _csrf: csrf })).status, 404);
    const row = await env.db('users').where({ id: platform.id }).first();
    assert.ok(!row.active);
    assert.equal(row.password_hash, '!');
  });
});
