// Delivers the webhook outbox (issue 14). Every server instance runs it every
// WEBHOOK_DELIVERY_SECONDS; `disclosure-desk webhooks deliver` runs it once. Safe with several
// instances: a worker claims due rows for a lease (webhook-store claimDue), posts them, and records the
// outcome only while its claim holds; a worker that dies mid-delivery leaves a claim that lapses, and
// another sends the message again (same webhook-id: receivers drop what they already have). A delivered
// message is marked so in the database before the worker moves on, and is never claimed again — after
// a restart neither. At-least-once: the one window for a duplicate is a crash between the receiver's
// 2xx and that mark.
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.js';
import { loggerOf } from '../log.js';
import { openSecret } from './secret-box.js';
import { webhookHeaders } from './webhook-signature.js';
import { guardedLookup, isPrivateAddress } from './url-guard.js';
import { claimDue, deliveryTarget, insertAttempt, settleDelivery, type DeliveryRow } from './webhook-store.js';
import { schedule } from '../schedule.js';

export interface DeliveryRun {
  delivered: number;
  retried: number;
  failed: number;
  cancelled: number;
}

/** At most six hours between two attempts. */
const MAX_WAIT_MS = 6 * 3600_000;
const BATCH = 20;
const MAX_BATCHES = 50;

/** Exponential back-off: base, 2×base, 4×base… after the 1st, 2nd, 3rd failed attempt. */
export function retryDelayMs(baseSeconds: number, attempts: number): number {
  return Math.min(baseSeconds * 1000 * 2 ** Math.max(0, attempts - 1), MAX_WAIT_MS);
}

export const defaultWorkerName = () => `${hostname()}#${process.pid}`;

interface PostResult {
  statusCode: number | null;
  error: string | null;
}

/** One POST, no redirects followed, the address checked on connecting; answers within `timeoutMs` or fails. */
function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number, allowPrivate: boolean): Promise<PostResult> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve({ statusCode: null, error: 'invalid URL' });
  }
  const host = target.hostname.replace(/^\[|\]$/g, '');
  // An address written in the URL is not looked up: checked here.
  if (!allowPrivate && isIP(host) && isPrivateAddress(host)) return Promise.resolve({ statusCode: null, error: 'refused: a private or reserved address' });
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(r);
    };
    const req = client.request(target, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'disclosure-desk-webhooks/1' },
      lookup: guardedLookup(allowPrivate) as never,
      agent: false,
    }, (res) => {
      // Only the status matters: the body is not read (nor waited for).
      done({ statusCode: res.statusCode ?? null, error: null });
      res.destroy();
    });
    const deadline = setTimeout(() => {
      req.destroy(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => done({ statusCode: null, error: e.code === 'EUNSAFEADDRESS' ? `refused: ${e.message}` : e.message || String(e.code) }));
    req.end(body);
  });
}

async function deliverOne(ctx: AppContext, row: DeliveryRow, token: string, now: Date, worker: string, run: DeliveryRun): Promise<void> {
  const settings = ctx.config.webhooks;
  const target = await deliveryTarget(ctx.db, row.webhookId);
  if (!target || target.deleted || target.revoked) {
    await settleDelivery(ctx.db, row.id, token, { status: 'cancelled', attempts: row.attempts, statusCode: null, error: target?.revoked ? 'the client was revoked' : 'the webhook was deleted' });
    run.cancelled++;
    return;
  }
  const secret = openSecret(ctx.config.sessionSecret, target.sealedSecret);
  const attempts = row.attempts + 1;
  const startedAt = new Date();
  const result: PostResult = secret
    ? await post(target.url, webhookHeaders(secret, row.messageId, Math.floor(now.getTime() / 1000), row.payload), row.payload, settings.timeoutMs, settings.allowPrivate)
    : { statusCode: null, error: 'the webhook secret cannot be read (SESSION_SECRET changed?): register the webhook again' };
  const durationMs = Date.now() - startedAt.getTime();
  const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
  const error = ok ? null : (result.error ?? `HTTP ${result.statusCode}`);
  const giveUp = !ok && (attempts >= settings.maxAttempts || !secret);
  await ctx.db.transaction(async (trx) => {
    await insertAttempt(trx, { deliveryId: row.id, attempt: attempts, startedAt: startedAt.toISOString(), durationMs, statusCode: result.statusCode, error, worker });
    await settleDelivery(trx, row.id, token, ok
      ? { status: 'delivered', attempts, statusCode: result.statusCode, error: null, deliveredAt: new Date().toISOString() }
      : giveUp
        ? { status: 'failed', attempts, statusCode: result.statusCode, error }
        : { status: 'pending', attempts, statusCode: result.statusCode, error, nextAttemptAt: new Date(now.getTime() + retryDelayMs(settings.retryBaseSeconds, attempts)).toISOString() });
  });
  if (ok) run.delivered++;
  else if (giveUp) run.failed++;
  else run.retried++;
}

/**
 * Delivers what is due at `now` (default: the clock's now), batch by batch, each batch's messages in
 * parallel (a batch takes at most one timeout). The lease outlasts a batch twice over.
 */
export async function deliverDueWebhooks(ctx: AppContext, opts: { now?: Date; worker?: string; batch?: number } = {}): Promise<DeliveryRun> {
  const size = opts.batch ?? BATCH;
  const now = opts.now ?? ctx.clock.now();
  const worker = opts.worker ?? defaultWorkerName();
  const leaseMs = 2 * ctx.config.webhooks.timeoutMs + 30_000;
  const run: DeliveryRun = { delivered: 0, retried: 0, failed: 0, cancelled: 0 };
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const token = randomBytes(12).toString('base64url');
    const rows = await claimDue(ctx.db, token, now.toISOString(), new Date(now.getTime() + leaseMs).toISOString(), size);
    await Promise.all(rows.map((row) => deliverOne(ctx, row, token, now, worker, run)));
    if (rows.length < size) break;
  }
  return run;
}

/**
 * Each server instance delivers every WEBHOOK_DELIVERY_SECONDS (0: never); runs never overlap. Returns
 * the way to stop it (the server stops it when it closes), which resolves once a run under way has
 * finished (graceful shutdown waits for it before closing the database).
 */
export function scheduleWebhookDelivery(ctx: AppContext): () => Promise<void> {
  const log = loggerOf(ctx);
  return schedule(ctx, 'webhooks', ctx.config.webhooks.intervalSeconds, 'webhook delivery failed', async () => {
    const r = await deliverDueWebhooks(ctx);
    if (r.delivered + r.retried + r.failed) log.info({ job: 'webhooks', ...r }, `webhooks: ${r.delivered} delivered, ${r.retried} to retry, ${r.failed} failed`);
  });
}
