// API clients of the data exchange (issue 14): OAuth 2.0 client credentials (RFC 6749 §4.4) for
// another public body's system, limited to the client's agency and those below it.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from '../../db/knex.js';
import { audit, type Actor } from '../audit.js';
import { findAgencyByCode } from '../admin/agency-store.js';
import { insertExchangeActor } from '../admin/user-store.js';
import { DomainError, invalid } from '../errors.js';
import {
  deleteClientTokens, findClientByClientId, findClientById, findTokenClient, insertClient, insertToken, listClients, markRevoked, purgeExpiredTokens,
  withoutSecretHash, type ApiClient,
} from './client-store.js';

export type { ApiClient } from './client-store.js';

/** The scopes a client may hold: pulls and the feed; pushes and webhooks. */
export const EXCHANGE_SCOPES = {
  'exchange:read': '读取案卷、文书和变更记录',
  'exchange:write': '推送复议案件及其办理记录，登记 webhook',
} as const;
export type ExchangeScope = keyof typeof EXCHANGE_SCOPES;
export const isExchangeScope = (s: string): s is ExchangeScope => Object.hasOwn(EXCHANGE_SCOPES, s);

/** Access tokens live an hour: a revoked client's tokens also stop at once (they are deleted and checked). */
export const TOKEN_SECONDS = 3600;
/** Access tokens carry this prefix, so the edge knows a client's token from a person's without a lookup. */
export const CLIENT_TOKEN_PREFIX = 'ddx_';

/**
 * Client secrets are 256 random bits: a plain SHA-256 cannot be reversed or guessed from a copy of the
 * database, and a slow hash (scrypt, bcrypt) — which protects low-entropy passwords — would only make
 * every token request cost CPU (and an easy way to load the server). Unlike the tokens it is not keyed
 * with SESSION_SECRET, so rotating that secret does not lock every connected system out.
 */
const secretHash = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');
/** Tokens as sessions are: an HMAC keyed with SESSION_SECRET (a database copy holds no live token). */
const tokenHash = (key: string, token: string) => createHmac('sha256', key).update(token, 'utf8').digest('hex');

const actorOf = (c: Pick<ApiClient, 'actorId' | 'clientId'>): Pick<Actor, 'id' | 'username'> => ({ id: c.actorId, username: `@exchange:${c.clientId}` });

export interface NewClient {
  name: string;
  agencyCode: string;
  scopes: string[];
}

/** A new client and its secret, shown this once. */
export async function addClient(db: Knex, input: NewClient, actor: Pick<Actor, 'id' | 'username'> | null): Promise<{ client: ApiClient; clientSecret: string }> {
  const fields: Record<string, string> = {};
  const name = input.name.trim();
  if (!name) fields.name = '请填写客户端名称（对接的系统）';
  else if (name.length > 200) fields.name = '名称不超过 200 字';
  const scopes = [...new Set(input.scopes.map((s) => s.trim()).filter(Boolean))];
  const unknown = scopes.filter((s) => !isExchangeScope(s));
  if (!scopes.length) fields.scopes = `请选择权限范围：${Object.keys(EXCHANGE_SCOPES).join('、')}`;
  else if (unknown.length) fields.scopes = `不是可选的权限范围：${unknown.join('、')}（可选 ${Object.keys(EXCHANGE_SCOPES).join('、')}）`;
  const agency = input.agencyCode.trim() ? await findAgencyByCode(db, input.agencyCode.trim()) : null;
  if (!agency) fields.agency = input.agencyCode.trim() ? `机关代码 ${input.agencyCode} 不存在` : '请选择机关';
  if (Object.keys(fields).length) throw invalid(fields);
  const clientId = `ddc_${randomBytes(8).toString('hex')}`;
  const clientSecret = `ddcs_${randomBytes(32).toString('base64url')}`;
  const now = new Date().toISOString();
  const ordered = Object.keys(EXCHANGE_SCOPES).filter((s) => scopes.includes(s));
  const id = await db.transaction(async (trx) => {
    const actorId = await insertExchangeActor(trx, { clientId, name, agencyId: agency!.id, now });
    const clientRow = await insertClient(trx, {
      clientId, name, agencyId: agency!.id, scopes: ordered, secretHash: secretHash(clientSecret), actorId, createdBy: actor?.id ?? null, now,
    });
    await audit(trx, { actor, action: 'exchange.client.add', entity: 'exchange_client', entityId: clientRow, detail: { clientId, name, agency: agency!.code, scopes: ordered } });
    return clientRow;
  });
  const client = (await listClients(db)).find((c) => c.id === id)!;
  return { client, clientSecret };
}

export const listApiClients = (db: Db): Promise<ApiClient[]> => listClients(db);

/** Revokes a client (by its client id, or its row's id): its tokens stop working at once, its webhooks receive nothing more. */
export async function revokeClient(db: Knex, ref: string | number, actor: Pick<Actor, 'id' | 'username'> | null): Promise<ApiClient> {
  return db.transaction(async (trx) => {
    const client = typeof ref === 'number' ? await findClientById(trx, ref) : await findClientByClientId(trx, ref.trim());
    if (!client) throw new DomainError('not_found', 'not_found', `客户端 ${ref} 不存在`);
    if (!(await markRevoked(trx, client.id, new Date().toISOString(), actor?.id ?? null))) {
      throw new DomainError('conflict', 'already_revoked', `客户端 ${client.clientId} 已于 ${client.revokedAt} 停用`);
    }
    await deleteClientTokens(trx, client.id);
    await audit(trx, { actor, action: 'exchange.client.revoke', entity: 'exchange_client', entityId: client.id, detail: { clientId: client.clientId, name: client.name } });
    return withoutSecretHash((await findClientByClientId(trx, client.clientId))!);
  });
}

// ---------------------------------------------------------------------------------------------
// The token endpoint (RFC 6749 §4.4, errors §5.2): answers are values, the route writes them as the RFC says.

export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type' | 'invalid_scope';

export type TokenAnswer =
  | { ok: true; token: { access_token: string; token_type: 'Bearer'; expires_in: number; scope: string } }
  | { ok: false; error: OAuthErrorCode; error_description: string };

export interface TokenRequest {
  grantType: string | undefined;
  scope: string | undefined;
  /** From the form body (client_id, client_secret) or HTTP Basic; both at once is refused. */
  credentials: { clientId: string; clientSecret: string } | null;
}

const refused = (error: OAuthErrorCode, error_description: string): TokenAnswer => ({ ok: false, error, error_description });

// A fixed hash compared when the client is unknown, so an unknown client takes as long as a wrong secret.
const DUMMY_HASH = secretHash('ddcs_no-such-client');

export async function issueToken(db: Db, sessionSecret: string, req: TokenRequest, ip: string | null): Promise<TokenAnswer> {
  if (!req.grantType) return refused('invalid_request', 'grant_type is required (grant_type=client_credentials)');
  if (req.grantType !== 'client_credentials') return refused('unsupported_grant_type', 'only grant_type=client_credentials is supported');
  if (!req.credentials) return refused('invalid_client', 'client authentication is required: HTTP Basic, or client_id and client_secret in the form body');
  const client = await findClientByClientId(db, req.credentials.clientId);
  const given = Buffer.from(secretHash(req.credentials.clientSecret), 'hex');
  const sameSecret = timingSafeEqual(given, Buffer.from(client?.secretHash ?? DUMMY_HASH, 'hex'));
  if (!client || !sameSecret || client.revokedAt) return refused('invalid_client', 'unknown client, wrong secret, or the client was revoked');
  const requested = req.scope === undefined ? client.scopes : [...new Set(req.scope.split(' ').filter(Boolean))];
  const notHeld = requested.filter((s) => !client.scopes.includes(s));
  if (!requested.length || notHeld.length) {
    return refused('invalid_scope', notHeld.length ? `scope not granted to this client: ${notHeld.join(' ')} (granted: ${client.scopes.join(' ')})` : 'empty scope');
  }
  const scopes = client.scopes.filter((s) => requested.includes(s));
  const token = `${CLIENT_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const now = new Date();
  await purgeExpiredTokens(db, now.toISOString());
  await insertToken(db, { tokenHash: tokenHash(sessionSecret, token), clientId: client.id, scopes, createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + TOKEN_SECONDS * 1000).toISOString() });
  await audit(db, { actor: actorOf(client), action: 'exchange.token', entity: 'exchange_client', entityId: client.id, detail: { clientId: client.clientId, scopes }, ip });
  return { ok: true, token: { access_token: token, token_type: 'Bearer', expires_in: TOKEN_SECONDS, scope: scopes.join(' ') } };
}

/** What a live client token stands for: the client and the scopes of this token. */
export interface ClientAuth extends ApiClient {
  tokenScopes: string[];
}

export async function clientOfToken(db: Db, sessionSecret: string, token: string): Promise<ClientAuth | null> {
  if (!token.startsWith(CLIENT_TOKEN_PREFIX)) return null;
  const found = await findTokenClient(db, tokenHash(sessionSecret, token), new Date().toISOString());
  return found ? { ...found.client, tokenScopes: found.scopes } : null;
}
