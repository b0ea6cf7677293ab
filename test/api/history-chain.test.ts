import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import request from 'supertest';
import type { Knex } from 'knex';
import { chainHash, chainText, GENESIS } from '../../db/history-hash.js';
import { audit } from '../../server/audit.js';
import { verifyHistory, type VerifyReport } from '../../server/history/history-verify.js';
import { applicationBody, createTestEnv, type TestEnv } from '../helpers/test-app.js';
import { replyFacts } from '../helpers/replies.js';
import { tamper } from '../helpers/history.js';

const isPg = (db: Knex) => db.client.config.client === 'pg';
const rowsOf = (r: unknown): Record<string, unknown>[] => (Array.isArray(r) ? r : (r as { rows: Record<string, unknown>[] }).rows);

const firstBreak = (r: VerifyReport) => r.breaks[0];

describe('tamper-evident history: hash chains over events and the audit log (hardening, finding 8)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const register = async () => {
    const res = await request(env.app).post('/api/applications').set(auth('cw')).send(applicationBody({ receivedDate: '2026-11-02' }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: number; caseNumber: string };
  };
  const send = async (id: number, body: object, who = 'cw') => {
    const res = await request(env.app).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };
  /** A case with four events: registration, correction asked and received, a reply drafted. */
  const caseWithHistory = async () => {
    const app = await register();
    await send(app.id, { type: 'REQUEST_CORRECTION', date: '2026-11-04', items: ['请写明所需文件的名称'], periodWorkingDays: 10 });
    await send(app.id, { type: 'CORRECTION_RECEIVED', date: '2026-11-06' });
    await send(app.id, { type: 'DRAFT_REPLY', date: '2026-11-09', decision: 'disclose', ...replyFacts('disclose') });
    return app;
  };
  const events = async (applicationId: number) => env.db('application_events').where({ application_id: applicationId }).orderBy('seq');

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    for (const u of ['cw', 'appr']) tokens[u] = await env.token(u);
  });
  after(async () => env.close());
  // Every test puts back what it changed: the history verifies again before the next one.
  afterEach(async function () {
    if (this.currentTest?.state !== 'passed') return;
    const r = await verifyHistory(env.db);
    assert.ok(r.ok, `history left broken: ${JSON.stringify(r.breaks[0])}`);
  });

  it('chains each event of a case to the one before it, the first to the genesis hash', async () => {
    const app = await caseWithHistory();
    const rows = await events(app.id);
    assert.equal(rows.length, 4);
    assert.equal(rows[0].prev_hash, GENESIS);
    for (let i = 1; i < rows.length; i++) assert.equal(rows[i].prev_hash, rows[i - 1].hash, `seq ${rows[i].seq}`);
    for (const r of rows) assert.equal(r.hash, chainHash('application_events', r.prev_hash, r));
  });

  it('chains each audit entry to the one before it, and keeps the last one as the log\'s head', async () => {
    await caseWithHistory();
    const rows = await env.db('audit_log').orderBy('id');
    assert.equal(rows[0].prev_hash, GENESIS);
    for (let i = 1; i < rows.length; i++) assert.equal(rows[i].prev_hash, rows[i - 1].hash, `audit_log row ${rows[i].id}`);
    const head = await env.db('history_heads').where({ chain: 'audit_log' }).first();
    assert.equal(Number(head.length), rows.length);
    assert.equal(Number(head.last_id), rows.at(-1).id);
    assert.equal(head.hash, rows.at(-1).hash);
  });

  it('records each event\'s hash in its audit entry, which anchors the end of the case\'s chain', async () => {
    const app = await caseWithHistory();
    const last = (await events(app.id)).at(-1);
    const entry = await env.db('audit_log').where({ entity: 'application', entity_id: String(app.id), action: 'application.event.DRAFT_REPLY' }).first();
    assert.deepEqual({ seq: JSON.parse(entry.detail).seq, eventHash: JSON.parse(entry.detail).eventHash }, { seq: 4, eventHash: last.hash });
  });

  it('hashes a row read back from this database exactly as from the other (same text, same hash)', async () => {
    const app = await register();
    const actor = await env.db('users').where({ username: 'cw' }).first('id');
    await tamper(env.db, async () => {
      await env.db('application_events').insert({
        application_id: app.id, seq: 99, type: 'REQUEST_CORRECTION', effective_date: '2026-11-05',
        payload: '{"periodWorkingDays":10, "items":["请写明所需文件的名称"]}', actor_id: actor.id, actor_role: 'caseworker',
        recorded_at: '2026-11-05T02:03:04.005Z', prev_hash: GENESIS, hash: 'x',
      });
      const back = await env.db('application_events').where({ application_id: app.id, seq: 99 }).first();
      await env.db('application_events').where({ application_id: app.id, seq: 99 }).del();
      const text = '{"chain":"application_events","prev":"' + GENESIS + '","row":{"actor_id":' + actor.id + ',"actor_role":"caseworker",'
        + '"application_id":' + app.id + ',"effective_date":"2026-11-05","payload":{"items":["请写明所需文件的名称"],"periodWorkingDays":10},'
        + '"recorded_at":"2026-11-05T02:03:04.005Z","seq":99,"type":"REQUEST_CORRECTION"}}';
      assert.equal(chainText('application_events', GENESIS, back), text);
      assert.equal(chainHash('application_events', GENESIS, back), createHash('sha256').update(text).digest('hex'));
    });
  });

  it('finds an untouched history intact, counting rows and chains per table', async () => {
    await caseWithHistory();
    const r = await verifyHistory(env.db);
    assert.equal(r.ok, true, JSON.stringify(r.breaks));
    const byTable = Object.fromEntries(r.tables.map((t) => [t.table, t]));
    assert.equal(byTable.application_events!.rows, Number((await env.db('application_events').count({ n: '*' }).first())!.n));
    assert.equal(byTable.application_events!.chains, Number((await env.db('applications').count({ n: '*' }).first())!.n));
    assert.equal(byTable.audit_log!.rows, Number((await env.db('audit_log').count({ n: '*' }).first())!.n));
    assert.ok(r.anchorsChecked > 0);
    const last = await env.db('audit_log').orderBy('id', 'desc').first();
    assert.deepEqual(r.auditHead, { id: last.id, hash: last.hash });
    // Read in pages (a million rows never sit in memory): pages of 2 walk the same chains.
    assert.deepEqual(await verifyHistory(env.db, { pageSize: 2 }), r);
  });

  it('names an event whose content was changed: case number, seq and row id', async () => {
    const app = await caseWithHistory();
    const row = (await events(app.id))[1];
    await tamper(env.db, () => env.db('application_events').where({ id: row.id }).update({ payload: '{"items":["改过的内容"],"periodWorkingDays":10}' }));
    const r = await verifyHistory(env.db);
    assert.equal(r.ok, false);
    assert.equal(r.breakCount, 1);
    assert.deepEqual(
      { table: firstBreak(r)!.table, kind: firstBreak(r)!.kind, rowId: firstBreak(r)!.rowId, expected: firstBreak(r)!.expected },
      { table: 'application_events', kind: 'content', rowId: row.id, expected: row.hash },
    );
    assert.match(firstBreak(r)!.where, new RegExp(`case ${app.caseNumber} seq 2 \\(row id ${row.id}\\)`));
    await tamper(env.db, () => env.db('application_events').where({ id: row.id }).update({ payload: row.payload }));
  });

  it('names the event after one that was changed and re-hashed: its link no longer matches', async () => {
    const app = await caseWithHistory();
    const [, second, third] = await events(app.id);
    const forged = { ...second, type: 'WITHDRAW' };
    await tamper(env.db, () => env.db('application_events').where({ id: second.id }).update({ type: 'WITHDRAW', hash: chainHash('application_events', second.prev_hash, forged) }));
    const r = await verifyHistory(env.db);
    assert.equal(firstBreak(r)?.kind, 'link');
    assert.equal(firstBreak(r)?.rowId, third.id);
    assert.equal(firstBreak(r)?.found, second.hash);
    await tamper(env.db, () => env.db('application_events').where({ id: second.id }).update({ type: second.type, hash: second.hash }));
  });

  it('names the gap where an event was deleted from the middle of a case\'s history', async () => {
    const app = await caseWithHistory();
    const [, second, third] = await events(app.id);
    await tamper(env.db, () => env.db('application_events').where({ id: second.id }).del());
    const r = await verifyHistory(env.db, { pageSize: 2 });
    assert.equal(firstBreak(r)?.kind, 'gap');
    assert.equal(firstBreak(r)?.rowId, third.id);
    assert.match(firstBreak(r)!.where, new RegExp(`case ${app.caseNumber} seq 3`));
    assert.match(firstBreak(r)!.message, /1 event\(s\) before it are missing/);
    await tamper(env.db, () => env.db('application_events').insert(second));
  });

  it('finds the last events of a case deleted, through the audit entries that recorded them', async () => {
    const app = await caseWithHistory();
    const last = (await events(app.id)).at(-1);
    await tamper(env.db, () => env.db('application_events').where({ id: last.id }).del());
    const r = await verifyHistory(env.db);
    assert.equal(r.tables.find((t) => t.table === 'application_events')!.firstBreak, null, 'the shortened chain is consistent in itself');
    assert.equal(firstBreak(r)?.kind, 'anchor');
    assert.match(firstBreak(r)!.where, new RegExp(`case ${app.caseNumber} seq 4`));
    assert.equal(firstBreak(r)?.expected, last.hash);
    assert.equal(firstBreak(r)?.found, '(no such event)');
    await tamper(env.db, () => env.db('application_events').insert(last));
  });

  it('names an audit entry whose content was changed by its row id', async () => {
    await caseWithHistory();
    const row = await env.db('audit_log').where({ action: 'auth.login' }).orderBy('id').first();
    await tamper(env.db, () => env.db('audit_log').where({ id: row.id }).update({ ip: '10.9.8.7' }));
    const r = await verifyHistory(env.db);
    assert.deepEqual({ table: firstBreak(r)?.table, kind: firstBreak(r)?.kind, rowId: firstBreak(r)?.rowId }, { table: 'audit_log', kind: 'content', rowId: row.id });
    assert.match(firstBreak(r)!.where, new RegExp(`audit_log row ${row.id} \\(auth.login\\)`));
    await tamper(env.db, () => env.db('audit_log').where({ id: row.id }).update({ ip: row.ip }));
  });

  it('finds a row deleted from the middle of the audit log', async () => {
    await caseWithHistory();
    const rows = await env.db('audit_log').orderBy('id');
    const middle = rows[Math.floor(rows.length / 2)];
    await tamper(env.db, () => env.db('audit_log').where({ id: middle.id }).del());
    const r = await verifyHistory(env.db);
    const b = r.breaks.find((x) => x.table === 'audit_log')!;
    assert.equal(b.kind, 'link');
    assert.equal(b.rowId, rows[rows.indexOf(middle) + 1].id);
    assert.equal(b.found, middle.hash);
    await tamper(env.db, () => env.db('audit_log').insert(middle));
  });

  it('finds entries cut off the end of the audit log: the log no longer reaches its head', async () => {
    await caseWithHistory();
    const tail = await env.db('audit_log').orderBy('id', 'desc').limit(2);
    await tamper(env.db, () => env.db('audit_log').whereIn('id', tail.map((t) => t.id)).del());
    const r = await verifyHistory(env.db);
    const b = r.breaks.find((x) => x.kind === 'tail');
    assert.ok(b, JSON.stringify(r.breaks));
    assert.match(b.expected, new RegExp(`last row ${tail[0].id} with hash ${tail[0].hash}`));
    await tamper(env.db, () => env.db('audit_log').insert([...tail].reverse()));
  });

  it('finds an issued document whose stored text was changed, through its issue entry', async () => {
    const app = await register();
    const receipt = await env.db('documents').where({ application_id: app.id, kind: 'receipt', status: 'issued' }).first();
    const entry = JSON.parse((await env.db('audit_log').where({ action: 'document.issue', entity_id: String(receipt.id) }).first()).detail);
    assert.equal(entry.bodySha256, createHash('sha256').update(receipt.body).digest('hex'));
    await env.db('documents').where({ id: receipt.id }).update({ body: receipt.body.replace('申请', '请求') });
    const r = await verifyHistory(env.db);
    assert.equal(firstBreak(r)?.kind, 'anchor');
    assert.match(firstBreak(r)!.where, new RegExp(`document ${receipt.number}`));
    await env.db('documents').where({ id: receipt.id }).update({ body: receipt.body });
  });

  it('a log rewritten consistently from end to end passes its own checks, but not a head noted before', async () => {
    await caseWithHistory();
    const noted = await verifyHistory(env.db);
    const anchor = noted.auditHead!;
    const rows = await env.db('audit_log').orderBy('id');
    const rewrite = async (change: (r: Record<string, unknown>) => Record<string, unknown>) => tamper(env.db, async () => {
      let prev = GENESIS;
      for (const row of rows) {
        const next = change(row);
        const hash = chainHash('audit_log', prev, next);
        await env.db('audit_log').where({ id: row.id }).update({ ...next, prev_hash: prev, hash });
        prev = hash;
      }
      await env.db('history_heads').where({ chain: 'audit_log' }).update({ hash: prev });
    });
    await rewrite((r) => (r.action === 'auth.login' ? { ...r, ip: '10.0.0.1' } : r));
    assert.equal((await verifyHistory(env.db)).ok, true, 'without an outside record a full rewrite is not detectable');
    const r = await verifyHistory(env.db, { anchors: [anchor] });
    assert.equal(r.ok, false);
    assert.deepEqual({ kind: firstBreak(r)?.kind, rowId: firstBreak(r)?.rowId, expected: firstBreak(r)?.expected }, { kind: 'external_anchor', rowId: anchor.id, expected: anchor.hash });
    await rewrite((r) => r);
    assert.equal((await verifyHistory(env.db, { anchors: [anchor] })).ok, true);
  });

  it('keeps one unbroken audit chain when twenty cases record events at the same moment', async () => {
    const cases = await Promise.all(Array.from({ length: 20 }, () => register()));
    const before = Number((await env.db('audit_log').count({ n: '*' }).first())!.n);
    const results = await Promise.all(cases.map((c) => request(env.app).post(`/api/applications/${c.id}/events`).set(auth('cw'))
      .send({ type: 'REQUEST_CORRECTION', date: '2026-11-04', items: ['请写明所需文件的名称'], periodWorkingDays: 10 })));
    assert.deepEqual(results.map((r) => r.status), cases.map(() => 200));
    const rows = await env.db('audit_log').orderBy('id');
    assert.equal(rows.length, before + 20);
    for (let i = 1; i < rows.length; i++) assert.equal(rows[i].prev_hash, rows[i - 1].hash, `audit_log row ${rows[i].id}`);
    assert.equal((await verifyHistory(env.db)).ok, true);
  });

  it('keeps one unbroken audit chain under twenty audit writes at once, each in its own transaction', async () => {
    const hashes = new Set((await env.db('audit_log').select('prev_hash')).map((r) => r.prev_hash));
    await Promise.all(Array.from({ length: 20 }, (_, i) => audit(env.db, { actor: null, action: 'test.parallel', detail: { i } })));
    const rows = await env.db('audit_log').where({ action: 'test.parallel' }).orderBy('id');
    assert.equal(rows.length, 20);
    const prevs = rows.map((r) => r.prev_hash);
    assert.equal(new Set(prevs).size, 20, 'no two entries chained to the same row');
    for (const p of prevs) assert.ok(!hashes.has(p), 'no entry chained to a row another entry already follows');
    const r = await verifyHistory(env.db);
    assert.equal(r.ok, true, JSON.stringify(r.breaks[0]));
  });

  it('refuses updates and deletes of events in the database itself, as it does for the audit log', async () => {
    const app = await register();
    await assert.rejects(env.db('application_events').where({ application_id: app.id }).update({ type: 'WITHDRAW' }), /append-only/);
    await assert.rejects(env.db('application_events').where({ application_id: app.id }).del(), /append-only/);
    if (isPg(env.db)) await assert.rejects(env.db.raw('TRUNCATE audit_log'), /append-only/);
  });
});
