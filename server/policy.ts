// Who may see what: decided here, once, for every use case (no Express, no HTTP).
import type { AppContext } from './context.js';
import type { Db } from '../db/knex.js';
import { isExchangeActor, type User } from './admin/user-store.js';
import { agencyScopeIds } from './admin/agency-store.js';
import type { Role } from '../workflows/roles.js';

/**
 * 三员分立 (separation of duties, 等保 level 3): the system administrator administers users, agencies,
 * the calendar and keys, and sees no case and no applicant's personal data.
 */
export const CASE_ROLES: readonly Role[] = ['caseworker', 'reviewer', 'approver', 'legal', 'manager'];

export const mayReadCases = (user: Pick<User, 'role'>): boolean => CASE_ROLES.includes(user.role);

/**
 * Agencies whose cases a user may see: their own; a manager or legal staff also every agency below
 * it (managers oversee, and legal staff defend, the cases of every agency below theirs); the
 * administrator none; an API client's actor its client's agency and those below. Inside a transaction pass the transaction: SQLite's single pooled connection
 * is held by it.
 */
export async function visibleAgencyIds(ctx: AppContext, user: User, db: Db = ctx.db): Promise<number[]> {
  // A connected system (issue 14) acts for its client: the client's agency and every agency below it.
  if (isExchangeActor(user)) return agencyScopeIds(db, user.agencyId);
  if (!mayReadCases(user)) return [];
  if (user.role === 'manager' || user.role === 'legal') return agencyScopeIds(db, user.agencyId);
  return [user.agencyId];
}

/**
 * Full ID and phone numbers (issue 13): only the caseworkers of the agency handling the case, who
 * must reach and identify the applicant. Reviewers and approvers judge the reply, managers and legal
 * staff oversee and defend it: none of them needs the numbers, so they see them masked as in lists.
 */
export const mayReadFullPersonalData = (user: Pick<User, 'role' | 'agencyId'>, caseAgencyId: number): boolean =>
  user.role === 'caseworker' && user.agencyId === caseAgencyId;
