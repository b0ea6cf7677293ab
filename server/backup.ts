// `disclosure-desk backup FILE` and `restore FILE [--force]` (issue 15). SQLite: an online, consistent
// copy (VACUUM INTO, while servers keep running), restored by putting the file in place. PostgreSQL:
// pg_dump's custom format, restored by pg_restore in one transaction. A restore goes into an empty
// database only, unless --force (which replaces what is there). Backups hold personal data: written 0600.
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, existsSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Knex } from 'knex';
import { createDb, isPostgresUrl, sqliteFileOf } from '../db/knex.js';

export class BackupError extends Error {}

const SQLITE_MAGIC = 'SQLite format 3\u0000';
const PGDUMP_MAGIC = 'PGDMP';

function head(file: string, n: number): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const read = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, read).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

/** The tables of the database (none: empty, a restore may go there). */
export async function userTables(db: Knex): Promise<string[]> {
  if (db.client.config.client === 'pg') {
    return (await db('pg_tables').where({ schemaname: db.raw('current_schema()') }).orderBy('tablename').pluck('tablename')) as string[];
  }
  return (await db('sqlite_master').where({ type: 'table' }).whereNot('name', 'like', 'sqlite_%').orderBy('name').pluck('name')) as string[];
}

/**
 * pg_dump / pg_restore: the newest under /usr/lib/postgresql/<version>/bin (Debian keeps several
 * versions side by side, and a dump needs a client at least as new as the server), else on PATH.
 */
export function pgTool(name: 'pg_dump' | 'pg_restore'): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => /^\d+(\.\d+)?$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const p = join(root, v, 'bin', name);
      if (existsSync(p)) return p;
    }
  }
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  throw new BackupError(`${name} not found (install the PostgreSQL client: apt-get install postgresql-client) / 未找到 ${name}`);
}

/** The URL without its password, and the password for PGPASSWORD (not on the command line, where `ps` shows it). */
function pgConnection(databaseUrl: string): { url: string; env: NodeJS.ProcessEnv } {
  const u = new URL(databaseUrl.replace(/^postgres:/, 'postgresql:'));
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { url: u.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'inherit', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e) => reject(new BackupError(`${cmd}: ${e.message}`)));
    child.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new BackupError(`${cmd.split('/').pop()} failed (exit ${code}): ${err.trim()}`))));
  });
}

/** Private files: what this process creates now is 0600 (backups hold applicants' personal data). */
async function privately<T>(fn: () => Promise<T>): Promise<T> {
  const old = process.umask(0o077);
  try {
    return await fn();
  } finally {
    process.umask(old);
  }
}

export interface BackupResult { file: string; bytes: number; kind: 'sqlite' | 'postgres' }

/** Writes a backup of the database to `file` (refused if it exists). Servers may keep running. */
export async function backupDatabase(databaseUrl: string, file: string): Promise<BackupResult> {
  const target = resolve(file);
  if (existsSync(target)) throw new BackupError(`${target} already exists; choose a new file name / 备份文件已存在`);
  if (isPostgresUrl(databaseUrl)) {
    const { url, env } = pgConnection(databaseUrl);
    await privately(() => run(pgTool('pg_dump'), ['--format=custom', '--no-owner', '--no-privileges', `--file=${target}`, `--dbname=${url}`], env));
    chmodSync(target, 0o600);
    return { file: target, bytes: statSync(target).size, kind: 'postgres' };
  }
  const db = createDb(databaseUrl);
  try {
    // A consistent copy of a live database (readers and writers go on), compacted, without the WAL.
    await privately(() => db.raw('VACUUM INTO ?', [target]));
  } finally {
    await db.destroy();
  }
  chmodSync(target, 0o600);
  return { file: target, bytes: statSync(target).size, kind: 'sqlite' };
}

export interface RestoreResult { tables: number; kind: 'sqlite' | 'postgres' }

/**
 * Restores `file` into the database. Refused into a database that has tables unless `force` (which
 * replaces them). Stop the servers first: a restore under a running server is not supported.
 */
export async function restoreDatabase(databaseUrl: string, file: string, opts: { force?: boolean } = {}): Promise<RestoreResult> {
  const source = resolve(file);
  if (!existsSync(source)) throw new BackupError(`${source} does not exist / 备份文件不存在`);
  const magic = head(source, 16);
  const kind = isPostgresUrl(databaseUrl) ? 'postgres' : 'sqlite';
  if (kind === 'postgres' && !magic.startsWith(PGDUMP_MAGIC)) {
    throw new BackupError(`${source} is not a PostgreSQL backup of disclosure-desk backup (pg_dump custom format)${magic === SQLITE_MAGIC ? ': it is a SQLite backup' : ''} / 不是 PostgreSQL 备份文件`);
  }
  if (kind === 'sqlite' && magic !== SQLITE_MAGIC) {
    throw new BackupError(`${source} is not a SQLite database${magic.startsWith(PGDUMP_MAGIC) ? ': it is a PostgreSQL backup' : ''} / 不是 SQLite 备份文件`);
  }
  const db = createDb(databaseUrl);
  let existing: string[];
  try {
    existing = await userTables(db);
  } finally {
    await db.destroy();
  }
  if (existing.length && !opts.force) {
    throw new BackupError(
      `the database is not empty (${existing.length} tables): restore into an empty database, or pass --force to replace its contents ` +
        '/ 目标数据库非空；如确需覆盖，请加 --force',
    );
  }
  if (kind === 'postgres') {
    const { url, env } = pgConnection(databaseUrl);
    // No comments: the dump resets the comment of schema public, which only its owner may (the desk's tables have none).
    const args = ['--no-owner', '--no-privileges', '--no-comments', '--single-transaction', '--exit-on-error', `--dbname=${url}`];
    if (existing.length) args.push('--clean', '--if-exists');
    await run(pgTool('pg_restore'), [...args, source], env);
  } else {
    // The file put in place whole (a copy renamed over the database), the old WAL removed with it.
    const target = sqliteFileOf(databaseUrl);
    const tmp = `${target}.restoring`;
    await privately(async () => copyFileSync(source, tmp));
    chmodSync(tmp, 0o600);
    for (const f of [`${target}-wal`, `${target}-shm`, `${target}-journal`]) rmSync(f, { force: true });
    renameSync(tmp, target);
    const check = createDb(databaseUrl);
    try {
      const [row] = (await check.raw('PRAGMA integrity_check')) as { integrity_check: string }[];
      if (row?.integrity_check !== 'ok') throw new BackupError(`the restored database fails its integrity check: ${row?.integrity_check}`);
    } finally {
      await check.destroy();
    }
  }
  const after = createDb(databaseUrl);
  try {
    return { tables: (await userTables(after)).length, kind };
  } finally {
    await after.destroy();
  }
}
