import type { Knex } from 'knex';
import { isUniqueViolation } from '../../db/knex.js';
import { ROLES, type Role } from '../../workflows/roles.js';
import { DECISION_CODES, isDecisionCode } from '../../workflows/decisions.js';
import { isKey, ONLINE_DELIVERY_ON } from '../../workflows/glossary.js';
import { audit, type Actor } from '../audit.js';
import { DomainError } from '../errors.js';
import { hashPassword } from '../auth/password.js';
import { passwordProblem } from '../auth/password-policy.js';
import { destroyUserSessions } from '../auth/session-store.js';
import { findAgencyByCode, findAgencyById, insertAgency, updateAgencyDetails, type Agency, type AgencyDetails } from './agency-store.js';
import { findUserById, findUserByUsername, insertUser, isPerson, setPasswordHash, setUserActive } from './user-store.js';

const CODE = /^[A-Za-z0-9_-]{1,32}$/;
const USERNAME = /^[A-Za-z0-9_.-]{2,64}$/;
/**
 * Hardening 13: names a reader of the audit log or a case history would take for the platform
 * itself, whatever their case. Nothing in the desk depends on them (the platform's actor is found by
 * its role); they are kept free so no person is mistaken for it. `admin` stays a person's name (the
 * system administrator, 三员分立).
 */
export const RESERVED_USERNAMES = ['system', 'platform', 'root', 'sys', 'sysadmin', 'superuser', '系统', '平台'] as const;
export const isReservedUsername = (username: string) => (RESERVED_USERNAMES as readonly string[]).includes(username.trim().toLowerCase());

/** Used by the CLI and the admin pages alike. */
export async function addAgency(
  db: Knex,
  input: { code: string; name: string; parentCode?: string | null } & AgencyDetails,
  actor: Pick<Actor, 'id' | 'username'> | null,
): Promise<Agency> {
  const fields: Record<string, string> = {};
  if (!CODE.test(input.code)) fields.code = '机关代码只能包含字母、数字、下划线和连字符（1–32 位）';
  if (!input.name.trim() || input.name.length > 200) fields.name = '请填写机关名称（不超过 200 字）';
  Object.assign(fields, agencyDetailProblems(input));
  if (Object.keys(fields).length) throw new DomainError('invalid', 'invalid', '提交的内容有误', fields);
  return db.transaction(async (trx) => {
    let parentId: number | null = null;
    if (input.parentCode) {
      const parent = await findAgencyByCode(trx, input.parentCode);
      if (!parent) throw new DomainError('invalid', 'invalid', `上级机关代码 ${input.parentCode} 不存在`, { parent: '上级机关不存在' });
      parentId = parent.id;
    }
    if (await findAgencyByCode(trx, input.code)) {
      throw new DomainError('conflict', 'duplicate', `机关代码 ${input.code} 已存在`, { code: '机关代码已存在' });
    }
    try {
      const agency = await insertAgency(trx, { ...cleanDetails(input), code: input.code, name: input.name.trim(), parentId });
      await audit(trx, { actor, action: 'agency.add', entity: 'agency', entityId: agency.id, detail: { code: agency.code, name: agency.name } });
      return agency;
    } catch (e) {
      if (isUniqueViolation(e)) throw new DomainError('conflict', 'duplicate', `机关代码 ${input.code} 已存在`, { code: '机关代码已存在' });
      throw e;
    }
  });
}

/** How a new password came to be (hardening 11). */
export interface PasswordOrigin {
  /**
   * Seeds only (demo data, test fixtures): a password published with the desk, typed by nobody —
   * it bypasses the strength check and is not forced to change. Production refuses such passwords
   * at login and refuses demo data altogether (hardening 7).
   */
  seeded?: boolean;
  /**
   * Whether the person must set their own at the next login; by default they must, because someone
   * else chose it (等保 level 3). The CLI's `--no-expire` turns it off.
   */
  mustChangePassword?: boolean;
}

/** Used by the CLI, the admin pages and the API alike. */
export async function addUser(
  db: Knex,
  input: { username: string; displayName?: string; role: string; agencyCode: string; password: string },
  actor: Pick<Actor, 'id' | 'username'> | null,
  bcryptRounds: number,
  origin: PasswordOrigin = {},
): Promise<number> {
  const fields: Record<string, string> = {};
  if (isReservedUsername(input.username)) fields.username = `用户名 ${input.username.trim()} 为系统保留，不能使用`;
  else if (!USERNAME.test(input.username)) fields.username = '用户名只能包含字母、数字、点、下划线和连字符（2–64 位）';
  if (!(ROLES as readonly string[]).includes(input.role)) fields.role = `角色应为 ${ROLES.join(', ')} 之一`;
  const pw = origin.seeded ? null : passwordProblem(input.password, { username: input.username, displayName: input.displayName });
  if (pw) fields.password = pw;
  if (Object.keys(fields).length) throw new DomainError('invalid', 'invalid', '提交的内容有误', fields);
  const mustChangePassword = origin.mustChangePassword ?? !origin.seeded;
  const passwordHash = await hashPassword(input.password, bcryptRounds);
  return db.transaction(async (trx) => {
    const agency = await findAgencyByCode(trx, input.agencyCode);
    if (!agency) throw new DomainError('invalid', 'invalid', `机关代码 ${input.agencyCode} 不存在`, { agency: '机关不存在' });
    if (await findUserByUsername(trx, input.username)) {
      throw new DomainError('conflict', 'duplicate', `用户名 ${input.username} 已存在`, { username: '用户名已存在' });
    }
    try {
      const id = await insertUser(trx, {
        username: input.username,
        displayName: (input.displayName ?? '').trim() || input.username,
        role: input.role as Role,
        agencyId: agency.id,
        passwordHash,
        mustChangePassword,
      });
      await audit(trx, { actor, action: 'user.add', entity: 'user', entityId: id, detail: { username: input.username, role: input.role, agency: agency.code, mustChangePassword } });
      return id;
    } catch (e) {
      if (isUniqueViolation(e)) throw new DomainError('conflict', 'duplicate', `用户名 ${input.username} 已存在`, { username: '用户名已存在' });
      throw e;
    }
  });
}

export async function changeUserActive(db: Knex, userId: number, active: boolean, actor: Actor): Promise<void> {
  await db.transaction(async (trx) => {
    const u = await findUserById(trx, userId);
    if (!u || !isPerson(u)) throw new DomainError('not_found', 'not_found', '未找到该用户');
    if (u.id === actor.id && !active) throw new DomainError('conflict', 'conflict', '不能停用自己的账号');
    await setUserActive(trx, userId, active);
    if (!active) await destroyUserSessions(trx, userId);
    await audit(trx, { actor, action: active ? 'user.enable' : 'user.disable', entity: 'user', entityId: userId, detail: { username: u.username } });
  });
}

/** An administrator sets a new password: the person must replace it at the next login (hardening 11). */
export async function resetPassword(db: Knex, userId: number, password: string, actor: Actor, bcryptRounds: number): Promise<void> {
  const target = await findUserById(db, userId);
  if (!target || !isPerson(target)) throw new DomainError('not_found', 'not_found', '未找到该用户');
  const pw = passwordProblem(password, target);
  if (pw) throw new DomainError('invalid', 'invalid', pw, { password: pw });
  const hash = await hashPassword(password, bcryptRounds);
  await db.transaction(async (trx) => {
    const u = await findUserById(trx, userId);
    if (!u) throw new DomainError('not_found', 'not_found', '未找到该用户');
    await setPasswordHash(trx, userId, hash, true);
    await destroyUserSessions(trx, userId);
    await audit(trx, { actor, action: 'user.reset_password', entity: 'user', entityId: userId, detail: { username: u.username, mustChangePassword: true } });
  });
}

function agencyDetailProblems(d: AgencyDetails): Record<string, string> {
  const fields: Record<string, string> = {};
  // The prefix goes into every document number: Chinese characters, letters and digits only.
  if (d.docPrefix && !/^[\p{Script=Han}A-Za-z0-9]{1,20}$/u.test(d.docPrefix)) fields.docPrefix = '文号前缀只能包含汉字、字母和数字（不超过 20 字）';
  if (d.sealPurpose && d.sealPurpose.length > 20) fields.sealPurpose = '印章用途不超过 20 字';
  for (const k of ['reconsiderationBody', 'court', 'address'] as const) if ((d[k] ?? '').length > 200) fields[k] = '不超过 200 字';
  if ((d.phone ?? '').length > 40) fields.phone = '联系电话不超过 40 字';
  if ((d.paymentDetails ?? '').length > 500) fields.paymentDetails = '缴费方式不超过 500 字';
  const unknown = (d.reconsiderationFirst ?? []).filter((c) => !isDecisionCode(c));
  if (unknown.length) fields.reconsiderationFirst = `不是答复类型：${unknown.join('、')}`;
  if (d.onlineDeliveryOn !== undefined && !isKey(ONLINE_DELIVERY_ON, d.onlineDeliveryOn)) fields.onlineDeliveryOn = '请选择网上送达以何为准';
  return fields;
}

function cleanDetails(d: AgencyDetails): AgencyDetails {
  const t = (v: string | null | undefined) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  return {
    docPrefix: t(d.docPrefix), sealPurpose: t(d.sealPurpose), reconsiderationBody: t(d.reconsiderationBody),
    court: t(d.court), address: t(d.address), phone: t(d.phone), paymentDetails: t(d.paymentDetails),
    // Issue 12: which replies say reconsideration comes first; undefined leaves it, null restores the default.
    // Issue 16: undefined leaves it as it is.
    ...(d.onlineDeliveryOn !== undefined ? { onlineDeliveryOn: d.onlineDeliveryOn } : {}),
    ...(d.reconsiderationFirst !== undefined ? { reconsiderationFirst: d.reconsiderationFirst && DECISION_CODES.filter((c) => d.reconsiderationFirst!.includes(c)) } : {}),
  };
}

/** The details printed on documents (文号 prefix, seal purpose, remedies bodies, contact). */
export async function editAgencyDetails(db: Knex, agencyId: number, input: AgencyDetails, actor: Actor): Promise<Agency> {
  const fields = agencyDetailProblems(input);
  if (Object.keys(fields).length) throw new DomainError('invalid', 'invalid', '提交的内容有误', fields);
  return db.transaction(async (trx) => {
    const agency = await findAgencyById(trx, agencyId);
    if (!agency) throw new DomainError('not_found', 'not_found', '未找到该机关');
    await updateAgencyDetails(trx, agencyId, cleanDetails(input));
    await audit(trx, { actor, action: 'agency.edit', entity: 'agency', entityId: agencyId, detail: { code: agency.code, ...cleanDetails(input) } });
    return (await findAgencyById(trx, agencyId))!;
  });
}

