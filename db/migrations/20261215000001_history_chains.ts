import type { Knex } from 'knex';
import { CHAINS, chainHash, GENESIS, type HistoryTable } from '../history-hash.js';

// Hardening issue, finding 8: history that cannot be altered without detection. The three append-only
// history tables become hash chains (db/history-hash.ts: what is hashed, and why application and appeal
// events chain per case while the audit log is one chain):
// - application_events, appeal_events: the record of each case and each appeal;
// - audit_log: who did what, including every event (with the event's hash) and every document issued
//   (with the PDF's and the text's SHA-256).
// Issued documents are not chained themselves (their row changes status when superseded): their
// bytes and text are anchored by their issue entry in the audit log, and the PDF is signed.
// `history_heads` holds the audit log's head (length, last id, last hash): appends lock it, and a
// tail cut off the log no longer matches it. The rows written before this migration are chained here,
// in order. Application and appeal events also become append-only in the database itself, as the
// audit log already was, and PostgreSQL refuses TRUNCATE of all three.

const isPg = (knex: Knex) => knex.client.config.client === 'pg';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('history_heads', (t) => {
    t.string('chain', 40).primary();
    t.integer('length').notNullable();
    t.integer('last_id').nullable();
    t.string('hash', 64).notNullable();
  });

  for (const table of Object.keys(CHAINS) as HistoryTable[]) {
    await knex.schema.alterTable(table, (t) => {
      if (isPg(knex)) {
        // Nullable until the rows below are chained, then NOT NULL (further down).
        t.string('prev_hash', 64).nullable();
        t.string('hash', 64).nullable();
      } else {
        // SQLite adds a NOT NULL column only with a default: a row inserted around the chain gets ''
        // and the verifier reports it.
        t.string('prev_hash', 64).notNullable().defaultTo('');
        t.string('hash', 64).notNullable().defaultTo('');
      }
    });
  }

  // The audit log refuses updates (20261122000001): let this migration, and only it, fill in the hashes.
  if (isPg(knex)) await knex.raw('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
  else {
    await knex.raw('DROP TRIGGER audit_log_no_update');
    await knex.raw('DROP TRIGGER audit_log_no_delete');
  }

  await chainCaseTable(knex, 'application_events');
  await chainCaseTable(knex, 'appeal_events');
  const head = await chainAuditLog(knex);
  await knex('history_heads').insert({ chain: 'audit_log', length: head.length, last_id: head.lastId, hash: head.hash });

  if (isPg(knex)) {
    await knex.raw('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update');
    for (const table of Object.keys(CHAINS)) {
      await knex.raw('ALTER TABLE ?? ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL', [table]);
    }
    await knex.raw(`CREATE FUNCTION history_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql`);
    for (const table of ['application_events', 'appeal_events']) {
      await knex.raw(`CREATE TRIGGER ${table}_no_update BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION history_append_only()`);
    }
    // Row triggers do not see TRUNCATE.
    for (const table of Object.keys(CHAINS)) {
      await knex.raw(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION history_append_only()`);
    }
  } else {
    for (const table of Object.keys(CHAINS)) {
      await knex.raw(`CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`);
      await knex.raw(`CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`);
    }
  }
}

const BATCH = 500;

/** Writes the hashes of one batch in one statement per batch (a large history has a million rows). */
async function writeHashes(knex: Knex, table: string, rows: { id: number; prev: string; hash: string }[]): Promise<void> {
  if (!rows.length) return;
  const cases = (key: 'prev' | 'hash') => ({
    sql: `CASE id ${rows.map(() => 'WHEN ? THEN ?').join(' ')} END`,
    bindings: rows.flatMap((r) => [r.id, r[key]]),
  });
  const prev = cases('prev');
  const hash = cases('hash');
  await knex.raw(`UPDATE ?? SET prev_hash = ${prev.sql}, hash = ${hash.sql} WHERE id IN (${rows.map(() => '?').join(',')})`, [
    table, ...prev.bindings, ...hash.bindings, ...rows.map((r) => r.id),
  ]);
}

async function chainCaseTable(knex: Knex, table: 'application_events' | 'appeal_events'): Promise<void> {
  const parent = CHAINS[table].parent!;
  let after: [number, number] | null = null;
  let current: number | null = null;
  let prev = GENESIS;
  for (;;) {
    const q = knex(table).orderBy([parent, 'seq']).limit(BATCH);
    if (after) q.whereRaw('(??, ??) > (?, ?)', [parent, 'seq', ...after]);
    const rows: Record<string, unknown>[] = await q;
    const out: { id: number; prev: string; hash: string }[] = [];
    for (const row of rows) {
      const p = Number(row[parent]);
      if (p !== current) {
        current = p;
        prev = GENESIS;
      }
      const hash = chainHash(table, prev, row);
      out.push({ id: Number(row.id), prev, hash });
      prev = hash;
    }
    await writeHashes(knex, table, out);
    if (rows.length < BATCH) return;
    const last = rows[rows.length - 1]!;
    after = [Number(last[parent]), Number(last.seq)];
  }
}

async function chainAuditLog(knex: Knex): Promise<{ length: number; lastId: number | null; hash: string }> {
  let lastId = 0;
  let prev = GENESIS;
  let length = 0;
  for (;;) {
    const rows: Record<string, unknown>[] = await knex('audit_log').where('id', '>', lastId).orderBy('id').limit(BATCH);
    const out: { id: number; prev: string; hash: string }[] = [];
    for (const row of rows) {
      const hash = chainHash('audit_log', prev, row);
      out.push({ id: Number(row.id), prev, hash });
      prev = hash;
      lastId = Number(row.id);
      length += 1;
    }
    await writeHashes(knex, 'audit_log', out);
    if (rows.length < BATCH) return { length, lastId: length ? lastId : null, hash: prev };
  }
}

export async function down(knex: Knex): Promise<void> {
  if (isPg(knex)) {
    for (const table of Object.keys(CHAINS)) await knex.raw(`DROP TRIGGER IF EXISTS ${table}_no_truncate ON ${table}`);
    for (const table of ['application_events', 'appeal_events']) await knex.raw(`DROP TRIGGER IF EXISTS ${table}_no_update ON ${table}`);
    await knex.raw('DROP FUNCTION IF EXISTS history_append_only()');
  } else {
    for (const table of ['application_events', 'appeal_events']) {
      await knex.raw(`DROP TRIGGER IF EXISTS ${table}_no_update`);
      await knex.raw(`DROP TRIGGER IF EXISTS ${table}_no_delete`);
    }
  }
  for (const table of Object.keys(CHAINS)) {
    // Native DROP COLUMN (not knex's copy of the table, which would lose the audit log's triggers).
    await knex.raw('ALTER TABLE ?? DROP COLUMN prev_hash', [table]);
    await knex.raw('ALTER TABLE ?? DROP COLUMN hash', [table]);
  }
  await knex.schema.dropTable('history_heads');
}
