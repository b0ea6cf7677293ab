// Tests that need history as an older version (or an intruder) left it.
import type { Knex } from 'knex';

const isPg = (db: Knex) => db.client.config.client === 'pg';
const rowsOf = (r: unknown): Record<string, unknown>[] => (Array.isArray(r) ? r : (r as { rows: Record<string, unknown>[] }).rows);

/**
 * Plays someone with the owner's powers (or the SQLite file in hand) changing history behind the
 * app: the append-only triggers are set aside for `fn` and put back after.
 */
export async function tamper(db: Knex, fn: () => Promise<void>): Promise<void> {
  const tables = ['application_events', 'appeal_events', 'audit_log'];
  if (isPg(db)) {
    for (const t of tables) await db.raw('ALTER TABLE ?? DISABLE TRIGGER USER', [t]);
    try {
      await fn();
    } finally {
      for (const t of tables) await db.raw('ALTER TABLE ?? ENABLE TRIGGER USER', [t]);
    }
    return;
  }
  const triggers = rowsOf(await db.raw(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('application_events', 'appeal_events', 'audit_log')`));
  for (const t of triggers) await db.raw(`DROP TRIGGER ${t.name}`);
  try {
    await fn();
  } finally {
    for (const t of triggers) await db.raw(String(t.sql));
  }
}

