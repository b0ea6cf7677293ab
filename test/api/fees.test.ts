import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, creditCode, residentId, type TestEnv } from '../helpers/test-app.js';
import { applicantKey } from '../../server/cases/application-service.js';

// 国办函〔2020〕109号 (domain.md §4). Today is Friday 20 March 2026.
// Applicant P (resident ID below) made 6 applications to GHZY and 5 to JSJT in March 2026, one in
// February: the 11th of March is the first that costs anything.
describe('fee calculator (issue 7)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const P_ID = residentId('11010519800101123');
  const personP = { kind: 'natural_person', name: '李某', idType: 'resident_id', idNumber: P_ID, phone: '13812345678', address: '东江区某路1号', postcode: '200120' };
  const ORG_CODE = creditCode('91310115MA1K4ABC0');
  const orgQ = { kind: 'organisation', name: '某某科技有限公司', category: 'commercial', creditCode: ORG_CODE, phone: '13812345678', address: '东江区某路2号' };
  const march: number[] = []; // P's March applications, in order of receipt

  const quote = (body: object, who = 'cw') => request(env.app).post('/api/fees/quote').set(auth(who)).send(body);
  const ok = async (body: object, who = 'cw') => {
    const r = await quote(body, who);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const register = async (receivedDate: string, applicant: object = personP, who = 'cw') => {
    const r = await request(env.app).post('/api/applications').set(auth(who)).send(applicationBody({ receivedDate, applicant }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id as number;
  };
  const send = (id: number, who: string, body: object) => request(env.app).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
  const view = async (id: number, who = 'cw') => (await request(env.app).get(`/api/applications/${id}`).set(auth(who))).body;

  before(async () => {
    env = await createTestEnv({ today: '2026-03-20' });
    for (const u of ['cw', 'cw-b', 'rev', 'appr', 'cw2', 'rev2', 'appr2', 'mgr', 'mgr2', 'legal', 'admin']) tokens[u] = await env.token(u);
  });
  after(() => env.close());

  describe('quotes at every band boundary', () => {
    const byVolume: [number, number][] = [[1, 0], [30, 0], [31, 10], [100, 700], [101, 720], [200, 2700], [201, 2740], [1000, 34700]];
    for (const [pages, amount] of byVolume) {
      it(`${pages} pages cost ${amount} 元`, async () => {
        const q = await ok({ basis: 'per_page', pages });
        assert.equal(q.amount, amount);
        assert.equal(q.pages, pages);
        assert.equal(q.amount, q.breakdown.reduce((s: number, l: { subtotal: number }) => s + l.subtotal, 0));
      });
    }

    it('101 pages: the free part, 70 × 10 元 and 1 × 20 元, line by line', async () => {
      const q = await ok({ basis: 'per_page', pages: 101 });
      assert.deepEqual({ amount: q.amount, breakdown: q.breakdown }, {
        amount: 720,
        breakdown: [
          { band: '1–30页部分', quantity: 30, unitPrice: 0, subtotal: 0 },
          { band: '31–100页部分', quantity: 70, unitPrice: 10, subtotal: 700 },
          { band: '101–200页部分', quantity: 1, unitPrice: 20, subtotal: 20 },
        ],
      });
      assert.equal(q.basis, 'per_page');
      assert.match(q.standard, /31—100页（含100页）的部分，每页收费10元/);
    });

    const byApplication: [number, number][] = [[1, 0], [10, 0], [11, 100], [30, 100], [31, 200], [40, 200], [41, 300], [50, 300], [51, 400], [100, 800]];
    for (const [nthInMonth, amount] of byApplication) {
      it(`application no. ${nthInMonth} of a month costs ${amount} 元`, async () => {
        const q = await ok({ basis: 'per_application', nthInMonth });
        assert.deepEqual(q.breakdown.map((l: { quantity: number; unitPrice: number; subtotal: number }) => [l.quantity, l.unitPrice, l.subtotal]), [[1, amount, amount]]);
        assert.equal(q.amount, amount);
        assert.equal(q.nthInMonth, nthInMonth);
        assert.equal(q.applicationsInMonth, null, 'an explicit nth is not counted');
      });
    }
  });

  describe("counting the applicant's applications of a month from the database", () => {
    before(async () => {
      await register('2026-02-16');
      for (const day of ['02', '03', '04', '05', '06', '09']) march.push(await register(`2026-03-${day}`, personP, 'cw'));
      for (const day of ['10', '11', '12', '13']) march.push(await register(`2026-03-${day}`, personP, 'cw2'));
    });

    it('ten applications across two agencies: the tenth is still free, the eleventh costs 100 元', async () => {
      const tenth = await ok({ basis: 'per_application', applicantId: P_ID, month: '2026-03' });
      assert.deepEqual([tenth.applicationsInMonth, tenth.nthInMonth, tenth.amount], [10, 10, 0]);
      march.push(await register('2026-03-16', personP, 'cw2'));
      const eleventh = await ok({ basis: 'per_application', applicantId: P_ID, month: '2026-03' });
      assert.deepEqual([eleventh.applicationsInMonth, eleventh.nthInMonth, eleventh.amount], [11, 11, 100]);
      assert.deepEqual(eleventh.breakdown, [{ band: '第11–30件', quantity: 1, unitPrice: 100, subtotal: 100 }]);
      assert.match(eleventh.note, /2026年3月在本平台各机关共有11件申请/);
    });

    it('the month defaults to this month, and the other agency counts the same', async () => {
      const q = await ok({ basis: 'per_application', applicantId: P_ID }, 'cw2');
      assert.deepEqual([q.month, q.nthInMonth, q.amount], ['2026-03', 11, 100]);
    });

    it('another month is free again; a month with none makes this the first', async () => {
      const feb = await ok({ basis: 'per_application', applicantId: P_ID, month: '2026-02' });
      assert.deepEqual([feb.applicationsInMonth, feb.nthInMonth, feb.amount], [1, 1, 0]);
      const jan = await ok({ basis: 'per_application', applicantId: P_ID, month: '2026-01' });
      assert.deepEqual([jan.applicationsInMonth, jan.nthInMonth, jan.amount], [0, 1, 0]);
      assert.match(jan.note, /未找到该申请人2026年1月的申请，按第1件申请计算/);
    });

    it('an unknown applicant is quoted as a first application', async () => {
      const q = await ok({ basis: 'per_application', applicantId: residentId('44030119900101001') });
      assert.deepEqual([q.applicationsInMonth, q.nthInMonth, q.amount], [0, 1, 0]);
    });

    it('the applicant is found by the applicant key, by an explicit ID type, and a credit code in any case', async () => {
      const key = applicantKey({ kind: 'natural_person', name: '', idType: 'resident_id', idNumber: P_ID, phone: null, address: null, postcode: null, email: null });
      assert.equal((await ok({ basis: 'per_application', applicantId: key.toUpperCase() })).applicationsInMonth, 11);
      assert.equal((await ok({ basis: 'per_application', applicantId: P_ID, idType: 'resident_id' })).applicationsInMonth, 11);
      assert.equal((await ok({ basis: 'per_application', applicantId: P_ID, idType: 'passport' })).applicationsInMonth, 0, 'another identity');
      await register('2026-03-17', orgQ);
      assert.equal((await ok({ basis: 'per_application', applicantId: ORG_CODE.toLowerCase() })).applicationsInMonth, 1);
      assert.equal((await ok({ basis: 'per_application', applicantId: ORG_CODE, idType: 'organisation' })).applicationsInMonth, 1);
    });

    it('an explicit nthInMonth wins over counting', async () => {
      const q = await ok({ basis: 'per_application', applicantId: P_ID, nthInMonth: 31 });
      assert.deepEqual([q.nthInMonth, q.amount, q.applicationsInMonth], [31, 200, null]);
    });

    it('an application is quoted by its rank among the applicant’s applications of its month', async () => {
      assert.deepEqual(march.length, 11);
      const tenth = await ok({ basis: 'per_application', applicationId: march[9] }, 'cw2');
      assert.deepEqual([tenth.nthInMonth, tenth.month, tenth.amount], [10, '2026-03', 0]);
      const eleventh = await ok({ basis: 'per_application', applicationId: march[10] }, 'cw2');
      assert.deepEqual([eleventh.nthInMonth, eleventh.amount, eleventh.applicationId], [11, 100, march[10]]);
      const first = await ok({ basis: 'per_application', applicationId: march[0] });
      assert.deepEqual([first.nthInMonth, first.amount], [1, 0]);
    });

    it('another agency’s application cannot be quoted (404)', async () => {
      const r = await quote({ basis: 'per_application', applicationId: march[0] }, 'cw2');
      assert.equal(r.status, 404, JSON.stringify(r.body));
    });

    it('a transferred application is one application: it is not counted twice and keeps its rank', async () => {
      const moved = march[5]!;
      const t = await send(moved, 'appr', { type: 'TRANSFER', date: '2026-03-20', agencyCode: 'JSJT', reason: '该信息由区建设和交通委制作并保存' });
      assert.equal(t.status, 200, JSON.stringify(t.body));
      const q = await ok({ basis: 'per_application', applicantId: P_ID });
      assert.equal(q.applicationsInMonth, 11);
      const received = await ok({ basis: 'per_application', applicationId: t.body.transfer.to.id }, 'cw2');
      assert.equal(received.nthInMonth, 6);
    });
  });

  describe('bad input and roles', () => {
    const refused = async (body: object, field: string, message?: RegExp) => {
      const r = await quote(body);
      assert.equal(r.status, 422, JSON.stringify(r.body));
      assert.ok(r.body.fields?.[field], `${field} in ${JSON.stringify(r.body)}`);
      if (message) assert.match(r.body.fields[field], message);
      return r.body;
    };

    it('the basis is required and must be one of the two', async () => {
      await refused({ pages: 40 }, 'basis', /请指定收费方式/);
      await refused({ basis: 'per_word', pages: 40 }, 'basis');
    });

    it('pages must be a positive integer', async () => {
      for (const pages of [0, -3, 2.5, 'forty']) await refused({ basis: 'per_page', pages }, 'pages', /页数须为/);
      await refused({ basis: 'per_page' }, 'pages', /须填写页数/);
    });

    it('both pages and an nth application: never both bases', async () => {
      const body = await refused({ basis: 'per_page', pages: 40, nthInMonth: 12 }, 'basis', /^不能同时按件和按量收费$/);
      assert.equal(body.message, '不能同时按件和按量收费');
      await refused({ basis: 'per_application', pages: 40 }, 'pages', /不能同时按件和按量收费/);
      await refused({ basis: 'per_page', pages: 40, nthInMonth: 12 }, 'basis');
    });

    it('nthInMonth, applicantId, idType, month and applicationId are checked', async () => {
      await refused({ basis: 'per_application', nthInMonth: 0 }, 'nthInMonth');
      await refused({ basis: 'per_application', applicantId: '不是证件号' }, 'applicantId');
      await refused({ basis: 'per_application', applicantId: P_ID, idType: 'driving_licence' }, 'idType');
      await refused({ basis: 'per_application', idType: 'passport' }, 'idType');
      await refused({ basis: 'per_application', applicantId: P_ID, month: '2026-13' }, 'month', /YYYY-MM/);
      await refused({ basis: 'per_application', applicantId: P_ID, month: '2026-04' }, 'month', /不能晚于本月/);
      await refused({ basis: 'per_application', applicationId: 'one' }, 'applicationId');
      await refused({ basis: 'per_application', applicationId: march[0], applicantId: P_ID }, 'applicationId');
    });

    it('case-handling staff may quote; legal staff and administrators may not; nobody signed out', async () => {
      for (const who of ['cw', 'rev', 'appr', 'mgr']) assert.equal((await quote({ basis: 'per_page', pages: 31 }, who)).status, 200, who);
      for (const who of ['legal', 'admin']) assert.equal((await quote({ basis: 'per_page', pages: 31 }, who)).status, 403, who);
      assert.equal((await request(env.app).post('/api/fees/quote').send({ basis: 'per_page', pages: 31 })).status, 401);
    });

    it('is described in the OpenAPI document', async () => {
      const doc = (await request(env.app).get('/api/openapi.json')).body;
      assert.ok(doc.paths['/api/fees/quote']?.post);
      assert.deepEqual(doc.components.schemas.FeeQuote.required, ['amount', 'breakdown']);
    });
  });

  describe('the fee notice is computed by the standard', () => {
    it('an omitted amount is filled in from the quote and the breakdown is kept and printed', async () => {
      const id = await register('2026-03-18', orgQ);
      const r = await send(id, 'cw', { type: 'ISSUE_FEE_NOTICE', date: '2026-03-19', basis: 'per_page', pages: 120 });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const notice = r.body.history.at(-1);
      assert.equal(notice.payload.amount, 1100);
      assert.deepEqual(notice.payload.breakdown, [
        { band: '1–30页部分', quantity: 30, unitPrice: 0, subtotal: 0 },
        { band: '31–100页部分', quantity: 70, unitPrice: 10, subtotal: 700 },
        { band: '101–200页部分', quantity: 20, unitPrice: 20, subtotal: 400 },
      ]);
      const doc = r.body.documents.find((d: { kind: string }) => d.kind === 'fee_notice');
      assert.ok(doc.body.includes('应缴金额：人民币1100元'), doc.body);
      assert.ok(doc.body.includes('31—100页部分：70页×10元/页＝700元') && doc.body.includes('101—200页部分：20页×20元/页＝400元'), doc.body);
      assert.ok(doc.body.includes('1—30页部分：30页，不收费'), doc.body);
    });

    it('an amount other than the standard’s is refused and nothing is written', async () => {
      const id = await register('2026-03-18', orgQ);
      const before = await view(id);
      const r = await send(id, 'cw', { type: 'ISSUE_FEE_NOTICE', date: '2026-03-19', basis: 'per_page', pages: 120, amount: 1500 });
      assert.equal(r.status, 422);
      assert.equal(r.body.message, '收费金额应为 1100 元（按量收费标准计算，共120页）');
      const after = await view(id);
      assert.equal(after.version, before.version);
      assert.equal(after.history.length, 1);
      assert.equal((await send(id, 'cw', { type: 'ISSUE_FEE_NOTICE', date: '2026-03-19', basis: 'per_page', pages: 120, amount: 1100 })).status, 200, 'the right amount is accepted');
    });

    it('a free application gets no fee notice', async () => {
      const id = await register('2026-03-18', orgQ);
      const r = await send(id, 'cw', { type: 'ISSUE_FEE_NOTICE', date: '2026-03-19', basis: 'per_page', pages: 30 });
      assert.equal(r.status, 422);
      assert.equal(r.body.message, '按收费标准本申请不收费，无需发出收费通知');
      const first = await send(march[0]!, 'cw', { type: 'ISSUE_FEE_NOTICE', date: '2026-03-19', basis: 'per_application', amount: 100 });
      assert.equal(first.status, 422, 'the applicant’s first application of March is free');
      assert.equal(first.body.message, '按收费标准本申请不收费，无需发出收费通知');
    });

    it('per application: the applicant’s eleventh application of the month is charged 100 元', async () => {
      const r = await send(march[10]!, 'cw2', { type: 'ISSUE_FEE_NOTICE', date: '2026-03-19', basis: 'per_application' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const notice = r.body.history.at(-1);
      assert.deepEqual([notice.payload.amount, notice.payload.nthInMonth, notice.payload.month], [100, 11, '2026-03']);
      const doc = r.body.documents.find((d: { kind: string }) => d.kind === 'fee_notice');
      assert.ok(doc.body.includes('本件为申请人当月第11件申请（第11—30件档）：每件100元') && doc.body.includes('人民币100元'), doc.body);
    });

    it('state and role are judged before the amount', async () => {
      const id = await register('2026-03-18', orgQ);
      assert.equal((await send(id, 'rev', { type: 'ISSUE_FEE_NOTICE', date: '2026-03-19', basis: 'per_page', pages: 120, amount: 5 })).status, 403);
      assert.equal((await send(id, 'cw', { type: 'ISSUE_FEE_NOTICE', date: '2026-03-19', basis: 'per_page', pages: 120 })).status, 200);
      assert.equal((await send(id, 'cw', { type: 'ISSUE_FEE_NOTICE', date: '2026-03-19', basis: 'per_page', pages: 120, amount: 5 })).status, 409, 'one pending notice at a time');
    });

    it('the form leaves the amount optional and shows this application’s quote', async () => {
      const agent = request.agent(env.app);
      const login = await agent.get('/login');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1];
      assert.equal((await agent.post('/login').type('form').send({ username: 'cw2', password: 'test-pass-123', _csrf: csrf })).status, 303);
      const id = await register('2026-03-19', personP, 'cw2'); // P's twelfth of March (the transfer does not count twice)
      const page = await agent.get(`/applications/${id}`);
      assert.equal(page.status, 200);
      assert.match(page.text, /留空则按标准自动计算/);
      assert.match(page.text, /本件为该申请人2026年3月在本平台各机关的第12件申请（第11–30件），按标准应收 100 元/);
      const form = /<details class="event-form" id="form-ISSUE_FEE_NOTICE"[\s\S]*?<\/details>/.exec(page.text)![0];
      assert.doesNotMatch(form, /name="amount"[^>]*required/);
      const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
      const posted = await agent.post(`/applications/${id}/events`).type('form')
        .send({ _csrf: token, type: 'ISSUE_FEE_NOTICE', date: '2026-03-20', basis: 'per_application', pages: '', amount: '' });
      assert.equal(posted.status, 303, posted.text.slice(0, 500));
      assert.equal((await view(id, 'cw2')).history.at(-1).payload.amount, 100);
    });
  });

  describe('non-payment closes the application (other.fee_unpaid)', () => {
    it('notice by quote → issued → received: 20 working days from receipt, never fewer than from the notice’s date → lapse refused before → accepted after → concluded', async () => {
      const id = await register('2026-01-05', orgQ);
      const notice = await send(id, 'cw', { type: 'ISSUE_FEE_NOTICE', date: '2026-01-12', basis: 'per_page', pages: 45 });
      assert.equal(notice.status, 200, JSON.stringify(notice.body));
      assert.equal(notice.body.history.at(-1).payload.amount, 150);
      assert.equal(notice.body.history.at(-1).payload.periodRunsFrom, 'receipt');
      const doc = notice.body.documents.find((d: { kind: string }) => d.kind === 'fee_notice');
      // Not issued: counted from today (20 March), provisionally; no lapse can be recorded.
      assert.equal(notice.body.deadlines.awaitingDelivery, true);
      assert.ok(notice.body.deadlines.feePaymentDue > '2026-03-20', notice.body.deadlines.feePaymentDue);
      const unissued = await send(id, 'cw', { type: 'FEE_LAPSED', date: '2026-03-20' });
      assert.equal(unissued.status, 422, JSON.stringify(unissued.body));
      assert.match(unissued.body.message, /收费通知书尚未发出或尚未记录送达/);
      assert.equal((await request(env.app).post(`/api/documents/${doc.id}/issue`).set(auth('cw')).send({ date: '2026-01-09' })).status, 422, 'not before its event');
      assert.equal((await request(env.app).post(`/api/documents/${doc.id}/issue`).set(auth('cw')).send({ date: '2026-01-14' })).status, 200);
      // Issued Wed 14 Jan, receipt not recorded: Jan 15–16 (2), 19–23 (7), 26–30 (12), Feb 2–6 (17), 9–11 (20).
      const issued = await view(id);
      assert.equal(issued.deadlines.feePaymentDue, '2026-02-11');
      assert.equal(issued.deadlines.awaitingDelivery, true);
      assert.equal((await send(id, 'cw', { type: 'FEE_LAPSED', date: '2026-03-20' })).status, 422, 'still awaiting delivery');
      const delivered = await request(env.app).post(`/api/documents/${doc.id}/delivered`).set(auth('cw'))
        .send({ date: '2026-01-16', method: 'mail', trackingNumber: 'EMS1000200030', signedBy: '某某科技有限公司收发室' });
      assert.equal(delivered.status, 200, JSON.stringify(delivered.body));
      assert.deepEqual(delivered.body.delivery && [delivered.body.delivery.date, delivered.body.delivery.methodLabel, delivered.body.delivery.trackingNumber], ['2026-01-16', '邮寄送达', 'EMS1000200030']);
      // Received Fri 16 Jan: 19–23 (5), 26–30 (10), Feb 2–6 (15), 9–13 (20) — two days later than from the issue date.
      const received = await view(id);
      assert.equal(received.deadlines.feePaymentDue, '2026-02-13');
      assert.equal(received.deadlines.awaitingDelivery, false);
      assert.ok(received.deadlines.explanation.some((l: string) => l.includes('缴费期限至2026年2月13日（自收费通知书送达之日（2026年1月16日）起算）')));
      const early = await send(id, 'cw', { type: 'FEE_LAPSED', date: '2026-02-13' });
      assert.equal(early.status, 422, JSON.stringify(early.body));
      assert.match(early.body.message, /届满后才能按逾期未缴费处理/);
      const lapsed = await send(id, 'cw', { type: 'FEE_LAPSED', date: '2026-03-20' });
      assert.equal(lapsed.status, 200, JSON.stringify(lapsed.body));
      assert.equal(lapsed.body.state, 'closed');
      assert.equal(lapsed.body.decision, 'other.fee_unpaid');
      const row = await env.db('applications').where({ id }).first('concluded_date');
      assert.equal(row.concluded_date, '2026-03-20');
    });
  });
});
