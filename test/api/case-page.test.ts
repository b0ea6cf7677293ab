import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, loginAgent, type TestEnv } from '../helpers/test-app.js';
import { replyFacts } from '../helpers/replies.js';

// Issue 12, "Truthful case pages".
describe('the case page tells what happened', function () {
  this.timeout(60_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const register = async (receivedDate: string) => {
    const res = await request(env.app).post('/api/applications').set(auth('cw')).send(applicationBody({ receivedDate }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: number };
  };
  const send = (id: number, body: object) => request(env.app).post(`/api/applications/${id}/events`).set(auth('cw')).send(body);

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    tokens.cw = await env.token('cw');
  });
  after(() => env.close());

  it('a reply given on the spot is issued — numbered, sealed and signed — not left a draft', async () => {
    const app = await register('2026-11-16');
    const res = await send(app.id, { type: 'REPLY_ON_THE_SPOT', date: '2026-11-16', decision: 'disclose', ...replyFacts('disclose') });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const reply = (res.body.documents as { kind: string; status: string; number: string | null; sha256: string | null }[]).find((d) => d.kind === 'reply')!;
    assert.equal(reply.status, 'issued');
    assert.match(reply.number!, /^东规资公复〔2026〕\d+号$/);
    assert.match(reply.sha256!, /^[0-9a-f]{64}$/);
    assert.equal(res.body.state, 'closed');
    const steps = Object.fromEntries((res.body.progress as { key: string; status: string }[]).map((s) => [s.key, s.status]));
    assert.equal(steps.signoff, 'done');
    assert.equal(steps.review, 'skipped');
  });

  it('a withdrawn case shows no review or sign-off done, and when it closed and how long it took', async () => {
    const app = await register('2026-11-02'); // Monday
    assert.equal((await send(app.id, { type: 'WITHDRAW', date: '2026-11-13' })).status, 200);
    const view = (await request(env.app).get(`/api/applications/${app.id}`).set(auth('cw'))).body;
    // 3–13 November 2026: two working weeks less the receipt day → 9 working days.
    assert.deepEqual(view.concluded, { date: '2026-11-13', how: '申请人撤回', workingDays: 9 });
    const agent = await loginAgent(env.app, 'cw');
    const page = await agent.get(`/applications/${app.id}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /已于 <strong>2026年11月13日<\/strong> 办结（申请人撤回），自收到申请历时 <strong>9<\/strong> 个工作日/);
    const stepper = page.text.slice(page.text.indexOf('class="stepper"'), page.text.indexOf('</ol>', page.text.indexOf('class="stepper"')));
    assert.match(stepper, /<li class="skipped"[^>]*>保密审查<span class="step-note">未经（申请人撤回）<\/span>/);
    assert.match(stepper, /<li class="skipped"[^>]*>签发/);
    assert.doesNotMatch(stepper, /class="done"[^>]*>保密审查/);
    assert.match(stepper, /<li class="done"[^>]*>办结/);
  });

  it('an open case has no closing line', async () => {
    const app = await register('2026-11-18');
    const view = (await request(env.app).get(`/api/applications/${app.id}`).set(auth('cw'))).body;
    assert.equal(view.concluded, null);
    assert.equal(view.progress.find((s: { key: string }) => s.key === 'handling').status, 'current');
  });
});
