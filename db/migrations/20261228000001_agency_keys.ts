import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Knex } from 'knex';

// Issue 15: several instances, no shared disk. An agency's signing key and certificate chain live in
// the database as a PKCS#12 encrypted with the key passphrase (KEY_PASSPHRASE, never stored), so any
// instance that knows the passphrase signs; the certificate's facts beside it in clear (they are
// printed in every signed document anyway), so the admin page warns of expiry without the passphrase.
// Uploaded seal pictures move into the database too.
//
// Existing DATA_DIR/keys/*.p12 files are moved in at the next start (server/documents/agency-keys.ts
// moveKeyFilesIntoDatabase), which knows the passphrase and can read their certificates; this
// migration only moves the seal pictures, which need none.

function dataDirOf(knex: Knex): string {
  const fromConfig = (knex.userParams as { dataDir?: unknown } | undefined)?.dataDir;
  return typeof fromConfig === 'string' && fromConfig ? fromConfig : resolve(process.env.DATA_DIR ?? './data');
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('agency_keys', (t) => {
    t.integer('agency_id').primary().references('id').inTable('agencies');
    t.binary('p12').notNullable(); // bytea on PostgreSQL, BLOB on SQLite; encrypted with the key passphrase
    t.string('p12_sha256', 64).notNullable(); // which version of the key a server process holds decrypted
    t.boolean('self_signed').notNullable();
    t.string('subject', 500).notNullable();
    t.string('issuer', 500).notNullable();
    t.string('serial', 100).notNullable();
    t.string('fingerprint', 100).notNullable();
    t.string('not_before', 30).notNullable();
    t.string('not_after', 30).notNullable();
    t.integer('chain_length').notNullable(); // certificates above the agency's own in the file
    t.string('created_at', 30).notNullable();
  });

  await knex.schema.createTable('seal_images', (t) => {
    t.string('sha256', 64).primary();
    t.binary('png').notNullable();
    t.string('created_at', 30).notNullable();
  });

  const dir = join(dataDirOf(knex), 'seals');
  let names: string[] = [];
  try {
    names = (await readdir(dir)).filter((n) => /^[0-9a-f]{64}\.png$/.test(n));
  } catch {
    // no seals folder: nothing uploaded
  }
  const now = new Date().toISOString();
  let moved = 0;
  for (const name of names) {
    try {
      const png = await readFile(join(dir, name));
      const sha256 = createHash('sha256').update(png).digest('hex');
      if (`${sha256}.png` !== name) continue; // altered: the agency falls back to the drawn seal
      await knex('seal_images').insert({ sha256, png, created_at: now });
      moved++;
    } catch {
      // unreadable: as above
    }
  }
  if (moved) console.log(`seals: ${moved} picture(s) moved from ${dir} into the database; the folder is no longer read (印章图片已迁入数据库)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('seal_images');
  await knex.schema.dropTable('agency_keys');
}
