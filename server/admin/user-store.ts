import type { Db } from '../../db/knex.js';
import type { Role } from '../../workflows/roles.js';

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
}

export interface UserWithHash extends User {
  passwordHash: string;
}

function userQuery(db: Db) {
  return db('users as u')
    .join('agencies as a', 'a.id', 'u.agency_id')
    .select('u.*', 'a.code as agency_code', 'a.name as agency_name');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toUser(r: any): UserWithHash {
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

export async function listUsers(db: Db): Promise<User[]> {
  return (await userQuery(db).orderBy('u.id')).map((r) => withoutHash(toUser(r)));
}

export async function insertUser(
  db: Db,
  u: { username: string; displayName: string; role: Role; agencyId: number; passwordHash: string },
): Promise<number> {
  const [row] = await db('users')
    .insert({
      username: u.username,
      display_name: u.displayName,
      role: u.role,
      agency_id: u.agencyId,
      password_hash: u.passwordHash,
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

export async function setPasswordHash(db: Db, userId: number, passwordHash: string): Promise<void> {
  await db('users').where({ id: userId }).update({ password_hash: passwordHash, failed_logins: 0, locked_until: null });
}
