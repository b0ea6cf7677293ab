// Webhooks of the data exchange (issue 14): a client registers a URL for the changes it wants, gets a
// whsec_ secret once, and receives each change of its agencies' cases as a Standard Webhooks message
// from the outbox (change-feed.ts writes it, webhook-worker.ts delivers it).
import type { AppContext } from '../context.js';
import type { Actor } from '../audit.js';
import { audit } from '../audit.js';
import type { ClientAuth } from '../auth/client-service.js';
import { CHANGE_TYPE_NAMES, type ChangeType } from '../change-feed.js';
import { DomainError, invalid, notFound } from '../errors.js';
import { sealSecret } from './secret-box.js';
import { newWebhookSecret } from './webhook-signature.js';
import { webhookUrlProblem } from './url-guard.js';
import {
  deliveryLog, findWebhook, insertWebhook, listAllWebhooks, listWebhooksOf, markWebhookDeleted, requeueDelivery, type DeliveryLogRow, type WebhookRow,
} from './webhook-store.js';

/** A client keeps a handful of webhooks, not an unbounded list. */
export const MAX_WEBHOOKS_PER_CLIENT = 10;

const view = (w: WebhookRow) => ({ id: w.id, url: w.url, events: w.events, createdAt: w.createdAt });

export async function registerWebhook(ctx: AppContext, client: ClientAuth, input: { url: string; events: string[] }, ip: string | null) {
  const fields: Record<string, string> = {};
  const events = [...new Set(input.events)];
  const unknown = events.filter((e) => !(CHANGE_TYPE_NAMES as string[]).includes(e));
  if (!events.length) fields.events = `请至少订阅一种事件：${CHANGE_TYPE_NAMES.join('、')}`;
  else if (unknown.length) fields.events = `不是可订阅的事件：${unknown.join('、')}（可选：${CHANGE_TYPE_NAMES.join('、')}）`;
  const urlProblem = await webhookUrlProblem(input.url, ctx.config.webhooks.allowPrivate);
  if (urlProblem) fields.url = urlProblem;
  if (Object.keys(fields).length) throw invalid(fields);
  if ((await listWebhooksOf(ctx.db, client.id)).length >= MAX_WEBHOOKS_PER_CLIENT) {
    throw new DomainError('conflict', 'too_many_webhooks', `每个客户端最多登记 ${MAX_WEBHOOKS_PER_CLIENT} 个 webhook，请先删除不用的`);
  }
  const secret = newWebhookSecret();
  const now = new Date().toISOString();
  const ordered = CHANGE_TYPE_NAMES.filter((t) => events.includes(t)) as ChangeType[];
  const id = await insertWebhook(ctx.db, { clientId: client.id, url: input.url, events: ordered, sealedSecret: sealSecret(ctx.config.sessionSecret, secret), now });
  await audit(ctx.db, { actor: { id: client.actorId, username: `@exchange:${client.clientId}` }, action: 'exchange.webhook.add', entity: 'webhook', entityId: id, detail: { clientId: client.clientId, url: input.url, events: ordered }, ip });
  return { id, secret, url: input.url, events: ordered, createdAt: now };
}

export async function webhooksOf(ctx: AppContext, client: ClientAuth) {
  return (await listWebhooksOf(ctx.db, client.id)).map(view);
}

async function ownWebhook(ctx: AppContext, client: ClientAuth, id: number): Promise<WebhookRow> {
  const w = await findWebhook(ctx.db, id);
  if (!w || w.clientId !== client.id || w.deletedAt) throw notFound('未找到该 webhook');
  return w;
}

/** Deleted: nothing more is sent to it, what it still owed is cancelled; its delivery log stays. */
export async function removeWebhook(ctx: AppContext, client: ClientAuth, id: number, ip: string | null): Promise<void> {
  const w = await ownWebhook(ctx, client, id);
  await markWebhookDeleted(ctx.db, w.id, new Date().toISOString());
  await audit(ctx.db, { actor: { id: client.actorId, username: `@exchange:${client.clientId}` }, action: 'exchange.webhook.delete', entity: 'webhook', entityId: id, detail: { clientId: client.clientId, url: w.url }, ip });
}

const deliveryView = (d: DeliveryLogRow) => ({
  id: d.id, messageId: d.messageId, type: d.type, caseNumber: d.caseNumber, status: d.status, attempts: d.attempts,
  nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt : null, deliveredAt: d.deliveredAt, lastStatusCode: d.lastStatusCode, lastError: d.lastError,
  createdAt: d.createdAt, attemptLog: d.attemptLog.map(({ worker: _w, ...a }) => a),
});

/** A webhook's newest deliveries with their attempts: what the client's receiver was sent and answered. */
export async function webhookDeliveries(ctx: AppContext, client: ClientAuth, id: number) {
  await ownWebhook(ctx, client, id);
  return (await deliveryLog(ctx.db, { webhookId: id, limit: 100 })).map(deliveryView);
}

/** The administrator's delivery log: every webhook, the newest deliveries (of a status) with every attempt. */
export async function adminDeliveryLog(ctx: AppContext, opts: { status?: string }) {
  return { webhooks: await listAllWebhooks(ctx.db), deliveries: await deliveryLog(ctx.db, { limit: 200, status: opts.status }) };
}

/** The administrator sends a delivery that gave up once more (the receiver is fixed). */
export async function retryDelivery(ctx: AppContext, actor: Pick<Actor, 'id' | 'username'>, id: number): Promise<void> {
  if (!(await requeueDelivery(ctx.db, id, new Date().toISOString()))) throw new DomainError('conflict', 'not_failed', '只有投递失败的消息可以重新投递');
  await audit(ctx.db, { actor, action: 'exchange.webhook.retry', entity: 'webhook_delivery', entityId: id });
}
