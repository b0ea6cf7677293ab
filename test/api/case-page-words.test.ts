import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, loginAgent, type TestEnv } from '../helpers/test-app.js';
import { replyFacts } from '../helpers/replies.js';
import { DECISION_CODES } from '../../workflows/decisions.js';
import {
  APPLICATION_EVENT_TYPES, APPLICATION_STATES, CONSULTATION_GROUNDS, CONSULTATION_KINDS, CORRECTION_GROUNDS, FEE_BASES, OPINIONS,
} from '../../workflows/application.machine.js';
import { APPLICANT_KINDS, CHANNELS, DELIVERY_METHODS, DOCUMENT_DELIVERY_METHODS, ID_TYPES } from '../../workflows/glossary.js';
import { DOCUMENT_KIND_LABELS } from '../../server/documents/document-templates.js';
import { listTemplates } from '../../server/documents/document-templates.js';
import { EVENT_DATE_LABELS, SIGNOFF_RETURN_TARGETS } from '../../workflows/application-types.js';

// Issue 13, "Chinese, not codes": nothing a person reads on the case page is a code — no decision,
// state, channel, delivery method, event type, document kind or template key, no version number, no
// raw ISO date, no JSON link — for a case in every state, whoever reads it. Hashes and template
// versions sit in a details line (details.tech), where they are meant to be.
describe('the case page speaks Chinese, not codes (issue 13)', function () {
  this.timeout(180_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const ok = async (id: number, who: string, body: object) => {
    const r = await request(env.app).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
    assert.equal(r.status, 200, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const register = async (overrides: Record<string, unknown> = {}) => {
    const r = await request(env.app).post('/api/applications').set(auth('cw')).send(applicationBody({ receivedDate: '2026-11-02', ...overrides }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id as number;
  };
  const draftOf = async (id: number, kind: string) =>
    (await request(env.app).get(`/api/applications/${id}`).set(auth('cw'))).body.documents.find((d: { kind: string; status: string }) => d.kind === kind && d.status === 'draft');
  const issueAndDeliver = async (id: number, kind: string, method: string, issued = '2026-11-05', received = '2026-11-06') => {
    const doc = await draftOf(id, kind);
    assert.equal((await request(env.app).post(`/api/documents/${doc.id}/issue`).set(auth('cw')).send({ date: issued })).status, 200);
    const d = await request(env.app).post(`/api/documents/${doc.id}/delivered`).set(auth('cw')).send({ date: received, method, trackingNumber: 'EMS1234567' });
    assert.equal(d.status, 200, JSON.stringify(d.body));
  };
  const cases: Record<string, number> = {};

  /** What a person reads: text nodes, and the titles, placeholders and labels of elements; not the details lines of hashes. */
  function readable(html: string): string {
    const attrs = [...html.matchAll(/\s(?:title|placeholder|aria-label|alt)="([^"]*)"/g)].map((m) => m[1]);
    const text = html
      .replace(/<script[\s\S]*?<\/script>/g, ' ')
      .replace(/<style[\s\S]*?<\/style>/g, ' ')
      .replace(/<details class="tech[^"]*">[\s\S]*?<\/details>/g, ' ')
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<textarea[^>]*>[\s\S]*?<\/textarea>/g, ' ') // what was typed (a draft's text), not labels
      .replace(/<[^>]+>/g, ' ');
    return [text, ...attrs].join(' ').replace(/&#34;|&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  }

  const codes = [
    ...DECISION_CODES, ...Object.keys(APPLICATION_STATES), ...Object.keys(CHANNELS), ...Object.keys(DELIVERY_METHODS),
    ...Object.keys(DOCUMENT_DELIVERY_METHODS), ...APPLICATION_EVENT_TYPES, 'REGISTER', 'NOTICE_ISSUED', 'NOTICE_DELIVERED',
    ...Object.keys(DOCUMENT_KIND_LABELS), ...Object.keys(OPINIONS), ...Object.keys(CONSULTATION_KINDS), ...Object.keys(FEE_BASES),
    ...Object.keys(CORRECTION_GROUNDS), ...Object.keys(CONSULTATION_GROUNDS), ...Object.keys(ID_TYPES), ...Object.keys(APPLICANT_KINDS),
    ...Object.keys(SIGNOFF_RETURN_TARGETS), 'JSON', 'undefined', 'null', 'NaN',
  ];
  const templateNames = () => listTemplates().map((t) => t.name);
  /** Each code found as a word of its own (ASCII letters, digits, `_` and `.` around it do not count as a boundary). */
  function codesIn(text: string): string[] {
    const found = new Set<string>();
    for (const code of [...codes, ...templateNames()]) {
      const re = new RegExp(`(^|[^A-Za-z0-9_.])${code.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_])`);
      if (re.test(text)) found.add(code);
    }
    for (const m of text.matchAll(/版本\s*\d+|\bv\d+\b|\b\d{4}-\d{2}-\d{2}\b|\[object Object\]|SHA-256/g)) found.add(m[0]);
    return [...found];
  }

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    for (const u of ['cw', 'rev', 'appr', 'mgr', 'legal']) tokens[u] = await env.token(u);

    // 办理中: a third party consulted (letter delivered by email), a fee notice (by mail), an extension asked.
    cases.processing = await register({ channel: 'mail' });
    await ok(cases.processing, 'cw', { type: 'START_CONSULTATION', date: '2026-11-04', kind: 'third_party', party: '某开发公司', ground: 'trade_secret' });
    await issueAndDeliver(cases.processing, 'consultation_letter', 'email');
    await ok(cases.processing, 'cw', { type: 'RECORD_OPINION', date: '2026-11-09', consultationId: 'c2', opinion: 'object', reasons: '涉及商业秘密' });
    await ok(cases.processing, 'cw', { type: 'ISSUE_FEE_NOTICE', date: '2026-11-10', basis: 'per_page', pages: 40 });
    await issueAndDeliver(cases.processing, 'fee_notice', 'mail', '2026-11-10', '2026-11-11');
    await ok(cases.processing, 'cw', { type: 'REQUEST_EXTENSION', date: '2026-11-12', workingDays: 10, reason: '需调取档案' });

    // 待补正: a correction notice delivered in person.
    cases.awaiting_correction = await register({ channel: 'online' });
    await ok(cases.awaiting_correction, 'cw', { type: 'REQUEST_CORRECTION', date: '2026-11-03', items: ['请写明所需信息的名称'], periodWorkingDays: 10, grounds: ['unclear'] });
    await issueAndDeliver(cases.awaiting_correction, 'correction_notice', 'in_person', '2026-11-03', '2026-11-04');

    // 已拟稿 (部分公开), 保密审查中 (不掌握), 待签发 (重复申请), returned before signing.
    cases.drafted = await register({ channel: 'fax' });
    await ok(cases.drafted, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-16', decision: 'partial', ...replyFacts('partial') });
    cases.in_review = await register();
    await ok(cases.in_review, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-16', decision: 'unavailable.not_held', ...replyFacts('unavailable.not_held') });
    await ok(cases.in_review, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-16' });
    await ok(cases.in_review, 'rev', { type: 'RETURN_FOR_REVISION', date: '2026-11-17', opinion: '请补充检索范围' });
    await ok(cases.in_review, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-17' });
    cases.approved = await register();
    await ok(cases.approved, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-16', decision: 'not_processed.repeat', ...replyFacts('not_processed.repeat') });
    await ok(cases.approved, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-16' });
    await ok(cases.approved, 'rev', { type: 'APPROVE_REVIEW', date: '2026-11-17', checklist: ['不涉及国家秘密（第十四条）'], opinion: '同意' });
    cases.returned = await register();
    await ok(cases.returned, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-16', decision: 'disclose', ...replyFacts('disclose') });
    await ok(cases.returned, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-16' });
    await ok(cases.returned, 'rev', { type: 'APPROVE_REVIEW', date: '2026-11-17' });
    await ok(cases.returned, 'appr', { type: 'RETURN_FROM_SIGNOFF', date: '2026-11-18', to: 'caseworker', reason: '请写明页数' });

    // 已签发待送达, and 已办结 by delivery (email), withdrawal, on the spot, transfer.
    cases.issued = await register();
    await ok(cases.issued, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-16', decision: 'disclose', ...replyFacts('disclose') });
    await ok(cases.issued, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-16' });
    await ok(cases.issued, 'rev', { type: 'APPROVE_REVIEW', date: '2026-11-17' });
    await ok(cases.issued, 'appr', { type: 'ISSUE_REPLY', date: '2026-11-18' });
    cases.delivered = await register();
    await ok(cases.delivered, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-16', decision: 'withhold.law_prohibited', ...replyFacts('withhold.law_prohibited') });
    await ok(cases.delivered, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-16' });
    await ok(cases.delivered, 'rev', { type: 'APPROVE_REVIEW', date: '2026-11-17' });
    await ok(cases.delivered, 'appr', { type: 'ISSUE_REPLY', date: '2026-11-18' });
    const reply = (await request(env.app).get(`/api/applications/${cases.delivered}`).set(auth('cw'))).body.documents.find((d: { kind: string }) => d.kind === 'reply');
    assert.equal((await request(env.app).post(`/api/documents/${reply.id}/delivered`).set(auth('cw')).send({ date: '2026-11-19', method: 'email' })).status, 200);
    cases.withdrawn = await register();
    await ok(cases.withdrawn, 'cw', { type: 'WITHDRAW', date: '2026-11-05' });
    cases.on_the_spot = await register();
    await ok(cases.on_the_spot, 'cw', { type: 'REPLY_ON_THE_SPOT', date: '2026-11-02', decision: 'disclose', ...replyFacts('disclose') });
    cases.transferred = await register();
    await ok(cases.transferred, 'appr', { type: 'TRANSFER', date: '2026-11-04', agencyCode: 'JSJT', reason: '该信息由区建设和交通委制作' });
  });
  after(async () => env.close());

  for (const who of ['cw', 'rev', 'appr', 'mgr']) {
    it(`as ${who}: no code, version, raw date or JSON link on the page of a case in any state`, async () => {
      const agent = await loginAgent(env.app, who);
      const problems: string[] = [];
      for (const [name, id] of Object.entries(cases)) {
        const res = await agent.get(`/applications/${id}`);
        assert.equal(res.status, 200, name);
        const found = codesIn(readable(res.text));
        if (found.length) problems.push(`${name}: ${found.join(', ')}`);
        if (/href="\/api\/[^"]*export"/.test(res.text)) problems.push(`${name}: a JSON export link`);
      }
      assert.deepEqual(problems, []);
    });
  }

  it('the timeline names the delivery method, the decision, the event and the consultation in Chinese', async () => {
    const agent = await loginAgent(env.app, 'cw');
    const processing = (await agent.get(`/applications/${cases.processing}`)).text;
    assert.match(processing, /送达方式：电子邮件送达/);
    assert.match(processing, /送达方式：邮寄送达/);
    assert.match(processing, /征求对象：第三方 某开发公司/);
    assert.match(processing, /收费方式：按量，40 页/);
    const delivered = (await agent.get(`/applications/${cases.delivered}`)).text;
    assert.match(delivered, /答复类型：其他法律行政法规禁止公开/);
  });

  it('documents name their template and status in Chinese; the template version and the full SHA-256 sit in a wrapped details line', async () => {
    const agent = await loginAgent(env.app, 'cw');
    const html = (await agent.get(`/applications/${cases.issued}`)).text;
    const reply = (await request(env.app).get(`/api/applications/${cases.issued}`).set(auth('cw'))).body.documents.find((d: { kind: string }) => d.kind === 'reply');
    const article = html.slice(html.indexOf(`id="doc-${reply.id}"`), html.indexOf('</article>', html.indexOf(`id="doc-${reply.id}"`)));
    assert.match(article, /<span class="badge ok">已签发<\/span>/);
    assert.match(article, new RegExp(`<details class="tech small"><summary>文书信息</summary>\\s*<p>模板：答复书（予以公开）第\\d+版</p>\\s*<p class="hash">PDF 校验值（SHA-256）：<span class="mono">${reply.sha256}</span></p>`));
    const notices = (await agent.get(`/applications/${cases.processing}`)).text;
    assert.match(notices, /<span class="badge ok">已发出<\/span>/, 'a notice is 发出, not 签发 (签发 is the head’s sign-off of a reply)');
  });

  it('the header keeps the version for If-Match in an attribute, not in the text', async () => {
    const agent = await loginAgent(env.app, 'cw');
    const html = (await agent.get(`/applications/${cases.drafted}`)).text;
    const version = (await request(env.app).get(`/api/applications/${cases.drafted}`).set(auth('cw'))).body.version;
    assert.match(html, new RegExp(`<div class="case-head" data-version="${version}">`));
    assert.doesNotMatch(html, /版本 \d/);
  });

  it('every event form labels its date for what it is, never 生效日期', async () => {
    const agent = await loginAgent(env.app, 'cw');
    const correction = (await agent.get(`/applications/${cases.awaiting_correction}`)).text;
    assert.match(correction, /<label>收到补正之日 <input type="date" name="date"/);
    assert.match(correction, /<label>收到撤回申请之日 <input type="date" name="date"/);
    const processing = (await agent.get(`/applications/${cases.drafted}`)).text;
    assert.match(processing, /<label>提交日期 <input type="date" name="date"/);
    assert.match(processing, /<label>拟稿日期 <input type="date" name="date"/);
    for (const html of [correction, processing]) assert.doesNotMatch(html, /生效日期/);
    const approver = (await (await loginAgent(env.app, 'appr')).get(`/applications/${cases.approved}`)).text;
    assert.match(approver, /<label>签发日期 <input type="date" name="date"/);
    assert.match(approver, /<label>退回日期 <input type="date" name="date"/);
    assert.equal(new Set(Object.values(EVENT_DATE_LABELS)).has('生效日期'), false);
    const refused = await request(env.app).post(`/api/applications/${cases.awaiting_correction}/events`).set(auth('cw')).send({ type: 'CORRECTION_RECEIVED', date: '2026-11-21' });
    assert.equal(refused.body.fields.date, '收到补正之日不能晚于今天');
  });

  it('legal staff and managers get no JSON link on the case page', async () => {
    for (const who of ['legal', 'mgr']) {
      const html = (await (await loginAgent(env.app, who)).get(`/applications/${cases.delivered}`)).text;
      assert.doesNotMatch(html, /JSON/);
      assert.match(html, /证据清单（PDF）/);
    }
  });
});
