import type { Db } from '../db/knex.js';

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
  /** Never personal data (ID numbers, phones): case numbers and field names only. */
  detail?: Record<string, unknown>;
  ip?: string | null;
}

/** Append-only (the database refuses updates and deletes); written in the caller's transaction. */
export async function audit(db: Db, entry: AuditEntry): Promise<void> {
  await db('audit_log').insert({
    at: new Date().toISOString(),
    user_id: entry.actor?.id ?? null,
    username: entry.actor?.username ?? null,
    action: entry.action,
    entity: entry.entity ?? null,
    entity_id: entry.entityId === undefined ? null : String(entry.entityId),
    detail: entry.detail ? JSON.stringify(entry.detail) : null,
    ip: entry.ip ?? null,
  });
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
