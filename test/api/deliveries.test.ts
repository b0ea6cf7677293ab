import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, csrfOf, loginAgent, type TestEnv } from '../helpers/test-app.js';
import { replyFacts } from '../helpers/replies.js';
import { fixedClock } from '../../server/time.js';

// Issue 12, domain.md §2.8: the periods a notice gives its addressee run from the day it is received.
// November 2026 has no holidays: every count below is weekdays only. Received Mon 2 Nov (reply due
// 30 Nov); the event recorded Wed 4 Nov; its notice issued Fri 6 Nov; received Mon 9 Nov.
describe('periods that run from receipt, and the one place deliveries are recorded (issue 12)', function () {
  this.timeout(90_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const send = (id: number, who: string, body: object) => request(env.app).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
  const view = async (id: number, who = 'cw') => (await request(env.app).get(`/api/applications/${id}`).set(auth(who))).body;
  const register = async (receivedDate = '2026-11-02', who = 'cw') => {
    const r = await request(env.app).post('/api/applications').set(auth(who)).send(applicationBody({ receivedDate }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id as number;
  };
  const draftOf = async (id: number, kind: string) => (await view(id)).documents.find((d: { kind: string; status: string }) => d.kind === kind && d.status === 'draft');
  const issue = (docId: number, date: string, who = 'cw') => request(env.app).post(`/api/documents/${docId}/issue`).set(auth(who)).send({ date });
  const deliver = (docId: number, body: object, who = 'cw') => request(env.app).post(`/api/documents/${docId}/delivered`).set(auth(who)).send(body);
  const audits = async (action: string) =>
    (await env.db('audit_log').where({ action }).orderBy('id')).map((r) => ({ ...r, detail: r.detail ? JSON.parse(r.detail) : null }));
  const today = (d: string) => void (env.ctx.clock = fixedClock(d));

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    for (const u of ['cw', 'cw-b', 'rev', 'appr', 'cw2']) tokens[u] = await env.token(u);
  });
  beforeEach(() => today('2026-11-20'));
  after(async () => env.close());

  it('a third-party letter issued two days after its event: its 15 working days count from the issue date (awaiting delivery), then from the recorded receipt', async () => {
    const id = await register();
    const sent = await send(id, 'cw', { type: 'START_CONSULTATION', date: '2026-11-04', kind: 'third_party', party: '某开发公司', ground: 'trade_secret', parts: '总平面图' });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    assert.equal(sent.body.consultations[0].awaitingDelivery, true, 'not issued: counted provisionally');
    const letter = await draftOf(id, 'consultation_letter');
    assert.equal((await issue(letter.id, '2026-11-06')).status, 200);

    const awaiting = await view(id);
    const c = awaiting.consultations[0];
    // From Fri 6 Nov: 9–13 (5), 16–20 (10), 23–27 (15). Counted from the event it would be 25 Nov.
    assert.equal(c.opinionDue, '2026-11-27');
    assert.equal(c.awaitingDelivery, true);
    assert.equal(c.noticeStatus, 'awaiting_delivery');
    assert.equal(awaiting.deadlines.awaitingDelivery, true);
    assert.deepEqual(awaiting.history.map((h: { type: string }) => h.type), ['REGISTER', 'START_CONSULTATION', 'NOTICE_ISSUED']);
    assert.equal(awaiting.history[2].date, '2026-11-06');
    assert.equal(awaiting.history[2].payload.documentId, letter.id);
    // §2.8/Arts. 32: no reply while the party's period cannot be known to be over.
    today('2026-12-15');
    await send(id, 'cw', { type: 'DRAFT_REPLY', date: '2026-12-15', decision: 'disclose', ...replyFacts('disclose') });
    await send(id, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-12-15' });
    await send(id, 'rev', { type: 'APPROVE_REVIEW', date: '2026-12-15' });
    const early = await send(id, 'appr', { type: 'ISSUE_REPLY', date: '2026-12-15' });
    assert.equal(early.status, 422, JSON.stringify(early.body));
    assert.match(early.body.message, /尚未记录送达/);
    today('2026-11-20');

    const recorded = await deliver(letter.id, { date: '2026-11-09', method: 'mail', trackingNumber: 'EMS1234567890', signedBy: '王某（收发室）' });
    assert.equal(recorded.status, 200, JSON.stringify(recorded.body));
    assert.deepEqual(recorded.body.delivery && { date: recorded.body.delivery.date, method: recorded.body.delivery.method, trackingNumber: recorded.body.delivery.trackingNumber, signedBy: recorded.body.delivery.signedBy }, {
      date: '2026-11-09', method: 'mail', trackingNumber: 'EMS1234567890', signedBy: '王某（收发室）',
    });
    const received = await view(id);
    // From Mon 9 Nov: 10–13 (4), 16–20 (9), 23–27 (14), 30 (15).
    assert.equal(received.consultations[0].opinionDue, '2026-11-30');
    assert.equal(received.consultations[0].awaitingDelivery, false);
    assert.equal(received.deadlines.awaitingDelivery, false);
    const entry = received.history.at(-1);
    assert.deepEqual([entry.type, entry.date, entry.payload.documentId, entry.payload.method], ['NOTICE_DELIVERED', '2026-11-09', letter.id, 'mail']);
    assert.ok(received.deadlines.explanation.some((l: string) => l.includes('意见期限至2026年11月30日（自征求意见书送达之日（2026年11月9日）起算）')));
  });

  it('the correction period runs from the applicant’s receipt; the case cannot lapse before the receipt is recorded', async () => {
    const id = await register();
    const asked = await send(id, 'cw', { type: 'REQUEST_CORRECTION', date: '2026-11-04', grounds: ['unclear'], items: ['请写明文件名称'], periodWorkingDays: 5 });
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    const notice = await draftOf(id, 'correction_notice');
    assert.equal((await issue(notice.id, '2026-11-03')).status, 422, 'not issued before its event');
    assert.equal((await issue(notice.id, '2026-11-05')).status, 200);
    // Issued Thu 5 Nov + 5: 6, 9–12 → 12 Nov; the applicant may have received it later.
    assert.equal((await view(id)).deadlines.correctionDue, '2026-11-12');
    const refused = await send(id, 'cw', { type: 'CORRECTION_LAPSED', date: '2026-11-20' });
    assert.equal(refused.status, 422);
    assert.match(refused.body.message, /补正告知书尚未发出或尚未记录送达/);
    assert.equal((await deliver(notice.id, { date: '2026-11-10', method: 'in_person', signedBy: '张建国' })).status, 200);
    // Received Tue 10 Nov + 5: 11–13 (3), 16–17 (5).
    assert.equal((await view(id)).deadlines.correctionDue, '2026-11-17');
    assert.equal((await send(id, 'cw', { type: 'CORRECTION_LAPSED', date: '2026-11-17' })).status, 422, 'not on the last day');
    const lapsed = await send(id, 'cw', { type: 'CORRECTION_LAPSED', date: '2026-11-18' });
    assert.equal(lapsed.status, 200, JSON.stringify(lapsed.body));
    assert.equal(lapsed.body.state, 'closed');
  });

  describe('POST /api/documents/:id/delivered', () => {
    let appId: number;
    let noticeId: number;
    let issuedNotice: { id: number; number: string };

    before(async () => {
      today('2026-11-20');
      appId = await register();
      await send(appId, 'cw', { type: 'REQUEST_CORRECTION', date: '2026-11-04', items: ['请写明文件名称'], periodWorkingDays: 10 });
      noticeId = (await draftOf(appId, 'correction_notice')).id;
    });

    it('refuses a draft (409), then takes exactly its fields, each judged on its own (422)', async () => {
      const draft = await deliver(noticeId, { date: '2026-11-06', method: 'mail' });
      assert.equal(draft.status, 409);
      assert.equal(draft.body.error, 'not_issued');
      issuedNotice = (await issue(noticeId, '2026-11-05')).body;

      const unknown = await deliver(noticeId, { date: '2026-11-06', method: 'mail', receivedBy: 'x' });
      assert.equal(unknown.status, 422);
      assert.deepEqual(Object.keys(unknown.body.fields), ['receivedBy']);
      const empty = await deliver(noticeId, {});
      assert.equal(empty.status, 422);
      assert.deepEqual(Object.keys(empty.body.fields).sort(), ['date', 'method']);
      const bad = await deliver(noticeId, { date: '2026-13-01', method: 'pigeon', trackingNumber: '单号!', signedBy: 'x'.repeat(101), note: 'y'.repeat(1001) });
      assert.equal(bad.status, 422);
      assert.deepEqual(Object.keys(bad.body.fields).sort(), ['date', 'method', 'note', 'signedBy', 'trackingNumber']);
      assert.match(bad.body.fields.method, /邮寄送达/);
      const future = await deliver(noticeId, { date: '2026-11-23', method: 'mail' });
      assert.equal(future.status, 422);
      assert.ok(future.body.fields.date);
      const beforeIssue = await deliver(noticeId, { date: '2026-11-04', method: 'mail' });
      assert.equal(beforeIssue.status, 422);
      assert.match(beforeIssue.body.fields.date, /不能早于发出日期（2026年11月5日）/);
      const platform = await deliver(noticeId, { date: '2026-11-06', method: 'platform' });
      assert.equal(platform.status, 422);
      assert.match(platform.body.fields.method, /平台送达由系统/);
      assert.equal((await view(appId)).history.at(-1).type, 'NOTICE_ISSUED', 'nothing recorded by a refusal');
    });

    it('is for the agency’s caseworkers: another agency’s document is unknown (404), another role may not (403)', async () => {
      assert.equal((await deliver(noticeId, { date: '2026-11-06', method: 'mail' }, 'cw2')).status, 404);
      assert.equal((await deliver(999_999, { date: '2026-11-06', method: 'mail' })).status, 404);
      assert.equal((await deliver(noticeId, { date: '2026-11-06', method: 'mail' }, 'appr')).status, 403);
    });

    it('records the delivery once, in the case’s history and the audit log', async () => {
      const before = await view(appId);
      const ok = await deliver(noticeId, { date: '2026-11-06', method: 'mail', trackingNumber: 'EMS9876543210', note: '本人签收' }, 'cw-b');
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.delivery.recordedBy, 'cw-b');
      const after = await view(appId);
      assert.equal(after.version, before.version + 1, 'the case moved on: a page holding the old version is stale');
      const entry = after.history.at(-1);
      assert.deepEqual([entry.type, entry.date, entry.actor.name], ['NOTICE_DELIVERED', '2026-11-06', 'cw-b']);
      const [deliverAudit] = (await audits('document.deliver')).filter((a) => Number(a.entity_id) === noticeId);
      assert.ok(deliverAudit, 'audited as a document action');
      assert.equal(deliverAudit.username, 'cw-b');
      assert.deepEqual(
        { number: deliverAudit.detail.number, date: deliverAudit.detail.date, method: deliverAudit.detail.method, trackingNumber: deliverAudit.detail.trackingNumber, seq: deliverAudit.detail.seq },
        { number: issuedNotice.number, date: '2026-11-06', method: 'mail', trackingNumber: 'EMS9876543210', seq: entry.seq },
      );
      const [eventAudit] = (await audits('application.event.NOTICE_DELIVERED')).filter((a) => Number(a.entity_id) === appId);
      assert.equal(eventAudit.detail.seq, entry.seq);
      assert.match(eventAudit.detail.eventHash, /^[0-9a-f]{64}$/, 'the audit chain vouches for the history entry');
      const again = await deliver(noticeId, { date: '2026-11-09', method: 'in_person' });
      assert.equal(again.status, 409);
      assert.equal(again.body.error, 'already_delivered');
      const doc = (await request(env.app).get(`/api/documents/${noticeId}`).set(auth('cw'))).body;
      assert.equal(doc.delivery.date, '2026-11-06');
    });
  });

  it('the reply’s delivery is recorded on its document and closes the case (RECORD_DELIVERY); the event says the same', async () => {
    const id = await register();
    await send(id, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'disclose', ...replyFacts('disclose') });
    await send(id, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-10' });
    await send(id, 'rev', { type: 'APPROVE_REVIEW', date: '2026-11-11' });
    const issued = await send(id, 'appr', { type: 'ISSUE_REPLY', date: '2026-11-12' });
    const reply = issued.body.documents.find((d: { kind: string }) => d.kind === 'reply');
    const delivered = await deliver(reply.id, { date: '2026-11-16', method: 'email', note: '发送至申请人登记的电子邮箱' });
    assert.equal(delivered.status, 200, JSON.stringify(delivered.body));
    const closed = await view(id);
    assert.equal(closed.state, 'closed');
    assert.deepEqual([closed.history.at(-1).type, closed.history.at(-1).date, closed.history.at(-1).payload.method], ['RECORD_DELIVERY', '2026-11-16', 'email']);
    assert.equal(closed.documents.find((d: { id: number }) => d.id === reply.id).delivery.methodLabel, '电子邮件送达');
    assert.equal((await deliver(reply.id, { date: '2026-11-17', method: 'mail' })).status, 409);

    // A reply corrected before it went out: the correction is the reply in force, and its receipt closes the case.
    const corrected = await register();
    await send(corrected, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'disclose', ...replyFacts('disclose') });
    await send(corrected, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-10' });
    await send(corrected, 'rev', { type: 'APPROVE_REVIEW', date: '2026-11-11' });
    const first = (await send(corrected, 'appr', { type: 'ISSUE_REPLY', date: '2026-11-12' })).body.documents.find((d: { kind: string }) => d.kind === 'reply');
    const correction = await request(env.app).post(`/api/documents/${first.id}/supersede`).set(auth('cw')).send({ reason: '获取方式写错' });
    assert.equal((await issue(correction.body.id, '2026-11-13', 'appr')).status, 200);
    assert.equal((await deliver(first.id, { date: '2026-11-16', method: 'mail' })).status, 409, 'the superseded reply is not delivered');
    assert.equal((await deliver(correction.body.id, { date: '2026-11-16', method: 'mail' })).status, 200);
    assert.equal((await view(corrected)).state, 'closed');

    // Through the event API the reply's document gets the same record.
    const other = await register();
    await send(other, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'disclose', ...replyFacts('disclose') });
    await send(other, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-10' });
    await send(other, 'rev', { type: 'APPROVE_REVIEW', date: '2026-11-11' });
    await send(other, 'appr', { type: 'ISSUE_REPLY', date: '2026-11-12' });
    assert.equal((await send(other, 'cw', { type: 'RECORD_DELIVERY', date: '2026-11-13', method: 'mail' })).status, 200);
    const otherReply = (await view(other)).documents.find((d: { kind: string }) => d.kind === 'reply');
    assert.deepEqual([otherReply.delivery.date, otherReply.delivery.method], ['2026-11-13', 'mail']);
  });

  it('a letter into another agency’s inbox that had to wait as a draft is delivered when it is issued, and the inbox takes its due date', async () => {
    const id = await register();
    const ghzy = await env.db('agencies').where({ code: 'GHZY' }).first('id');
    const key = await env.db('agency_keys').where({ agency_id: ghzy.id }).first();
    await env.db('agency_keys').where({ agency_id: ghzy.id }).delete();
    try {
      const sent = await send(id, 'cw', { type: 'START_CONSULTATION', date: '2026-11-04', kind: 'agency', agencyCode: 'JSJT', ground: 'joint' });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
    } finally {
      await env.db('agency_keys').insert(key);
    }
    const letter = await draftOf(id, 'consultation_letter');
    assert.ok(letter, 'no key: the letter waits as a draft');
    assert.equal((await issue(letter.id, '2026-11-06')).status, 200);
    const after = await view(id);
    const c = after.consultations[0];
    assert.equal(c.opinionDue, '2026-11-27', 'from the day it landed in the inbox');
    assert.equal(c.awaitingDelivery, false);
    assert.deepEqual(after.history.slice(-2).map((h: { type: string; payload: { method?: string } }) => [h.type, h.payload.method ?? null]), [['NOTICE_ISSUED', null], ['NOTICE_DELIVERED', 'platform']]);
    const item = (await request(env.app).get('/api/consultations').set(auth('cw2'))).body.items.find((i: { application: { id: number } }) => i.application.id === id);
    assert.equal(item.opinionDue, '2026-11-27');
    assert.equal(item.letter.id, letter.id);
  });

  it('the case page and the queue warn of a notice recorded but not issued, and of one awaiting delivery', async () => {
    const id = await register();
    await send(id, 'cw', { type: 'ISSUE_FEE_NOTICE', date: '2026-11-04', basis: 'per_page', pages: 45 });
    const agent = await loginAgent(env.app, 'cw');
    const page = await agent.get(`/applications/${id}`);
    assert.equal(page.status, 200);
    const alerts = /<section class="panel urgent notice-alerts"[\s\S]*?<\/section>/.exec(page.text)?.[0] ?? '';
    assert.match(alerts, /已记录、尚未发出的通知/);
    assert.match(alerts, /收费通知书<\/a>（2026年11月4日已记录“发出收费通知”，尚未发出）/);
    assert.match(page.text, /缴费期限<\/dt>\s*<dd[^>]*>[^<]*<span class="badge amber"[^>]*>通知尚未发出：暂自今日起算/);
    const queue = await agent.get('/?state=processing');
    const row = new RegExp(`<tr[^>]*>\\s*<td><a href="/applications/${id}">[\\s\\S]*?</tr>`).exec(queue.text)?.[0] ?? '';
    assert.match(row, /通知未发出/, 'the queue marks it');

    const fee = await draftOf(id, 'fee_notice');
    const issued = await agent.post(`/documents/${fee.id}/issue`).type('form').send({ _csrf: csrfOf(page.text), date: '2026-11-05' });
    assert.equal(issued.status, 303);
    const awaiting = await agent.get(`/applications/${id}`);
    assert.doesNotMatch(awaiting.text, /已记录、尚未发出的通知/);
    assert.match(awaiting.text, /待记录送达：/);
    assert.match(awaiting.text, /待送达：暂自发出之日起算/);
    const queued = await agent.get('/?state=processing');
    assert.match(new RegExp(`<tr[^>]*>\\s*<td><a href="/applications/${id}">[\\s\\S]*?</tr>`).exec(queued.text)?.[0] ?? '', /待送达/);

    // The form on the document records the receipt; a refusal keeps what was typed.
    const refused = await agent.post(`/documents/${fee.id}/delivered`).type('form')
      .send({ _csrf: csrfOf(awaiting.text), date: '2026-11-04', method: 'mail', trackingNumber: 'EMS5550001112', signedBy: '', note: '' });
    assert.equal(refused.status, 422);
    assert.match(refused.text, /送达日期不能早于发出日期/);
    assert.match(refused.text, /value="EMS5550001112"/);
    const done = await agent.post(`/documents/${fee.id}/delivered`).type('form')
      .send({ _csrf: csrfOf(refused.text), date: '2026-11-09', method: 'mail', trackingNumber: 'EMS5550001112', signedBy: '', note: '' });
    assert.equal(done.status, 303);
    const served = await agent.get(`/applications/${id}`);
    assert.doesNotMatch(served.text, /notice-alerts/);
    assert.match(served.text, /已送达：2026年11月9日 · 邮寄送达 · 邮件单号 EMS5550001112/);
    assert.match(served.text, /缴费期限<\/dt>\s*<dd[^>]*>[^<]*<span class="badge "[^>]*>自送达之日起算/);
  });
});
