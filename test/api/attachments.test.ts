import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { applicationBody, binary, createTestEnv, loginAgent, type TestEnv } from '../helpers/test-app.js';
import { makeSelfSignedKey } from '../../server/documents/agency-keys.js';
import { findAgencyByCode } from '../../server/admin/agency-store.js';
import { createApp } from '../../server/app.js';
import { createLogger } from '../../server/log.js';

// Hardening finding 2: attachment bytes live in the database, in the transaction of their row.
const MIGRATIONS = ['20261122000010_attachment_contents', '20261122000011_consultation_carried'];
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** A scan nobody else uploads: a PDF header, then random bytes (zeros and high bytes included). */
const scan = (label: string, size = 64 * 1024) => Buffer.concat([Buffer.from(`%PDF-1.7\n% ${label}\n`), randomBytes(size), Buffer.alloc(16)]);

// supertest buffers unknown types as text; a download is compared byte for byte.

describe('attachment bytes in the database (hardening finding 2)', function () {
  this.timeout(120_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  // The app the requests go to: one test swaps in an app whose log it reads.
  let app: TestEnv['app'] | undefined;
  const register = (who: string, files: { name: string; bytes: Buffer }[], receivedDate = '2026-11-02') => {
    const req = request(app ?? env.app).post('/api/applications').set(auth(who)).field('data', JSON.stringify(applicationBody({ receivedDate })));
    for (const f of files) req.attach('attachments', f.bytes, { filename: f.name, contentType: 'application/pdf' });
    return req;
  };
  const download = (appId: number, attachmentId: number, who = 'cw') =>
    request(env.app).get(`/api/applications/${appId}/attachments/${attachmentId}`).set(auth(who)).buffer(true).parse(binary);
  const contentRows = async () => Number((await env.db('attachment_contents').count({ n: '*' }).first())?.n);
  const orphanContents = async () =>
    Number((await env.db('attachment_contents as c').whereNotExists(env.db('attachments as a').whereRaw('a.sha256 = c.sha256')).count({ n: '*' }).first())?.n);

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    for (const u of ['cw', 'cw2', 'appr']) tokens[u] = await env.token(u);
  });
  after(async () => env.close());

  it('a scan comes back byte for byte from each of the three download routes, with its type, its name and nosniff', async () => {
    const bytes = scan('round trip', 3 * 1024 * 1024);
    const reg = await register('cw', [{ name: '申请表（扫描）.pdf', bytes }]);
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    const att = reg.body.attachments[0];
    assert.equal(att.sha256, sha256(bytes));

    const api = await download(reg.body.id, att.id);
    assert.equal(api.status, 200);
    assert.equal(sha256(api.body), sha256(bytes));
    assert.equal(api.headers['content-type'], 'application/pdf');
    assert.match(api.headers['content-disposition']!, /^attachment; /);
    assert.ok(api.headers['content-disposition']!.endsWith(`filename*=UTF-8''${encodeURIComponent('申请表（扫描）.pdf')}`));
    assert.equal(api.headers['x-content-type-options'], 'nosniff');

    const agent = await loginAgent(env.app, 'cw');
    const page = await agent.get(`/applications/${reg.body.id}/attachments/${att.id}`).buffer(true).parse(binary);
    assert.equal(page.status, 200);
    assert.equal(sha256(page.body), sha256(bytes));
    assert.match(page.headers['content-disposition']!, /^inline; /);

    const sent = await request(env.app).post(`/api/applications/${reg.body.id}/consultations`).set(auth('cw')).send({ agencyCodes: ['JSJT'] });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    const requestId = sent.body.consultations[0].inbox.id;
    const inbox = await request(env.app).get(`/api/consultations/${requestId}/attachments/${att.id}`).set(auth('cw2')).buffer(true).parse(binary);
    assert.equal(inbox.status, 200);
    assert.equal(sha256(inbox.body), sha256(bytes));
    assert.equal(inbox.headers['x-content-type-options'], 'nosniff');
  });

  it('a file whose bytes are gone from the database answers 410 with a clear message, and the server carries on', async () => {
    const kept = scan('kept');
    const lost = scan('lost');
    const reg = await register('cw', [{ name: '身份证明.pdf', bytes: kept }, { name: '申请表.pdf', bytes: lost }]);
    assert.equal(reg.status, 201);
    const [keptAtt, lostAtt] = reg.body.attachments;
    await env.db('attachment_contents').where({ sha256: sha256(lost) }).update({ bytes: null });

    const api = await download(reg.body.id, lostAtt.id);
    assert.equal(api.status, 410);
    const body = JSON.parse(api.body.toString('utf8'));
    assert.equal(body.error, 'gone');
    assert.equal(body.message, '附件“申请表.pdf”的内容已丢失，请联系系统管理员从备份恢复（或由承办人重新上传同一文件）');
    const agent = await loginAgent(env.app, 'cw');
    const page = await agent.get(`/applications/${reg.body.id}/attachments/${lostAtt.id}`);
    assert.equal(page.status, 410);
    assert.match(page.text, /内容已丢失/);

    // Still serving: the next requests answer as usual.
    assert.equal((await request(env.app).get('/api/health')).status, 200);
    const other = await download(reg.body.id, keptAtt.id);
    assert.equal(other.status, 200);
    assert.equal(sha256(other.body), sha256(kept));

    // Uploading the same file again brings the lost bytes back for the old row too.
    const again = await request(env.app).post(`/api/applications/${reg.body.id}/attachments`).set(auth('cw'))
      .attach('attachments', lost, { filename: '申请表（补）.pdf', contentType: 'application/pdf' });
    assert.equal(again.status, 201);
    const restored = await download(reg.body.id, lostAtt.id);
    assert.equal(restored.status, 200);
    assert.equal(sha256(restored.body), sha256(lost));
  });

  it('an event refused by the machine stores none of the files sent with it', async () => {
    const reg = await register('cw', []);
    const file = scan('refused event');
    const before = await contentRows();
    const res = await request(env.app).post(`/api/applications/${reg.body.id}/events`).set(auth('cw'))
      .field('type', 'RECORD_OPINION').field('date', '2026-11-20').field('consultationId', 'c99').field('opinion', 'consent')
      .attach('attachments', file, { filename: '意见书.pdf', contentType: 'application/pdf' });
    assert.ok(res.status >= 400 && res.status < 500, `${res.status} ${JSON.stringify(res.body)}`);
    assert.equal(await contentRows(), before);
    assert.equal(Number((await env.db('attachments').where({ application_id: reg.body.id }).count({ n: '*' }).first())?.n), 0);
  });

  it('a registration failing after its files were stored keeps no bytes, and an identical one committing at the same time keeps its own', async () => {
    // The planning bureau's signing key is broken: its registrations fail while issuing the receipt,
    // after the attachment rows and bytes were written in the same transaction.
    const ghzy = (await findAgencyByCode(env.db, 'GHZY'))!;
    await env.db('agency_keys').where({ agency_id: ghzy.id }).update({ p12: Buffer.from('not a PKCS#12 file'), p12_sha256: 'broken' });
    const count = async (agencyId: number) => Number((await env.db('applications').where({ agency_id: agencyId }).count({ n: '*' }).first())?.n);
    const ghzyBefore = await count(ghzy.id);
    // Each failure is a 503 naming the unusable key, which the server logs (one JSON line with the fault); read here instead of stdout.
    const logged: string[] = [];
    app = createApp({ ...env.ctx, logger: createLogger('error', { write: (line: string) => void logged.push(line) }) });
    try {
      const alone = scan('failing alone');
      const failed = await register('cw', [{ name: 'a.pdf', bytes: alone }]);
      assert.equal(failed.status, 503);
      assert.match(failed.body.message, /签章证书无法使用/);
      assert.equal(await env.db('attachment_contents').where({ sha256: sha256(alone) }).first('sha256'), undefined, 'no bytes left behind');

      const files = Array.from({ length: 6 }, (_, i) => scan(`race ${i}`, 256 * 1024));
      const results = await Promise.all(files.flatMap((bytes, i) => {
        const failing = register('cw', [{ name: `f${i}.pdf`, bytes }]);
        const committing = register('cw2', [{ name: `c${i}.pdf`, bytes }]);
        return i % 2 ? [committing, failing] : [failing, committing];
      }));
      const committed = results.filter((r) => r.status === 201);
      assert.equal(committed.length, files.length, results.map((r) => r.status).join(','));
      assert.equal(results.filter((r) => r.status === 503).length, files.length);
      assert.equal(await count(ghzy.id), ghzyBefore, 'the failing registrations left no case');
      for (const r of committed) {
        const att = r.body.attachments[0];
        const dl = await download(r.body.id, att.id, 'cw2');
        assert.equal(dl.status, 200);
        assert.equal(sha256(dl.body), att.sha256);
      }
      assert.equal(await orphanContents(), 0, 'every stored content belongs to an attachment');
    } finally {
      app = undefined;
      await makeSelfSignedKey(env.db, env.ctx.config, ghzy);
    }
  });

  it('a transfer hands the same bytes to the receiving case without copying them', async () => {
    const bytes = scan('transfer');
    const reg = await register('cw', [{ name: '申请表.pdf', bytes }]);
    const done = await request(env.app).post(`/api/applications/${reg.body.id}/events`).set(auth('appr'))
      .send({ type: 'TRANSFER', date: '2026-11-20', agencyCode: 'JSJT', reason: '该信息由区建设和交通委制作' });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    const to = done.body.transfer.to;
    const received = (await request(env.app).get(`/api/applications/${to.id}`).set(auth('cw2'))).body;
    const dl = await download(to.id, received.attachments[0].id, 'cw2');
    assert.equal(sha256(dl.body), sha256(bytes));
    assert.equal(Number((await env.db('attachment_contents').where({ sha256: sha256(bytes) }).count({ n: '*' }).first())?.n), 1);
  });

  // Last: it takes the schema back before these migrations and forward again.
  describe('moving the files of an older version in (migrations 20261122000010 and 11)', () => {
    it('moves each file into the database, keeps the rows whose file is missing or altered (410), and leaves the files where they were', async () => {
      const inDb = scan('already in the database');
      const before = await register('cw', [{ name: '已入库.pdf', bytes: inDb }]);
      const old = await register('cw', []);
      // A letter sent before the upgrade: it carried the files the case had then.
      const sent = await request(env.app).post(`/api/applications/${old.body.id}/consultations`).set(auth('cw')).send({ agencyCodes: ['JSJT'] });
      assert.equal(sent.status, 201);
      const requestId = sent.body.consultations[0].inbox.id;

      const migrator = env.db.withUserParams({ dataDir: env.dataDir });
      // Back to before these migrations. On PostgreSQL every later one goes first, as later tables refer
      // to attachment_contents and PostgreSQL refuses to drop a table others refer to. SQLite drops it
      // (the referring tables are empty), but cannot take every later migration back: a column dropped
      // there rebuilds a table others refer to.
      const [done] = (await migrator.migrate.list()) as [{ name: string }[], unknown];
      const later = done.map((m) => (typeof m === 'string' ? m : m.name)).filter((n) => n >= MIGRATIONS[0]!).sort().reverse();
      const names = env.db.client.config.client === 'pg' ? later : [...MIGRATIONS].reverse();
      for (const name of names) await migrator.migrate.down({ name });
      // Going back writes the bytes out where the older version reads them.
      const writtenBack = join(env.dataDir, 'attachments', sha256(inDb).slice(0, 2), sha256(inDb));
      assert.equal(sha256(readFileSync(writtenBack)), sha256(inDb));

      // The older layout: content-addressed files under DATA_DIR/attachments, named by the rows.
      const good = scan('good file');
      const altered = scan('altered file');
      const missing = scan('missing file');
      const place = (b: Buffer, content = b) => {
        const rel = join('attachments', sha256(b).slice(0, 2), sha256(b));
        mkdirSync(join(env.dataDir, 'attachments', sha256(b).slice(0, 2)), { recursive: true });
        writeFileSync(join(env.dataDir, rel), content);
        return rel;
      };
      const cwId = Number((await env.db('users').where({ username: 'cw' }).first('id')).id);
      const row = (filename: string, b: Buffer, storagePath: string, createdAt: string) => ({
        application_id: old.body.id, filename, mime: 'application/pdf', size: b.length, sha256: sha256(b), storage_path: storagePath, uploaded_by: cwId, created_at: createdAt,
      });
      const early = '2026-01-01T00:00:00.000Z';
      await env.db('attachments').insert([
        row('申请表.pdf', good, place(good), early),
        row('被改动.pdf', altered, place(altered, Buffer.concat([altered.subarray(0, 100), Buffer.from('tampered')])), early),
        row('已丢失.pdf', missing, join('attachments', sha256(missing).slice(0, 2), sha256(missing)), '2099-01-01T00:00:00.000Z'),
      ]);

      await migrator.migrate.latest();

      const view = (await request(env.app).get(`/api/applications/${old.body.id}`).set(auth('cw'))).body;
      const byName = Object.fromEntries(view.attachments.map((a: { filename: string; id: number }) => [a.filename, a.id]));
      const moved = await download(old.body.id, byName['申请表.pdf']);
      assert.equal(moved.status, 200);
      assert.equal(sha256(moved.body), sha256(good));
      assert.equal((await download(old.body.id, byName['被改动.pdf'])).status, 410, 'other bytes than uploaded are never served');
      assert.equal((await download(old.body.id, byName['已丢失.pdf'])).status, 410);
      const roundTrip = await download(before.body.id, before.body.attachments[0].id);
      assert.equal(sha256(roundTrip.body), sha256(inDb));
      assert.ok(view.attachments.every((a: { origin: string }) => a.origin === 'filed'));
      assert.ok(existsSync(join(env.dataDir, 'attachments', sha256(good).slice(0, 2), sha256(good))), 'the old files are left for the operator');

      // The letter sent before carried what the case had then (not the later row).
      const carried = await request(env.app).get(`/api/consultations/${requestId}/attachments/${byName['申请表.pdf']}`).set(auth('cw2')).buffer(true).parse(binary);
      assert.equal(carried.status, 200);
      assert.equal((await request(env.app).get(`/api/consultations/${requestId}/attachments/${byName['已丢失.pdf']}`).set(auth('cw2'))).status, 404);
    });
  });
});
