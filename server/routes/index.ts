// Every route of the desk, as data: the server mounts them and the OpenAPI document describes them.
import { route, type RouteDef } from '../http/route.js';
import { noQuery } from '../http/schemas.js';
import { openApiDocument } from '../http/openapi.js';
import { databaseAnswers } from '../../db/knex.js';
import { applicationRoutes } from './application-routes.js';
import { authRoutes } from './auth-routes.js';
import { adminRoutes } from './admin-routes.js';
import { documentRoutes } from './document-routes.js';
import { consultationRoutes } from './consultation-routes.js';
import { exportRoutes } from './export-routes.js';
import { feeRoutes } from './fee-routes.js';
import { applicantRoutes } from './applicant-routes.js';

const declared: RouteDef[] = [
  ...authRoutes, ...applicationRoutes, ...adminRoutes,
  ...documentRoutes, ...consultationRoutes, ...exportRoutes, ...feeRoutes, ...applicantRoutes,
];

let openApi: Record<string, unknown> | null = null;

export const ROUTES: readonly RouteDef[] = [
  route({
    method: 'get', path: '/api/health', permission: 'public', query: noQuery,
    summary: 'health check, without login: the server runs and its database answers',
    responses: { 200: { description: '{status: "ok"}' }, 503: { description: '{status: "unavailable", message}: the database does not answer' } },
    handler: async ({ ctx, res }) => {
      if (await databaseAnswers(ctx.db)) return { status: 'ok' };
      res.status(503).json({ status: 'unavailable', message: '数据库不可用' });
    },
  }),
  route({
    method: 'get', path: '/api/openapi.json', permission: 'public', query: noQuery,
    summary: 'this document',
    responses: { 200: { description: 'OpenAPI 3.1' } },
    handler: () => (openApi ??= openApiDocument(ROUTES)),
  }),
  ...declared,
];
