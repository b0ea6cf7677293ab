import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, csrfOf, loginAgent, residentId, type TestEnv } from '../helpers/test-app.js';
import { replyFacts } from '../helpers/replies.js';

// Issue 13, "Sign-off that shows what is signed": the reviewer's opinion (审查意见), the head of the
// office's return before signing (签发前退回), the reply's text beside the case's facts, and one
// confirmation before the signature. November 2026 has no holidays.
describe('sign-off that shows what is signed (issue 13)', function () {
  this.timeout(90_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const send = (id: number, who: string, body: object) => request(env.app).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
  const ok = async (id: number, who: string, body: object) => {
    const r = await send(id, who, body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const view = async (id: number, who = 'cw') => (await request(env.app).get(`/api/applications/${id}`).set(auth(who))).body;
  const register = async () => {
    const r = await request(env.app).post('/api/applications').set(auth('cw')).send(applicationBody({ receivedDate: '2026-11-02' }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id as number;
  };
  /** Drafted (予以公开: three pages of the planning approval, on paper) and submitted for review. */
  const inReview = async () => {
    const id = await register();
    await ok(id, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-16', decision: 'disclose', ...replyFacts('disclose') });
    await ok(id, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-16' });
    return id;
  };
  const approved = async () => {
    const id = await inReview();
    await ok(id, 'rev', { type: 'APPROVE_REVIEW', date: '2026-11-17', opinion: '不涉及国家秘密，同意公开。' });
    return id;
  };
  const page = async (id: number, who: string) => {
    const agent = await loginAgent(env.app, who);
    const res = await agent.get(`/applications/${id}`);
    assert.equal(res.status, 200);
    return { agent, html: res.text };
  };
  const section = (html: string, id: string) => {
    const start = html.indexOf(`id="${id}"`);
    assert.ok(start >= 0, `#${id} on the page`);
    return html.slice(start, html.indexOf('</section>', start));
  };

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    for (const u of ['cw', 'cw-b', 'rev', 'appr', 'mgr', 'legal', 'cw2']) tokens[u] = await env.token(u);
  });
  after(async () => env.close());

  describe('the review records an opinion (审查意见)', () => {
    it('an approval records the reviewer’s opinion and checklist in the history and the reply record', async () => {
      const id = await inReview();
      const body = await ok(id, 'rev', { type: 'APPROVE_REVIEW', date: '2026-11-17', opinion: '经审查，不涉及国家秘密，同意公开。', checklist: ['不涉及国家秘密（第十四条）'] });
      assert.equal(body.state, 'approved');
      const last = body.history.at(-1);
      assert.equal(last.type, 'APPROVE_REVIEW');
      assert.equal(last.payload.opinion, '经审查，不涉及国家秘密，同意公开。');
      assert.equal(body.reply.review.approved.opinion, '经审查，不涉及国家秘密，同意公开。');
      assert.equal(body.reply.review.approved.by.name, 'rev');
      assert.deepEqual(body.reply.review.approved.checklist, ['不涉及国家秘密（第十四条）']);
    });

    it('a return without an opinion is refused, naming the field; with one it is recorded', async () => {
      const id = await inReview();
      const refused = await send(id, 'rev', { type: 'RETURN_FOR_REVISION', date: '2026-11-17' });
      assert.equal(refused.status, 422, JSON.stringify(refused.body));
      assert.match(refused.body.fields.opinion, /审查意见/);
      assert.equal((await view(id)).state, 'in_review', 'nothing happened');
      const body = await ok(id, 'rev', { type: 'RETURN_FOR_REVISION', date: '2026-11-17', opinion: '请写明提供信息的页数和提供方式' });
      assert.equal(body.state, 'drafted');
      assert.equal(body.history.at(-1).payload.opinion, '请写明提供信息的页数和提供方式');
      assert.deepEqual(body.reply.review.returns.map((r: { opinion: string }) => r.opinion), ['请写明提供信息的页数和提供方式']);
    });

    it('the reviewer approves from the page, ticking one point of the checklist and writing an opinion', async () => {
      const id = await inReview();
      const { agent, html } = await page(id, 'rev');
      const res = await agent.post(`/applications/${id}/events`).type('form')
        .send({ _csrf: csrfOf(html), type: 'APPROVE_REVIEW', date: '2026-11-17', checklist: '不涉及国家秘密（第十四条）', opinion: '同意公开' });
      assert.equal(res.status, 303, res.text.slice(0, 300));
      const last = (await view(id)).history.at(-1);
      assert.deepEqual(last.payload, { checklist: ['不涉及国家秘密（第十四条）'], opinion: '同意公开' });
    });

    it('the review forms on the page: opinion with the approval, required to return', async () => {
      const id = await inReview();
      const { agent, html } = await page(id, 'rev');
      const signoff = section(html, 'signoff');
      assert.match(signoff, /<textarea name="opinion"[^>]*placeholder/, 'an opinion with the approval');
      assert.match(signoff, /审查意见（退回时必填[^<]*<textarea name="opinion" rows="3" required/);
      const refused = await agent.post(`/applications/${id}/events`).type('form').send({ _csrf: csrfOf(html), type: 'RETURN_FOR_REVISION', date: '2026-11-17', opinion: '' });
      assert.equal(refused.status, 422);
      assert.match(refused.text, /退回修改须填写审查意见/);
      const returned = await agent.post(`/applications/${id}/events`).type('form').send({ _csrf: csrfOf(html), type: 'RETURN_FOR_REVISION', date: '2026-11-17', opinion: '请补充提供方式' });
      assert.equal(returned.status, 303);
      // The caseworker reads why, until the reply is redrafted.
      const { html: cw } = await page(id, 'cw');
      assert.match(section(cw, 'returned'), /请补充提供方式/);
      assert.match(cw, /审查意见：请补充提供方式/, 'in the timeline');
    });
  });

  describe('the head of the office may return instead of signing (签发前退回)', () => {
    it('returns to the caseworker with a reason: the reply is redrafted and reviewed again', async () => {
      const id = await approved();
      const body = await ok(id, 'appr', { type: 'RETURN_FROM_SIGNOFF', date: '2026-11-18', to: 'caseworker', reason: '提供方式应为电子邮件' });
      assert.equal(body.state, 'drafted');
      assert.equal(body.history.at(-1).type, 'RETURN_FROM_SIGNOFF');
      assert.deepEqual(body.history.at(-1).payload, { to: 'caseworker', reason: '提供方式应为电子邮件' });
      assert.equal(body.reply.review.approved, null, 'the approval no longer stands');
      assert.deepEqual(body.reply.signoffReturns.map((r: { toLabel: string; reason: string }) => [r.toLabel, r.reason]), [['退回承办人修改', '提供方式应为电子邮件']]);
      assert.ok(body.documents.find((d: { kind: string }) => d.kind === 'reply').editable, 'the draft can be edited again');
      assert.deepEqual((await view(id, 'cw')).allowedEvents.filter((t: string) => t === 'DRAFT_REPLY' || t === 'SUBMIT_FOR_REVIEW'), ['DRAFT_REPLY', 'SUBMIT_FOR_REVIEW']);
    });

    it('returns to the reviewer with a reason: reviewed again before anyone may sign', async () => {
      const id = await approved();
      const body = await ok(id, 'appr', { type: 'RETURN_FROM_SIGNOFF', date: '2026-11-18', to: 'reviewer', reason: '请再核对是否涉及个人隐私' });
      assert.equal(body.state, 'in_review');
      assert.deepEqual((await view(id, 'rev')).allowedEvents, ['APPROVE_REVIEW', 'RETURN_FOR_REVISION']);
      assert.deepEqual((await view(id, 'appr')).allowedEvents.filter((t: string) => t === 'ISSUE_REPLY'), []);
    });

    it('is refused without a reason or whom to return to, and to anyone but the head of the office', async () => {
      const id = await approved();
      const noReason = await send(id, 'appr', { type: 'RETURN_FROM_SIGNOFF', date: '2026-11-18', to: 'caseworker' });
      assert.equal(noReason.status, 422);
      assert.ok(noReason.body.fields.reason || noReason.body.fields['reason'], JSON.stringify(noReason.body));
      const blank = await send(id, 'appr', { type: 'RETURN_FROM_SIGNOFF', date: '2026-11-18', to: 'caseworker', reason: '  ' });
      assert.equal(blank.status, 422);
      assert.match(blank.body.fields.reason, /签发前退回须说明理由|请填写/);
      const nobody = await send(id, 'appr', { type: 'RETURN_FROM_SIGNOFF', date: '2026-11-18', to: 'legal', reason: '退回' });
      assert.equal(nobody.status, 422);
      assert.match(nobody.body.fields.to, /退回承办人修改或退回保密审查/);
      assert.equal((await send(id, 'rev', { type: 'RETURN_FROM_SIGNOFF', date: '2026-11-18', to: 'caseworker', reason: '退回' })).status, 403);
      assert.equal((await send(id, 'cw', { type: 'RETURN_FROM_SIGNOFF', date: '2026-11-18', to: 'caseworker', reason: '退回' })).status, 403);
      const v = await view(id);
      assert.equal(v.state, 'approved');
      assert.equal(v.history.filter((h: { type: string }) => h.type === 'RETURN_FROM_SIGNOFF').length, 0, 'nothing recorded');
    });

    it('the return form on the sign-off page says why it was refused and keeps what was typed', async () => {
      const id = await approved();
      const { agent, html } = await page(id, 'appr');
      const form = section(html, 'signoff');
      assert.match(form, /name="to" value="caseworker" required/);
      assert.match(form, /name="to" value="reviewer" required/);
      const refused = await agent.post(`/applications/${id}/events`).type('form').send({ _csrf: csrfOf(html), type: 'RETURN_FROM_SIGNOFF', date: '2026-11-18', to: 'reviewer', reason: '' });
      assert.equal(refused.status, 422);
      assert.match(section(refused.text, 'signoff'), /签发前退回须说明理由/);
      assert.match(refused.text, /name="to" value="reviewer" required checked/, 'the choice is kept');
      const done = await agent.post(`/applications/${id}/events`).type('form').send({ _csrf: csrfOf(html), type: 'RETURN_FROM_SIGNOFF', date: '2026-11-18', to: 'reviewer', reason: '请再审' });
      assert.equal(done.status, 303);
      const { html: after } = await page(id, 'cw');
      assert.match(after, /签发前退回<\/strong>/);
      assert.match(after, /退回保密审查，理由：请再审/);
    });
  });

  describe('the reply’s text beside the case facts', () => {
    it('the reviewer and the head of the office read the reply as it prints, with the facts, without a preview link', async () => {
      const id = await approved();
      const reply = (await view(id)).documents.find((d: { kind: string }) => d.kind === 'reply');
      for (const who of ['rev', 'appr']) {
        const { html } = await page(id, who);
        const s = section(html, 'signoff');
        assert.match(s, /<article class="printed"/);
        assert.match(s, /<h3 class="printed-title">政府信息公开申请答复书<\/h3>/);
        // The number's place (allocated when signed), the addressee, each paragraph of the stored text, the agency and date.
        assert.match(s, /<p class="printed-number">东规资公复〔2026〕<span class="pending-slot"[^>]*>[^<]*<\/span>号<\/p>/);
        assert.match(s, /<p class="printed-addressee">张建国：<\/p>/);
        const paragraphs = (reply.body as string).split('\n\n').slice(1);
        assert.ok(paragraphs.length >= 3);
        for (const para of paragraphs) assert.ok(s.includes(`<p class="printed-para">${para}</p>`), `paragraph printed: ${para.slice(0, 30)}`);
        assert.match(s, /<p class="printed-agency">东江区规划和自然资源局<\/p>/);
        assert.match(s, /<p class="printed-date">2026年11月20日<\/p>/);
        // The facts beside it.
        assert.match(s, /<dt>申请人<\/dt><dd>张建国（自然人）<\/dd>/);
        assert.match(s, /申请公开某地块控制性详细规划调整的批复文件/);
        assert.match(s, /<dt>答复类型<\/dt>\s*<dd>予以公开<\/dd>/);
        assert.match(s, /规划批复文件（3页）/);
        assert.match(s, /<dt>提供方式<\/dt>\s*<dd>纸质<\/dd>/);
        assert.match(s, /<dt>答复期限<\/dt>/);
        assert.match(s, /审查通过<\/dt>\s*<dd>rev，2026年11月17日：不涉及国家秘密，同意公开。/);
        assert.doesNotMatch(html, />预览</, 'no preview link to click through');
      }
    });

    it('signing from the page asks once: refused without the confirmation, nothing issued; confirmed, the reply is signed', async () => {
      const id = await approved();
      const { agent, html } = await page(id, 'appr');
      const s = section(html, 'signoff');
      assert.match(s, /将<strong>分配文号、加盖印章、对 PDF 进行数字签名<\/strong>/);
      assert.match(s, /签发后不可撤回/);
      assert.match(s, /<input type="checkbox" name="confirm" value="yes" required/);
      const version = /name="version" value="(\d+)"/.exec(s)![1];
      const refused = await agent.post(`/applications/${id}/events`).type('form').send({ _csrf: csrfOf(html), type: 'ISSUE_REPLY', date: '2026-11-20', version });
      assert.equal(refused.status, 422);
      assert.match(section(refused.text, 'signoff'), /签发前请勾选确认/);
      const still = await view(id);
      assert.equal(still.state, 'approved');
      assert.equal(still.documents.find((d: { kind: string }) => d.kind === 'reply').number, null, 'no number taken');
      const signed = await agent.post(`/applications/${id}/events`).type('form').send({ _csrf: csrfOf(html), type: 'ISSUE_REPLY', date: '2026-11-20', version, confirm: 'yes' });
      assert.equal(signed.status, 303, signed.text.slice(0, 400));
      const after = await view(id);
      assert.equal(after.state, 'issued');
      assert.match(after.documents.find((d: { kind: string }) => d.kind === 'reply').number, /^东规资公复〔2026〕\d+号$/);
    });

    it('the API signs without the page’s confirmation', async () => {
      const id = await approved();
      const body = await ok(id, 'appr', { type: 'ISSUE_REPLY', date: '2026-11-20' });
      assert.equal(body.state, 'issued');
      assert.equal((await send(id, 'appr', { type: 'ISSUE_REPLY', date: '2026-11-20', confirm: 'yes' })).status, 422, 'the event itself takes no confirm field');
    });
  });

  describe('personal data', () => {
    it('only the handling caseworkers see full ID and phone numbers; reviewers, approvers, managers and legal staff see them masked', async () => {
      const id = await inReview();
      const full = residentId('31011519650312201');
      for (const who of ['cw', 'cw-b']) {
        const a = (await view(id, who)).applicant;
        assert.equal(a.idNumber, full, who);
        assert.equal(a.phone, '13812345678', who);
      }
      for (const who of ['rev', 'appr', 'mgr', 'legal']) {
        const a = (await view(id, who)).applicant;
        assert.notEqual(a.idNumber, full, who);
        assert.match(a.idNumber, /\*/, who);
        assert.match(a.phone, /^138\*+5678$/, who);
        const { html } = await page(id, who);
        assert.ok(!html.includes(full), `${who}: no full ID on the page`);
        assert.ok(!html.includes('13812345678'), `${who}: no full phone on the page`);
      }
      const { html } = await page(id, 'cw');
      assert.ok(html.includes(full) && html.includes('13812345678'), 'the caseworker’s page shows them');
    });
  });
});
