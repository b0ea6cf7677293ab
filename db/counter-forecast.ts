import type { Db } from './knex.js';
import { selectPrepared } from './dialect.js';

// Issue 15: a document that carries numbers allocated inside its transaction (a receipt prints its
// case number and its own document number) can be rendered before the transaction, for the numbers
// it will probably get, so that the writer's turn (SQLite) or the counter's row lock (PostgreSQL) is
// not held while a PDF is drawn, subset and signed. The numbers are still allocated only inside the
// transaction (nextCounter: no gap on failure); the caller uses what it rendered only when the
// allocated numbers and the content are exactly those it was rendered for, and renders again
// otherwise. A forecast is the committed value plus the allocations this process has forecast and
// not yet finished; another instance's allocations make it miss, never make it wrong.

const inFlight = new Map<string, number>();

export interface CounterForecast {
  /** The number each key's next allocation is expected to get. */
  values: number[];
  /**
   * Resolves once the forecasts made before this one (of the same keys, in this process) have taken
   * their numbers or given up: awaited before the transaction begins (never while holding a
   * connection), so that the numbers are taken in the order they were forecast. On PostgreSQL,
   * transactions on several connections otherwise reach the counter's row in any order, and a
   * forecast missed is a document drawn again while the row is locked. Waits a second at most.
   */
  turn(): Promise<void>;
  /** Call once the numbers are taken (the counters' statement returned): the next forecast's turn. */
  taken(): void;
  /** Call once the transaction has committed or failed (idempotent; takes the turn's place too). */
  done(): void;
}

const turns = new Map<string, Promise<void>>();
/** How long a forecast waits for the one before it to take its numbers. */
const TURN_WAIT_MS = 1000;

export async function forecastCounters(db: Db, keys: string[]): Promise<CounterForecast> {
  const rows = await selectPrepared<{ key: string; last: number | string }>(db, db('counters').whereIn('key', keys).select('key', 'last'));
  const last = new Map(rows.map((r) => [r.key, Number(r.last)]));
  const values = keys.map((k) => (last.get(k) ?? 0) + 1 + (inFlight.get(k) ?? 0));
  for (const k of keys) inFlight.set(k, (inFlight.get(k) ?? 0) + 1);
  const line = keys.join('\u0000');
  const before = turns.get(line) ?? Promise.resolve();
  let pass!: () => void;
  const passed = new Promise<void>((ok) => (pass = ok));
  const tail = before.then(() => passed);
  turns.set(line, tail);
  const taken = () => {
    pass();
    if (turns.get(line) === tail) turns.delete(line);
  };
  let finished = false;
  return {
    values,
    // Never a wait without end: a forecast whose registration is held up (or made by a caller that
    // never allocates) lets the next go after a while, which then may only miss its forecast.
    turn: () => new Promise<void>((ok) => {
      const timer = setTimeout(ok, TURN_WAIT_MS);
      timer.unref();
      void before.then(() => {
        clearTimeout(timer);
        ok();
      });
    }),
    taken,
    done() {
      taken();
      if (finished) return;
      finished = true;
      for (const k of keys) {
        const n = (inFlight.get(k) ?? 1) - 1;
        if (n > 0) inFlight.set(k, n);
        else inFlight.delete(k);
      }
    },
  };
}
