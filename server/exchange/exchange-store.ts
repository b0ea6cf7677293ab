// All SQL of the data exchange's change feed reads and idempotency records (issue 14). The feed's rows
// are written by server/change-feed.ts, inside the transactions of the changes themselves.
import type { Knex } from 'knex';
import type { Db } from '../../db/knex.js';

export interface ChangeRow {
  id: number;
  type: string;
  caseNumber: string;
  agencyId: number;
  appealId: number | null;
  documentId: number | null;
  at: string;
  data: Record<string, unknown>;
}

/** The changes after a cursor in the agencies given, oldest first. */
export async function changesAfter(db: Db, agencyIds: number[], after: number, limit: number): Promise<ChangeRow[]> {
  if (!agencyIds.length) return [];
  const rows = await db('exchange_changes').whereIn('agency_id', agencyIds).where('id', '>', after).orderBy('id').limit(limit);
  return rows.map((r) => ({
    id: Number(r.id), type: r.type, caseNumber: r.case_number, agencyId: Number(r.agency_id),
    appealId: r.appeal_id === null ? null : Number(r.appeal_id), documentId: r.document_id === null ? null : Number(r.document_id),
    at: r.at, data: JSON.parse(r.data),
  }));
}

export interface IdempotencyRecord {
  requestHash: string;
  status: number | null;
  response: unknown;
  location: string | null;
}

export async function findIdempotency(db: Db, clientId: number, key: string): Promise<IdempotencyRecord | null> {
  const r = await db('exchange_idempotency').where({ client_id: clientId, idempotency_key: key }).first();
  if (!r) return null;
  return { requestHash: r.request_hash, status: r.status === null ? null : Number(r.status), response: r.response === null ? null : JSON.parse(r.response), location: r.location };
}

/** Write first: a concurrent request with the same key waits here for this transaction, then fails on the unique key. */
export async function claimIdempotency(trx: Knex.Transaction, clientId: number, key: string, requestHash: string, now: string): Promise<void> {
  await trx('exchange_idempotency').insert({ client_id: clientId, idempotency_key: key, request_hash: requestHash, created_at: now });
}

export async function storeIdempotentAnswer(trx: Knex.Transaction, clientId: number, key: string, a: { status: number; body: unknown; location: string | null }): Promise<void> {
  await trx('exchange_idempotency').where({ client_id: clientId, idempotency_key: key }).update({ status: a.status, response: JSON.stringify(a.body), location: a.location });
}
