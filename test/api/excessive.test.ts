import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, type TestEnv } from '../helpers/test-app.js';
import { fixedClock } from '../../server/time.js';

// Art. 35 through the API: ask for reasons (with the month's count across agencies), then either a
// later reply date fixed by the approver, or a reply not processing the application.
describe('excessive applications: the Art. 35 steps (issue 7)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const send = (id: number, who: string, body: object) => request(env.app).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
  const register = async (receivedDate: string, who = 'cw') => (await request(env.app).post('/api/applications').set(auth(who)).send(applicationBody({ receivedDate }))).body.id as number;

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    env.ctx.clock = fixedClock('2026-11-20');
    for (const u of ['cw', 'appr', 'cw2']) tokens[u] = await env.token(u);
  });
  after(async () => env.close());

  it('asks for reasons, stating the applicant’s count this month across agencies, then fixes a later reply date', async () => {
    await register('2026-10-30'); // last month: not counted
    await register('2026-11-02', 'cw2');
    await register('2026-11-03');
    const id = await register('2026-11-04');
    const before = (await request(env.app).get(`/api/applications/${id}`).set(auth('cw'))).body;
    assert.equal(before.deadlines.replyDue, '2026-12-02');
    assert.equal((await send(id, 'appr', { type: 'SET_LATER_DATE', date: '2026-11-10', laterReplyDate: '2027-01-29', reason: '数量大' })).status, 409, 'reasons first');
    const asked = await send(id, 'cw', { type: 'REQUEST_REASONS', date: '2026-11-05', note: '请说明逐件申请的用途' });
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    const notice = asked.body.documents.find((d: { kind: string }) => d.kind === 'reasons_request');
    assert.ok(notice, 'the notice is drafted');
    const text = (await request(env.app).get(`/api/documents/${notice.id}`).set(auth('cw'))).body.body;
    assert.match(text, /2026年11月已向本级人民政府及其部门提出政府信息公开申请3件/);
    assert.match(text, /请您自收到本通知书之日起15个工作日内向本机关书面说明申请理由/, 'a period from receipt (15 working days unless set)');
    assert.match(text, /逾期未说明理由的，本机关将不予处理/);
    assert.equal((await send(id, 'cw', { type: 'REQUEST_REASONS', date: '2026-11-05' })).status, 409, 'once');

    assert.equal((await send(id, 'cw', { type: 'SET_LATER_DATE', date: '2026-11-12', laterReplyDate: '2027-01-29', reason: '数量大' })).status, 403);
    assert.equal((await send(id, 'appr', { type: 'SET_LATER_DATE', date: '2026-11-12', laterReplyDate: '2026-12-01', reason: '数量大' })).status, 422, 'not before the current due date');
    const later = await send(id, 'appr', { type: 'SET_LATER_DATE', date: '2026-11-12', laterReplyDate: '2027-01-30', reason: '所需信息约五百份，需逐份审查' });
    assert.equal(later.status, 200, JSON.stringify(later.body));
    assert.equal(later.body.deadlines.replyDue, '2027-02-01', 'Saturday 30 January moves to the next working day');
    assert.ok(later.body.deadlines.explanation.some((l: string) => /第三十五条/.test(l)));
    assert.ok(later.body.documents.some((d: { kind: string }) => d.kind === 'later_reply_notice'));
  });

  it('or replies that the application is not processed (（五）4)', async () => {
    const id = await register('2026-11-06');
    assert.equal((await send(id, 'cw', { type: 'REQUEST_REASONS', date: '2026-11-09' })).status, 200);
    const drafted = await send(id, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-19', decision: 'not_processed.excessive', reasons: '申请人未说明理由', excessive: { count: 12, period: { from: '2026-11-01', to: '2026-11-09' }, applicantAnswer: '申请人逾期未说明理由' } });
    assert.equal(drafted.status, 200);
    assert.equal(drafted.body.state, 'drafted');
  });
});
