// Mail to applicants (issue 16): written to the outbox in the transaction of the step it tells of,
// sent over SMTP (SMTP_URL) once that transaction has committed. A mail that fails stays in the
// outbox and is tried again on the next send, up to MAX_ATTEMPTS.
import { createTransport, type Transporter } from 'nodemailer';
import type { AppContext } from '../context.js';
import { loggerOf } from '../log.js';
import { claimMail, markMailFailed, markMailSent, unsentMails } from './public-store.js';

const MAX_ATTEMPTS = 5;
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

/** Sends what the outbox holds; answers how many went. Never throws: a failure stays in the outbox. */
export async function sendPendingMail(ctx: AppContext): Promise<number> {
  const url = ctx.config.mail.smtpUrl;
  if (!url) return 0;
  let sent = 0;
  for (const m of await unsentMails(ctx.db, MAX_ATTEMPTS)) {
    if (!(await claimMail(ctx.db, m.id, m.attempts))) continue;
    try {
      await transportOf(url).sendMail({ from: ctx.config.mail.from, to: m.recipient, subject: m.subject, text: m.body });
      await markMailSent(ctx.db, m.id, new Date().toISOString());
      sent++;
    } catch (e) {
      await markMailFailed(ctx.db, m.id, e instanceof Error ? e.message : String(e));
      loggerOf(ctx).warn({ mailId: m.id, err: e }, 'mail to an applicant failed; it stays in the outbox');
    }
  }
  return sent;
}
