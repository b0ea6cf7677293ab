// All SQL of webhooks, their outbox and the delivery log (issue 14). The outbox rows themselves are
// written by server/change-feed.ts, in the transactions of the changes they announce.
import type { Db, Knex } from '../../db/knex.js';
import { insertedId, skipLockedRows } from '../../db/dialect.js';

export interface WebhookRow {
  id: number;
  clientId: number;
  url: string;
  events: string[];
  sealedSecret: string;
  createdAt: string;
  deletedAt: string | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const toWebhook = (r: any): WebhookRow => ({
  id: Number(r.id), clientId: Number(r.client_id), url: r.url, events: JSON.parse(r.events), sealedSecret: r.secret, createdAt: r.created_at, deletedAt: r.deleted_at ?? null,
});

export async function insertWebhook(db: Db, w: { clientId: number; url: string; events: string[]; sealedSecret: string; now: string }): Promise<number> {
  const [row] = await db('webhooks').insert({ client_id: w.clientId, url: w.url, events: JSON.stringify(w.events), secret: w.sealedSecret, created_at: w.now }).returning('id');
  return insertedId(row);
}

export async function listWebhooksOf(db: Db, clientId: number): Promise<WebhookRow[]> {
  return (await db('webhooks').where({ client_id: clientId }).whereNull('deleted_at').orderBy('id')).map(toWebhook);
}

export async function findWebhook(db: Db, id: number): Promise<WebhookRow | null> {
  const r = await db('webhooks').where({ id }).first();
  return r ? toWebhook(r) : null;
}

/** Deleted webhooks stay (their delivery log refers to them); what they still owed is cancelled. */
export async function markWebhookDeleted(db: Db, id: number, at: string): Promise<boolean> {
  const n = await db('webhooks').where({ id }).whereNull('deleted_at').update({ deleted_at: at });
  await db('webhook_deliveries').where({ webhook_id: id, status: 'pending' }).update({ status: 'cancelled', claim_token: null, claimed_until: null });
  return n === 1;
}

// ---------------------------------------------------------------------------------------------
// The outbox

export interface DeliveryRow {
  id: number;
  webhookId: number;
  changeId: number;
  messageId: string;
  type: string;
  payload: string;
  status: 'pending' | 'delivered' | 'failed' | 'cancelled';
  attempts: number;
  nextAttemptAt: string;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const toDelivery = (r: any): DeliveryRow => ({
  id: Number(r.id), webhookId: Number(r.webhook_id), changeId: Number(r.change_id), messageId: r.message_id, type: r.type, payload: r.payload, status: r.status,
  attempts: Number(r.attempts), nextAttemptAt: r.next_attempt_at, lastStatusCode: r.last_status_code === null ? null : Number(r.last_status_code),
  lastError: r.last_error ?? null, deliveredAt: r.delivered_at ?? null, createdAt: r.created_at,
});

/**
 * Claims up to `limit` due deliveries for one worker until `until`: only pending rows whose earlier
 * claim (if any) has lapsed. The conditions are repeated on the UPDATE itself: on PostgreSQL a row
 * another worker claimed meanwhile is re-checked against them (and rows being claimed are skipped);
 * SQLite runs one writer at a time.
 */
export async function claimDue(db: Db, token: string, now: string, until: string, limit: number): Promise<DeliveryRow[]> {
  const claimable = (q: Knex.QueryBuilder) =>
    q.where('status', 'pending').where('next_attempt_at', '<=', now).where((w) => w.whereNull('claimed_until').orWhere('claimed_until', '<', now));
  const due = skipLockedRows(db, claimable(db('webhook_deliveries')).select('id').orderBy('next_attempt_at').orderBy('id').limit(limit));
  await claimable(db('webhook_deliveries')).whereIn('id', due).update({ claim_token: token, claimed_until: until });
  return (await db('webhook_deliveries').where({ claim_token: token, status: 'pending' }).orderBy('id')).map(toDelivery);
}

export async function insertAttempt(db: Db, a: { deliveryId: number; attempt: number; startedAt: string; durationMs: number; statusCode: number | null; error: string | null; worker: string }): Promise<void> {
  await db('webhook_attempts').insert({
    delivery_id: a.deliveryId, attempt: a.attempt, started_at: a.startedAt, duration_ms: a.durationMs, status_code: a.statusCode, error: a.error?.slice(0, 500) ?? null, worker: a.worker.slice(0, 100),
  });
}

/**
 * The outcome of one attempt, written only while this worker's claim holds: a worker whose lease
 * lapsed (and whose row another worker has claimed) changes nothing.
 */
export async function settleDelivery(
  db: Db,
  id: number,
  token: string,
  s: { status: DeliveryRow['status']; attempts: number; nextAttemptAt?: string; statusCode: number | null; error: string | null; deliveredAt?: string },
): Promise<boolean> {
  const n = await db('webhook_deliveries').where({ id, claim_token: token, status: 'pending' }).update({
    status: s.status, attempts: s.attempts, ...(s.nextAttemptAt ? { next_attempt_at: s.nextAttemptAt } : {}), last_status_code: s.statusCode,
    last_error: s.error?.slice(0, 500) ?? null, delivered_at: s.deliveredAt ?? null, claim_token: null, claimed_until: null,
  });
  return n === 1;
}

export interface DeliveryLogRow extends DeliveryRow {
  url: string;
  clientName: string;
  clientId: string;
  caseNumber: string;
  attemptLog: { attempt: number; startedAt: string; durationMs: number; statusCode: number | null; error: string | null; worker: string }[];
}

/** The newest deliveries (of one client's webhooks, or all) with every attempt. */
export async function deliveryLog(db: Db, opts: { clientId?: number; webhookId?: number; limit: number; status?: string }): Promise<DeliveryLogRow[]> {
  const q = db('webhook_deliveries as d')
    .join('webhooks as w', 'w.id', 'd.webhook_id')
    .join('exchange_clients as c', 'c.id', 'w.client_id')
    .join('exchange_changes as x', 'x.id', 'd.change_id')
    .select('d.*', 'w.url', 'c.name as client_name', 'c.client_id as client_key', 'x.case_number')
    .orderBy('d.id', 'desc')
    .limit(opts.limit);
  if (opts.clientId !== undefined) q.where('w.client_id', opts.clientId);
  if (opts.webhookId !== undefined) q.where('d.webhook_id', opts.webhookId);
  if (opts.status) q.where('d.status', opts.status);
  const rows = await q;
  const ids = rows.map((r) => Number(r.id));
  const attempts = ids.length ? await db('webhook_attempts').whereIn('delivery_id', ids).orderBy('id') : [];
  return rows.map((r) => ({
    ...toDelivery(r), url: r.url, clientName: r.client_name, clientId: r.client_key, caseNumber: r.case_number,
    attemptLog: attempts.filter((a) => Number(a.delivery_id) === Number(r.id)).map((a) => ({
      attempt: Number(a.attempt), startedAt: a.started_at, durationMs: Number(a.duration_ms), statusCode: a.status_code === null ? null : Number(a.status_code), error: a.error ?? null, worker: a.worker,
    })),
  }));
}

export interface WebhookListRow extends WebhookRow {
  clientName: string;
  clientKey: string;
  revoked: boolean;
  pending: number;
  failed: number;
}

/** Every webhook (the administrator's page), with what each still owes and what it gave up on. */
export async function listAllWebhooks(db: Db): Promise<WebhookListRow[]> {
  const rows = await db('webhooks as w').join('exchange_clients as c', 'c.id', 'w.client_id').select('w.*', 'c.name as client_name', 'c.client_id as client_key', 'c.revoked_at').orderBy('w.id');
  const counts: { webhook_id: number; status: string; n: number | string }[] = await db('webhook_deliveries').whereIn('status', ['pending', 'failed'])
    .groupBy('webhook_id', 'status').select('webhook_id', 'status').count({ n: '*' });
  const count = (id: number, status: string) => Number(counts.find((c) => Number(c.webhook_id) === id && c.status === status)?.n ?? 0);
  return rows.map((r) => ({ ...toWebhook(r), clientName: r.client_name, clientKey: r.client_key, revoked: Boolean(r.revoked_at), pending: count(Number(r.id), 'pending'), failed: count(Number(r.id), 'failed') }));
}

/** An administrator sends a failed delivery again: pending, due now, its attempts counted afresh. */
export async function requeueDelivery(db: Db, id: number, now: string): Promise<boolean> {
  return (await db('webhook_deliveries').where({ id, status: 'failed' }).update({ status: 'pending', attempts: 0, next_attempt_at: now, claim_token: null, claimed_until: null })) === 1;
}

/** The client's state and the webhook's, for a claimed delivery. */
export async function deliveryTarget(db: Db, webhookId: number): Promise<{ url: string; sealedSecret: string; deleted: boolean; revoked: boolean } | null> {
  const r = await db('webhooks as w').join('exchange_clients as c', 'c.id', 'w.client_id').where('w.id', webhookId).first('w.url', 'w.secret', 'w.deleted_at', 'c.revoked_at');
  return r ? { url: r.url, sealedSecret: r.secret, deleted: Boolean(r.deleted_at), revoked: Boolean(r.revoked_at) } : null;
}
