import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, csrfOf, loginAgent, residentId, type TestEnv } from '../helpers/test-app.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { trackingToken } from '../../server/public/public-token.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

/** Issue 16: the applicant uploads correction material from /track; the caseworker then records CORRECTION_RECEIVED. */
describe('correction material uploaded by the applicant online (issue 16)', () => {
  let env: TestEnv;
  let smtp: TestSmtp;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  let trackingNumber = '';
  let accessCode = '';
  let appId = 0;

  /** Applies online, confirms the emailed code; the caseworker registers it. */
  async function applyAndRegister(email: string) {
    const started = await request(env.app).post('/api/public/applications').send({
      agency: 'GHZY', email,
      applicant: { kind: 'natural_person', name: '李秀英', idType: 'resident_id', idNumber: residentId('31011519780405202'), phone: '13912345678', address: '东江区锦绣路1号' },
      request: { description: '申请公开某地块的规划许可证。', delivery: 'email' },
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const mail = await smtp.waitFor(email, /验证码/);
    const done = await request(env.app).post(`/api/public/applications/${started.body.submissionId}/confirm`).send({ code: /(\d{6})/.exec(mail.subject)![1] });
    assert.equal(done.status, 201);
    const id = Number((await env.db('online_submissions').where({ tracking_number: done.body.trackingNumber }).first('id')).id);
    const registered = await request(env.app).post(`/api/online-submissions/${id}/confirm`).set(auth('cw'));
    assert.equal(registered.status, 201);
    return { trackingNumber: done.body.trackingNumber as string, accessCode: done.body.accessCode as string, appId: registered.body.id as number };
  }

  before(async () => {
    smtp = await startSmtp();
    env = await createTestEnv({ today: '2026-11-20' });
    env.ctx.config.mail = { smtpUrl: smtp.url, from: 'gongkai@djq.example.gov.cn', publicBaseUrl: 'https://gk.djq.example.gov.cn' };
    for (const u of ['cw', 'cw2']) tokens[u] = await env.token(u);
    ({ trackingNumber, accessCode, appId } = await applyAndRegister('correction@example.cn'));
  });
  after(async () => {
    await env.close();
    await smtp.close();
  });

  const eventCount = async () => Number((await env.db('application_events').where({ application_id: appId }).count({ n: '*' }).first())!.n);
  const caseView = async () => (await request(env.app).get(`/api/applications/${appId}`).set(auth('cw'))).body;

  /** Issues the case's draft notice of `kind` (as the caseworker does from the case page). */
  async function issueNotice(id: number, kind: string) {
    const notice = (await request(env.app).get(`/api/applications/${id}/documents`).set(auth('cw'))).body.items.find((d: { kind: string; status: string }) => d.kind === kind && d.status === 'draft');
    assert.ok(notice, `a draft ${kind}`);
    const issued = await request(env.app).post(`/api/documents/${notice.id}/issue`).set(auth('cw')).send({ date: '2026-11-20' });
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
  }
  const settle = () => new Promise((r) => setTimeout(r, 300));
  const mailsTo = (to: string, subject: RegExp) => smtp.mails.filter((m) => m.to === to && subject.test(m.subject)).length;

  it('the correction mail goes when the notice is issued, not when REQUEST_CORRECTION drafts it', async () => {
    const asked = await request(env.app).post(`/api/applications/${appId}/events`).set(auth('cw'))
      .send({ type: 'REQUEST_CORRECTION', date: '2026-11-20', items: ['请写明地块名称'], periodWorkingDays: 10 });
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    await settle();
    assert.equal(mailsTo('correction@example.cn', /补正/), 0, 'a draft notice is not news to the applicant');
    assert.equal(Number((await env.db('public_mails').where({ kind: 'event.REQUEST_CORRECTION' }).count({ n: '*' }).first())!.n), 0);
    await issueNotice(appId, 'correction_notice');
    const told = await smtp.waitFor('correction@example.cn', /请补正/);
    assert.match(told.text, /补正申请告知书/);
    assert.match(told.text, /2026年11月20日/);
    assert.match(told.text, /\/track\?t=/);
  });

  async function trackAgent() {
    const agent = request.agent(env.app);
    const csrf = csrfOf((await agent.get('/track')).text);
    assert.equal((await agent.post('/track').type('form').send({ _csrf: csrf, trackingNumber, accessCode })).status, 303);
    const page = await agent.get('/track/case');
    assert.match(page.text, /上传补正材料/);
    return { agent, csrf: csrfOf(page.text) };
  }

  it('a wrong or expired tracking session cannot upload (401 or 404, in Chinese), and nothing is stored', async () => {
    const before = (await caseView()).attachments.length;
    // No tracking cookie at all.
    const stranger = request.agent(env.app);
    const csrf = csrfOf((await stranger.get('/track')).text);
    const none = await stranger.post('/track/correction').field('_csrf', csrf).attach('attachments', PDF, { filename: '补正.pdf', contentType: 'application/pdf' });
    assert.equal(none.status, 401, none.text.slice(0, 300));
    assert.match(none.text, /查询已失效，请重新输入查询号和查询码/);
    // An expired cookie, and a forged one.
    for (const cookie of [trackingToken(env.ctx, trackingNumber, -60), `${trackingNumber}.9999999999.${'0'.repeat(64)}`]) {
      const res = await stranger.post('/track/correction').set('Cookie', `dd_track=${cookie}`).field('_csrf', csrf)
        .attach('attachments', PDF, { filename: '补正.pdf', contentType: 'application/pdf' });
      assert.equal(res.status, 401, res.text.slice(0, 300));
      assert.match(res.text, /查询已失效，请重新输入查询号和查询码/);
    }
    // The API: a wrong access code is answered as an unknown number.
    const wrong = await request(env.app).post('/api/public/track/correction').field('trackingNumber', trackingNumber).field('accessCode', 'AAAA-BBBB-CCCC')
      .attach('attachments', PDF, { filename: '补正.pdf', contentType: 'application/pdf' });
    assert.equal(wrong.status, 404, JSON.stringify(wrong.body));
    assert.equal(wrong.body.message, '查询号或查询码不正确');
    assert.equal((await caseView()).attachments.length, before);
  });

  it('the files land on the case marked as the applicant\'s correction; nothing changes state by itself; the caseworker then records CORRECTION_RECEIVED', async () => {
    const events = await eventCount();
    const { agent, csrf } = await trackAgent();
    // No file: said so, in Chinese.
    const empty = await agent.post('/track/correction').field('_csrf', csrf);
    assert.equal(empty.status, 422);
    assert.match(empty.text, /请选择补正材料文件/);
    const page = await agent.post('/track/correction').field('_csrf', csrf).attach('attachments', PDF, { filename: '地块名称说明.pdf', contentType: 'application/pdf' });
    assert.equal(page.status, 303, page.text.slice(0, 300));
    assert.equal(page.headers.location, '/track/case?done=uploaded');
    assert.match((await agent.get(page.headers.location)).text, /补正材料已上传/);
    const api = await request(env.app).post('/api/public/track/correction').field('trackingNumber', trackingNumber).field('accessCode', accessCode)
      .attach('attachments', PNG, { filename: '宗地图.png', contentType: 'image/png' });
    assert.equal(api.status, 200, JSON.stringify(api.body));
    assert.equal(api.body.uploaded, 1);
    assert.equal(api.body.stage.label, '待补正', 'the applicant sees the case still waiting for the correction');

    const view = await caseView();
    const mine = view.attachments.filter((a: { origin: string }) => a.origin === 'correction');
    assert.deepEqual(mine.map((a: { filename: string }) => a.filename).sort(), ['地块名称说明.pdf', '宗地图.png'].sort());
    const rows = await env.db('attachments').where({ application_id: appId, origin: 'correction' });
    const system = await env.db('users').where({ id: rows[0].uploaded_by }).first();
    assert.equal(system.role, 'system', 'uploaded by the platform for the applicant, not by a staff member');
    // Nothing moved: the case, its history, the applicant's view.
    assert.equal(view.state, 'awaiting_correction');
    assert.equal(await eventCount(), events);
    const tracked = await request(env.app).post('/api/public/track').send({ trackingNumber, accessCode });
    assert.equal(tracked.body.stage.label, '待补正');
    // The case page says where the files came from.
    const staff = await loginAgent(env.app, 'cw');
    const html = (await staff.get(`/applications/${appId}`)).text;
    assert.match(html, /申请人网上补正/);

    // The caseworker reads them and records the correction received: the clock restarts.
    const received = await request(env.app).post(`/api/applications/${appId}/events`).set(auth('cw')).send({ type: 'CORRECTION_RECEIVED', date: '2026-11-20' });
    assert.equal(received.status, 200, JSON.stringify(received.body));
    assert.equal(received.body.state, 'processing');
    await smtp.waitFor('correction@example.cn', /已收到您的补正材料/);
    // No more uploads once the correction is received.
    const late = await request(env.app).post('/api/public/track/correction').field('trackingNumber', trackingNumber).field('accessCode', accessCode)
      .attach('attachments', PDF, { filename: '再补.pdf', contentType: 'application/pdf' });
    assert.equal(late.status, 409);
    assert.match(late.body.message, /不需要补正/);
  });

  it('the fee mail goes when the fee notice is issued, not when ISSUE_FEE_NOTICE drafts it', async () => {
    const fee = await applyAndRegister('fee@example.cn');
    const drafted = await request(env.app).post(`/api/applications/${fee.appId}/events`).set(auth('cw')).send({ type: 'ISSUE_FEE_NOTICE', date: '2026-11-20', basis: 'per_page', pages: 45 });
    assert.equal(drafted.status, 200, JSON.stringify(drafted.body));
    await settle();
    assert.equal(mailsTo('fee@example.cn', /信息处理费/), 0, 'a draft notice is not news to the applicant');
    await issueNotice(fee.appId, 'fee_notice');
    const told = await smtp.waitFor('fee@example.cn', /信息处理费/);
    assert.match(told.text, /收费通知书/);
    assert.match(told.text, new RegExp(fee.trackingNumber));
  });
});

/** Issue 16: the 待确认 online submissions are in the agency caseworkers' queue (kind submission). */
describe('online submissions in the 工作台 queue (issue 16)', () => {
  let env: TestEnv;
  let smtp: TestSmtp;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });

  before(async () => {
    smtp = await startSmtp();
    env = await createTestEnv({ today: '2026-11-20' });
    env.ctx.config.mail = { smtpUrl: smtp.url, from: 'gongkai@djq.example.gov.cn', publicBaseUrl: 'https://gk.djq.example.gov.cn' };
    for (const u of ['cw', 'cw2', 'rev', 'appr']) tokens[u] = await env.token(u);
  });
  after(async () => {
    await env.close();
    await smtp.close();
  });

  it('a submission waiting for confirmation is in its agency caseworkers\' queue and on the home page, and leaves it once confirmed', async () => {
    const email = 'queue@example.cn';
    const started = await request(env.app).post('/api/public/applications').send({
      agency: 'GHZY', email,
      applicant: { kind: 'natural_person', name: '孙某某', idType: 'resident_id', idNumber: residentId('31011519780405202') },
      request: { description: '申请公开锦绣路拓宽工程的立项批复。', delivery: 'email' },
    });
    const mail = await smtp.waitFor(email, /验证码/);
    const done = await request(env.app).post(`/api/public/applications/${started.body.submissionId}/confirm`).send({ code: /(\d{6})/.exec(mail.subject)![1] });
    assert.equal(done.status, 201);
    const queue = await request(env.app).get('/api/queue').set(auth('cw'));
    assert.equal(queue.status, 200);
    const item = queue.body.items.find((i: { kind: string }) => i.kind === 'submission');
    assert.ok(item, JSON.stringify(queue.body.items));
    assert.equal(item.caseNumber, done.body.trackingNumber);
    assert.equal(item.step, 'confirm_submission');
    assert.equal(item.stepLabel, '确认网上申请');
    assert.equal(item.dueDate, null, 'no clock runs before confirmation (Art. 31(三))');
    assert.equal(item.applicantName, '孙某某');
    assert.deepEqual(item.allowedEvents, ['CONFIRM_SUBMISSION', 'RETURN_SUBMISSION']);
    assert.equal(item.page, `/online-submissions#submission-${item.id}`);
    // Not for another agency's caseworker, nor for the reviewer or approver (they cannot confirm).
    for (const who of ['cw2', 'rev', 'appr']) {
      assert.ok(!(await request(env.app).get('/api/queue').set(auth(who))).body.items.some((i: { kind: string }) => i.kind === 'submission'), who);
    }
    // The home page (工作台) lists it, in Chinese, linking to the 待确认 page.
    const home = (await (await loginAgent(env.app, 'cw')).get('/')).text;
    assert.match(home, new RegExp(`data-kind="submission"[^>]*>\\s*<td class="col-case"><a href="/online-submissions#submission-${item.id}">${done.body.trackingNumber}</a>`));
    assert.match(home, /确认网上申请/);
    assert.match(home, /网上申请（查询号）/);
    // Confirmed: it leaves the queue as a submission.
    assert.equal((await request(env.app).post(`/api/online-submissions/${item.id}/confirm`).set(auth('cw'))).status, 201);
    assert.ok(!(await request(env.app).get('/api/queue').set(auth('cw'))).body.items.some((i: { kind: string }) => i.kind === 'submission'));
  });
});
