// Every route of the desk, as data: the server mounts them and the OpenAPI document describes them.
import { route, type RouteDef } from '../http/route.js';
import { noQuery } from '../http/schemas.js';
import { openApiDocument } from '../http/openapi.js';
import { applicationRoutes } from './application-routes.js';
import { authRoutes } from './auth-routes.js';
import { adminRoutes } from './admin-routes.js';
import { readiness } from '../health.js';
import { scrape } from '../metrics.js';
import { documentRoutes } from './document-routes.js';
import { consultationRoutes } from './consultation-routes.js';
import { exportRoutes } from './export-routes.js';
import { feeRoutes } from './fee-routes.js';
import { applicantRoutes } from './applicant-routes.js';
import { appealRoutes } from './appeal-routes.js';
import { reportRoutes } from './report-routes.js';
import { passageRoutes } from './passage-routes.js';
import { accountRoutes } from './account-routes.js';
import { exchangeRoutes } from './exchange-routes.js';
import { exchangeAdminRoutes } from './exchange-admin-routes.js';
import { queueRoutes } from './queue-routes.js';
import { conferenceRoutes } from './conference-routes.js';
import { contactRoutes } from './contact-routes.js';

const declared: RouteDef[] = [
  ...authRoutes, ...accountRoutes, ...queueRoutes, ...applicationRoutes, ...contactRoutes, ...adminRoutes,
  ...documentRoutes, ...consultationRoutes, ...exportRoutes, ...feeRoutes, ...applicantRoutes,
  ...appealRoutes, ...reportRoutes, ...passageRoutes, ...exchangeRoutes, ...exchangeAdminRoutes,
  ...conferenceRoutes,
];

let openApi: Record<string, unknown> | null = null;

/**
 * Readiness: mounted before anyone is identified (a probe carries no session, and the database it
 * reports on may be down), so it answers 503 rather than failing on the way in.
 */
export const HEALTH_ROUTE = route({
  method: 'get', path: '/api/health', permission: 'public', query: noQuery,
  summary: 'readiness: 200 when the desk can serve a logged-in person now (database, an authenticated query, the process state), else 503',
  responses: { 200: { description: '{status: "ok", checks}' }, 503: { description: '{status: "unavailable", message, checks}' } },
  handler: async ({ ctx, res }) => {
    const r = await readiness(ctx);
    res.status(r.ready ? 200 : 503).set('Cache-Control', 'no-store');
    return r.ready ? { status: 'ok', checks: r.checks } : { status: 'unavailable', message: r.message, checks: r.checks };
  },
});

/**
 * Prometheus (issue 15, METRICS=1): mounted before anyone is identified, like readiness — a scraper
 * carries no session, and its bearer token is METRICS_TOKEN, not a person's. Not part of the API.
 */
export const METRICS_ROUTE = route({
  method: 'get', path: '/metrics', permission: 'public', query: noQuery,
  summary: 'Prometheus metrics (METRICS=1; with METRICS_TOKEN, Authorization: Bearer <token>)',
  handler: async ({ ctx, req, res }) => {
    const { status, contentType, body } = await scrape(ctx, req.get('authorization'));
    // A scraper is no person: a refused token is a plain 401, not the login page.
    if (status === 401) res.set('WWW-Authenticate', 'Bearer realm="metrics"');
    res.status(status).set('Cache-Control', 'no-store').type(contentType).send(body);
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
  METRICS_ROUTE,
  ...declared,
];
