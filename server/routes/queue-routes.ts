// Issue 13: each person's queue (待我处理) — the JSON API and the home page (工作台), where the queue
// comes first and the agency's whole list (本机关全部案件, with its filters) is one click away.
import { z } from 'zod';
import { route, type RouteDef } from '../http/route.js';
import { noQuery } from '../http/schemas.js';
import { ref } from '../http/openapi-components.js';
import { APPLICATION_STATES } from '../../workflows/application.machine.js';
import { QUEUE_SORTS, QUEUE_STEP_CODES, QUEUE_STEPS, type QueueItem, type QueueSort } from '../../workflows/turns.js';
import { countVisibleByState, listApplicationViews, LIST_SORTS, type ListSort } from '../cases/application-service.js';
import { agenciesInView, queueFor } from '../queue/queue-service.js';
import { listQuery, toListQuery } from './application-routes.js';

/** The home page's URL: which view, the list's filters, the queue's step, and the order of either. */
const homeQuery = listQuery.extend({
  view: z.enum(['queue', 'all', 'inbox']).optional().describe('queue (待我处理, default) or all (本机关全部案件); inbox: the address of issue 6, the list for managers'),
  step: z.enum(QUEUE_STEP_CODES).optional(),
  sort: z.enum([...new Set<string>([...QUEUE_SORTS, ...LIST_SORTS])] as [string, ...string[]]).optional(),
});
type HomeQuery = z.output<typeof homeQuery>;

/** Lines of the queue on one page (the API gives them all). */
const QUEUE_PAGE_SIZE = 100;

/** Filters of the list: any of them in the URL opens the list (addresses bookmarked before issue 13 keep working). */
const LIST_FILTERS = ['state', 'text', 'dueBefore', 'overdue', 'open', 'agency', 'page', 'pageSize'] as const;

/** The URL state of the page, without empty values or false flags, for links that change one thing. */
function urlState(q: HomeQuery, view: 'queue' | 'all'): Record<string, string> {
  const out: Record<string, string> = { view };
  for (const [k, v] of Object.entries(q)) {
    if (k === 'view' || v === undefined || v === null || v === '' || v === false) continue;
    out[k] = v === true ? '1' : String(v);
  }
  return out;
}

function hrefOf(state: Record<string, string>, changes: Record<string, string | number | null>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...state, ...changes })) if (v !== null && v !== undefined && v !== '') params.set(k, String(v));
  return `/?${params.toString()}`;
}

/** Column headers that sort by links (no script): the current column toggles its direction. */
function sorting(state: Record<string, string>, current: string, dir: 'asc' | 'desc') {
  return {
    href: (key: string) => hrefOf(state, { sort: key, dir: key === current && dir === 'asc' ? 'desc' : 'asc', page: null }),
    aria: (key: string) => (key === current ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'),
    mark: (key: string) => (key === current ? (dir === 'asc' ? '▲' : '▼') : ''),
  };
}

export const queueRoutes: RouteDef[] = [
  route({
    method: 'get', path: '/api/queue', permission: 'staff', query: noQuery,
    summary: "the caller's queue: every case whose next step is theirs, most urgent first (overdue, then fewest working days left)",
    description:
      'A case is in the queue of the role whose turn it is: the caseworker while it is being handled, drafted, returned, or issued and awaiting delivery, ' +
      'and while a notice its events drafted waits to be issued or its receipt to be recorded; the reviewer while it is in review; the approver while a reply ' +
      'awaits sign-off or an extension request awaits approval; legal staff while an appeal\'s answer, decision or closing is due; the caseworkers of a consulted ' +
      'agency while its letter is unanswered. Never in a queue where the caller cannot act. Managers have an empty queue; the administrator gets 403.',
    responses: { 200: { description: '{items}', schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('QueueItem') } } } } },
    handler: ({ ctx, user }) => queueFor(ctx, user),
  }),

  // 工作台: the queue first; the agency's cases, filtered and sorted in the URL, one click away.
  route({
    method: 'get', path: '/', permission: 'user', query: homeQuery,
    summary: '工作台',
    handler: async ({ ctx, user, query, req, res }) => {
      // Issue 6: the dashboard is the manager's home page; their queue and list stay one click away.
      if (user.role === 'manager' && Object.keys(req.query).length === 0) return res.redirect(303, '/dashboard');
      if (user.role === 'admin') return res.redirect(303, '/admin/users');
      const listed = LIST_FILTERS.some((k) => req.query[k] !== undefined && req.query[k] !== '');
      const view: 'queue' | 'all' = query.view === 'all' || (query.view === 'inbox' && user.role === 'manager') || (!query.view && listed) ? 'all' : 'queue';
      const state = urlState(query, view);
      const dir = query.dir ?? 'asc';
      const queueSort = (QUEUE_SORTS as readonly string[]).includes(query.sort ?? '') ? (query.sort as QueueSort) : 'urgency';
      const queue = await queueFor(ctx, user, { sort: queueSort, dir });
      const byState = await countVisibleByState(ctx, user);
      const allTotal = Object.values(byState).reduce((a, b) => a + b, 0);
      const locals = {
        title: '工作台', view, query, href: (changes: Record<string, string | number | null>) => hrefOf(state, changes),
        queueTotal: queue.items.length, allTotal, allLabel: user.role === 'manager' || user.role === 'legal' ? '全部案件（含下级机关）' : '本机关全部案件',
      };
      if (view === 'queue') {
        const steps = QUEUE_STEP_CODES.map((code) => ({ code, label: QUEUE_STEPS[code], count: queue.items.filter((i) => i.step === code).length })).filter((s) => s.count > 0);
        const items: QueueItem[] = query.step ? queue.items.filter((i) => i.step === query.step) : queue.items;
        const pages = Math.max(1, Math.ceil(items.length / QUEUE_PAGE_SIZE));
        const pageNo = Math.min(query.page ?? 1, pages);
        return res.render('inbox', {
          ...locals, items: items.slice((pageNo - 1) * QUEUE_PAGE_SIZE, pageNo * QUEUE_PAGE_SIZE), shownOf: items.length, pages, pageNo, steps, step: query.step ?? null,
          overdueCount: queue.items.filter((i) => i.overdue).length, dueSoonCount: queue.items.filter((i) => i.dueSoon).length,
          // A letter names the agency it came from anyway; cases name theirs when they are of several.
          multiAgency: new Set(queue.items.filter((i) => i.kind !== 'consultation').map((i) => i.agency.code)).size > 1 || user.role === 'legal',
          sorting: sorting(state, queueSort, dir),
        });
      }
      const listSort = (LIST_SORTS as readonly string[]).includes(query.sort ?? '') ? (query.sort as ListSort) : 'due';
      const list = await listApplicationViews(ctx, user, { ...toListQuery({ ...query, sort: listSort }), dir });
      const agencies = await agenciesInView(ctx, user);
      const counts = query.agency ? await countVisibleByState(ctx, user, query.agency) : byState;
      const filtered = LIST_FILTERS.some((k) => k !== 'page' && k !== 'pageSize' && state[k] !== undefined);
      return res.render('inbox', {
        ...locals, list, byState: counts, agencies, filtered, APPLICATION_STATES,
        sorting: sorting(state, listSort, dir),
      });
    },
  }),
];
