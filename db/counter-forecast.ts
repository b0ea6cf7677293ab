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
  /** Call once the transaction has committed or failed (idempotent). */
  done(): void;
}

export async function forecastCounters(db: Db, keys: string[]): Promise<CounterForecast> {
  const rows = await selectPrepared<{ key: string; last: number | string }>(db, db('counters').whereIn('key', keys).select('key', 'last'));
  const last = new Map(rows.map((r) => [r.key, Number(r.last)]));
  const values = keys.map((k) => (last.get(k) ?? 0) + 1 + (inFlight.get(k) ?? 0));
  for (const k of keys) inFlight.set(k, (inFlight.get(k) ?? 0) + 1);
  let finished = false;
  return {
    values,
    done() {
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
