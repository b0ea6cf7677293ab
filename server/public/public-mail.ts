// Mail to applicants (issue 16): written to the outbox in the transaction of the step it tells of,
// sent over SMTP (SMTP_URL) once that transaction has committed. A mail that fails is tried again
// with exponential back-off (next_attempt_at: 1, 2, 4, 8 minutes after the 1st, 2nd… failure), up to
// MAX_ATTEMPTS in all, by the next send or by each instance's retry schedule (scheduleMailRetry).
// Safe with several instances, as the webhook outbox (exchange/webhook-worker.ts): a sender claims
// due mails for a lease and marks one sent only while its claim holds, so two never send one mail
// while the lease runs. A sender that dies mid-send leaves a claim that lapses; the mail is then sent
// again (at-least-once: the one window for a duplicate is a crash between SMTP's 250 and the mark).
import { randomBytes } from 'node:crypto';
import { createTransport, type Transporter } from 'nodemailer';
import type { AppContext } from '../context.js';
import { loggerOf } from '../log.js';
import { findDocument, readPdf } from '../documents/document-store.js';
import { claimDueMails, markMailFailed, markMailSent, type MailRow } from './public-store.js';
import { schedule } from '../schedule.js';

export const MAX_ATTEMPTS = 5;
const RETRY_BASE_SECONDS = 60;
const MAX_WAIT_MS = 6 * 3600_000;
/** A send takes seconds; the lease outlasts a batch of them. */
const LEASE_MS = 5 * 60_000;
const BATCH = 20;
const MAX_BATCHES = 20;
const transports = new Map<string, Transporter>();

function transportOf(url: string): Transporter {
  let t = transports.get(url);
  if (!t) {
    t = createTransport(url);
    transports.set(url, t);
  }
  return t;
}

export const mailEnabled = (ctx: AppContext): boolean => Boolean(ctx.config.mail.smtpUrl);

/** Exponential back-off: 1, 2, 4, 8… minutes after the 1st, 2nd, 3rd… failed attempt. */
export function mailRetryDelayMs(attempts: number): number {
  return Math.min(RETRY_BASE_SECONDS * 1000 * 2 ** Math.max(0, attempts - 1), MAX_WAIT_MS);
}

export interface MailRun { sent: number; retried: number; failed: number }

/** The signed PDF a mail carries (when the agency counts the email as delivery). */
async function attachmentsOf(ctx: AppContext, m: MailRow) {
  if (!m.documentId) return [];
  const [doc, pdf] = await Promise.all([findDocument(ctx.db, m.documentId), readPdf(ctx.db, m.documentId)]);
  if (!doc || !pdf) throw new Error(`document ${m.documentId} has no PDF`);
  return [{ filename: `${doc.title} ${doc.number}.pdf`, content: pdf, contentType: 'application/pdf' }];
}

async function sendOne(ctx: AppContext, url: string, m: MailRow, token: string, now: Date, run: MailRun): Promise<void> {
  const attempts = m.attempts + 1;
  try {
    await transportOf(url).sendMail({ from: ctx.config.mail.from, to: m.recipient, subject: m.subject, text: m.body, attachments: await attachmentsOf(ctx, m) });
  } catch (e) {
    const giveUp = attempts >= MAX_ATTEMPTS;
    await markMailFailed(ctx.db, m.id, token, { error: e instanceof Error ? e.message : String(e), nextAttemptAt: giveUp ? null : new Date(now.getTime() + mailRetryDelayMs(attempts)).toISOString() });
    loggerOf(ctx).warn({ mailId: m.id, attempts, err: e }, giveUp ? 'mail to an applicant failed for the last time' : 'mail to an applicant failed; it will be tried again');
    if (giveUp) run.failed++;
    else run.retried++;
    return;
  }
  const sentAt = ctx.clock.now().toISOString();
  if (m.documentId) {
    // Loaded when needed: public-delivery records through the case's use cases, which send mail themselves.
    const { markSentAndDelivered } = await import('./public-delivery.js');
    await markSentAndDelivered(ctx, m, token, sentAt);
  } else {
    await markMailSent(ctx.db, m.id, token, sentAt);
  }
  run.sent++;
}

/**
 * Sends what the outbox holds that is due at `now` (default: the clock's now), batch by batch. Never
 * throws for a failed mail: it stays in the outbox with its next attempt scheduled.
 */
export async function sendPendingMail(ctx: AppContext, opts: { now?: Date } = {}): Promise<MailRun> {
  const run: MailRun = { sent: 0, retried: 0, failed: 0 };
  const url = ctx.config.mail.smtpUrl;
  if (!url) return run;
  const now = opts.now ?? ctx.clock.now();
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const token = randomBytes(12).toString('base64url');
    const rows = await claimDueMails(ctx.db, token, now.toISOString(), new Date(now.getTime() + LEASE_MS).toISOString(), MAX_ATTEMPTS, BATCH);
    for (const m of rows) await sendOne(ctx, url, m, token, now, run);
    if (rows.length < BATCH) break;
  }
  return run;
}

/**
 * Each server instance sends the mail due again every MAIL_RETRY_SECONDS (default 60; 0: never);
 * runs never overlap. Returns the way to stop it, resolving once a run under way has finished.
 */
export function scheduleMailRetry(ctx: AppContext): () => Promise<void> {
  const seconds = ctx.config.mail.retrySeconds ?? 60;
  if (!mailEnabled(ctx)) return async () => undefined;
  const log = loggerOf(ctx);
  return schedule(ctx, 'mail', seconds, 'sending mail to applicants failed', async () => {
    const r = await sendPendingMail(ctx);
    if (r.sent + r.retried + r.failed) log.info({ job: 'mail', ...r }, `mail to applicants: ${r.sent} sent, ${r.retried} to retry, ${r.failed} given up`);
  });
}
