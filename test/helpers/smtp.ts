// A real SMTP server on 127.0.0.1 for the mail tests (issue 16): every message it receives, parsed.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

export interface ReceivedMail { to: string; from: string; subject: string; text: string; attachments: { filename: string; contentType: string; content: Buffer }[] }

export interface TestSmtp {
  url: string;
  mails: ReceivedMail[];
  /** The next mail to `to` whose subject matches, waiting up to `ms`. */
  waitFor(to: string, subject: RegExp, ms?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then((m) => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address).join(','),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          subject: m.subject ?? '',
          text: m.text ?? '',
          attachments: m.attachments.map((a) => ({ filename: a.filename ?? '', contentType: a.contentType, content: a.content })),
        });
        callback();
      }, (e: Error) => callback(e));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  const taken = new Set<ReceivedMail>();
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    async waitFor(to, subject, ms = 5000) {
      const end = Date.now() + ms;
      for (;;) {
        const m = mails.find((x) => !taken.has(x) && x.to === to && subject.test(x.subject));
        if (m) {
          taken.add(m);
          return m;
        }
        if (Date.now() > end) throw new Error(`no mail to ${to} matching ${subject}; got: ${mails.map((x) => `${x.to} ${x.subject}`).join(' | ')}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
