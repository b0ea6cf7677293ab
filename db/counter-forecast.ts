import { isPostgres, type Db } from './knex.js';
import { preparedRows, selectPrepared } from './dialect.js';

// Issue 15: a document that carries numbers allocated inside its transaction (a receipt prints its
// case number and its own document number) can be rendered before the transaction, for the numbers
// it will probably get, so that the writer's turn (SQLite) or the counter's row lock (PostgreSQL) is
// not held while a PDF is drawn, subset and signed. The numbers are still allocated only inside the
// transaction (nextCounter: no gap on failure); the caller uses what it rendered only when the
// allocated numbers and the content are exactly those it was rendered for, and renders again
// otherwise. A forecast is the committed value plus the allocations this process has forecast and
// not yet finished; another instance's allocations make it miss, never make it wrong.

/** What this process knows of one database's counters (tests and tools open several databases). */
interface Forecasts {
  /** Per key: forecasts made whose numbers are not yet taken. */
  ahead: Map<string, number>;
  /** Per key: the highest number taken (below). */
  lastTaken: Map<string, number>;
  /** Per line of keys: the turn of the last forecast made. */
  turns: Map<string, Promise<void>>;
}
const ofDatabase = new WeakMap<object, Forecasts>();
function forecastsOf(db: Db): Forecasts {
  // A transaction's client is made from its database's: they share the configuration object.
  const key = (db as unknown as { client: { config: object } }).client.config;
  let f = ofDatabase.get(key);
  if (!f) ofDatabase.set(key, (f = { ahead: new Map(), lastTaken: new Map(), turns: new Map() }));
  return f;
}
/*
 * A forecast is the larger of the counter as read and the highest number this process has taken, plus
 * one, plus the forecasts still ahead of it. The counter as read may not show a number taken (its
 * transaction not yet committed, or committed after the read began): so a registration that took its
 * number and has not yet finished is never counted twice.
 */

export interface CounterForecast {
  /** The number each key's next allocation is expected to get. */
  values: number[];
  /**
   * Resolves once the forecasts made before this one (of the same keys, in this process) have taken
   * their numbers or given up: awaited before the transaction begins (never while holding a
   * connection), so that the numbers are taken in the order they were forecast. On PostgreSQL,
   * transactions on several connections otherwise reach the counter's row in any order; on SQLite the
   * writers take their turns in the order they ask for them. A forecast missed is a document drawn
   * again while the writer waits. Waits a second at most.
   */
  turn(): Promise<void>;
  /** Call once the numbers are taken (the counters' statement returned them): the next forecast's turn. */
  taken(numbers?: readonly number[]): void;
  /**
   * Call once the transaction has committed or failed (idempotent; takes the turn's place too). Say
   * whether it committed: numbers taken by a transaction rolled back are given back.
   */
  done(committed?: boolean): void;
}

/** How long a forecast waits for the one before it to take its numbers. */
const TURN_WAIT_MS = 1000;

/**
 * `takeIdOf` (PostgreSQL): a table whose next id is taken from its sequence in the same query as the
 * counters are read (`takenId`): a registration's rows are made ready for its id before its
 * transaction (issue 15: one round trip instead of two).
 */
export async function forecastCounters(db: Db, keys: string[], opts: { takeIdOf?: string } = {}): Promise<CounterForecast & { takenId: number | null }> {
  const { ahead, lastTaken, turns } = forecastsOf(db);
  const read = db('counters').whereIn('key', keys).select('key', 'last');
  let rows: Array<{ key: string; last: number | string }>;
  let takenId: number | null = null;
  if (opts.takeIdOf && isPostgres(db)) {
    const { sql, bindings } = read.toSQL();
    const [r] = await preparedRows<{ id: number | string; counters: typeof rows }>(
      db, `SELECT nextval(pg_get_serial_sequence(?, 'id')) AS id, (SELECT COALESCE(json_agg(x), '[]'::json) FROM (${sql}) x) AS counters`, [opts.takeIdOf, ...bindings],
    );
    takenId = Number(r!.id);
    rows = r!.counters;
  } else {
    rows = await selectPrepared(db, read);
  }
  const last = new Map(rows.map((r) => [r.key, Number(r.last)]));
  const values = keys.map((k) => Math.max(last.get(k) ?? 0, lastTaken.get(k) ?? 0) + 1 + (ahead.get(k) ?? 0));
  for (const k of keys) ahead.set(k, (ahead.get(k) ?? 0) + 1);
  const line = keys.join('\u0000');
  const before = turns.get(line) ?? Promise.resolve();
  let pass!: () => void;
  const passed = new Promise<void>((ok) => (pass = ok));
  const tail = before.then(() => passed);
  turns.set(line, tail);
  let took: readonly number[] | null = null;
  let counted = true;
  const uncount = () => {
    if (!counted) return;
    counted = false;
    for (const k of keys) {
      const n = (ahead.get(k) ?? 1) - 1;
      if (n > 0) ahead.set(k, n);
      else ahead.delete(k);
    }
  };
  const taken = (numbers?: readonly number[]) => {
    pass();
    if (turns.get(line) === tail) turns.delete(line);
    uncount();
    if (numbers && !took) {
      took = numbers;
      keys.forEach((k, i) => {
        const n = numbers[i];
        if (n !== undefined && n > (lastTaken.get(k) ?? 0)) lastTaken.set(k, n);
      });
    }
  };
  let finished = false;
  return {
    values,
    takenId,
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
    done(committed = false) {
      taken();
      if (finished) return;
      finished = true;
      // Rolled back: its numbers are the counter's again (unless a later one has been taken since).
      if (!committed && took) keys.forEach((k, i) => {
        if (lastTaken.get(k) === took![i]) lastTaken.set(k, took![i]! - 1);
      });
    },
  };
}

/** How many forecasts of `key` this process has made in `db` whose numbers are not yet taken. */
export function forecastsAhead(db: Db, key: string): number {
  return forecastsOf(db).ahead.get(key) ?? 0;
}
