import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, csrfOf, loginAgent, type TestEnv } from '../helpers/test-app.js';

// Documents, consultations, exports, fees and the applicant check are route declarations: every
// body, query and path parameter is parsed by its schema, unknown keys are refused (422, per field),
// multipart is refused where no file is taken (415), and a refusal changes nothing.
describe('declared inputs of documents, consultations, exports, fees and the applicant check', function () {
  this.timeout(60_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  let appId = 0;
  let documentCaseId = 0;
  let noticeId = 0;
  let requestId = 0;
  const P_ID = '31011519650312201';

  const document = async (id: number) => (await request(env.app).get(`/api/documents/${id}`).set(auth('cw'))).body;
  const consultation = async (id: number, who = 'cw2') => (await request(env.app).get(`/api/consultations/${id}`).set(auth(who))).body;
  const count = async (table: string, where: Record<string, unknown> = {}) => Number((await env.db(table).where(where).count({ n: '*' }).first())!.n);
  const refusedField = (res: request.Response, field: string) => {
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.error, 'invalid');
    assert.ok(res.body.fields?.[field], `${field} in ${JSON.stringify(res.body)}`);
  };

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    for (const u of ['cw', 'cw2', 'mgr', 'admin']) tokens[u] = await env.token(u);
    const register = async () => {
      const registered = await request(env.app).post('/api/applications').set(auth('cw')).send(applicationBody({ receivedDate: '2026-11-02' }));
      assert.equal(registered.status, 201, JSON.stringify(registered.body));
      return registered.body.id as number;
    };
    // One case waits for a correction (a draft notice), the other consults JSJT.
    documentCaseId = await register();
    appId = await register();
    const corrected = await request(env.app).post(`/api/applications/${documentCaseId}/events`).set(auth('cw'))
      .send({ type: 'REQUEST_CORRECTION', date: '2026-11-03', items: ['请写明所需文件的名称'], periodWorkingDays: 10 });
    assert.equal(corrected.status, 200, JSON.stringify(corrected.body));
    noticeId = corrected.body.documents.find((d: { kind: string }) => d.kind === 'correction_notice').id;
    const consulted = await request(env.app).post(`/api/applications/${appId}/consultations`).set(auth('cw')).send({ agencyCodes: ['JSJT'], parts: '施工许可部分' });
    assert.equal(consulted.status, 201, JSON.stringify(consulted.body));
    requestId = consulted.body.consultations[0].inbox.id;
  });
  after(async () => env.close());

  describe('an unknown key is refused by name, and nothing changes', () => {
    it('documents: an edit or an issue with a key the action does not read', async () => {
      const before = await document(noticeId);
      refusedField(await request(env.app).put(`/api/documents/${noticeId}`).set(auth('cw')).send({ body: '新的正文', title: '另一个标题' }), 'title');
      refusedField(await request(env.app).post(`/api/documents/${noticeId}/issue`).set(auth('cw')).send({ date: '2026-11-05', number: '东规资公补〔2026〕99号' }), 'number');
      const after = await document(noticeId);
      assert.equal(after.body, before.body);
      assert.equal(after.status, 'draft');
    });

    it('documents: a query parameter the PDF does not know', async () => {
      const res = await request(env.app).get(`/api/documents/${noticeId}/pdf?format=docx`).set(auth('cw'));
      refusedField(res, 'format');
    });

    it('consultations: consulting or answering with an extra key', async () => {
      const letters = await count('consultation_requests');
      refusedField(await request(env.app).post(`/api/applications/${appId}/consultations`).set(auth('cw')).send({ agencyCodes: ['DJQ'], urgent: true }), 'urgent');
      assert.equal(await count('consultation_requests'), letters, 'no letter sent');
      refusedField(await request(env.app).post(`/api/consultations/${requestId}/answer`).set(auth('cw2')).send({ opinion: 'consent', signedBy: '张三' }), 'signedBy');
      assert.equal((await consultation(requestId)).status, 'open', 'not answered');
      refusedField(await request(env.app).get('/api/consultations?box=inbox&sort=due').set(auth('cw2')), 'sort');
    });

    it('exports: a job with a key the export does not read', async () => {
      const jobs = await count('export_jobs');
      refusedField(await request(env.app).post('/api/reports/exports').set(auth('mgr')).send({ year: 2026, agency: 'GHZY', email: 'mgr@example.org' }), 'email');
      assert.equal(await count('export_jobs'), jobs, 'no job started');
    });

    it('fees: a quote with a key the calculator does not read', async () => {
      refusedField(await request(env.app).post('/api/fees/quote').set(auth('cw')).send({ basis: 'per_page', pages: 40, discount: 10 }), 'discount');
    });

    it('the applicant check: an unknown key at the top or inside the applicant, nothing audited', async () => {
      const audited = await count('audit_log', { action: 'applicant.check' });
      const applicant = { kind: 'natural_person', idType: 'resident_id', idNumber: P_ID + 'X' };
      refusedField(await request(env.app).post('/api/applicants/check').set(auth('cw')).send({ applicant, note: '加急' }), 'note');
      refusedField(await request(env.app).post('/api/applicants/check').set(auth('cw')).send({ applicant: { ...applicant, nickname: '老张' } }), 'applicant.nickname');
      assert.equal(await count('audit_log', { action: 'applicant.check' }), audited);
    });
  });

  describe('multipart where no file is taken is refused (415), and nothing changes', () => {
    const unsupported = (res: request.Response) => {
      assert.equal(res.status, 415, JSON.stringify(res.body));
      assert.equal(res.body.error, 'unsupported_media_type');
    };

    it('documents: issuing a notice, or verifying a copy, sent as multipart', async () => {
      unsupported(await request(env.app).post(`/api/documents/${noticeId}/issue`).set(auth('cw')).field('date', '2026-11-05'));
      assert.equal((await document(noticeId)).status, 'draft');
      unsupported(await request(env.app).post('/api/documents/verify').attach('file', Buffer.from('%PDF-1.4\n%%EOF\n'), { filename: 'copy.pdf', contentType: 'application/pdf' }));
    });

    it('consultations: consulting agencies sent as multipart', async () => {
      const letters = await count('consultation_requests');
      unsupported(await request(env.app).post(`/api/applications/${appId}/consultations`).set(auth('cw')).field('agencyCodes', 'DJQ'));
      assert.equal(await count('consultation_requests'), letters);
    });

    it('exports, fees and the applicant check sent as multipart', async () => {
      const jobs = await count('export_jobs');
      unsupported(await request(env.app).post('/api/reports/exports').set(auth('mgr')).field('year', '2026'));
      assert.equal(await count('export_jobs'), jobs);
      unsupported(await request(env.app).post('/api/fees/quote').set(auth('cw')).field('basis', 'per_page').field('pages', '40'));
      const audited = await count('audit_log', { action: 'applicant.check' });
      unsupported(await request(env.app).post('/api/applicants/check').set(auth('cw')).field('applicant.kind', 'natural_person'));
      assert.equal(await count('audit_log', { action: 'applicant.check' }), audited);
    });
  });

  describe('who may call', () => {
    it('the administrator reads no document, consultation, applicant history or fee quote (三员分立)', async () => {
      for (const path of [`/api/documents/${noticeId}`, `/api/applications/${documentCaseId}/documents`, `/api/consultations/${requestId}`, `/api/applications/${appId}/related`]) {
        assert.equal((await request(env.app).get(path).set(auth('admin'))).status, 403, path);
      }
      assert.equal((await request(env.app).post('/api/fees/quote').set(auth('admin')).send({ basis: 'per_page', pages: 40 })).status, 403);
    });

    it('a malformed id names no record (404)', async () => {
      for (const path of ['/api/documents/abc', '/api/consultations/0', '/api/reports/exports/-1', `/api/consultations/${requestId}/attachments/x`]) {
        assert.equal((await request(env.app).get(path).set(auth('mgr'))).status, 404, path);
      }
    });
  });

  describe('pages', () => {
    it('a document action with an unknown form field is shown on the case page, next to the document, and changes nothing', async () => {
      const agent = await loginAgent(env.app, 'cw');
      const page = await agent.get(`/applications/${documentCaseId}`);
      const res = await agent.post(`/documents/${noticeId}/issue`).type('form').send({ _csrf: csrfOf(page.text), date: '2026-11-05', seal: 'none' });
      assert.equal(res.status, 422);
      assert.match(res.text, new RegExp(`id="doc-${noticeId}"[\\s\\S]*不接受的字段`));
      assert.equal((await document(noticeId)).status, 'draft');
    });

    it('the verification page takes its form with the token in the action URL', async () => {
      const agent = request.agent(env.app);
      const page = await agent.get('/verify');
      const csrf = csrfOf(page.text);
      const res = await agent.post(`/verify?_csrf=${encodeURIComponent(csrf)}`).field('_csrf', csrf)
        .attach('pdf', Buffer.from('%PDF-1.4\n%%EOF\n'), { filename: 'copy.pdf', contentType: 'application/pdf' });
      assert.equal(res.status, 200);
      assert.match(res.text, /验证未通过/);
      const none = await agent.post(`/verify?_csrf=${encodeURIComponent(csrf)}`).field('_csrf', csrf);
      assert.equal(none.status, 422);
      assert.match(none.text, /请选择要验证的 PDF 文件/);
    });

    it('the consultation page answers through its multipart form (token in the action URL), a refusal shown in place', async () => {
      const agent = await loginAgent(env.app, 'cw2');
      const page = await agent.get(`/consultations/${requestId}`);
      assert.equal(page.status, 200);
      const csrf = csrfOf(page.text);
      const action = `/consultations/${requestId}/answer?_csrf=${encodeURIComponent(csrf)}`;
      const bare = await agent.post(action).field('_csrf', csrf).field('opinion', 'object');
      assert.equal(bare.status, 422);
      assert.match(bare.text, /须说明理由/);
      assert.equal((await consultation(requestId)).status, 'open');
      const answered = await agent.post(action).field('_csrf', csrf).field('opinion', 'consent')
        .attach('attachments', Buffer.from('%PDF-1.4 reply'), { filename: '复函.pdf', contentType: 'application/pdf' });
      assert.equal(answered.status, 303, answered.text.slice(0, 500));
      assert.equal((await consultation(requestId)).status, 'answered');
    });

    it('the case page consults agencies with one ticked box (a plain string) and shows a refusal in its form', async () => {
      const agent = await loginAgent(env.app, 'cw');
      const page = await agent.get(`/applications/${appId}`);
      const version = Number(/name="version" value="(\d+)"/.exec(page.text)![1]);
      const own = await agent.post(`/applications/${appId}/consultations`).type('form').send({ _csrf: csrfOf(page.text), version, agencyCodes: 'GHZY', parts: '全部', date: '2026-11-20' });
      assert.equal(own.status, 422);
      assert.match(own.text, /id="form-consult-agencies" open/);
      const sent = await agent.post(`/applications/${appId}/consultations`).type('form').send({ _csrf: csrfOf(page.text), version, agencyCodes: 'DJQ', parts: '联合发文部分', date: '2026-11-20' });
      assert.equal(sent.status, 303, sent.text.slice(0, 500));
      const view = (await request(env.app).get(`/api/applications/${appId}`).set(auth('cw'))).body;
      assert.deepEqual(view.consultations.map((c: { agencyCode: string }) => c.agencyCode), ['JSJT', 'DJQ']);
    });
  });
});
