import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { applicationBody, binary, createTestEnv, type TestEnv } from '../helpers/test-app.js';
import { replyFacts } from '../helpers/replies.js';
import { requireTools } from '../pdf/pdf-helpers.js';

const run = (tool: string, args: string[]) => spawnSync(tool, args, { encoding: 'utf8' });

describe('documents: numbered, sealed, signed PDFs (issue 4)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const send = (id: number, who: string, body: object) => request(env.app).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
  const register = async (receivedDate = '2026-11-02', who = 'cw') =>
    (await request(env.app).post('/api/applications').set(auth(who)).send(applicationBody({ receivedDate }))).body;
  const docs = async (id: number, who = 'cw') => (await request(env.app).get(`/api/applications/${id}/documents`).set(auth(who))).body.items;
  const pdfOf = async (docId: number, who = 'cw') =>
    (await request(env.app).get(`/api/documents/${docId}/pdf`).set(auth(who)).buffer(true).parse(binary)).body as Buffer;
  const tmp = (name: string, bytes: Buffer) => {
    const p = join(env.dataDir, name);
    writeFileSync(p, bytes);
    return p;
  };
  /** Draft, review, sign-off: the reply goes out through ISSUE_REPLY. */
  const replyFlow = async (id: number, date = '2026-11-10') => {
    assert.equal((await send(id, 'cw', { type: 'DRAFT_REPLY', date, decision: 'disclose', disclosure: { mode: 'provided', items: [{ title: '东江区控制性详细规划批复文件' }], delivery: 'paper' } })).status, 200);
    assert.equal((await send(id, 'cw', { type: 'SUBMIT_FOR_REVIEW', date })).status, 200);
    assert.equal((await send(id, 'rev', { type: 'APPROVE_REVIEW', date })).status, 200);
    return send(id, 'appr', { type: 'ISSUE_REPLY', date });
  };

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    for (const u of ['cw', 'cw-b', 'rev', 'appr', 'cw2', 'mgr']) tokens[u] = await env.token(u);
  });
  after(async () => env.close());

  it('registration issues a numbered, signed receipt', async () => {
    const app = await register();
    const list = await docs(app.id);
    assert.equal(list.length, 1);
    const receipt = list[0];
    assert.equal(receipt.kind, 'receipt');
    assert.equal(receipt.status, 'issued');
    assert.equal(receipt.number, '东规资公收〔2026〕1号');
    assert.match(receipt.sha256, /^[0-9a-f]{64}$/);
    assert.equal(receipt.supersedes, null);
    const res = await request(env.app).get(`/api/documents/${receipt.id}/pdf`).set(auth('cw'));
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.match(res.headers['content-disposition'] ?? '', /filename\*=UTF-8''/);
  });

  it('the reply is drafted, editable before review, frozen after, and issued signed by ISSUE_REPLY', async function () {
    const app = await register();
    assert.equal((await send(app.id, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'disclose', ...replyFacts('disclose') })).status, 200);
    const draft = (await docs(app.id)).find((d: { kind: string }) => d.kind === 'reply');
    assert.equal(draft.status, 'draft');
    assert.equal(draft.number, null);
    assert.ok(draft.body.includes('张建国'), 'addressed to the applicant');
    const edited = draft.body + '\n\n特此告知。';
    const put = await request(env.app).put(`/api/documents/${draft.id}`).set(auth('cw')).send({ body: edited });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.body, edited);
    // A draft previews as a watermarked, unsigned PDF.
    const preview = await pdfOf(draft.id);
    assert.equal(preview.subarray(0, 5).toString(), '%PDF-');
    assert.equal((await send(app.id, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-10' })).status, 200);
    const frozen = await request(env.app).put(`/api/documents/${draft.id}`).set(auth('cw')).send({ body: 'changed' });
    assert.equal(frozen.status, 409);
    assert.equal((await send(app.id, 'rev', { type: 'APPROVE_REVIEW', date: '2026-11-11' })).status, 200);
    // Only ISSUE_REPLY issues a reply under review.
    assert.equal((await request(env.app).post(`/api/documents/${draft.id}/issue`).set(auth('appr')).send({})).status, 409);
    const issued = await send(app.id, 'appr', { type: 'ISSUE_REPLY', date: '2026-11-12' });
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    const reply = issued.body.documents.find((d: { kind: string }) => d.kind === 'reply');
    assert.equal(reply.status, 'issued');
    assert.equal(reply.number, '东规资公复〔2026〕1号');
    assert.equal(reply.issuedDate, '2026-11-12');
    const pdf = await pdfOf(reply.id);
    requireTools('pdftotext', 'pdfsig');
    const text = run('pdftotext', ['-layout', tmp('reply.pdf', pdf), '-']).stdout.replace(/[ \u3000]+/g, '');
    assert.ok(text.includes('东规资公复〔2026〕1号'), text);
    assert.ok(text.includes('张建国'));
    assert.ok(text.includes('2026年11月12日'));
    assert.ok(text.includes('特此告知'), 'the edited wording is what was issued');
    assert.ok(text.includes('六个月'), 'remedies for a disclosure reply');
    const sig = run('pdfsig', [tmp('reply.pdf', pdf)]).stdout;
    assert.match(sig, /Signature is Valid/);
    assert.match(sig, /Total document signed/);
  });

  it('a withholding reply carries the 复议前置 remedy', async function () {
    const app = await register();
    await send(app.id, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'withhold.process_info', reasons: '属于正在研究讨论中的过程性信息' });
    const draft = (await docs(app.id)).find((d: { kind: string }) => d.kind === 'reply');
    assert.ok(draft.body.includes('行政复议'));
    assert.ok(draft.body.includes('第二十三条'), draft.body);
  });

  it('verification accepts an issued document and refuses a changed byte or a foreign PDF', async () => {
    const app = await register();
    const receipt = (await docs(app.id))[0];
    const pdf = await pdfOf(receipt.id);
    const ok = await request(env.app).post('/api/documents/verify').set('Content-Type', 'application/pdf').send(pdf);
    assert.equal(ok.status, 200);
    assert.deepEqual(
      { valid: ok.body.valid, number: ok.body.number, agency: ok.body.agency, issuedDate: ok.body.issuedDate },
      { valid: true, number: receipt.number, agency: '东江区规划和自然资源局', issuedDate: '2026-11-20' },
    );
    const tampered = Buffer.from(pdf);
    const at = Math.floor(tampered.length / 3);
    tampered[at] = tampered[at]! ^ 0x01;
    const bad = await request(env.app).post('/api/documents/verify').set('Content-Type', 'application/pdf').send(tampered);
    assert.equal(bad.body.valid, false);
    assert.equal(bad.body.number, null);
    const foreign = await request(env.app).post('/api/documents/verify').set('Content-Type', 'application/pdf').send(Buffer.from('%PDF-1.4\n%%EOF\n'));
    assert.equal(foreign.body.valid, false);
  });

  it('a correction notice is drafted by its event and issued by the caseworker, numbered in its own family', async () => {
    const app = await register();
    await send(app.id, 'cw', { type: 'REQUEST_CORRECTION', date: '2026-11-05', items: ['请写明所需文件的名称', '请提供身份证明复印件'], periodWorkingDays: 10 });
    const notice = (await docs(app.id)).find((d: { kind: string }) => d.kind === 'correction_notice');
    assert.equal(notice.status, 'draft');
    assert.ok(notice.body.includes('请写明所需文件的名称') && notice.body.includes('请提供身份证明复印件'));
    assert.equal((await request(env.app).post(`/api/documents/${notice.id}/issue`).set(auth('appr')).send({})).status, 403);
    const issued = await request(env.app).post(`/api/documents/${notice.id}/issue`).set(auth('cw')).send({ date: '2026-11-05' });
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    assert.equal(issued.body.number, '东规资公补〔2026〕1号');
    assert.equal((await request(env.app).post(`/api/documents/${notice.id}/issue`).set(auth('cw')).send({})).status, 409);
  });

  it('a correction of an issued document supersedes it, with the reason', async () => {
    const app = await register();
    const receipt = (await docs(app.id))[0];
    assert.equal((await request(env.app).post(`/api/documents/${receipt.id}/supersede`).set(auth('cw')).send({})).status, 422);
    const draft = await request(env.app).post(`/api/documents/${receipt.id}/supersede`).set(auth('cw')).send({ reason: '申请人姓名有误' });
    assert.equal(draft.status, 201);
    assert.equal(draft.body.supersedes, receipt.id);
    const issued = await request(env.app).post(`/api/documents/${draft.body.id}/issue`).set(auth('cw')).send({});
    assert.equal(issued.status, 200);
    const list = await docs(app.id);
    assert.equal(list.find((d: { id: number }) => d.id === receipt.id).status, 'superseded');
    assert.equal(list.find((d: { id: number }) => d.id === draft.body.id).supersedes, receipt.id);
  });

  it('a 送达回证 is made for an issued document', async () => {
    const app = await register();
    const receipt = (await docs(app.id))[0];
    const res = await request(env.app).post(`/api/documents/${receipt.id}/delivery-receipt`).set(auth('cw')).send({ method: '邮寄' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.kind, 'delivery_receipt');
    assert.match(res.body.number, /^东规资公送〔2026〕\d+号$/);
    assert.ok(res.body.body.includes(receipt.number));
  });

  it('another agency sees none of it', async () => {
    const app = await register();
    const receipt = (await docs(app.id))[0];
    assert.equal((await request(env.app).get(`/api/applications/${app.id}/documents`).set(auth('cw2'))).status, 404);
    assert.equal((await request(env.app).get(`/api/documents/${receipt.id}/pdf`).set(auth('cw2'))).status, 404);
  });

  it('a reply that cannot be signed refuses the whole sign-off and consumes no number', async () => {
    const app = await register();
    await send(app.id, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'disclose', ...replyFacts('disclose') });
    await send(app.id, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-10' });
    await send(app.id, 'rev', { type: 'APPROVE_REVIEW', date: '2026-11-10' });
    const ghzy = await env.db('agencies').where({ code: 'GHZY' }).first('id');
    const key = await env.db('agency_keys').where({ agency_id: ghzy.id }).first();
    const counterBefore = await env.db('counters').where('key', 'like', 'doc:%').select();
    await env.db('agency_keys').where({ agency_id: ghzy.id }).delete();
    try {
      const refused = await send(app.id, 'appr', { type: 'ISSUE_REPLY', date: '2026-11-11' });
      assert.equal(refused.status, 409);
      assert.match(refused.body.message, /签章证书/);
    } finally {
      await env.db('agency_keys').insert(key);
    }
    const after = await request(env.app).get(`/api/applications/${app.id}`).set(auth('cw'));
    assert.equal(after.body.state, 'approved');
    assert.deepEqual(await env.db('counters').where('key', 'like', 'doc:%').select(), counterBefore);
    assert.equal((await send(app.id, 'appr', { type: 'ISSUE_REPLY', date: '2026-11-11' })).status, 200);
  });

  it('replies issued concurrently on several cases get distinct, consecutive numbers', async () => {
    const apps = [];
    for (let i = 0; i < 5; i++) {
      const app = await register('2026-11-03', 'cw2');
      await send(app.id, 'cw2', { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'disclose', ...replyFacts('disclose') });
      await send(app.id, 'cw2', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-10' });
      apps.push(app);
    }
    const rev2 = (await request(env.app).post('/api/auth/token').send({ username: 'rev2', password: 'test-pass-123' })).body.token;
    const appr2 = (await request(env.app).post('/api/auth/token').send({ username: 'appr2', password: 'test-pass-123' })).body.token;
    for (const app of apps) {
      await request(env.app).post(`/api/applications/${app.id}/events`).set('Authorization', `Bearer ${rev2}`).send({ type: 'APPROVE_REVIEW', date: '2026-11-10' });
    }
    const results = await Promise.all(apps.map((app) =>
      request(env.app).post(`/api/applications/${app.id}/events`).set('Authorization', `Bearer ${appr2}`).send({ type: 'ISSUE_REPLY', date: '2026-11-12' })));
    assert.ok(results.every((r) => r.status === 200), results.map((r) => `${r.status} ${r.body.message ?? ''}`).join(', '));
    const numbers = results.map((r) => r.body.documents.find((d: { kind: string }) => d.kind === 'reply').number as string);
    const seqs = numbers.map((n) => Number(/〔2026〕(\d+)号/.exec(n)![1])).sort((a, b) => a - b);
    assert.deepEqual(seqs, [1, 2, 3, 4, 5]);
    assert.ok(numbers.every((n) => n.startsWith('东建交公复〔2026〕')));
  });

  it('the public verification page checks an uploaded copy without login', async () => {
    const app = await register();
    const receipt = (await docs(app.id))[0];
    const pdf = await pdfOf(receipt.id);
    const agent = request.agent(env.app);
    const page = await agent.get('/verify');
    assert.equal(page.status, 200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const ok = await agent.post('/verify').field('_csrf', csrf).attach('pdf', pdf, { filename: 'copy.pdf', contentType: 'application/pdf' });
    assert.equal(ok.status, 200);
    assert.match(ok.text, /验证通过/);
    assert.ok(ok.text.includes(receipt.number));
    const changed = Buffer.from(pdf);
    changed[100] = changed[100]! ^ 0x01;
    const bad = await agent.post('/verify').field('_csrf', csrf).attach('pdf', changed, { filename: 'copy.pdf', contentType: 'application/pdf' });
    assert.match(bad.text, /验证未通过/);
  });

  it('the case page lists the documents with preview links and the actions the user may take', async () => {
    const app = await register();
    await send(app.id, 'cw', { type: 'REQUEST_CORRECTION', date: '2026-11-05', items: ['请写明文件名称'], periodWorkingDays: 10 });
    const agent = request.agent(env.app);
    const login = await agent.get('/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1];
    await agent.post('/login').type('form').send({ username: 'cw', password: 'test-pass-123', _csrf: csrf });
    const page = await agent.get(`/applications/${app.id}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /政府信息公开申请登记回执/);
    assert.match(page.text, /补正申请告知书/);
    // Issue 13: a notice is 发出 by the caseworker; 签发 is the head of the office's signing of a reply.
    assert.match(page.text, /发出（分配文号、盖章、签名）/);
    const notice = (await docs(app.id)).find((d: { kind: string }) => d.kind === 'correction_notice');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const issued = await agent.post(`/documents/${notice.id}/issue`).type('form').send({ _csrf: token, date: '2026-11-05' });
    assert.equal(issued.status, 303);
    assert.equal((await docs(app.id)).find((d: { id: number }) => d.id === notice.id).status, 'issued');
  });
});
