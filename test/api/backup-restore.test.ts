import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { Knex } from 'knex';
import { createDb, isPostgresUrl } from '../../db/knex.js';
import { userTables } from '../../server/backup.js';
import { verifyHistory } from '../../server/history/history-verify.js';
import { applicationBody, createTestEnv, type TestEnv } from '../helpers/test-app.js';

function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Row counts of every table, and a hash of the whole content of the tables that matter most. */
async function fingerprint(db: Knex) {
  const tables = await userTables(db);
  const counts: Record<string, number> = {};
  for (const t of tables) counts[t] = Number((await db(t).count({ n: '*' }).first())!.n);
  const hashes: Record<string, string> = {};
  for (const t of ['applications', 'application_events', 'audit_log', 'history_heads', 'documents', 'attachments', 'attachment_contents', 'users', 'agencies', 'sessions']) {
    const rows = await db(t).select('*');
    const text = rows
      .map((r) => JSON.stringify(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('hex') : v instanceof Date ? v.toISOString() : v])))
      .sort()
      .join('\n');
    hashes[t] = `${rows.length}:${createHash('sha256').update(text).digest('hex')}`;
  }
  return { tables, counts, hashes };
}

// Issue 15: `disclosure-desk backup FILE` / `restore FILE`, round-tripped into an empty database.
describe('backup and restore', function () {
  this.timeout(300_000);
  let env: TestEnv;
  const pg = isPostgresUrl(process.env.TEST_DATABASE_URL ?? '');

  before(async () => {
    env = await createTestEnv();
    const token = await env.token('cw');
    // Cases with their history, signed receipts (PDF bytes) and a scan (bytes) in the database.
    for (const receivedDate of ['2026-11-02', '2026-11-03']) {
      const scan = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(20_000), Buffer.alloc(16)]);
      const res = await request(env.app).post('/api/applications').set('Authorization', `Bearer ${token}`)
        .field('data', JSON.stringify(applicationBody({ receivedDate }))).attach('attachments', scan, { filename: '申请表.pdf', contentType: 'application/pdf' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
  });
  after(async () => env.close());

  it(`round-trips the whole database through a backup into an empty one (${pg ? 'PostgreSQL: pg_dump/pg_restore' : 'SQLite: VACUUM INTO'})`, async () => {
    const run = (args: string[], url = env.databaseUrl) => cli(args, { DATABASE_URL: url, DATA_DIR: env.dataDir });
    const file = join(env.dataDir, 'desk.backup');
    const original = await fingerprint(env.db);
    assert.ok(original.counts.applications! >= 2 && original.counts.attachment_contents! >= 2 && original.counts.documents! >= 2, JSON.stringify(original.counts));

    // Taken while the app's own connections stay open (online).
    const backup = run(['backup', file]);
    assert.equal(backup.code, 0, backup.err);
    assert.match(backup.out, /backup written/);
    assert.equal(statSync(file).mode & 0o777, 0o600, 'a backup holds personal data: 0600');
    const again = run(['backup', file]);
    assert.equal(again.code, 1);
    assert.match(again.err, /already exists/);

    // The empty target: a new SQLite file, or the PostgreSQL database emptied (CI has one database).
    let targetUrl = `sqlite:${join(env.dataDir, 'restored.sqlite')}`;
    if (pg) {
      await env.db.raw('DROP SCHEMA public CASCADE');
      await env.db.raw('CREATE SCHEMA public');
      targetUrl = env.databaseUrl;
    }
    const restored = run(['restore', file], targetUrl);
    assert.equal(restored.code, 0, restored.err);
    assert.match(restored.out, /restored \d+ tables/);
    const target = pg ? env.db : createDb(targetUrl);
    try {
      assert.deepEqual(await fingerprint(target), original);
      // The hash chains of the history hold in the copy.
      const verified = await verifyHistory(target);
      assert.equal(verified.ok, true, JSON.stringify(verified.breaks[0]));

      // Into a database with data: refused, unless --force (which replaces it).
      await target('agencies').where({ code: 'JSJT' }).update({ name: '改过的名称' });
      const refused = run(['restore', file], targetUrl);
      assert.equal(refused.code, 1);
      assert.match(refused.err, /not empty.*--force/);
      assert.equal((await target('agencies').where({ code: 'JSJT' }).first('name')).name, '改过的名称', 'nothing changed');
      if (!pg) await target.destroy();
      const forced = run(['restore', file, '--force'], targetUrl);
      assert.equal(forced.code, 0, forced.err);
      const check = pg ? env.db : createDb(targetUrl);
      try {
        assert.deepEqual(await fingerprint(check), original);
        // And the restored database serves: migrate finds it current.
        const migrated = run(['migrate'], targetUrl);
        assert.equal(migrated.code, 0, migrated.err);
        assert.match(migrated.out, /already at the latest schema/);
      } finally {
        if (!pg) await check.destroy();
      }
    } finally {
      if (!pg) await target.destroy().catch(() => undefined);
    }
  });

  it('refuses a file that is not a backup of this kind of database', () => {
    const bogus = join(env.dataDir, 'not-a-backup.bin');
    writeFileSync(bogus, 'hello');
    const r = cli(['restore', bogus], { DATABASE_URL: `sqlite:${join(env.dataDir, 'other.sqlite')}`, DATA_DIR: env.dataDir });
    assert.equal(r.code, 1);
    assert.match(r.err, /not a SQLite database/);
    const missing = cli(['restore', join(env.dataDir, 'nope.backup')], { DATABASE_URL: env.databaseUrl, DATA_DIR: env.dataDir });
    assert.equal(missing.code, 1);
    assert.match(missing.err, /does not exist/);
    assert.equal(cli(['backup'], { DATABASE_URL: env.databaseUrl, DATA_DIR: env.dataDir }).code, 2);
  });
});
