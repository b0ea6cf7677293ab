// Issue 13, "My queue": everything whose next step is this person's — their agency's applications,
// the letters in its consultation inbox, the appeals they defend — most urgent first. Each feature
// says which of its cases wait for whom (case-queue, appeal-service, consultation-service, from the
// turn rules of workflows/turns.ts); this module gathers them in a bounded number of queries.
import { sortQueue, type QueueItem, type QueueSort } from '../../workflows/turns.js';
import type { User } from '../admin/user-store.js';
import { appealQueue } from '../appeals/appeal-service.js';
import { loadCalendar } from '../calendar-store.js';
import { applicationQueue } from '../cases/case-queue.js';
import { consultationQueue } from '../consultations/consultation-service.js';
import { conferenceQueue } from '../conferences/conference-service.js';
import type { AppContext } from '../context.js';
import { submissionQueue } from '../public/public-service.js';
import { forbidden } from '../errors.js';
import { mayReadCases, visibleAgencyIds } from '../policy.js';
import { listAgencies } from '../admin/agency-store.js';

export interface Queue {
  items: QueueItem[];
}

/** The caller's queue. Managers oversee and have none; the administrator sees no case (403). */
export async function queueFor(ctx: AppContext, user: User, order: { sort?: QueueSort; dir?: 'asc' | 'desc' } = {}): Promise<Queue> {
  if (!mayReadCases(user)) throw forbidden('系统管理员不查看申请和申请人信息（三员分立）');
  const calendar = await loadCalendar(ctx.db);
  const parts = [
    await applicationQueue(ctx, user, calendar),
    await consultationQueue(ctx, user, calendar),
    await appealQueue(ctx, user, calendar),
    await conferenceQueue(ctx, user, calendar),
    await submissionQueue(ctx, user),
  ];
  return { items: sortQueue(parts.flat(), order.sort, order.dir) };
}

/** The agencies whose cases the user sees, when more than their own (managers, legal staff): the list's agency filter. */
export async function agenciesInView(ctx: AppContext, user: User): Promise<{ code: string; name: string }[]> {
  const ids = await visibleAgencyIds(ctx, user);
  if (ids.length <= 1) return [];
  return (await listAgencies(ctx.db)).filter((a) => ids.includes(a.id)).map((a) => ({ code: a.code, name: a.name }));
}
