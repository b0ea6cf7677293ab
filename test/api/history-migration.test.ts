import assert from 'node:assert/strict';
import request from 'supertest';
import { verifyHistory } from '../../server/history/history-verify.js';
import { applicationBody, createTestEnv, type TestEnv } from '../helpers/test-app.js';

const CHAIN_MIGRATION = '20261215000001_history_chains';

describe('the migration that chains the history written before it', function () {
  this.timeout(60_000);
  let env: TestEnv;

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    const auth = { Authorization: `Bearer ${await env.token('cw')}` };
    for (let i = 0; i < 3; i++) {
      const app = (await request(env.app).post('/api/applications').set(auth).send(applicationBody({ receivedDate: '2026-11-02' }))).body;
      await request(env.app).post(`/api/applications/${app.id}/events`).set(auth)
        .send({ type: 'REQUEST_CORRECTION', date: '2026-11-04', items: ['请写明所需文件的名称'], periodWorkingDays: 10 });
    }
  });
  after(async () => env.close());

  it('chains existing events per case and the audit log in order, exactly as the app chains new rows', async () => {
    const snapshot = async () => ({
      events: await env.db('application_events').orderBy('id').select('id', 'prev_hash', 'hash'),
      audit: await env.db('audit_log').orderBy('id').select('id', 'prev_hash', 'hash'),
      head: await env.db('history_heads').select('chain', 'length', 'last_id', 'hash'),
    });
    const written = await snapshot();
    // Back to the schema before the chains (the rows as the earlier code left them), and forward again.
    const [, undone] = await env.db.migrate.down({ name: CHAIN_MIGRATION });
    assert.deepEqual(undone, [CHAIN_MIGRATION]);
    assert.equal(await env.db.schema.hasColumn('audit_log', 'hash'), false);
    assert.equal(await env.db.schema.hasTable('history_heads'), false);
    await env.db.migrate.latest();
    assert.deepEqual(await snapshot(), written);
    const r = await verifyHistory(env.db);
    assert.equal(r.ok, true, JSON.stringify(r.breaks[0]));
    assert.equal(r.tables.find((t) => t.table === 'application_events')!.chains, 3);
  });

  it('leaves the history append-only afterwards (the audit log\'s triggers are back, the events\' added)', async () => {
    await assert.rejects(env.db('audit_log').update({ ip: 'x' }), /append-only/);
    await assert.rejects(env.db('application_events').del(), /append-only/);
  });
});
