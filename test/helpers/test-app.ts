import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { createDb, isPostgresUrl } from '../../db/knex.js';
import { loadConfig } from '../../server/config.js';
import type { AppContext } from '../../server/context.js';
import { fixedClock, systemClock } from '../../server/time.js';
import { addAgency, addUser } from '../../server/admin/admin-service.js';
import { TEST_PASSWORD } from '../../server/auth/password-policy.js';
import { findAgencyByCode } from '../../server/admin/agency-store.js';
import { makeSelfSignedKey } from '../../server/documents/agency-keys.js';
import { residentIdCheckChar, creditCodeCheckChar } from '../../workflows/identifiers.js';

/** The fixtures' password; published with the source, so production refuses it (hardening 7). */
export const PASSWORD = TEST_PASSWORD;

/** `TEST_DATABASE_URL=postgres://…` runs the suite on PostgreSQL; otherwise a fresh SQLite file. */
export function testDatabaseUrl(dir: string): string {
  const url = process.env.TEST_DATABASE_URL;
  return url && isPostgresUrl(url) ? url : `sqlite:${join(dir, 'test.sqlite')}`;
}

/** Empties the database completely (PostgreSQL: the whole public schema) and migrates it. */
export async function freshDatabase(db: Knex): Promise<void> {
  if (db.client.config.client === 'pg') {
    await db.raw('DROP SCHEMA public CASCADE');
    await db.raw('CREATE SCHEMA public');
  }
  await db.migrate.latest();
}

export interface TestEnv {
  ctx: AppContext;
  app: ReturnType<typeof createApp>;
  db: Knex;
  dataDir: string;
  databaseUrl: string;
  token(username: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real app on a real database, with a small agency tree:
 * DJQ (district office) ⟶ GHZY, JSJT; users of every role.
 */
export async function createTestEnv(opts: { today?: string; seed?: boolean; keys?: boolean } = {}): Promise<TestEnv> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dd-test-'));
  const databaseUrl = testDatabaseUrl(dataDir);
  // Request lines stay out of the test report (LOG_LEVEL=info shows them).
  const config = { ...loadConfig({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' }), bcryptRounds: 4 };
  const db = createDb(databaseUrl);
  await freshDatabase(db);
  const ctx: AppContext = { db, config, clock: opts.today ? fixedClock(opts.today) : systemClock };
  if (opts.seed !== false) {
    await seedBase(db);
    if (opts.keys !== false) {
      for (const code of ['DJQ', 'GHZY', 'JSJT']) await makeSelfSignedKey(db, config, (await findAgencyByCode(db, code))!);
    }
  }
  const app = createApp(ctx);
  const tokens = new Map<string, string>();
  return {
    ctx, app, db, dataDir, databaseUrl,
    async token(username: string) {
      if (!tokens.has(username)) {
        const res = await request(app).post('/api/auth/token').send({ username, password: PASSWORD });
        if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
        tokens.set(username, res.body.token);
      }
      return tokens.get(username)!;
    },
    async close() {
      await db.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function seedBase(db: Knex): Promise<void> {
  const remedies = { reconsiderationBody: '东江区人民政府', court: '东江区人民法院' };
  await addAgency(db, { code: 'DJQ', name: '东江区人民政府办公室', docPrefix: '东府办', ...remedies }, null);
  await addAgency(db, { code: 'GHZY', name: '东江区规划和自然资源局', parentCode: 'DJQ', docPrefix: '东规资', ...remedies }, null);
  // Its contact is what a transfer notice tells the applicant (Art. 36(五)).
  await addAgency(db, { code: 'JSJT', name: '东江区建设和交通委员会', parentCode: 'DJQ', docPrefix: '东建交', address: '东江区锦绣路300号', phone: '0760-22223333', ...remedies }, null);
  const users: [string, string, string][] = [
    ['cw', 'caseworker', 'GHZY'], ['cw-b', 'caseworker', 'GHZY'], ['rev', 'reviewer', 'GHZY'], ['appr', 'approver', 'GHZY'],
    ['cw2', 'caseworker', 'JSJT'], ['rev2', 'reviewer', 'JSJT'], ['appr2', 'approver', 'JSJT'], ['mgr', 'manager', 'DJQ'], ['mgr2', 'manager', 'JSJT'], ['legal', 'legal', 'DJQ'], ['admin', 'admin', 'DJQ'],
  ];
  for (const [username, role, agencyCode] of users) {
    // Fixtures: the published test password, not typed by anyone, so neither checked nor expiring.
    await addUser(db, { username, role, agencyCode, password: PASSWORD, displayName: username }, null, 4, { seeded: true });
  }
}

export const residentId = (first17: string) => first17 + residentIdCheckChar(first17);
export const creditCode = (first17: string) => first17 + creditCodeCheckChar(first17);

/** A valid application body; override what a test is about. */
export function applicationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    applicant: {
      kind: 'natural_person', name: '张建国', idType: 'resident_id', idNumber: residentId('31011519650312201'),
      phone: '13812345678', address: '东江区浦明路88弄5号', postcode: '200120',
    },
    channel: 'in_person',
    receivedDate: '2024-09-02',
    request: { description: '申请公开某地块控制性详细规划调整的批复文件。' },
    ...overrides,
  };
}

/** The CSRF token a page carries in its forms. */
export const csrfOf = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

/** A browser-like agent logged in through the login form (session cookie), for page tests. */
export async function loginAgent(app: TestEnv['app'], username: string, password = PASSWORD) {
  const agent = request.agent(app);
  const page = await agent.get('/login');
  const res = await agent.post('/login').type('form').send({ username, password, _csrf: csrfOf(page.text) });
  if (res.status !== 303) throw new Error(`login as ${username} failed: ${res.status}`);
  return agent;
}

/** A supertest parser that keeps a download's bytes: `.buffer(true).parse(binary)`. */
export function binary(res: request.Response, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

/** A copy of `bytes` as a plain ArrayBuffer — the type exceljs's `xlsx.load()` declares. */
export const arrayBufferOf = (bytes: Uint8Array): ArrayBuffer => Uint8Array.from(bytes).buffer;
