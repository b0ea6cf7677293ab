import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { createTestEnv, PASSWORD, type TestEnv } from '../helpers/test-app.js';
import { authenticate } from '../../server/auth/login-service.js';
import { hashPassword, observePasswordComparisons } from '../../server/auth/password.js';

// Hardening 10: "Login timing reveals which usernames exist (about 140 ms vs 4 ms)." Every login
// path does the same work: one bcrypt comparison at the cost new hashes get. Watched through the
// comparison observer (deterministic), and once on the clock with a real cost (median, wide margin).
describe('a login takes as long whether the account exists or not (hardening 10)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  let n = 0;
  /** Each attempt from its own address, so the per-address throttle never answers first. */
  const attempt = async (username: string, password: string) => {
    try {
      await authenticate(env.ctx, username, password, `198.51.100.${++n}`);
      return 'ok';
    } catch (e) {
      return (e as { code: string }).code;
    }
  };
  /** The bcrypt costs compared during one attempt, and its answer. */
  const work = async (username: string, password: string) => {
    const costs: number[] = [];
    observePasswordComparisons((cost) => costs.push(cost));
    try {
      return { answer: await attempt(username, password), costs };
    } finally {
      observePasswordComparisons(null);
    }
  };

  before(async () => {
    env = await createTestEnv({ today: '2026-11-02' });
    await env.db('users').where({ username: 'legal' }).update({ active: false });
    await env.db('users').where({ username: 'mgr2' }).update({ failed_logins: 5, locked_until: '2999-01-01T00:00:00.000Z' });
  });
  after(async () => env.close());

  it('compares exactly one hash, at the configured cost, on every path', async () => {
    const cost = env.ctx.config.bcryptRounds;
    assert.deepEqual(await work('cw', PASSWORD), { answer: 'ok', costs: [cost] });
    assert.deepEqual(await work('cw', 'wrong-password'), { answer: 'invalid_credentials', costs: [cost] });
    assert.deepEqual(await work('nobody-here', 'wrong-password'), { answer: 'invalid_credentials', costs: [cost] }, 'an unknown name compares against a dummy hash');
    assert.deepEqual(await work('legal', 'wrong-password'), { answer: 'invalid_credentials', costs: [cost] }, 'an inactive account');
    assert.deepEqual(await work('mgr2', 'wrong-password'), { answer: 'locked', costs: [cost] }, 'a locked account');
  });

  it('the platform actor\'s row (no usable hash) costs the same and never logs in', async () => {
    const cw = await env.db('users').where({ username: 'cw' }).first('agency_id');
    await env.db('users').insert({ username: '@platform', display_name: '系统', role: 'system', agency_id: cw.agency_id, password_hash: '!', failed_logins: 0, active: false, created_at: new Date().toISOString() });
    assert.deepEqual(await work('@platform', '!'), { answer: 'invalid_credentials', costs: [env.ctx.config.bcryptRounds] });
  });

  it('on the clock, at a real cost: an unknown name takes at least half as long as a wrong password', async function () {
    this.timeout(120_000);
    const rounds = 10;
    const saved = env.ctx.config.bcryptRounds;
    env.ctx.config.bcryptRounds = rounds;
    try {
      await env.db('users').where({ username: 'rev' }).update({ password_hash: await hashPassword(PASSWORD, rounds) });
      const timed = async (username: string) => {
        await env.db('users').where({ username: 'rev' }).update({ failed_logins: 0, locked_until: null });
        const t = performance.now();
        await attempt(username, 'wrong-password');
        return performance.now() - t;
      };
      await timed('nobody-at-all'); // the dummy hash at this cost is made once
      const unknown: number[] = [];
      const known: number[] = [];
      for (let i = 0; i < 7; i++) {
        unknown.push(await timed(`nobody-${i}`));
        known.push(await timed('rev'));
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const ratio = median(unknown) / median(known);
      assert.ok(ratio >= 0.5, `unknown ${median(unknown).toFixed(1)} ms vs known ${median(known).toFixed(1)} ms (ratio ${ratio.toFixed(2)})`);
    } finally {
      env.ctx.config.bcryptRounds = saved;
    }
  });
});
