// Issue 16, checked point by point as an acceptance tester: the statutory form for an organisation,
// the Art. 35 count shown to staff for an online application (待确认 and once confirmed), what the
// tracking page says (deadline and what stops it, the reply's remedies, the verify link), the mail at
// each step, and that nothing staff-side reaches the applicant after a case went through review,
// a conference, consultation and internal notes.
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, creditCode, csrfOf, loginAgent, residentId, type TestEnv } from '../helpers/test-app.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const ID = residentId('31011519780405202');

describe('issue 16 acceptance: applying, the staff view, tracking and what the applicant never sees', function () {
  this.timeout(60_000);
  let env: TestEnv;
  let smtp: TestSmtp;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const api = () => request(env.app);

  async function applyOnline(email: string, applicant: Record<string, unknown> = { kind: 'natural_person', name: '李秀英', idType: 'resident_id', idNumber: ID }) {
    const started = await api().post('/api/public/applications').send({
      agency: 'GHZY', email, applicant,
      request: { description: '申请公开东江区某地块的建设工程规划许可证。', purpose: '了解周边规划', delivery: 'online' },
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const mail = await smtp.waitFor(email, /验证码/);
    const done = await api().post(`/api/public/applications/${started.body.submissionId}/confirm`).send({ code: /(\d{6})/.exec(mail.subject)![1] });
    assert.equal(done.status, 201, JSON.stringify(done.body));
    const id = Number((await env.db('online_submissions').where({ tracking_number: done.body.trackingNumber }).first('id')).id);
    return { trackingNumber: done.body.trackingNumber as string, accessCode: done.body.accessCode as string, submissionId: id };
  }
  const confirm = async (submissionId: number) => {
    const r = await api().post(`/api/online-submissions/${submissionId}/confirm`).set(auth('cw'));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id as number;
  };
  const send = async (appId: number, who: string, body: Record<string, unknown>) => {
    const r = await api().post(`/api/applications/${appId}/events`).set(auth(who)).send(body);
    assert.equal(r.status, 200, `${String(body.type)}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const issueDraft = async (appId: number, kind: string) => {
    const doc = (await api().get(`/api/applications/${appId}/documents`).set(auth('cw'))).body.items.find((d: { kind: string; status: string }) => d.kind === kind && d.status === 'draft');
    assert.ok(doc, `a draft ${kind}`);
    const r = await api().post(`/api/documents/${doc.id}/issue`).set(auth('cw')).send({ date: '2026-11-20' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  /** The tracking page as the applicant's browser gets it, and the JSON view. */
  async function trackBoth(trackingNumber: string, accessCode: string) {
    const agent = request.agent(env.app);
    const csrf = csrfOf((await agent.get('/track')).text);
    assert.equal((await agent.post('/track').type('form').send({ _csrf: csrf, trackingNumber, accessCode })).status, 303);
    const html = (await agent.get('/track/case')).text;
    const json = await api().post('/api/public/track').send({ trackingNumber, accessCode });
    assert.equal(json.status, 200, JSON.stringify(json.body));
    return { html, json: json.body, agent };
  }

  before(async () => {
    smtp = await startSmtp();
    env = await createTestEnv({ today: '2026-11-20' });
    env.ctx.config.mail = { smtpUrl: smtp.url, from: 'gongkai@djq.example.gov.cn', publicBaseUrl: 'https://gk.djq.example.gov.cn' };
    // Staff with names that cannot occur by chance in a page: any of them on the applicant's side is a leak.
    for (const [u, name] of [['cw', '承办员欧阳青松'], ['rev', '审核员司马白桦'], ['appr', '签发人诸葛红杉'], ['legal', '法制员上官紫藤']]) {
      await env.db('users').where({ username: u }).update({ display_name: name });
    }
    for (const u of ['cw', 'cw2', 'rev', 'appr', 'legal']) tokens[u] = await env.token(u);
  });
  after(async () => {
    await env.close();
    await smtp.close();
  });

  it('an organisation applies with the statutory fields: category and credit code checked as intake checks them', async () => {
    const org = { kind: 'organisation', name: '东江某某科技有限公司', category: 'commercial', legalRepresentative: '钱某', contactPerson: '孙某', phone: '02150001234' };
    const bad = await api().post('/api/public/applications').send({
      agency: 'GHZY', email: 'org@example.cn', applicant: { ...org, creditCode: '91310115MA1FL0000X' }, request: { description: '申请公开某项目的环评批复。' },
    });
    assert.equal(bad.status, 422);
    assert.match(bad.body.fields['applicant.creditCode'], /[\u4e00-\u9fa5]/, 'a Chinese message naming the field');
    const missing = await api().post('/api/public/applications').send({ agency: 'GHZY', email: 'org@example.cn', applicant: { kind: 'organisation', name: '某公司' }, request: { description: '申请公开某项目的环评批复。' } });
    assert.equal(missing.status, 422);
    assert.ok(missing.body.fields['applicant.category'] && missing.body.fields['applicant.creditCode'], JSON.stringify(missing.body.fields));
    const { submissionId } = await applyOnline('org@example.cn', { ...org, creditCode: creditCode('91310115MA1FL1000') });
    const listed = (await api().get('/api/online-submissions').set(auth('cw'))).body.items.find((s: { id: number }) => s.id === submissionId);
    assert.equal(listed.applicant.kind, 'organisation');
    assert.equal(listed.applicant.category, 'commercial');
    assert.equal(listed.request.purpose, '了解周边规划');
    assert.equal(listed.request.delivery, 'online');
  });

  it('staff see the Art. 35 monthly count for an online application while 待确认, and on the case once confirmed', async () => {
    env.ctx.config.excessiveMonthlyThreshold = 2;
    try {
      const person = { kind: 'natural_person', name: '周频繁', idType: 'resident_id', idNumber: residentId('31011519700101505') };
      for (const description of ['申请公开甲地块规划许可。', '申请公开乙地块规划许可。']) {
        const r = await api().post('/api/applications').set(auth('cw')).send({ applicant: person, channel: 'in_person', receivedDate: '2026-11-20', request: { description } });
        assert.equal(r.status, 201, JSON.stringify(r.body));
      }
      const { submissionId } = await applyOnline('frequent@example.cn', person);
      const item = (await api().get('/api/online-submissions').set(auth('cw'))).body.items.find((s: { id: number }) => s.id === submissionId);
      assert.deepEqual(item.volume, { month: '2026-11', count: 3, threshold: 2, exceeded: true }, 'the two registered and this one');
      assert.equal(item.warning.code, 'excessive_volume');
      assert.match(item.warning.message, /2026 年 11 月共提出 3 件申请/);
      const page = (await (await loginAgent(env.app, 'cw')).get('/online-submissions')).text;
      const section = page.slice(page.indexOf(`id="submission-${submissionId}"`));
      assert.match(section, /本月申请量[\s\S]*2026年11月共 <strong>3<\/strong> 件（含本件，各机关合计）[\s\S]*超过 2 件/);
      assert.match(section, /第三十五条/);
      // Confirmed: the case shows the same count as any registered application (the related panel).
      const appId = await confirm(submissionId);
      const related = await api().get(`/api/applications/${appId}/related`).set(auth('cw'));
      assert.equal(related.body.volume.current.count, 3);
      assert.equal(related.body.warning.code, 'excessive_volume');
      const casePage = (await (await loginAgent(env.app, 'cw')).get(`/applications/${appId}`)).text;
      assert.match(casePage, /每月申请量/);
      assert.match(casePage, /2026 年 11 月共提出 3 件申请/);
    } finally {
      env.ctx.config.excessiveMonthlyThreshold = 10;
    }
  });

  it('the tracking page gives the deadline and what stops it, and always the link to verify a document', async () => {
    const { trackingNumber, accessCode, submissionId } = await applyOnline('deadline@example.cn');
    const waiting = await trackBoth(trackingNumber, accessCode);
    assert.match(waiting.html, /答复期限尚未开始计算/);
    assert.match(waiting.html, /href="\/verify"/);
    const appId = await confirm(submissionId);
    const { html, json } = await trackBoth(trackingNumber, accessCode);
    assert.equal(json.replyDue, '2026-12-18');
    assert.match(json.replyPeriod, /20 个工作日/);
    assert.match(json.clockStops, /补正/);
    assert.match(json.clockStops, /征求第三方或者其他机关意见/);
    assert.match(json.clockStops, /信息处理费/);
    assert.match(html, /答复期限<\/dt><dd><strong>2026年12月18日<\/strong>前/);
    assert.match(html, /不计算在答复期限内/);
    assert.match(html, /id="verify-link"/);
    // Extended: the applicant is mailed once the notice is issued, and the page says so.
    await send(appId, 'cw', { type: 'REQUEST_EXTENSION', date: '2026-11-20', workingDays: 10, reason: '需调取档案' });
    await send(appId, 'appr', { type: 'APPROVE_EXTENSION', date: '2026-11-20' });
    await issueDraft(appId, 'extension_notice');
    const told = await smtp.waitFor('deadline@example.cn', /延期/);
    assert.match(told.text, /延期答复告知书/);
    assert.match(told.text, new RegExp(trackingNumber));
    const after = await trackBoth(trackingNumber, accessCode);
    assert.match(after.json.replyPeriod, /延长/);
    assert.ok(after.json.replyDue > json.replyDue, `${after.json.replyDue} after ${json.replyDue}`);
    assert.ok(after.json.clockNotes.some((n: string) => /已经延长/.test(n)));
    assert.ok(after.json.documents.some((d: { title: string }) => /延期/.test(d.title)), 'the extension notice is listed');
  });

  it('a case through consultation, a conference, review with opinions and internal notes: the applicant sees none of it, nor any staff name or other applicant', async () => {
    const secrets = ['内部沟通记录松柏', '第三方反对理由梧桐', '某某第三方开发公司', '会商议题银杏', '会商意见樟树', '研判结论榕树', '退回修改意见楠木', '审核同意意见檀香', '签发退回理由柏杨'];
    const staffNames = ['承办员欧阳青松', '审核员司马白桦', '签发人诸葛红杉', '法制员上官紫藤'];
    const other = await api().post('/api/applications').set(auth('cw')).send({
      applicant: { kind: 'natural_person', name: '另一位申请人吴桐', idType: 'resident_id', idNumber: residentId('31011519800101101') }, channel: 'in_person', receivedDate: '2026-11-20',
      request: { description: '他人申请的内容椿树' },
    });
    assert.equal(other.status, 201);
    const otherCase = other.body.caseNumber as string;

    const { trackingNumber, accessCode, submissionId } = await applyOnline('leak@example.cn');
    const appId = await confirm(submissionId);
    const contact = await api().post(`/api/applications/${appId}/contacts`).set(auth('cw')).send({ date: '2026-11-20', channel: 'phone', summary: secrets[0], outcome: 'clarified' });
    assert.equal(contact.status, 201, JSON.stringify(contact.body));
    const started = await send(appId, 'cw', { type: 'START_CONSULTATION', date: '2026-11-20', kind: 'third_party', party: secrets[2], ground: 'trade_secret' });
    await send(appId, 'cw', { type: 'RECORD_OPINION', date: '2026-11-20', consultationId: started.consultations[0].id, opinion: 'object', reasons: secrets[1] });
    const conf = await api().post(`/api/applications/${appId}/conferences`).set(auth('cw')).send({
      topic: secrets[3], questions: ['能否公开？'], participantUsers: ['legal'], complexReason: '涉及第三方',
    });
    assert.equal(conf.status, 201, JSON.stringify(conf.body));
    assert.equal((await api().post(`/api/conferences/${conf.body.id}/opinions`).set(auth('legal')).send({ opinion: secrets[4] })).status, 200);
    assert.equal((await api().post(`/api/conferences/${conf.body.id}/conclusion`).set(auth('cw')).send({ conclusion: secrets[5] })).status, 200);
    assert.equal((await api().post(`/api/conferences/${conf.body.id}/signoff`).set(auth('appr'))).status, 200);
    const draft = { type: 'DRAFT_REPLY', date: '2026-11-20', decision: 'disclose', disclosure: { mode: 'provided', items: [{ title: '建设工程规划许可证' }], delivery: 'online' } };
    await send(appId, 'cw', draft);
    await send(appId, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-20' });
    await send(appId, 'rev', { type: 'RETURN_FOR_REVISION', date: '2026-11-20', opinion: secrets[6] });
    await send(appId, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-20' });
    await send(appId, 'rev', { type: 'APPROVE_REVIEW', date: '2026-11-20', opinion: secrets[7] });
    await send(appId, 'appr', { type: 'RETURN_FROM_SIGNOFF', date: '2026-11-20', to: 'caseworker', reason: secrets[8] });
    await send(appId, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-20' });
    await send(appId, 'rev', { type: 'APPROVE_REVIEW', date: '2026-11-20' });
    await send(appId, 'appr', { type: 'ISSUE_REPLY', date: '2026-11-20' });
    // Staff see it all (the strings are really in the case).
    const staffView = JSON.stringify((await api().get(`/api/applications/${appId}`).set(auth('cw'))).body);
    for (const s of [secrets[1]!, secrets[6]!, '承办员欧阳青松']) assert.ok(staffView.includes(s), `staff view has ${s}`);

    const { html, json } = await trackBoth(trackingNumber, accessCode);
    assert.equal(json.stage.label, '已答复');
    const mails = smtp.mails.filter((m) => m.to === 'leak@example.cn').map((m) => `${m.subject}\n${m.text}`).join('\n');
    for (const [where, text] of [['page', html], ['JSON', JSON.stringify(json)], ['mail', mails]] as const) {
      for (const s of [...secrets, ...staffNames, '另一位申请人吴桐', '他人申请的内容椿树', otherCase]) assert.ok(!text.includes(s), `${where} shows ${s}`);
      for (const s of ['cw', 'rev', 'appr', 'legal']) assert.ok(!new RegExp(`["'>\\s]${s}["'<\\s]`).test(text), `${where} names the user ${s}`);
    }
    // Only documents addressed to the applicant: no consultation letter, no conference record.
    assert.deepEqual(json.documents.map((d: { title: string }) => d.title).filter((t: string) => /征求|会商/.test(t)), []);
  });

  it('the reply is shown with its remedies (复议 60 days, 诉讼 six months) as the reply states them', async () => {
    const { trackingNumber, accessCode, submissionId } = await applyOnline('remedy@example.cn');
    const appId = await confirm(submissionId);
    await send(appId, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-20', decision: 'disclose', disclosure: { mode: 'provided', items: [{ title: '建设工程规划许可证' }], delivery: 'online' } });
    await send(appId, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-20' });
    await send(appId, 'rev', { type: 'APPROVE_REVIEW', date: '2026-11-20' });
    await send(appId, 'appr', { type: 'ISSUE_REPLY', date: '2026-11-20' });
    const mail = await smtp.waitFor('remedy@example.cn', /已答复/);
    assert.match(mail.text, /救济途径/);
    const { html, json } = await trackBoth(trackingNumber, accessCode);
    assert.match(json.remedy, /六十日内向.+申请行政复议/);
    assert.match(json.remedy, /六个月内向.+提起行政诉讼/);
    const reply = (await api().get(`/api/applications/${appId}/documents`).set(auth('cw'))).body.items.find((d: { kind: string; status: string }) => d.kind === 'reply' && d.status === 'issued');
    const body = (await api().get(`/api/documents/${reply.id}`).set(auth('cw'))).body.body as string;
    assert.ok(body.includes(json.remedy), 'word for word as the reply');
    assert.match(html, /<h2>救济途径<\/h2>/);
    assert.match(html, /申请行政复议/);
    assert.equal(json.replyDue, null, 'answered: no deadline');
    assert.equal(json.clockStops, null);
    assert.deepEqual(json.clockNotes, [], 'no note about a clock that no longer runs');
  });

  it('a wrong code answers exactly as an unknown number (same status, same body), in the API and the form', async () => {
    const { trackingNumber } = await applyOnline('same@example.cn');
    const wrong = await api().post('/api/public/track').send({ trackingNumber, accessCode: 'AAAA-BBBB-CCCC' });
    const unknown = await api().post('/api/public/track').send({ trackingNumber: 'W2026112011111111', accessCode: 'AAAA-BBBB-CCCC' });
    assert.equal(wrong.status, 404);
    assert.equal(unknown.status, wrong.status);
    // Each answer carries its own request id (for the logs); nothing else differs.
    const bare = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    assert.deepEqual(bare(unknown.body), bare(wrong.body));
    assert.deepEqual(Object.keys(unknown.body).sort(), ['error', 'message', 'requestId']);
    const agent = request.agent(env.app);
    const csrf = csrfOf((await agent.get('/track')).text);
    const formWrong = await agent.post('/track').type('form').send({ _csrf: csrf, trackingNumber, accessCode: 'AAAA-BBBB-CCCC' });
    const formUnknown = await agent.post('/track').type('form').send({ _csrf: csrf, trackingNumber: 'W2026112011111111', accessCode: 'AAAA-BBBB-CCCC' });
    assert.equal(formWrong.status, formUnknown.status);
    // The page gives the typed number back, nothing else differs.
    assert.equal(formWrong.text.replaceAll(trackingNumber, 'N'), formUnknown.text.replaceAll('W2026112011111111', 'N'));
    assert.match(formWrong.text, /查询号或查询码不正确/);
  });

  it('guessing across numbers is throttled per IP: past the limit every answer is 429, in Chinese', async () => {
    let last = 0;
    for (let i = 0; i < 25 && last !== 429; i++) {
      last = (await api().post('/api/public/track').send({ trackingNumber: `W20261120${String(i).padStart(8, '7')}`, accessCode: 'AAAA-BBBB-CCCC' })).status;
    }
    assert.equal(last, 429);
    const r = await api().post('/api/public/track').send({ trackingNumber: 'W2026112000000001', accessCode: 'AAAA-BBBB-CCCC' });
    assert.equal(r.status, 429);
    assert.match(r.body.message, /频繁/);
  });
  it('guessing email codes is throttled per IP across submissions: past thirty an hour every try is 429, in Chinese', async () => {
    // Unknown submissions (404) count like wrong codes: one address cannot walk the code space.
    const statuses: number[] = [];
    for (let i = 0; i < 40 && statuses.at(-1) !== 429; i++) {
      statuses.push((await api().post(`/api/public/applications/guess${String(i).padStart(12, '0')}/confirm`).send({ code: '123456' })).status);
    }
    assert.equal(statuses.at(-1), 429, statuses.join(','));
    assert.ok(statuses.length > 1 && statuses.slice(0, -1).every((x) => x === 404), statuses.join(','));
    const r = await api().post('/api/public/applications/another-submission-1/confirm').send({ code: '654321' });
    assert.equal(r.status, 429);
    assert.match(r.body.message, /频繁/);
  });

  it('limits submissions per IP across addresses (429 past twenty an hour), before anything is kept or mailed', async () => {
    const body = (i: number) => ({
      agency: 'GHZY', email: `ip${i}@example.cn`, applicant: { kind: 'natural_person', name: '李某', idType: 'resident_id', idNumber: ID }, request: { description: '申请公开某文件。' },
    });
    let status = 0;
    let i = 0;
    for (; i < 30 && status !== 429; i++) status = (await api().post('/api/public/applications').send(body(i))).status;
    assert.equal(status, 429);
    assert.ok(i <= 21, `refused by the ${i}th`);
    const kept = Number((await env.db('online_submissions').where('email', `ip${i - 1}@example.cn`).count({ n: '*' }).first())!.n);
    assert.equal(kept, 0, 'the refused one is not kept');
  });
});
