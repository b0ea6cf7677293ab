// Idempotency-Key for the exchange's pushes (issue 14; draft-ietf-httpapi-idempotency-key-header):
// a retry with the same key and the same request returns the first answer and does nothing again;
// the same key with another request is refused (422).
//
// The record (the request's hash, then the answer) is written in the same transaction as the effect,
// first: a concurrent retry with the same key waits on the unique key until the first commits, then
// reads its answer — two retries racing never both create. A request that fails (refused, or a fault)
// rolls its record back with everything else: the key binds only a request that succeeded, and a
// retry after a failure is tried again.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { isUniqueViolation } from '../../db/knex.js';
import { canonicalJson } from '../../db/history-hash.js';
import type { AppContext } from '../context.js';
import { DomainError } from '../errors.js';
import { claimIdempotency, findIdempotency, storeIdempotentAnswer, type IdempotencyRecord } from './exchange-store.js';

export interface Answer {
  status: number;
  body: unknown;
  location: string | null;
}

export interface IdempotentAnswer extends Answer {
  /** The stored answer of an earlier request with this key. */
  replayed: boolean;
}

/** What binds a key: method, path and the JSON body (keys in any order, whitespace aside). */
export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(canonicalJson({ method: method.toUpperCase(), path, body: body ?? null }), 'utf8').digest('hex');
}

/** The header's value: 1–255 visible ASCII characters (a quoted string is read without its quotes). */
export function idempotencyKeyOf(header: string | undefined): string {
  const key = header?.trim().replace(/^"(.*)"$/, '$1');
  if (!key) throw new DomainError('bad_request', 'idempotency_key_missing', '推送须带 Idempotency-Key 请求头（每个请求一个唯一值，重试时不变）');
  if (key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new DomainError('bad_request', 'idempotency_key_invalid', 'Idempotency-Key 应为 1 至 255 个可见 ASCII 字符');
  }
  return key;
}

class KeyTaken extends Error {}

function replay(record: IdempotencyRecord, hash: string): IdempotentAnswer {
  if (record.requestHash !== hash) {
    throw new DomainError('invalid', 'idempotency_key_reused', '该 Idempotency-Key 已用于另一个请求（请求内容不同）；新的请求请使用新的 Idempotency-Key');
  }
  if (record.status === null) throw new DomainError('conflict', 'idempotency_in_flight', '使用该 Idempotency-Key 的请求正在处理，请稍后重试');
  return { status: record.status, body: record.response, location: record.location, replayed: true };
}

/** Runs `effect` once per (client, key): its answer is stored beside it, in its transaction. */
export async function once(ctx: AppContext, clientId: number, key: string, hash: string, effect: (trx: Knex.Transaction) => Promise<Answer>): Promise<IdempotentAnswer> {
  const earlier = await findIdempotency(ctx.db, clientId, key);
  if (earlier) return replay(earlier, hash);
  try {
    return await ctx.db.transaction(async (trx) => {
      try {
        await claimIdempotency(trx, clientId, key, hash, new Date().toISOString());
      } catch (e) {
        if (isUniqueViolation(e)) throw new KeyTaken();
        throw e;
      }
      const answer = await effect(trx);
      await storeIdempotentAnswer(trx, clientId, key, answer);
      return { ...answer, replayed: false };
    });
  } catch (e) {
    if (!(e instanceof KeyTaken)) throw e;
    // Another request with this key committed first (we waited for it on the unique key).
    const first = await findIdempotency(ctx.db, clientId, key);
    if (!first) throw new DomainError('conflict', 'idempotency_in_flight', '使用该 Idempotency-Key 的请求正在处理，请稍后重试');
    return replay(first, hash);
  }
}
