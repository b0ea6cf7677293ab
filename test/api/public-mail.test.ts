import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, csrfOf, loginAgent, residentId, type TestEnv } from '../helpers/test-app.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { MAX_ATTEMPTS, sendPendingMail } from '../../server/public/public-mail.js';

/**
 * Issue 16: what counts as delivery (送达) to an applicant who applied online is the agency's choice
 * (the download, or the email carrying the document); failed mail is retried on a schedule, once; a
 * corrected document is mailed again.
 */
describe('mail to online applicants: delivery by email, retries, corrected documents (issue 16)', () => {
  let env: TestEnv;
  let smtp: TestSmtp;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  // Nothing listens on port 1 of the loopback: every connection is refused at once.
  const DEAD_SMTP = 'smtp://127.0.0.1:1';

  async function eventually<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await read();
      if (ok(v)) return v;
      if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** The administrator sets 网上送达以何为准 on the agency page (the other details posted as they are). */
  async function setOnlineDelivery(mode: 'download' | 'email') {
    const a = await env.db('agencies').where({ code: 'GHZY' }).first();
    const admin = await loginAgent(env.app, 'admin');
    const page = await admin.get(`/admin/agencies/${a.id}`);
    assert.match(page.text, /网上送达以何为准/);
    const res = await admin.post(`/admin/agencies/${a.id}`).type('form').send({
      _csrf: csrfOf(page.text), docPrefix: a.doc_prefix ?? '', sealPurpose: a.seal_purpose ?? '', reconsiderationBody: a.reconsideration_body ?? '',
      court: a.court ?? '', address: a.address ?? '', phone: a.phone ?? '', paymentDetails: a.payment_details ?? '', onlineDeliveryOn: mode,
    });
    assert.equal(res.status, 303, res.text.slice(0, 300));
    assert.equal((await env.db('agencies').where({ code: 'GHZY' }).first()).online_delivery_on, mode);
  }

  /** Applies online, confirms the email code, and the caseworker registers it: the case id and tracking credentials. */
  async function registeredOnline(email: string) {
    const started = await request(env.app).post('/api/public/applications').send({
      agency: 'GHZY', email,
      applicant: { kind: 'natural_person', name: '周某某', idType: 'resident_id', idNumber: residentId('31011519780405202') },
      request: { description: '申请公开锦绣路地块的建设用地规划许可证。', delivery: 'email' },
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const code = /(\d{6})/.exec((await smtp.waitFor(email, /验证码/)).subject)![1];
    const done = await request(env.app).post(`/api/public/applications/${started.body.submissionId}/confirm`).send({ code });
    assert.equal(done.status, 201, JSON.stringify(done.body));
    const id = Number((await env.db('online_submissions').where({ tracking_number: done.body.trackingNumber }).first('id')).id);
    const confirmed = await request(env.app).post(`/api/online-submissions/${id}/confirm`).set(auth('cw'));
    assert.equal(confirmed.status, 201, JSON.stringify(confirmed.body));
    await smtp.waitFor(email, /已受理/);
    return { appId: Number(confirmed.body.id), trackingNumber: String(done.body.trackingNumber), accessCode: String(done.body.accessCode) };
  }

  async function issueReply(appId: number) {
    const send = (who: string, body: Record<string, unknown>) => request(env.app).post(`/api/applications/${appId}/events`).set(auth(who)).send(body);
    assert.equal((await send('cw', { type: 'DRAFT_REPLY', date: '2026-11-20', decision: 'disclose', disclosure: { mode: 'provided', items: [{ title: '建设用地规划许可证' }], delivery: 'online' } })).status, 200);
    assert.equal((await send('cw', { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-20' })).status, 200);
    assert.equal((await send('rev', { type: 'APPROVE_REVIEW', date: '2026-11-20' })).status, 200);
    const issued = await send('appr', { type: 'ISSUE_REPLY', date: '2026-11-20' });
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
  }

  const stateOf = async (appId: number) => String((await env.db('applications').where({ id: appId }).first('state')).state);
  const deliveriesOf = (appId: number) => env.db('document_deliveries').where({ application_id: appId }).orderBy('id');
  const replyMail = (email: string) => env.db('public_mails').where({ recipient: email, kind: 'event.ISSUE_REPLY' }).first();

  /** The tracking page's session and its download of a document (POST: the first one records 送达). */
  async function download(trackingNumber: string, accessCode: string, documentId: number) {
    const agent = request.agent(env.app);
    const csrf = csrfOf((await agent.get('/track')).text);
    assert.equal((await agent.post('/track').type('form').send({ _csrf: csrf, trackingNumber, accessCode })).status, 303);
    return agent.post(`/track/documents/${documentId}`).type('form').send({ _csrf: csrfOf((await agent.get('/track/case')).text) });
  }

  before(async () => {
    smtp = await startSmtp();
    env = await createTestEnv({ today: '2026-11-20' });
    env.ctx.config.mail = { smtpUrl: smtp.url, from: 'gongkai@djq.example.gov.cn', publicBaseUrl: 'https://gk.djq.example.gov.cn' };
    for (const u of ['cw', 'rev', 'appr']) tokens[u] = await env.token(u);
  });
  after(async () => {
    await env.close();
    await smtp.close();
  });

  it('by default (download) the reply mail only tells: nothing is delivered until the applicant downloads it', async () => {
    assert.equal((await env.db('agencies').where({ code: 'GHZY' }).first()).online_delivery_on, 'download');
    const email = 'download.mode@example.cn';
    const { appId, trackingNumber, accessCode } = await registeredOnline(email);
    await issueReply(appId);
    const mail = await smtp.waitFor(email, /已答复/);
    assert.equal(mail.attachments.length, 0, 'the mail carries no document');
    assert.match(mail.text, /请在查询页面下载答复书/);
    await eventually('the mail marked sent', () => replyMail(email), (m) => Boolean(m?.sent_at));
    assert.equal(await stateOf(appId), 'issued');
    assert.equal((await deliveriesOf(appId)).length, 0);
    const reply = await env.db('documents').where({ application_id: appId, kind: 'reply', status: 'issued' }).first('id');
    assert.equal((await download(trackingNumber, accessCode, reply.id)).status, 200);
    assert.equal(await stateOf(appId), 'closed');
    const [d] = await deliveriesOf(appId);
    assert.equal(d.method, 'online');
  });

  it('counting the email as delivery: the mail carries the signed reply, and its sending records it delivered (电子邮件送达), once', async () => {
    await setOnlineDelivery('email');
    const email = 'email.mode@example.cn';
    const { appId, trackingNumber, accessCode } = await registeredOnline(email);
    await issueReply(appId);
    const mail = await smtp.waitFor(email, /已答复/);
    assert.equal(mail.attachments.length, 1);
    assert.equal(mail.attachments[0]!.contentType, 'application/pdf');
    assert.match(mail.attachments[0]!.filename, /答复书.*\.pdf$/);
    assert.equal(mail.attachments[0]!.content.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.match(mail.text, /本邮件发出之日即为送达之日/);
    // Recorded through the machine, as the download records it: RECORD_DELIVERY by the platform closes the case.
    await eventually('the case closed by the delivery', () => stateOf(appId), (s) => s === 'closed');
    const last = await env.db('application_events').where({ application_id: appId }).orderBy('seq', 'desc').first();
    assert.equal(last.type, 'RECORD_DELIVERY');
    assert.equal(last.actor_role, 'system');
    assert.equal(last.effective_date, '2026-11-20', 'the day the mail went');
    assert.match(String(last.payload), /"method":"email"/);
    const deliveries = await deliveriesOf(appId);
    assert.equal(deliveries.length, 1);
    assert.equal(deliveries[0].method, 'email');
    assert.equal(deliveries[0].date, '2026-11-20');
    const sent = await replyMail(email);
    assert.ok(sent.sent_at);
    assert.equal(Number(sent.document_id), Number(deliveries[0].document_id));
    assert.ok(await env.db('audit_log').where({ action: 'document.deliver', entity_id: String(deliveries[0].document_id) }).first(), 'audited');
    // The applicant downloads it later: nothing more is recorded.
    const events = (await env.db('application_events').where({ application_id: appId })).length;
    assert.equal((await download(trackingNumber, accessCode, Number(deliveries[0].document_id))).status, 200);
    assert.equal((await deliveriesOf(appId)).length, 1);
    assert.equal((await env.db('application_events').where({ application_id: appId })).length, events);
  });

  it('SMTP down: the mail fails and nothing is delivered; SMTP back: the scheduled retry sends it once, when due, and records the delivery', async () => {
    const email = 'smtp.down@example.cn';
    const { appId } = await registeredOnline(email);
    env.ctx.config.mail.smtpUrl = DEAD_SMTP;
    let failedAt: Date;
    try {
      await issueReply(appId);
      const failed = await eventually('the first attempt failed', () => replyMail(email), (m) => Boolean(m?.last_error));
      assert.equal(failed.sent_at, null);
      assert.equal(Number(failed.attempts), 1);
      assert.ok(failed.next_attempt_at > new Date().toISOString(), 'the next attempt is later');
      failedAt = new Date();
      assert.equal(await stateOf(appId), 'issued', 'not delivered: the mail did not go');
      assert.equal((await deliveriesOf(appId)).length, 0);
    } finally {
      env.ctx.config.mail.smtpUrl = smtp.url;
    }
    // Not due yet: the sweep leaves it.
    await sendPendingMail(env.ctx);
    assert.equal((await replyMail(email)).sent_at, null);
    // Due (a minute after the first failure): two instances sweeping at once send it once.
    const later = new Date(failedAt.getTime() + 61_000);
    const runs = await Promise.all([sendPendingMail(env.ctx, { now: later }), sendPendingMail(env.ctx, { now: later })]);
    assert.equal(runs[0].sent + runs[1].sent, 1, JSON.stringify(runs));
    await smtp.waitFor(email, /已答复/);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(smtp.mails.filter((m) => m.to === email && /已答复/.test(m.subject)).length, 1, 'sent once');
    const sent = await replyMail(email);
    assert.ok(sent.sent_at);
    assert.equal(Number(sent.attempts), 2);
    assert.equal(await stateOf(appId), 'closed');
    assert.equal((await deliveriesOf(appId))[0].method, 'email');
    // Later sweeps find nothing to send.
    assert.equal((await sendPendingMail(env.ctx, { now: new Date(failedAt.getTime() + 3600_000) })).sent, 0);
  });

  it(`a mail that keeps failing is tried ${MAX_ATTEMPTS} times with growing waits, then given up`, async () => {
    const email = 'never@example.cn';
    const { appId } = await registeredOnline(email);
    env.ctx.config.mail.smtpUrl = DEAD_SMTP;
    try {
      await issueReply(appId);
      let m = await eventually('the first attempt failed', () => replyMail(email), (x) => Boolean(x?.last_error));
      const waits: number[] = [];
      while (m.next_attempt_at) {
        const due = new Date(m.next_attempt_at);
        waits.push(due.getTime());
        await sendPendingMail(env.ctx, { now: due });
        m = await replyMail(email);
      }
      assert.equal(Number(m.attempts), MAX_ATTEMPTS);
      // Each wait doubles the one before.
      const gaps = waits.slice(1).map((t, i) => t - waits[i]!);
      for (let i = 1; i < gaps.length; i++) assert.equal(gaps[i], gaps[i - 1]! * 2, JSON.stringify(gaps));
    } finally {
      env.ctx.config.mail.smtpUrl = smtp.url;
    }
    assert.equal((await sendPendingMail(env.ctx, { now: new Date(Date.now() + 86_400_000) })).sent, 0, 'given up');
    assert.equal(await stateOf(appId), 'issued');
  });

  it('a corrected notice is mailed again, naming the one it replaces; the tracking page lists only the one in force', async () => {
    await setOnlineDelivery('download');
    const email = 'corrected@example.cn';
    const { appId, trackingNumber, accessCode } = await registeredOnline(email);
    const asked = await request(env.app).post(`/api/applications/${appId}/events`).set(auth('cw'))
      .send({ type: 'REQUEST_CORRECTION', date: '2026-11-20', items: ['请写明地块名称'], periodWorkingDays: 10 });
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    const docs = async () => (await request(env.app).get(`/api/applications/${appId}/documents`).set(auth('cw'))).body.items as { id: number; kind: string; status: string; number: string | null }[];
    const first = (await docs()).find((d) => d.kind === 'correction_notice')!;
    const issued = await request(env.app).post(`/api/documents/${first.id}/issue`).set(auth('cw')).send({ date: '2026-11-20' });
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    await smtp.waitFor(email, /请补正/);
    const correction = await request(env.app).post(`/api/documents/${first.id}/supersede`).set(auth('cw')).send({ reason: '补正事项写错了地块名称' });
    assert.equal(correction.status, 201, JSON.stringify(correction.body));
    const reissued = await request(env.app).post(`/api/documents/${correction.body.id}/issue`).set(auth('cw')).send({ date: '2026-11-20' });
    assert.equal(reissued.status, 200, JSON.stringify(reissued.body));
    const second = await smtp.waitFor(email, /更正/);
    assert.match(second.subject, /补正申请告知书/);
    const oldNumber = issued.body.number as string;
    const newNumber = reissued.body.number as string;
    assert.ok(oldNumber && newNumber && oldNumber !== newNumber);
    assert.ok(second.text.includes(oldNumber) && second.text.includes(newNumber), second.text);
    assert.match(second.text, /以更正后的文书为准/);
    const tracked = await request(env.app).post('/api/public/track').send({ trackingNumber, accessCode });
    const notices = tracked.body.documents.filter((d: { title: string }) => /补正/.test(d.title));
    assert.deepEqual(notices.map((d: { number: string }) => d.number), [newNumber], 'only the notice in force');
    // The superseded one cannot be downloaded from the tracking page.
    assert.equal((await download(trackingNumber, accessCode, first.id)).status, 404);
    assert.equal((await download(trackingNumber, accessCode, correction.body.id)).status, 200);
  });

  it('counting the email as delivery, a notice mailed with its PDF is recorded delivered (NOTICE_DELIVERED, 电子邮件送达) when the mail goes', async () => {
    await setOnlineDelivery('email');
    const email = 'notice.by.email@example.cn';
    const { appId } = await registeredOnline(email);
    assert.equal((await request(env.app).post(`/api/applications/${appId}/events`).set(auth('cw'))
      .send({ type: 'REQUEST_CORRECTION', date: '2026-11-20', items: ['请写明地块名称'], periodWorkingDays: 10 })).status, 200);
    const notice = (await request(env.app).get(`/api/applications/${appId}/documents`).set(auth('cw'))).body.items.find((d: { kind: string }) => d.kind === 'correction_notice');
    assert.equal((await request(env.app).post(`/api/documents/${notice.id}/issue`).set(auth('cw')).send({ date: '2026-11-20' })).status, 200);
    const mail = await smtp.waitFor(email, /请补正/);
    assert.equal(mail.attachments.length, 1);
    assert.match(mail.attachments[0]!.filename, /补正申请告知书/);
    const [d] = await eventually('the notice delivered', () => deliveriesOf(appId), (rows) => rows.length === 1);
    assert.equal(Number(d.document_id), notice.id);
    assert.equal(d.method, 'email');
    const entry = await env.db('application_events').where({ application_id: appId, type: 'NOTICE_DELIVERED' }).first();
    assert.ok(entry, 'the history records the delivery, for the clock');
    assert.equal(entry.actor_role, 'system');
    assert.equal(await stateOf(appId), 'awaiting_correction', 'a notice moves no state');
  });
});
