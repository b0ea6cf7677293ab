import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, csrfOf, loginAgent, type TestEnv } from '../helpers/test-app.js';
import { fixedClock } from '../../server/time.js';
import { RESPONSE_COMPONENTS } from '../../server/http/openapi-components.js';
import { QUEUE_ACTIONS } from '../../workflows/turns.js';

// Case conferences (会商研判, issue 14): GHZY's caseworker convenes on a complex application; legal
// staff (DJQ), GHZY's reviewer and approver, and JSJT (through its inbox) give opinions; the approver
// signs the conclusion off. The reply clock is not stopped.
describe('case conferences (会商研判, issue 14)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const api = () => request(env.app);
  const view = async (id: number, who = 'cw') => (await api().get(`/api/applications/${id}`).set(auth(who))).body;
  const register = async (receivedDate = '2026-11-02') => {
    const r = await api().post('/api/applications').set(auth('cw')).send(applicationBody({ receivedDate }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id as number;
  };
  const queue = async (who: string) => (await api().get('/api/queue').set(auth(who))).body.items as { kind: string; id: number; step: string; stepLabel: string; allowedEvents: string[]; dueDate: string | null; applicationId?: number; url: string }[];
  const counts = async () => ({
    conferences: Number((await env.db('conferences').count({ n: '*' }).first())!.n),
    participants: Number((await env.db('conference_participants').count({ n: '*' }).first())!.n),
    marks: Number((await env.db('complex_marks').count({ n: '*' }).first())!.n),
    audit: Number((await env.db('audit_log').count({ n: '*' }).first())!.n),
  });
  const convene = (id: number, who: string, body: object) => api().post(`/api/applications/${id}/conferences`).set(auth(who)).send(body);
  const fullBody = {
    topic: '征收补偿名单能否公开',
    questions: ['补偿名单是否涉及第三方合法权益？', '能否区分处理后部分公开？'],
    participantUsers: ['legal', 'rev', 'appr'],
    participantAgencies: ['JSJT'],
    complexReason: '涉及多个机关共同制作的征收补偿信息',
  };

  before(async () => {
    env = await createTestEnv({ today: '2026-11-04' });
    env.ctx.clock = fixedClock('2026-11-04');
    for (const u of ['cw', 'cw-b', 'rev', 'appr', 'cw2', 'rev2', 'appr2', 'mgr', 'legal']) tokens[u] = await env.token(u);
  });
  after(async () => env.close());

  describe('one conference from convening to sign-off', () => {
    let appId: number;
    let confId: number;
    let replyDue: string;

    it('bad input is refused with Chinese messages per field, and nothing is written', async () => {
      appId = await register();
      replyDue = (await view(appId)).deadlines.replyDue;
      const before = await counts();
      const empty = await convene(appId, 'cw', {});
      assert.equal(empty.status, 422);
      assert.match(empty.body.fields.topic, /会商议题/);
      assert.match(empty.body.fields.questions, /问题/);
      assert.match(empty.body.fields.complexReason, /复杂疑难/);
      assert.match(empty.body.fields.participants, /至少邀请/);
      const wrong = await convene(appId, 'cw', { ...fullBody, participantUsers: ['cw-b', 'rev2', 'nobody'], participantAgencies: ['GHZY', 'XXX'] });
      assert.equal(wrong.status, 422);
      assert.match(wrong.body.fields.participantUsers, /不是法制、保密审查或公开工作机构负责人/);
      assert.match(wrong.body.fields.participantUsers, /无权查看该申请/, 'another agency\'s reviewer is invited through the agency');
      assert.match(wrong.body.fields.participantUsers, /没有用户“nobody”/);
      assert.match(wrong.body.fields.participantAgencies, /本机关人员请按人员邀请/);
      assert.match(wrong.body.fields.participantAgencies, /没有机关代码“XXX”/);
      const unknownKey = await convene(appId, 'cw', { ...fullBody, extra: 1 });
      assert.equal(unknownKey.status, 422);
      assert.equal(unknownKey.body.fields.extra, '不接受的字段');
      assert.deepEqual(await counts(), before, 'nothing written, not even the complex mark or an audit entry');
    });

    it('only the case agency\'s caseworker or approver convenes', async () => {
      assert.equal((await convene(appId, 'rev', fullBody)).status, 403);
      assert.equal((await convene(appId, 'legal', fullBody)).status, 403);
      assert.equal((await convene(appId, 'cw2', fullBody)).status, 404, 'another agency does not see the case');
    });

    it('convening marks the case complex and leaves the reply due date where it was', async () => {
      const r = await convene(appId, 'cw', fullBody);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      confId = r.body.id;
      assert.equal(r.body.status, 'open');
      assert.equal(r.body.statusLabel, '征求意见中');
      assert.deepEqual(r.body.questions, fullBody.questions);
      assert.equal(r.body.clockNote, '会商不停止答复期限计算');
      assert.deepEqual(r.body.participants.map((p: { name: string; roleLabel: string }) => `${p.name}/${p.roleLabel}`), ['legal/法制', 'rev/保密审查', 'appr/公开工作机构负责人', '东江区建设和交通委员会/其他机关']);
      const v = await view(appId);
      assert.equal(v.complex.reason, fullBody.complexReason);
      assert.equal(v.conferences.length, 1);
      assert.equal(v.conferences[0].id, confId);
      assert.equal(v.deadlines.replyDue, replyDue, 'a conference does not stop the clock');
      assert.deepEqual(v.history.map((h: { type: string }) => h.type), ['REGISTER'], 'no event in the case\'s history');
      assert.equal(v.version, 1);
      const again = await api().post(`/api/applications/${appId}/complex`).set(auth('cw')).send({ reason: '再标记' });
      assert.equal(again.status, 409);
    });

    it('each invited person and the invited agency\'s caseworkers find it in their queue; nobody else does', async () => {
      for (const who of ['legal', 'rev', 'appr', 'cw2']) {
        const items = (await queue(who)).filter((i) => i.kind === 'conference');
        assert.equal(items.length, 1, who + JSON.stringify(items));
        assert.equal(items[0]!.id, confId);
        assert.equal(items[0]!.step, 'conference_opinion');
        assert.equal(items[0]!.stepLabel, '提出会商意见');
        assert.deepEqual(items[0]!.allowedEvents, ['GIVE_OPINION']);
        assert.equal(items[0]!.applicationId, appId);
        assert.equal(items[0]!.dueDate, replyDue, 'dated by the case\'s reply due');
        const documented = (RESPONSE_COMPONENTS.QueueItem as { properties: Record<string, unknown> }).properties;
        assert.deepEqual(Object.keys(items[0]!).filter((k) => !(k in documented)), [], 'every field documented (issue 13 contract, kind extended)');
        assert.ok(items[0]!.allowedEvents.every((e) => e in QUEUE_ACTIONS));
      }
      for (const who of ['cw', 'cw-b', 'rev2', 'appr2', 'mgr']) assert.deepEqual((await queue(who)).filter((i) => i.kind === 'conference'), [], who);
    });

    it('a non-participant cannot give an opinion; an invited agency answers through its caseworker, without seeing the case', async () => {
      assert.equal((await api().post(`/api/conferences/${confId}/opinions`).set(auth('cw')).send({ opinion: '同意' })).status, 403);
      assert.equal((await api().post(`/api/conferences/${confId}/opinions`).set(auth('mgr')).send({ opinion: '同意' })).status, 403);
      assert.equal((await api().post(`/api/conferences/${confId}/opinions`).set(auth('rev2')).send({ opinion: '同意' })).status, 403, 'the invited agency answers by its caseworkers');
      assert.equal((await api().get(`/api/conferences/${confId}`).set(auth('cw2'))).status, 200);
      assert.equal((await api().get(`/api/applications/${appId}`).set(auth('cw2'))).status, 404);
      const blank = await api().post(`/api/conferences/${confId}/opinions`).set(auth('cw2')).send({ opinion: '  ' });
      assert.equal(blank.status, 422);
      assert.equal(blank.body.fields.opinion, '请填写会商意见');
      const r = await api().post(`/api/conferences/${confId}/opinions`).set(auth('cw2')).send({ opinion: '补偿名单由我委与贵局共同制作，涉及个人信息，建议区分处理。' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const jsjt = r.body.participants.find((p: { kind: string }) => p.kind === 'agency');
      assert.equal(jsjt.answered, true);
      assert.equal(jsjt.opinionBy.name, 'cw2');
      assert.equal(r.body.caseReadable, false);
      assert.equal((await api().post(`/api/conferences/${confId}/opinions`).set(auth('cw2')).send({ opinion: '再补充' })).status, 409, 'once');
      assert.deepEqual((await queue('cw2')).filter((i) => i.kind === 'conference'), [], 'answered: out of the queue');
    });

    it('the conclusion needs the case agency\'s caseworker or approver; only the approver signs it off', async () => {
      assert.equal((await api().post(`/api/conferences/${confId}/signoff`).set(auth('appr'))).status, 409, 'nothing to sign yet');
      for (const who of ['legal', 'rev']) {
        const r = await api().post(`/api/conferences/${confId}/opinions`).set(auth(who)).send({ opinion: `${who}：建议部分公开，隐去个人信息。` });
        assert.equal(r.status, 200, who);
      }
      assert.equal((await api().post(`/api/conferences/${confId}/conclusion`).set(auth('rev')).send({ conclusion: 'x' })).status, 403);
      assert.equal((await api().post(`/api/conferences/${confId}/conclusion`).set(auth('cw2')).send({ conclusion: 'x' })).status, 403);
      const blank = await api().post(`/api/conferences/${confId}/conclusion`).set(auth('cw')).send({});
      assert.equal(blank.status, 422);
      assert.equal(blank.body.fields.conclusion, '请填写研判意见');
      const c = await api().post(`/api/conferences/${confId}/conclusion`).set(auth('cw')).send({ conclusion: '经会商研判，补偿名单中的个人信息属于第三方合法权益，予以部分公开。' });
      assert.equal(c.status, 200);
      assert.equal(c.body.status, 'concluded');
      assert.equal((await api().post(`/api/conferences/${confId}/opinions`).set(auth('appr')).send({ opinion: '迟到的意见' })).status, 409, 'concluded: opinions close');
      // The approver is asked to sign.
      const sign = (await queue('appr')).filter((i) => i.kind === 'conference');
      assert.deepEqual(sign.map((i) => [i.step, i.allowedEvents]), [['conference_sign', ['SIGN_OFF']]]);
      assert.equal((await api().post(`/api/conferences/${confId}/signoff`).set(auth('cw'))).status, 403);
      assert.equal((await api().post(`/api/conferences/${confId}/signoff`).set(auth('appr2'))).status, 403, 'the invited agency\'s approver reads it but does not sign');
      const s = await api().post(`/api/conferences/${confId}/signoff`).set(auth('appr'));
      assert.equal(s.status, 200, JSON.stringify(s.body));
      assert.equal(s.body.signedOff, true);
      assert.equal(s.body.signedOffBy.name, 'appr');
      assert.deepEqual(s.body.actions, []);
    });

    it('once signed off the conference is immutable, and the reply is still due when it was', async () => {
      const before = await counts();
      const row = await env.db('conferences').where({ id: confId }).first();
      const attempts = [
        await api().post(`/api/conferences/${confId}/conclusion`).set(auth('cw')).send({ conclusion: '改写' }),
        await api().post(`/api/conferences/${confId}/signoff`).set(auth('appr')),
        await api().post(`/api/conferences/${confId}/opinions`).set(auth('appr')).send({ opinion: '补充' }),
      ];
      for (const r of attempts) {
        assert.equal(r.status, 409);
        assert.match(r.body.message, /已经签批|不再接收/);
      }
      assert.deepEqual(await env.db('conferences').where({ id: confId }).first(), row);
      assert.deepEqual(await counts(), before);
      assert.equal((await view(appId)).deadlines.replyDue, replyDue);
    });

    it('the reply draft quotes the signed conclusion into 理由与依据 (form, without JavaScript)', async () => {
      const agent = await loginAgent(env.app, 'cw');
      const page = await agent.get(`/applications/${appId}`);
      assert.equal(page.status, 200);
      assert.match(page.text, /引用会商研判意见（已签批）/);
      assert.match(page.text, /会商不停止答复期限计算/);
      const v = await view(appId);
      const r = await agent.post(`/applications/${appId}/events`).type('form').send({
        _csrf: csrfOf(page.text), type: 'DRAFT_REPLY', date: '2026-11-04', version: String(v.version), decision: 'partial',
        reasons: '根据《政府信息公开条例》第三十七条，', 'partial/provided': '补偿方案', 'partial/withheld.part': '个人信息', 'partial/withheld.ground': 'withhold.process_info',
        quoteConference: String(confId),
      });
      assert.equal(r.status, 303, (r.text.match(/field-error[^>]*>[^<]*/g) ?? []).join(' ') + (r.text.match(/role="alert"[^>]*>[^<]*/g) ?? []).join(' '));
      const drafted = (await view(appId)).history.at(-1);
      assert.equal(drafted.type, 'DRAFT_REPLY');
      assert.match(drafted.payload.reasons, /第三十七条，\n经会商研判，补偿名单中的个人信息属于第三方合法权益，予以部分公开。$/);
    });
  });

  describe('other cases', () => {
  it('a conference of a closed case cannot be convened, and a quote of another case\'s conclusion is refused', async () => {
    const id = await register();
    await api().post(`/api/applications/${id}/events`).set(auth('cw')).send({ type: 'WITHDRAW', date: '2026-11-04' });
    const r = await convene(id, 'cw', fullBody);
    assert.equal(r.status, 409);
    assert.match(r.body.message, /已办结/);
  });

  it('the case page shows the panel, the clock note, the opinion form to an invited person and the timeline entries', async () => {
    const id = await register();
    const r = await convene(id, 'appr', { ...fullBody, participantUsers: ['legal'], participantAgencies: [] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const legal = await loginAgent(env.app, 'legal');
    const page = await legal.get(`/applications/${id}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<h2 id="conferences-h">会商研判/);
    assert.match(page.text, /会商不停止答复期限计算/);
    assert.match(page.text, /征收补偿名单能否公开/);
    assert.match(page.text, /我的会商意见/);
    assert.match(page.text, /组织会商<\/strong> · appr（公开工作机构负责人）/);
    const post = await legal.post(`/conferences/${r.body.id}/opinions`).type('form').send({ _csrf: csrfOf(page.text), opinion: '' });
    assert.equal(post.status, 422);
    assert.match(post.text, /请填写会商意见/);
    const ok = await legal.post(`/conferences/${r.body.id}/opinions`).type('form').send({ _csrf: csrfOf(page.text), opinion: '建议部分公开。' });
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.location, `/applications/${id}#conference-${r.body.id}`);
    const after = await legal.get(`/applications/${id}`);
    assert.match(after.text, /提出会商意见<\/strong> · legal（法制）/);
    assert.match(after.text, /建议部分公开。/);
  });

  it('the dashboard and the briefing count conferences and compare conferenced cases corrected on appeal with the others', async () => {
    const send = async (id: number, who: string, body: object) => {
      const r = await api().post(`/api/applications/${id}/events`).set(auth(who)).send(body);
      assert.equal(r.status, 200, JSON.stringify(r.body));
    };
    const id = await register();
    const c = (await convene(id, 'cw', { ...fullBody, participantUsers: ['legal'], participantAgencies: [] })).body;
    await api().post(`/api/conferences/${c.id}/opinions`).set(auth('legal')).send({ opinion: '属于过程性信息。' });
    await api().post(`/api/conferences/${c.id}/conclusion`).set(auth('cw')).send({ conclusion: '不予公开。' });
    await api().post(`/api/conferences/${c.id}/signoff`).set(auth('appr'));
    await send(id, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-04', decision: 'withhold.process_info', reasons: '属于正在讨论中的过程性信息' });
    await send(id, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-04' });
    await send(id, 'rev', { type: 'APPROVE_REVIEW', date: '2026-11-04' });
    await send(id, 'appr', { type: 'ISSUE_REPLY', date: '2026-11-04' });
    await send(id, 'cw', { type: 'RECORD_DELIVERY', date: '2026-11-04', method: 'mail' });
    const appeal = await api().post(`/api/applications/${id}/appeals`).set(auth('legal')).send({
      kind: 'reconsideration', procedure: 'simplified', body: '东江区人民政府', externalCaseNumber: '东府复〔2026〕99号', receivedDate: '2026-11-04', acceptedDate: '2026-11-04', claims: '撤销答复',
    });
    assert.equal(appeal.status, 201, JSON.stringify(appeal.body));
    const ev = (body: object) => api().post(`/api/appeals/${appeal.body.id}/events`).set(auth('legal')).send(body);
    assert.equal((await ev({ type: 'SUBMIT_ANSWER', date: '2026-11-04' })).status, 200);
    const decided = await ev({ type: 'RECORD_DECISION', date: '2026-11-04', outcome: 'corrected', decisionType: '确认违法', summary: '未说明理由' });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));

    const d = (await api().get('/api/reports/dashboard?from=2026-11-01&to=2026-11-30').set(auth('mgr'))).body;
    assert.equal(d.conferences.convened, 3, 'three conferences in this file, all in November');
    assert.equal(d.conferences.signedOff, 2);
    assert.deepEqual([d.conferences.conferenced.concluded, d.conferences.conferenced.appealed, d.conferences.conferenced.corrected], [1, 1, 1]);
    assert.equal(d.conferences.conferenced.correctionRate, 1);
    assert.deepEqual([d.conferences.others.concluded, d.conferences.others.appealed, d.conferences.others.corrected], [1, 0, 0], 'the withdrawn case');
    const b = (await api().get('/api/reports/briefing?month=2026-11').set(auth('legal'))).body;
    assert.equal(b.conferences.convened, 3);
    assert.equal(b.conferences.conferenced.corrected, 1);
    const mgr = await loginAgent(env.app, 'mgr');
    const dash = await mgr.get('/dashboard?from=2026-11-01&to=2026-11-30');
    assert.match(dash.text, /复杂疑难申请会商研判/);
    assert.match(dash.text, /经会商研判<\/th><td>1<\/td><td>1<\/td>/);
    const brief = await mgr.get('/reports/briefing?month=2026-11');
    assert.match(brief.text, /2026年11月组织会商研判3次，签批研判意见2件。本期办结的申请中，经会商研判的1件，被申请复议或起诉1件、被纠错1件（100.0%）/);
  });
  });
});
