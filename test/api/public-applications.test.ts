import assert from 'node:assert/strict';
import request from 'supertest';
import { binary, createTestEnv, csrfOf, residentId, type TestEnv } from '../helpers/test-app.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { fixedClock } from '../../server/time.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/** The statutory form as an applicant fills it online (issue 16). */
function publicBody(email: string, overrides: Record<string, unknown> = {}) {
  return {
    agency: 'GHZY', email,
    applicant: { kind: 'natural_person', name: '李秀英', idType: 'resident_id', idNumber: residentId('31011519780405202'), phone: '13912345678', address: '东江区锦绣路1号' },
    request: { description: '申请公开东江区某地块的建设工程规划许可证。', purpose: '了解本人住房周边规划', delivery: 'email' },
    ...overrides,
  };
}

describe('applying and following a case online (issue 16)', () => {
  let env: TestEnv;
  let smtp: TestSmtp;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const codeOf = (text: string) => /验证码[：:]\s*(\d{6})/.exec(text)![1]!;

  /** Apply, read the code from the mail, confirm: the tracking number and access code. */
  async function applyOnline(email: string, overrides: Record<string, unknown> = {}) {
    const started = await request(env.app).post('/api/public/applications').send(publicBody(email, overrides));
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const mail = await smtp.waitFor(email, /验证码/);
    const done = await request(env.app).post(`/api/public/applications/${started.body.submissionId}/confirm`).send({ code: codeOf(mail.subject) });
    assert.equal(done.status, 201, JSON.stringify(done.body));
    return done.body as { trackingNumber: string; accessCode: string };
  }
  const submissionIdOf = async (trackingNumber: string) => Number((await env.db('online_submissions').where({ tracking_number: trackingNumber }).first('id')).id);
  const track = (trackingNumber: string, accessCode: string) => request(env.app).post('/api/public/track').send({ trackingNumber, accessCode });

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

  it('an application is sent only after the emailed code; the applicant gets a tracking number and an access code, stored hashed', async () => {
    const email = 'li.xiuying@example.cn';
    const started = await request(env.app).post('/api/public/applications').send(publicBody(email));
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const codeMail = await smtp.waitFor(email, /验证码/);
    assert.equal(codeMail.from, 'gongkai@djq.example.gov.cn');
    assert.match(codeMail.text, /东江区规划和自然资源局/);
    // Before the code, nothing reaches the agency.
    assert.equal((await request(env.app).get('/api/online-submissions').set(auth('cw'))).body.items.length, 0);
    const wrong = await request(env.app).post(`/api/public/applications/${started.body.submissionId}/confirm`).send({ code: codeOf(codeMail.subject) === '000000' ? '111111' : '000000' });
    assert.equal(wrong.status, 422);
    assert.match(wrong.body.fields.code, /还可以再试 4 次/);
    const done = await request(env.app).post(`/api/public/applications/${started.body.submissionId}/confirm`).send({ code: codeOf(codeMail.subject) });
    assert.equal(done.status, 201, JSON.stringify(done.body));
    assert.match(done.body.trackingNumber, /^W20261120\d{8}$/);
    assert.match(done.body.accessCode, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    assert.equal(done.body.stateLabel, '待确认');
    const mail = await smtp.waitFor(email, /已提交/);
    assert.ok(mail.text.includes(done.body.trackingNumber) && mail.text.includes(done.body.accessCode), 'the mail carries both');
    assert.match(mail.text, /https:\/\/gk\.djq\.example\.gov\.cn\/track\?t=/);
    const row = await env.db('online_submissions').where({ tracking_number: done.body.trackingNumber }).first();
    assert.equal(row.state, 'awaiting_confirmation');
    assert.ok(!JSON.stringify(row).includes(done.body.accessCode.replaceAll('-', '')) && !JSON.stringify(row).includes(done.body.accessCode), 'the access code is not stored');
    // The code is single-use: the submission is sent.
    assert.equal((await request(env.app).post(`/api/public/applications/${started.body.submissionId}/confirm`).send({ code: codeOf(codeMail.subject) })).status, 404);
  });

  it('refuses bad input as staff intake does (check digit), naming the field, and keeps nothing', async () => {
    const before = Number((await env.db('online_submissions').count({ n: '*' }).first())!.n);
    const res = await request(env.app).post('/api/public/applications').send(publicBody('x@example.cn', {
      agency: 'NOPE', applicant: { kind: 'natural_person', name: '王某', idType: 'resident_id', idNumber: '310115197804052021' },
    }));
    assert.equal(res.status, 422);
    assert.match(res.body.fields['applicant.idNumber'], /校验位/);
    assert.ok(res.body.fields.agency);
    assert.equal(Number((await env.db('online_submissions').count({ n: '*' }).first())!.n), before);
  });

  it('the day the caseworker confirms is the day received (Art. 31(三)), and the applicant is told', async () => {
    const { trackingNumber, accessCode } = await applyOnline('received.rule@example.cn');
    const waiting = await request(env.app).get('/api/online-submissions').set(auth('cw'));
    assert.ok(waiting.body.items.some((s: { trackingNumber: string }) => s.trackingNumber === trackingNumber));
    // Another agency's caseworker neither sees it nor can confirm it.
    assert.ok(!(await request(env.app).get('/api/online-submissions').set(auth('cw2'))).body.items.some((s: { trackingNumber: string }) => s.trackingNumber === trackingNumber));
    const id = await submissionIdOf(trackingNumber);
    assert.equal((await request(env.app).post(`/api/online-submissions/${id}/confirm`).set(auth('cw2'))).status, 404);
    // Submitted on Friday 2026-11-20; confirmed on Monday 2026-11-23.
    env.ctx.clock = fixedClock('2026-11-23');
    try {
      const confirmed = await request(env.app).post(`/api/online-submissions/${id}/confirm`).set(auth('cw'));
      assert.equal(confirmed.status, 201, JSON.stringify(confirmed.body));
      assert.equal(confirmed.body.receivedDate, '2026-11-23');
      assert.equal(confirmed.body.channel, 'online');
      assert.equal(confirmed.body.deadlines.replyDue, '2026-12-21', '20 working days from the day of confirmation');
      assert.equal((await request(env.app).post(`/api/online-submissions/${id}/confirm`).set(auth('cw'))).status, 409, 'confirmed once');
      const mail = await smtp.waitFor('received.rule@example.cn', /已受理/);
      assert.match(mail.text, /2026年11月23日确认收到/);
      const tracked = await track(trackingNumber, accessCode);
      assert.equal(tracked.status, 200);
      assert.equal(tracked.body.stage.label, '办理中');
      assert.equal(tracked.body.receivedDate, '2026-11-23');
      assert.equal(tracked.body.replyDue, '2026-12-21');
      assert.ok(tracked.body.documents.some((d: { title: string }) => /回执/.test(d.title)), 'the receipt is listed');
    } finally {
      env.ctx.clock = fixedClock('2026-11-20');
    }
  });

  it('a bot filling the hidden field is answered like anyone, and nothing is kept or sent', async () => {
    const before = Number((await env.db('online_submissions').count({ n: '*' }).first())!.n);
    const res = await request(env.app).post('/api/public/applications').send(publicBody('bot@example.cn', { website: 'http://spam.example' }));
    assert.equal(res.status, 202);
    assert.ok(res.body.submissionId);
    assert.equal(Number((await env.db('online_submissions').count({ n: '*' }).first())!.n), before);
    assert.equal((await request(env.app).post(`/api/public/applications/${res.body.submissionId}/confirm`).send({ code: '123456' })).status, 404);
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(!smtp.mails.some((m) => m.to === 'bot@example.cn'));
  });

  it('limits submissions per address (429 past five an hour)', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await request(env.app).post('/api/public/applications').send(publicBody('busy@example.cn'))).status, 202);
    const sixth = await request(env.app).post('/api/public/applications').send(publicBody('busy@example.cn'));
    assert.equal(sixth.status, 429);
    assert.match(sixth.body.message, /频繁/);
  });

  it('the applicant sees the case only: no staff, no internal notes; documents of their case alone', async () => {
    const { trackingNumber, accessCode } = await applyOnline('access.rules@example.cn');
    const confirmed = await request(env.app).post(`/api/online-submissions/${await submissionIdOf(trackingNumber)}/confirm`).set(auth('cw'));
    assert.equal(confirmed.status, 201);
    const appId = confirmed.body.id;
    const note = await request(env.app).post(`/api/applications/${appId}/events`).set(auth('cw'))
      .send({ type: 'REQUEST_CORRECTION', date: '2026-11-20', items: ['请写明地块名称'], periodWorkingDays: 10 });
    assert.equal(note.status, 200, JSON.stringify(note.body));
    // The mail goes when the notice is issued (test/api/public-correction.test.ts).
    const notice = (await request(env.app).get(`/api/applications/${appId}/documents`).set(auth('cw'))).body.items.find((d: { kind: string }) => d.kind === 'correction_notice');
    assert.equal((await request(env.app).post(`/api/documents/${notice.id}/issue`).set(auth('cw')).send({ date: '2026-11-20' })).status, 200);
    const told = await smtp.waitFor('access.rules@example.cn', /补正/);
    assert.match(told.text, /补正申请告知书/);
    const tracked = await track(trackingNumber, accessCode);
    assert.equal(tracked.body.stage.label, '待补正');
    const json = JSON.stringify(tracked.body);
    for (const internal of ['"cw"', 'displayName', 'actor', 'history', 'contacts', 'conferences', 'review', 'idNumber']) assert.ok(!json.includes(internal), `no ${internal}`);
    // A document of another case is not reachable through this case's tracking.
    const other = await request(env.app).post('/api/applications').set(auth('cw')).send({
      applicant: { kind: 'natural_person', name: '赵某', idType: 'resident_id', idNumber: residentId('31011519800101101') }, channel: 'in_person', receivedDate: '2026-11-20',
      request: { description: '其他申请' },
    });
    const otherDoc = (await request(env.app).get(`/api/applications/${other.body.id}/documents`).set(auth('cw'))).body.items[0].id;
    const agent = request.agent(env.app);
    const page = await agent.get('/track');
    assert.equal((await agent.post('/track').type('form').send({ _csrf: csrfOf(page.text), trackingNumber, accessCode })).status, 303);
    const own = tracked.body.documents[0];
    const csrf = csrfOf((await agent.get('/track/case')).text);
    const pdf = await agent.post(own.download).type('form').send({ _csrf: csrf }).buffer(true).parse(binary);
    assert.equal(pdf.status, 200);
    assert.equal((pdf.body as Buffer).subarray(0, 5).toString('latin1'), '%PDF-');
    assert.equal((await agent.post(`/track/documents/${otherDoc}`).type('form').send({ _csrf: csrf })).status, 404);
    // Without the tracking cookie, nothing.
    const stranger = request.agent(env.app);
    const strangerCsrf = csrfOf((await stranger.get('/track')).text);
    assert.equal((await stranger.post(own.download).type('form').send({ _csrf: strangerCsrf })).status, 303);
  });

  it('the applicant withdraws: WITHDRAW is recorded on the case through the machine, by the platform', async () => {
    const { trackingNumber, accessCode } = await applyOnline('withdraw@example.cn');
    const appId = (await request(env.app).post(`/api/online-submissions/${await submissionIdOf(trackingNumber)}/confirm`).set(auth('cw'))).body.id;
    const res = await request(env.app).post('/api/public/track/withdraw').send({ trackingNumber, accessCode });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.stage.label, '已撤回');
    const view = await request(env.app).get(`/api/applications/${appId}`).set(auth('cw'));
    assert.equal(view.body.state, 'closed');
    const last = await env.db('application_events').where({ application_id: appId }).orderBy('seq', 'desc').first();
    assert.equal(last.type, 'WITHDRAW');
    assert.equal(last.actor_role, 'system');
    assert.equal((await request(env.app).post('/api/public/track/withdraw').send({ trackingNumber, accessCode })).status, 409, 'once');
  });

  it('the reply is mailed about, and downloading it from the tracking page records it received online (送达): the case closes', async () => {
    const { trackingNumber, accessCode } = await applyOnline('reply@example.cn');
    const appId = (await request(env.app).post(`/api/online-submissions/${await submissionIdOf(trackingNumber)}/confirm`).set(auth('cw'))).body.id;
    const send = (who: string, body: Record<string, unknown>) => request(env.app).post(`/api/applications/${appId}/events`).set(auth(who)).send(body);
    assert.equal((await send('cw', { type: 'DRAFT_REPLY', date: '2026-11-20', decision: 'disclose', disclosure: { mode: 'provided', items: [{ title: '建设工程规划许可证' }], delivery: 'online' } })).status, 200);
    assert.equal((await send('cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-20' })).status, 200);
    assert.equal((await send('rev', { type: 'APPROVE_REVIEW', date: '2026-11-20' })).status, 200);
    const issued = await send('appr', { type: 'ISSUE_REPLY', date: '2026-11-20' });
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    await smtp.waitFor('reply@example.cn', /已答复/);
    const tracked = await track(trackingNumber, accessCode);
    assert.equal(tracked.body.stage.label, '已答复');
    const reply = tracked.body.documents.find((d: { title: string }) => /答复书/.test(d.title));
    assert.ok(reply, JSON.stringify(tracked.body.documents));
    const agent = request.agent(env.app);
    const trackCsrf = csrfOf((await agent.get('/track')).text);
    assert.equal((await agent.post('/track').type('form').send({ _csrf: trackCsrf, trackingNumber, accessCode })).status, 303);
    const csrf = csrfOf((await agent.get('/track/case')).text);
    assert.equal((await agent.post(reply.download).type('form').send({ _csrf: csrf })).status, 200);
    const view = await request(env.app).get(`/api/applications/${appId}`).set(auth('cw'));
    assert.equal(view.body.state, 'closed');
    const last = await env.db('application_events').where({ application_id: appId }).orderBy('seq', 'desc').first();
    assert.equal(last.type, 'RECORD_DELIVERY');
    assert.equal(last.actor_role, 'system');
    assert.match(String(last.payload), /online/);
    // A second download changes nothing.
    assert.equal((await agent.post(reply.download).type('form').send({ _csrf: csrf })).status, 200);
    assert.equal((await track(trackingNumber, accessCode)).body.stage.label, '已办结');
  });

  it('the caseworker may send a submission back at once: nothing registered, the applicant is told why', async () => {
    const { trackingNumber, accessCode } = await applyOnline('returned@example.cn');
    const id = await submissionIdOf(trackingNumber);
    const res = await request(env.app).post(`/api/online-submissions/${id}/return`).set(auth('cw')).send({ reason: '请写明所需规划许可证对应的地块名称或项目名称。' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const mail = await smtp.waitFor('returned@example.cn', /重新提交/);
    assert.match(mail.text, /地块名称或项目名称/);
    const tracked = await track(trackingNumber, accessCode);
    assert.equal(tracked.body.stage.label, '已退回');
    assert.equal(tracked.body.caseNumber, null);
  });

  it('works as a form without JavaScript: apply, code, tracking number shown once, then tracking', async () => {
    const agent = request.agent(env.app);
    const form = await agent.get('/apply');
    assert.equal(form.status, 200);
    assert.match(form.text, /东江区规划和自然资源局/);
    const csrf = csrfOf(form.text);
    const fields: Record<string, string> = {
      _csrf: csrf, agency: 'GHZY', email: 'form@example.cn', website: '', 'applicant.kind': 'natural_person', 'applicant.name': '陈某某', 'applicant.idType': 'resident_id',
      'applicant.idNumber': residentId('31011519900101303'), 'request.description': '申请公开某路段拓宽工程的立项批复。', 'request.delivery': 'online',
    };
    let post = agent.post('/apply');
    for (const [k, v] of Object.entries(fields)) post = post.field(k, v);
    const code = await post.attach('attachments', PDF, { filename: '身份证明.pdf', contentType: 'application/pdf' });
    assert.equal(code.status, 200, code.text.slice(0, 500));
    assert.match(code.text, /验证码已发送至/);
    const action = /action="(\/apply\/[^"]+\/confirm)"/.exec(code.text)![1]!;
    const mail = await smtp.waitFor('form@example.cn', /验证码/);
    const done = await agent.post(action).type('form').send({ _csrf: csrf, code: codeOf(mail.subject) });
    assert.equal(done.status, 200);
    assert.equal(done.headers['cache-control'], 'no-store');
    const number = /id="tracking-number">([^<]+)</.exec(done.text)![1]!;
    const access = /id="access-code">([^<]+)</.exec(done.text)![1]!;
    const opened = await agent.post('/track').type('form').send({ _csrf: csrf, trackingNumber: number, accessCode: access.toLowerCase() });
    assert.equal(opened.status, 303);
    const page = await agent.get('/track/case');
    assert.match(page.text, /待确认/);
    assert.match(page.text, /答复期限尚未开始计算/);
    // The attachment came with it: the caseworker registers it with the case.
    const id = await submissionIdOf(number);
    const confirmed = await request(env.app).post(`/api/online-submissions/${id}/confirm`).set(auth('cw'));
    assert.equal(confirmed.body.attachments.length, 1);
    // The mailed link opens the case without the code.
    const linkMail = await smtp.waitFor('form@example.cn', /已受理/);
    const link = /\/track\?t=[^\s]+/.exec(linkMail.text)![0];
    const viaLink = request.agent(env.app);
    assert.equal((await viaLink.get(link)).headers.location, '/track/case');
    assert.match((await viaLink.get('/track/case')).text, /办理中/);
  });

  it('a wrong code answers exactly as an unknown number, and guessing is throttled per number (429 even for the right code)', async () => {
    const { trackingNumber, accessCode } = await applyOnline('guess@example.cn');
    const wrong = await track(trackingNumber, 'AAAA-BBBB-CCCC');
    const unknown = await track('W2026112099999999', 'AAAA-BBBB-CCCC');
    assert.equal(wrong.status, 404);
    assert.equal(unknown.status, 404);
    assert.equal(wrong.body.message, unknown.body.message);
    assert.equal(wrong.body.code, unknown.body.code);
    for (let i = 0; i < 9; i++) await track(trackingNumber, `WRNG-${String(i).padStart(4, '2')}-CODE`);
    const right = await track(trackingNumber, accessCode);
    assert.equal(right.status, 429);
    assert.match(right.body.message, /频繁/);
  });
});
