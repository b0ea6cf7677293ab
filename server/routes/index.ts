// Every route of the desk, as data: the server mounts them and the OpenAPI document describes them.
import { route, type RouteDef } from '../http/route.js';
import { noQuery } from '../http/schemas.js';
import { openApiDocument } from '../http/openapi.js';
import { applicationRoutes } from './application-routes.js';
import { authRoutes } from './auth-routes.js';
import { adminRoutes } from './admin-routes.js';
import { appealRoutes } from './appeal-routes.js';
import { reportRoutes } from './report-routes.js';
import { passageRoutes } from './passage-routes.js';

const declared: RouteDef[] = [...authRoutes, ...applicationRoutes, ...adminRoutes, ...appealRoutes, ...reportRoutes, ...passageRoutes];

let openApi: Record<string, unknown> | null = null;

/**
 * Liveness: mounted before anyone is identified (a probe carries no session, and the database it
 * reports on may be down), so it answers 503 rather than failing on the way in.
 */
export const HEALTH_ROUTE = route({
  method: 'get', path: '/api/health', permission: 'public', query: noQuery,
  summary: 'liveness (no authentication): the database answers',
  responses: { 200: { description: '{status: "ok"}' }, 503: { description: '{status: "unavailable", message}: the database does not answer' } },
  handler: async ({ ctx, res }) => {
    try {
      await ctx.db.raw('select 1');
      return { status: 'ok' };
    } catch {
      res.status(503).json({ status: 'unavailable', message: '数据库不可用' });
    }
  },
});

export const ROUTES: readonly RouteDef[] = [
  route({
    method: 'get', path: '/api/openapi.json', permission: 'public', query: noQuery,
    summary: 'this document',
    responses: { 200: { description: 'OpenAPI 3.1' } },
    handler: () => (openApi ??= openApiDocument(ROUTES)),
  }),
  HEALTH_ROUTE,
  ...declared,
];
