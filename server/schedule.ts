// Work an instance does on its own, on a timer (issue 15: every instance runs it; what it does is safe
// to run on several at once): deemed consent and stale deadlines, webhook delivery, mail retry.
import type { AppContext } from './context.js';
import { loggerOf } from './log.js';

/**
 * Runs `job` now and then every `seconds` (not positive: never) in this instance. Runs never overlap; a
 * failure is logged under `name` (with `failure` as its message), never thrown. Returns the way to stop
 * it, which resolves once a run under way has finished (graceful shutdown waits for it before closing
 * the database).
 */
export function schedule(ctx: AppContext, name: string, seconds: number, failure: string, job: () => Promise<void>): () => Promise<void> {
  if (!(seconds > 0)) return async () => undefined;
  const log = loggerOf(ctx);
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = (async () => {
      try {
        await job();
      } catch (e) {
        if (!stopped) log.error({ job: name, err: e }, failure);
      } finally {
        running = null;
      }
    })();
  };
  tick();
  const timer = setInterval(tick, seconds * 1000).unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
