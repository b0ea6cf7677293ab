import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, PASSWORD, type TestEnv } from '../helpers/test-app.js';
import { addUser } from '../../server/admin/admin-service.js';
import { fixedClock } from '../../server/time.js';
import { sweepDeemedConsents } from '../../server/consultations/consultation-service.js';

// Consultation between agencies on the platform, deemed consent and transfer (issue 7).
// GHZY (东江区规划和自然资源局) asks JSJT (东江区建设和交通委员会) and the district office DJQ.
describe('consultation inbox between agencies, deemed consent and transfer (issue 7)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const send = (id: number, who: string, body: object) => request(env.app).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
  const view = async (id: number, who = 'cw') => (await request(env.app).get(`/api/applications/${id}`).set(auth(who))).body;
  const register = async (receivedDate: string, who = 'cw') => {
    const r = await request(env.app).post('/api/applications').set(auth(who)).send(applicationBody({ receivedDate }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id as number;
  };
  const inbox = async (who: string, q = '') => (await request(env.app).get(`/api/consultations?${q}`).set(auth(who))).body;
  const today = (d: string) => void (env.ctx.clock = fixedClock(d));

  before(async () => {
    env = await createTestEnv({ today: '2026-11-02' });
    today('2026-11-02');
    for (const u of ['cw', 'rev', 'appr', 'cw2', 'rev2', 'appr2', 'mgr', 'admin']) tokens[u] = await env.token(u);
  });
  after(async () => env.close());

  describe('a round trip between two agencies', () => {
    let appId: number;
    let requestId: number;

    it('the letter is issued, numbered and sealed, and lands in the consulted agency’s inbox with its due date', async () => {
      appId = await register('2026-10-26');
      const before = await view(appId);
      const sent = await send(appId, 'cw', { type: 'START_CONSULTATION', date: '2026-11-02', kind: 'agency', agencyCode: 'JSJT', parts: '东江大道改建工程施工许可中由区建设和交通委制作的部分' });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      const c = sent.body.consultations[0];
      assert.equal(c.party, '东江区建设和交通委员会', 'named from the register, not typed');
      assert.equal(c.agencyCode, 'JSJT');
      assert.equal(c.opinionDue, '2026-11-23', '15 working days (Art. 34)');
      assert.equal(c.inbox.status, 'open');
      assert.equal(sent.body.deadlines.replyDue, before.deadlines.replyDue, 'the day it is sent costs nothing yet');
      const letter = sent.body.documents.find((d: { kind: string }) => d.kind === 'consultation_letter');
      assert.equal(letter.status, 'issued');
      assert.match(letter.number, /^东规资公征〔2026〕\d+号$/);
      // §2.8: a letter into another agency's inbox on the platform is received when it is issued.
      assert.deepEqual(letter.delivery && [letter.delivery.date, letter.delivery.method], ['2026-11-02', 'platform']);
      assert.deepEqual(sent.body.history.map((h: { type: string }) => h.type), ['REGISTER', 'START_CONSULTATION', 'NOTICE_ISSUED', 'NOTICE_DELIVERED']);
      assert.equal(c.awaitingDelivery, false);
      assert.equal(sent.body.deadlines.awaitingDelivery, false);
      const again = await request(env.app).post(`/api/documents/${letter.id}/delivered`).set(auth('cw')).send({ date: '2026-11-02', method: 'mail' });
      assert.equal(again.status, 409, 'delivered once, by the platform');

      const box = await inbox('cw2');
      assert.equal(box.total, 1);
      const item = box.items[0];
      requestId = item.id;
      assert.equal(item.requesting.code, 'GHZY');
      assert.equal(item.consulted.code, 'JSJT');
      assert.equal(item.parts, '东江大道改建工程施工许可中由区建设和交通委制作的部分');
      assert.equal(item.opinionDue, '2026-11-23');
      assert.equal(item.letter.number, letter.number);
      assert.equal((await inbox('cw')).total, 0, 'GHZY’s inbox is empty');
      assert.equal((await inbox('cw', 'box=outbox')).total, 1, 'and its outbox has the letter');
      const pdf = await request(env.app).get(`/api/consultations/${requestId}/letter`).set(auth('cw2'));
      assert.equal(pdf.status, 200);
      assert.equal(pdf.headers['content-type'], 'application/pdf');
      // The consulted agency sees the item, not the case itself.
      assert.equal((await request(env.app).get(`/api/applications/${appId}`).set(auth('cw2'))).status, 404);
    });

    it('only the consulted agency’s caseworker answers; an objection needs reasons; a refusal changes nothing', async () => {
      today('2026-11-09');
      assert.equal((await request(env.app).post(`/api/consultations/${requestId}/answer`).set(auth('cw')).send({ opinion: 'consent' })).status, 403);
      assert.equal((await request(env.app).post(`/api/consultations/${requestId}/answer`).set(auth('rev2')).send({ opinion: 'consent' })).status, 403);
      const bare = await request(env.app).post(`/api/consultations/${requestId}/answer`).set(auth('cw2')).send({ opinion: 'object' });
      assert.equal(bare.status, 422);
      assert.match(bare.body.fields.reasons, /理由/);
      assert.equal((await request(env.app).post(`/api/consultations/${requestId}/answer`).set(auth('cw2')).send({ opinion: 'maybe' })).status, 422);
      assert.equal((await view(appId)).history.length, 4, 'nothing recorded');
      assert.equal((await request(env.app).get('/api/consultations/999999').set(auth('cw2'))).status, 404);
      assert.equal((await request(env.app).get(`/api/consultations/${requestId}`).set(auth('mgr'))).status, 404, 'DJQ is neither side');
    });

    it('the answer, with its file, becomes the requesting case’s opinion and restarts its clock', async () => {
      const stopped = (await view(appId)).deadlines.replyDue;
      const res = await request(env.app).post(`/api/consultations/${requestId}/answer`).set(auth('cw2'))
        .field('opinion', 'object').field('reasons', '涉及正在审查的施工图，属于过程性信息')
        .attach('attachments', Buffer.from('%PDF-1.4 opinion'), { filename: '复函.pdf', contentType: 'application/pdf' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.status, 'answered');
      assert.equal(res.body.opinion, 'object');
      assert.ok(res.body.attachments.some((a: { filename: string; fromAnswer: boolean }) => a.filename === '复函.pdf' && a.fromAnswer));

      const app = await view(appId);
      const last = app.history.at(-1);
      assert.equal(last.type, 'RECORD_OPINION');
      assert.equal(last.date, '2026-11-09');
      assert.equal(last.payload.opinion, 'object');
      assert.equal(last.actor.name, 'cw2', 'answered by the consulted agency’s caseworker');
      assert.equal(app.consultations[0].repliedDate, '2026-11-09');
      assert.equal(app.consultations[0].inbox.status, 'answered');
      assert.ok(app.attachments.some((a: { filename: string }) => a.filename === '复函.pdf'), 'the file is in the requesting case');
      // Stopped 2 Nov – 9 Nov: five working days, then the clock runs again.
      assert.ok(app.deadlines.replyDue <= stopped, `${app.deadlines.replyDue} ≤ ${stopped}`);
      assert.equal(app.deadlines.replyDue, '2026-11-30', '20 working days from 26 Oct (23 Nov) plus the 5 stopped');
      assert.equal((await request(env.app).post(`/api/consultations/${requestId}/answer`).set(auth('cw2')).send({ opinion: 'consent' })).status, 409);
      assert.equal((await inbox('cw2')).total, 0, 'no longer open');
      assert.equal((await inbox('cw2', 'status=all')).total, 1);
    });
  });

  describe('several agencies at once, silence, and paper', () => {
    let appId: number;

    it('one letter per agency, each with its own status; a bad code sends none', async () => {
      today('2026-11-02');
      appId = await register('2026-10-30');
      const bad = await request(env.app).post(`/api/applications/${appId}/consultations`).set(auth('cw')).send({ agencyCodes: ['JSJT', 'NOPE'], parts: '全部' });
      assert.equal(bad.status, 422);
      assert.match(bad.body.fields.agencyCode, /NOPE/);
      assert.equal((await view(appId)).consultations.length, 0);
      assert.equal((await request(env.app).post(`/api/applications/${appId}/consultations`).set(auth('cw')).send({ agencyCodes: ['GHZY'] })).status, 422, 'not its own agency');
      const both = await request(env.app).post(`/api/applications/${appId}/consultations`).set(auth('cw')).send({ agencyCodes: ['JSJT', 'DJQ'], parts: '联合发文部分' });
      assert.equal(both.status, 201, JSON.stringify(both.body));
      assert.deepEqual(both.body.consultations.map((c: { agencyCode: string; inbox: { status: string } }) => [c.agencyCode, c.inbox.status]), [['JSJT', 'open'], ['DJQ', 'open']]);
      assert.equal(both.body.documents.filter((d: { kind: string; status: string }) => d.kind === 'consultation_letter' && d.status === 'issued').length, 2);
    });

    it('the district office answers; JSJT stays silent and, past its 15 working days, is recorded as consenting — once, however many sweeps run', async () => {
      today('2026-11-04');
      // The administrator sees no case, so no inbox either (三员分立): the district office's manager reads it.
      assert.equal((await request(env.app).get('/api/consultations').set(auth('admin'))).status, 403);
      const djq = (await inbox('mgr')).items.find((i: { application: { id: number } }) => i.application.id === appId);
      // admin does not act on cases; a DJQ caseworker is needed.
      assert.equal((await request(env.app).post(`/api/consultations/${djq.id}/answer`).set(auth('admin')).send({ opinion: 'consent' })).status, 403);
      await addUser(env.db, { username: 'cw3', role: 'caseworker', agencyCode: 'DJQ', password: PASSWORD, displayName: 'cw3' }, null, 4, { seeded: true });
      tokens.cw3 = await env.token('cw3');
      assert.equal((await request(env.app).post(`/api/consultations/${djq.id}/answer`).set(auth('cw3')).send({ opinion: 'consent' })).status, 200);

      today('2026-11-23'); // the last day of JSJT's period: still its own
      assert.deepEqual(await sweepDeemedConsents(env.ctx), { deemed: 0, skipped: 0 });
      const person = await send(appId, 'cw', { type: 'RECORD_OPINION', date: '2026-11-23', consultationId: (await view(appId)).consultations[0].id, opinion: 'deemed_consent' });
      assert.equal(person.status, 422, 'no one clicks deemed consent');

      today('2026-11-25');
      const sweeps = await Promise.all([sweepDeemedConsents(env.ctx), sweepDeemedConsents(env.ctx), request(env.app).post('/api/consultations/sweep').set(auth('mgr'))]);
      const deemed = sweeps.slice(0, 2).reduce((n, s) => n + (s as { deemed: number }).deemed, 0) + (sweeps[2] as request.Response).body.deemed;
      assert.equal(deemed, 1, 'exactly one sweep recorded it');
      const app = await view(appId);
      const opinions = app.history.filter((h: { type: string }) => h.type === 'RECORD_OPINION');
      assert.equal(opinions.length, 2);
      const silent = opinions.find((h: { payload: { opinion: string } }) => h.payload.opinion === 'deemed_consent');
      assert.equal(silent.date, '2026-11-24', 'the day after the period');
      assert.equal(silent.actor.role, 'system');
      const jsjt = app.consultations.find((c: { agencyCode: string }) => c.agencyCode === 'JSJT');
      assert.equal(jsjt.opinion, 'deemed_consent');
      assert.equal(jsjt.inbox.status, 'deemed_consent');
      assert.equal((await request(env.app).post(`/api/consultations/${jsjt.inbox.id}/answer`).set(auth('cw2')).send({ opinion: 'object', reasons: '迟到的意见' })).status, 409);
      assert.equal((await request(env.app).post('/api/consultations/sweep').set(auth('cw'))).status, 403);
    });

    it('a third party is still consulted on paper: a letter to print, no inbox item', async () => {
      today('2026-11-25');
      const id = await register('2026-11-20');
      const sent = await send(id, 'cw', { type: 'START_CONSULTATION', date: '2026-11-25', kind: 'third_party', party: '某开发公司' });
      assert.equal(sent.status, 200);
      assert.equal(sent.body.consultations[0].inbox, null);
      assert.equal(sent.body.documents.find((d: { kind: string }) => d.kind === 'consultation_letter').status, 'draft');
      // The third party's paper answer is recorded with its scan; a refused record keeps no file.
      const cid = sent.body.consultations[0].id;
      const post = () => request(env.app).post(`/api/applications/${id}/events`).set(auth('cw'))
        .field('type', 'RECORD_OPINION').field('date', '2026-11-25').field('consultationId', cid).field('opinion', 'object')
        .attach('attachments', Buffer.from('%PDF-1.4 scan'), { filename: '第三方意见书.pdf', contentType: 'application/pdf' });
      assert.equal((await post()).status, 422, 'an objection needs reasons');
      assert.equal((await view(id)).attachments.length, 0, 'nothing stored');
      const recorded = await post().field('reasons', '涉及商业秘密');
      assert.equal(recorded.status, 200, JSON.stringify(recorded.body));
      assert.deepEqual(recorded.body.attachments.map((a: { filename: string }) => a.filename), ['第三方意见书.pdf']);
      assert.equal(recorded.body.consultations[0].opinion, 'object');
      const agencyOutside = await send(id, 'cw', { type: 'START_CONSULTATION', date: '2026-11-25', kind: 'agency', party: '市规划资源局' });
      assert.equal(agencyOutside.status, 200, 'an agency outside the system: paper as before');
      assert.equal(agencyOutside.body.consultations[1].inbox, null);
    });
  });

  describe('a case that closes', () => {
    it('withdraws its letters from the other agencies’ inboxes', async () => {
      today('2026-11-25');
      const id = await register('2026-11-24');
      await send(id, 'cw', { type: 'START_CONSULTATION', date: '2026-11-25', kind: 'agency', agencyCode: 'JSJT' });
      const item = (await inbox('cw2')).items.find((i: { application: { id: number } }) => i.application.id === id);
      assert.equal(item.status, 'open');
      assert.equal((await send(id, 'cw', { type: 'WITHDRAW', date: '2026-11-25' })).status, 200);
      assert.ok(!(await inbox('cw2')).items.some((i: { application: { id: number } }) => i.application.id === id), 'no longer waiting');
      const closed = await request(env.app).get(`/api/consultations/${item.id}`).set(auth('cw2'));
      assert.equal(closed.body.status, 'closed');
      assert.equal((await request(env.app).post(`/api/consultations/${item.id}/answer`).set(auth('cw2')).send({ opinion: 'consent' })).status, 409);
    });
  });

  describe('transfer (转办, Art. 36(五))', () => {
    it('hands the application over whole; the applicant is told; the history follows it', async () => {
      today('2026-11-25');
      const id = await register('2026-11-20');
      await request(env.app).post(`/api/applications/${id}/attachments`).set(auth('cw'))
        .attach('attachments', Buffer.from('%PDF-1.4 id card'), { filename: '身份证明.pdf', contentType: 'application/pdf' });
      const body = { type: 'TRANSFER', date: '2026-11-25', agencyCode: 'JSJT', reason: '该工程的施工许可由区建设和交通委制作并保存' };
      assert.equal((await send(id, 'cw', body)).status, 403, 'signed by the head of the disclosure office');
      assert.equal((await send(id, 'appr', { ...body, agencyCode: 'GHZY' })).status, 422);
      assert.equal((await send(id, 'appr', { ...body, agencyCode: 'NOPE' })).status, 422);
      assert.equal((await send(id, 'appr', { ...body, reason: '' })).status, 422);
      const done = await send(id, 'appr', body);
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.equal(done.body.state, 'closed');
      assert.equal(done.body.decision, 'unavailable.not_held');
      const to = done.body.transfer.to;
      assert.equal(to.agencyName, '东江区建设和交通委员会');
      assert.match(to.caseNumber, /^JSJT-2026-\d{4}$/);
      const notice = done.body.documents.find((d: { kind: string }) => d.kind === 'reply');
      assert.equal(notice.status, 'issued');
      const doc = await request(env.app).get(`/api/documents/${notice.id}`).set(auth('cw'));
      // Art. 36(五): the agency responsible and its contact; the forwarding is a fact, nothing is promised for it (issue 12).
      assert.match(doc.body.body, /负责公开该政府信息的行政机关为东江区建设和交通委员会，联系地址：东江区锦绣路300号；联系电话：0760-22223333。/);
      assert.match(doc.body.body, /已于2026年11月25日将您的申请材料转送该机关/);
      assert.match(doc.body.body, new RegExp(to.caseNumber));
      assert.doesNotMatch(doc.body.body, /无需另行提出申请/);

      const received = await view(to.id, 'cw2');
      assert.equal(received.state, 'processing');
      assert.equal(received.receivedDate, '2026-11-25', 'its own clock starts on the transfer date');
      assert.equal(received.deadlines.replyDue, '2026-12-23');
      assert.equal(received.applicant.name, done.body.applicant.name);
      assert.deepEqual(received.request, done.body.request);
      assert.deepEqual(received.attachments.map((a: { filename: string }) => a.filename), ['身份证明.pdf']);
      assert.equal(received.transfer.from.caseNumber, done.body.caseNumber);
      assert.deepEqual(received.transfer.from.history.map((h: { type: string }) => h.type), ['REGISTER', 'TRANSFER']);
      assert.ok(received.documents.some((d: { kind: string }) => d.kind === 'receipt'));
      assert.equal(received.history[0].payload.transferredFrom.caseNumber, done.body.caseNumber);
      // Counted once by each: （四）1 at GHZY, a new application at JSJT.
      const ghzy = (await request(env.app).get('/api/reports/annual?year=2026&agency=GHZY').set(auth('mgr'))).body.table3.rows;
      const jsjt = (await request(env.app).get('/api/reports/annual?year=2026&agency=JSJT').set(auth('mgr'))).body.table3.rows;
      assert.equal(ghzy['unavailable.not_held'].total, 1);
      assert.ok(jsjt.new.total >= 1);
      assert.equal((await send(id, 'appr', body)).status, 409, 'transferred once');
    });
  });
});
