import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, type TestEnv } from '../helpers/test-app.js';
import { replyFacts } from '../helpers/replies.js';
import { QUEUE_STEP_CODES } from '../../workflows/turns.js';

// Issue 13: each person's home page is their queue (待我处理), most urgent first, sorted by links in
// the column headers; the agency's cases (本机关全部案件) are one click away, filtered in the URL.
// Works without JavaScript: every control is a link or a GET form.
describe('the home page: the queue first, the agency’s cases a click away (issue 13)', function () {
  this.timeout(120_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const page = async (path: string, who = 'cw') => {
    const r = await request(env.app).get(path).set(auth(who));
    assert.equal(r.status, 200, `${path}: ${r.status} ${r.text.slice(0, 300)}`);
    return r.text;
  };
  const send = async (id: number, who: string, body: object) => {
    const r = await request(env.app).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  const register = async (receivedDate: string, who = 'cw', description = '申请公开某地块控制性详细规划调整的批复文件。') => {
    const r = await request(env.app).post('/api/applications').set(auth(who)).send(applicationBody({ receivedDate, request: { description } }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { id: number; caseNumber: string };
  };
  /** The rows of the first table in a section, as [data-id or link, text]. */
  const rowsOf = (html: string, sectionId: string) => {
    const section = new RegExp(`<section[^>]*id="${sectionId}"[\\s\\S]*?</section>`).exec(html)?.[0] ?? '';
    return [...section.matchAll(/<tr\b[^>]*>[\s\S]*?<\/tr>/g)].map((m) => m[0]).filter((r) => !r.includes('<th'));
  };
  const linkOf = (row: string) => /<a href="([^"]+)"/.exec(row)?.[1] ?? '';
  const visibleText = (html: string) =>
    (/<main[^>]*>([\s\S]*)<\/main>/.exec(html)?.[1] ?? html).replace(/<[^>]*>/g, ' ').replace(/&[a-z]+;/g, ' ');

  let overdue: { id: number; caseNumber: string };
  let fresh: { id: number; caseNumber: string };
  let review: { id: number; caseNumber: string };
  let drafted: { id: number; caseNumber: string };
  let jsjt: { id: number; caseNumber: string };

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    for (const u of ['cw', 'rev', 'appr', 'cw2', 'mgr', 'legal']) tokens[u] = await env.token(u);
    fresh = await register('2026-11-16', 'cw', '申请公开东江大道改建工程的施工许可证。');
    overdue = await register('2026-10-19', 'cw', '申请公开房屋征收补偿方案。');
    drafted = await register('2026-11-02', 'cw', '申请公开建设用地规划许可证。');
    await send(drafted.id, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'disclose', ...replyFacts('disclose') });
    review = await register('2026-11-02', 'cw', '申请公开旧区改造项目红线图。');
    await send(review.id, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'disclose', ...replyFacts('disclose') });
    await send(review.id, 'cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-10' });
    jsjt = await register('2026-11-03', 'cw2', '申请公开道路大修工程的施工许可证。');
    await send(fresh.id, 'cw', { type: 'START_CONSULTATION', date: '2026-11-18', kind: 'agency', agencyCode: 'JSJT', parts: '施工许可证附图' });
  });
  after(async () => env.close());

  it('a caseworker lands on 待我处理, most urgent first, each line saying what to do in Chinese', async () => {
    const html = await page('/');
    assert.match(html, /<h1>工作台<\/h1>/);
    assert.match(html, /<a href="\/\?view=queue" id="tab-queue" class="active" aria-current="page">待我处理 <span class="count">3<\/span><\/a>/);
    assert.match(html, /<a href="\/\?view=all" id="tab-all" class="">本机关全部案件 <span class="count">4<\/span><\/a>/);
    const rows = rowsOf(html, 'queue');
    // Overdue by 4 working days; 6 left (due 30 Nov); the consultation stops the third one's clock.
    assert.deepEqual(rows.map(linkOf), [overdue, drafted, fresh].map((c) => `/applications/${c.id}`));
    assert.match(rows[0]!, /class="overdue"/);
    assert.match(visibleText(rows[0]!).replace(/\s+/g, ' '), /已超期 4 个工作日/);
    assert.match(rows[1]!, /送保密审查/);
    assert.match(rows[2]!, /<strong>办理<\/strong>/);
    assert.match(rows[2]!, /张建国：申请公开东江大道改建工程的施工许可证。/);
    assert.match(html, /已超期 <strong>1<\/strong> 件/);
    assert.doesNotMatch(html, new RegExp(`/applications/${review.id}"`), 'the case in review is not the caseworker’s');
    const text = visibleText(html);
    for (const code of [...QUEUE_STEP_CODES, 'application', 'consultation', 'in_review', 'processing']) assert.ok(!text.includes(code), `no code “${code}” a person reads`);
  });

  it('columns sort by links in their headers; the current one says its direction', async () => {
    const html = await page('/');
    assert.match(html, /<th scope="col" class="col-left" aria-sort="ascending"><a href="\/\?view=queue&amp;sort=urgency&amp;dir=desc">剩余工作日 <span aria-hidden="true">▲<\/span><\/a><\/th>/);
    assert.match(html, /<th scope="col" class="col-due" aria-sort="none"><a href="\/\?view=queue&amp;sort=due&amp;dir=asc">期限 <span class="sort-hint" aria-hidden="true">↕<\/span><\/a><\/th>/);
    const byDueDesc = await page('/?view=queue&sort=due&dir=desc');
    assert.match(byDueDesc, /<th scope="col" class="col-due" aria-sort="descending">/);
    assert.deepEqual(rowsOf(byDueDesc, 'queue').map(linkOf), rowsOf(html, 'queue').map(linkOf).reverse());
    const byCase = rowsOf(await page('/?view=queue&sort=case'), 'queue').map((r) => />([A-Z]+-\d{4}-\d{4})</.exec(r)?.[1]);
    assert.deepEqual(byCase, [...byCase].sort());
    // A page past the last shows the last (a queue is paged by a hundred lines; the API gives them all).
    assert.equal(rowsOf(await page('/?view=queue&page=5'), 'queue').length, 3);
  });

  it('the queue filters by step, keeping the order in the URL', async () => {
    const html = await page('/?view=queue&sort=due&step=handle');
    const rows = rowsOf(html, 'queue');
    assert.deepEqual(rows.map(linkOf), [overdue, fresh].map((c) => `/applications/${c.id}`));
    assert.match(html, /<a href="\/\?view=queue&amp;sort=due&amp;step=handle" class="active" aria-current="true">办理 <span class="count">2<\/span><\/a>/);
    assert.match(html, /<a href="\/\?view=queue&amp;sort=due" class="">全部 <span class="count">3<\/span><\/a>/);
  });

  it('the reviewer’s home is their review; the consulted agency’s caseworker finds the letter there, not only as a badge', async () => {
    const rev = rowsOf(await page('/', 'rev'), 'queue');
    assert.deepEqual(rev.map(linkOf), [`/applications/${review.id}`]);
    assert.match(rev[0]!, /保密审查/);
    const cw2 = await page('/', 'cw2');
    const letter = rowsOf(cw2, 'queue').find((r) => r.includes('答复征询件'));
    assert.ok(letter, 'the letter is a line of the queue');
    assert.match(linkOf(letter), /^\/consultations\/\d+$/);
    assert.match(letter, new RegExp(`>${fresh.caseNumber}<`));
    assert.match(letter, /来函：东江区规划和自然资源局/);
    assert.match(letter, /意见期限/);
    assert.match(cw2, /id="inbox-count"/, 'and the badge stays');
  });

  it('本机关全部案件: every case of the agency, with its filters and sort order in the URL', async () => {
    const all = await page('/?view=all');
    assert.match(all, /id="tab-all" class="active" aria-current="page">本机关全部案件/);
    assert.equal(rowsOf(all, 'all-cases').length, 4);
    assert.doesNotMatch(all, new RegExp(`/applications/${jsjt.id}"`), 'another agency’s case is not listed');
    assert.match(all, /<a href="\/\?view=all&amp;state=in_review" class="">保密审查中 <span class="count">1<\/span><\/a>/);
    assert.doesNotMatch(all, /<select name="agency">/, 'a caseworker sees one agency: no agency filter');
    const inReview = await page('/?view=all&state=in_review');
    assert.deepEqual(rowsOf(inReview, 'all-cases').map(linkOf), [`/applications/${review.id}`]);
    assert.match(inReview, /筛选结果（共 1 件）/);
    assert.deepEqual(rowsOf(await page(`/?view=all&text=${encodeURIComponent('征收')}`), 'all-cases').map(linkOf), [`/applications/${overdue.id}`]);
    assert.deepEqual(rowsOf(await page('/?view=all&dueBefore=2026-11-20'), 'all-cases').map(linkOf), [`/applications/${overdue.id}`]);
    const byCase = await page('/?view=all&sort=case&dir=desc');
    const numbers = rowsOf(byCase, 'all-cases').map((r) => />([A-Z]+-\d{4}-\d{4})</.exec(r)?.[1]);
    assert.deepEqual(numbers, [...numbers].sort().reverse());
    assert.match(byCase, /<th scope="col" aria-sort="descending"><a href="\/\?view=all&amp;sort=case&amp;dir=asc">案件编号/);
    assert.match(byCase, /<input type="hidden" name="sort" value="case">/, 'the filter form keeps the order');
    // Addresses with the list's filters from before issue 13 open the list.
    assert.match(await page('/?state=processing'), /id="tab-all" class="active"/);
    assert.equal((await request(env.app).get('/?view=all&sort=colour').set(auth('cw'))).status, 422);
  });

  it('managers keep the dashboard as home; the list filters by agency, a click away', async () => {
    const home = await request(env.app).get('/').set(auth('mgr'));
    assert.equal(home.status, 303);
    assert.equal(home.headers.location, '/dashboard');
    const list = await page('/?view=inbox', 'mgr');
    assert.match(list, /id="tab-all" class="active" aria-current="page">全部案件（含下级机关）/);
    assert.match(list, /<select name="agency">[\s\S]*<option value="JSJT" >东江区建设和交通委员会<\/option>/);
    assert.equal(rowsOf(list, 'all-cases').length, 5);
    const jsjtOnly = await page('/?view=all&agency=JSJT', 'mgr');
    assert.deepEqual(rowsOf(jsjtOnly, 'all-cases').map(linkOf), [`/applications/${jsjt.id}`]);
    assert.match(jsjtOnly, /<option value="JSJT" selected>/);
    const queue = await page('/?view=queue', 'mgr');
    assert.match(queue, /目前没有等待您处理的事项/);
    // A caseworker naming another agency sees no case of it.
    assert.equal(rowsOf(await page('/?view=all&agency=JSJT'), 'all-cases').filter((r) => r.includes('/applications/')).length, 0);
  });
});
