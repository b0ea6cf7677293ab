import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import type { Knex } from 'knex';
import { createDb } from '../../db/knex.js';
import { createApp } from '../../server/app.js';
import type { AppContext } from '../../server/context.js';
import { recordChange, type Change } from '../../server/change-feed.js';
import { once } from '../../server/exchange/idempotency.js';
import { applicationBody, createTestEnv, type TestEnv } from '../helpers/test-app.js';
import { exchangeClient, type TestClient } from '../helpers/exchange.js';

// Issue 14: the change feed and Idempotency-Key under concurrent writers, each on connections of its
// own (as several server instances would be), on SQLite and on PostgreSQL.
describe('the data exchange under concurrent writers (issue 14)', function () {
  this.timeout(120_000);
  let env: TestEnv;
  let client: TestClient;
  let change: Change;
  const dbs: Knex[] = [];
  const connect = () => {
    const db = createDb(env.databaseUrl);
    dbs.push(db);
    return db;
  };
  const cw = async () => ({ Authorization: `Bearer ${await env.token('cw')}` });

  /** Every change of the client's agencies after `after`, paged as a client would, with the final cursor. */
  async function drain(after: string, app = env.app, limit = 7): Promise<{ cursors: number[]; next: string }> {
    const cursors: number[] = [];
    let next = after;
    for (;;) {
      const res = await request(app).get(`/api/exchange/changes?after=${next}&limit=${limit}`).set(client.auth);
      assert.equal(res.status, 200);
      cursors.push(...res.body.items.map((i: { cursor: string }) => Number(i.cursor)));
      if (res.body.next === next) return { cursors, next };
      next = res.body.next;
    }
  }

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    client = await exchangeClient(env, 'DJQ');
    const app = (await request(env.app).post('/api/applications').set(await cw()).send(applicationBody({ receivedDate: '2026-11-02' }))).body;
    change = { type: 'application.updated', applicationId: app.id, agencyId: (await env.db('agencies').where({ code: 'GHZY' }).first('id')).id, caseNumber: app.caseNumber, data: { event: 'TEST' } };
  });
  after(async () => {
    for (const db of dbs) await db.destroy();
    await env.close();
  });

  it('a change that commits after a later one never gets a cursor below what a reader has already passed', async () => {
    const { next: start } = await drain('0');
    const first = connect();
    const second = connect();
    const reader = { ...env.ctx, db: connect() } as AppContext;
    const readerApp = createApp(reader);
    let firstCommitted = 0;
    let secondCommitted = 0;
    // The first writer records its change, then takes its time before committing…
    const slow = first.transaction(async (trx) => {
      await recordChange(trx, change);
      await sleep(600);
    }).then(() => (firstCommitted = Date.now()));
    await sleep(100);
    // …while a second writer records one and commits at once (without the feed's ordering it would
    // hold the higher cursor, committed first).
    const fast = second.transaction(async (trx) => {
      await recordChange(trx, change);
    }).then(() => (secondCommitted = Date.now()));
    await sleep(200);
    // A reader in between sees neither, or both in order: never the second alone.
    const between = await drain(start, readerApp);
    assert.deepEqual(between.cursors, [], 'the first is not committed: nothing after it may be handed out yet');
    await Promise.all([slow, fast]);
    assert.ok(secondCommitted >= firstCommitted, 'the second writer waited for the first (the feed\'s commit order)');
    const later = await drain(between.next, readerApp);
    assert.equal(later.cursors.length, 2);
    assert.ok(later.cursors[0]! < later.cursors[1]!);
  });

  it('many writers on several instances, a reader polling throughout: every change seen exactly once, in order', async () => {
    const { next: start } = await drain('0');
    const apps = [env.app, createApp({ ...env.ctx, db: connect() }), createApp({ ...env.ctx, db: connect() })];
    const auth = await cw();
    const caseNumbers: string[] = [];
    for (let i = 0; i < 3; i++) caseNumbers.push((await request(env.app).post('/api/applications').set(auth).send(applicationBody({ receivedDate: '2026-11-02' }))).body.caseNumber);
    const { next: from } = await drain(start);
    let writing = true;
    const seen: number[] = [];
    const poll = (async () => {
      let next = from;
      while (writing) {
        const page = await drain(next, env.app, 3);
        seen.push(...page.cursors);
        next = page.next;
        await sleep(5);
      }
      const rest = await drain(next, env.app, 3);
      seen.push(...rest.cursors);
    })();
    // Registrations (each also issues a receipt) and appeals pushed by the client, on three instances at once.
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 12; i++) {
      const app = apps[i % apps.length]!;
      writes.push(request(app).post('/api/applications').set(auth).send(applicationBody({ receivedDate: '2026-11-02' })).then((r) => assert.equal(r.status, 201, JSON.stringify(r.body))));
      const caseNumber = caseNumbers[i % caseNumbers.length]!;
      writes.push(request(app).post('/api/exchange/appeals').set(client.auth).set('Idempotency-Key', `concurrent-${i}`).send({
        caseNumber, kind: 'reconsideration', procedure: 'ordinary', body: '东江区人民政府', externalCaseNumber: `东府复〔2026〕${300 + i}号`, receivedDate: '2026-11-10',
      }).then((r) => assert.equal(r.status, 201, JSON.stringify(r.body))));
    }
    await Promise.all(writes);
    writing = false;
    await poll;
    const all = (await env.db('exchange_changes').where('id', '>', Number(from)).orderBy('id').select('id')).map((r) => Number(r.id));
    assert.equal(all.length, 12 * 2 + 12, 'registered and its receipt issued, twelve times; twelve appeals filed');
    assert.deepEqual(seen, all, 'each change once, in cursor order, none skipped');
  });

  it('a change is published with its transaction or not at all', async () => {
    const changes = await env.db('exchange_changes').count({ n: '*' }).first();
    await assert.rejects(env.db.transaction(async (trx) => {
      await recordChange(trx, change);
      throw new Error('the event failed after its change was recorded');
    }));
    assert.deepEqual(await env.db('exchange_changes').count({ n: '*' }).first(), changes);
    // A refused event records nothing either.
    const refused = await request(env.app).post(`/api/applications/${change.applicationId}/events`).set(await cw()).send({ type: 'ISSUE_REPLY', date: '2026-11-03' });
    assert.ok(refused.status >= 400);
    assert.deepEqual(await env.db('exchange_changes').count({ n: '*' }).first(), changes);
  });

  it('a retry arriving while the first request is still in its transaction waits for it and returns its answer', async () => {
    const clientRow = (await env.db('exchange_clients').where({ client_id: client.clientId }).first('id')).id as number;
    let effects = 0;
    const effect = (ms: number) => async (trx: Knex.Transaction) => {
      effects++;
      await trx('calendar_overrides').insert({ date: `2030-0${effects}-01`, kind: 'holiday', note: 'idempotency test', created_at: new Date().toISOString() });
      await sleep(ms);
      return { status: 201, body: { made: effects }, location: null };
    };
    const ctxA = { ...env.ctx, db: connect() } as AppContext;
    const ctxB = { ...env.ctx, db: connect() } as AppContext;
    const first = once(ctxA, clientRow, 'race-1', 'hash-1', effect(500));
    await sleep(100);
    const retry = once(ctxB, clientRow, 'race-1', 'hash-1', effect(0));
    const [a, b] = await Promise.all([first, retry]);
    assert.equal(effects, 1, 'the effect ran once');
    assert.deepEqual(a, { status: 201, body: { made: 1 }, location: null, replayed: false });
    assert.deepEqual(b, { status: 201, body: { made: 1 }, location: null, replayed: true });
    // With another request under that key, the late one is refused.
    const third = once(ctxA, clientRow, 'race-2', 'hash-2', effect(400));
    await sleep(100);
    await assert.rejects(once(ctxB, clientRow, 'race-2', 'hash-other', effect(0)), (e: { code?: string }) => e.code === 'idempotency_key_reused');
    await third;
    assert.equal(effects, 2);
  });
});
