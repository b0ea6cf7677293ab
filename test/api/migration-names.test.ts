import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { createDb, migrateLatest, pendingMigrations } from '../../db/knex.js';
import { loadConfig } from '../../server/config.js';
import { prepareSchema } from '../../server/server-runner.js';
import { freshDatabase, testDatabaseUrl } from '../helpers/test-app.js';

// Issue 15: a database made by `npm run dev` (tsx, migrations as .ts) refused to open under `npm start`
// (compiled, .js) with "migration directory is corrupt", and the other way round. Names are now
// recorded bare; rows knex recorded with either extension are renamed by the next migrate.
describe('migrations are recorded without their file extension', function () {
  this.timeout(60_000);
  let dir: string;
  let db: Knex;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dd-migrations-'));
    db = createDb(testDatabaseUrl(dir));
    await freshDatabase(db);
  });
  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const names = async () => (await db('knex_migrations').orderBy('id').pluck('name')) as string[];

  it('a new database records bare names', async () => {
    const recorded = await names();
    assert.ok(recorded.length >= 17, `${recorded.length} migrations`);
    assert.ok(recorded.every((n) => /^\d{14}_[\w-]+$/.test(n)), recorded.join(', '));
    assert.deepEqual(await pendingMigrations(db), []);
  });

  for (const [made, ext] of [['the source (npm run dev)', '.ts'], ['the build (npm start)', '.js']] as const) {
    it(`a database migrated by ${made}, names ending ${ext}, opens and is renamed`, async () => {
      const bare = await names();
      await db('knex_migrations').update({ name: db.raw(`name || '${ext}'`) });
      assert.ok((await names()).every((n) => n.endsWith(ext)));
      // A restricted server (MIGRATE_ON_START=0) reads it as current without writing.
      assert.deepEqual(await pendingMigrations(db), []);
      await prepareSchema(db, { ...loadConfig({ DATA_DIR: dir, DATABASE_URL: testDatabaseUrl(dir), LOG_LEVEL: 'silent' }), migrateOnStart: false });
      assert.ok((await names()).every((n) => n.endsWith(ext)), 'the check does not write');
      // The owner's migrate (serve does it first by default) renames them and runs nothing again.
      const [, ran] = await migrateLatest(db, { dataDir: dir });
      assert.deepEqual(ran, []);
      assert.deepEqual(await names(), bare);
    });
  }

  it('a database part-way through, with old names, runs only what is missing', async () => {
    const bare = await names();
    const last = bare.at(-1)!;
    const { down } = await import(`../../db/migrations/${last}.ts`);
    await down(db);
    await db('knex_migrations').where({ name: last }).delete();
    await db('knex_migrations').update({ name: db.raw(`name || '.js'`) });
    assert.deepEqual(await pendingMigrations(db), [last]);
    const [, ran] = await migrateLatest(db, { dataDir: dir });
    assert.deepEqual(ran, [last]);
    assert.deepEqual(await names(), bare);
  });
});
