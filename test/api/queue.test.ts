import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, type TestEnv } from '../helpers/test-app.js';
import { replyFacts } from '../helpers/replies.js';
import { fixedClock } from '../../server/time.js';
import { RESPONSE_COMPONENTS } from '../../server/http/openapi-components.js';
import { QUEUE_ACTIONS, QUEUE_STEP_CODES } from '../../workflows/turns.js';

// Issue 13, "My queue": GET /api/queue → {items: [{kind, id, applicationId?, caseNumber, step, dueDate,
// workingDaysLeft, overdue, allowedEvents}]} for the caller — a case in the queue of the role whose turn
// it is, never where the caller cannot act. November 2026 has no holidays: every count is weekdays.
// Today is Fri 20 Nov; received Mon 2 Nov, a reply is due Mon 30 Nov (6 working days left).
interface Item {
  kind: string; id: number; applicationId?: number; caseNumber: string; step: string; stepLabel: string; dueDate: string | null; dueLabel: string | null;
  workingDaysLeft: number | null; overdue: boolean; dueSoon: boolean; allowedEvents: string[]; document?: { id: number; title: string }; page: string; url: string;
}

describe('the queue: each person’s cases whose next step is theirs (issue 13)', function () {
  this.timeout(120_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const send = async (id: number, who: string, body: object) => {
    const r = await request(env.app).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
    assert.equal(r.status, 200, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const register = async (receivedDate = '2026-11-02', who = 'cw') => {
    const r = await request(env.app).post('/api/applications').set(auth(who)).send(applicationBody({ receivedDate }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { id: number; caseNumber: string };
  };
  const queue = async (who: string): Promise<Item[]> => {
    const r = await request(env.app).get('/api/queue').set(auth(who));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body), ['items']);
    return r.body.items;
  };
  const itemOf = async (who: string, kind: string, id: number) => (await queue(who)).filter((i) => i.kind === kind && i.id === id);
  const only = async (who: string, kind: string, id: number) => {
    const found = await itemOf(who, kind, id);
    assert.equal(found.length, 1, `${who} has ${kind} ${id} once in the queue`);
    return found[0]!;
  };
  const absent = async (who: string, kind: string, id: number) =>
    assert.deepEqual(await itemOf(who, kind, id), [], `${kind} ${id} is not in ${who}’s queue`);
  const today = (d: string) => void (env.ctx.clock = fixedClock(d));
  const draft = (id: number, who = 'cw', date = '2026-11-10') => send(id, who, { type: 'DRAFT_REPLY', date, decision: 'disclose', ...replyFacts('disclose') });
  const documentsOf = async (id: number) => (await request(env.app).get(`/api/applications/${id}`).set(auth('cw'))).body.documents as { id: number; kind: string; status: string }[];

  const ids: Record<string, number> = {};

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    for (const u of ['cw', 'cw-b', 'rev', 'appr', 'cw2', 'rev2', 'appr2', 'mgr', 'mgr2', 'legal', 'admin']) tokens[u] = await env.token(u);
    // One case at every step of the sign-off, at GHZY.
    ids.handling = (await register()).id;
    ids.drafted = (await register()).id;
    await draft(ids.drafted);
    ids.inReview = (await register()).id;
    await draft(ids.inReview);
    await send(ids.inReview, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-10' });
    ids.returned = (await register()).id;
    await draft(ids.returned);
    await send(ids.returned, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-10' });
    await send(ids.returned, 'rev', { type: 'RETURN_FOR_REVISION', date: '2026-11-11', reason: '请写明获取方式' });
    ids.approved = (await register()).id;
    await draft(ids.approved);
    await send(ids.approved, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-10' });
    await send(ids.approved, 'rev', { type: 'APPROVE_REVIEW', date: '2026-11-11' });
    ids.issued = (await register()).id;
    await draft(ids.issued);
    await send(ids.issued, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-10' });
    await send(ids.issued, 'rev', { type: 'APPROVE_REVIEW', date: '2026-11-11' });
    await send(ids.issued, 'appr', { type: 'ISSUE_REPLY', date: '2026-11-12' });
    ids.closed = (await register()).id;
    await draft(ids.closed);
    await send(ids.closed, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-10' });
    await send(ids.closed, 'rev', { type: 'APPROVE_REVIEW', date: '2026-11-11' });
    await send(ids.closed, 'appr', { type: 'ISSUE_REPLY', date: '2026-11-12' });
    await send(ids.closed, 'cw', { type: 'RECORD_DELIVERY', date: '2026-11-13', method: 'mail' });
    ids.extension = (await register()).id;
    await send(ids.extension, 'cw', { type: 'REQUEST_EXTENSION', date: '2026-11-18', workingDays: 10, reason: '所需信息数量较大' });
    // Received Mon 19 Oct: the reply was due Mon 16 Nov — four working days ago.
    ids.overdue = (await register('2026-10-19')).id;
    // A case at the construction commission (JSJT), another agency's.
    ids.jsjt = (await register('2026-11-02', 'cw2')).id;
    await draft(ids.jsjt, 'cw2');
    await send(ids.jsjt, 'cw2', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-10' });
  });
  beforeEach(() => today('2026-11-20'));
  after(async () => env.close());

  it('the caseworker has the cases being handled, drafted, returned and issued awaiting delivery', async () => {
    const handling = await only('cw', 'application', ids.handling!);
    assert.equal(handling.step, 'handle');
    assert.equal(handling.stepLabel, '办理');
    assert.equal(handling.dueDate, '2026-11-30');
    assert.equal(handling.workingDaysLeft, 6);
    assert.equal(handling.overdue, false);
    assert.ok(handling.allowedEvents.includes('DRAFT_REPLY'));
    assert.equal((await only('cw', 'application', ids.drafted!)).step, 'submit_for_review');
    assert.equal((await only('cw', 'application', ids.returned!)).step, 'revise');
    const issued = await only('cw', 'application', ids.issued!);
    assert.equal(issued.step, 'record_delivery');
    assert.deepEqual(issued.allowedEvents, ['RECORD_DELIVERY']);
    // An extension asked for does not stop the handling.
    assert.equal((await only('cw', 'application', ids.extension!)).step, 'handle');
    // Every caseworker of the agency shares its cases (no case is assigned to one person).
    assert.equal((await only('cw-b', 'application', ids.handling!)).step, 'handle');
  });

  it('a case in review is the reviewer’s alone, though the caseworker may still withdraw it', async () => {
    const review = await only('rev', 'application', ids.inReview!);
    assert.equal(review.step, 'review');
    assert.deepEqual([...review.allowedEvents].sort(), ['APPROVE_REVIEW', 'RETURN_FOR_REVISION']);
    const caseView = (await request(env.app).get(`/api/applications/${ids.inReview}`).set(auth('cw'))).body;
    assert.ok(caseView.allowedEvents.includes('WITHDRAW'), 'the caseworker may withdraw it…');
    await absent('cw', 'application', ids.inReview!);
    await absent('appr', 'application', ids.inReview!);
    assert.deepEqual((await queue('rev')).map((i) => i.id), [ids.inReview], 'the reviewer has nothing else');
  });

  it('the approver has the replies awaiting sign-off and the extension requests', async () => {
    const sign = await only('appr', 'application', ids.approved!);
    assert.equal(sign.step, 'sign');
    assert.deepEqual(sign.allowedEvents, ['ISSUE_REPLY', 'RETURN_FROM_SIGNOFF'], 'sign, or send back with a reason');
    const extension = await only('appr', 'application', ids.extension!);
    assert.equal(extension.step, 'approve_extension');
    assert.ok(extension.allowedEvents.includes('APPROVE_EXTENSION') && extension.allowedEvents.includes('REJECT_EXTENSION'));
    await absent('cw', 'application', ids.approved!);
    await absent('rev', 'application', ids.approved!);
    for (const id of [ids.handling, ids.drafted, ids.returned, ids.issued, ids.closed, ids.overdue]) await absent('appr', 'application', id!);
  });

  it('a closed case is in nobody’s queue; another agency’s cases are not in this agency’s', async () => {
    for (const who of ['cw', 'cw-b', 'rev', 'appr', 'legal', 'mgr']) await absent(who, 'application', ids.closed!);
    const jsjtReview = await only('rev2', 'application', ids.jsjt!);
    assert.equal(jsjtReview.step, 'review');
    for (const who of ['cw', 'rev', 'appr', 'cw2', 'appr2']) await absent(who, 'application', ids.jsjt!);
    assert.ok((await queue('cw2')).every((i) => i.kind !== 'application' || i.caseNumber.startsWith('JSJT-')));
    assert.deepEqual(await queue('appr2'), []);
  });

  it('most urgent first: overdue, then fewest working days left', async () => {
    const items = await queue('cw');
    assert.equal(items[0]!.id, ids.overdue, 'the overdue case leads');
    assert.equal(items[0]!.overdue, true);
    assert.equal(items[0]!.workingDaysLeft, -4);
    assert.equal(items[0]!.dueDate, '2026-11-16');
    for (let i = 1; i < items.length; i++) {
      const [a, b] = [items[i - 1]!, items[i]!];
      assert.ok(Number(b.overdue) <= Number(a.overdue), 'overdue ones first');
      if (a.overdue === b.overdue) assert.ok((a.workingDaysLeft ?? Infinity) <= (b.workingDaysLeft ?? Infinity), `${a.caseNumber} before ${b.caseNumber}`);
    }
  });

  it('managers oversee with an empty queue; the administrator sees no case; nobody anonymous', async () => {
    assert.deepEqual(await queue('mgr'), []);
    assert.deepEqual(await queue('mgr2'), []);
    assert.equal((await request(env.app).get('/api/queue').set(auth('admin'))).status, 403);
    assert.equal((await request(env.app).get('/api/queue')).status, 401);
    assert.equal((await request(env.app).get('/api/queue?sort=due').set(auth('cw'))).status, 422, 'no query parameters');
  });

  it('a letter in the consulted agency’s inbox is its caseworkers’ to answer; answered, it leaves', async () => {
    const sent = await send(ids.handling!, 'cw', { type: 'START_CONSULTATION', date: '2026-11-18', kind: 'agency', agencyCode: 'JSJT', parts: '施工许可证' });
    const [letter] = (await queue('cw2')).filter((i) => i.kind === 'consultation');
    assert.ok(letter, 'in the caseworker’s queue, not only a badge');
    assert.equal(letter.applicationId, ids.handling);
    assert.equal(letter.caseNumber, sent.caseNumber);
    assert.equal(letter.step, 'answer_consultation');
    assert.deepEqual(letter.allowedEvents, ['ANSWER']);
    // Arts. 34, §2.8: 15 working days from the letter's arrival on Wed 18 Nov.
    assert.equal(letter.dueDate, sent.consultations[0].opinionDue);
    assert.equal(letter.dueDate, '2026-12-09');
    assert.equal(letter.workingDaysLeft, 13);
    assert.equal(letter.page, `/consultations/${letter.id}`);
    for (const who of ['rev2', 'appr2', 'mgr2', 'cw', 'rev', 'appr']) assert.deepEqual((await queue(who)).filter((i) => i.kind === 'consultation'), [], who);
    // The requesting caseworker still handles the case meanwhile.
    assert.equal((await only('cw', 'application', ids.handling!)).step, 'handle');
    const answered = await request(env.app).post(`/api/consultations/${letter.id}/answer`).set(auth('cw2')).send({ opinion: 'consent' });
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    await absent('cw2', 'consultation', letter.id);
  });

  it('legal staff have the appeals whose answer, decision or closing is due; nobody else has any', async () => {
    const created = await request(env.app).post(`/api/applications/${ids.closed}/appeals`).set(auth('legal')).send({
      kind: 'reconsideration', procedure: 'ordinary', body: '东江区人民政府', externalCaseNumber: '东府复〔2026〕101号', receivedDate: '2026-11-17', acceptedDate: '2026-11-16',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as number;
    const answer = await only('legal', 'appeal', id);
    assert.equal(answer.step, 'appeal_answer');
    assert.equal(answer.applicationId, ids.closed);
    assert.equal(answer.dueDate, created.body.deadlines.answerDue);
    assert.deepEqual(answer.allowedEvents, created.body.allowedEvents);
    assert.equal(answer.page, `/appeals/${id}`);
    for (const who of ['cw', 'rev', 'appr', 'mgr']) await absent(who, 'appeal', id);
    const event = (body: object) => request(env.app).post(`/api/appeals/${id}/events`).set(auth('legal')).send(body);
    assert.equal((await event({ type: 'SUBMIT_ANSWER', date: '2026-11-19', evidence: [] })).status, 200);
    const decision = await only('legal', 'appeal', id);
    assert.equal(decision.step, 'appeal_decision');
    assert.equal(decision.dueDate, (await request(env.app).get(`/api/appeals/${id}`).set(auth('legal'))).body.deadlines.decisionExpected);
    assert.equal((await event({ type: 'RECORD_DECISION', date: '2026-11-20', outcome: 'upheld', decisionType: '维持', summary: '维持原答复' })).status, 200);
    assert.equal((await only('legal', 'appeal', id)).step, 'appeal_close');
    assert.equal((await event({ type: 'CLOSE', date: '2026-11-20' })).status, 200);
    await absent('legal', 'appeal', id);
  });

  it('notices are the caseworker’s work: issue the one an event drafted, record its receipt, then wait for the applicant', async () => {
    const id = (await register()).id;
    await send(id, 'cw', { type: 'REQUEST_CORRECTION', date: '2026-11-04', items: ['请写明文件名称'], periodWorkingDays: 10 });
    const toIssue = await only('cw', 'application', id);
    assert.equal(toIssue.step, 'issue_notice');
    // Art. 30: the correction notice is due within 7 working days of receipt (Wed 11 Nov).
    assert.equal(toIssue.dueDate, '2026-11-11');
    assert.equal(toIssue.overdue, true);
    const notice = (await documentsOf(id)).find((d) => d.kind === 'correction_notice' && d.status === 'draft')!;
    assert.deepEqual(toIssue.document, { id: notice.id, title: '补正申请告知书' });
    assert.equal(toIssue.allowedEvents[0], 'ISSUE_DOCUMENT');
    assert.equal((await request(env.app).post(`/api/documents/${notice.id}/issue`).set(auth('cw')).send({ date: '2026-11-05' })).status, 200);
    const toRecord = await only('cw', 'application', id);
    assert.equal(toRecord.step, 'record_notice_delivery');
    assert.equal(toRecord.document?.id, notice.id);
    assert.equal(toRecord.allowedEvents[0], 'RECORD_DOCUMENT_DELIVERY');
    const delivered = await request(env.app).post(`/api/documents/${notice.id}/delivered`).set(auth('cw')).send({ date: '2026-11-09', method: 'mail' });
    assert.equal(delivered.status, 200, JSON.stringify(delivered.body));
    // The applicant's ten working days run to Mon 23 Nov: nothing for anyone to do until then.
    for (const who of ['cw', 'rev', 'appr']) await absent(who, 'application', id);

    today('2026-11-24');
    const lapsed = await only('cw', 'application', id);
    assert.equal(lapsed.step, 'correction_lapsed');
    assert.equal(lapsed.dueDate, '2026-11-23');
    await send(id, 'cw', { type: 'CORRECTION_LAPSED', date: '2026-11-24' });
    await absent('cw', 'application', id);
    // The lapse closes the case with a reply the head of the office signs through the document.
    const sign = await only('appr', 'application', id);
    const reply = (await documentsOf(id)).find((d) => d.kind === 'reply' && d.status === 'draft')!;
    assert.equal(sign.step, 'sign');
    assert.deepEqual(sign.allowedEvents, ['ISSUE_DOCUMENT']);
    assert.equal(sign.document?.id, reply.id);
    assert.equal(sign.dueDate, '2026-11-24');
    assert.equal((await request(env.app).post(`/api/documents/${reply.id}/issue`).set(auth('appr')).send({ date: '2026-11-24' })).status, 200);
    await absent('appr', 'application', id);
  });

  it('an approved extension leaves its notice for the caseworker to issue', async () => {
    const id = (await register()).id;
    await send(id, 'cw', { type: 'REQUEST_EXTENSION', date: '2026-11-19', workingDays: 5, reason: '需要逐份检索' });
    await send(id, 'appr', { type: 'APPROVE_EXTENSION', date: '2026-11-20' });
    await absent('appr', 'application', id);
    const item = await only('cw', 'application', id);
    assert.equal(item.step, 'issue_notice');
    assert.equal(item.document?.title, '延期答复告知书');
    assert.equal(item.dueDate, '2026-12-07', 'the reply due, extended by 5 working days');
  });

  it('the contract: the fields of issue 13 for every role, as documented; steps the caller can take now', async () => {
    const schema = RESPONSE_COMPONENTS.QueueItem as { required: string[]; properties: Record<string, { enum?: unknown[] }> };
    assert.deepEqual(schema.properties.step!.enum, QUEUE_STEP_CODES);
    for (const who of ['cw', 'cw-b', 'rev', 'appr', 'cw2', 'rev2', 'appr2', 'legal', 'mgr', 'mgr2']) {
      for (const item of await queue(who)) {
        for (const key of ['kind', 'id', 'caseNumber', 'step', 'dueDate', 'workingDaysLeft', 'overdue', 'allowedEvents']) assert.ok(key in item, `${who}: ${key}`);
        assert.deepEqual(Object.keys(item).filter((k) => !(k in schema.properties)), [], 'every field is documented');
        // Issue 14 extends issue 13's three kinds with conference (会商研判).
        assert.ok(['application', 'consultation', 'appeal', 'conference'].includes(item.kind));
        assert.ok(Number.isInteger(item.id));
        assert.ok(QUEUE_STEP_CODES.includes(item.step as never));
        assert.match(item.stepLabel, /^[\u4e00-\u9fff，、（）]+$/, 'the step in Chinese');
        assert.ok(item.dueDate === null || /^\d{4}-\d{2}-\d{2}$/.test(item.dueDate));
        assert.ok(item.workingDaysLeft === null || Number.isInteger(item.workingDaysLeft));
        assert.equal(item.overdue, item.workingDaysLeft !== null && item.workingDaysLeft < 0);
        assert.equal('applicationId' in item, item.kind !== 'application');
        assert.ok(item.allowedEvents.length > 0, 'never in a queue where the caller cannot act');
        // The machine's events are exactly those the case itself offers this person now.
        const machine = item.allowedEvents.filter((e) => !(e in QUEUE_ACTIONS));
        if (item.kind === 'application') {
          const view = (await request(env.app).get(item.url).set(auth(who))).body;
          assert.deepEqual(machine, view.allowedEvents, `${who}: ${item.caseNumber}`);
        } else if (item.kind === 'appeal') {
          assert.deepEqual(machine, (await request(env.app).get(item.url).set(auth(who))).body.allowedEvents);
        } else if (item.kind === 'conference') {
          const actions = (await request(env.app).get(item.url).set(auth(who))).body.actions as string[];
          assert.ok(item.allowedEvents.every((e) => actions.includes(e)), `${who}: ${item.caseNumber}`);
        } else {
          assert.equal((await request(env.app).get(item.url).set(auth(who))).body.mayAnswer, true);
        }
      }
    }
  });
});
