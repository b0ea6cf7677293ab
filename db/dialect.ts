import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { isPostgres, type Db } from './knex.js';

// The few places where SQLite and PostgreSQL differ, kept together (stack-notes: knex).

/** Case-insensitive substring match (LIKE is case-sensitive on PostgreSQL). */
export function whereContains(db: Db, qb: Knex.QueryBuilder, column: string, needle: string): Knex.QueryBuilder {
  const escaped = needle.replace(/[\\%_]/g, (c) => '\\' + c);
  const op = isPostgres(db) ? 'ILIKE' : 'LIKE';
  return qb.whereRaw(`?? ${op} ? ESCAPE '\\'`, [column, `%${escaped}%`]);
}

/** The shortest needle a trigram index can narrow: shorter ones are searched by scan. */
export const TRIGRAM_MIN_LENGTH = 3;

/**
 * The table a text search reads its cases from (issue 15): on SQLite `applications` itself (its FTS5
 * table narrows), on PostgreSQL the narrow `applications_search` of migration 20270105000001 — one row a
 * case: id, agency_id, state, reply_due, received_date, case_number as in `applications`, and each
 * searched column lower-cased as `<column>_lower`, kept in step by triggers.
 */
export function textSearchTable(db: Db): string {
  return isPostgres(db) ? 'applications_search' : 'applications';
}

/**
 * A case-insensitive substring match of `needle` in any of `columns`, exactly as whereContains on each
 * (LIKE on SQLite, ILIKE on PostgreSQL), the query reading textSearchTable(db) as `index.alias`, among
 * the cases of `index.agencyIds` (the caller restricts to them as well). An index narrows the rows first
 * (issue 15). SQLite: for three characters or more, the FTS5 trigram table `fts.table` (external
 * content, keyed by `fts.rowid`). PostgreSQL: the GIN index of migration 20270105000001 over keys that
 * carry the agency — the needle's three-character pieces within each agency, or for a shorter needle
 * the agency's cases. The index only picks candidates — it folds case more widely than LIKE on SQLite,
 * and on PostgreSQL holds pieces, not positions — and the substring test itself stays, so the rows are
 * exactly the scan's. PostgreSQL: `strpos(lower(column), lower(needle)) > 0` is ILIKE's own test (it
 * lowers both sides, then compares) without a pattern — `%`, `_` and `\` are plain characters — on the
 * column lowered once, when written.
 */
export function whereContainsAny(
  db: Db, qb: Knex.QueryBuilder, columns: readonly string[], needle: string,
  index: { alias: string; agencyIds: readonly number[]; fts: { table: string; rowid: string } },
): Knex.QueryBuilder {
  if (isPostgres(db)) {
    const lowered = columns.map((c) => `${index.alias}.${c}_lower`);
    qb.whereRaw(`(${lowered.map((c) => `strpos(${c}, lower(?::text)) > 0`).join(' OR ')})`, lowered.map(() => needle));
    // The index's expression, word for word (20270105000001); the needle's keys, one agency at a time
    // (an OR of index lookups). The functions are immutable: the keys are computed once, when planned.
    const keys = `dd_search_keys(${index.alias}.agency_id, ${lowered.join(', ')})`;
    if (!index.agencyIds.length) return qb.whereRaw('false');
    qb.whereRaw(`(${index.agencyIds.map(() => `${keys} @> dd_search_needle_keys(?::integer, ?::text)`).join(' OR ')})`, index.agencyIds.flatMap((a) => [a, needle]));
    return qb;
  }
  if (Array.from(needle).length >= TRIGRAM_MIN_LENGTH) {
    // A quoted FTS5 string is one phrase: the needle's trigrams, one after another. The unary `+`
    // keeps SQLite from driving the query by these ids (a row lookup for each candidate of every
    // agency: as slow as the scan); the rows are read by the query's own index (the agency's), the
    // candidates probed per row from the index alone, and only those rows read for the substring test.
    qb.whereRaw(`+?? IN (SELECT rowid FROM ${index.fts.table} WHERE ${index.fts.table} MATCH ?)`, [index.fts.rowid, `"${needle.replace(/"/g, '""')}"`]);
  }
  return qb.where((any) => {
    for (const column of columns) any.orWhere((one) => void whereContains(db, one, `${index.alias}.${column}`, needle));
  });
}

/** Returns the inserted id on both databases. */
export function insertedId(row: unknown): number {
  return Number(typeof row === 'object' && row !== null ? (row as { id: number }).id : row);
}

/**
 * Gapless counter: write first (insert, or on conflict increment, returning the number) inside the caller's
 * transaction, so concurrent allocators serialise on the row (stack-notes: read-then-write gave
 * duplicates on PostgreSQL and SQLITE_BUSY on SQLite).
 */
export async function nextCounter(trx: Knex.Transaction, key: string): Promise<number> {
  // One statement (issue 15): the first number inserts the row, every later one increments it.
  const rows = await trx('counters').insert({ key, last: 1 }).onConflict('key')
    .merge({ last: trx.raw('?? + 1', ['counters.last']) }).returning('last');
  const row = rows[0] as { last: number } | number | undefined;
  return Number(typeof row === 'object' ? row.last : row);
}

/**
 * Several gapless counters in one statement (issue 15), each as nextCounter, their numbers in the
 * order of `keys` (distinct). Rows are locked in that order: callers taking the same counters name
 * them in the same order.
 */
export async function nextCounters(trx: Knex.Transaction, keys: string[]): Promise<number[]> {
  return numbersOf(keys, await countersUpsert(trx, keys));
}

const countersUpsert = (trx: Knex.Transaction, keys: string[]) => trx('counters').insert(keys.map((key) => ({ key, last: 1 }))).onConflict('key')
  .merge({ last: trx.raw('?? + 1', ['counters.last']) }).returning(['key', 'last']);

function numbersOf(keys: string[], rows: Array<{ key: string; last: number | string }>): number[] {
  const last = new Map(rows.map((r) => [r.key, Number(r.last)]));
  return keys.map((k) => {
    const n = last.get(k);
    if (n === undefined) throw new Error(`counter ${k} was not allocated`);
    return n;
  });
}

/**
 * PostgreSQL: nextCounters, and in the same statement a read (`alongside`, a select) whose rows come
 * back too — one round trip instead of two (issue 15). The read takes no lock; the counters' rows are
 * locked as nextCounters locks them.
 */
export async function nextCountersAlongside<T>(trx: Knex.Transaction, keys: string[], alongside: Statement): Promise<{ numbers: number[]; rows: T[] }> {
  const [r] = await runTogetherPg<{ counters: Array<{ key: string; last: number | string }> | null; rows: T[] }>(trx, [['c', countersUpsert(trx, keys).toSQL()]], {
    sql: `SELECT (SELECT json_agg(json_build_object('key', c.key, 'last', c.last)) FROM c) AS counters, (SELECT COALESCE(json_agg(x), '[]'::json) FROM (${alongside.sql}) x) AS rows`,
    bindings: alongside.bindings,
  }, { prepared: true });
  return { numbers: numbersOf(keys, r?.counters ?? []), rows: r?.rows ?? [] };
}

/**
 * Statements of one transaction that do not depend on each other. On SQLite they are sent together:
 * the transaction waits for the slowest once instead of for each in turn (issue 15: on a busy process
 * every wait is a turn of the event loop, and SQLite's single writer waits with it). Every one of them
 * has finished — succeeded or failed — before this settles, so a failure rolls back only after the last
 * statement ran: none can land after the rollback, outside the transaction. The first failure is
 * thrown. PostgreSQL's client sends one query at a time on a connection anyway (and will refuse a
 * second one while the first runs): there they run one after another, in order.
 */
export async function together<T extends readonly unknown[]>(db: Db, ...work: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  if (isPostgres(db)) {
    const out: unknown[] = [];
    for (const w of work) out.push(await w());
    return out as unknown as T;
  }
  const settled = await Promise.allSettled(work.map((w) => w()));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/**
 * Rows a worker claims: on PostgreSQL locked for the claiming statement, rows another worker is
 * claiming at that moment skipped (FOR UPDATE SKIP LOCKED). SQLite has one writer at a time: the
 * claiming UPDATE itself is serialised, nothing to add.
 */
export function skipLockedRows(db: Db, qb: Knex.QueryBuilder): Knex.QueryBuilder {
  return isPostgres(db) ? qb.forUpdate().skipLocked() : qb;
}

/**
 * A correlated subquery giving, as one JSON array column, the rows of `table` whose `foreignKey`
 * equals `outer` (a column of the outer query), each an object of `columns`, ordered by id — so a
 * row and its few children come back in one query (issue 15). Read it with parseJsonColumn. Only
 * for columns of plain text and numbers (json_object / json_build_object keep them as they are).
 */
export function jsonRowsOf(db: Db, table: string, columns: readonly string[], foreignKey: string, outer: string): Knex.Raw {
  const pairs = columns.map((c) => `'${c}', x.${c}`).join(', ');
  if (isPostgres(db)) {
    return db.raw(`(SELECT COALESCE(json_agg(json_build_object(${pairs}) ORDER BY x.id), '[]'::json) FROM ${table} x WHERE x.${foreignKey} = ${outer})`);
  }
  return db.raw(`(SELECT json_group_array(json_object(${pairs})) FROM (SELECT * FROM ${table} WHERE ${foreignKey} = ${outer} ORDER BY id) x)`);
}

/**
 * As jsonRowsOf, for rows a query of their own gives (a join, a filter): `from` is that query, whose
 * WHERE names the outer query's column; `orderBy` a column of its result.
 */
export function jsonRowsFrom(db: Db, columns: readonly string[], from: string, orderBy: string): Knex.Raw {
  const pairs = columns.map((c) => `'${c}', x.${c}`).join(', ');
  if (isPostgres(db)) {
    return db.raw(`(SELECT COALESCE(json_agg(json_build_object(${pairs}) ORDER BY x.${orderBy}), '[]'::json) FROM (${from}) x)`);
  }
  return db.raw(`(SELECT json_group_array(json_object(${pairs})) FROM (SELECT * FROM (${from}) ORDER BY ${orderBy}) x)`);
}

/** A JSON column as read back: PostgreSQL's driver parses json, SQLite's hands over the text. */
export function parseJsonColumn<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

// ---------------------------------------------------------------------------------------------
// Issue 15: prepared statements for the queries of every request.

const statementNames = new Map<string, string>();
/** Distinct texts named per process; beyond them a query runs unnamed (each connection keeps what it prepared). */
const MAX_NAMED_STATEMENTS = 500;

function statementName(sql: string): string | undefined {
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) {
    name = `dd_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return name;
}

/**
 * The rows of a read the desk runs on every request (the session, the case page, the inbox page), as
 * `sql` with `?` placeholders, prepared once per connection under a name made from its text. On
 * PostgreSQL a named prepared statement: each connection parses it once and, once PostgreSQL finds
 * that its plan does not depend on the values, plans it once — for the case page's query, planning
 * took longer than running it. On SQLite a statement each connection keeps prepared (db/knex.ts):
 * parsed once, and one trip to the worker threads per run instead of two. A schema changed under a
 * running instance (another one migrated) makes PostgreSQL refuse a statement prepared before
 * (0A000, "cached plan must not change result type"): it is run again unnamed, and prepared anew
 * under another name next time (SQLite prepares again by itself). In a transaction on PostgreSQL
 * it runs unnamed (a refused statement would abort the transaction).
 */
export async function preparedRows<T = Record<string, unknown>>(db: Db, sql: string, bindings: readonly unknown[]): Promise<T[]> {
  const values = bindings as readonly Knex.RawBinding[];
  const name = statementName(sql);
  if (!isPostgres(db)) return (await db.raw(sql, values).options(name ? { name } : {})) as T[];
  // In a transaction PostgreSQL would abort it on a refused statement: there it runs unnamed.
  if ((db as Knex.Transaction).isTransaction) return (await db.raw(sql, values)).rows as T[];
  try {
    return (await db.raw(sql, values).options(name ? { name } : {})).rows as T[];
  } catch (e) {
    if (!name || (e as { code?: string }).code !== '0A000') throw e;
    statementNames.set(sql, `${name}_${Date.now().toString(36)}`);
    return (await db.raw(sql, values)).rows as T[];
  }
}

/** A select built with knex, run as preparedRows. */
export function selectPrepared<T = Record<string, unknown>>(db: Db, qb: Knex.QueryBuilder): Promise<T[]> {
  const { sql, bindings } = qb.toSQL();
  return preparedRows<T>(db, sql, bindings);
}

// ---------------------------------------------------------------------------------------------
// Issue 15: PostgreSQL statements composed into one.

/** A statement with `?` placeholders and its values, as knex's toSQL() gives it. */
export interface Statement { sql: string; bindings: readonly unknown[] }

/**
 * PostgreSQL only: statements run as one — each part a data-modifying WITH query of `final`, which may
 * read the parts' RETURNING rows by their names. One round trip instead of one per statement: while a
 * transaction holds a lock every other writer waits for (a case counter, the audit log's head), each
 * trip it makes is their wait too. The parts run on one snapshot and may not read each other's rows;
 * constraints are checked once all are in.
 *
 * `prepared`: a named prepared statement (as preparedRows; issue 15: a registration's statements are
 * long — PostgreSQL parsed and planned them in ~0.7 ms of its CPU each time). Only for a statement whose
 * result columns are fixed by its text — `final` selects no `*` (a part's rows as json, row_to_json, are
 * fine): when a table changes, PostgreSQL plans a prepared statement again by itself, but refuses to run
 * one whose result columns would change (0A000), and inside a transaction that refusal aborts it.
 */
export async function runTogetherPg<T = Record<string, unknown>>(
  trx: Knex.Transaction, parts: Array<[string, Statement]>, final: Statement, opts: { prepared?: boolean } = {},
): Promise<T[]> {
  const sql = `WITH ${parts.map(([name, p]) => `${name} AS (${p.sql})`).join(', ')} ${final.sql}`;
  const bindings = [...parts.flatMap(([, p]) => p.bindings), ...final.bindings] as Knex.RawBinding[];
  const name = opts.prepared ? statementName(sql) : undefined;
  return (await trx.raw(sql, bindings).options(name ? { name } : {})).rows as T[];
}

