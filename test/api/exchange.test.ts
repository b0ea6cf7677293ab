import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import request from 'supertest';
import ajv2020 from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { applicationBody, binary, createTestEnv, csrfOf, loginAgent, type TestEnv } from '../helpers/test-app.js';
import { exchangeClient, type TestClient } from '../helpers/exchange.js';

// ajv ships CommonJS: under ESM its class (and the formats plugin) is the module's `default`.
const Ajv2020 = ajv2020.default;
const addFormats = ajvFormats.default;

// Issue 14: the data exchange with the reconsideration body's system — clients and tokens, the limits
// of a client token (scope, agency, routes), the case file against its published schema, pushed
// appeals and their events with Idempotency-Key, and the change feed.
describe('the data exchange (issue 14)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  const staff: Record<string, string> = {};
  const as = (who: string) => ({ Authorization: `Bearer ${staff[who]}` });
  let district: TestClient; // DJQ: the district office and the departments below it
  let planning: TestClient; // GHZY only
  let readOnly: TestClient; // GHZY, exchange:read only
  let planningCase: string; // GHZY's refused application
  let planningCaseId: number;
  let constructionCase: string; // JSJT's

  const send = (id: number, who: string, body: object) => request(env.app).post(`/api/applications/${id}/events`).set(as(who)).send(body);
  const pushAppeal = (c: TestClient, key: string | null, body: object) => {
    const req = request(env.app).post('/api/exchange/appeals').set(c.auth);
    return (key === null ? req : req.set('Idempotency-Key', key)).send(body);
  };
  const pushEvent = (c: TestClient, id: number, key: string, body: object) => request(env.app).post(`/api/exchange/appeals/${id}/events`).set(c.auth).set('Idempotency-Key', key).send(body);
  const count = async (table: string, where: Record<string, unknown> = {}) => Number((await env.db(table).where(where).count({ n: '*' }).first())!.n);
  const appealBody = (overrides: object = {}) => ({
    caseNumber: planningCase, kind: 'reconsideration', procedure: 'simplified', body: '东江区人民政府', externalCaseNumber: '东府复〔2026〕101号',
    receivedDate: '2026-09-25', acceptedDate: '2026-09-24', ...overrides,
  });

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    for (const u of ['cw', 'rev', 'appr', 'legal', 'cw2', 'mgr']) staff[u] = await env.token(u);
    const app = (await request(env.app).post('/api/applications').set(as('cw')).send(applicationBody({ receivedDate: '2026-08-03' }))).body;
    await send(app.id, 'cw', { type: 'DRAFT_REPLY', date: '2026-08-10', decision: 'withhold.process_info', reasons: '属于正在讨论中的过程性信息' });
    await send(app.id, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-08-10' });
    await send(app.id, 'rev', { type: 'APPROVE_REVIEW', date: '2026-08-11' });
    assert.equal((await send(app.id, 'appr', { type: 'ISSUE_REPLY', date: '2026-08-12' })).status, 200);
    assert.equal((await send(app.id, 'cw', { type: 'RECORD_DELIVERY', date: '2026-08-14', method: 'mail' })).body.state, 'closed');
    planningCase = app.caseNumber;
    planningCaseId = app.id;
    constructionCase = (await request(env.app).post('/api/applications').set(as('cw2')).send(applicationBody({ receivedDate: '2026-11-02' }))).body.caseNumber;
    district = await exchangeClient(env, 'DJQ');
    planning = await exchangeClient(env, 'GHZY');
    readOnly = await exchangeClient(env, 'GHZY', ['exchange:read'], '只读系统');
  });
  after(async () => env.close());

  describe('tokens (RFC 6749 §4.4, §5.2)', () => {
    let id: string;
    let secret: string;
    before(async () => {
      const c = await exchangeClient(env, 'GHZY', ['exchange:read', 'exchange:write'], '令牌测试');
      id = c.clientId;
      secret = c.clientSecret;
    });
    const token = () => request(env.app).post('/api/oauth/token');

    it('are issued for credentials in the form body or by HTTP Basic, as Bearer tokens with the client\'s scopes, never cached', async () => {
      const byForm = await token().type('form').send({ grant_type: 'client_credentials', client_id: id, client_secret: secret });
      assert.equal(byForm.status, 200, JSON.stringify(byForm.body));
      assert.equal(byForm.body.token_type, 'Bearer');
      assert.equal(byForm.body.expires_in, 3600);
      assert.equal(byForm.body.scope, 'exchange:read exchange:write');
      assert.match(byForm.body.access_token, /^ddx_[A-Za-z0-9_-]{43}$/);
      assert.equal(byForm.headers['cache-control'], 'no-store');
      const byBasic = await token().auth(id, secret).type('form').send({ grant_type: 'client_credentials', scope: 'exchange:read' });
      assert.equal(byBasic.status, 200, JSON.stringify(byBasic.body));
      assert.equal(byBasic.body.scope, 'exchange:read', 'a narrower scope when asked');
      assert.notEqual(byBasic.body.access_token, byForm.body.access_token);
      const reads = await request(env.app).get(`/api/exchange/cases/${planningCase}`).set('Authorization', `Bearer ${byBasic.body.access_token}`);
      assert.equal(reads.status, 200);
      // Only a hash of the token is kept.
      assert.equal(await count('exchange_tokens', { token_hash: byForm.body.access_token }), 0);
    });

    it('refuse a wrong secret, an unknown client and missing credentials as invalid_client (401, WWW-Authenticate: Basic)', async () => {
      for (const res of [
        await token().type('form').send({ grant_type: 'client_credentials', client_id: id, client_secret: `${secret}x` }),
        await token().auth(id, 'ddcs_wrong').type('form').send({ grant_type: 'client_credentials' }),
        await token().type('form').send({ grant_type: 'client_credentials', client_id: 'ddc_0000000000000000', client_secret: secret }),
        await token().type('form').send({ grant_type: 'client_credentials' }),
      ]) {
        assert.equal(res.status, 401, JSON.stringify(res.body));
        assert.equal(res.body.error, 'invalid_client');
        assert.equal(typeof res.body.error_description, 'string');
        assert.match(res.headers['www-authenticate']!, /^Basic realm=/);
        assert.equal(res.body.message, undefined, 'the RFC\'s shape, not the API\'s');
      }
    });

    it('refuse another grant type, a scope the client does not hold, and malformed requests (400)', async () => {
      const password = await token().type('form').send({ grant_type: 'password', username: 'cw', password: 'x', client_id: id, client_secret: secret });
      assert.equal(password.status, 400);
      assert.equal(password.body.error, 'unsupported_grant_type');
      const readOnlyClient = await exchangeClient(env, 'GHZY', ['exchange:read'], '只读');
      const wider = await token().auth(readOnlyClient.clientId, readOnlyClient.clientSecret).type('form').send({ grant_type: 'client_credentials', scope: 'exchange:read exchange:write' });
      assert.equal(wider.status, 400);
      assert.equal(wider.body.error, 'invalid_scope');
      const unknownScope = await token().auth(id, secret).type('form').send({ grant_type: 'client_credentials', scope: 'admin' });
      assert.equal(unknownScope.body.error, 'invalid_scope');
      const noGrant = await token().auth(id, secret).type('form').send({});
      assert.equal(noGrant.status, 400);
      assert.equal(noGrant.body.error, 'invalid_request');
      const both = await token().auth(id, secret).type('form').send({ grant_type: 'client_credentials', client_secret: secret });
      assert.equal(both.body.error, 'invalid_request', 'one authentication method per request');
      const twice = await token().type('form').send(`grant_type=client_credentials&grant_type=client_credentials&client_id=${id}&client_secret=${secret}`);
      assert.equal(twice.body.error, 'invalid_request');
      // §3.2: parameters the server does not know are ignored.
      const extra = await token().auth(id, secret).type('form').send({ grant_type: 'client_credentials', audience: 'whatever' });
      assert.equal(extra.status, 200);
    });

    it('stop working at once when the client is revoked, and the client gets no new ones', async () => {
      const c = await exchangeClient(env, 'GHZY', ['exchange:read'], '将停用');
      assert.equal((await request(env.app).get(`/api/exchange/cases/${planningCase}`).set(c.auth)).status, 200);
      const agent = await loginAgent(env.app, 'admin');
      const page = await agent.get('/admin/clients');
      const rowId = (await env.db('exchange_clients').where({ client_id: c.clientId }).first('id')).id;
      const revoked = await agent.post(`/admin/clients/${rowId}/revoke`).type('form').send({ _csrf: csrfOf(page.text) });
      assert.equal(revoked.status, 303);
      const refused = await request(env.app).get(`/api/exchange/cases/${planningCase}`).set(c.auth);
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error, 'invalid_token');
      assert.match(refused.headers['www-authenticate']!, /error="invalid_token"/);
      const again = await request(env.app).post('/api/oauth/token').auth(c.clientId, c.clientSecret).type('form').send({ grant_type: 'client_credentials' });
      assert.equal(again.body.error, 'invalid_client');
    });
  });

  describe('what a client token reaches', () => {
    it('only /api/exchange/*: anywhere else it is no one (401)', async () => {
      for (const path of ['/api/applications', `/api/applications/${planningCaseId}`, '/api/me', '/api/appeals', '/api/users']) {
        const res = await request(env.app).get(path).set(district.auth);
        assert.equal(res.status, 401, `${path}: ${res.status}`);
      }
      const page = await request(env.app).get(`/applications/${planningCaseId}`).set(district.auth);
      assert.equal(page.status, 303, 'a page sends it to the login');
      const write = await request(env.app).post(`/api/applications/${planningCaseId}/events`).set(district.auth).send({ type: 'WITHDRAW', date: '2026-11-20' });
      assert.equal(write.status, 401);
    });

    it('staff tokens and sessions do not reach /api/exchange/* (403), nor does anyone without a token (401)', async () => {
      const byToken = await request(env.app).get(`/api/exchange/cases/${planningCase}`).set(as('legal'));
      assert.equal(byToken.status, 403);
      assert.equal(byToken.body.error, 'client_only');
      const agent = await loginAgent(env.app, 'legal');
      assert.equal((await agent.get(`/api/exchange/cases/${planningCase}`)).status, 403);
      assert.equal((await agent.get('/api/exchange/changes')).status, 403);
      const anonymous = await request(env.app).get('/api/exchange/changes');
      assert.equal(anonymous.status, 401);
      assert.match(anonymous.headers['www-authenticate']!, /^Bearer realm=/);
      const forged = await request(env.app).get('/api/exchange/changes').set('Authorization', 'Bearer ddx_forged');
      assert.equal(forged.status, 401);
      assert.equal(forged.body.error, 'invalid_token');
      assert.equal((await request(env.app).post('/api/exchange/appeals').set(as('legal')).set('Idempotency-Key', 'k').send(appealBody())).status, 403);
    });

    it('a token without exchange:write cannot push nor register webhooks (403 insufficient_scope)', async () => {
      const res = await pushAppeal(readOnly, 'scope-1', appealBody());
      assert.equal(res.status, 403);
      assert.equal(res.body.error, 'insufficient_scope');
      assert.match(res.headers['www-authenticate']!, /error="insufficient_scope", scope="exchange:write"/);
      assert.equal((await request(env.app).post('/api/exchange/webhooks').set(readOnly.auth).send({ url: 'https://example.org/h', events: ['appeal.filed'] })).status, 403);
      assert.equal(await count('appeals'), 0);
      // A token asked for exchange:read only cannot write either, though its client may.
      const narrow = await request(env.app).post('/api/oauth/token').type('form').send({ grant_type: 'client_credentials', scope: 'exchange:read', client_id: readOnly.clientId, client_secret: readOnly.clientSecret });
      assert.equal(narrow.status, 200);
    });

    it('only the cases of the client\'s agency and those below: another agency\'s case is 404, as an unknown one', async () => {
      assert.equal((await request(env.app).get(`/api/exchange/cases/${constructionCase}`).set(planning.auth)).status, 404);
      assert.equal((await request(env.app).get('/api/exchange/cases/GHZY-2026-9999').set(planning.auth)).status, 404);
      assert.equal((await request(env.app).get(`/api/exchange/cases/${constructionCase}`).set(district.auth)).status, 200, 'the district office\'s client sees the departments below');
      assert.equal((await request(env.app).get(`/api/exchange/cases/${planningCase}`).set(district.auth)).status, 200);
      const jsjt = await exchangeClient(env, 'JSJT', ['exchange:read', 'exchange:write']);
      assert.equal((await request(env.app).get(`/api/exchange/cases/${planningCase}`).set(jsjt.auth)).status, 404);
      const docs = (await request(env.app).get(`/api/exchange/cases/${planningCase}`).set(planning.auth)).body.documents as { id: number }[];
      assert.equal((await request(env.app).get(`/api/exchange/documents/${docs[0]!.id}/pdf`).set(jsjt.auth)).status, 404);
      const pushed = await pushAppeal(jsjt, 'other-agency', appealBody());
      assert.equal(pushed.status, 404);
      assert.equal(await count('appeals'), 0);
    });
  });

  describe('the case file', () => {
    it('validates against the JSON Schema published at /api/exchange/schema.json; the applicant in full; each PDF matches its SHA-256', async () => {
      const schemaRes = await request(env.app).get('/api/exchange/schema.json');
      assert.equal(schemaRes.status, 200);
      assert.match(schemaRes.headers['content-type']!, /application\/schema\+json/);
      const schema = JSON.parse(schemaRes.text);
      const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
      addFormats(ajv);
      const validate = ajv.compile(schema);
      const res = await request(env.app).get(`/api/exchange/cases/${planningCase}`).set(planning.auth);
      assert.equal(res.status, 200);
      const file = res.body;
      assert.ok(validate(JSON.parse(res.text)), JSON.stringify(validate.errors, null, 1));
      // Nothing the file carries at its top level goes undescribed.
      assert.deepEqual(Object.keys(file).filter((k) => !(k in schema.properties)), []);
      assert.equal(file.caseNumber, planningCase);
      assert.equal(file.applicant.idNumber, applicationBody().applicant && (applicationBody().applicant as { idNumber: string }).idNumber, 'not masked for the reconsideration body');
      assert.equal(file.applicant.phone, '13812345678');
      assert.ok(file.events.some((e: { type: string }) => e.type === 'ISSUE_REPLY'));
      assert.equal(file.application.concludedDate, '2026-08-12');
      const reply = file.documents.find((d: { kind: string }) => d.kind === 'reply');
      assert.ok(reply && /〔2026〕\d+号$/.test(reply.number) && reply.issuedDate === '2026-08-12');
      for (const d of file.documents) {
        const pdf = await request(env.app).get(d.pdf).set(planning.auth).buffer(true).parse(binary);
        assert.equal(pdf.status, 200);
        assert.equal(pdf.headers['content-type'], 'application/pdf');
        assert.equal(createHash('sha256').update(pdf.body as Buffer).digest('hex'), d.sha256, `${d.number}`);
      }
      // Drafts are no part of the file, and their PDFs are not handed out.
      const draft = await env.db('documents').where({ status: 'draft' }).first('id');
      if (draft) assert.equal((await request(env.app).get(`/api/exchange/documents/${draft.id}/pdf`).set(planning.auth)).status, 404);
      assert.equal((await request(env.app).get(`/api/exchange/cases/${planningCase}?full=1`).set(planning.auth)).status, 422, 'unknown query refused');
    });
  });

  describe('pushed appeals (Idempotency-Key)', () => {
    let appealId: number;
    let firstAnswer: Record<string, unknown>;

    it('the reconsideration body\'s system files an appeal: 201 with its deadlines; an appeal needs an Idempotency-Key', async () => {
      const missing = await pushAppeal(planning, null, appealBody());
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error, 'idempotency_key_missing');
      const invalidField = await pushAppeal(planning, 'bad-1', appealBody({ externalCaseNumber: '', colour: 'red' }));
      assert.equal(invalidField.status, 422);
      assert.equal(invalidField.body.fields.colour, '不接受的字段');
      const res = await pushAppeal(planning, 'appeal-1', appealBody());
      assert.equal(res.status, 201, JSON.stringify(res.body));
      appealId = res.body.id;
      firstAnswer = res.body;
      assert.equal(res.headers.location, `/api/exchange/appeals/${appealId}`);
      assert.equal(res.body.source, 'reconsideration_system');
      assert.equal(res.body.caseNumber, planningCase);
      assert.match(res.body.deadlines.answerDue, /^2026-10-\d\d$/);
      assert.deepEqual(res.body.events.map((e: { type: string }) => e.type), ['REGISTER']);
      assert.equal(res.body.events[0].by.role, 'exchange');
      assert.ok(!res.body.allowedEvents.includes('SUBMIT_ANSWER'), 'the answer is the legal staff\'s');
      const answer = await pushEvent(planning, appealId, 'ev-answer', { type: 'SUBMIT_ANSWER', date: '2026-09-29' });
      assert.equal(answer.status, 403, JSON.stringify(answer.body));
      assert.match(answer.body.message, /^对接系统无权执行“提交答复书（答辩状）和证据”/);
    });

    it('a retry with the same key and body returns the first answer and creates nothing', async () => {
      const before = { appeals: await count('appeals'), events: await count('appeal_events'), audit: await count('audit_log'), changes: await count('exchange_changes') };
      // The same JSON with its keys in another order is the same request.
      const reordered = Object.fromEntries(Object.entries(appealBody()).reverse());
      const retry = await pushAppeal(planning, 'appeal-1', reordered);
      assert.equal(retry.status, 201);
      assert.equal(retry.headers['idempotent-replayed'], 'true');
      assert.equal(retry.headers.location, `/api/exchange/appeals/${appealId}`);
      assert.deepEqual(retry.body, firstAnswer);
      assert.deepEqual({ appeals: await count('appeals'), events: await count('appeal_events'), audit: await count('audit_log'), changes: await count('exchange_changes') }, before);
    });

    it('the same key with another body is refused (422) and creates nothing; the key belongs to its client only', async () => {
      const other = await pushAppeal(planning, 'appeal-1', appealBody({ externalCaseNumber: '东府复〔2026〕102号' }));
      assert.equal(other.status, 422);
      assert.equal(other.body.error, 'idempotency_key_reused');
      assert.equal(await count('appeals'), 1);
      // Another client's key space is its own: the district office's client may use the same key.
      const district1 = await pushAppeal(district, 'appeal-1', appealBody({ externalCaseNumber: '东府复〔2026〕103号' }));
      assert.equal(district1.status, 201);
      assert.equal(await count('appeals'), 2);
    });

    it('concurrent requests with the same key create one appeal and all get its answer', async () => {
      const body = appealBody({ externalCaseNumber: '东府复〔2026〕110号' });
      const before = await count('appeals');
      const answers = await Promise.all(Array.from({ length: 6 }, () => pushAppeal(planning, 'appeal-concurrent', body)));
      assert.deepEqual(answers.map((a) => a.status), Array(6).fill(201), JSON.stringify(answers.map((a) => a.body)));
      assert.equal(new Set(answers.map((a) => a.body.id)).size, 1);
      assert.equal(answers.filter((a) => a.headers['idempotent-replayed'] === 'true').length, 5);
      assert.equal(await count('appeals'), before + 1);
      assert.equal(await count('exchange_idempotency', { idempotency_key: 'appeal-concurrent' }), 1);
    });

    it('a request refused by the case changes nothing and binds no key: corrected, it goes through', async () => {
      const refused = await pushAppeal(planning, 'appeal-late', appealBody({ receivedDate: '2026-07-01', externalCaseNumber: '东府复〔2026〕120号' }));
      assert.equal(refused.status, 422);
      assert.ok(refused.body.fields.receivedDate, 'before the application was received');
      assert.equal(await count('exchange_idempotency', { idempotency_key: 'appeal-late' }), 0);
      const fixed = await pushAppeal(planning, 'appeal-late', appealBody({ receivedDate: '2026-09-30', externalCaseNumber: '东府复〔2026〕120号' }));
      assert.equal(fixed.status, 201);
    });

    it('the legal staff see it in their log and on its page, marked as received from the reconsideration system', async () => {
      const log = await request(env.app).get('/api/appeals').set(as('legal'));
      const mine = log.body.items.find((a: { id: number }) => a.id === appealId);
      assert.equal(mine.source, 'reconsideration_system');
      assert.equal(mine.sourceClient.name, '复议系统 GHZY');
      const agent = await loginAgent(env.app, 'legal');
      const list = await agent.get('/appeals');
      assert.match(list.text, /复议系统推送/);
      const page = await agent.get(`/appeals/${appealId}`);
      assert.equal(page.status, 200);
      assert.match(page.text, /id="appeal-source"[\s\S]*复议系统 GHZY/);
      // The legal staff answer it as any other appeal.
      const docs = (await request(env.app).get(`/api/applications/${planningCaseId}/documents`).set(as('legal'))).body.items.map((d: { id: number }) => d.id);
      const answered = await request(env.app).post(`/api/appeals/${appealId}/events`).set(as('legal')).send({ type: 'SUBMIT_ANSWER', date: '2026-09-29', evidence: docs });
      assert.equal(answered.status, 200, JSON.stringify(answered.body));
    });

    it('its events: the system records the hearing and the decision, never the respondent\'s answer; retries are idempotent', async () => {
      const hearing = await pushEvent(planning, appealId, 'ev-hearing', { type: 'RECORD_HEARING', date: '2026-10-12', note: '书面审理' });
      assert.equal(hearing.status, 200, JSON.stringify(hearing.body));
      assert.equal(hearing.body.state, 'hearing');
      const events = await count('appeal_events', { appeal_id: appealId });
      const again = await pushEvent(planning, appealId, 'ev-hearing', { type: 'RECORD_HEARING', date: '2026-10-12', note: '书面审理' });
      assert.equal(again.status, 200);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.deepEqual(again.body, hearing.body);
      assert.equal(await count('appeal_events', { appeal_id: appealId }), events);
      const otherBody = await pushEvent(planning, appealId, 'ev-hearing', { type: 'RECORD_HEARING', date: '2026-10-13', note: '第二次' });
      assert.equal(otherBody.status, 422);
      const decided = await pushEvent(planning, appealId, 'ev-decision', {
        type: 'RECORD_DECISION', date: '2026-10-20', outcome: 'corrected', decisionType: '撤销并责令重作', newReplyDueDate: '2026-11-30', summary: '撤销答复并责令重新答复',
      });
      assert.equal(decided.status, 200, JSON.stringify(decided.body));
      assert.equal(decided.body.outcome, 'corrected');
      assert.equal(decided.body.decisionDate, '2026-10-20');
      // The decision reopened the application, in the same transaction, by the system's actor.
      const app = await request(env.app).get(`/api/applications/${planningCaseId}`).set(as('cw'));
      assert.equal(app.body.state, 'processing');
      const reopen = app.body.history.find((h: { type: string }) => h.type === 'REOPEN');
      assert.equal(reopen.actor.role, 'exchange');
      assert.equal((await pushEvent(planning, 999_999, 'ev-unknown', { type: 'CLOSE', date: '2026-11-20' })).status, 404);
      const notNow = await pushEvent(planning, appealId, 'ev-extend', { type: 'EXTEND_DECISION', date: '2026-11-20', days: 10, reason: '复杂' });
      assert.equal(notNow.status, 409);
      assert.equal(await count('exchange_idempotency', { idempotency_key: 'ev-extend' }), 0);
      const one = await request(env.app).get(`/api/exchange/appeals/${appealId}`).set(readOnly.auth);
      assert.equal(one.status, 200);
      assert.equal(one.body.state, 'decided');
    });
  });

  describe('the change feed', () => {
    it('pages through with cursors, in order, each change once, only the client\'s agencies', async () => {
      const seen: { cursor: string; type: string; caseNumber: string; at: string }[] = [];
      let after = '0';
      for (let page = 0; page < 100; page++) {
        const res = await request(env.app).get(`/api/exchange/changes?after=${after}&limit=3`).set(planning.auth);
        assert.equal(res.status, 200);
        assert.ok(res.body.items.length <= 3);
        seen.push(...res.body.items);
        if (!res.body.items.length) {
          assert.equal(res.body.next, after, 'nothing new: ask again from the same cursor');
          break;
        }
        after = res.body.next;
      }
      const cursors = seen.map((s) => Number(s.cursor));
      assert.deepEqual(cursors, [...cursors].sort((a, b) => a - b));
      assert.equal(new Set(cursors).size, cursors.length);
      const ghzy = (await env.db('agencies').where({ code: 'GHZY' }).first('id')).id;
      const expected = (await env.db('exchange_changes').where({ agency_id: ghzy }).orderBy('id').select('id')).map((r) => Number(r.id));
      assert.deepEqual(cursors, expected);
      assert.ok(seen.every((s) => s.caseNumber.startsWith('GHZY-')), 'no other agency\'s changes');
      const types = new Set(seen.map((s) => s.type));
      for (const t of ['application.registered', 'application.updated', 'application.concluded', 'document.issued', 'appeal.filed', 'appeal.updated', 'appeal.decided']) assert.ok(types.has(t), t);
      // The district office's client sees both departments.
      const all = await request(env.app).get('/api/exchange/changes?limit=500').set(district.auth);
      assert.ok(all.body.items.some((i: { caseNumber: string }) => i.caseNumber === constructionCase));
      assert.equal((await request(env.app).get('/api/exchange/changes?after=abc').set(planning.auth)).status, 422);
      assert.equal((await request(env.app).get('/api/exchange/changes?limit=501').set(planning.auth)).status, 422);
    });
  });

  describe('the administrator', () => {
    it('adds a client on the admin page, sees its secret once, and lists it; no one else may', async () => {
      const agent = await loginAgent(env.app, 'admin');
      const page = await agent.get('/admin/clients');
      assert.equal(page.status, 200);
      const refused = await agent.post('/admin/clients').type('form').send({ _csrf: csrfOf(page.text), name: '', agency: 'NOPE', scopes: 'exchange:admin' });
      assert.equal(refused.status, 422);
      const added = await agent.post('/admin/clients').type('form').send({ _csrf: csrfOf(page.text), name: '区复议平台', agency: 'DJQ', scopes: ['exchange:read', 'exchange:write'] });
      assert.equal(added.status, 201);
      assert.equal(added.headers['cache-control'], 'no-store');
      const clientId = /id="client-id">([^<]+)</.exec(added.text)![1]!;
      const secret = /id="client-secret">([^<]+)</.exec(added.text)![1]!;
      const token = await request(env.app).post('/api/oauth/token').auth(clientId, secret).type('form').send({ grant_type: 'client_credentials' });
      assert.equal(token.status, 200);
      const listed = await agent.get('/admin/clients');
      assert.match(listed.text, new RegExp(clientId));
      assert.doesNotMatch(listed.text, new RegExp(secret), 'shown once');
      const row = await env.db('exchange_clients').where({ client_id: clientId }).first();
      assert.equal(row.secret_hash, createHash('sha256').update(secret).digest('hex'), 'only its hash is stored');
      assert.equal((await (await loginAgent(env.app, 'legal')).get('/admin/clients')).status, 403);
      // The client's actor is no person: not listed, cannot log in.
      assert.doesNotMatch((await agent.get('/admin/users')).text, /@exchange:/);
    });
  });
});
