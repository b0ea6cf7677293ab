import type { Knex } from 'knex';
import type { Db } from '../../db/knex.js';
import { selectPrepared } from '../../db/dialect.js';
import type { User } from '../admin/user-store.js';
import { agencyAncestorIdsQuery, findAgencyByCode } from '../admin/agency-store.js';
import { visibleAgencyIds } from '../policy.js';
import { audit } from '../audit.js';
import type { AppContext } from '../context.js';
import { DomainError, invalid, notFound } from '../errors.js';
import { reportYearProblem, yearOf } from '../../workflows/dates.js';
import { annualReport } from './annual-report.js';

/** The agency and every agency above it: a lock on a parent's report covers its departments too. */
async function agencyChain(db: Db, agencyId: number): Promise<number[]> {
  const rows = await db
    .withRecursive('chain', (qb) => {
      qb.select('id', 'parent_id').from('agencies').where('id', agencyId).unionAll((u) => {
        u.select('a.id', 'a.parent_id').from('agencies as a').join('chain as c', 'a.id', 'c.parent_id');
      });
    })
    .select('id')
    .from('chain');
  return rows.map((r: { id: number }) => Number(r.id));
}

/**
 * Refuses a change dated on or before the end of a locked year: such a change (a back-dated
 * registration, a reply issued or processing stopped, a reopening of a case concluded then) would
 * alter that year's reported figures (domain.md §6 counting).
 */
export async function assertYearOpen(db: Db, agencyId: number, date: string, what: string): Promise<void> {
  const [lock] = await selectPrepared<{ year: number }>(db, lockedYearQuery(db, agencyId, date));
  refuseLockedYear(lock?.year, what);
}

/**
 * The earliest locked year a change so dated would alter (a select of one value, `year`, or no row):
 * the agency's chain upwards as a subquery, one round trip (issue 15). Read with refuseLockedYear.
 */
export function lockedYearQuery(db: Db, agencyId: number, date: string): Knex.QueryBuilder {
  return db('report_locks').whereIn('agency_id', agencyAncestorIdsQuery(db, agencyId)).where('year', '>=', yearOf(date)).orderBy('year').select('year').limit(1);
}

/** assertYearOpen's refusal, for a locked year read by lockedYearQuery (null or undefined: none). */
export function refuseLockedYear(year: unknown, what: string): void {
  if (year !== null && year !== undefined) {
    throw new DomainError('conflict', 'year_locked', `${Number(year)}年度报表已锁定，${what}会改变该年度已报送的数字；如确需修改，请政务公开办先解除锁定`);
  }
}

export interface LockInfo {
  agencyCode: string;
  agencyName: string;
  year: number;
  lockedBy: string;
  lockedAt: string;
}

/**
 * The lock on this agency's report for the year, and the locks that cover it anyway: one on a later
 * year of the same agency, or on the same or a later year of an agency above (assertYearOpen refuses
 * any change dated on or before the end of a locked year, for the agency and those below).
 */
export async function lockState(db: Db, agencyId: number, year: number): Promise<{ own: LockInfo | null; covering: LockInfo[] }> {
  const chain = await agencyChain(db, agencyId);
  const rows: { agency_id: number; code: string; name: string; year: number; display_name: string | null; username: string | null; locked_at: string }[] = await db('report_locks as l')
    .join('agencies as a', 'a.id', 'l.agency_id')
    .leftJoin('users as u', 'u.id', 'l.locked_by')
    .whereIn('l.agency_id', chain)
    .where('l.year', '>=', year)
    .select('l.agency_id', 'a.code', 'a.name', 'l.year', 'u.display_name', 'u.username', 'l.locked_at')
    .orderBy('l.year');
  const info = (r: (typeof rows)[number]): LockInfo => ({
    agencyCode: r.code, agencyName: r.name, year: Number(r.year), lockedBy: r.display_name ?? r.username ?? '—', lockedAt: r.locked_at,
  });
  const own = rows.find((r) => Number(r.agency_id) === agencyId && Number(r.year) === year);
  return { own: own ? info(own) : null, covering: rows.filter((r) => r !== own).map(info) };
}

async function lockTarget(ctx: AppContext, user: User, input: Record<string, unknown>) {
  if (user.role !== 'manager') throw new DomainError('forbidden', 'forbidden', '只有政务公开办可以锁定或解锁年度报表');
  const year = Number(input.year);
  const problem = reportYearProblem(year, ctx.clock.today());
  if (problem) throw invalid({ year: problem });
  const agency = await findAgencyByCode(ctx.db, typeof input.agency === 'string' && input.agency ? input.agency : user.agencyCode);
  if (!agency || !(await visibleAgencyIds(ctx, user)).includes(agency.id)) throw notFound('未找到该机关');
  return { year, agency };
}

export async function lockYear(ctx: AppContext, user: User, input: Record<string, unknown>): Promise<{ year: number; agency: string; locked: true }> {
  const { year, agency } = await lockTarget(ctx, user, input);
  // A year is reported, and locked, only when its table balances (一 + 二 = （七）总计 + 四).
  const report = await annualReport(ctx, user, { year, agency: agency.code, below: 'true' });
  if (!report.balance.ok) {
    throw new DomainError('conflict', 'unbalanced', `${year}年度报表不平衡，不能锁定：${report.balance.failures.join('；')}`);
  }
  await ctx.db.transaction(async (trx: Knex.Transaction) => {
    await trx('report_locks').insert({ agency_id: agency.id, year, locked_by: user.id, locked_at: new Date().toISOString() }).onConflict(['agency_id', 'year']).ignore();
    await audit(trx, { actor: user, action: 'report.lock', entity: 'agency', entityId: agency.id, detail: { code: agency.code, year } });
  });
  return { year, agency: agency.code, locked: true };
}

export async function unlockYear(ctx: AppContext, user: User, input: Record<string, unknown>): Promise<{ year: number; agency: string; locked: false }> {
  const { year, agency } = await lockTarget(ctx, user, input);
  await ctx.db.transaction(async (trx: Knex.Transaction) => {
    const n = await trx('report_locks').where({ agency_id: agency.id, year }).del();
    if (!n) throw new DomainError('not_found', 'not_found', `${year}年度报表未锁定`);
    await audit(trx, { actor: user, action: 'report.unlock', entity: 'agency', entityId: agency.id, detail: { code: agency.code, year } });
  });
  return { year, agency: agency.code, locked: false };
}
