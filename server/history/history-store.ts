import type { Knex } from 'knex';
import { isPostgres, type Db } from '../../db/knex.js';
import { insertedId } from '../../db/dialect.js';
import { CHAINS, chainHash, GENESIS, type HistoryTable } from '../../db/history-hash.js';

// All SQL of the history chains (db/history-hash.ts says what is hashed and why). The feature stores
// that own a history table (audit.ts, cases/application-store.ts, appeals/appeal-store.ts) insert
// through these functions and nothing else.

export type CaseChainTable = 'application_events' | 'appeal_events';
export type TableChain = 'audit_log';

/**
 * Appends an event to its case's (or appeal's) chain, inside the event's transaction: `prev_hash` is
 * the hash of the case's latest event before this `seq`. No lock beyond the event's own: two events
 * racing on one case insert the same (parent, seq) and one of them fails on the unique key.
 */
/** The first row of a case's chain (seq 1) as it is stored, and its hash: nothing comes before it. */
export function firstOfCaseChain(table: CaseChainTable, row: Record<string, unknown>): { row: Record<string, unknown>; hash: string } {
  const hash = chainHash(table, GENESIS, row);
  return { row: { ...row, prev_hash: GENESIS, hash }, hash };
}

export async function appendToCaseChain(trx: Knex.Transaction, table: CaseChainTable, row: Record<string, unknown>): Promise<string> {
  const parent = CHAINS[table].parent!;
  // The first event (seq 1, a registration) has nothing before it: no query (issue 15).
  const before = (row.seq as number) <= 1 ? undefined : await trx(table).where(parent, row[parent] as number).andWhere('seq', '<', row.seq as number)
    .orderBy('seq', 'desc').first('hash');
  const prev: string = before?.hash ?? GENESIS;
  const hash = chainHash(table, prev, row);
  await trx(table).insert({ ...row, prev_hash: prev, hash });
  return hash;
}

/**
 * Appends a row to a table-wide chain. Write first: the chain's head row is updated (and so locked,
 * on PostgreSQL until commit; on SQLite the write lock is taken) before the previous hash is read, so
 * two transactions can never chain to the same row, and SQLite does not read-then-write
 * (stack-notes). The head keeps the chain's length and last hash: a tail cut off the table no longer
 * matches it. `build` runs under the lock, so times in the chain do not go backwards.
 */
export async function appendToTableChain(trx: Knex.Transaction, table: TableChain, build: () => Record<string, unknown>): Promise<{ id: number; hash: string }> {
  const prev = await takeTableChainHead(trx, table, 1);
  const [appended] = await appendUnderHead(trx, table, prev, [build()]);
  return appended!;
}

/**
 * The first step of appending `count` rows to a table-wide chain (appendToTableChain): the head's
 * length grows by `count` — which locks it until the commit — and the last hash before them is
 * returned. The caller builds its rows after this and appends them with appendUnderHead (issue 15:
 * a registration takes the head alongside its other statements and appends its two entries at once).
 */
export async function takeTableChainHead(trx: Knex.Transaction, table: TableChain, count: number): Promise<string> {
  const [head] = await trx('history_heads').where({ chain: table }).increment('length', count).returning(['hash']);
  if (!head) throw new Error(`history_heads has no row for ${table}: the database is not migrated`);
  holding[table].add(trx);
  return String((head as { hash: string }).hash);
}

/**
 * The rows, chained in their order after `prev` (what takeTableChainHead returned for as many rows),
 * inserted in one statement; then the head set to the last of them.
 */
export async function appendUnderHead(trx: Knex.Transaction, table: TableChain, prev: string, rows: Array<Record<string, unknown>>): Promise<Array<{ id: number; hash: string }>> {
  const chained = chainedRows(table, prev, rows);
  const inserted: Array<{ id: number | string; hash: string }> = await trx(table).insert(chained).returning(['id', 'hash']);
  const idOf = new Map(inserted.map((r) => [r.hash, insertedId(r)]));
  const appended = chained.map((r) => ({ id: idOf.get(r.hash)!, hash: r.hash }));
  const last = appended.at(-1)!;
  await trx('history_heads').where({ chain: table }).update({ hash: last.hash, last_id: last.id });
  return appended;
}

/** The rows linked in their order after `prev`, as stored (appendUnderHead inserts them). */
export function chainedRows(table: TableChain, prev: string, rows: Array<Record<string, unknown>>): Array<Record<string, unknown> & { hash: string }> {
  let before = prev;
  return rows.map((row) => {
    const hash = chainHash(table, before, row);
    const linked = { ...row, prev_hash: before, hash };
    before = hash;
    return linked;
  });
}

/** Transactions that hold a chain's head already (its row updated or locked): nothing to take again. */
const holding: Record<TableChain, WeakSet<Knex.Transaction>> = { audit_log: new WeakSet() };

/**
 * Takes the chain's head lock without appending: from here to the commit, every other transaction
 * that appends to the chain (or holds it so) waits. The change feed (server/change-feed.ts) holds the
 * audit log's head so that its cursors are handed out in commit order. On SQLite, where one writer at a
 * time holds the database until its commit, it is the transaction's write lock that is taken here —
 * by writing first (a row updated to itself), so that a transaction that has only read so far is not
 * refused with SQLITE_BUSY when it goes on to write (stack-notes).
 */
export async function holdTableChainHead(trx: Knex.Transaction, table: TableChain): Promise<void> {
  // Held until the commit once taken (a savepoint is a transaction object of its own, and takes it again).
  if (holding[table].has(trx)) return;
  const held = isPostgres(trx)
    ? await trx('history_heads').where({ chain: table }).forUpdate().first('chain')
    : (await trx('history_heads').where({ chain: table }).update({ chain: table })) === 1;
  if (!held) throw new Error(`history_heads has no row for ${table}: the database is not migrated`);
  holding[table].add(trx);
}

// ---------------------------------------------------------------------------------------------
// Reads for the verifier: keyset pages in chain order (a million rows never sit in memory at once).

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HistoryRow = Record<string, any>;

export async function pageOfCaseChains(db: Db, table: CaseChainTable, after: { parent: number; seq: number } | null, limit: number): Promise<HistoryRow[]> {
  const parent = CHAINS[table].parent!;
  const q = db(table).orderBy([parent, 'seq']).limit(limit);
  if (after) q.whereRaw('(??, ??) > (?, ?)', [parent, 'seq', after.parent, after.seq]);
  return q;
}

export async function pageOfTableChain(db: Db, table: TableChain, afterId: number, limit: number): Promise<HistoryRow[]> {
  return db(table).where('id', '>', afterId).orderBy('id').limit(limit);
}

export interface ChainHead { length: number; lastId: number | null; hash: string }

export async function readChainHead(db: Db, table: TableChain): Promise<ChainHead | null> {
  const r = await db('history_heads').where({ chain: table }).first();
  return r ? { length: Number(r.length), lastId: r.last_id === null ? null : Number(r.last_id), hash: r.hash } : null;
}

export async function findTableChainRow(db: Db, table: TableChain, id: number): Promise<HistoryRow | undefined> {
  return db(table).where({ id }).first();
}

/** The stored hashes of the named events ([parent id, seq] pairs). */
export async function eventHashes(db: Db, table: CaseChainTable, keys: [number, number][]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const parent = CHAINS[table].parent!;
  for (let i = 0; i < keys.length; i += 400) {
    const rows = await db(table).whereIn([parent, 'seq'], keys.slice(i, i + 400)).select(parent, 'seq', 'hash');
    for (const r of rows) out.set(`${r[parent]}:${r.seq}`, r.hash);
  }
  return out;
}

export interface IssuedDocumentFacts { id: number; number: string | null; sha256: string | null; body: string }

export async function issuedDocumentFacts(db: Db, ids: number[]): Promise<Map<number, IssuedDocumentFacts>> {
  const out = new Map<number, IssuedDocumentFacts>();
  for (let i = 0; i < ids.length; i += 400) {
    const rows = await db('documents').whereIn('id', ids.slice(i, i + 400)).select('id', 'number', 'sha256', 'body');
    for (const r of rows) out.set(Number(r.id), { id: Number(r.id), number: r.number, sha256: r.sha256, body: r.body });
  }
  return out;
}

/** How a break names its case or appeal: the case number a person can look up. */
export async function chainName(db: Db, table: CaseChainTable, parentId: number): Promise<string> {
  if (table === 'application_events') {
    const r = await db('applications').where({ id: parentId }).first('case_number');
    return r ? `case ${r.case_number}` : `application ${parentId}`;
  }
  const r = await db('appeals').where({ id: parentId }).first('external_case_number');
  return r ? `appeal ${parentId} (${r.external_case_number})` : `appeal ${parentId}`;
}
