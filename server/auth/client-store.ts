// All SQL of the data exchange's API clients and their access tokens (issue 14).
import type { Knex } from 'knex';
import type { Db } from '../../db/knex.js';
import { insertedId } from '../../db/dialect.js';

export interface ApiClient {
  id: number;
  clientId: string;
  name: string;
  agencyId: number;
  agencyCode: string;
  agencyName: string;
  /** What the client may be given (a token may carry fewer). */
  scopes: string[];
  /** The users row the client acts as (role exchange). */
  actorId: number;
  createdAt: string;
  revokedAt: string | null;
}

export interface ApiClientWithHash extends ApiClient {
  secretHash: string;
}

const scopesOf = (s: string): string[] => s.split(' ').filter(Boolean);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toClient(r: any): ApiClientWithHash {
  return {
    id: Number(r.id), clientId: r.client_id, name: r.name, agencyId: Number(r.agency_id), agencyCode: r.agency_code, agencyName: r.agency_name,
    scopes: scopesOf(r.scopes), actorId: Number(r.actor_id), createdAt: r.created_at, revokedAt: r.revoked_at ?? null, secretHash: r.secret_hash,
  };
}

export function withoutSecretHash(c: ApiClientWithHash): ApiClient {
  const { secretHash: _omit, ...rest } = c;
  return rest;
}

function clientQuery(db: Db) {
  return db('exchange_clients as c').join('agencies as a', 'a.id', 'c.agency_id').select('c.*', 'a.code as agency_code', 'a.name as agency_name');
}

export async function insertClient(
  trx: Knex.Transaction,
  c: { clientId: string; name: string; agencyId: number; scopes: string[]; secretHash: string; actorId: number; createdBy: number | null; now: string },
): Promise<number> {
  const [row] = await trx('exchange_clients')
    .insert({
      client_id: c.clientId, name: c.name, agency_id: c.agencyId, scopes: c.scopes.join(' '), secret_hash: c.secretHash, actor_id: c.actorId,
      created_by: c.createdBy, created_at: c.now,
    })
    .returning('id');
  return insertedId(row);
}

export async function findClientByClientId(db: Db, clientId: string): Promise<ApiClientWithHash | null> {
  const r = await clientQuery(db).where('c.client_id', clientId).first();
  return r ? toClient(r) : null;
}

export async function findClientById(db: Db, id: number): Promise<ApiClientWithHash | null> {
  const r = await clientQuery(db).where('c.id', id).first();
  return r ? toClient(r) : null;
}

export async function listClients(db: Db): Promise<ApiClient[]> {
  return (await clientQuery(db).orderBy('c.id')).map((r) => withoutSecretHash(toClient(r)));
}

/** True when it was active until now. */
export async function markRevoked(trx: Knex.Transaction, id: number, at: string, by: number | null): Promise<boolean> {
  return (await trx('exchange_clients').where({ id }).whereNull('revoked_at').update({ revoked_at: at, revoked_by: by })) === 1;
}

export async function deleteClientTokens(db: Db, clientId: number): Promise<void> {
  await db('exchange_tokens').where({ client_id: clientId }).del();
}

export async function insertToken(db: Db, t: { tokenHash: string; clientId: number; scopes: string[]; createdAt: string; expiresAt: string }): Promise<void> {
  await db('exchange_tokens').insert({ token_hash: t.tokenHash, client_id: t.clientId, scopes: t.scopes.join(' '), created_at: t.createdAt, expires_at: t.expiresAt });
}

/** The client of a live token (not expired, its client not revoked), with the token's scopes. */
export async function findTokenClient(db: Db, tokenHash: string, now: string): Promise<{ client: ApiClient; scopes: string[] } | null> {
  const r = await clientQuery(db)
    .join('exchange_tokens as t', 't.client_id', 'c.id')
    .where('t.token_hash', tokenHash)
    .where('t.expires_at', '>', now)
    .whereNull('c.revoked_at')
    .first('t.scopes as token_scopes');
  return r ? { client: withoutSecretHash(toClient(r)), scopes: scopesOf(r.token_scopes) } : null;
}

export async function purgeExpiredTokens(db: Db, now: string): Promise<number> {
  return db('exchange_tokens').where('expires_at', '<=', now).del();
}
