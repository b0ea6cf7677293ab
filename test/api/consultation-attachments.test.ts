import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, loginAgent, PASSWORD, type TestEnv } from '../helpers/test-app.js';
import { addUser } from '../../server/admin/admin-service.js';

// Hardening finding 9: a consulted agency reads what the letter carried, while the consultation is
// open, and only its caseworkers (who answer) do. GHZY asks JSJT (and DJQ).
describe('what a consulted agency may read of the requesting case (hardening finding 9)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const pdf = (label: string) => Buffer.from(`%PDF-1.4\n% ${label}\n%%EOF\n`);
  const item = (requestId: number, who: string) => request(env.app).get(`/api/consultations/${requestId}`).set(auth(who));
  const file = (requestId: number, attachmentId: number, who: string) =>
    request(env.app).get(`/api/consultations/${requestId}/attachments/${attachmentId}`).set(auth(who));
  const names = (list: { filename: string }[]) => list.map((a) => a.filename);

  let appId: number;
  let requestId: number;
  const ids: Record<string, number> = {};

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    await addUser(env.db, { username: 'cw3', role: 'caseworker', agencyCode: 'DJQ', password: PASSWORD, displayName: 'cw3' }, null, 4, { seeded: true });
    for (const u of ['cw', 'cw2', 'rev2', 'cw3']) tokens[u] = await env.token(u);
    // The case: the application form (registration), an ID scan added later, and a third party's
    // paper opinion recorded with its scan.
    const reg = await request(env.app).post('/api/applications').set(auth('cw'))
      .field('data', JSON.stringify(applicationBody({ receivedDate: '2026-11-16' })))
      .attach('attachments', pdf('form'), { filename: '申请表.pdf', contentType: 'application/pdf' });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    appId = reg.body.id;
    await request(env.app).post(`/api/applications/${appId}/attachments`).set(auth('cw'))
      .attach('attachments', pdf('id'), { filename: '身份证明.pdf', contentType: 'application/pdf' });
    const third = await request(env.app).post(`/api/applications/${appId}/events`).set(auth('cw'))
      .send({ type: 'START_CONSULTATION', date: '2026-11-17', kind: 'third_party', party: '某开发公司' });
    const opinion = await request(env.app).post(`/api/applications/${appId}/events`).set(auth('cw'))
      .field('type', 'RECORD_OPINION').field('date', '2026-11-18').field('consultationId', third.body.consultations[0].id)
      .field('opinion', 'object').field('reasons', '涉及商业秘密')
      .attach('attachments', pdf('third party'), { filename: '第三方意见书.pdf', contentType: 'application/pdf' });
    assert.equal(opinion.status, 200, JSON.stringify(opinion.body));
    for (const a of opinion.body.attachments) ids[a.filename] = a.id;
    assert.deepEqual(opinion.body.attachments.map((a: { origin: string }) => a.origin), ['filed', 'filed', 'event']);

    const sent = await request(env.app).post(`/api/applications/${appId}/consultations`).set(auth('cw')).send({ agencyCodes: ['JSJT'] });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    requestId = sent.body.consultations.find((c: { agencyCode: string }) => c.agencyCode === 'JSJT').inbox.id;
  });
  after(async () => env.close());

  it('the consulted caseworker reads the files the letter carried — by default the case’s own materials — and no other file of the case', async () => {
    const seen = await item(requestId, 'cw2');
    assert.deepEqual(names(seen.body.attachments), ['申请表.pdf', '身份证明.pdf'], 'not the third party’s opinion');
    assert.equal(seen.body.attachmentsNote, null);
    assert.equal((await file(requestId, ids['申请表.pdf']!, 'cw2')).status, 200);
    const other = await file(requestId, ids['第三方意见书.pdf']!, 'cw2');
    assert.equal(other.status, 404, 'a file the letter did not carry is no file to the consulted agency');
    assert.equal(other.body.message, '未找到该附件');
    // The requesting agency still sees its whole case through the item.
    assert.deepEqual(names((await item(requestId, 'cw')).body.attachments), ['申请表.pdf', '身份证明.pdf', '第三方意见书.pdf']);
    assert.equal((await file(requestId, ids['第三方意见书.pdf']!, 'cw')).status, 200);
  });

  it('other roles of the consulted agency read none of them', async () => {
    const res = await file(requestId, ids['申请表.pdf']!, 'rev2');
    assert.equal(res.status, 403);
    assert.equal(res.body.message, '征询件的附件仅供被征求意见机关的承办人查阅');
    const seen = await item(requestId, 'rev2');
    assert.deepEqual(seen.body.attachments, []);
    assert.equal(seen.body.attachmentsNote, '征询件的附件仅供被征求意见机关的承办人查阅');
  });

  it('a letter carries the files chosen for it, and those sent with it', async () => {
    const chosen = await request(env.app).post(`/api/applications/${appId}/consultations`).set(auth('cw'))
      .send({ agencyCodes: ['DJQ'], attachmentIds: [ids['第三方意见书.pdf']] });
    assert.equal(chosen.status, 201, JSON.stringify(chosen.body));
    const djq = chosen.body.consultations.find((c: { agencyCode: string }) => c.agencyCode === 'DJQ').inbox.id;
    assert.deepEqual(names((await item(djq, 'cw3')).body.attachments), ['第三方意见书.pdf']);
    assert.equal((await file(djq, ids['申请表.pdf']!, 'cw3')).status, 404);

    // A second case: the letter goes with a file uploaded with it, and (chosen: none) nothing else.
    const reg = await request(env.app).post('/api/applications').set(auth('cw'))
      .field('data', JSON.stringify(applicationBody({ receivedDate: '2026-11-16' })))
      .attach('attachments', pdf('form 2'), { filename: '申请表二.pdf', contentType: 'application/pdf' });
    const sent = await request(env.app).post(`/api/applications/${reg.body.id}/events`).set(auth('cw'))
      .field('type', 'START_CONSULTATION').field('date', '2026-11-20').field('kind', 'agency').field('agencyCode', 'JSJT').field('attachmentIds', '')
      .attach('attachments', pdf('draft'), { filename: '拟公开文件.pdf', contentType: 'application/pdf' });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    assert.deepEqual(names((await item(sent.body.consultations[0].inbox.id, 'cw2')).body.attachments), ['拟公开文件.pdf']);
  });

  it('the case page offers the case’s files for the letter, its own materials ticked, and sends what is ticked', async () => {
    const reg = await request(env.app).post('/api/applications').set(auth('cw'))
      .field('data', JSON.stringify(applicationBody({ receivedDate: '2026-11-16' })))
      .attach('attachments', pdf('form 4'), { filename: '申请表四.pdf', contentType: 'application/pdf' })
      .attach('attachments', pdf('plan 4'), { filename: '附图.pdf', contentType: 'application/pdf' });
    const [form, plan] = reg.body.attachments;
    const agent = await loginAgent(env.app, 'cw');
    const page = await agent.get(`/applications/${reg.body.id}`);
    assert.match(page.text, new RegExp(`name="attachmentIds" value="${form.id}" checked`));
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const sent = await agent.post(`/applications/${reg.body.id}/consultations`).type('form')
      .send(`_csrf=${encodeURIComponent(csrf)}&agencyCodes=JSJT&date=2026-11-20&attachmentIds=&attachmentIds=${plan.id}`);
    assert.equal(sent.status, 303, sent.text.slice(0, 500));
    const box = (await request(env.app).get('/api/consultations?status=all').set(auth('cw2'))).body;
    const letter = box.items.find((i: { application: { id: number } }) => i.application.id === reg.body.id);
    assert.deepEqual(names((await item(letter.id, 'cw2')).body.attachments), ['附图.pdf']);
  });

  it('once the consulted agency has answered, the letter’s files are closed to it; its own answer’s stay', async () => {
    const answered = await request(env.app).post(`/api/consultations/${requestId}/answer`).set(auth('cw2'))
      .field('opinion', 'object').field('reasons', '涉及正在审查的施工图')
      .attach('attachments', pdf('answer'), { filename: '复函.pdf', contentType: 'application/pdf' });
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    assert.deepEqual(names(answered.body.attachments), ['复函.pdf']);
    assert.equal(answered.body.attachmentsNote, '征询已结束（已答复），来函所附材料不再提供查阅');
    const closed = await file(requestId, ids['申请表.pdf']!, 'cw2');
    assert.equal(closed.status, 403);
    assert.equal(closed.body.message, '征询已结束（已答复），来函所附材料不再提供查阅');
    const own = answered.body.attachments[0];
    assert.equal((await file(requestId, own.id, 'cw2')).status, 200);
    // The page says so too.
    const page = await (await loginAgent(env.app, 'cw2')).get(`/consultations/${requestId}`);
    assert.match(page.text, /来函所附材料不再提供查阅/);
    assert.doesNotMatch(page.text, /申请表\.pdf/);

    // An agency's answer is never carried on to another agency.
    const onward = await request(env.app).post(`/api/applications/${appId}/consultations`).set(auth('cw'))
      .send({ agencyCodes: ['JSJT'], attachmentIds: [own.id] });
    assert.equal(onward.status, 422);
    assert.match(onward.body.fields.attachmentIds, /答复附件不能转送/);
  });

  it('a letter of a case that closes is closed to the consulted agency too', async () => {
    const reg = await request(env.app).post('/api/applications').set(auth('cw'))
      .field('data', JSON.stringify(applicationBody({ receivedDate: '2026-11-16' })))
      .attach('attachments', pdf('form 3'), { filename: '申请表三.pdf', contentType: 'application/pdf' });
    const sent = await request(env.app).post(`/api/applications/${reg.body.id}/consultations`).set(auth('cw')).send({ agencyCodes: ['JSJT'] });
    const rid = sent.body.consultations[0].inbox.id;
    const attId = reg.body.attachments[0].id;
    assert.equal((await file(rid, attId, 'cw2')).status, 200);
    assert.equal((await request(env.app).post(`/api/applications/${reg.body.id}/events`).set(auth('cw')).send({ type: 'WITHDRAW', date: '2026-11-20' })).status, 200);
    const res = await file(rid, attId, 'cw2');
    assert.equal(res.status, 403);
    assert.equal(res.body.message, '征询已结束（申请已办结），来函所附材料不再提供查阅');
  });
});
