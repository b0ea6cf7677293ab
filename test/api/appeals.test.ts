import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { applicationBody, binary, createTestEnv, csrfOf, loginAgent, type TestEnv } from '../helpers/test-app.js';
import { requireTools } from '../pdf/pdf-helpers.js';

describe('reconsideration and litigation (issue 5)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const send = (id: number, who: string, body: object) => request(env.app).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
  const appealEvent = (id: number, body: object, who = 'legal') => request(env.app).post(`/api/appeals/${id}/events`).set(auth(who)).send(body);
  let appId: number;

  /** A refused application: withheld as process information, reviewed, issued and delivered. */
  async function refusedApplication(): Promise<number> {
    const app = (await request(env.app).post('/api/applications').set(auth('cw')).send(applicationBody({ receivedDate: '2026-08-03' }))).body;
    await send(app.id, 'cw', { type: 'DRAFT_REPLY', date: '2026-08-10', decision: 'withhold.process_info', reasons: '属于正在讨论中的过程性信息' });
    await send(app.id, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-08-10' });
    await send(app.id, 'rev', { type: 'APPROVE_REVIEW', date: '2026-08-11' });
    await send(app.id, 'appr', { type: 'ISSUE_REPLY', date: '2026-08-12' });
    const delivered = await send(app.id, 'cw', { type: 'RECORD_DELIVERY', date: '2026-08-14', method: 'mail' });
    assert.equal(delivered.body.state, 'closed');
    return app.id;
  }

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    for (const u of ['cw', 'rev', 'appr', 'legal', 'mgr', 'cw2']) tokens[u] = await env.token(u);
    appId = await refusedApplication();
  });
  after(async () => env.close());

  let reconsiderationId: number;

  it('legal staff log a reconsideration; the answer is due 5 working days after the copy (simplified)', async () => {
    const res = await request(env.app).post(`/api/applications/${appId}/appeals`).set(auth('legal')).send({
      kind: 'reconsideration', procedure: 'simplified', body: '东江区人民政府', externalCaseNumber: '东府复〔2026〕88号',
      receivedDate: '2026-09-25', acceptedDate: '2026-09-24', claims: '撤销被申请人作出的答复，责令重新答复',
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    reconsiderationId = res.body.id;
    assert.equal(res.body.kind, 'reconsideration');
    assert.equal(res.body.procedure, 'simplified');
    assert.equal(res.body.state, 'received');
    // Thu 25 Sep 2025+1? No: 2026. Fri 26 Sep (1), Sun 27 Sep is not a make-up day in 2026…
    assert.match(res.body.deadlines.answerDue, /^2026-\d{2}-\d{2}$/);
    assert.ok(Array.isArray(res.body.history) && res.body.history.length === 1);
    assert.ok(res.body.allowedEvents.includes('SUBMIT_ANSWER'));
    assert.ok(res.body.deadlines.decisionExpected);
  });

  it('only legal staff log appeals, and bad input is refused per field', async () => {
    assert.equal((await request(env.app).post(`/api/applications/${appId}/appeals`).set(auth('cw')).send({})).status, 403);
    const bad = await request(env.app).post(`/api/applications/${appId}/appeals`).set(auth('legal')).send({ kind: 'appeal', receivedDate: '2027-01-01' });
    assert.equal(bad.status, 422);
    assert.ok(bad.body.fields.kind && bad.body.fields.body && bad.body.fields.externalCaseNumber && bad.body.fields.receivedDate);
  });

  it('the appeal moves through answer, hearing and decision; a mismatched outcome is refused', async () => {
    assert.equal((await appealEvent(reconsiderationId, { type: 'RECORD_DECISION', date: '2026-10-09', outcome: 'upheld', decisionType: '维持', summary: 'x' })).status, 409);
    assert.equal((await appealEvent(reconsiderationId, { type: 'SUBMIT_ANSWER', date: '2026-09-28', evidence: [999999] })).status, 422);
    const docIds = (await request(env.app).get(`/api/applications/${appId}/documents`).set(auth('legal'))).body.items.map((d: { id: number }) => d.id);
    const answered = await appealEvent(reconsiderationId, { type: 'SUBMIT_ANSWER', date: '2026-09-28', evidence: docIds });
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    assert.equal(answered.body.state, 'answer_submitted');
    assert.equal((await appealEvent(reconsiderationId, { type: 'RECORD_HEARING', date: '2026-10-12', note: '书面审理' })).body.state, 'hearing');
    assert.equal((await appealEvent(reconsiderationId, { type: 'RECORD_HEARING', date: '2026-10-12', note: 'x' }, 'mgr')).status, 403);
    const mismatch = await appealEvent(reconsiderationId, { type: 'RECORD_DECISION', date: '2026-10-20', outcome: 'upheld', decisionType: '撤销', summary: '答复理由不充分' });
    assert.equal(mismatch.status, 422);
  });

  it('an event carrying a field its type does not have is refused per field, and the history is unchanged', async () => {
    const read = async () => (await request(env.app).get(`/api/appeals/${reconsiderationId}`).set(auth('legal'))).body;
    const before = await read();
    const extra = await appealEvent(reconsiderationId, { type: 'RECORD_HEARING', date: '2026-10-13', note: '第二次审理', outcome: 'upheld' });
    assert.equal(extra.status, 422, JSON.stringify(extra.body));
    assert.equal(extra.body.fields.outcome, '不接受的字段');
    // Nor can a client write what the server records itself (who acted, the facts of the clock).
    const smuggled = await appealEvent(reconsiderationId, { type: 'RECORD_HEARING', date: '2026-10-13', note: '第二次审理', actor: { id: 1, role: 'legal' } });
    assert.equal(smuggled.status, 422);
    assert.ok(smuggled.body.fields.actor);
    const unknownType = await appealEvent(reconsiderationId, { type: 'REOPEN', date: '2026-10-13' });
    assert.equal(unknownType.status, 422);
    assert.ok(unknownType.body.fields.type);
    const after = await read();
    assert.equal(after.version, before.version);
    assert.deepEqual(after.history, before.history);
    assert.equal((await request(env.app).get('/api/appeals?kind=reconsideration&colour=red').set(auth('legal'))).body.fields?.colour, '不接受的字段');
  });

  it('the appeal page shows a refused event on the page and changes nothing', async () => {
    const agent = await loginAgent(env.app, 'legal');
    const page = await agent.get(`/appeals/${reconsiderationId}`);
    assert.equal(page.status, 200);
    const version = /name="version" value="(\d+)"/.exec(page.text)![1];
    const res = await agent.post(`/appeals/${reconsiderationId}/events`).type('form')
      .send({ _csrf: csrfOf(page.text), type: 'RECORD_HEARING', version, date: '2026-10-13', note: '第二次审理', colour: 'red' });
    assert.equal(res.status, 422);
    assert.match(res.text, /不接受的字段/);
    assert.equal((await request(env.app).get(`/api/appeals/${reconsiderationId}`).set(auth('legal'))).body.version, Number(version));
  });

  it('multipart is refused (415) where no file is taken', async () => {
    const multipart = (req: request.Test) => req.set(auth('legal')).field('type', 'RECORD_HEARING').field('date', '2026-10-13').field('note', '第二次审理');
    const before = (await request(env.app).get(`/api/appeals/${reconsiderationId}`).set(auth('legal'))).body.version;
    assert.equal((await multipart(request(env.app).post(`/api/appeals/${reconsiderationId}/events`))).status, 415);
    assert.equal((await multipart(request(env.app).put(`/api/appeals/${reconsiderationId}/note`))).status, 415);
    assert.equal((await multipart(request(env.app).post(`/api/applications/${appId}/appeals`))).status, 415);
    assert.equal((await request(env.app).get(`/api/appeals/${reconsiderationId}`).set(auth('legal'))).body.version, before);
  });

  it('a decision ordering a new reply reopens the application with the deadline it sets', async () => {
    const res = await appealEvent(reconsiderationId, {
      type: 'RECORD_DECISION', date: '2026-10-20', outcome: 'corrected', decisionType: '撤销并责令重作', newReplyDueDate: '2026-11-30',
      summary: '未说明过程性信息的具体理由，撤销答复并责令重新答复',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.state, 'decided');
    assert.equal(res.body.outcome, 'corrected');
    const app = await request(env.app).get(`/api/applications/${appId}`).set(auth('cw'));
    assert.equal(app.body.state, 'processing');
    assert.equal(app.body.deadlines.replyDue, '2026-11-30');
    assert.ok(app.body.history.some((h: { type: string }) => h.type === 'REOPEN'));
    assert.ok(app.body.allowedEvents.includes('DRAFT_REPLY'), 'the caseworker answers anew');
  });

  it('reopening cannot be sent directly through the application event API', async () => {
    const res = await send(appId, 'legal', { type: 'REOPEN', date: '2026-11-20', appealId: reconsiderationId, newReplyDueDate: '2026-12-30', reason: 'x' });
    assert.equal(res.status, 409);
  });

  it('after reconsideration the applicant may sue: counted as litigation after reconsideration', async () => {
    const res = await request(env.app).post(`/api/applications/${appId}/appeals`).set(auth('legal')).send({
      kind: 'litigation', procedure: 'first_instance', body: '东江区人民法院', externalCaseNumber: '（2026）沪0115行初123号',
      receivedDate: '2026-11-02', filedDate: '2026-10-30', afterReconsideration: reconsiderationId,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.afterReconsideration, reconsiderationId);
    // 15 days after Mon 2 Nov 2026 = Tue 17 Nov 2026 (a working day).
    assert.equal(res.body.deadlines.answerDue, '2026-11-17');
    assert.equal(res.body.deadlines.answerOverdue, true);
  });

  it('lists appeals with filters, deadlines first', async () => {
    const all = await request(env.app).get('/api/appeals').set(auth('legal'));
    assert.equal(all.status, 200);
    assert.equal(all.body.items.length, 2);
    assert.equal((await request(env.app).get('/api/appeals?kind=litigation').set(auth('legal'))).body.items.length, 1);
    assert.equal((await request(env.app).get('/api/appeals?outcome=corrected').set(auth('legal'))).body.items.length, 1);
    assert.equal((await request(env.app).get('/api/appeals?outcome=pending').set(auth('legal'))).body.items.length, 1);
    assert.equal((await request(env.app).get('/api/appeals?year=2025').set(auth('legal'))).body.items.length, 0);
    assert.equal((await request(env.app).get('/api/appeals?outcome=maybe').set(auth('legal'))).status, 422);
    assert.equal((await request(env.app).get('/api/appeals').set(auth('cw2'))).body.items.length, 0, 'another agency sees none');
  });

  it('exports the whole file: applicant (masked), events, documents with SHA-256, appeals', async () => {
    const res = await request(env.app).get(`/api/applications/${appId}/export`).set(auth('legal'));
    assert.equal(res.status, 200);
    const x = res.body;
    assert.equal(x.application.id, appId);
    assert.match(x.applicant.idNumber, /\*/);
    assert.ok(x.events.length >= 7);
    assert.ok(x.documents.some((d: { kind: string }) => d.kind === 'reply') && x.documents.some((d: { kind: string }) => d.kind === 'receipt'));
    for (const d of x.documents) {
      const pdf = (await request(env.app).get(d.url).set(auth('legal')).buffer(true).parse(binary)).body as Buffer;
      const sha = (await import('node:crypto')).createHash('sha256').update(pdf).digest('hex');
      assert.equal(sha, d.sha256, `${d.number} bytes match their SHA-256`);
    }
    assert.equal(x.appeals.length, 2);
  });

  it('builds an evidence list PDF from the case documents', async function () {
    const res = await request(env.app).get(`/api/applications/${appId}/evidence-list.pdf`).set(auth('legal')).buffer(true).parse(binary);
    assert.equal(res.status, 200);
    requireTools('pdftotext');
    const file = join(env.dataDir, 'evidence.pdf');
    writeFileSync(file, res.body as Buffer);
    const text = spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, '');
    assert.ok(text.includes('证据清单'));
    const docs = (await request(env.app).get(`/api/applications/${appId}/documents`).set(auth('legal'))).body.items;
    const issued = docs.filter((x: { status: string }) => x.status === 'issued');
    assert.ok(issued.length >= 2, 'at least the receipt and the reply are issued');
    for (const d of issued) assert.ok(text.includes(d.number), d.number);
  });

  it('counts the period in a briefing', async () => {
    const res = await request(env.app).get('/api/reports/briefing?year=2026').set(auth('mgr'));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.received.byKind.reconsideration, 1);
    assert.equal(res.body.received.byKind.litigation, 1);
    assert.equal(res.body.decided.byOutcome.corrected, 1);
    assert.equal(res.body.correctionRate, 1);
    assert.equal(res.body.pendingAtEnd, 1);
    assert.equal(res.body.corrections[0].decisionType, '撤销并责令重作');
    const pdf = await request(env.app).get('/api/reports/briefing?quarter=2026-Q4&format=pdf').set(auth('mgr'));
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.equal((await request(env.app).get('/api/reports/briefing').set(auth('mgr'))).status, 422);
    assert.equal((await request(env.app).get('/api/reports/briefing?year=2026').set(auth('cw'))).status, 403);
  });

  it('case write-ups require every section', async () => {
    const bad = await request(env.app).put(`/api/appeals/${reconsiderationId}/note`).set(auth('legal')).send({ facts: '案情' });
    assert.equal(bad.status, 422);
    const ok = await request(env.app).put(`/api/appeals/${reconsiderationId}/note`).set(auth('legal')).send({
      facts: '张建国申请公开某地块规划调整的讨论记录，被申请人以过程性信息为由不予公开。张建国不服，申请行政复议。',
      issues: '讨论记录是否属于过程性信息；答复是否说明理由。',
      result: '复议机关撤销答复，责令重新答复。',
      lessons: '以过程性信息为由不予公开的，应当具体说明理由。',
    });
    assert.equal(ok.status, 200);
  });

  it('compiles a compendium whose table of contents matches its chapters, with no applicant name', async function () {
    const res = await request(env.app).post('/api/reports/compendium').set(auth('mgr')).send({ appealIds: [reconsiderationId, reconsiderationId + 1], title: '案例汇编（测试）' }).buffer(true).parse(binary);
    assert.equal(res.status, 200);
    const tocHeader = res.headers['x-compendium-toc'];
    assert.ok(tocHeader, 'the compendium names its chapters in X-Compendium-TOC');
    const toc = JSON.parse(decodeURIComponent(tocHeader)) as { title: string; page: number }[];
    assert.equal(toc.length, 2);
    requireTools('pdftotext', 'pdfinfo');
    const file = join(env.dataDir, 'book.pdf');
    writeFileSync(file, res.body as Buffer);
    const all = spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout;
    assert.ok(!all.includes('张建国'), 'the applicant is anonymised everywhere');
    assert.ok(all.replace(/\s+/g, '').includes('张某'));
    const info = spawnSync('pdfinfo', [file], { encoding: 'utf8' }).stdout;
    const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
    for (const entry of toc) {
      // The printed page number appears on the page where the chapter title is.
      let found = false;
      for (let p = 1; p <= pages && !found; p++) {
        const t = spawnSync('pdftotext', ['-f', String(p), '-l', String(p), file, '-'], { encoding: 'utf8' }).stdout;
        if (t.replace(/\s+/g, '').includes(entry.title.replace(/\s+/g, '')) && !t.includes('目录') && t.includes(`${entry.page}`)) found = true;
      }
      assert.ok(found, `chapter “${entry.title}” on printed page ${entry.page}`);
    }
  });
  it('the pages: a refused registration keeps what was typed; evidence typed as a list of numbers; the write-up names what is missing', async () => {
    const agent = await loginAgent(env.app, 'legal');
    const form = await agent.get(`/applications/${appId}/appeals/new`);
    assert.equal(form.status, 200);
    const bad = await agent.post(`/applications/${appId}/appeals`).type('form').send({
      _csrf: csrfOf(form.text), kind: 'litigation', procedure: 'first_instance', body: '', externalCaseNumber: '（2026）沪0115行初999号',
      receivedDate: '2026-11-03', acceptedDate: '', filedDate: '', afterReconsideration: '', claims: '',
    });
    assert.equal(bad.status, 422);
    assert.match(bad.text, /请填写受理法院/);
    assert.match(bad.text, /行初999号/, 'what was typed is kept');

    const litigationId = reconsiderationId + 1;
    const page = await agent.get(`/appeals/${litigationId}`);
    const version = /name="version" value="(\d+)"/.exec(page.text)![1];
    const docIds = (await request(env.app).get(`/api/applications/${appId}/documents`).set(auth('legal'))).body.items.map((d: { id: number }) => d.id);
    const answered = await agent.post(`/appeals/${litigationId}/events`).type('form')
      .send({ _csrf: csrfOf(page.text), type: 'SUBMIT_ANSWER', version, date: '2026-11-18', evidence: docIds.join(',') });
    assert.equal(answered.status, 303, answered.text);
    const view = (await request(env.app).get(`/api/appeals/${litigationId}`).set(auth('legal'))).body;
    assert.equal(view.state, 'answer_submitted');
    assert.deepEqual(view.history.at(-1).payload, { evidence: docIds });

    const note = await agent.post(`/appeals/${litigationId}/note`).type('form').send({ _csrf: csrfOf(page.text), facts: '案情', issues: '', result: '', lessons: '' });
    assert.equal(note.status, 422);
    assert.match(note.text, /请填写争议焦点/);
  });
});
