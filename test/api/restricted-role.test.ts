import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import request from 'supertest';
import { createDb, isPostgresUrl } from '../../db/knex.js';
import { createApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { prepareSchema } from '../../server/server-runner.js';
import { fixedClock } from '../../server/time.js';
import { findAgencyByCode } from '../../server/admin/agency-store.js';
import { makeSelfSignedKey } from '../../server/documents/agency-keys.js';
import { verifyHistory } from '../../server/history/history-verify.js';
import { ROOT } from '../../server/paths.js';
import { applicationBody, freshDatabase, PASSWORD, seedBase } from '../helpers/test-app.js';

// Roles exist only on PostgreSQL: on SQLite this suite is not registered at all (rather than pending).
// The database role of TEST_DATABASE_URL owns the schema and must be allowed to create roles
// (CREATEROLE; .ci/run grants it to its dd_test).

/** The grants block of the README, exactly as an operator would run it, with the role names put in. */
function readmeGrants(owner: string, app: string): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const marker = readme.indexOf('<!-- restricted-role-grants');
  assert.ok(marker >= 0, 'the README shows the grants');
  const block = /```sql\n([\s\S]*?)```/.exec(readme.slice(marker))![1]!;
  return block
    .split('\n').filter((l) => !l.trim().startsWith('--')).join('\n')
    .split(';').map((s) => s.trim()).filter(Boolean)
    .map((s) => s.replace(/\bdd_owner\b/g, `"${owner}"`).replace(/\bdd_app\b/g, `"${app}"`));
}

/** Takes back everything granted to the role, then drops it (a run cut short leaves it behind). */
async function dropRole(owner: Knex, ownerName: string, role: string): Promise<void> {
  const exists = (await owner.raw('SELECT 1 FROM pg_roles WHERE rolname = ?', [role])).rows.length > 0;
  if (!exists) return;
  await owner.raw(`ALTER DEFAULT PRIVILEGES FOR ROLE "${ownerName}" IN SCHEMA public REVOKE ALL ON TABLES FROM "${role}"`);
  await owner.raw(`ALTER DEFAULT PRIVILEGES FOR ROLE "${ownerName}" IN SCHEMA public REVOKE ALL ON SEQUENCES FROM "${role}"`);
  await owner.raw(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "${role}"`);
  await owner.raw(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM "${role}"`);
  await owner.raw(`REVOKE ALL ON SCHEMA public FROM "${role}"`);
  await owner.raw(`DROP ROLE "${role}"`);
}

const url = process.env.TEST_DATABASE_URL;
if (url && isPostgresUrl(url)) {
  describe('PostgreSQL: the server under a role that may only read and append the history (README)', function () {
    this.timeout(60_000);
    let owner: Knex;
    let appDb: Knex;
    let ownerName: string;
    let role: string;
    let dir: string;
    let app: ReturnType<typeof createApp>;

    before(async () => {
      owner = createDb(url);
      const me = (await owner.raw('SELECT current_user AS u, current_database() AS d, rolcreaterole OR rolsuper AS can FROM pg_roles WHERE rolname = current_user')).rows[0];
      if (!me.can) {
        throw new Error(`the test role ${me.u} needs CREATEROLE to make the restricted role (as a superuser: ALTER ROLE ${me.u} CREATEROLE; .ci/run does it)`);
      }
      ownerName = me.u;
      role = `${String(me.d).replace(/[^a-z0-9_]/gi, '_')}_app`.toLowerCase();
      await dropRole(owner, ownerName, role);
      await freshDatabase(owner); // the migrations run as the owner
      await seedBase(owner);
      const password = randomBytes(12).toString('hex');
      await owner.raw(`CREATE ROLE "${role}" LOGIN PASSWORD '${password}'`);
      for (const statement of readmeGrants(ownerName, role)) await owner.raw(statement);

      const appUrl = new URL(url);
      appUrl.username = role;
      appUrl.password = password;
      dir = mkdtempSync(join(tmpdir(), 'dd-role-'));
      const config = { ...loadConfig({ DATA_DIR: dir, DATABASE_URL: appUrl.toString(), MIGRATE_ON_START: '0', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' }), bcryptRounds: 4 };
      appDb = createDb(config.databaseUrl);
      await prepareSchema(appDb, config); // checks, does not migrate: the role could not
      await makeSelfSignedKey(appDb, config, (await findAgencyByCode(owner, 'GHZY'))!);
      app = createApp({ db: appDb, config, clock: fixedClock('2026-11-20') });
    });
    after(async () => {
      await appDb?.destroy();
      if (owner) {
        await dropRole(owner, ownerName, role).catch(() => undefined);
        await owner.destroy();
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('serves login, registration, events, document edits and logout, with the history verifying', async () => {
      const login = await request(app).post('/api/auth/token').send({ username: 'cw', password: PASSWORD });
      assert.equal(login.status, 200, JSON.stringify(login.body));
      const auth = { Authorization: `Bearer ${login.body.token}` };
      const registered = await request(app).post('/api/applications').set(auth).send(applicationBody({ receivedDate: '2026-11-02' }));
      assert.equal(registered.status, 201, JSON.stringify(registered.body));
      const event = await request(app).post(`/api/applications/${registered.body.id}/events`).set(auth)
        .send({ type: 'REQUEST_CORRECTION', date: '2026-11-04', items: ['请写明所需文件的名称'], periodWorkingDays: 10 });
      assert.equal(event.status, 200, JSON.stringify(event.body));
      const draft = await appDb('documents').where({ application_id: registered.body.id, kind: 'correction_notice' }).first();
      assert.equal((await request(app).put(`/api/documents/${draft.id}`).set(auth).send({ body: `${draft.body}\n特此告知。` })).status, 200);
      assert.equal((await request(app).delete('/api/auth/token').set(auth)).status, 204);
      assert.equal(Number((await appDb('application_events').where({ application_id: registered.body.id }).count({ n: '*' }).first())!.n), 2);
      const actions = (await appDb('audit_log').orderBy('id').select('action')).map((r) => r.action);
      assert.deepEqual(actions.slice(-6), ['auth.login', 'document.issue', 'application.register', 'application.event.REQUEST_CORRECTION', 'document.edit', 'auth.logout']);
      const report = await verifyHistory(appDb); // read only: the app's role (or an auditor's) may run it
      assert.equal(report.ok, true, JSON.stringify(report.breaks[0]));
    });

    it('refuses the role UPDATE, DELETE and TRUNCATE of the history, and any change of the schema', async () => {
      const refused = async (what: string, q: Promise<unknown>) =>
        assert.rejects(q, (e: { code?: string }) => e.code === '42501', `${what} must be refused for lack of privilege`);
      await refused('UPDATE application_events', appDb('application_events').update({ type: 'WITHDRAW' }));
      await refused('DELETE FROM application_events', appDb('application_events').del());
      await refused('TRUNCATE application_events', appDb.raw('TRUNCATE application_events'));
      await refused('UPDATE audit_log', appDb('audit_log').update({ ip: '10.0.0.1' }));
      await refused('DELETE FROM audit_log', appDb('audit_log').del());
      await refused('TRUNCATE audit_log', appDb.raw('TRUNCATE audit_log'));
      await refused('UPDATE appeal_events', appDb('appeal_events').update({ type: 'x' }));
      await refused('DELETE FROM history_heads', appDb('history_heads').del());
      await refused('DELETE FROM knex_migrations', appDb('knex_migrations').del());
      await refused('disabling the append-only triggers', appDb.raw('ALTER TABLE audit_log DISABLE TRIGGER USER'));
      await refused('DROP TABLE audit_log', appDb.raw('DROP TABLE audit_log'));
      await refused('CREATE TABLE', appDb.raw('CREATE TABLE audit_log_copy (id integer)'));
      // The owner's role still can (the triggers stop it short of disabling them): that is what the chains are for.
      await assert.rejects(owner('audit_log').del(), /append-only/);
    });
  });
}
