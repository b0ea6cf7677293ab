import type { Knex } from 'knex';
import type { Db } from '../db/knex.js';
import { appendToTableChain, appendUnderHead, takeTableChainHead } from './history/history-store.js';

export interface Actor {
  id: number;
  username: string;
  role: string;
  agencyId: number;
}

export interface AuditEntry {
  actor: Pick<Actor, 'id' | 'username'> | null;
  action: string;
  entity?: string;
  entityId?: string | number;
  /**
   * Never identity data (ID numbers, phones): case numbers, field names, hashes. The one exception is
   * a document's wording, whose edits carry the old and the new text: the wording is the record.
   */
  detail?: Record<string, unknown>;
  ip?: string | null;
}

/**
 * Append-only (the database refuses updates and deletes) and hash-chained (history-store): written in
 * the caller's transaction, or in a transaction of its own when called outside one. In a longer
 * transaction, audit last: the log's head stays locked from here to the commit.
 */
export async function audit(db: Db, entry: AuditEntry): Promise<void> {
  const row = () => auditRow(entry);
  if ((db as Knex.Transaction).isTransaction) await appendToTableChain(db as Knex.Transaction, 'audit_log', row);
  else await db.transaction((trx) => appendToTableChain(trx, 'audit_log', row));
}

/**
 * Several entries of one transaction in their order, in three statements however many (issue 15).
 * `head`: the log's head already taken for exactly these entries (takeTableChainHead), or taken here.
 */
export async function auditAll(trx: Knex.Transaction, entries: AuditEntry[], head?: string): Promise<void> {
  const prev = head ?? (await takeTableChainHead(trx, 'audit_log', entries.length));
  await appendUnderHead(trx, 'audit_log', prev, entries.map(auditRow));
}

/** An entry as stored; built once the log's head is held, so that times in the chain never go backwards. */
export function auditRow(entry: AuditEntry): Record<string, unknown> {
  return {
    at: new Date().toISOString(),
    user_id: entry.actor?.id ?? null,
    username: entry.actor?.username ?? null,
    action: entry.action,
    entity: entry.entity ?? null,
    entity_id: entry.entityId === undefined ? null : String(entry.entityId),
    detail: entry.detail ? JSON.stringify(entry.detail) : null,
    ip: entry.ip ?? null,
  };
}

export interface AuditRow {
  id: number;
  at: string;
  username: string | null;
  action: string;
  entity: string | null;
  entityId: string | null;
  detail: Record<string, unknown> | null;
  ip: string | null;
}

export async function listAudit(
  db: Db,
  opts: { page: number; pageSize: number; action?: string; username?: string },
): Promise<{ total: number; rows: AuditRow[] }> {
  const base = db('audit_log');
  if (opts.action) base.where('action', opts.action);
  if (opts.username) base.where('username', opts.username);
  const countRow = await base.clone().count<{ n: number | string }[]>({ n: '*' }).first();
  const rows = await base
    .clone()
    .orderBy('id', 'desc')
    .limit(opts.pageSize)
    .offset((opts.page - 1) * opts.pageSize);
  return {
    total: Number(countRow?.n ?? 0),
    rows: rows.map((r) => ({
      id: r.id,
      at: r.at,
      username: r.username,
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      detail: r.detail ? JSON.parse(r.detail) : null,
      ip: r.ip,
    })),
  };
}
