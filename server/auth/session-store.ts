import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../../db/knex.js';
import { selectPrepared } from '../../db/dialect.js';
import { toUser, USER_COLUMNS, type UserWithHash } from '../admin/user-store.js';

export type SessionKind = 'cookie' | 'token';
export const SESSION_HOURS = 12;

// Only an HMAC of the token (keyed with SESSION_SECRET) is stored: a copy of the database grants no
// live session, and every instance sharing the secret recognises every session.
const hashId = (key: string, raw: string) => createHmac('sha256', key).update(raw).digest('hex');

export interface Session {
  userId: number;
  kind: SessionKind;
  csrfToken: string | null;
  expiresAt: string;
}

export async function createSession(db: Db, key: string, userId: number, kind: SessionKind): Promise<{ secret: string; csrfToken: string | null }> {
  const secret = randomBytes(32).toString('base64url');
  const csrfToken = kind === 'cookie' ? randomBytes(24).toString('base64url') : null;
  const now = new Date();
  await db('sessions').insert({
    id_hash: hashId(key, secret),
    kind,
    user_id: userId,
    csrf_token: csrfToken,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + SESSION_HOURS * 3600_000).toISOString(),
  });
  return { secret, csrfToken };
}

export async function findSession(db: Db, key: string, secret: string, kind: SessionKind): Promise<Session | null> {
  const row = await db('sessions').where({ id_hash: hashId(key, secret), kind }).first();
  if (!row) return null;
  if (row.expires_at <= new Date().toISOString()) {
    await db('sessions').where({ id_hash: row.id_hash }).del();
    return null;
  }
  return { userId: Number(row.user_id), kind: row.kind, csrfToken: row.csrf_token, expiresAt: row.expires_at };
}

/**
 * The session and its user in one query (issue 15: every authenticated request starts here). An
 * expired session is deleted and answers null, as in findSession.
 */
export async function findSessionUser(db: Db, key: string, secret: string, kind: SessionKind): Promise<{ session: Session; user: UserWithHash } | null> {
  // Prepared on PostgreSQL (issue 15).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const [row] = await selectPrepared<any>(db, db('sessions as s')
    .join('users as u', 'u.id', 's.user_id')
    .join('agencies as a', 'a.id', 'u.agency_id')
    .where({ 's.id_hash': hashId(key, secret), 's.kind': kind })
    .select([...USER_COLUMNS, 's.id_hash as session_id_hash', 's.kind as session_kind', 's.csrf_token as session_csrf_token', 's.expires_at as session_expires_at'])
    .limit(1));
  if (!row) return null;
  if (row.session_expires_at <= new Date().toISOString()) {
    await db('sessions').where({ id_hash: row.session_id_hash }).del();
    return null;
  }
  return {
    session: { userId: Number(row.id), kind: row.session_kind, csrfToken: row.session_csrf_token, expiresAt: row.session_expires_at },
    user: toUser(row),
  };
}

/** True when there was such a session. */
export async function destroySession(db: Db, key: string, secret: string): Promise<boolean> {
  return (await db('sessions').where({ id_hash: hashId(key, secret) }).del()) > 0;
}

export async function destroyUserSessions(db: Db, userId: number): Promise<void> {
  await db('sessions').where({ user_id: userId }).del();
}

/** Every other session of the user ends (their password changed); the one in use stays. */
export async function destroyOtherSessions(db: Db, key: string, userId: number, keepSecret: string | null): Promise<void> {
  const q = db('sessions').where({ user_id: userId });
  if (keepSecret) q.whereNot({ id_hash: hashId(key, keepSecret) });
  await q.del();
}

export async function purgeExpiredSessions(db: Db): Promise<number> {
  return db('sessions').where('expires_at', '<=', new Date().toISOString()).del();
}
