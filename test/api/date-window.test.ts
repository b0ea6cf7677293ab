import assert from 'node:assert/strict';
import request from 'supertest';
import { tamper } from '../helpers/history.js';
import { applicationBody, createTestEnv, type TestEnv } from '../helpers/test-app.js';

// Finding 4: every date a person enters lies in a sane window — not before 2008-05-01, when the
// Regulation took effect; a fact not after today; a plan (a later reply date, a new reply date, a
// calendar override) at most two years ahead; a report year from 2008 to next year — and a row
// already stored outside it still renders, its deadlines marked unknown, without burning CPU.
// Today is Friday 20 November 2026.
describe('dates lie in a sane window (finding 4)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const BEFORE_REGULATION = '2008-04-30';
  const TOMORROW = '2026-11-21';
  const tooEarly = (label: string) => `${label}不能早于2008年5月1日（《政府信息公开条例》施行之日）`;

  const register = (receivedDate: string) => request(env.app).post('/api/applications').set(auth('cw')).send(applicationBody({ receivedDate }));
  const registered = async (receivedDate = '2026-11-02'): Promise<number> => {
    const r = await register(receivedDate);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id;
  };
  const send = (id: number, who: string, body: object) => request(env.app).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
  const sent = async (id: number, who: string, body: object) => {
    const r = await send(id, who, body);
    assert.equal(r.status, 200, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
    return r.body;
  };
  /** A row stored before the window existed: its receipt (and registration) dated `date`. */
  const backdate = async (id: number, date: string) => {
    await env.db('applications').where({ id }).update({ received_date: date });
    // Behind the app's back (the history is append-only to it): as a row written before the window.
    await tamper(env.db, () => env.db('application_events').where({ application_id: id, seq: 1 }).update({ effective_date: date }));
  };
  const count = async (table: string) => Number((await env.db(table).count({ n: '*' }).first())?.n);

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    for (const u of ['cw', 'rev', 'appr', 'legal', 'mgr', 'admin']) tokens[u] = await env.token(u);
  });
  after(async () => {
    await env?.close();
  });

  it('registration refuses a receipt date before 2008-05-01 or after today, and accepts 2008-05-01', async () => {
    const before = await count('applications');
    for (const [date, message] of [[BEFORE_REGULATION, tooEarly('收到申请之日')], ['0001-01-01', tooEarly('收到申请之日')], [TOMORROW, '收到申请之日不能晚于今天']] as const) {
      const r = await register(date);
      assert.equal(r.status, 422, `${date}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.fields?.receivedDate, message, date);
    }
    assert.equal(await count('applications'), before, 'nothing registered');
    assert.equal((await register('2008-05-01')).status, 201);
  });

  it('an event refuses a date before 2008-05-01, even on a case stored with an earlier receipt, or after today', async () => {
    const id = await registered('2024-09-02');
    await backdate(id, '2001-03-05');
    for (const [date, message] of [['2005-06-01', tooEarly('收到撤回申请之日')], [TOMORROW, '收到撤回申请之日不能晚于今天']] as const) {
      const r = await send(id, 'cw', { type: 'WITHDRAW', date });
      assert.equal(r.status, 422, `${date}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.fields?.date, message, date);
    }
    const history = await env.db('application_events').where({ application_id: id }).select('type');
    assert.deepEqual(history.map((e) => e.type), ['REGISTER'], 'nothing was recorded');
  });

  it('an Art. 35 later reply date is a plan: at most two years after it is fixed', async () => {
    const id = await registered('2026-11-16');
    await sent(id, 'cw', { type: 'REQUEST_REASONS', date: '2026-11-18', note: '请说明申请用途' });
    const far = await send(id, 'appr', { type: 'SET_LATER_DATE', date: '2026-11-20', laterReplyDate: '2028-11-21', reason: '约五百份，需逐份审查' });
    assert.equal(far.status, 422, JSON.stringify(far.body));
    assert.equal(far.body.message, '延迟答复的期限不能晚于2028年11月20日（2年之内）');
    const ok = await sent(id, 'appr', { type: 'SET_LATER_DATE', date: '2026-11-20', laterReplyDate: '2027-03-01', reason: '约五百份，需逐份审查' });
    assert.equal(ok.deadlines.replyDue, '2027-03-01');
  });

  it('an appeal refuses dates before 2008-05-01 and facts after today; its new reply date is at most two years ahead', async () => {
    const appId = await registered('2026-09-01');
    const appeal = (body: object) => request(env.app).post(`/api/applications/${appId}/appeals`).set(auth('legal')).send({
      kind: 'reconsideration', procedure: 'ordinary', body: '东江区人民政府', externalCaseNumber: '东府复〔2026〕99号', receivedDate: '2026-11-02', ...body,
    });
    const before = await count('appeals');
    const early = await appeal({ acceptedDate: BEFORE_REGULATION });
    assert.equal(early.status, 422, JSON.stringify(early.body));
    assert.equal(early.body.fields?.acceptedDate, tooEarly('受理之日'));
    const late = await appeal({ receivedDate: TOMORROW });
    assert.equal(late.status, 422);
    assert.equal(late.body.fields?.receivedDate, '收到副本之日不能晚于今天');
    assert.equal(await count('appeals'), before, 'nothing logged');

    const created = await appeal({ acceptedDate: '2026-10-30' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const appealId = created.body.id;
    const event = (body: object) => request(env.app).post(`/api/appeals/${appealId}/events`).set(auth('legal')).send(body);
    const beforeRegulation = await event({ type: 'DRAFT_ANSWER', date: BEFORE_REGULATION, summary: '答复要点' });
    assert.equal(beforeRegulation.status, 422);
    assert.equal(beforeRegulation.body.fields?.date, tooEarly('起草日期'));
    assert.equal((await event({ type: 'SUBMIT_ANSWER', date: '2026-11-05', evidence: [] })).status, 200);
    // The application was withdrawn: a decision ordering a new reply reopens it (重新答复).
    await sent(appId, 'cw', { type: 'WITHDRAW', date: '2026-11-06' });
    const decide = (newReplyDueDate: string) =>
      event({ type: 'RECORD_DECISION', date: '2026-11-20', outcome: 'corrected', decisionType: '撤销并责令重作', summary: '责令重新答复', newReplyDueDate });
    const far = await decide('2028-11-21');
    assert.equal(far.status, 422, JSON.stringify(far.body));
    assert.equal(far.body.message, '重新答复期限不能晚于2028年11月20日（2年之内）');
    assert.equal((await request(env.app).get(`/api/applications/${appId}`).set(auth('cw'))).body.state, 'closed', 'not reopened');
    assert.equal((await decide('2026-12-18')).status, 200);
  });

  it('a document is not issued with a date before 2008-05-01, even on a case stored with an earlier receipt', async () => {
    const id = await registered('2024-09-02');
    await sent(id, 'cw', { type: 'REQUEST_CORRECTION', date: '2024-09-03', items: ['请写明文件名称'], periodWorkingDays: 10 });
    const docs = (await request(env.app).get(`/api/applications/${id}/documents`).set(auth('cw'))).body.items as { id: number; kind: string; status: string }[];
    const notice = docs.find((d) => d.kind === 'correction_notice' && d.status === 'draft');
    assert.ok(notice, JSON.stringify(docs));
    await backdate(id, '2001-03-05');
    const r = await request(env.app).post(`/api/documents/${notice.id}/issue`).set(auth('cw')).send({ date: '2005-06-01' });
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.fields?.date, tooEarly('发出日期'));
    const tomorrow = await request(env.app).post(`/api/documents/${notice.id}/issue`).set(auth('cw')).send({ date: TOMORROW });
    assert.equal(tomorrow.body.fields?.date, '发出日期不能晚于今天');
  });

  it('a calendar override lies between 2008-05-01 and two years ahead; an old one can still be removed', async () => {
    const put = (date: string) => request(env.app).put(`/api/calendar/overrides/${date}`).set(auth('admin')).send({ kind: 'holiday', note: '测试' });
    const before = await count('calendar_overrides');
    const early = await put(BEFORE_REGULATION);
    assert.equal(early.status, 422, JSON.stringify(early.body));
    assert.equal(early.body.fields?.date, tooEarly('日期'));
    const far = await put('2028-11-21');
    assert.equal(far.status, 422);
    assert.equal(far.body.fields?.date, '日期不能晚于2028年11月20日（2年之内）');
    assert.equal(await count('calendar_overrides'), before, 'nothing stored');
    assert.equal((await put('2028-11-20')).status, 200, 'next year and the one after are fine');
    assert.equal((await request(env.app).delete('/api/calendar/overrides/2028-11-20').set(auth('admin'))).status, 200);
    await env.db('calendar_overrides').insert({ date: '2005-10-08', kind: 'holiday', note: '窗口之前录入', created_at: new Date().toISOString() });
    assert.equal((await request(env.app).delete('/api/calendar/overrides/2005-10-08').set(auth('admin'))).status, 200);
  });

  it('report years run from 2008 to next year: the annual report, its exports and lock, the briefing and the dashboard', async () => {
    const get = (path: string) => request(env.app).get(path).set(auth('mgr'));
    const tooEarlyYear = '年份不能早于2008年（《政府信息公开条例》2008年5月1日施行）';
    for (const [year, message] of [[2007, tooEarlyYear], [2028, '年份不能晚于2027年']] as const) {
      const annual = await get(`/api/reports/annual?year=${year}&agency=GHZY`);
      assert.equal(annual.status, 422, `annual ${year}`);
      assert.equal(annual.body.fields?.year, message);
      assert.equal((await get(`/api/reports/annual/cell?year=${year}&agency=GHZY&row=new&column=total`)).status, 422, `cell ${year}`);
      assert.equal((await get(`/api/reports/annual.csv?year=${year}&agency=GHZY`)).status, 422, `csv ${year}`);
      const job = await request(env.app).post('/api/reports/exports').set(auth('mgr')).send({ kind: 'annual_ledger', year, agency: 'GHZY', format: 'csv' });
      assert.equal(job.status, 422, `export ${year}`);
      const lock = await request(env.app).post('/api/reports/annual/lock').set(auth('mgr')).send({ year, agency: 'GHZY' });
      assert.equal(lock.status, 422, `lock ${year}`);
      assert.equal(lock.body.fields?.year, message);
      const briefing = await get(`/api/reports/briefing?year=${year}`);
      assert.equal(briefing.status, 422, `briefing ${year}`);
      assert.equal(briefing.body.fields?.period, message);
      assert.equal((await get(`/api/reports/dashboard?year=${year}`)).status, 422, `dashboard ${year}`);
    }
    assert.equal((await get('/api/reports/briefing?from=2001-01-01&to=2026-06-30')).status, 422, 'a custom period too');
    assert.equal((await get('/api/reports/annual?year=2008&agency=GHZY')).status, 200);
    assert.equal((await get('/api/reports/annual?year=2027&agency=GHZY')).status, 200);
    assert.equal(await count('report_locks'), 0);
  });

  it('a case stored with a receipt in year 1 still renders, at once, its deadlines marked unknown', async () => {
    const id = await registered('2024-09-02');
    await backdate(id, '0001-01-01');
    const started = process.hrtime.bigint();
    const res = await request(env.app).get(`/api/applications/${id}`).set(auth('cw'));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.equal(res.status, 200, JSON.stringify(res.body));
    // Counting working days from year 1 took about a second of CPU per view; now nothing is counted.
    assert.ok(ms < 1000, `answered in ${ms.toFixed(0)} ms`);
    assert.equal(res.body.deadlines.replyDue, null);
    assert.match(res.body.deadlines.unknownReason, /^期限无法计算：收到申请之日（1年1月1日）/);
    const page = await request(env.app).get(`/applications/${id}`).set(auth('cw'));
    assert.equal(page.status, 200);
    assert.match(page.text, /期限无法计算/);
    const list = await request(env.app).get('/api/applications?pageSize=200').set(auth('cw'));
    assert.equal(list.status, 200);
    assert.ok(list.body.items.some((a: { id: number }) => a.id === id), 'listed too');
  });
});
