// The administrator's side of the data exchange (issue 14): API clients (add — the secret shown once —,
// list, revoke) and the webhook delivery log. Pages only; the command line does the same
// (`disclosure-desk client …`, `webhooks deliver`). Nothing here reads a case.
import { z } from 'zod';
import type { Request } from 'express';
import { route, type RouteDef } from '../http/route.js';
import { idParam, list, noBody } from '../http/schemas.js';
import { statusOf } from '../http/error-mapping.js';
import type { AppContext } from '../context.js';
import { listAgencies } from '../admin/agency-store.js';
import { addClient, EXCHANGE_SCOPES, listApiClients, revokeClient } from '../auth/client-service.js';
import { adminDeliveryLog, retryDelivery } from '../exchange/webhook-service.js';
import { CHANGE_TYPES } from '../change-feed.js';

const ADMIN = ['admin'] as const;
const byId = z.strictObject({ id: idParam });
const done = z.strictObject({ done: z.string().max(200).optional() });
const clientInput = z.strictObject({
  name: z.string().max(200),
  agency: z.string().max(64),
  scopes: list(z.string().max(40), 5).optional(),
});
const DELIVERY_STATUSES = { pending: '待投递', delivered: '已送达', failed: '投递失败', cancelled: '已取消' } as const;

async function clientsPage(ctx: AppContext, req: Request, extra: Record<string, unknown> = {}) {
  return {
    title: '对接系统', clients: await listApiClients(ctx.db), agencies: await listAgencies(ctx.db), SCOPES: EXCHANGE_SCOPES,
    form: { scopes: Object.keys(EXCHANGE_SCOPES) }, fields: {}, error: null, created: null,
    flash: typeof req.query.done === 'string' ? req.query.done : null, ...extra,
  };
}

export const exchangeAdminRoutes: RouteDef[] = [
  route({
    method: 'get', path: '/admin/clients', permission: ADMIN, query: done, summary: '对接系统',
    handler: async ({ ctx, req, res }) => res.render('admin-clients', await clientsPage(ctx, req)),
  }),
  route({
    method: 'post', path: '/admin/clients', permission: ADMIN, body: clientInput, summary: '添加对接系统（客户端）',
    onRefusal: async (c, e) => {
      c.res.status(statusOf(e)).render('admin-clients', await clientsPage(c.ctx, c.req, { form: c.form, fields: e.fields ?? {}, error: e.message }));
    },
    handler: async ({ ctx, req, res, user, body }) => {
      const created = await addClient(ctx.db, { name: body.name, agencyCode: body.agency, scopes: body.scopes ?? [] }, user);
      // The secret is in this page only (never in a URL, never stored): not cached anywhere.
      res.set('Cache-Control', 'no-store').status(201).render('admin-clients', await clientsPage(ctx, req, { created }));
    },
  }),
  route({
    method: 'post', path: '/admin/clients/:id/revoke', permission: ADMIN, params: byId, body: noBody, summary: '停用对接系统（客户端）',
    onRefusal: async (c, e) => {
      c.res.status(statusOf(e)).render('admin-clients', await clientsPage(c.ctx, c.req, { error: e.message }));
    },
    handler: async ({ ctx, user, params, res }) => {
      const client = await revokeClient(ctx.db, params.id, user);
      res.redirect(303, `/admin/clients?done=${encodeURIComponent(`已停用 ${client.name}（${client.clientId}）：其令牌即时失效`)}`);
    },
  }),
  route({
    method: 'get', path: '/admin/webhooks', permission: ADMIN,
    query: z.strictObject({ status: z.union([z.literal(''), z.enum(Object.keys(DELIVERY_STATUSES) as [string, ...string[]])]).optional(), done: z.string().max(200).optional() }),
    summary: 'Webhook 投递记录',
    handler: async ({ ctx, query, res }) => {
      const log = await adminDeliveryLog(ctx, { status: query.status || undefined });
      res.render('admin-webhooks', { title: 'Webhook 投递记录', ...log, query, STATUSES: DELIVERY_STATUSES, EVENT_TYPES: CHANGE_TYPES, flash: query.done ?? null });
    },
  }),
  route({
    method: 'post', path: '/admin/webhooks/deliveries/:id/retry', permission: ADMIN, params: byId, body: noBody, summary: '重新投递',
    handler: async ({ ctx, user, params, res }) => {
      await retryDelivery(ctx, user, params.id);
      res.redirect(303, `/admin/webhooks?done=${encodeURIComponent(`消息 ${params.id} 已重新排入投递`)}`);
    },
  }),
];
