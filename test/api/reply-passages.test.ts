import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, PASSWORD, type TestEnv } from '../helpers/test-app.js';
import { csrfOf, loginAgent } from '../helpers/test-app.js';
import { addUser } from '../../server/admin/admin-service.js';

// Issue 7: the unified reply-wording library (统一规范答复口径). The district office DJQ writes
// (mgr) and approves (mgr-b, a second DJQ manager: four eyes); caseworkers of GHZY and JSJT use it.
describe('the reply-wording library (答复口径)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const get = (url: string, who: string) => request(env.app).get(url).set(as(who));
  const post = (url: string, who: string, body: object = {}) => request(env.app).post(url).set(as(who)).send(body);
  const register = async (who = 'cw') => {
    const r = await post('/api/applications', who, applicationBody({ receivedDate: '2026-11-02' }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id as number;
  };
  const draft = (id: number, who: string, extra: object) =>
    post(`/api/applications/${id}/events`, who, { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'withhold.process_info', reasons: '经审查，', ...extra });
  const auditCount = async (action: string) => Number((await env.db('audit_log').where({ action }).count<{ n: number | string }[]>({ n: '*' }).first())?.n ?? 0);

  const wording = {
    topic: 'process_info',
    title: '讨论记录、请示报告等过程性信息',
    body: '您申请公开的信息属于本机关在履行行政管理职能过程中形成的讨论记录、请示报告等过程性信息，根据《中华人民共和国政府信息公开条例》第十六条第二款的规定，不予公开。',
    legalBasis: '《中华人民共和国政府信息公开条例》第十六条第二款',
    decisions: ['withhold.process_info'],
  };

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    await addUser(env.db, { username: 'mgr-b', displayName: '第二管理人员', role: 'manager', agencyCode: 'DJQ', password: PASSWORD }, null, 4, { seeded: true });
    for (const u of ['cw', 'cw2', 'mgr', 'mgr-b', 'mgr2', 'legal', 'rev']) tokens[u] = await env.token(u);
  });
  after(async () => env.close());

  describe('one passage from draft to retirement', () => {
    let passageId: number;
    let first: number; // GHZY case that used version 1
    let second: number; // JSJT case that used version 2

    it('a district-office manager writes a passage: version 1, a draft awaiting approval', async () => {
      const r = await post('/api/passages', 'mgr', wording);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      passageId = r.body.id;
      assert.equal(r.headers.location, `/api/passages/${passageId}`);
      assert.equal(r.body.currentVersion, null);
      assert.equal(r.body.pendingVersion, 1);
      assert.deepEqual(r.body.versions.map((v: { version: number; status: string }) => [v.version, v.status]), [[1, 'draft']]);
      assert.equal(r.body.mayApprove, null, 'the author cannot approve her own version');
      assert.equal(await auditCount('passage.create'), 1);
    });

    it('a passage not yet approved cannot be used in a draft, and nothing is written', async () => {
      const id = await register();
      const r = await draft(id, 'cw', { passages: [passageId] });
      assert.equal(r.status, 422, JSON.stringify(r.body));
      assert.match(r.body.message, /尚未审批/);
      const app = await get(`/api/applications/${id}`, 'cw');
      assert.equal(app.body.version, 1);
      assert.equal(app.body.history.length, 1);
      // Nor do caseworkers see it in the library.
      assert.equal((await get(`/api/passages/${passageId}`, 'cw')).status, 404);
      assert.equal((await get('/api/passages', 'cw')).body.total, 0);
    });

    it('the author cannot approve her own version (four eyes)', async () => {
      const r = await post(`/api/passages/${passageId}/versions/1/approve`, 'mgr');
      assert.equal(r.status, 403);
      assert.match(r.body.message, /本人编写/);
    });

    it('a second manager of the district office approves it', async () => {
      const r = await post(`/api/passages/${passageId}/versions/1/approve`, 'mgr-b');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.currentVersion, 1);
      assert.equal(r.body.pendingVersion, null);
      assert.equal(r.body.versions[0].status, 'approved');
      assert.equal(r.body.versions[0].approvedBy.name, '第二管理人员');
      assert.equal(r.body.versions[0].approvedDate, '2026-11-20');
      assert.equal((await post(`/api/passages/${passageId}/versions/1/approve`, 'mgr-b')).status, 409, 'approved once only');
    });

    it('a GHZY caseworker finds it and uses it in a draft: the use is counted and the case listed', async () => {
      const found = await get(`/api/passages?q=${encodeURIComponent('请示报告')}&decision=withhold.process_info`, 'cw');
      assert.equal(found.status, 200);
      assert.deepEqual(found.body.items.map((p: { id: number }) => p.id), [passageId]);
      first = await register();
      const r = await draft(first, 'cw', { reasons: `经审查，${wording.body}`, passages: [{ id: passageId, version: 1 }] });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const event = r.body.history.at(-1);
      assert.deepEqual(event.payload.passages, [{ id: passageId, version: 1, title: wording.title }]);
      const p = await get(`/api/passages/${passageId}`, 'cw');
      assert.equal(p.body.usageCount, 1);
      assert.equal(p.body.versions[0].usageCount, 1);
      assert.deepEqual(p.body.cases.map((c: { applicationId: number; version: number; eventSeq: number }) => [c.applicationId, c.version, c.eventSeq]), [[first, 1, 2]]);
      assert.equal((await get('/api/passages', 'cw')).body.items[0].usageCount, 1);
    });

    it('a new version approved supersedes the old one; the next use records version 2, the old use stays on version 1', async () => {
      const v2 = await post(`/api/passages/${passageId}/versions`, 'mgr-b', { body: `${wording.body}如对本答复不服，可依法申请行政复议。` });
      assert.equal(v2.status, 201, JSON.stringify(v2.body));
      assert.equal(v2.body.currentVersion, 1, 'version 1 stays in force until version 2 is approved');
      assert.deepEqual(v2.body.versions[0].decisions, ['withhold.process_info'], 'omitted fields carry over');
      assert.equal((await post(`/api/passages/${passageId}/versions/2/approve`, 'mgr-b')).status, 403);
      const approved = await post(`/api/passages/${passageId}/versions/2/approve`, 'mgr');
      assert.equal(approved.status, 200, JSON.stringify(approved.body));
      assert.deepEqual(approved.body.versions.map((v: { version: number; status: string }) => [v.version, v.status]), [[2, 'approved'], [1, 'superseded']]);

      // The editor still showing version 1: refused, asked to insert the wording in force.
      const stale = await register('cw2');
      const refused = await draft(stale, 'cw2', { passages: [{ id: passageId, version: 1 }] });
      assert.equal(refused.status, 422);
      assert.match(refused.body.message, /现行版本是第 2 版/);

      second = stale;
      const r = await draft(second, 'cw2', { passages: [passageId] });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body.history.at(-1).payload.passages, [{ id: passageId, version: 2, title: wording.title }]);

      const byManager = await get(`/api/passages/${passageId}`, 'mgr');
      assert.equal(byManager.body.usageCount, 2);
      assert.deepEqual(byManager.body.versions.map((v: { version: number; usageCount: number }) => [v.version, v.usageCount]), [[2, 1], [1, 1]]);
      assert.deepEqual(byManager.body.cases.map((c: { applicationId: number; version: number }) => [c.applicationId, c.version]), [[second, 2], [first, 1]]);
      const firstCase = await get(`/api/applications/${first}`, 'cw');
      assert.deepEqual(firstCase.body.history.at(-1).payload.passages, [{ id: passageId, version: 1, title: wording.title }]);
    });

    it('a caseworker sees the count of all uses but only the cases of her own agency', async () => {
      const r = await get(`/api/passages/${passageId}`, 'cw');
      assert.equal(r.body.usageCount, 2);
      assert.deepEqual(r.body.cases.map((c: { applicationId: number }) => c.applicationId), [first]);
      assert.equal(r.body.hiddenUses, 1);
      assert.deepEqual(r.body.versions.map((v: { status: string }) => v.status), ['approved', 'superseded']);
    });

    it('a retired passage cannot be used: 422 and the case history, usage and audit unchanged', async () => {
      const retired = await post(`/api/passages/${passageId}/retire`, 'mgr', { reason: '并入新的过程性信息口径' });
      assert.equal(retired.status, 200, JSON.stringify(retired.body));
      assert.equal(retired.body.status, 'retired');
      assert.equal(retired.body.versions[0].status, 'retired');
      assert.equal((await post(`/api/passages/${passageId}/retire`, 'mgr')).status, 409);
      assert.equal((await post(`/api/passages/${passageId}/versions`, 'mgr', { body: '再改' })).status, 409);

      const id = await register();
      const before = { uses: await auditCount('passage.use'), events: await auditCount('application.event.DRAFT_REPLY') };
      const r = await draft(id, 'cw', { passages: [passageId] });
      assert.equal(r.status, 422);
      assert.match(r.body.message, /已停用/);
      const app = await get(`/api/applications/${id}`, 'cw');
      assert.equal(app.body.version, 1);
      assert.deepEqual(app.body.history.map((h: { type: string }) => h.type), ['REGISTER']);
      assert.equal((await get(`/api/passages/${passageId}`, 'mgr')).body.usageCount, 2);
      assert.deepEqual({ uses: await auditCount('passage.use'), events: await auditCount('application.event.DRAFT_REPLY') }, before);
      // Out of the active library, still on record.
      assert.ok(!(await get('/api/passages', 'cw')).body.items.some((p: { id: number }) => p.id === passageId));
      assert.ok((await get('/api/passages?status=retired', 'cw')).body.items.some((p: { id: number }) => p.id === passageId));
    });

    it('every step is in the audit log', async () => {
      for (const action of ['passage.create', 'passage.version', 'passage.approve', 'passage.retire']) assert.ok((await auditCount(action)) >= 1, action);
      assert.equal(await auditCount('passage.use'), 2);
    });
  });

  describe('who may write', () => {
    it('caseworkers, legal staff and managers of departments cannot write, approve or retire (403)', async () => {
      for (const who of ['cw', 'legal', 'mgr2']) {
        const r = await post('/api/passages', who, wording);
        assert.equal(r.status, 403, who);
        assert.match(r.body.message, /区政务公开办/);
      }
      const p = (await post('/api/passages', 'mgr', { ...wording, title: '权限测试' })).body;
      assert.equal((await post(`/api/passages/${p.id}/versions/1/approve`, 'mgr2')).status, 403);
      assert.equal((await post(`/api/passages/${p.id}/versions`, 'cw', { body: '改' })).status, 403);
      assert.equal((await post(`/api/passages/${p.id}/retire`, 'cw')).status, 403);
      assert.equal((await get(`/api/passages/${p.id}`, 'cw')).status, 404, 'a draft is invisible outside the district office');
    });

    it('bad input is refused with field messages and writes nothing', async () => {
      const before = await auditCount('passage.create');
      const r = await post('/api/passages', 'mgr', { topic: 'weather', title: '', body: '', decisions: ['other.fee_unpaid', 'nonsense'] });
      assert.equal(r.status, 422);
      assert.deepEqual(Object.keys(r.body.fields).sort(), ['body', 'decisions', 'title', 'topic']);
      assert.equal(await auditCount('passage.create'), before);
      assert.equal((await get('/api/passages?topic=weather', 'mgr')).status, 422);
      assert.equal((await get('/api/passages/abc', 'mgr')).status, 404);
      assert.equal((await post('/api/passages/999999/versions/1/approve', 'mgr-b')).status, 404);
    });

    it('unknown fields and multipart are refused before anything is written', async () => {
      const before = await auditCount('passage.create');
      const extra = await post('/api/passages', 'mgr', { ...wording, title: '多余字段', colour: 'red' });
      assert.equal(extra.status, 422);
      assert.equal(extra.body.fields.colour, '不接受的字段');
      const multipart = await request(env.app).post('/api/passages').set(as('mgr')).field('topic', 'general').field('title', '表单').field('body', '正文');
      assert.equal(multipart.status, 415);
      assert.equal(await auditCount('passage.create'), before);
      assert.equal((await get('/api/passages?colour=red', 'cw')).status, 422);
    });

    it('a second draft replaces a pending one, which stays on record as discarded', async () => {
      const p = (await post('/api/passages', 'mgr', { ...wording, title: '替换草稿' })).body;
      const again = await post(`/api/passages/${p.id}/versions`, 'mgr-b', { body: '另一稿。' });
      assert.deepEqual(again.body.versions.map((v: { version: number; status: string }) => [v.version, v.status]), [[2, 'draft'], [1, 'discarded']]);
      assert.equal((await post(`/api/passages/${p.id}/versions/1/approve`, 'mgr-b')).status, 409);
      assert.equal((await post(`/api/passages/${p.id}/versions/2/approve`, 'mgr-b')).status, 403, 'mgr-b wrote version 2');
      assert.equal((await post(`/api/passages/${p.id}/versions/2/approve`, 'mgr')).status, 200);
      const seen = await get(`/api/passages/${p.id}`, 'cw');
      assert.deepEqual(seen.body.versions.map((v: { version: number }) => v.version), [2], 'caseworkers see approved wording only');
    });
  });

  describe('search', () => {
    const ids: Record<string, number> = {};
    before(async () => {
      const add = async (key: string, topic: string, title: string, body: string, decisions: string[] = []) => {
        const p = (await post('/api/passages', 'mgr', { topic, title, body, decisions })).body;
        assert.equal((await post(`/api/passages/${p.id}/versions/1/approve`, 'mgr-b')).status, 200);
        ids[key] = p.id;
      };
      await add('percent', 'land_expropriation', '征地补偿标准（按 100% 比例）', '补偿按评估价格的 100% 计算的依据已主动公开。', ['disclose']);
      await add('plain', 'land_expropriation', '征地补偿标准（一般）', '补偿标准按 1000 元每平方米公布。', ['disclose']);
      await add('underscore', 'planning', '规划许可编号 A_1', '建设工程规划许可证 A_1 号已主动公开。');
      await add('planning', 'planning', '规划许可证已主动公开', '建设工程规划许可证及附图已在区政府网站主动公开。', ['disclose']);
    });
    const found = async (qs: string, who = 'cw') => {
      const r = await get(`/api/passages?${qs}`, who);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.items.map((p: { id: number }) => p.id).filter((id: number) => Object.values(ids).includes(id)).sort((a: number, b: number) => a - b);
    };
    const sorted = (...keys: string[]) => keys.map((k) => ids[k]!).sort((a, b) => a - b);

    it('treats % and _ in the query literally', async () => {
      assert.deepEqual(await found(`q=${encodeURIComponent('100%')}`), sorted('percent'));
      assert.deepEqual(await found(`q=${encodeURIComponent('%')}`), sorted('percent'));
      assert.deepEqual(await found(`q=${encodeURIComponent('A_1')}`), sorted('underscore'));
      assert.deepEqual(await found(`q=${encodeURIComponent('_')}`), sorted('underscore'));
    });

    it('matches title and wording, and filters by topic', async () => {
      assert.deepEqual(await found(`q=${encodeURIComponent('1000 元')}`), sorted('plain'));
      assert.deepEqual(await found(`q=${encodeURIComponent('征地补偿标准')}`), sorted('percent', 'plain'));
      assert.deepEqual(await found('topic=planning'), sorted('underscore', 'planning'));
      assert.deepEqual(await found(`topic=planning&q=${encodeURIComponent('附图')}`), sorted('planning'));
    });

    it('filters by decision, counting passages written for any decision as fitting', async () => {
      assert.deepEqual(await found('decision=disclose'), sorted('percent', 'plain', 'underscore', 'planning'));
      assert.deepEqual(await found('decision=withhold.state_secret'), sorted('underscore'));
    });
  });

  describe('pages', () => {
    const login = (username: string) => loginAgent(env.app, username);

    it('the district office writes and approves through the pages; the approver sees the change marked', async () => {
      const mgr = await login('mgr');
      const form = await mgr.get('/passages/new');
      assert.equal(form.status, 200);
      const bad = await mgr.post('/passages').type('form').send({ _csrf: csrfOf(form.text), topic: 'housing', title: '保留的标题', body: '' });
      assert.equal(bad.status, 422);
      assert.match(bad.text, /请填写口径正文/);
      assert.match(bad.text, /保留的标题/, 'what was typed is kept');
      const created = await mgr.post('/passages').type('form')
        .send({ _csrf: csrfOf(form.text), topic: 'housing', title: '公共租赁住房配租结果', body: '公共租赁住房配租结果已在区住房保障部门网站公示。', decisions: ['disclose', 'partial'] });
      assert.equal(created.status, 303);
      const page = await mgr.get(created.headers.location!);
      assert.equal(page.status, 200);
      assert.match(page.text, /须由区政务公开办另一名管理人员审批/);
      const id = Number(/\/passages\/(\d+)/.exec(created.headers.location!)![1]);

      const other = await login('mgr-b');
      const toApprove = await other.get(`/passages/${id}`);
      assert.match(toApprove.text, /审批通过第 1 版/);
      assert.equal((await other.post(`/passages/${id}/versions/1/approve`).type('form').send({ _csrf: csrfOf(toApprove.text) })).status, 303);
      const v2 = await mgr.post(`/passages/${id}/versions`).type('form')
        .send({ _csrf: csrfOf(page.text), title: '公共租赁住房配租结果', body: '公共租赁住房配租结果已在区住房保障部门网站及小区公告栏公示。', decisions: 'disclose' });
      assert.equal(v2.status, 303);
      const diff = await other.get(`/passages/${id}`);
      assert.match(diff.text, /<ins>及小区公告栏<\/ins>/);
      assert.match(diff.text, /与第 1 版比较/);
      const list = await mgr.get('/passages?topic=housing');
      assert.match(list.text, /第 2 版待审批/);
    });

    it('a caseworker cannot open the writing form (403) but sees the library', async () => {
      const cw = await login('cw');
      assert.equal((await cw.get('/passages/new')).status, 403);
      const list = await cw.get('/passages');
      assert.equal(list.status, 200);
      assert.match(list.text, /答复口径库/);
      assert.match(list.text, /href="\/passages" class="active">答复口径/);
    });

    it('without JavaScript, a passage chosen in the reply editor is appended to the reasons and recorded', async () => {
      const p = (await post('/api/passages', 'mgr', { topic: 'general', title: '经检索不存在', body: '经检索，本机关未制作或获取该政府信息。', decisions: ['unavailable.not_held'] })).body;
      await post(`/api/passages/${p.id}/versions/1/approve`, 'mgr-b');
      const id = await register();
      const cw = await login('cw');
      const casePage = await cw.get(`/applications/${id}`);
      assert.match(casePage.text, new RegExp(`<option value="${p.id}:1"[^>]*>通用 · 经检索不存在`));
      const saved = await cw.post(`/applications/${id}/events`).type('form')
        .send({ _csrf: csrfOf(casePage.text), type: 'DRAFT_REPLY', version: '1', date: '2026-11-10', decision: 'unavailable.not_held', reasons: '您的申请收悉。', passages: `${p.id}:1`,
          'unavailable.not_held/alternative': 'search', 'unavailable.not_held/search': '检索了本机关的收文登记簿' });
      assert.equal(saved.status, 303, saved.text.slice(0, 300));
      const app = await get(`/api/applications/${id}`, 'cw');
      const last = app.body.history.at(-1);
      assert.equal(last.payload.reasons, '您的申请收悉。\n经检索，本机关未制作或获取该政府信息。');
      assert.deepEqual(last.payload.passages, [{ id: p.id, version: 1, title: '经检索不存在' }]);
      // Inserted by the script at the cursor: recorded, not appended a second time.
      const id2 = await register();
      const page2 = await cw.get(`/applications/${id2}`);
      await cw.post(`/applications/${id2}/events`).type('form')
        .send({ _csrf: csrfOf(page2.text), type: 'DRAFT_REPLY', version: '1', date: '2026-11-10', decision: 'unavailable.not_held', reasons: '经检索，本机关未制作或获取该政府信息。', insertedPassages: `${p.id}:1`,
          'unavailable.not_held/search': '检索了本机关的收文登记簿' });
      const app2 = await get(`/api/applications/${id2}`, 'cw');
      assert.equal(app2.body.history.at(-1).payload.reasons, '经检索，本机关未制作或获取该政府信息。');
      assert.equal((await get(`/api/passages/${p.id}`, 'cw')).body.usageCount, 2);
    });

    it('the API is described in the OpenAPI document', async () => {
      const doc = (await request(env.app).get('/api/openapi.json')).body;
      for (const path of ['/api/passages', '/api/passages/{id}', '/api/passages/{id}/versions', '/api/passages/{id}/versions/{version}/approve', '/api/passages/{id}/retire']) {
        assert.ok(doc.paths[path], path);
      }
    });
  });
});
