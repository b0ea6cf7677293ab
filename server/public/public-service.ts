// Issue 16: the applicant's side. Apply online (email confirmed with a one-time code), wait in the
// agency's intake queue (待确认) until a caseworker registers the application — Art. 31(三): the day
// both sides confirm is the day received — and follow the case with a tracking number and access code.
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import type { AppContext } from '../context.js';
import type { User } from '../admin/user-store.js';
import { findAgencyByCode } from '../admin/agency-store.js';
import { audit } from '../audit.js';
import { DomainError, invalid, notFound } from '../errors.js';
import { visibleAgencyIds } from '../policy.js';
import { validateIntake, type Applicant, type RequestDetails } from '../cases/intake.js';
import { checkUploads, saveAttachments, storeUploadedContent, type UploadedFile } from '../cases/attachment-files.js';
import { applyEventInTransaction, registerApplication } from '../cases/application-service.js';
import { findApplication } from '../cases/application-store.js';
import { systemUser } from '../consultations/consultation-service.js';
import { loadCalendar } from '../calendar-store.js';
import { formatChineseDate } from '../../workflows/dates.js';
import { submissionHistory, type VolumeWarning } from '../applicants/applicant-service.js';
import { QUEUE_STEPS, type QueueItem } from '../../workflows/turns.js';
import { sendPendingMail, mailEnabled } from './public-mail.js';
import { trackLink } from './public-token.js';
export { readTrackingToken, trackingToken } from './public-token.js';
import {
  addCodeAttempt, countSubmissionFiles, enqueueMail, findSubmissionById, findSubmissionByPublicId, findSubmissionByTrackingNumber, hitCounter,
  insertSubmission, insertSubmissionFile, listAwaiting, markEmailConfirmed, markRegistered, markReturned, readCounter, replaceCode, submissionFiles, type SubmissionRow,
} from './public-store.js';

const CODE_MINUTES = 30;
/** A new code at most once a minute. */
export const RESEND_SECONDS = 60;
export const MAX_CODE_ATTEMPTS = 5;
/** Abuse limits (per hour): new submissions per address and per IP; tracking guesses per IP and per number (per 15 minutes). */
export const LIMITS = {
  submitPerEmail: { max: 5, seconds: 3600 },
  submitPerIp: { max: 20, seconds: 3600 },
  codePerIp: { max: 30, seconds: 3600 },
  trackPerIp: { max: 20, seconds: 900 },
  trackPerNumber: { max: 10, seconds: 900 },
} as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// No 0/O, 1/I/L: read off a phone and typed back.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

const hmac = (ctx: AppContext, purpose: string, value: string) => createHmac('sha256', ctx.config.sessionSecret).update(`${purpose}\u0000${value}`).digest('hex');

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

const throttled = (message: string) => new DomainError('throttled', 'throttled', message);

async function limit(ctx: AppContext, key: string, rule: { max: number; seconds: number }, message: string): Promise<void> {
  const window = Math.floor(Date.now() / 1000 / rule.seconds) * rule.seconds;
  if ((await hitCounter(ctx.db, key, window)) > rule.max) throw throttled(message);
}

async function over(ctx: AppContext, key: string, rule: { max: number; seconds: number }): Promise<boolean> {
  const window = Math.floor(Date.now() / 1000 / rule.seconds) * rule.seconds;
  return (await readCounter(ctx.db, key, window)) >= rule.max;
}

export const normaliseAccessCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');
export const normaliseTrackingNumber = (n: string) => n.toUpperCase().replace(/\s/g, '');

function newAccessCode(): string {
  let s = '';
  for (let i = 0; i < 12; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

function newTrackingNumber(today: string): string {
  return `W${today.replaceAll('-', '')}${String(randomInt(10 ** 8)).padStart(8, '0')}`;
}

// --- applying ----------------------------------------------------------------------------------

export interface PublicApplicationInput {
  agency?: string | null;
  email?: string | null;
  applicant?: Record<string, unknown>;
  request?: Record<string, unknown>;
  /** The hidden field people never see: a bot fills it. */
  website?: string | null;
}

export interface SubmissionStarted {
  submissionId: string;
  email: string;
  codeExpiresAt: string;
}

/**
 * Step 1: the form. Checked as staff intake checks it (the same validator, channel online); held
 * until the applicant types the code mailed to the address. Nothing reaches the agency yet.
 */
export async function startSubmission(ctx: AppContext, input: PublicApplicationInput, files: UploadedFile[], ip: string | null): Promise<SubmissionStarted> {
  const today = ctx.clock.today();
  const email = typeof input.email === 'string' ? input.email.trim() : '';
  const fields: Record<string, string> = {};
  if (!email) fields.email = '请填写电子邮箱（用于接收验证码和办理进度）';
  else if (!EMAIL.test(email) || email.length > 100) fields.email = '电子邮箱格式不正确';
  const agency = input.agency ? await findAgencyByCode(ctx.db, input.agency) : null;
  if (!agency) fields.agency = '请选择受理申请的行政机关';
  const checked = validateIntake({ applicant: { ...(input.applicant ?? {}), email: email || null }, channel: 'online', receivedDate: today, request: input.request ?? {} }, today);
  if (!checked.ok) Object.assign(fields, checked.fields);
  delete fields['applicant.email'];
  if (Object.keys(fields).length) throw invalid(fields);
  checkUploads(files);
  // Checked after the form, so a person sees what to correct first.
  if (!mailEnabled(ctx)) throw new DomainError('unavailable', 'mail_unavailable', '网上申请暂不可用（未配置邮件服务），请以当面、邮寄或传真方式申请');
  const expires = new Date(Date.now() + CODE_MINUTES * 60_000).toISOString();
  // A bot filled the hidden field: it is answered like anyone, and nothing is kept or sent.
  if (input.website) return { submissionId: randomBytes(18).toString('base64url'), email, codeExpiresAt: expires };
  await limit(ctx, `submit:ip:${ip ?? '-'}`, LIMITS.submitPerIp, '来自该网络地址的申请提交过于频繁，请稍后再试');
  await limit(ctx, `submit:email:${email.toLowerCase()}`, LIMITS.submitPerEmail, '该电子邮箱提交申请过于频繁，请一小时后再试');
  if (!checked.ok || !agency) throw invalid(fields);
  const publicId = randomBytes(18).toString('base64url');
  const code = String(randomInt(10 ** 6)).padStart(6, '0');
  const now = new Date().toISOString();
  await ctx.db.transaction(async (trx) => {
    const id = await insertSubmission(trx, {
      publicId, agencyId: agency.id, email, applicant: checked.value.applicant, request: checked.value.request,
      codeHash: hmac(ctx, 'code', `${publicId}:${code}`), codeExpiresAt: expires, ip, now,
    });
    for (const f of files) {
      const stored = await storeUploadedContent(trx, f, now);
      await insertSubmissionFile(trx, { submissionId: id, ...stored, now });
    }
    await enqueueMail(trx, codeMail(id, email, agency.name, code, now));
  });
  await sendPendingMail(ctx);
  return { submissionId: publicId, email, codeExpiresAt: expires };
}

function codeMail(submissionId: number, email: string, agencyName: string, code: string, now: string, resent = false) {
  return {
    submissionId, recipient: email, kind: 'email_code', now, subject: `政府信息公开申请邮箱验证码：${code}`,
    body: [`您正在向${agencyName}提交政府信息公开申请。`, '', `邮箱验证码：${code}`, '', `请在 ${CODE_MINUTES} 分钟内在申请页面输入该验证码，申请才会提交。`,
      ...(resent ? ['此前发送的验证码已失效。'] : []), '如果不是您本人操作，请忽略本邮件。（本邮件由系统自动发送，请勿回复。）'].join('\n'),
  };
}

/**
 * The applicant asks for the code again (lost, expired): a new code is mailed and the one before stops
 * working. Counted against the same limits as a submission (per address, per IP), at most one every
 * RESEND_SECONDS; the wrong tries made so far still count (MAX_CODE_ATTEMPTS per submission).
 */
export async function resendCode(ctx: AppContext, publicId: string, ip: string | null): Promise<SubmissionStarted> {
  const s = await findSubmissionByPublicId(ctx.db, publicId);
  if (!s || s.state !== 'pending_email') throw notFound('该申请不存在或已经提交');
  if (s.codeAttempts >= MAX_CODE_ATTEMPTS) throw throttled('验证码错误次数过多，该次提交已作废，请重新填写申请');
  const sentAt = Date.parse(s.codeSentAt ?? s.createdAt);
  const wait = Math.ceil((sentAt + RESEND_SECONDS * 1000 - Date.now()) / 1000);
  const tooSoon = (seconds: number) => throttled(`验证码刚刚发出，请 ${Math.max(1, seconds)} 秒后再重新获取`);
  if (wait > 0) throw tooSoon(wait);
  await limit(ctx, `submit:ip:${ip ?? '-'}`, LIMITS.submitPerIp, '来自该网络地址的请求过于频繁，请稍后再试');
  await limit(ctx, `submit:email:${s.email.toLowerCase()}`, LIMITS.submitPerEmail, '该电子邮箱获取验证码过于频繁，请一小时后再试');
  const code = String(randomInt(10 ** 6)).padStart(6, '0');
  const nowMs = Date.now();
  const now = new Date(nowMs).toISOString();
  const expires = new Date(nowMs + CODE_MINUTES * 60_000).toISOString();
  await ctx.db.transaction(async (trx) => {
    // Two resends racing: the one whose update finds the code older than a minute wins.
    const replaced = await replaceCode(trx, s.id, { codeHash: hmac(ctx, 'code', `${publicId}:${code}`), codeExpiresAt: expires, now, sentBefore: new Date(nowMs - RESEND_SECONDS * 1000).toISOString() });
    if (!replaced) throw tooSoon(RESEND_SECONDS);
    await enqueueMail(trx, codeMail(s.id, s.email, s.agencyName, code, now, true));
  });
  await sendPendingMail(ctx);
  return { submissionId: publicId, email: s.email, codeExpiresAt: expires };
}

export interface SubmissionConfirmed {
  trackingNumber: string;
  /** Shown once here and sent by email; stored only as a hash. */
  accessCode: string;
  agency: string;
  state: string;
  stateLabel: string;
}

/** Step 2: the emailed code. Right: the application is sent to the agency (待确认) and the applicant gets a tracking number and access code. */
export async function confirmEmail(ctx: AppContext, publicId: string, code: string, ip: string | null): Promise<SubmissionConfirmed> {
  await limit(ctx, `code:ip:${ip ?? '-'}`, LIMITS.codePerIp, '验证码尝试过于频繁，请稍后再试');
  const s = await findSubmissionByPublicId(ctx.db, publicId);
  if (!s || s.state !== 'pending_email') throw notFound('该申请不存在或已经提交');
  if (s.codeAttempts >= MAX_CODE_ATTEMPTS) throw throttled('验证码错误次数过多，该次提交已作废，请重新填写申请');
  if (s.codeExpiresAt < new Date().toISOString()) throw new DomainError('gone', 'code_expired', `验证码已过期（${CODE_MINUTES} 分钟内有效），请重新填写申请`);
  const typed = code.trim();
  if (!/^\d{6}$/.test(typed) || !sameHex(hmac(ctx, 'code', `${publicId}:${typed}`), s.codeHash)) {
    await addCodeAttempt(ctx.db, s.id);
    const left = MAX_CODE_ATTEMPTS - s.codeAttempts - 1;
    throw invalid({ code: left > 0 ? `验证码不正确，还可以再试 ${left} 次` : '验证码错误次数过多，该次提交已作废，请重新填写申请' });
  }
  const trackingNumber = newTrackingNumber(ctx.clock.today());
  const accessCode = newAccessCode();
  const now = new Date().toISOString();
  await ctx.db.transaction(async (trx) => {
    if (!(await markEmailConfirmed(trx, s.id, { trackingNumber, accessHash: accessHashOf(ctx, trackingNumber, accessCode), now }))) throw notFound('该申请不存在或已经提交');
    await enqueueMail(trx, {
      submissionId: s.id, recipient: s.email, kind: 'submitted', now, subject: `您的政府信息公开申请已提交（查询号 ${trackingNumber}）`,
      body: [`${s.applicant.name}：`, '', `您的政府信息公开申请已提交给${s.agencyName}，等待行政机关确认。`,
        '按照《中华人民共和国政府信息公开条例》第三十一条第（三）项，行政机关与您确认之日为收到申请之日，答复期限自该日起计算。', '',
        `查询号：${trackingNumber}`, `查询码：${accessCode}`, '', `查询办理进度：${trackLink(ctx, trackingNumber)}`,
        '（请妥善保管查询码，凭查询号和查询码可查看办理进度、下载文书。本邮件由系统自动发送，请勿回复。）'].join('\n'),
    });
  });
  await sendPendingMail(ctx);
  return { trackingNumber, accessCode, agency: s.agencyName, state: 'awaiting_confirmation', stateLabel: SUBMISSION_STATE_LABELS.awaiting_confirmation };
}

const accessHashOf = (ctx: AppContext, trackingNumber: string, accessCode: string) => hmac(ctx, 'access', `${trackingNumber}:${normaliseAccessCode(accessCode)}`);

export const SUBMISSION_STATE_LABELS = {
  pending_email: '待验证邮箱',
  awaiting_confirmation: '待确认',
  registered: '已受理',
  returned: '已退回',
} as const;

// --- the agency's intake queue (待确认) ------------------------------------------------------------

export interface SubmissionView {
  id: number;
  trackingNumber: string;
  agency: string;
  submittedAt: string;
  state: string;
  stateLabel: string;
  applicant: Applicant;
  request: RequestDetails;
  email: string;
  attachments: number;
  applicationId: number | null;
  receivedDate: string | null;
}

/**
 * A submission waiting for confirmation, with what intake shows staff before registering any
 * application: the applicant's monthly volume across agencies counting this one (Art. 35) and likely
 * repeats (Art. 36(六)), as if confirmed today.
 */
export interface AwaitingSubmissionView extends SubmissionView {
  volume: { month: string; count: number; threshold: number; exceeded: boolean };
  likelyRepeats: number;
  warning: VolumeWarning | null;
}

async function toSubmissionView(ctx: AppContext, s: SubmissionRow): Promise<SubmissionView> {
  return {
    id: s.id, trackingNumber: s.trackingNumber ?? '', agency: s.agencyName, submittedAt: s.submittedAt ?? s.createdAt, state: s.state,
    stateLabel: SUBMISSION_STATE_LABELS[s.state], applicant: s.applicant, request: s.request, email: s.email,
    attachments: await countSubmissionFiles(ctx.db, s.id), applicationId: s.applicationId, receivedDate: s.confirmedDate,
  };
}

export async function listAwaitingSubmissions(ctx: AppContext, user: User): Promise<AwaitingSubmissionView[]> {
  const rows = await listAwaiting(ctx.db, await visibleAgencyIds(ctx, user));
  const out: AwaitingSubmissionView[] = [];
  for (const s of rows) {
    const h = await submissionHistory(ctx, user, { applicant: s.applicant, agency: { id: s.agencyId, code: s.agencyCode, name: s.agencyName }, request: s.request });
    const c = h.volume.current;
    out.push({
      ...(await toSubmissionView(ctx, s)),
      volume: { month: c.month, count: c.count, threshold: h.volume.threshold, exceeded: c.exceeded }, likelyRepeats: h.likelyRepeats, warning: h.warning,
    });
  }
  return out;
}

/**
 * Issue 16: the online submissions waiting for the caller to confirm them, as queue items (kind
 * `submission`): only the caseworkers of the agency applied to can confirm, so only they see them.
 * No due date: the reply clock starts on confirmation (Art. 31(三)); oldest first within the kind.
 */
export async function submissionQueue(ctx: AppContext, user: User): Promise<QueueItem[]> {
  if (user.role !== 'caseworker' || user.agencyId === null) return [];
  const rows = await listAwaiting(ctx.db, [user.agencyId]);
  return rows.map((s) => ({
    kind: 'submission' as const, id: s.id, caseNumber: s.trackingNumber ?? '', step: 'confirm_submission' as const, stepLabel: QUEUE_STEPS.confirm_submission,
    dueDate: null, dueLabel: null, workingDaysLeft: null, overdue: false, dueSoon: false, provisional: false,
    allowedEvents: ['CONFIRM_SUBMISSION', 'RETURN_SUBMISSION'], agency: { code: user.agencyCode, name: s.agencyName },
    summary: s.request.description, applicantName: s.applicant.name, url: '/api/online-submissions', page: `/online-submissions#submission-${s.id}`,
  }));
}

async function loadOwnSubmission(ctx: AppContext, user: User, id: number): Promise<SubmissionRow> {
  const s = await findSubmissionById(ctx.db, id);
  // Another agency's submission is indistinguishable from a missing one.
  if (!s || s.state === 'pending_email' || !(await visibleAgencyIds(ctx, user)).includes(s.agencyId)) throw notFound('未找到该网上申请');
  if (user.role !== 'caseworker' || user.agencyId !== s.agencyId) throw new DomainError('forbidden', 'forbidden', '只有受理机关的承办人可以确认网上申请');
  if (s.state !== 'awaiting_confirmation') throw new DomainError('conflict', 'conflict', `该网上申请${SUBMISSION_STATE_LABELS[s.state]}，不能再确认或退回`);
  return s;
}

/**
 * The caseworker confirms: the application is registered as any other (number, receipt, history),
 * channel online, received today — Art. 31(三): the day both sides confirm — and the applicant is told.
 */
export async function confirmSubmission(ctx: AppContext, user: User, id: number, ip: string | null) {
  const s = await loadOwnSubmission(ctx, user, id);
  const today = ctx.clock.today();
  const files = (await submissionFiles(ctx.db, s.id)).map((f) => ({ originalname: f.filename, mimetype: f.mime, buffer: f.bytes }));
  const view = await registerApplication(ctx, user, { applicant: s.applicant, channel: 'online', receivedDate: today, request: s.request }, files, ip, async (trx, applicationId, caseNumber) => {
    if (!(await markRegistered(trx, s.id, { applicationId, date: today, by: user.id }))) throw new DomainError('conflict', 'conflict', '该网上申请刚被他人处理，请刷新');
    await enqueueMail(trx, {
      submissionId: s.id, recipient: s.email, kind: 'registered', now: new Date().toISOString(), subject: `您的政府信息公开申请已受理（查询号 ${s.trackingNumber}）`,
      body: [`${s.applicant.name}：`, '', `${s.agencyName}已于${formatChineseDate(today)}确认收到您的政府信息公开申请（受理编号 ${caseNumber}）。`,
        '该日为收到申请之日（《中华人民共和国政府信息公开条例》第三十一条第（三）项），答复期限自该日起计算。', '',
        `查询办理进度：${trackLink(ctx, s.trackingNumber!)}`, '（本邮件由系统自动发送，请勿回复。）'].join('\n'),
    });
    await audit(trx, { actor: user, action: 'online_submission.confirm', entity: 'online_submission', entityId: s.id, detail: { trackingNumber: s.trackingNumber, applicationId }, ip });
  });
  await sendPendingMail(ctx);
  return view;
}

/** The caseworker sends an unusable submission back at once, saying what to complete; nothing is registered and no clock runs. */
export async function returnSubmission(ctx: AppContext, user: User, id: number, reason: string, ip: string | null): Promise<SubmissionView> {
  const s = await loadOwnSubmission(ctx, user, id);
  if (!reason.trim()) throw invalid({ reason: '请写明需要申请人补充或更正的内容' });
  const today = ctx.clock.today();
  await ctx.db.transaction(async (trx) => {
    if (!(await markReturned(trx, s.id, { reason, date: today, by: user.id }))) throw new DomainError('conflict', 'conflict', '该网上申请刚被他人处理，请刷新');
    await enqueueMail(trx, {
      submissionId: s.id, recipient: s.email, kind: 'returned', now: new Date().toISOString(), subject: `您的政府信息公开申请需要补充后重新提交（查询号 ${s.trackingNumber}）`,
      body: [`${s.applicant.name}：`, '', `${s.agencyName}未能确认您提交的申请，请按以下说明补充或更正后重新提交：`, '', reason, '',
        `重新提交：${ctx.config.mail.publicBaseUrl}/apply`, '（本邮件由系统自动发送，请勿回复。）'].join('\n'),
    });
    await audit(trx, { actor: user, action: 'online_submission.return', entity: 'online_submission', entityId: s.id, detail: { trackingNumber: s.trackingNumber }, ip });
  });
  await sendPendingMail(ctx);
  return toSubmissionView(ctx, (await findSubmissionById(ctx.db, s.id))!);
}

// --- following the case ----------------------------------------------------------------------------

const NOT_FOUND_TRACKING = '查询号或查询码不正确';

/**
 * Number + code. A wrong code answers exactly as an unknown number; guesses are counted per IP and
 * per number (across instances), and past the limit every answer is 429, right code or not.
 */
export async function openTracking(ctx: AppContext, trackingNumber: string, accessCode: string, ip: string | null): Promise<string> {
  const number = normaliseTrackingNumber(trackingNumber);
  if (await over(ctx, `track:ip:${ip ?? '-'}`, LIMITS.trackPerIp) || await over(ctx, `track:number:${number}`, LIMITS.trackPerNumber)) {
    throw throttled('查询尝试过于频繁，请 15 分钟后再试');
  }
  const s = number ? await findSubmissionByTrackingNumber(ctx.db, number) : null;
  // The hash is computed whether or not the number exists: the answer takes as long either way.
  const hash = accessHashOf(ctx, number, accessCode);
  if (!s || !s.accessHash || !sameHex(hash, s.accessHash)) {
    await hitCounter(ctx.db, `track:ip:${ip ?? '-'}`, Math.floor(Date.now() / 1000 / LIMITS.trackPerIp.seconds) * LIMITS.trackPerIp.seconds);
    await hitCounter(ctx.db, `track:number:${number}`, Math.floor(Date.now() / 1000 / LIMITS.trackPerNumber.seconds) * LIMITS.trackPerNumber.seconds);
    throw notFound(NOT_FOUND_TRACKING);
  }
  return s.trackingNumber!;
}

export async function loadTracked(ctx: AppContext, trackingNumber: string | null): Promise<SubmissionRow> {
  const s = trackingNumber ? await findSubmissionByTrackingNumber(ctx.db, trackingNumber) : null;
  if (!s) throw new DomainError('unauthorized', 'unauthorized', '请输入查询号和查询码');
  return s;
}

/** Art. 31 / the machine: the applicant withdraws; the platform records WITHDRAW on the case through the machine. */
export async function withdrawTracked(ctx: AppContext, trackingNumber: string | null, ip: string | null): Promise<void> {
  const s = await loadTracked(ctx, trackingNumber);
  if (!s.applicationId) throw new DomainError('conflict', 'conflict', '申请尚未被行政机关确认受理，无需撤回；如不再需要，可不予理会');
  const platform = await systemUser(ctx);
  const calendar = await loadCalendar(ctx.db);
  try {
    await ctx.db.transaction(async (trx: Knex.Transaction) => {
      const app = (await findApplication(trx, s.applicationId!))!;
      await applyEventInTransaction(trx, ctx, platform, s.applicationId!, { body: { type: 'WITHDRAW', date: ctx.clock.today() }, ip }, calendar, { row: app });
    });
  } catch (e) {
    if (e instanceof DomainError && (e.kind === 'conflict' || e.kind === 'forbidden')) throw new DomainError('conflict', 'conflict', '该申请已办结或已答复，不能再撤回');
    throw e;
  }
  await sendPendingMail(ctx);
}

/**
 * Art. 30: the applicant uploads the correction material while the case awaits it. The files join the
 * case's materials; the caseworker reads them and records CORRECTION_RECEIVED (the clock restarts from
 * that date), since only a person can judge the correction complete.
 */
export async function uploadCorrection(ctx: AppContext, trackingNumber: string | null, files: UploadedFile[], ip: string | null): Promise<number> {
  const s = await loadTracked(ctx, trackingNumber);
  if (files.length === 0) throw invalid({ attachments: '请选择补正材料文件' });
  checkUploads(files);
  const row = s.applicationId ? await findApplication(ctx.db, s.applicationId) : null;
  if (!row || row.state !== 'awaiting_correction') throw new DomainError('conflict', 'conflict', '该申请现在不需要补正');
  const platform = await systemUser(ctx);
  const now = new Date().toISOString();
  await ctx.db.transaction(async (trx) => {
    await saveAttachments(trx, { applicationId: row.id, files, origin: 'correction', uploadedBy: platform.id, now });
    await audit(trx, { actor: platform, action: 'online_submission.correction_uploaded', entity: 'application', entityId: row.id, detail: { trackingNumber: s.trackingNumber, files: files.length }, ip });
  });
  return files.length;
}
