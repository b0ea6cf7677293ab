import knexFactory from 'knex';
import type { Knex } from 'knex';
import { createRequire } from 'node:module';
import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CODE_ROOT, RUNNING_FROM_SOURCE } from '../server/paths.js';

export type Db = Knex | Knex.Transaction;
export type { Knex };

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** One place for the SQLite/PostgreSQL differences in connection set-up (stack-notes: knex). */
export function knexConfig(databaseUrl: string): Knex.Config {
  const migrations: Knex.MigratorConfig = { migrationSource: new MigrationSource(), tableName: MIGRATIONS_TABLE };
  if (isPostgresUrl(databaseUrl)) {
    return {
      client: 'pg',
      connection: databaseUrl,
      pool: {
        min: 0,
        max: 10,
        // A transaction left idle (its process hung between two statements) would hold its row locks —
        // a case counter, the audit log's head — and every writer behind them, for ever: PostgreSQL
        // ends it after a minute, and it rolls back. No transaction here waits that long between two
        // statements.
        afterCreate(conn: { query: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null, conn: unknown) => void) {
          conn.query(`SET idle_in_transaction_session_timeout = '${PG_IDLE_IN_TRANSACTION_TIMEOUT}'`, (err) => done(err, conn));
        },
      },
      migrations,
    };
  }
  const file = sqliteFileOf(databaseUrl);
  createPrivately(file);
  return {
    client: SqliteClient as unknown as typeof Knex.Client,
    connection: { filename: file },
    useNullAsDefault: true,
    migrations,
    // Issue 15: several connections, so that reads run side by side (WAL lets readers go on while one
    // connection writes) instead of queueing for the one connection knex gives SQLite by default.
    // Writers take turns: every transaction begins IMMEDIATE (below), and the busy timeout waits.
    pool: {
      min: 1,
      max: SQLITE_POOL_SIZE,
      afterCreate(conn: { run: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null, conn: unknown) => void) {
        // Busy timeout for several processes, WAL for concurrent readers, FKs on (off by default in SQLite).
        conn.run('PRAGMA busy_timeout = 10000', (e1) => {
          if (e1) return done(e1, conn);
          conn.run('PRAGMA journal_mode = WAL', (e2) => {
            if (e2) return done(e2, conn);
            conn.run('PRAGMA foreign_keys = ON', (e3) => done(e3, conn));
          });
        });
      },
    },
  };
}

/** How long PostgreSQL lets a transaction of the desk sit idle before ending it (knexConfig). */
export const PG_IDLE_IN_TRANSACTION_TIMEOUT = '1min';

/** SQLite connections per process: reads run in parallel on libuv's threads (4 by default). */
export const SQLITE_POOL_SIZE = 4;

/*
 * knex's SQLite transactions begin DEFERRED: a transaction that reads, then writes, while another
 * connection has written since its read began fails with SQLITE_BUSY at once, whatever the busy
 * timeout (stack-notes). With more than one connection that happens within one process too, so every
 * transaction here begins IMMEDIATE: it takes the write lock first (waiting for it under the busy
 * timeout), and what it reads stays true until it commits.
 */
const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const KnexSqlite = require('knex/lib/dialects/sqlite3/index.js') as any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const KnexSqliteTransaction = require('knex/lib/dialects/sqlite3/execution/sqlite-transaction.js') as any;
/**
 * One writing transaction per database file at a time in this process, queued here before it takes a
 * connection: a writer waiting in SQLite's busy handler blocks one of libuv's few threads, and enough
 * of them would starve the transaction holding the lock of the thread it needs to commit. Other
 * processes still wait under the busy timeout.
 */
const writerQueues = new Map<string, Promise<void>>();
async function writeTurn(file: string): Promise<() => void> {
  const asked = performance.now();
  const before = writerQueues.get(file) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((ok) => (release = ok));
  const tail = before.then(() => mine);
  writerQueues.set(file, tail);
  await before;
  const began = performance.now();
  return () => {
    release();
    if (writerQueues.get(file) === tail) writerQueues.delete(file);
    if (turnObservers.size === 0) return;
    const turn: WriteTurn = { file, waitedMs: began - asked, heldMs: performance.now() - began };
    for (const observe of turnObservers) observe(turn);
  };
}

/**
 * One SQLite write transaction's turn in this process: how long it waited for the writers before it
 * and how long it held the database (from taking a connection through BEGIN IMMEDIATE to COMMIT).
 * Issue 15: writers take turns, so registrations per second on SQLite are at most 1000 / heldMs — the
 * figure `npm run bench:api` prints and /metrics exposes.
 */
export interface WriteTurn { file: string; waitedMs: number; heldMs: number }
const turnObservers = new Set<(turn: WriteTurn) => void>();

/** Calls `observe` after every SQLite write transaction of this process; returns what stops it. */
export function observeWriteTurns(observe: (turn: WriteTurn) => void): () => void {
  turnObservers.add(observe);
  return () => void turnObservers.delete(observe);
}

/** The database file a SQLite URL names, as the writers' turns report it. */
export function sqliteFileOf(databaseUrl: string): string {
  return resolve(databaseUrl.replace(/^sqlite:(\/\/)?/, ''));
}

class ImmediateTransaction extends KnexSqliteTransaction {
  begin(conn: unknown) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return (this as any).query(conn, 'BEGIN IMMEDIATE;');
  }
  async acquireConnection(config: unknown, cb: unknown) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const self = this as any;
    // A nested transaction (a savepoint), or one knex runs on a connection it already holds (its SQLite
    // schema changes inside a migration's transaction), goes on that connection's turn.
    if (self.outerTx || (config as { connection?: unknown } | undefined)?.connection) return super.acquireConnection(config, cb);
    const done = await writeTurn(String(self.client.connectionSettings?.filename));
    try {
      return await super.acquireConnection(config, cb);
    } finally {
      done();
    }
  }
}
/** A prepared sqlite3 statement, as much of node-sqlite3's API as is used here. */
interface SqliteStatement {
  all(params: unknown[], cb: (this: unknown, err: Error | null, rows: unknown[]) => void): void;
  run(params: unknown[], cb: (this: unknown, err: Error | null) => void): void;
  finalize(cb?: () => void): void;
}
interface SqliteConnection {
  prepare(sql: string, cb: (err: Error | null) => void): SqliteStatement;
  close(cb: (err: Error | null) => void): void;
}
/** Statements kept prepared per connection: reads by the name they are given, writes by their text. */
const preparedOf = new WeakMap<SqliteConnection, { named: Map<string, SqliteStatement>; text: Map<string, SqliteStatement> }>();
/** Names kept per connection; a read beyond them is prepared for its one run, as any other. */
const MAX_PREPARED_PER_CONNECTION = 200;
/** Statements kept by their text per connection; beyond that the least recently used is finalized. */
export const MAX_KEPT_BY_TEXT = 256;
/** What is kept by its text: the writes knex builds, and the transaction statements. */
const KEPT_BY_TEXT = /^(insert|update|delete|begin immediate;?$|commit;?$|rollback;?$)/i;

/** Statements prepared and dropped (the least recently used beyond the limit) by runKept, for tests and metrics. */
export const keptStatements = { prepared: 0, evicted: 0 };

function keptOf(connection: SqliteConnection, which: 'named' | 'text'): Map<string, SqliteStatement> {
  let kept = preparedOf.get(connection);
  if (!kept) preparedOf.set(connection, (kept = { named: new Map(), text: new Map() }));
  return kept[which];
}

/**
 * Runs `obj` (a knex query) on the statement the connection keeps under `key` (a read's name, or a
 * statement's text), preparing and keeping it the first time. Named reads stop being kept past their limit; statements kept by text drop the least
 * recently used. node-sqlite3 queues the runs of one statement, so two of the same text at once
 * (statements sent together) each bind and run in turn.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function runKept(connection: SqliteConnection, by: 'named' | 'text', key: string, obj: any, method: 'all' | 'run'): Promise<unknown> {
  const kept = keptOf(connection, by);
  const byText = by === 'text';
  const cached = kept.get(key);
  return new Promise((resolve, reject) => {
    const run = (statement: SqliteStatement) => statement[method](obj.bindings ?? [], function (this: unknown, err: Error | null, rows?: unknown) {
      if (err) return reject(err);
      obj.response = rows;
      // knex reads lastID and changes from the context of a run, as from connection.run's.
      obj.context = this;
      resolve(obj);
    });
    if (cached) {
      if (byText) {
        kept.delete(key);
        kept.set(key, cached);
      }
      return run(cached);
    }
    keptStatements.prepared++;
    const statement = connection.prepare(obj.sql, (err) => {
      if (err) return reject(err);
      const mayKeep = byText || kept.size < MAX_PREPARED_PER_CONNECTION;
      if (mayKeep && !kept.has(key)) {
        kept.set(key, statement);
        if (byText && kept.size > MAX_KEPT_BY_TEXT) {
          const [oldest, st] = kept.entries().next().value as [string, SqliteStatement];
          kept.delete(oldest);
          keptStatements.evicted++;
          st.finalize();
        }
      }
      run(statement);
      if (kept.get(key) !== statement) statement.finalize();
    });
  });
}

class SqliteClient extends KnexSqlite {
  transaction(container: unknown, config: unknown, outerTx: unknown) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return new (ImmediateTransaction as any)(this, container, config, outerTx);
  }

  /**
   * Issue 15: a read given a statement name (`.options({ name })`, db/dialect.ts preparedRows) runs
   * on a statement this connection prepared the first time and keeps: SQLite parses and plans it once,
   * and each run is one trip to libuv's threads instead of two (prepare, then run). The same option
   * makes a named prepared statement on PostgreSQL. Everything else as knex runs it.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  _query(connection: SqliteConnection, obj: any) {
    const name: string | undefined = obj?.options?.name;
    if (name && obj.method === 'raw') return runKept(connection, 'named', name, obj, 'all');
    // Every insert, update and delete, and the transactions' BEGIN, COMMIT and ROLLBACK, run on a
    // statement kept by its text (a few hundred shapes at most; the least recently used goes first):
    // a write transaction's statements each wait for libuv once instead of twice, which the writer's
    // turn is held for (issue 15: a registration runs about a dozen).
    if (typeof obj?.sql === 'string' && KEPT_BY_TEXT.test(obj.sql)) {
      const callMethod = (obj.method === 'insert' || obj.method === 'update') && !obj.returning ? 'run'
        : obj.method === 'counter' || obj.method === 'del' ? 'run' : 'all';
      return runKept(connection, 'text', obj.sql, obj, callMethod);
    }
    return super._query(connection, obj);
  }

  /** A connection's kept statements are finalized before it closes (SQLite refuses to close with them open). */
  async destroyRawConnection(connection: SqliteConnection) {
    const kept = preparedOf.get(connection);
    if (kept) {
      preparedOf.delete(connection);
      const all = [...kept.named.values(), ...kept.text.values()];
      await Promise.all(all.map((st) => new Promise<void>((ok) => st.finalize(() => ok()))));
    }
    return super.destroyRawConnection(connection);
  }
}

const MIGRATIONS_TABLE = 'knex_migrations';
const MIGRATIONS_DIR = join(CODE_ROOT, 'db', 'migrations');
const MIGRATION_FILE = RUNNING_FROM_SOURCE ? /^(\d{14}_[\w-]+)\.ts$/ : /^(\d{14}_[\w-]+)\.js$/;
/** `20261122000001_foundation.ts` or `.js` (as knex's own loader recorded them) → `20261122000001_foundation`. */
export const migrationName = (file: string) => file.replace(/\.(ts|js|mjs|cjs)$/, '');

interface MigrationFile { name: string; file: string }

/**
 * Issue 15: migrations are recorded by name, without the file's extension, so a database made by the
 * source (`npm run dev`, tsx: `.ts`) opens under the build (`npm start`: `.js`) and back. knex's own
 * loader recorded the file name, extension included; `migrateLatest` renames such rows first.
 */
class MigrationSource implements Knex.MigrationSource<MigrationFile> {
  async getMigrations(): Promise<MigrationFile[]> {
    return readdirSync(MIGRATIONS_DIR)
      .map((file) => MIGRATION_FILE.exec(file))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ name: m[1]!, file: m[0] }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
  getMigrationName(m: MigrationFile): string {
    return m.name;
  }
  async getMigration(m: MigrationFile): Promise<Knex.Migration> {
    return import(pathToFileURL(join(MIGRATIONS_DIR, m.file)).href) as Promise<Knex.Migration>;
  }
}

/** Rows knex recorded with the file's extension (before issue 15), renamed to the bare name. */
async function stripRecordedExtensions(db: Knex): Promise<number> {
  if (!(await db.schema.hasTable(MIGRATIONS_TABLE))) return 0;
  const rows: { id: number; name: string }[] = await db(MIGRATIONS_TABLE).select('id', 'name');
  let renamed = 0;
  for (const row of rows) {
    const bare = migrationName(row.name);
    if (bare === row.name) continue;
    await db(MIGRATIONS_TABLE).where({ id: row.id }).update({ name: bare });
    renamed++;
  }
  return renamed;
}

export function createDb(databaseUrl: string): Knex {
  return knexFactory(knexConfig(databaseUrl));
}

/**
 * Hardening finding 16: the database file is the desk's alone (0600, in a 0700 folder). SQLite
 * creates its -wal and -shm files with the mode of the database file, so making the (empty) file
 * ourselves before SQLite opens it covers them too; an older, wider file is narrowed.
 */
function createPrivately(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    try {
      if (statSync(f).mode & 0o077) chmodSync(f, 0o600);
    } catch {
      // not there (yet)
    }
  }
}

/**
 * Schema to latest. `dataDir` is the configured DATA_DIR, for migrations that move files into the
 * database (20261122000010: attachments); without it they read DATA_DIR from the environment.
 */
export async function migrateLatest(db: Knex, opts: { dataDir?: string } = {}): Promise<[number, string[]]> {
  await stripRecordedExtensions(db);
  return (opts.dataDir ? db.withUserParams({ ...db.userParams, dataDir: opts.dataDir }) : db).migrate.latest();
}

/** Migrations the code has and the database has not run (read only: a restricted role can ask). */
export async function pendingMigrations(db: Knex): Promise<string[]> {
  // Never migrated: say so without creating knex's bookkeeping tables (a restricted role could not).
  if (!(await db.schema.hasTable('knex_migrations'))) return ['all of them (the database was never migrated)'];
  // Compared by bare name, without knex's check: rows recorded with an extension still count as run
  // (the owner's next `migrate` renames them; a restricted role may not).
  const done = new Set((await db(MIGRATIONS_TABLE).pluck('name')).map((n: string) => migrationName(n)));
  return (await new MigrationSource().getMigrations()).map((m) => m.name).filter((n) => !done.has(n));
}

export function isPostgres(db: Db): boolean {
  return db.client.config.client === 'pg';
}

/** Unique-constraint violation on either database. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; errno?: number; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT' && /UNIQUE/.test(e.message ?? '');
}
