import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, residentId, type TestEnv } from '../helpers/test-app.js';
import { replyFacts } from '../helpers/replies.js';
import { ConfigError, loadConfig } from '../../server/config.js';
import type { ApplicantHistory } from '../../server/applicants/applicant-service.js';
import { findAgencyByCode, updateAgencyDetails } from '../../server/admin/agency-store.js';

// Today is Thursday 31 October 2024. One applicant, 张建国 (P), and another, 李梅 (Q):
//   GHZY  A1  P  2024-09-02  浦明路地块控规调整的批复 (2024)       → replied (disclose), reply issued 09-06
//   GHZY  Q1  Q  2024-09-03  the very same text as A1, another applicant
//   GHZY  A2  P  2024-09-10  A1 reworded: 请提供2024年浦明路地块控规调整的批复  → likely repeat of A1
//   GHZY  A3  P  2024-09-12  滨江花园二期的施工许可证                  → a different request
//   JSJT  J1  P  2024-09-15  东江大道拓宽工程的环评报告
//   GHZY  A4  P  2024-10-08  浦明路地块控规调整的批复 (2023)           → another year: not a repeat
// P's September: GHZY 3 + JSJT 1 = 4 (J2 adds a fifth in the volume test); October: 1.
describe('same applicant’s other applications: repeats and monthly volume (issue 7)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const ids: Record<string, number> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const P = { kind: 'natural_person', name: '张建国', idType: 'resident_id', idNumber: residentId('31011519650312201'), phone: '13812345678' };
  const Q = { kind: 'natural_person', name: '李梅', idType: 'resident_id', idNumber: residentId('31011519780605302') };
  const A1_TEXT = '申请公开东江区浦明路地块控制性详细规划调整的批复文件（2024年）。';
  let replyNumber = '';

  const register = async (who: string, applicant: object, receivedDate: string, description: string) => {
    const r = await request(env.app).post('/api/applications').set(auth(who)).send(applicationBody({ applicant, receivedDate, request: { description } }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id as number;
  };
  const send = async (id: number, who: string, body: object) => {
    const r = await request(env.app).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
    assert.equal(r.status, 200, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
  };
  const related = async (id: number, who = 'cw'): Promise<ApplicantHistory> => {
    const r = await request(env.app).get(`/api/applications/${id}/related`).set(auth(who));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const byId = (history: ApplicantHistory, id: number) => history.applications.find((a) => a.id === id);
  const monthOf = (history: ApplicantHistory, month: string) => {
    const found = history.volume.months.find((m) => m.month === month);
    assert.ok(found, `${month} in ${JSON.stringify(history.volume.months)}`);
    return found;
  };

  before(async () => {
    env = await createTestEnv({ today: '2024-10-31' });
    for (const u of ['cw', 'rev', 'appr', 'cw2', 'appr2', 'mgr']) tokens[u] = await env.token(u);
    ids.A1 = await register('cw', P, '2024-09-02', A1_TEXT);
    await send(ids.A1, 'cw', { type: 'DRAFT_REPLY', date: '2024-09-05', decision: 'disclose', reasons: '予以公开', ...replyFacts('disclose') });
    await send(ids.A1, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2024-09-05' });
    await send(ids.A1, 'rev', { type: 'APPROVE_REVIEW', date: '2024-09-06' });
    await send(ids.A1, 'appr', { type: 'ISSUE_REPLY', date: '2024-09-06' });
    const docs = await request(env.app).get(`/api/applications/${ids.A1}/documents`).set(auth('cw'));
    const reply = docs.body.items.find((d: { kind: string; status: string }) => d.kind === 'reply' && d.status === 'issued');
    assert.ok(reply?.number, JSON.stringify(docs.body));
    replyNumber = reply.number;
    ids.Q1 = await register('cw', Q, '2024-09-03', A1_TEXT);
    ids.A2 = await register('cw', P, '2024-09-10', '请提供2024年浦明路地块控规调整的批复。');
    ids.A3 = await register('cw', P, '2024-09-12', '申请公开滨江花园二期的建设工程施工许可证');
    ids.J1 = await register('cw2', P, '2024-09-15', '申请公开东江大道拓宽工程的环评报告');
    ids.A4 = await register('cw', P, '2024-10-08', '申请公开2023年浦明路地块控规调整的批复');
  });

  after(async () => {
    await env?.close();
  });

  it('flags a paraphrased request as a likely repeat of the earlier one and links its reply', async () => {
    const h = await related(ids.A2!);
    const a1 = byId(h, ids.A1!);
    assert.ok(a1, JSON.stringify(h));
    assert.equal(a1.likelyRepeat, true);
    assert.equal(a1.earlier, true);
    assert.equal(a1.sameAgency, true);
    assert.ok(a1.similarity !== null && a1.similarity >= h.repeatThreshold && a1.similarity <= 1, String(a1.similarity));
    assert.equal(a1.decision, 'disclose');
    assert.ok(a1.reply, 'the earlier reply is linked');
    assert.equal(a1.reply.number, replyNumber);
    assert.equal(a1.reply.issuedDate, '2024-09-06');
    assert.equal(a1.reply.url, `/documents/${a1.reply.id}/pdf`);
    assert.equal(h.likelyRepeats, 1);
    const pdf = await request(env.app).get(`/api/documents/${a1.reply.id}/pdf`).set(auth('cw'));
    assert.equal(pdf.status, 200);
    assert.equal(pdf.type, 'application/pdf');
  });

  it('does not flag a different request of the same applicant, nor the same project for another year', async () => {
    const fromA3 = await related(ids.A3!);
    assert.equal(fromA3.likelyRepeats, 0);
    const a1 = byId(fromA3, ids.A1!);
    assert.ok(a1 && a1.similarity !== null && a1.similarity < fromA3.repeatThreshold, JSON.stringify(a1));
    const fromA4 = await related(ids.A4!);
    assert.equal(byId(fromA4, ids.A1!)!.likelyRepeat, false, JSON.stringify(byId(fromA4, ids.A1!)));
    assert.equal(fromA4.likelyRepeats, 0);
  });

  it('never flags a later application, which is listed as later', async () => {
    const fromA1 = await related(ids.A1!);
    const a2 = byId(fromA1, ids.A2!);
    assert.ok(a2, JSON.stringify(fromA1));
    assert.equal(a2.earlier, false);
    assert.equal(a2.likelyRepeat, false);
    assert.ok(a2.similarity !== null && a2.similarity >= fromA1.repeatThreshold, String(a2.similarity));
  });

  it('does not flag another applicant’s identical text', async () => {
    const fromA2 = await related(ids.A2!);
    assert.equal(byId(fromA2, ids.Q1!), undefined);
    const fromQ1 = await related(ids.Q1!);
    assert.deepEqual(fromQ1.applications, []);
    assert.equal(fromQ1.elsewhere.total, 0);
    assert.equal(fromQ1.likelyRepeats, 0);
    assert.equal(fromQ1.volume.current.count, 1);
  });

  it('counts the applicant’s applications per calendar month across agencies', async () => {
    const h = await related(ids.A2!, 'mgr');
    assert.deepEqual(h.volume.months.map((m: { month: string; count: number }) => [m.month, m.count]), [['2024-10', 1], ['2024-09', 4]]);
    const sept = monthOf(h, '2024-09');
    assert.deepEqual(sept.byAgency.map((a: { agency: { code: string }; count: number }) => [a.agency.code, a.count]), [['GHZY', 3], ['JSJT', 1]]);
    assert.equal(h.volume.current.month, '2024-09');
    assert.equal(h.volume.threshold, 10);
    assert.equal(h.warning, null);
    // The district office sees both agencies' applications in full.
    assert.ok(byId(h, ids.J1!));
    assert.equal(h.elsewhere.total, 0);
  });

  it('warns exactly when the month’s count exceeds the configured threshold, with the Art. 35 steps', async () => {
    env.ctx.config.excessiveMonthlyThreshold = 4;
    try {
      const atThreshold = await related(ids.A2!);
      assert.equal(atThreshold.volume.current.count, 4);
      assert.equal(atThreshold.volume.current.exceeded, false);
      assert.equal(atThreshold.warning, null);
      // Before registering a fifth, the check already counts it.
      const check = await request(env.app).post('/api/applicants/check').set(auth('cw2'))
        .send({ applicant: { kind: 'natural_person', idType: 'resident_id', idNumber: P.idNumber }, receivedDate: '2024-09-20', request: { description: '申请公开东江大道拓宽工程的立项批复' } });
      assert.equal(check.status, 200, JSON.stringify(check.body));
      assert.equal(check.body.volume.current.count, 5);
      assert.equal(check.body.warning?.code, 'excessive_volume');
      ids.J2 = await register('cw2', P, '2024-09-20', '申请公开东江大道拓宽工程的立项批复');
      const over = await related(ids.A2!);
      assert.equal(over.volume.current.count, 5);
      assert.equal(over.volume.current.exceeded, true);
      assert.ok(over.warning, 'a warning above the threshold');
      assert.deepEqual({ month: over.warning.month, count: over.warning.count, threshold: over.warning.threshold, decision: over.warning.decision },
        { month: '2024-09', count: 5, threshold: 4, decision: 'not_processed.excessive' });
      assert.match(over.warning.steps, /可以要求申请人说明理由；理由不合理的，告知申请人不予处理；理由合理但无法在规定期限内答复的，可以确定延迟答复的合理期限并告知申请人/);
      assert.match(over.warning.message, /2024 年 9 月共提出 5 件申请/);
      // Another month of the same applicant is not affected.
      assert.equal((await related(ids.A4!)).warning, null);
    } finally {
      env.ctx.config.excessiveMonthlyThreshold = 10;
    }
  });

  it('shows a JSJT caseworker the count of GHZY applications but not their details', async () => {
    const h = await related(ids.J1!, 'cw2');
    assert.ok(h.applications.length > 0, 'J2 is listed beside J1');
    assert.ok(h.applications.every((a: { agency: { code: string } }) => a.agency.code === 'JSJT'), JSON.stringify(h.applications));
    assert.equal(h.elsewhere.total, 4);
    assert.deepEqual(h.elsewhere.items.map((e: { agency: { code: string }; receivedDate: string }) => [e.agency.code, e.receivedDate]),
      [['GHZY', '2024-10-08'], ['GHZY', '2024-09-12'], ['GHZY', '2024-09-10'], ['GHZY', '2024-09-02']]);
    assert.equal(monthOf(h, '2024-09').byAgency.find((a) => a.agency.code === 'GHZY')?.count, 3);
    const text = JSON.stringify(h);
    assert.doesNotMatch(text, /GHZY-2024/, 'no GHZY case numbers');
    assert.doesNotMatch(text, /浦明路|滨江花园/, 'no GHZY request texts');
    assert.doesNotMatch(text, new RegExp(replyNumber.replace(/[〔〕]/g, '.')), 'no GHZY reply');
  });

  it('answers 404 for a case the user may not see, or no case at all', async () => {
    for (const [path, who] of [[`/api/applications/${ids.A1}/related`, 'cw2'], ['/api/applications/999999/related', 'cw'], ['/api/applications/abc/related', 'cw']] as const) {
      const r = await request(env.app).get(path).set(auth(who));
      assert.equal(r.status, 404, path);
      assert.equal(r.body.error, 'not_found');
    }
    assert.equal((await request(env.app).get(`/api/applications/${ids.A1}/related`)).status, 401);
  });

  it('checks a paraphrase before registration against the user’s own agency', async () => {
    const r = await request(env.app).post('/api/applicants/check').set(auth('cw'))
      .send({ applicant: { kind: 'natural_person', idType: 'resident_id', idNumber: P.idNumber.toLowerCase() }, receivedDate: '2024-10-30', request: { description: '浦明路地块控规调整批复（2024年）请予公开' } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.subject.applicationId, null);
    assert.equal(r.body.subject.agency.code, 'GHZY');
    const a1 = byId(r.body, ids.A1!);
    assert.ok(a1, JSON.stringify(r.body));
    assert.equal(a1.likelyRepeat, true);
    assert.equal(a1.reply?.number, replyNumber);
    // JSJT's own application is listed for nobody at GHZY; it is counted.
    assert.equal(byId(r.body, ids.J1!), undefined);
    assert.equal(r.body.elsewhere.total, 2);
    assert.equal(r.body.volume.current.month, '2024-10');
    assert.equal(r.body.volume.current.count, 2);
  });

  it('flags nothing at another agency: repeats are judged against the user’s own agency', async () => {
    const r = await request(env.app).post('/api/applicants/check').set(auth('cw2'))
      .send({ applicant: { kind: 'natural_person', idType: 'resident_id', idNumber: P.idNumber }, request: { description: A1_TEXT } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.likelyRepeats, 0);
    assert.equal(r.body.subject.receivedDate, '2024-10-31');
  });

  it('refuses an unusable identity or date with field messages and records nothing', async () => {
    const cases: [object, string][] = [
      [{ applicant: { kind: 'natural_person', idType: 'resident_id', idNumber: P.idNumber.slice(0, 17) + (P.idNumber.endsWith('1') ? '2' : '1') } }, 'applicant.idNumber'],
      [{ applicant: { kind: 'organisation', creditCode: '12345' } }, 'applicant.creditCode'],
      [{ applicant: { name: '张建国' } }, 'applicant.kind'],
      [{ applicant: P, receivedDate: '2024-11-01' }, 'receivedDate'],
      [{ applicant: P, receivedDate: '2024/10/01' }, 'receivedDate'],
      // The request is an object: anything else is refused by the edge schema.
      [{ applicant: P, request: 'text' }, 'request'],
    ];
    const before = await env.db('audit_log').where({ action: 'applicant.check' }).count({ n: '*' }).first();
    for (const [body, field] of cases) {
      const r = await request(env.app).post('/api/applicants/check').set(auth('cw')).send(body);
      assert.equal(r.status, 422, JSON.stringify(body));
      assert.ok(r.body.fields[field], `${field}: ${JSON.stringify(r.body)}`);
    }
    const after = await env.db('audit_log').where({ action: 'applicant.check' }).count({ n: '*' }).first();
    assert.equal(Number(after!.n), Number(before!.n));
  });

  it('shows the panel on the case page with the likely repeat, its reply and the Art. 36(六) hint', async () => {
    const page = await request(env.app).get(`/applications/${ids.A2}`).set(auth('cw'));
    assert.equal(page.status, 200);
    assert.match(page.text, /同一申请人的其他申请/);
    assert.match(page.text, /疑似重复申请（相似度 \d+%）/);
    assert.match(page.text, new RegExp(`href="/applications/${ids.A1}"`));
    assert.ok(page.text.includes(replyNumber), 'reply number shown');
    assert.match(page.text, /第三十六条第（六）项告知不予重复处理/);
    const other = await request(env.app).get(`/applications/${ids.Q1}`).set(auth('cw'));
    assert.match(other.text, /没有其他申请记录/);
    assert.doesNotMatch(other.text, /疑似重复申请/);
  });

  it('shows the volume warning on the case page when the month is over the threshold', async () => {
    env.ctx.config.excessiveMonthlyThreshold = 3;
    try {
      const page = await request(env.app).get(`/applications/${ids.A3}`).set(auth('cw'));
      assert.equal(page.status, 200);
      assert.match(page.text, /超过合理范围提示线 3 件/);
      assert.match(page.text, /条例第三十五条/);
      assert.match(page.text, /可在下方“可办理的操作”中选择“要求说明理由”/);
    } finally {
      env.ctx.config.excessiveMonthlyThreshold = 10;
    }
  });

  it('counts a transferred application once and does not list it beside its own transfer', async () => {
    const j3 = await register('cw2', P, '2024-10-10', '申请公开浦明路地块土地出让合同');
    // Art. 36(五): the transfer notice gives the receiving agency's contact.
    await updateAgencyDetails(env.db, (await findAgencyByCode(env.db, 'GHZY'))!.id, { phone: '0760-12345678' });
    const t = await request(env.app).post(`/api/applications/${j3}/events`).set(auth('appr2'))
      .send({ type: 'TRANSFER', date: '2024-10-11', agencyCode: 'GHZY', reason: '土地出让合同由区规划和自然资源局制作并保存' });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    const received = await related(t.body.transfer.to.id, 'mgr');
    assert.equal(monthOf(received, '2024-10').count, 2, 'A4 and the transferred application');
    assert.equal(byId(received, j3), undefined);
    assert.equal(byId(await related(j3, 'mgr'), t.body.transfer.to.id), undefined);
  });

  it('reads the monthly threshold from EXCESSIVE_MONTHLY_THRESHOLD, 10 by default', () => {
    assert.equal(loadConfig({ DATA_DIR: env.dataDir }).excessiveMonthlyThreshold, 10);
    assert.equal(loadConfig({ DATA_DIR: env.dataDir, EXCESSIVE_MONTHLY_THRESHOLD: '20' }).excessiveMonthlyThreshold, 20);
    assert.throws(() => loadConfig({ DATA_DIR: env.dataDir, EXCESSIVE_MONTHLY_THRESHOLD: '0' }), ConfigError);
    assert.throws(() => loadConfig({ DATA_DIR: env.dataDir, EXCESSIVE_MONTHLY_THRESHOLD: 'many' }), ConfigError);
  });

  it('describes both endpoints in the OpenAPI document', async () => {
    const doc = (await request(env.app).get('/api/openapi.json')).body;
    assert.ok(doc.paths['/api/applications/{id}/related']?.get);
    assert.ok(doc.paths['/api/applicants/check']?.post);
    assert.ok(doc.components.schemas.ApplicantHistory);
  });
});
