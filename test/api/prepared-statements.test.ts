import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, type TestEnv } from '../helpers/test-app.js';
import { isPostgres, keptStatements, knexConfig, MAX_KEPT_BY_TEXT, PG_IDLE_IN_TRANSACTION_TIMEOUT } from '../../db/knex.js';

// Issue 15: the reads of every request (the session, the case page, the inbox page) run as statements
// each connection prepares once: on PostgreSQL named prepared statements (parsed — and once PostgreSQL
// settles on a generic plan, planned — once per connection), on SQLite statements the connection keeps.
// A column added under a running instance (another instance migrated) makes PostgreSQL refuse
// statements prepared before it ("cached plan must not change result type"), and SQLite prepare them
// again: either way the desk must go on answering.
describe('prepared statements (issue 15)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  let auth: { Authorization: string };

  before(async function () {
    env = await createTestEnv({ today: '2026-11-20' });
    auth = { Authorization: `Bearer ${await env.token('cw')}` };
  });
  after(async () => env.close());

  /** Many requests at once, so that every connection of the pool prepares its statements. */
  const burst = async (id: number) => {
    const answers = await Promise.all(Array.from({ length: 24 }, (_, i) =>
      request(env.app).get(i % 2 ? `/api/applications/${id}` : '/api/applications').set(auth)));
    for (const r of answers) assert.equal(r.status, 200, r.text.slice(0, 300));
    return answers;
  };

  it('prepares the reads once per connection, and answers the same after a column is added under it', async () => {
    const created = await request(env.app).post('/api/applications').set(auth).send(applicationBody({ receivedDate: '2026-11-02' }));
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as number;
    const seen: Array<{ sql: string; options?: { name?: string } }> = [];
    const listen = (q: { sql: string; options?: { name?: string } }) => seen.push(q);
    env.db.on('query', listen);
    const before = await burst(id);
    env.db.removeListener('query', listen);
    // The session's, the case page's and the inbox page's reads are named after their text, one name each.
    const names = (pick: (sql: string) => boolean) => new Set(seen.filter((q) => pick(q.sql)).map((q) => q.options?.name));
    for (const [what, pick] of [
      ['session', (sql: string) => /from ["`]sessions["`] as ["`]s["`]/.test(sql)],
      ['case page', (sql: string) => /events_json/.test(sql)],
      ['inbox count', (sql: string) => /count\(\*\) as n/.test(sql)],
    ] as const) {
      const n = names(pick);
      assert.equal(n.size, 1, `${what}: ${[...n].join(', ')}`);
      assert.match(String([...n][0]), /^dd_[0-9a-f]{24}$/, what);
    }
    await env.db.raw('ALTER TABLE applications ADD COLUMN dd_test_added text');
    await env.db.raw('ALTER TABLE users ADD COLUMN dd_test_added text');
    try {
      const after = await burst(id);
      // The same case, as it was: the new columns are not part of any answer.
      assert.deepEqual(after[1]!.body.caseNumber, before[1]!.body.caseNumber);
      assert.equal(after[0]!.body.total, before[0]!.body.total);
      // And again, on the statements prepared anew.
      await burst(id);
    } finally {
      await env.db.raw('ALTER TABLE applications DROP COLUMN dd_test_added');
      await env.db.raw('ALTER TABLE users DROP COLUMN dd_test_added');
    }
    await burst(id);
  });
  it('SQLite: writes run on statements kept by their text, answer as knex expects, and no more than the limit are kept', async function () {
    if (isPostgres(env.db)) return; // PostgreSQL's statements are its named prepared statements (above)
    await env.db.transaction(async (trx) => {
      // One connection (the transaction's): the same insert twenty times is prepared once.
      const before = keptStatements.prepared;
      const ids: number[] = [];
      for (let i = 0; i < 20; i++) {
        const [id] = await trx('counters').insert({ key: `test:kept:${i}`, last: i });
        ids.push(Number(id));
      }
      assert.equal(keptStatements.prepared - before, 1, 'prepared once, then kept');
      // What knex makes of a run: the id inserted, the rows changed.
      assert.deepEqual(ids, ids.map((_, i) => ids[0]! + i));
      assert.equal(await trx('counters').where('key', 'like', 'test:kept:%').update({ last: 7 }), 20);
      assert.equal(await trx('counters').where('key', 'like', 'test:kept:1%').del(), 11);
      assert.deepEqual((await trx('counters').where('key', 'like', 'test:kept:%').orderBy('key').pluck('key')).length, 9);
      // Statements of as many texts as the limit and more: the least recently used are dropped.
      const evicted = keptStatements.evicted;
      for (let i = 0; i < MAX_KEPT_BY_TEXT + 40; i++) await trx.raw(`update counters set last = last + ${i} where key = 'test:kept:0'`);
      assert.ok(keptStatements.evicted - evicted >= 40, `dropped ${keptStatements.evicted - evicted}`);
      assert.equal(Number((await trx('counters').where({ key: 'test:kept:0' }).first('last')).last), 7 + ((MAX_KEPT_BY_TEXT + 39) * (MAX_KEPT_BY_TEXT + 40)) / 2);
      await trx('counters').where('key', 'like', 'test:kept:%').del();
    });
  });
});

describe('PostgreSQL connections end a transaction left idle (issue 15)', function () {
  this.timeout(30_000);
  it('sets idle_in_transaction_session_timeout on every connection of the pool', async function () {
    // The set-up every new PostgreSQL connection runs (checked on SQLite too, without a server).
    const sent: string[] = [];
    const pool = knexConfig('postgres://u:p@localhost:5432/db').pool as { afterCreate: (c: unknown, done: (e: Error | null) => void) => void };
    await new Promise<void>((ok, ko) => pool.afterCreate({ query: (sql: string, cb: (e: Error | null) => void) => { sent.push(sql); cb(null); } }, (e) => (e ? ko(e) : ok())));
    assert.deepEqual(sent, [`SET idle_in_transaction_session_timeout = '${PG_IDLE_IN_TRANSACTION_TIMEOUT}'`]);
    const env = await createTestEnv({ today: '2026-11-20' });
    try {
      if (!isPostgres(env.db)) return; // SQLite has no server to hold a lock for an idle transaction
      const shown = await Promise.all(Array.from({ length: 4 }, () => env.db.transaction((trx) => trx.raw('SHOW idle_in_transaction_session_timeout'))));
      for (const r of shown) assert.equal(r.rows[0].idle_in_transaction_session_timeout, PG_IDLE_IN_TRANSACTION_TIMEOUT);
    } finally {
      await env.close();
    }
  });

});
