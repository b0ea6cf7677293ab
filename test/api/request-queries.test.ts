import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, type TestEnv } from '../helpers/test-app.js';

describe('probe', function () {
  this.timeout(300_000);
  let env: TestEnv;
  let token = '';
  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    token = await env.token('cw');
  });
  after(async () => env.close());
  it('prints', async () => {
    const r = await request(env.app).post('/api/applications').set('Authorization', `Bearer ${token}`).send(applicationBody({ receivedDate: '2026-11-02' }));
    assert.equal(r.status, 201);
    for (const [m, p] of [['get', `/api/applications/${r.body.id}`], ['get', '/api/applications'], ['post', '/api/applications']] as const) {
      const sql: string[] = [];
      const l = (q: { sql: string }) => sql.push(q.sql);
      env.db.on('query', l);
      const res = m === 'get' ? await request(env.app).get(p).set('Authorization', `Bearer ${token}`) : await request(env.app).post(p).set('Authorization', `Bearer ${token}`).send(applicationBody({ receivedDate: '2026-11-02' }));
      env.db.removeListener('query', l);
      console.log(m, p, res.status, sql.length, '\n  ' + sql.join('\n  '));
    }
  });
});
