import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, creditCode, type TestEnv } from '../helpers/test-app.js';
import { replyFacts } from '../helpers/replies.js';
import { fixedClock } from '../../server/time.js';

describe('annual report tables 三 and 四 (JSON)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const send = (id: number, who: string, body: object) => request(env.app).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
  const org = (category: string, code17: string) => ({ kind: 'organisation', name: `某${category}单位`, category, creditCode: creditCode(code17) });
  const register = async (receivedDate: string, applicant?: object, who = 'cw') =>
    (await request(env.app).post('/api/applications').set(auth(who)).send(applicationBody({ receivedDate, ...(applicant ? { applicant } : {}) }))).body.id as number;
  const reply = async (id: number, date: string, decision: string, extra: object = {}) => {
    await send(id, 'cw', { type: 'DRAFT_REPLY', date, decision, ...replyFacts(decision, date), ...extra });
    await send(id, 'cw', { type: 'SUBMIT_FOR_REVIEW', date });
    await send(id, 'rev', { type: 'APPROVE_REVIEW', date });
    const r = await send(id, 'appr', { type: 'ISSUE_REPLY', date });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  const report = async (q: string, who = 'mgr') => request(env.app).get(`/api/reports/annual?${q}`).set(auth(who));

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    for (const u of ['cw', 'rev', 'appr', 'cw2', 'mgr', 'legal']) tokens[u] = await env.token(u);
    // GHZY:
    //  A commercial, received 2025-12-22, disclosed 2026-01-12     → 2025 new/carried_out; 2026 carried_in/disclose
    //  B natural person, received 2026-03-02, withdrawn 2026-03-05 → 2026 new/other.other
    //  C natural person, received 2026-11-02, still open           → 2026 new/carried_out
    //  D legal services, received 2026-05-04, partial 2026-05-20   → 2026 new/partial
    //  E research, received 2026-06-01, withheld (process info)    → 2026 new/withhold.process_info
    // JSJT:
    //  F natural person, received 2026-04-01, disclosed 2026-04-10 (counted only with agencies below DJQ)
    env.ctx.clock = fixedClock('2026-11-20');
    const a = await register('2025-12-22', org('commercial', '91310115MA1FL0A1B'));
    await reply(a, '2026-01-12', 'disclose');
    const b = await register('2026-03-02');
    assert.equal((await send(b, 'cw', { type: 'WITHDRAW', date: '2026-03-05' })).status, 200);
    await register('2026-11-02');
    const d = await register('2026-05-04', org('legal_services', '31310000425012345'));
    await reply(d, '2026-05-20', 'partial');
    const e = await register('2026-06-01', org('research', '12310115425001234'));
    await reply(e, '2026-06-15', 'withhold.process_info');
    const f = await register('2026-04-01', undefined, 'cw2');
    await send(f, 'cw2', { type: 'DRAFT_REPLY', date: '2026-04-10', decision: 'disclose', ...replyFacts('disclose') });
    await send(f, 'cw2', { type: 'SUBMIT_FOR_REVIEW', date: '2026-04-10' });
    const rev2 = (await request(env.app).post('/api/auth/token').send({ username: 'rev2', password: 'test-pass-123' })).body.token;
    const appr2 = (await request(env.app).post('/api/auth/token').send({ username: 'appr2', password: 'test-pass-123' })).body.token;
    await request(env.app).post(`/api/applications/${f}/events`).set('Authorization', `Bearer ${rev2}`).send({ type: 'APPROVE_REVIEW', date: '2026-04-10' });
    await request(env.app).post(`/api/applications/${f}/events`).set('Authorization', `Bearer ${appr2}`).send({ type: 'ISSUE_REPLY', date: '2026-04-10' });
    // Table 四: a reconsideration on E received 2026-07-01, corrected; a direct suit on D still pending.
    const recon = await request(env.app).post(`/api/applications/${e}/appeals`).set(auth('legal')).send({ kind: 'reconsideration', procedure: 'simplified', body: '东江区人民政府', externalCaseNumber: 'R1', receivedDate: '2026-07-01' });
    const rid = recon.body.id;
    await request(env.app).post(`/api/appeals/${rid}/events`).set(auth('legal')).send({ type: 'SUBMIT_ANSWER', date: '2026-07-03' });
    await request(env.app).post(`/api/appeals/${rid}/events`).set(auth('legal')).send({ type: 'RECORD_DECISION', date: '2026-08-01', outcome: 'corrected', decisionType: '确认违法', summary: '未说明理由' });
    await request(env.app).post(`/api/applications/${d}/appeals`).set(auth('legal')).send({ kind: 'litigation', procedure: 'first_instance', body: '东江区人民法院', externalCaseNumber: 'L1', receivedDate: '2026-09-01' });
  });
  after(async () => env.close());

  it('counts 2026 for one agency exactly as computed by hand', async () => {
    const res = await report('year=2026&agency=GHZY');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const { table3, table4, balance } = res.body;
    assert.deepEqual(table3.columns, ['natural_person', 'commercial', 'research', 'social_welfare', 'legal_services', 'other_org', 'total']);
    const r = table3.rows;
    const row = (np: number, co: number, re: number, sw: number, ls: number, oo: number) => ({ natural_person: np, commercial: co, research: re, social_welfare: sw, legal_services: ls, other_org: oo, total: np + co + re + sw + ls + oo });
    assert.deepEqual(r.new, row(2, 0, 1, 0, 1, 0));
    assert.deepEqual(r.carried_in, row(0, 1, 0, 0, 0, 0));
    assert.deepEqual(r.disclose, row(0, 1, 0, 0, 0, 0));
    assert.deepEqual(r.partial, row(0, 0, 0, 0, 1, 0));
    assert.deepEqual(r['withhold.process_info'], row(0, 0, 1, 0, 0, 0));
    assert.deepEqual(r['other.other'], row(1, 0, 0, 0, 0, 0));
    assert.deepEqual(r['not_processed.repeat'], row(0, 0, 0, 0, 0, 0));
    assert.deepEqual(r.total, row(1, 1, 1, 0, 1, 0));
    assert.deepEqual(r.carried_out, row(1, 0, 0, 0, 0, 0));
    assert.equal(Object.keys(r).length, 21 + 4, 'every decision code has a row, plus new, carried_in, total, carried_out');
    assert.deepEqual(balance, { ok: true, failures: [] });
    assert.deepEqual(table4.reconsideration, { upheld: 0, corrected: 1, other: 0, pending: 0, total: 1 });
    assert.deepEqual(table4.litigation_direct, { upheld: 0, corrected: 0, other: 0, pending: 1, total: 1 });
    assert.deepEqual(table4.litigation_after_reconsideration, { upheld: 0, corrected: 0, other: 0, pending: 0, total: 0 });
  });

  it('carries an open application from one year into the next', async () => {
    const r = (await report('year=2025&agency=GHZY')).body.table3.rows;
    assert.equal(r.new.commercial, 1);
    assert.equal(r.carried_out.commercial, 1);
    assert.equal(r.total.total, 0);
  });

  it('adds the agencies below when asked', async () => {
    const alone = (await report('year=2026&agency=DJQ')).body.table3.rows;
    assert.equal(alone.new.total, 0);
    const all = (await report('year=2026&agency=DJQ&below=true')).body;
    assert.equal(all.table3.rows.new.total, 5);
    assert.equal(all.table3.rows.disclose.natural_person, 1, 'JSJT’s reply counts under DJQ with the agencies below');
    assert.equal(all.balance.ok, true);
  });

  it('refuses other roles, unknown agencies and bad years', async () => {
    assert.equal((await report('year=2026', 'cw')).status, 403);
    assert.equal((await report('year=2026&agency=NOPE')).status, 404);
    assert.equal((await report('year=twenty')).status, 422);
  });

  it('refuses unknown parameters (422) and multipart (415), and locks nothing', async () => {
    assert.equal((await report('year=2026&colour=red')).body.fields?.colour, '不接受的字段');
    const extra = await request(env.app).post('/api/reports/annual/lock').set(auth('mgr')).send({ year: 2026, agency: 'DJQ', force: true });
    assert.equal(extra.status, 422);
    assert.equal(extra.body.fields.force, '不接受的字段');
    const multipart = await request(env.app).post('/api/reports/annual/lock').set(auth('mgr')).field('year', '2026').field('agency', 'DJQ');
    assert.equal(multipart.status, 415);
    assert.equal(await env.db('report_locks').first(), undefined);
  });

  it('a locked year refuses changes that would alter its figures, until unlocked; both audited', async () => {
    assert.equal((await request(env.app).post('/api/reports/annual/lock').set(auth('cw')).send({ year: 2026, agency: 'GHZY' })).status, 403);
    const lock = await request(env.app).post('/api/reports/annual/lock').set(auth('mgr')).send({ year: 2026, agency: 'DJQ' });
    assert.equal(lock.status, 200, JSON.stringify(lock.body));
    const before = (await report('year=2026&agency=GHZY')).body;
    // A back-dated registration into 2026, and closing the open case C in 2026, are refused.
    const late = await request(env.app).post('/api/applications').set(auth('cw')).send(applicationBody({ receivedDate: '2026-10-01' }));
    assert.equal(late.status, 409);
    assert.match(late.body.message, /2026年度报表已锁定/);
    const open = (await request(env.app).get('/api/applications?open=true&pageSize=200').set(auth('cw'))).body.items.find((a: { receivedDate: string }) => a.receivedDate === '2026-11-02');
    assert.equal((await send(open.id, 'cw', { type: 'WITHDRAW', date: '2026-11-10' })).status, 409);
    // Work that does not change the figures goes on.
    assert.equal((await send(open.id, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'disclose', ...replyFacts('disclose') })).status, 200);
    assert.deepEqual((await report('year=2026&agency=GHZY')).body.table3, before.table3);
    const unlock = await request(env.app).delete('/api/reports/annual/lock?year=2026&agency=DJQ').set(auth('mgr'));
    assert.equal(unlock.status, 200);
    assert.equal((await send(open.id, 'cw', { type: 'WITHDRAW', date: '2026-11-10' })).status, 200);
    const actions = (await env.db('audit_log').whereIn('action', ['report.lock', 'report.unlock']).select('action')).map((r) => r.action);
    assert.deepEqual(actions.sort(), ['report.lock', 'report.unlock']);
  });
});
