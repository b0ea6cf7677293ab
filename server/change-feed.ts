// What changed in a case file, for the data exchange (issue 14): the change feed other systems sync
// from (GET /api/exchange/changes) and the webhook outbox. Written by the use cases inside the
// change's own transaction, beside its audit entry: a change is published if and only if it is
// committed, and a webhook is owed exactly for what was committed.
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { insertedId, selectPrepared, together } from '../db/dialect.js';
import { agencyAncestorIdsQuery } from './admin/agency-store.js';
import { holdTableChainHead } from './history/history-store.js';

/** Every kind of change, with what it means. Webhooks subscribe to any of them. */
export const CHANGE_TYPES = {
  'application.registered': '登记了一件申请（含转办来的申请）',
  'application.updated': '申请的办理记录有新的一条（办理操作、通知签发或送达）',
  'application.concluded': '申请办结：答复签发、当场答复、逾期未补正或未缴费、撤回、转办',
  'document.issued': '签发了一份文书（文号、SHA-256、PDF）',
  'appeal.filed': '登记了一件行政复议或行政诉讼案件（含复议系统推送的）',
  'appeal.updated': '复议、诉讼案件有新的办理记录',
  'appeal.decided': '复议、诉讼案件记录了决定或裁判',
} as const;
export type ChangeType = keyof typeof CHANGE_TYPES;
export const CHANGE_TYPE_NAMES = Object.keys(CHANGE_TYPES) as ChangeType[];

export interface Change {
  type: ChangeType;
  applicationId: number;
  agencyId: number;
  caseNumber: string;
  /** The agency's code, when the caller has it (else read here). */
  agencyCode?: string;
  appealId?: number;
  documentId?: number;
  /** Facts of the change a receiver acts on without pulling the file (no personal data: ids, numbers, dates). */
  data?: Record<string, unknown>;
}

/**
 * Records one change: a row of the feed and, for every webhook whose client may see the case's agency
 * and subscribed to the type, an outbox row with the exact body that will be signed and sent.
 *
 * Cursors are the feed's ids, and a reader pages with `id > cursor`: that is only safe if ids become
 * visible in increasing order. A PostgreSQL sequence hands ids out at insert, not at commit, so a
 * transaction holding id 7 could commit after another committed id 8 and a reader who saw 8 would
 * skip 7. So the id is taken while holding the audit log's head, which every transaction recording a
 * change holds anyway from its audit entry to its commit (history-store): the transactions that record
 * changes commit one after the other, in the order of their ids. (SQLite has one writer at a time.)
 */
export async function recordChange(trx: Knex.Transaction, change: Change): Promise<number> {
  const [id] = await recordChanges(trx, [change]);
  return id!;
}

/**
 * Several changes of one transaction, in their order: one insert for the feed's rows, the webhooks
 * read once per agency (issue 15). Their ids follow that order.
 */
export async function recordChanges(trx: Knex.Transaction, changes: Change[]): Promise<number[]> {
  await holdTableChainHead(trx, 'audit_log');
  const at = new Date().toISOString();
  const rows = await together(trx, ...changes.map((change) => async () => changeRow(
    change, at, change.agencyCode ?? (await trx('agencies').where({ id: change.agencyId }).first('code'))?.code ?? null,
  )));
  // The webhooks are read while the rows go in; ids are handed out in the order of the rows.
  const [inserted] = await together(
    trx,
    () => trx('exchange_changes').insert(rows.map((r) => r.row)).returning('id') as unknown as Promise<unknown[]>,
    ...[...new Set(changes.map((c) => c.agencyId))].map((agencyId) => () => webhooksOf(trx, agencyId)),
  );
  const ids = inserted.map(insertedId).sort((a, b) => a - b);
  await fanOutChanges(trx, rows, ids);
  return ids;
}

/** A change's feed row (and the data its webhooks carry), recorded at `at`. */
export function changeRow(change: Change, at: string, agencyCode: string | null): ChangeRow {
  const data = {
    caseNumber: change.caseNumber,
    agency: agencyCode,
    ...(change.appealId !== undefined ? { appealId: change.appealId } : {}),
    ...(change.documentId !== undefined ? { documentId: change.documentId } : {}),
    ...change.data,
  };
  const row = {
    type: change.type, application_id: change.applicationId, agency_id: change.agencyId, case_number: change.caseNumber,
    appeal_id: change.appealId ?? null, document_id: change.documentId ?? null, at, data: JSON.stringify(data),
  };
  return { change, data, row, at };
}
export interface ChangeRow { change: Change; data: Record<string, unknown>; row: Record<string, unknown>; at: string }

/**
 * The outbox rows owed for changes whose feed rows went in with these ids (in their order): the
 * caller holds the audit log's head (recordChanges; a registration on PostgreSQL inserts its rows in
 * a statement of its own, application-service).
 */
export async function fanOutChanges(trx: Knex.Transaction, rows: ChangeRow[], ids: number[]): Promise<void> {
  await together(trx, ...rows.map((r, i) => () => fanOut(trx, ids[i]!, r.change, r.at, r.data)));
}

/** The select webhooksOf runs: the webhooks that may be owed the agency's changes (`id`, `events`). */
export function webhooksQuery(trx: Knex | Knex.Transaction, agencyId: number): Knex.QueryBuilder {
  return trx('webhooks as w')
    .join('exchange_clients as c', 'c.id', 'w.client_id')
    .whereNull('w.deleted_at')
    .whereNull('c.revoked_at')
    .whereIn('c.agency_id', agencyAncestorIdsQuery(trx, agencyId))
    .select('w.id', 'w.events');
}

/**
 * The agency's webhooks as another statement of this transaction read them (webhooksQuery, run with
 * something else: a registration on PostgreSQL reads them with its counters, issue 15): the changes
 * the transaction records are fanned out to those.
 */
export function readWebhooksWith(trx: Knex.Transaction, agencyId: number, rows: Array<{ id: number | string; events: string }>): void {
  hooksRead(trx).set(agencyId, Promise.resolve(rows.map((r) => ({ id: Number(r.id), events: r.events }))));
}

// A transaction that records several changes of one agency's case (a registration and its receipt)
// reads the agency's webhooks once (issue 15).
const hooksInTransaction = new WeakMap<Knex.Transaction, Map<number, Promise<Array<{ id: number; events: string }>>>>();

/** What this transaction has read of its agencies' webhooks, by agency. */
function hooksRead(trx: Knex.Transaction): Map<number, Promise<Array<{ id: number; events: string }>>> {
  let byAgency = hooksInTransaction.get(trx);
  if (!byAgency) hooksInTransaction.set(trx, (byAgency = new Map()));
  return byAgency;
}

function webhooksOf(trx: Knex.Transaction, agencyId: number): Promise<Array<{ id: number; events: string }>> {
  const byAgency = hooksRead(trx);
  let hooks = byAgency.get(agencyId);
  if (!hooks) {
    // A kept statement (issue 15): on SQLite one trip to libuv's threads inside the writer's turn, not two.
    hooks = selectPrepared<{ id: number | string; events: string }>(trx, webhooksQuery(trx, agencyId))
      .then((rows) => rows.map((r) => ({ id: Number(r.id), events: r.events })));
    byAgency.set(agencyId, hooks);
  }
  return hooks;
}

/** The outbox rows of one change: one per subscribed webhook of a client whose agencies include the case's. */
async function fanOut(trx: Knex.Transaction, changeId: number, change: Change, at: string, data: Record<string, unknown>): Promise<void> {
  const hooks = await webhooksOf(trx, change.agencyId);
  const subscribed = hooks.filter((h) => (JSON.parse(h.events) as string[]).includes(change.type));
  if (!subscribed.length) return;
  // Standard Webhooks: {type, timestamp, data}; the body is fixed now, so every retry sends (and signs) the same bytes.
  const payload = JSON.stringify({ type: change.type, timestamp: at, data: { cursor: String(changeId), ...data } });
  await trx('webhook_deliveries').insert(
    subscribed.map((h) => ({
      webhook_id: h.id, change_id: changeId, message_id: `msg_${randomBytes(18).toString('base64url')}`, type: change.type, payload,
      status: 'pending', attempts: 0, next_attempt_at: at, created_at: at,
    })),
  );
}
