import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, type TestEnv } from '../helpers/test-app.js';
import { serveNotice } from '../helpers/notices.js';
import { replyFacts } from '../helpers/replies.js';
import { fixedClock } from '../../server/time.js';
import { cspSafeSvg } from '../../server/reports/charts.js';
import { weightedMedian } from '../../server/reports/dashboard.js';

// Today is Friday 20 November 2026. Working days per the 2026 calendar (the start day not counted):
//   GHZY
//   A  received 2026-03-02, disclosed 2026-03-10, delivered     → March, 6 working days, on time
//   B  received 2026-03-02, withdrawn 2026-03-05                → March, other.other, 3 working days, on time
//   C  received 2026-04-01 (due 04-30), partial on 2026-05-20   → May, 32 working days (May Day holiday), late;
//      not yet delivered, so still open (已签发待送达) but neither soon nor overdue
//   J  received 2026-07-01, correction asked 07-02 (10 wd), lapsed 07-20 → decision mix only, not a reply
//   Z  received 2025-12-01, disclosed 2025-12-10, delivered     → outside 2026
//   E  received 2026-11-02, processing, due 11-30               → open, neither soon nor overdue
//   F  received 2026-10-20, processing, due 11-17               → overdue, −3 working days (17 Nov → 20 Nov)
//   G  received 2026-10-23, drafted, due 11-20 (today)          → due soon, 0 working days left
//   JSJT
//   D  received 2026-06-01, disclosed 2026-06-05, delivered     → June, 4 working days, on time
//   H  received 2026-10-26, processing, due 11-23               → due soon, 1 working day left
// Appeals: a reconsideration on A decided 2026-05-10 (确认违法 → corrected); a suit on C decided
// 2026-07-01 (驳回诉讼请求 → upheld).
describe('managers’ dashboard (issue 6)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const ids: Record<string, number> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const send = async (id: number, who: string, body: object) => {
    const r = await request(env.app).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
    assert.equal(r.status, 200, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
  };
  const register = async (receivedDate: string, who = 'cw') => {
    const r = await request(env.app).post('/api/applications').set(auth(who)).send(applicationBody({ receivedDate }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id as number;
  };
  const reply = async (id: number, date: string, decision: string, [cw, rev, appr] = ['cw', 'rev', 'appr'], extra: object = {}) => {
    await send(id, cw!, { type: 'DRAFT_REPLY', date, decision, ...replyFacts(decision, date), ...extra });
    await send(id, cw!, { type: 'SUBMIT_FOR_REVIEW', date });
    await send(id, rev!, { type: 'APPROVE_REVIEW', date });
    await send(id, appr!, { type: 'ISSUE_REPLY', date });
  };
  const appeal = async (appId: number, kind: string, procedure: string, receivedDate: string, decided: string, decisionType: string) => {
    const r = await request(env.app).post(`/api/applications/${appId}/appeals`).set(auth('legal'))
      .send({ kind, procedure, body: kind === 'reconsideration' ? '东江区人民政府' : '东江区人民法院', externalCaseNumber: `${kind}-${appId}`, receivedDate });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const ev = (body: object) => request(env.app).post(`/api/appeals/${r.body.id}/events`).set(auth('legal')).send(body);
    assert.equal((await ev({ type: 'SUBMIT_ANSWER', date: receivedDate })).status, 200);
    const d = await ev({ type: 'RECORD_DECISION', date: decided, outcome: DECISION_OUTCOME[decisionType], decisionType, summary: '理由' });
    assert.equal(d.status, 200, JSON.stringify(d.body));
  };
  const DECISION_OUTCOME: Record<string, string> = { 确认违法: 'corrected', 驳回诉讼请求: 'upheld' };
  const dashboard = (q: string, who = 'mgr') => request(env.app).get(`/api/reports/dashboard?${q}`).set(auth(who));

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    env.ctx.clock = fixedClock('2026-11-20');
    for (const u of ['cw', 'rev', 'appr', 'cw2', 'rev2', 'appr2', 'mgr', 'mgr2', 'legal']) tokens[u] = await env.token(u);
    ids.A = await register('2026-03-02');
    await reply(ids.A, '2026-03-10', 'disclose');
    await send(ids.A, 'cw', { type: 'RECORD_DELIVERY', date: '2026-03-12', method: 'mail' });
    ids.B = await register('2026-03-02');
    await send(ids.B, 'cw', { type: 'WITHDRAW', date: '2026-03-05' });
    ids.C = await register('2026-04-01');
    await reply(ids.C, '2026-05-20', 'partial');
    ids.J = await register('2026-07-01');
    await send(ids.J, 'cw', { type: 'REQUEST_CORRECTION', date: '2026-07-02', items: ['请写明文件名称'], periodWorkingDays: 10 });
    await serveNotice(env.app, tokens.cw!, ids.J, 'correction_notice', '2026-07-02', '2026-07-03');
    await send(ids.J, 'cw', { type: 'CORRECTION_LAPSED', date: '2026-07-20' });
    ids.Z = await register('2025-12-01');
    await reply(ids.Z, '2025-12-10', 'disclose');
    await send(ids.Z, 'cw', { type: 'RECORD_DELIVERY', date: '2025-12-12', method: 'mail' });
    ids.E = await register('2026-11-02');
    ids.F = await register('2026-10-20');
    ids.G = await register('2026-10-23');
    await send(ids.G, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-19', decision: 'disclose', ...replyFacts('disclose') });
    ids.D = await register('2026-06-01', 'cw2');
    await reply(ids.D, '2026-06-05', 'disclose', ['cw2', 'rev2', 'appr2']);
    await send(ids.D, 'cw2', { type: 'RECORD_DELIVERY', date: '2026-06-08', method: 'mail' });
    ids.H = await register('2026-10-26', 'cw2');
    await appeal(ids.A, 'reconsideration', 'simplified', '2026-04-01', '2026-05-10', '确认违法');
    await appeal(ids.C, 'litigation', 'first_instance', '2026-06-01', '2026-07-01', '驳回诉讼请求');
  });
  after(async () => env.close());

  it('counts the district and every agency below it exactly as computed by hand', async () => {
    const res = await dashboard('year=2026');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const d = res.body;
    assert.equal(d.asOf, '2026-11-20');
    assert.deepEqual(d.period, { from: '2026-01-01', to: '2026-12-31', label: '2026年' });
    assert.deepEqual({ code: d.agency.code, agencies: d.agency.agencies }, { code: 'DJQ', agencies: 3 });

    // Open work, as of today.
    assert.equal(d.open.total, 5);
    assert.equal(d.open.overdue, 1);
    assert.deepEqual(d.open.byState, { processing: 3, awaiting_correction: 0, drafted: 1, in_review: 0, approved: 0, issued: 1 });
    const byAgency = Object.fromEntries(d.open.byAgency.map((a: { code: string }) => [a.code, a]));
    assert.deepEqual(Object.keys(byAgency), ['GHZY', 'JSJT'], 'busiest first');
    assert.equal(byAgency.GHZY.total, 4);
    assert.equal(byAgency.GHZY.overdue, 1);
    assert.equal(byAgency.GHZY.byState.processing, 2);
    assert.equal(byAgency.GHZY.byState.drafted, 1);
    assert.equal(byAgency.GHZY.byState.issued, 1);
    assert.equal(byAgency.JSJT.total, 1);

    // Deadlines on the cached reply_due.
    assert.equal(d.overdue.total, 1);
    assert.deepEqual(d.overdue.items.map((a: { id: number; replyDue: string; workingDaysLeft: number; agencyCode: string }) => [a.id, a.replyDue, a.workingDaysLeft, a.agencyCode]), [[ids.F, '2026-11-17', -3, 'GHZY']]);
    assert.equal(d.dueSoon.until, '2026-11-25');
    assert.equal(d.dueSoon.total, 2);
    assert.deepEqual(d.dueSoon.items.map((a: { id: number; replyDue: string; workingDaysLeft: number; state: string }) => [a.id, a.replyDue, a.workingDaysLeft, a.state]),
      [[ids.G, '2026-11-20', 0, 'drafted'], [ids.H, '2026-11-23', 1, 'processing']]);

    // Replies by month: March A (6) + B (3); May C (32, late); June D (4). The lapse J is no reply.
    assert.equal(d.replies.byMonth.length, 12);
    const month = (m: string) => d.replies.byMonth.find((x: { month: string }) => x.month === m);
    assert.deepEqual(month('2026-03'), { month: '2026-03', replies: 2, onTime: 2, onTimeRate: 1, medianWorkingDays: 4.5 });
    assert.deepEqual(month('2026-05'), { month: '2026-05', replies: 1, onTime: 0, onTimeRate: 0, medianWorkingDays: 32 });
    assert.deepEqual(month('2026-06'), { month: '2026-06', replies: 1, onTime: 1, onTimeRate: 1, medianWorkingDays: 4 });
    assert.deepEqual(month('2026-07'), { month: '2026-07', replies: 0, onTime: 0, onTimeRate: null, medianWorkingDays: null });
    assert.equal(d.replies.total, 4);
    assert.equal(d.replies.onTime, 3);
    assert.equal(d.replies.onTimeRate, 0.75);
    assert.equal(d.replies.medianWorkingDays, 5, 'median of 3, 4, 6, 32');

    // Decision mix: every application concluded in 2026, lapses included; Z (2025) is not.
    assert.equal(d.decisions.total, 5);
    const group = Object.fromEntries(d.decisions.byGroup.map((g: { group: string; count: number }) => [g.group, g.count]));
    assert.deepEqual(group, { disclose: 2, partial: 1, withhold: 0, unavailable: 0, not_processed: 0, other: 2 });
    const code = Object.fromEntries(d.decisions.byDecision.map((x: { code: string; count: number }) => [x.code, x.count]));
    assert.equal(code['other.other'], 1);
    assert.equal(code['other.correction_lapsed'], 1);
    assert.equal(d.decisions.byDecision.length, 21);

    assert.deepEqual(d.appeals.reconsideration, { decided: 1, upheld: 0, corrected: 1, other: 0, correctionRate: 1 });
    assert.deepEqual(d.appeals.litigation, { decided: 1, upheld: 1, corrected: 0, other: 0, correctionRate: 0 });
    assert.deepEqual(d.appeals.total, { decided: 2, upheld: 1, corrected: 1, other: 0, correctionRate: 0.5 });
  });

  it('filters by agency scope and by period', async () => {
    const ghzy = (await dashboard('year=2026&agency=GHZY')).body;
    assert.equal(ghzy.open.total, 4);
    assert.equal(ghzy.dueSoon.total, 1);
    assert.equal(ghzy.replies.total, 3);
    assert.equal(ghzy.replies.medianWorkingDays, 6);

    // A manager of JSJT sees JSJT only, and cannot ask for GHZY.
    const own = (await dashboard('year=2026', 'mgr2')).body;
    assert.equal(own.agency.code, 'JSJT');
    assert.equal(own.open.total, 1);
    assert.equal(own.replies.total, 1);
    assert.equal(own.appeals.total.decided, 0);
    assert.equal((await dashboard('year=2026&agency=GHZY', 'mgr2')).status, 404);

    const spring = (await dashboard('from=2026-03-01&to=2026-05-31')).body;
    assert.deepEqual(spring.replies.byMonth.map((m: { month: string; replies: number }) => [m.month, m.replies]), [['2026-03', 2], ['2026-04', 0], ['2026-05', 1]]);
    assert.equal(spring.replies.medianWorkingDays, 6, 'median of 3, 6, 32');
    assert.equal(spring.decisions.total, 3);
    assert.equal(spring.appeals.total.decided, 1, 'only the reconsideration was decided in spring');
    assert.equal(spring.open.total, 5, 'open work is as of today, whatever the period');

    const last2025 = (await dashboard('from=2025-12-01&to=2025-12-31')).body;
    assert.equal(last2025.replies.total, 1);
    assert.equal(last2025.replies.medianWorkingDays, 7, 'Z: 1 → 10 December 2025');

    // Default: the last twelve months up to today.
    const dflt = (await dashboard('')).body;
    assert.deepEqual([dflt.period.from, dflt.period.to], ['2025-12-01', '2026-11-20']);
    assert.equal(dflt.replies.total, 5);
  });

  it('is the manager’s home page; the inbox stays reachable', async () => {
    const home = await request(env.app).get('/').set(auth('mgr'));
    assert.equal(home.status, 303);
    assert.equal(home.headers.location, '/dashboard');
    assert.equal((await request(env.app).get('/?view=inbox').set(auth('mgr'))).status, 200);
    assert.equal((await request(env.app).get('/').set(auth('cw'))).status, 200, 'a caseworker lands on the inbox');
  });

  it('refuses other roles, unknown agencies and bad periods', async () => {
    assert.equal((await dashboard('year=2026', 'cw')).status, 403);
    assert.equal((await dashboard('year=2026', 'legal')).status, 403);
    assert.equal((await request(env.app).get('/api/reports/dashboard')).status, 401);
    assert.equal((await dashboard('agency=NOPE')).status, 404);
    assert.equal((await dashboard('from=2026-05-01&to=2026-03-01')).status, 422);
    assert.equal((await dashboard('from=2000-01-01&to=2026-03-01')).status, 422, 'at most ten years of months');
    assert.equal((await dashboard('from=yesterday')).status, 422);
  });

  it('the page draws the charts as inline SVG (no script, no inline style) with the numbers in tables', async () => {
    const res = await request(env.app).get('/dashboard?year=2026').set(auth('mgr'));
    assert.equal(res.status, 200);
    const html = res.text;
    const svgs = html.match(/<svg\b[^>]*>/g) ?? [];
    assert.equal(svgs.length, 5, 'open, on time, reply time, decision mix, appeals');
    for (const tag of svgs) assert.match(tag, /role="img" aria-label="[^"]+"/);
    assert.doesNotMatch(html, /<script(?![^>]*src=)/, 'no inline script (CSP)');
    assert.doesNotMatch(html, /<style/, 'no style element (CSP)');
    assert.doesNotMatch(html, /\sstyle="/, 'no style attribute (CSP)');
    assert.match(html, /<path d="M/, 'the charts have shapes');
    assert.match(html, /<th scope="row">2026-05<\/th><td>1<\/td><td>0<\/td><td>0\.0%<\/td><td>32<\/td>/, 'the May row of the table');
    assert.match(html, /75\.0%/);
    assert.ok(html.includes(`/applications/${ids.F}`), 'the overdue list links the case');
    assert.ok(html.includes('href="/dashboard"'), 'the nav links the dashboard');
    // Issue 13: words, not codes or signs.
    assert.match(html, new RegExp(`href="/applications/${ids.F}"[\\s\\S]*?<td>已超期 3 个工作日</td>`), 'F is 已超期 3 个工作日, not -3');
    assert.match(html, /<td>剩 1 个工作日<\/td>/, 'H');
    assert.doesNotMatch(html, /<td class="num">-\d/);
    assert.match(html, /<select id="agency" name="agency">[\s\S]*?<option value="GHZY" >　东江区规划和自然资源局<\/option>/, 'agencies picked by name');
    assert.doesNotMatch(html, /机关代码|>JSON</);
    assert.match(html, /未办结申请/);
    assert.doesNotMatch(html, /在办/);
    // No label overlaps an axis title: the units are in the tick labels, no axis is named over the plot.
    assert.match(html, /4 件|1 件/);
    assert.doesNotMatch(html, /按期率 %/);

    assert.equal((await request(env.app).get('/dashboard').set(auth('cw'))).status, 403);
    const cwHome = await request(env.app).get('/').set(auth('cw'));
    assert.equal(cwHome.status, 200);
    assert.match(cwHome.text, /<nav aria-label="主导航">[\s\S]*登记申请/, 'the caseworker sees the navigation');
    assert.ok(!cwHome.text.includes('href="/dashboard"'), 'no link for a caseworker');
  });

  it('helpers: the weighted median and the CSP clean-up of the renderer’s SVG', () => {
    assert.equal(weightedMedian([]), null);
    assert.equal(weightedMedian([{ value: 5, count: 1 }]), 5);
    assert.equal(weightedMedian([{ value: 9, count: 2 }, { value: 1, count: 2 }]), 5);
    assert.equal(weightedMedian([{ value: 9, count: 1 }, { value: 1, count: 3 }]), 1);
    const svg = cspSafeSvg('<svg width="1"><text style="font-size:12px;font-family:sans-serif;cursor:pointer" fill="#000">x</text><style>.a:hover{}</style></svg>', '图 "一"');
    assert.equal(svg, '<svg role="img" aria-label="图 &quot;一&quot;" class="chart" width="1"><title>图 &quot;一&quot;</title><text font-size="12px" font-family="sans-serif" fill="#000">x</text></svg>');
  });
});
