import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, type TestEnv } from '../helpers/test-app.js';

describe('the working-day calendar and its overrides', () => {
  let env: TestEnv;
  let cw: string;
  let admin: string;
  let id: number;
  const get = async () => (await request(env.app).get(`/api/applications/${id}`).set('Authorization', `Bearer ${cw}`)).body;

  before(async () => {
    env = await createTestEnv({ today: '2026-12-15' });
    cw = await env.token('cw');
    admin = await env.token('admin');
    const res = await request(env.app).post('/api/applications').set('Authorization', `Bearer ${cw}`).send(applicationBody({ receivedDate: '2026-12-14' }));
    id = res.body.id;
  });
  after(async () => env.close());

  it('a deadline counted into 2027, before its holiday notice, is provisional and says why', async () => {
    const app = await get();
    // Mon 14 Dec 2026 + 20 working days; 2027 by weekends and its statutory holidays: 15–18 (4),
    // 21–25 (9), 28–31 (13), Fri 1 Jan 元旦 off, 4–8 (18), 11–12 Jan (20).
    assert.equal(app.deadlines.replyDue, '2027-01-12');
    assert.equal(app.deadlines.provisional, true);
    assert.deepEqual(app.deadlines.provisionalYears, [2027]);
    assert.ok(app.deadlines.explanation.some((s: string) => s.startsWith('2027年尚无官方节假日安排') && s.includes('已扣除《全国年节及纪念日放假办法》规定的法定节假日')));
  });

  it('an admin entering a holiday moves open deadlines at once, cache included, and ends the provisional flag', async () => {
    // A day off the notice adds (Mon 4 Jan): 5–8 (17), 11–13 Jan (20).
    const res = await request(env.app).put('/api/calendar/overrides/2027-01-04').set('Authorization', `Bearer ${admin}`).send({ kind: 'holiday', note: '元旦补休' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(res.body.recomputedApplications >= 1);
    const app = await get();
    assert.equal(app.deadlines.replyDue, '2027-01-13');
    assert.equal(app.deadlines.provisional, false);
    const row = await env.db('applications').where({ id }).first();
    assert.equal(row.reply_due, '2027-01-13');
    const audit = await env.db('audit_log').where({ action: 'calendar.set', entity_id: '2027-01-04' }).first();
    assert.equal(audit.username, 'admin');
  });

  it('a make-up workday on a Saturday counts', async () => {
    await request(env.app).put('/api/calendar/overrides/2027-01-09').set('Authorization', `Bearer ${admin}`).send({ kind: 'workday' });
    assert.equal((await get()).deadlines.replyDue, '2027-01-12');
  });

  it('shows a year with its special days and overrides', async () => {
    const res = await request(env.app).get('/api/calendar/2027').set('Authorization', `Bearer ${cw}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.official, true);
    assert.deepEqual(res.body.overrides.map((o: { date: string }) => o.date), ['2027-01-04', '2027-01-09']);
    // The statutory holidays still counted for the year (no State Council data for it), weekends
    // included, and the 6 substitute weekdays presumed for those on a weekend (Art. 6).
    assert.equal(res.body.statutory.length, 13 + 6);
    assert.deepEqual(res.body.statutory.filter((d: { name: string }) => d.name.endsWith('补假（推定）')).map((d: { date: string }) => d.date),
      ['2027-02-09', '2027-02-10', '2027-05-03', '2027-05-04', '2027-10-04', '2027-10-05']);
    assert.deepEqual(res.body.statutory[2], { date: '2027-02-06', name: '春节（正月初一）', weekday: 6, working: false, override: false });
    const known = await request(env.app).get('/api/calendar/2026').set('Authorization', `Bearer ${cw}`);
    assert.ok(known.body.days.some((d: { date: string; working: boolean }) => d.date === '2026-10-01' && !d.working));
    assert.equal(known.body.statutory.length, 0, 'a year with the notice\'s data assumes nothing');
  });

  it('removing overrides restores the deadline', async () => {
    for (const date of ['2027-01-04', '2027-01-09']) {
      const res = await request(env.app).delete(`/api/calendar/overrides/${date}`).set('Authorization', `Bearer ${admin}`);
      assert.equal(res.status, 200);
    }
    assert.equal((await get()).deadlines.replyDue, '2027-01-12');
    assert.equal((await get()).deadlines.provisional, true);
    assert.equal((await request(env.app).delete('/api/calendar/overrides/2027-01-04').set('Authorization', `Bearer ${admin}`)).status, 404);
  });

  it('only admins change the calendar, and bad input changes nothing', async () => {
    assert.equal((await request(env.app).put('/api/calendar/overrides/2027-02-01').set('Authorization', `Bearer ${cw}`).send({ kind: 'holiday' })).status, 403);
    const bad = await request(env.app).put('/api/calendar/overrides/2027-02-30').set('Authorization', `Bearer ${admin}`).send({ kind: 'holiday' });
    assert.equal(bad.status, 422);
    const badKind = await request(env.app).put('/api/calendar/overrides/2027-02-01').set('Authorization', `Bearer ${admin}`).send({ kind: 'sometimes' });
    assert.equal(badKind.status, 422);
    assert.equal(Number((await env.db('calendar_overrides').count({ n: '*' }).first())?.n), 0);
  });

  it('the admin page lists the year and saves a day through the form', async () => {
    const agent = request.agent(env.app);
    const login = await agent.get('/login');
    const anon = /name="_csrf" value="([^"]+)"/.exec(login.text)![1];
    await agent.post('/login').type('form').send({ username: 'admin', password: 'test-pass-123', _csrf: anon });
    const page = await agent.get('/admin/calendar?year=2027');
    assert.equal(page.status, 200);
    assert.match(page.text, /本年度尚无官方放假安排/);
    assert.match(page.text, /法定节假日（按《全国年节及纪念日放假办法》推算）/);
    assert.match(page.text, /<td>2027-02-05<\/td><td>星期五<\/td><td>春节（除夕）<\/td><td>休息<\/td>/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const saved = await agent.post('/admin/calendar').type('form').send({ _csrf: csrf, date: '2027-02-11', kind: 'holiday', note: '2027年春节' });
    assert.equal(saved.status, 303);
    const after = await agent.get('/admin/calendar?year=2027');
    assert.match(after.text, /2027年春节/);
    await agent.post('/admin/calendar/2027-02-11/delete').type('form').send({ _csrf: csrf });
  });
});
