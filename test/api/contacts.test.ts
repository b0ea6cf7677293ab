import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { applicationBody, binary, createTestEnv, csrfOf, loginAgent, type TestEnv } from '../helpers/test-app.js';
import { compactText, requireTools } from '../pdf/pdf-helpers.js';

// Issue 14: contacts with the applicant (沟通记录) — recorded through the API and the case page, shown in
// the timeline, the case export and the evidence list, counted by the briefing; no step of the case.
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const scan = (label: string) => Buffer.concat([Buffer.from(`%PDF-1.7\n% ${label}\n`), randomBytes(2048)]);

describe('contacts with the applicant (issue 14)', function () {
  this.timeout(120_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const send = (id: number, who: string, body: object) => request(env.app).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
  const contact = (id: number, who: string, body: object) => request(env.app).post(`/api/applications/${id}/contacts`).set(auth(who)).send(body);
  const view = async (id: number, who = 'cw') => (await request(env.app).get(`/api/applications/${id}`).set(auth(who))).body;
  const register = async (receivedDate: string) => {
    const res = await request(env.app).post('/api/applications').set(auth('cw')).send(applicationBody({ receivedDate }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as number;
  };
  /** Drafted, reviewed, signed and delivered on the given days: the reply counts in the period of `issued`. */
  const answer = async (id: number, drafted: string, issued: string) => {
    for (const [who, body] of [
      ['cw', { type: 'DRAFT_REPLY', date: drafted, decision: 'withhold.process_info', reasons: '属于过程性信息' }],
      ['cw', { type: 'SUBMIT_FOR_REVIEW', date: drafted }],
      ['rev', { type: 'APPROVE_REVIEW', date: drafted }],
      ['appr', { type: 'ISSUE_REPLY', date: issued }],
    ] as const) {
      const r = await send(id, who, body);
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
  };
  const appeal = async (id: number, n: number) => {
    const r = await request(env.app).post(`/api/applications/${id}/appeals`).set(auth('legal')).send({
      kind: 'reconsideration', procedure: 'ordinary', body: '东江区人民政府', externalCaseNumber: `东府复〔2026〕${n}号`, receivedDate: '2026-10-20',
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  };
  const auditCount = async () => Number((await env.db('audit_log').where({ action: 'application.contact' }).count({ n: '*' }).first())?.n);

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    for (const u of ['cw', 'cw2', 'rev', 'appr', 'mgr', 'legal']) tokens[u] = await env.token(u);
  });
  after(async () => env.close());

  it('a contact is recorded with its files, listed on the case, and changes neither state, version nor deadlines', async () => {
    const id = await register('2026-11-02');
    const before = await view(id);
    const file = scan('通话记录');
    const res = await request(env.app).post(`/api/applications/${id}/contacts`).set(auth('cw'))
      .field('date', '2026-11-04').field('time', '10:15').field('channel', 'phone').field('counterpart', '申请人本人')
      .field('summary', '电话联系申请人，释明申请内容，申请人同意限定为2025年度的批复文件。').field('outcome', 'narrowed')
      .attach('files', file, { filename: '通话记录.pdf', contentType: 'application/pdf' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.channel, 'phone');
    assert.equal(res.body.outcome, 'narrowed');
    assert.equal(res.body.staff, 'cw', 'the person recording, by default');
    assert.equal(res.body.hint, null);
    assert.match(res.body.contentSha256, /^[0-9a-f]{64}$/);
    assert.equal(res.body.files[0].sha256, sha256(file));

    const after = await view(id);
    assert.equal(after.state, before.state);
    assert.equal(after.version, before.version);
    assert.deepEqual(after.deadlines.replyDue, before.deadlines.replyDue);
    assert.equal(after.history.length, before.history.length, 'no event in the case\'s history');
    assert.equal(after.contacts.length, 1);
    assert.equal(after.contacts[0].summary, '电话联系申请人，释明申请内容，申请人同意限定为2025年度的批复文件。');
    assert.equal(after.contacts[0].time, '10:15');

    const dl = await request(env.app).get(`/api/applications/${id}/contacts/${res.body.id}/files/${res.body.files[0].id}`).set(auth('mgr')).buffer(true).parse(binary);
    assert.equal(dl.status, 200);
    assert.equal(sha256(dl.body), sha256(file));
    const listed = await request(env.app).get(`/api/applications/${id}/contacts`).set(auth('cw'));
    assert.equal(listed.body.items.length, 1);

    const entry = await env.db('audit_log').where({ action: 'application.contact' }).orderBy('id', 'desc').first();
    assert.equal(JSON.parse(entry.detail).contentSha256, res.body.contentSha256, 'the audit log vouches for the content');
  });

  it('bad input is refused per field in Chinese and nothing is written', async () => {
    const id = await register('2026-11-03');
    const audits = await auditCount();
    const contents = Number((await env.db('attachment_contents').count({ n: '*' }).first())?.n);
    const bad = await request(env.app).post(`/api/applications/${id}/contacts`).set(auth('cw'))
      .field('date', '2026-11-01').field('channel', 'telegram').field('summary', ' ').field('outcome', 'happy').field('time', '25:00')
      .attach('files', scan('unused'), { filename: 'x.pdf', contentType: 'application/pdf' });
    assert.equal(bad.status, 422, JSON.stringify(bad.body));
    assert.match(bad.body.fields.date, /不能早于收到申请之日/);
    assert.match(bad.body.fields.channel, /电话、当面、电子邮件、短信、信函/);
    assert.match(bad.body.fields.summary, /内容摘要/);
    assert.match(bad.body.fields.outcome, /沟通结果/);
    assert.match(bad.body.fields.time, /时:分/);
    assert.equal((await contact(id, 'cw', { date: '2027-01-01', channel: 'phone', summary: 'x', outcome: 'clarified' })).body.fields.date, '沟通日期不能晚于今天');
    const unknown = await contact(id, 'cw', { date: '2026-11-04', channel: 'phone', summary: 'x', outcome: 'clarified', mood: 'calm' });
    assert.equal(unknown.status, 422);
    const badFile = await request(env.app).post(`/api/applications/${id}/contacts`).set(auth('cw'))
      .field('date', '2026-11-04').field('channel', 'sms').field('summary', '短信告知').field('outcome', 'explained')
      .attach('files', Buffer.from('MZ not a scan'), { filename: 'a.exe' });
    assert.equal(badFile.status, 422);
    assert.equal((await view(id)).contacts.length, 0);
    assert.equal(await auditCount(), audits);
    assert.equal(Number((await env.db('attachment_contents').count({ n: '*' }).first())?.n), contents, 'no bytes left behind');
  });

  it('only the handling agency\'s caseworker or approver records contacts; other agencies do not see them', async () => {
    const id = await register('2026-11-05');
    const body = { date: '2026-11-06', channel: 'visit', summary: '申请人来访，当面说明', outcome: 'clarified' };
    assert.equal((await contact(id, 'cw2', body)).status, 404, 'another agency\'s case is not there for them');
    assert.equal((await contact(id, 'mgr', body)).status, 403);
    assert.equal((await contact(id, 'rev', body)).status, 403);
    assert.equal((await contact(id, 'appr', body)).status, 201);
    assert.equal((await request(env.app).get(`/api/applications/${id}/contacts`).set(auth('cw2'))).status, 404);
    const c = (await view(id)).contacts[0];
    assert.equal((await request(env.app).get(`/api/applications/${id}/contacts/${c.id}/files/1`).set(auth('cw2'))).status, 404);
  });

  it('"withdrew" does not withdraw the application: the answer and the page point to WITHDRAW', async () => {
    const id = await register('2026-11-06');
    const before = await view(id);
    const res = await contact(id, 'cw', { date: '2026-11-09', channel: 'phone', summary: '申请人表示不再需要该信息，拟撤回申请', outcome: 'withdrew' });
    assert.equal(res.status, 201);
    assert.match(res.body.hint, /书面撤回申请/);
    const v = await view(id);
    assert.equal(v.state, before.state);
    assert.notEqual(v.state, 'closed');
    assert.ok(v.allowedEvents.includes('WITHDRAW'));
    const agent = await loginAgent(env.app, 'cw');
    const page = await agent.get(`/applications/${id}`);
    assert.match(page.text, /id="withdraw-hint"/);
    assert.match(page.text, /沟通记录本身不撤回申请/);
  });

  it('the case page records a contact through its form, keeps what was typed on a refusal, and shows it in the timeline', async () => {
    const id = await register('2026-11-09');
    const agent = await loginAgent(env.app, 'cw');
    const page = await agent.get(`/applications/${id}`);
    assert.match(page.text, /id="form-contact"/);
    for (const label of ['沟通时间', '沟通方式', '沟通人', '内容摘要', '沟通结果', '电话', '短信', '信函', '已澄清诉求', '缩小申请范围', '申请人撤回', '申请人不满意']) {
      assert.ok(page.text.includes(label), label);
    }
    const refused = await agent.post(`/applications/${id}/contacts`).field('_csrf', csrfOf(page.text))
      .field('date', '2026-11-10').field('channel', 'email').field('summary', '').field('outcome', 'clarified').field('staff', '李承办');
    assert.equal(refused.status, 422);
    assert.match(refused.text, /请填写内容摘要/);
    assert.match(refused.text, /value="李承办"/);
    const saved = await agent.post(`/applications/${id}/contacts`).field('_csrf', csrfOf(page.text))
      .field('date', '2026-11-10').field('channel', 'email').field('summary', '邮件告知办理进度，申请人表示理解').field('outcome', 'explained').field('staff', '李承办');
    assert.equal(saved.status, 303);
    const shown = await agent.get(saved.headers.location!.replace(/#.*$/, ''));
    assert.match(shown.text, /沟通记录已保存/);
    assert.match(shown.text, /class="timeline-contact"/);
    assert.match(shown.text, /与申请人沟通（电子邮件）/);
    assert.match(shown.text, /邮件告知办理进度，申请人表示理解/);
    assert.doesNotMatch(shown.text, />(explained|email)</);
    // Those who may not record one see the list, not the form.
    const mgrPage = await (await loginAgent(env.app, 'mgr')).get(`/applications/${id}`);
    assert.match(mgrPage.text, /邮件告知办理进度/);
    assert.doesNotMatch(mgrPage.text, /id="form-contact"/);
  });

  it('the case export and the evidence list carry the contacts', async () => {
    requireTools('pdftotext');
    const id = await register('2026-10-09');
    const file = scan('信函');
    const c = await request(env.app).post(`/api/applications/${id}/contacts`).set(auth('cw'))
      .field('date', '2026-10-12').field('channel', 'letter').field('summary', '去函说明可提供的范围').field('outcome', 'dissatisfied')
      .attach('files', file, { filename: '复函.pdf', contentType: 'application/pdf' });
    assert.equal(c.status, 201);
    const exported = await request(env.app).get(`/api/applications/${id}/export`).set(auth('legal'));
    assert.equal(exported.status, 200, JSON.stringify(exported.body));
    assert.equal(exported.body.contacts.length, 1);
    assert.equal(exported.body.contacts[0].outcome, 'dissatisfied');
    assert.equal(exported.body.contacts[0].contentSha256, c.body.contentSha256);
    assert.equal(exported.body.contacts[0].files[0].sha256, sha256(file));
    const pdf = await request(env.app).get(`/api/applications/${id}/evidence-list.pdf`).set(auth('legal')).buffer(true).parse(binary);
    assert.equal(pdf.status, 200);
    const text = compactText(pdf.body as Buffer);
    assert.ok(text.includes('信函沟通记录（申请人不满意）'), text);
    assert.ok(text.includes('沟通记录附件（复函.pdf）'), text);
    assert.ok(text.includes(c.body.contentSha256.slice(0, 16)), text);
  });

  it('the briefing counts the cases answered with a contact before the reply and compares their appeal rates', async () => {
    const period = 'from=2026-09-01&to=2026-09-30';
    const b0 = (await request(env.app).get(`/api/reports/briefing?${period}`).set(auth('mgr'))).body;
    assert.deepEqual(b0.contacts, { replied: 0, withContact: { cases: 0, appealed: 0, appealRate: null }, withoutContact: { cases: 0, appealed: 0, appealRate: null } });
    // Three answered in September: two with a contact before the reply (one appealed), one without (appealed);
    // a fourth had its only contact after the reply; a fifth is answered in October (outside the period).
    const a = await register('2026-09-01');
    const b = await register('2026-09-01');
    const c = await register('2026-09-01');
    const d = await register('2026-09-01');
    const e = await register('2026-09-01');
    assert.equal((await contact(a, 'cw', { date: '2026-09-03', channel: 'phone', summary: '沟通', outcome: 'clarified' })).status, 201);
    assert.equal((await contact(b, 'appr', { date: '2026-09-10', channel: 'visit', summary: '沟通', outcome: 'explained' })).status, 201);
    for (const id of [a, b, c, d]) await answer(id, '2026-09-10', '2026-09-15');
    await answer(e, '2026-10-08', '2026-10-09');
    assert.equal((await contact(d, 'cw', { date: '2026-09-20', channel: 'phone', summary: '答复后沟通', outcome: 'dissatisfied' })).status, 201);
    assert.equal((await contact(e, 'cw', { date: '2026-09-04', channel: 'phone', summary: '沟通', outcome: 'clarified' })).status, 201);
    await appeal(a, 1);
    await appeal(c, 2);
    await appeal(d, 3);
    const res = await request(env.app).get(`/api/reports/briefing?${period}`).set(auth('mgr'));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.contacts, {
      replied: 4,
      withContact: { cases: 2, appealed: 1, appealRate: 0.5 },
      withoutContact: { cases: 2, appealed: 2, appealRate: 1 },
    });
    const page = await (await loginAgent(env.app, 'mgr')).get(`/reports/briefing?${period}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /答复前与申请人沟通/);
    assert.match(page.text, /50\.0%/);
    requireTools('pdftotext');
    const pdf = await request(env.app).get(`/api/reports/briefing?${period}&format=pdf`).set(auth('mgr')).buffer(true).parse(binary);
    const text = compactText(pdf.body as Buffer);
    assert.ok(text.includes('答复前与申请人沟通的2件'), text);
  });
});
