// Issue 16: a signed, expiring token naming one tracking number — the tracking page's cookie, and the
// link in the applicant's mail. Nothing is stored: the HMAC (SESSION_SECRET) proves it was issued here.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../context.js';

export const LINK_DAYS = 90;
export const PAGE_HOURS = 2;

const sign = (ctx: AppContext, body: string) => createHmac('sha256', ctx.config.sessionSecret).update(`track-token\u0000${body}`).digest('hex');

export function trackingToken(ctx: AppContext, trackingNumber: string, seconds = PAGE_HOURS * 3600): string {
  const body = `${trackingNumber}.${Math.floor(Date.now() / 1000) + seconds}`;
  return `${body}.${sign(ctx, body)}`;
}

export function readTrackingToken(ctx: AppContext, token: string | undefined | null): string | null {
  if (typeof token !== 'string') return null;
  const m = /^([A-Z0-9]{1,40})\.(\d{1,12})\.([0-9a-f]{64})$/.exec(token);
  if (!m) return null;
  const want = Buffer.from(sign(ctx, `${m[1]}.${m[2]}`), 'hex');
  const got = Buffer.from(m[3]!, 'hex');
  if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
  if (Number(m[2]) < Date.now() / 1000) return null;
  return m[1]!;
}

/** The link in a mail: opens the case without typing the code, for LINK_DAYS. */
export function trackLink(ctx: AppContext, trackingNumber: string): string {
  return `${ctx.config.mail.publicBaseUrl}/track?t=${trackingToken(ctx, trackingNumber, LINK_DAYS * 86400)}`;
}
