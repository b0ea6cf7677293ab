import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadAgencySigner } from '../../server/documents/signer.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '../../db/knex.js';
import { freshDatabase, testDatabaseUrl } from '../helpers/test-app.js';
import type { Knex } from 'knex';

/** Runs the command line as a real process (node + tsx) with the environment given. */
function runCli(args: string[], env: Record<string, string>, input = '') {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], {
    env: { ...process.env, BCRYPT_ROUNDS: '4', ...env },
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// The command line is a public contract (issue 2): run it as a real process.
describe('the disclosure-desk command line', function () {
  // Each case starts a real process (node + tsx): slow on a loaded machine, not a speed test.
  this.timeout(90_000);
  let dir: string;
  let databaseUrl: string;
  let db: Knex;

  const cli = (args: string[], input?: string) => runCli(args, { DATABASE_URL: databaseUrl, DATA_DIR: dir }, input);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dd-cli-'));
    databaseUrl = testDatabaseUrl(dir);
    db = createDb(databaseUrl);
    await freshDatabase(db);
  });
  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrate brings the database to the latest schema and is idempotent', () => {
    const first = cli(['migrate']);
    assert.equal(first.code, 0, first.err);
    const again = cli(['migrate']);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /already at the latest schema/);
  });

  it('agency add creates agencies, with a parent', async () => {
    assert.equal(cli(['agency', 'add', '--code', 'DJQ', '--name', '东江区人民政府办公室']).code, 0);
    const r = cli(['agency', 'add', '--code', 'GHZY', '--name', '东江区规划和自然资源局', '--parent', 'DJQ']);
    assert.equal(r.code, 0, r.err);
    const child = await db('agencies').where({ code: 'GHZY' }).first();
    const parent = await db('agencies').where({ code: 'DJQ' }).first();
    assert.equal(child.parent_id, parent.id);
    assert.equal(child.name, '东江区规划和自然资源局');
  });

  it('a duplicate agency code is a clear error with exit 1', () => {
    const r = cli(['agency', 'add', '--code', 'DJQ', '--name', '重复']);
    assert.equal(r.code, 1);
    assert.match(r.err, /DJQ 已存在/);
  });

  it('an unknown parent is a clear error with exit 1', () => {
    const r = cli(['agency', 'add', '--code', 'X', '--name', '某机关', '--parent', 'NOPE']);
    assert.equal(r.code, 1);
    assert.match(r.err, /NOPE 不存在/);
  });

  it('user add reads the password from stdin and the user can log in with it', async () => {
    const r = cli(['user', 'add', '--username', 'lina', '--role', 'caseworker', '--agency', 'GHZY', '--password-stdin'], 'Lantern-orchard-77\n');
    assert.equal(r.code, 0, r.err);
    const row = await db('users').where({ username: 'lina' }).first();
    assert.equal(row.role, 'caseworker');
    assert.ok(row.password_hash.startsWith('$2'), 'bcrypt hash');
    const bcrypt = (await import('bcryptjs')).default;
    assert.ok(await bcrypt.compare('Lantern-orchard-77', row.password_hash), 'the trailing newline is not part of the password');
  });

  // Hardening 11: the installer usually makes accounts for other people: an initial password.
  it('user add sets an initial password, to be changed at first login unless --no-expire', async () => {
    assert.ok(Boolean((await db('users').where({ username: 'lina' }).first()).must_change_password), 'lina must change hers');
    const r = cli(['user', 'add', '--username', 'robot', '--role', 'manager', '--agency', 'DJQ', '--password-stdin', '--no-expire'], 'Copper-kettle-sings-41\n');
    assert.equal(r.code, 0, r.err);
    assert.equal(Boolean((await db('users').where({ username: 'robot' }).first()).must_change_password), false);
  });

  it('a duplicate username is a clear error with exit 1', () => {
    const r = cli(['user', 'add', '--username', 'lina', '--role', 'reviewer', '--agency', 'GHZY', '--password-stdin'], 'Another-orchard-88\n');
    assert.equal(r.code, 1);
    assert.match(r.err, /lina 已存在/);
  });

  it('wrong arguments print usage and exit 2', () => {
    for (const args of [
      [],
      ['frobnicate'],
      ['agency', 'add', '--code', 'A'],
      ['agency', 'add', '--code', 'A', '--name', 'B', '--bogus', 'x'],
      ['user', 'add', '--username', 'u', '--role', 'caseworker', '--agency', 'GHZY'],
      ['user', 'add', '--username', 'u', '--role', 'wizard', '--agency', 'GHZY', '--password-stdin'],
      ['user', 'add', '--username', 'u', '--role', 'caseworker', '--agency', 'GHZY', '--password', 'in-argv'],
      ['calendar', 'set', '2026-13-01', 'holiday'],
    ]) {
      const r = cli(args, 'whatever-pass\n');
      assert.equal(r.code, 2, `${args.join(' ')} → ${r.code} ${r.err}`);
      assert.match(r.err + r.out, /usage: disclosure-desk/);
    }
  });

  it('refuses a password too short or too easy for the policy with exit 1, saying why', () => {
    const short = cli(['user', 'add', '--username', 'shorty', '--role', 'caseworker', '--agency', 'GHZY', '--password-stdin'], 'abc\n');
    assert.equal(short.code, 1);
    assert.match(short.err, /至少 10 位/);
    const common = cli(['user', 'add', '--username', 'shorty', '--role', 'caseworker', '--agency', 'GHZY', '--password-stdin'], 'password123\n');
    assert.equal(common.code, 1);
    assert.match(common.err, /密码强度不足：这是常用密码/);
  });

  it('agency cert makes a PKCS#12 signing key without asking anything, kept in the database', async () => {
    const r = cli(['agency', 'cert', '--code', 'GHZY']);
    assert.equal(r.code, 0, r.err);
    const row = await db('agency_keys').join('agencies', 'agencies.id', 'agency_keys.agency_id').where('agencies.code', 'GHZY').first('p12', 'self_signed');
    assert.ok(row.self_signed);
    const p12 = Buffer.from(row.p12);
    assert.ok(p12.length > 1000);
    // Readable with the configured passphrase (kept in DATA_DIR outside production), not another.
    const pass = readFileSync(join(dir, '.key-passphrase'), 'utf8').trim();
    assert.doesNotThrow(() => loadAgencySigner(p12, pass));
    assert.throws(() => loadAgencySigner(p12, 'wrong-passphrase'));
    assert.equal(cli(['agency', 'cert', '--code', 'NOPE']).code, 1);
    assert.equal(cli(['agency', 'cert']).code, 2);
  });

  it('demo refuses a database that already has data', () => {
    const r = cli(['demo']);
    assert.equal(r.code, 1);
    assert.match(r.err, /empty database/);
  });

  it('calendar set/show/unset keeps local overrides', () => {
    assert.equal(cli(['calendar', 'set', '2027-01-01', 'holiday', '--note', '元旦']).code, 0);
    const show = cli(['calendar', 'show', '2027']);
    assert.equal(show.code, 0, show.err);
    assert.match(show.out, /2027-01-01\s+holiday\s+override\s+元旦/);
    // 2027 is not in the bundled data: the statutory holidays assumed are listed, weekends included.
    assert.match(show.out, /statutory holidays assumed/);
    assert.match(show.out, /2027-02-06\s+holiday\s+春节（正月初一）/);
    assert.equal(cli(['calendar', 'unset', '2027-01-01']).code, 0);
    assert.equal(cli(['calendar', 'unset', '2027-01-01']).code, 1);
  });

  it('client add prints one JSON line with the client id and its secret, shown once and stored as a hash (issue 14)', async () => {
    const r = cli(['client', 'add', '--name', '东江区行政复议平台', '--agency', 'DJQ', '--scopes', 'exchange:read,exchange:write']);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 1);
    const added = JSON.parse(lines[0]!);
    assert.match(added.clientId, /^ddc_[0-9a-f]{16}$/);
    assert.match(added.clientSecret, /^ddcs_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(added.scopes, ['exchange:read', 'exchange:write']);
    const row = await db('exchange_clients').where({ client_id: added.clientId }).first();
    assert.equal(row.secret_hash, createHash('sha256').update(added.clientSecret).digest('hex'));
    assert.equal(JSON.stringify(row).includes(added.clientSecret), false);
    const readOnly = JSON.parse(cli(['client', 'add', '--name', '只读', '--agency', 'GHZY', '--scopes', 'exchange:read']).out);
    const listed = cli(['client', 'list']);
    assert.equal(listed.code, 0, listed.err);
    const clients = listed.out.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(clients.map((c) => [c.clientId, c.agency, c.scopes.join(' '), c.revokedAt]), [
      [added.clientId, 'DJQ', 'exchange:read exchange:write', null], [readOnly.clientId, 'GHZY', 'exchange:read', null],
    ]);
    assert.equal(listed.out.includes(added.clientSecret), false, 'the secret is never listed');
    const revoked = cli(['client', 'revoke', '--id', readOnly.clientId]);
    assert.equal(revoked.code, 0, revoked.err);
    assert.match(revoked.out, /revoked/);
    assert.notEqual(JSON.parse(cli(['client', 'list']).out.trim().split('\n')[1]!).revokedAt, null);
    assert.equal(cli(['client', 'revoke', '--id', readOnly.clientId]).code, 1, 'already revoked');
  });

  it('client add refuses an unknown agency or scope (exit 1) and wrong arguments (exit 2); revoking an unknown client is exit 1', () => {
    const agency = cli(['client', 'add', '--name', 'x', '--agency', 'NOPE', '--scopes', 'exchange:read']);
    assert.equal(agency.code, 1);
    assert.match(agency.err, /NOPE 不存在/);
    const scope = cli(['client', 'add', '--name', 'x', '--agency', 'DJQ', '--scopes', 'exchange:read,exchange:admin']);
    assert.equal(scope.code, 1);
    assert.match(scope.err, /exchange:admin/);
    assert.equal(cli(['client', 'add', '--name', 'x', '--agency', 'DJQ']).code, 2);
    assert.equal(cli(['client', 'remove']).code, 2);
    assert.equal(cli(['client', 'revoke', '--id', 'ddc_0000000000000000']).code, 1);
  });

  it('webhooks deliver runs the delivery once and says what it did', () => {
    const r = cli(['webhooks', 'deliver']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^webhooks delivered: 0; to retry: 0; failed: 0; cancelled: 0$/m);
    assert.equal(cli(['webhooks', 'send']).code, 2);
  });

  it('refuses to start in production without SESSION_SECRET', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'serve'], {
      env: { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dir, NODE_ENV: 'production', SESSION_SECRET: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /SESSION_SECRET is required/);
  });

  it('audit verify walks the history chains and exits 0, counting the rows of each', async () => {
    const r = cli(['audit', 'verify']);
    assert.equal(r.code, 0, r.err);
    const audited = Number((await db('audit_log').count({ n: '*' }).first())!.n);
    assert.match(r.out, new RegExp(`audit_log: ${audited} rows checked in 1 chain\\(s\\) .* intact`));
    assert.match(r.out, /application_events: 0 rows checked in 0 chain\(s\)/);
    const head = await db('audit_log').orderBy('id', 'desc').first();
    assert.match(r.out, new RegExp(`--anchor ${head.id}:${head.hash}`));
    assert.equal(cli(['audit', 'verify', '--anchor', `${head.id}:${head.hash}`]).code, 0);
  });

  it('audit verify exits 1 naming the audit entry that was changed, expected and found', async () => {
    const row = await db('audit_log').where({ action: 'agency.add' }).orderBy('id').first();
    const pg = db.client.config.client === 'pg';
    const edit = async (detail: string) => {
      // Someone with the owner's powers (or the SQLite file): the append-only triggers set aside.
      if (pg) await db.raw('ALTER TABLE audit_log DISABLE TRIGGER USER');
      else await db.raw('DROP TRIGGER audit_log_no_update');
      await db('audit_log').where({ id: row.id }).update({ detail });
      if (pg) await db.raw('ALTER TABLE audit_log ENABLE TRIGGER USER');
      else await db.raw(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`);
    };
    await edit(row.detail.replace('东江区', '西江区'));
    try {
      const r = cli(['audit', 'verify']);
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(r.err, new RegExp(`BROKEN audit_log: audit_log row ${row.id} \\(agency.add\\): the entry's content was changed`));
      assert.match(r.err, new RegExp(`expected: ${row.hash}`));
    } finally {
      await edit(row.detail);
    }
  });

  it('audit verify refuses an anchor that is not ID:HASH with usage and exit 2', () => {
    const r = cli(['audit', 'verify', '--anchor', '12:abc']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--anchor expects ID:HASH/);
  });

  it('with --no-migrate or MIGRATE_ON_START=0 it migrates nothing and refuses a schema behind the code', async () => {
    // A database of its own (SQLite whatever the suite runs on): this checks the command, not a dialect.
    const empty = `sqlite:${join(dir, 'never-migrated.sqlite')}`;
    const run = (args: string[], extra: Record<string, string> = {}) => spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], {
      env: { ...process.env, DATABASE_URL: empty, DATA_DIR: dir, ...extra }, encoding: 'utf8', timeout: 60_000,
    });
    const serve = run(['serve', '--no-migrate']);
    assert.equal(serve.status, 1, serve.stderr);
    assert.match(serve.stderr, /run `disclosure-desk migrate` as the schema owner/);
    const add = run(['agency', 'add', '--code', 'Q', '--name', '某机关'], { MIGRATE_ON_START: '0' });
    assert.equal(add.status, 1);
    assert.match(add.stderr, /schema is older than this code/);
    const check = createDb(empty);
    try {
      assert.equal(await check.schema.hasTable('agencies'), false, 'nothing was migrated');
    } finally {
      await check.destroy();
    }
  });
});

describe('the demo data', () => {
  let dir: string;
  let db: Knex;
  before(async function () {
    this.timeout(120_000);
    dir = mkdtempSync(join(tmpdir(), 'dd-demo-'));
    const databaseUrl = testDatabaseUrl(dir);
    db = createDb(databaseUrl);
    await freshDatabase(db);
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'demo'], {
      env: { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dir, BCRYPT_ROUNDS: '4' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.status, 0, r.stderr);
  });
  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has a district office with two departments under it', async () => {
    const agencies = await db('agencies').select();
    const district = agencies.find((a) => a.parent_id === null);
    assert.ok(district);
    assert.match(district.name, /政务公开办/);
    assert.equal(agencies.filter((a) => a.parent_id === district.id).length, 2);
  });

  it('has users of every role', async () => {
    const roles = new Set((await db('users').select('role')).map((r) => r.role));
    for (const role of ['caseworker', 'reviewer', 'approver', 'legal', 'manager', 'admin']) assert.ok(roles.has(role), role);
  });

  it('has a dozen applications in varied states, built from real histories', async () => {
    const apps = await db('applications').select('id', 'state', 'version');
    assert.ok(apps.length >= 12, `${apps.length}`);
    const states = new Set(apps.map((a) => a.state));
    for (const s of ['processing', 'awaiting_correction', 'drafted', 'in_review', 'approved', 'issued', 'closed']) assert.ok(states.has(s), s);
    for (const a of apps) {
      const events = await db('application_events').where({ application_id: a.id }).count({ n: '*' }).first();
      assert.equal(Number(events?.n), a.version, 'one history row per version');
    }
  });
});

// Hardening 7: `npm start` (serve --demo-if-empty) in production loaded demo accounts with the
// password printed in the README. Production refuses demo data, saying why, and loads nothing.
describe('demo data in production', function () {
  this.timeout(120_000);
  let dir: string;
  let databaseUrl: string;
  let db: Knex;
  const production = (args: string[]) =>
    runCli(args, { DATABASE_URL: databaseUrl, DATA_DIR: dir, NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), KEY_PASSPHRASE: 'a-passphrase-for-tests', PORT: '0' });
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dd-prod-'));
    databaseUrl = testDatabaseUrl(dir);
    db = createDb(databaseUrl);
    await freshDatabase(db);
  });
  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const args of [['serve', '--demo-if-empty'], ['demo']]) {
    it(`${args.join(' ')} refuses with exit 1 and the reason in Chinese and English, loading nothing`, async () => {
      const r = production(args);
      assert.equal(r.code, 1, r.err + r.out);
      assert.match(r.err, /demo data is refused when NODE_ENV=production/);
      assert.match(r.err, /生产环境（NODE_ENV=production）拒绝加载演示数据/);
      assert.doesNotMatch(r.out, /listening/);
      assert.equal(Number((await db('users').count({ n: '*' }).first())?.n), 0);
      assert.equal(Number((await db('agencies').count({ n: '*' }).first())?.n), 0);
    });
  }
});
