import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Knex } from 'knex';

// Hardening finding 2: attachment bytes live in the database, written in the transaction of their
// row (as issued documents' PDFs are), instead of content-addressed files under DATA_DIR/attachments
// written before it. A refused request can then no longer delete a file a concurrent request is
// committing, a killed process leaves nothing behind, and instances need no shared disk.
//
// One row per distinct content (SHA-256), referenced by every attachment with that content: a
// transfer (转办) and a re-uploaded scan cost a row, not another copy of the bytes, and lists never
// load bytes. `bytes` is null when the file was missing when moved in: its downloads answer 410,
// and an upload of the same content later fills it in.

/**
 * DATA_DIR, for moving the old files in: from migrateLatest (`userParams.dataDir`, the server's own
 * configuration) or, for a bare `knex migrate`, the environment by the rule of server/config.ts.
 */
function dataDirOf(knex: Knex): string {
  const fromConfig = (knex.userParams as { dataDir?: unknown } | undefined)?.dataDir;
  return typeof fromConfig === 'string' && fromConfig ? fromConfig : resolve(process.env.DATA_DIR ?? './data');
}

const sha256Of = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('attachment_contents', (t) => {
    t.string('sha256', 64).primary();
    t.integer('size').notNullable();
    t.binary('bytes').nullable(); // bytea on PostgreSQL, BLOB on SQLite
    t.string('created_at', 30).notNullable();
  });

  // Move the files in, one content at a time (a row per SHA-256 even when several paths name it).
  const dir = dataDirOf(knex);
  const rows: { sha256: string; storage_path: string; size: number }[] = await knex('attachments').orderBy('id').select('sha256', 'storage_path', 'size');
  const paths = new Map<string, { size: number; paths: Set<string> }>();
  for (const r of rows) {
    const entry = paths.get(r.sha256) ?? { size: Number(r.size), paths: new Set<string>() };
    entry.paths.add(r.storage_path);
    paths.set(r.sha256, entry);
  }
  const now = new Date().toISOString();
  const missing: string[] = [];
  for (const [sha256, { size, paths: candidates }] of paths) {
    let bytes: Buffer | null = null;
    for (const p of candidates) {
      try {
        const b = await readFile(join(dir, p));
        // A truncated or altered file is as good as a missing one: never serve other bytes than were uploaded.
        if (sha256Of(b) === sha256) {
          bytes = b;
          break;
        }
      } catch {
        // missing or unreadable: try the next path, else keep the row without bytes
      }
    }
    if (!bytes) missing.push(sha256);
    await knex('attachment_contents').insert({ sha256, size: bytes?.length ?? size, bytes, created_at: now });
  }
  if (paths.size) {
    console.log(
      `attachments: ${paths.size - missing.length} file(s) moved from ${join(dir, 'attachments')} into the database; ` +
        'the folder is no longer read and may be deleted once a backup of the database is taken (附件已迁入数据库)',
    );
  }
  if (missing.length) {
    console.warn(`attachments: ${missing.length} file(s) missing or altered, their downloads answer 410 until restored (附件内容缺失): ${missing.join(', ')}`);
  }

  await knex.schema.alterTable('attachments', (t) => {
    t.dropColumn('storage_path');
    t.foreign('sha256').references('sha256').inTable('attachment_contents');
  });
}

export async function down(knex: Knex): Promise<void> {
  // Back to files: the bytes are written out where the old code looks for them, before the rows lose them.
  const dir = dataDirOf(knex);
  const hashes: { sha256: string }[] = await knex('attachment_contents').whereNotNull('bytes').select('sha256');
  for (const { sha256 } of hashes) {
    const { bytes } = await knex('attachment_contents').where({ sha256 }).first('bytes');
    const file = join(dir, 'attachments', sha256.slice(0, 2), sha256);
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(file, Buffer.from(bytes), { mode: 0o600 });
  }
  await knex.schema.alterTable('attachments', (t) => {
    t.dropForeign(['sha256']);
    t.string('storage_path', 255).nullable();
  });
  await knex('attachments').update({ storage_path: knex.raw(`'attachments/' || substr(sha256, 1, 2) || '/' || sha256`) });
  await knex.schema.dropTableIfExists('attachment_contents');
}
