import type { Db } from '../../db/knex.js';
import { insertedId } from '../../db/dialect.js';
import { EXCHANGE_ROLE, SYSTEM_ROLE, type Role } from '../../workflows/roles.js';

export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  agencyId: number;
  agencyCode: string;
  agencyName: string;
  active: boolean;
  failedLogins: number;
  lockedUntil: string | null;
  /** Hardening 11: the password was set by someone else; the person must set their own first. */
  mustChangePassword: boolean;
}

export interface UserWithHash extends User {
  passwordHash: string;
}

function userQuery(db: Db) {
  return db('users as u')
    .join('agencies as a', 'a.id', 'u.agency_id')
    .select(USER_COLUMNS);
}

/** The columns toUser reads, from `users as u` joined with `agencies as a` (the session lookup joins them too). */
export const USER_COLUMNS = ['u.*', 'a.code as agency_code', 'a.name as agency_name'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function toUser(r: any): UserWithHash {
  return {
    id: Number(r.id),
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    agencyId: Number(r.agency_id),
    agencyCode: r.agency_code,
    agencyName: r.agency_name,
    active: Boolean(r.active),
    failedLogins: Number(r.failed_logins),
    lockedUntil: r.locked_until,
    mustChangePassword: Boolean(r.must_change_password),
    passwordHash: r.password_hash,
  };
}

export function withoutHash(u: UserWithHash): User {
  const { passwordHash: _omit, ...rest } = u;
  return rest;
}

export async function findUserByUsername(db: Db, username: string): Promise<UserWithHash | null> {
  const r = await userQuery(db).where('u.username', username).first();
  return r ? toUser(r) : null;
}

export async function findUserById(db: Db, id: number): Promise<UserWithHash | null> {
  const r = await userQuery(db).where('u.id', id).first();
  return r ? toUser(r) : null;
}

/** The people with accounts; the platform's own actor and the connected systems' actors are not among them. */
export async function listUsers(db: Db): Promise<User[]> {
  return (await userQuery(db).whereNotIn('u.role', [SYSTEM_ROLE, EXCHANGE_ROLE]).orderBy('u.id')).map((r) => withoutHash(toUser(r)));
}

/**
 * The platform's own actor (hardening 13): the one row in the platform's role (a unique index keeps
 * it one), found by its role, never by a username a person could also be given.
 */
export async function findPlatformUser(db: Db): Promise<UserWithHash | null> {
  const r = await userQuery(db).where('u.role', SYSTEM_ROLE).first();
  return r ? toUser(r) : null;
}

/**
 * Its username holds a character no person's username may contain, so it collides with nobody; it
 * cannot log in (no password hash verifies '!', and it is inactive). Throws a unique violation when
 * another instance created it first.
 */
export async function insertPlatformUser(db: Db, agencyId: number): Promise<number> {
  const [row] = await db('users')
    .insert({
      username: '@platform', display_name: '系统（自动记录）', role: SYSTEM_ROLE, agency_id: agencyId,
      password_hash: '!', failed_logins: 0, active: false, created_at: new Date().toISOString(),
    })
    .returning('id');
  return insertedId(row);
}

export const isPlatformUser = (u: Pick<User, 'role'>): boolean => u.role === (SYSTEM_ROLE as string);

/** The actor of a connected system (an API client of the data exchange, issue 14). */
export const isExchangeActor = (u: Pick<User, 'role'>): boolean => u.role === (EXCHANGE_ROLE as string);

/** A person with an account (not the platform, not a connected system): only people log in or are administered. */
export const isPerson = (u: Pick<User, 'role'>): boolean => !isPlatformUser(u) && !isExchangeActor(u);

/**
 * The actor of an API client (issue 14): its username holds '@', which no person's may, so it collides
 * with nobody; it cannot log in (no hash verifies '!', and it is inactive). Inside the client's transaction.
 */
export async function insertExchangeActor(db: Db, a: { clientId: string; name: string; agencyId: number; now: string }): Promise<number> {
  const [row] = await db('users')
    .insert({
      username: `@exchange:${a.clientId}`, display_name: a.name.slice(0, 100), role: EXCHANGE_ROLE, agency_id: a.agencyId,
      password_hash: '!', failed_logins: 0, active: false, created_at: a.now,
    })
    .returning('id');
  return insertedId(row);
}

export async function insertUser(
  db: Db,
  u: { username: string; displayName: string; role: Role; agencyId: number; passwordHash: string; mustChangePassword: boolean },
): Promise<number> {
  const [row] = await db('users')
    .insert({
      username: u.username,
      display_name: u.displayName,
      role: u.role,
      agency_id: u.agencyId,
      password_hash: u.passwordHash,
      must_change_password: u.mustChangePassword,
      failed_logins: 0,
      active: true,
      created_at: new Date().toISOString(),
    })
    .returning('id');
  return Number(typeof row === 'object' ? row.id : row);
}

export async function recordLoginFailure(db: Db, userId: number, lockUntil: string | null): Promise<void> {
  await db('users')
    .where({ id: userId })
    .update({ failed_logins: db.raw('failed_logins + 1'), ...(lockUntil ? { locked_until: lockUntil } : {}) });
}

export async function resetLoginFailures(db: Db, userId: number): Promise<void> {
  await db('users').where({ id: userId }).update({ failed_logins: 0, locked_until: null });
}

export async function setUserActive(db: Db, userId: number, active: boolean): Promise<void> {
  await db('users').where({ id: userId }).update({ active, failed_logins: 0, locked_until: null });
}

/** A new password: set by an administrator (must change at next login) or by the person. */
export async function setPasswordHash(db: Db, userId: number, passwordHash: string, mustChangePassword: boolean): Promise<void> {
  await db('users').where({ id: userId }).update({ password_hash: passwordHash, must_change_password: mustChangePassword, failed_logins: 0, locked_until: null });
}
