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

export const ROUTES: readonly RouteDef[] = [
  route({
    method: 'get', path: '/api/openapi.json', permission: 'public', query: noQuery,
    summary: 'this document',
    responses: { 200: { description: 'OpenAPI 3.1' } },
    handler: () => (openApi ??= openApiDocument(ROUTES)),
  }),
  ...declared,
];
