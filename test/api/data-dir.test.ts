import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../server/config.js';
import { createDb, migrateLatest } from '../../db/knex.js';
import { addAgency } from '../../server/admin/admin-service.js';
import { makeSelfSignedKey, storeSealPng } from '../../server/documents/agency-keys.js';
import { secureDataDir } from '../../server/data-dir.js';

// Hardening finding 16: DATA_DIR holds the SQLite database, the development secrets and the signing
// keys. These tests use a SQLite database in DATA_DIR whatever TEST_DATABASE_URL says: it is the file.
const modeOf = (path: string) => statSync(path).mode & 0o777;

/** Every folder and file under dir, with its mode. */
function walk(dir: string): [string, number, boolean][] {
  const out: [string, number, boolean][] = [[dir, modeOf(dir), true]];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push([p, modeOf(p), false]);
  }
  return out;
}

// The smallest file storeSealPng takes: PNG signature and an IHDR saying RGBA (colour type 6 at byte 25).
const RGBA_PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.from('IHDR'),
  Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]), Buffer.alloc(16),
]);

describe('DATA_DIR is the desk’s alone (hardening finding 16)', function () {
  this.timeout(60_000);
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dd-datadir-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('a new DATA_DIR is 0700 and every file the desk writes in it 0600', async () => {
    const dir = join(root, 'data');
    const config = loadConfig({ DATA_DIR: dir }); // writes the development secrets
    const db = createDb(config.databaseUrl); // SQLite in DATA_DIR
    try {
      await migrateLatest(db, { dataDir: dir });
      const agency = await addAgency(db, { code: 'TEST', name: '测试机关' }, null);
      await makeSelfSignedKey(db, config, agency); // in the database since issue 15
      await storeSealPng(db, RGBA_PNG);
      await db('calendar_overrides').insert({ date: '2026-12-31', kind: 'holiday', created_at: new Date().toISOString() }); // the WAL has something in it
      const entries = walk(dir);
      const names = entries.map(([p]) => p.slice(dir.length + 1));
      for (const expected of ['.session-secret', '.key-passphrase', 'disclosure-desk.sqlite', 'disclosure-desk.sqlite-wal']) {
        assert.ok(names.includes(expected), `${expected} in ${names.join(', ')}`);
      }
      for (const [path, mode, isDir] of entries) assert.equal(mode.toString(8), isDir ? '700' : '600', path);
    } finally {
      await db.destroy();
    }
  });

  it('an older DATA_DIR open to others is narrowed, with a warning, and its database file too', async () => {
    const dir = join(root, 'data');
    mkdirSync(join(dir, 'keys'), { recursive: true });
    writeFileSync(join(dir, '.session-secret'), 'x'.repeat(64));
    writeFileSync(join(dir, 'keys', 'OLD.p12'), 'key');
    writeFileSync(join(dir, 'disclosure-desk.sqlite'), '');
    for (const [p, m] of [[dir, 0o755], [join(dir, 'keys'), 0o755], [join(dir, '.session-secret'), 0o644], [join(dir, 'keys', 'OLD.p12'), 0o644], [join(dir, 'disclosure-desk.sqlite'), 0o644]] as const) chmodSync(p, m);

    const warnings: string[] = [];
    secureDataDir(dir, (m) => warnings.push(m));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /narrowed/);
    assert.match(warnings[0]!, /\.session-secret 644→600/);
    for (const [path, mode, isDir] of walk(dir)) assert.equal(mode.toString(8), isDir ? '700' : '600', path);

    // Opening the database narrows its file on its own (DATABASE_URL may point outside DATA_DIR).
    const elsewhere = join(root, 'elsewhere.sqlite');
    writeFileSync(elsewhere, '');
    chmodSync(elsewhere, 0o664);
    const db = createDb(`sqlite:${elsewhere}`);
    await db.destroy();
    assert.equal(modeOf(elsewhere).toString(8), '600');
    secureDataDir(dir, (m) => warnings.push(m));
    assert.equal(warnings.length, 1, 'nothing more to say the second time');
  });

  it('seal pictures of an older version move from DATA_DIR/seals into the database (issue 15); an altered one is left out', async () => {
    const dir = join(root, 'data');
    mkdirSync(join(dir, 'seals'), { recursive: true });
    const sha = createHash('sha256').update(RGBA_PNG).digest('hex');
    writeFileSync(join(dir, 'seals', `${sha}.png`), RGBA_PNG);
    writeFileSync(join(dir, 'seals', `${'0'.repeat(64)}.png`), RGBA_PNG);
    const db = createDb(`sqlite:${join(dir, 'db.sqlite')}`);
    const log = console.log;
    console.log = () => {};
    try {
      await migrateLatest(db, { dataDir: dir });
      const rows = await db('seal_images').select('sha256', 'png');
      assert.deepEqual(rows.map((r: { sha256: string }) => r.sha256), [sha]);
      assert.ok(Buffer.from(rows[0].png).equals(RGBA_PNG));
    } finally {
      console.log = log;
      await db.destroy();
    }
  });
});
