import { isUniqueViolation } from '../../db/knex.js';
import { addDays } from '../../workflows/dates.js';
import type { WorkCalendar } from '../../workflows/calendar.js';
import { countdown, QUEUE_DUE_LABELS, QUEUE_STEPS, type QueueItem } from '../../workflows/turns.js';
import { findPlatformUser, insertPlatformUser, withoutHash, type User } from '../admin/user-store.js';
import { audit } from '../audit.js';
import { loadCalendar } from '../calendar-store.js';
import type { AppContext } from '../context.js';
import { conflict, DomainError, forbidden, invalid, notFound } from '../errors.js';
import { applyEventInTransaction } from '../cases/application-service.js';
import { findApplication } from '../cases/application-store.js';
import { attachmentDownload, checkUploads, saveAttachments, type AttachmentDownload, type UploadedFile } from '../cases/attachment-files.js';
import { documentPdfFor } from '../documents/document-actions.js';
import { loggerOf } from '../log.js';
import {
  countOpenInbox, findRequest, listRequests, requestAttachments, type ConsultationRequestView, type Box, type RequestAttachment,
} from './consultation-store.js';

// Issue 7: the consulted agency's side of a consultation (征询件). It answers in the system; the
// answer is the requesting case's RECORD_OPINION, written in the same transaction, and restarts that
// case's clock (clock.ts). Silence past the 15 working days becomes deemed consent (Art. 34),
// recorded by a sweep that any number of instances may run at once.

export const REQUEST_STATUS = { open: '待答复', answered: '已答复', deemed_consent: '逾期视为同意', closed: '申请已办结' } as const;

/** Who may look at an inbox item: people of the consulted agency and of the requesting one. */
async function loadRequest(ctx: AppContext, user: User, id: number): Promise<ConsultationRequestView> {
  if (!Number.isInteger(id) || id <= 0) throw notFound('未找到该征询件');
  const r = await findRequest(ctx.db, id, ctx.clock.today());
  if (!r || (r.consulted.id !== user.agencyId && r.requesting.id !== user.agencyId)) throw notFound('未找到该征询件');
  return r;
}

export async function listConsultations(ctx: AppContext, user: User, q: { box?: unknown; status?: unknown }) {
  const box: Box = q.box === 'outbox' ? 'outbox' : 'inbox';
  const status = typeof q.status === 'string' && (q.status === 'all' || q.status in REQUEST_STATUS) ? q.status : box === 'inbox' ? 'open' : 'all';
  const items = await listRequests(ctx.db, user.agencyId, box, status, ctx.clock.today());
  return { box, status, total: items.length, items };
}

export const openInboxCount = (ctx: AppContext, user: User) => countOpenInbox(ctx.db, user.agencyId);

/**
 * Issue 13: the letters waiting in the agency's inbox are its caseworkers' to answer (Art. 34), by
 * the end of the 15 working days; past them the platform records consent. Nobody else answers them.
 */
export async function consultationQueue(ctx: AppContext, user: User, calendar: WorkCalendar): Promise<QueueItem[]> {
  if (user.role !== 'caseworker') return [];
  const today = ctx.clock.today();
  return (await listRequests(ctx.db, user.agencyId, 'inbox', 'open', today)).map((r) => ({
    kind: 'consultation' as const,
    id: r.id,
    applicationId: r.application.id,
    caseNumber: r.application.caseNumber,
    step: 'answer_consultation' as const,
    stepLabel: QUEUE_STEPS.answer_consultation,
    dueDate: r.opinionDue,
    dueLabel: QUEUE_DUE_LABELS.opinion,
    ...countdown(calendar, today, r.opinionDue),
    provisional: false,
    allowedEvents: ['ANSWER'],
    agency: { code: r.requesting.code, name: r.requesting.name },
    summary: r.parts || r.application.description,
    url: r.url,
    page: r.page,
  }));
}

/**
 * Hardening finding 9: which of the requesting case's files a user may read through the inbox item.
 * The requesting agency: all of them (its own case). The consulted agency: only its caseworkers (who
 * answer), the files the letter carried while the consultation is open, and its own answer's files.
 */
function readableFiles(r: ConsultationRequestView, user: User, files: RequestAttachment[]): { files: RequestAttachment[]; note: string | null } {
  if (user.agencyId === r.requesting.id) return { files, note: null };
  const own = files.filter((f) => f.fromAnswer);
  const carried = files.filter((f) => f.carried && !f.fromAnswer);
  if (user.role !== 'caseworker') return { files: [], note: carried.length || own.length ? CARRIED_ONLY_CASEWORKER : null };
  if (r.status !== 'open') return { files: own, note: carried.length ? carriedNoLonger(r) : null };
  return { files: [...carried, ...own], note: null };
}

const CARRIED_ONLY_CASEWORKER = '征询件的附件仅供被征求意见机关的承办人查阅';
const carriedNoLonger = (r: ConsultationRequestView) => `征询已结束（${REQUEST_STATUS[r.status]}），来函所附材料不再提供查阅`;

export async function getConsultation(ctx: AppContext, user: User, id: number) {
  const r = await loadRequest(ctx, user, id);
  const { files, note } = readableFiles(r, user, await requestAttachments(ctx.db, r.id, r.application.id));
  return {
    ...r,
    attachments: files.map((f) => ({
      id: f.id, filename: f.filename, mime: f.mime, size: f.size, carried: f.carried, fromAnswer: f.fromAnswer,
      url: `/api/consultations/${r.id}/attachments/${f.id}`,
    })),
    attachmentsNote: note,
    mayAnswer: r.status === 'open' && user.role === 'caseworker' && user.agencyId === r.consulted.id,
  };
}

/** The consultation letter (征求意见函), for either agency: the consulted one reads it without seeing the case. */
export async function consultationLetterPdf(ctx: AppContext, user: User, id: number) {
  const r = await loadRequest(ctx, user, id);
  if (!r.letter) throw notFound('征求意见函尚未生成');
  return documentPdfFor(ctx, r.letter.id);
}

export async function consultationAttachment(ctx: AppContext, user: User, id: number, attachmentId: number): Promise<AttachmentDownload> {
  const r = await loadRequest(ctx, user, id);
  const all = await requestAttachments(ctx.db, r.id, r.application.id);
  const file = all.find((f) => f.id === attachmentId);
  // A file of the case the letter did not carry is, to the consulted agency, no file at all.
  if (!file || (user.agencyId !== r.requesting.id && !file.carried && !file.fromAnswer)) throw notFound('未找到该附件');
  if (!readableFiles(r, user, all).files.includes(file)) throw forbidden(user.role !== 'caseworker' ? CARRIED_ONLY_CASEWORKER : carriedNoLonger(r));
  return attachmentDownload(ctx.db, r.application.id, attachmentId);
}

/** The consulted agency's caseworker answers: consent, or objection with reasons (Art. 34), with files. */
export async function answerConsultation(ctx: AppContext, user: User, id: number, body: Record<string, unknown>, files: UploadedFile[], ip: string | null) {
  const r = await loadRequest(ctx, user, id);
  if (user.agencyId !== r.consulted.id || user.role !== 'caseworker') throw new DomainError('forbidden', 'forbidden', '只有被征求意见机关的承办人可以答复征询件');
  if (r.status !== 'open') throw conflict(`该征询件${REQUEST_STATUS[r.status]}，不能再答复`);
  const opinion = body.opinion;
  const reasons = typeof body.reasons === 'string' ? body.reasons.trim() : '';
  if (opinion !== 'consent' && opinion !== 'object') throw invalid({ opinion: '请选择“同意公开”或“不同意公开”' });
  if (opinion === 'object' && !reasons) throw invalid({ reasons: '不同意公开的，须说明理由和依据（第三十四条）' });
  checkUploads(files);
  const calendar = await loadCalendar(ctx.db);
  const date = ctx.clock.today();
  await ctx.db.transaction(async (trx) => {
    const row = await findApplication(trx, r.application.id);
    if (!row) throw notFound('未找到该征询件');
    await applyEventInTransaction(trx, ctx, user, row.id, {
      body: { type: 'RECORD_OPINION', date, consultationId: r.consultationId, opinion, reasons: reasons || null, answeredBy: r.consulted.code, requestId: r.id },
      ip,
    }, calendar, { row });
    // The answer's files belong to the requesting case's record, marked as this answer's.
    await saveAttachments(trx, { applicationId: row.id, files, origin: 'answer', consultationRequestId: r.id, uploadedBy: user.id, now: new Date().toISOString() });
    await audit(trx, { actor: user, action: 'consultation.answer', entity: 'consultation_request', entityId: r.id, detail: { caseNumber: r.application.caseNumber, opinion, files: files.length }, ip });
  });
  return getConsultation(ctx, user, id);
}

/** The platform's own actor: it records what the law makes happen by itself. Cannot log in. */
export async function systemUser(ctx: AppContext): Promise<User> {
  let platform = await findPlatformUser(ctx.db);
  if (!platform) {
    const root = await ctx.db('agencies').whereNull('parent_id').orderBy('id').first('id');
    if (!root) throw new Error('no agency to attach the platform actor to');
    try {
      await insertPlatformUser(ctx.db, Number(root.id));
    } catch (e) {
      if (!isUniqueViolation(e)) throw e; // another instance created it first
    }
    platform = await findPlatformUser(ctx.db);
  }
  return withoutHash(platform!);
}

export interface SweepResult { deemed: number; skipped: number }

/**
 * Art. 34: every open consultation of an agency in the system whose 15 working days are over gets
 * its deemed consent recorded, dated the day after the period. Safe on several instances at once:
 * each item is one transaction guarded by the case version and the item's open status, so a second
 * sweeper loses the race with a conflict and moves on.
 */
export async function sweepDeemedConsents(ctx: AppContext): Promise<SweepResult> {
  const today = ctx.clock.today();
  const due: { id: number; application_id: number; consultation_id: string; opinion_due: string }[] = await ctx.db('consultation_requests')
    .where({ status: 'open' }).where('opinion_due', '<', today).orderBy('id').select('id', 'application_id', 'consultation_id', 'opinion_due');
  if (due.length === 0) return { deemed: 0, skipped: 0 };
  const system = await systemUser(ctx);
  const calendar = await loadCalendar(ctx.db);
  let deemed = 0;
  let skipped = 0;
  for (const item of due) {
    try {
      await ctx.db.transaction(async (trx) => {
        const row = await findApplication(trx, Number(item.application_id));
        if (!row) return;
        const last = await trx('application_events').where({ application_id: row.id }).max({ d: 'effective_date' }).first();
        const dayAfter = addDays(item.opinion_due, 1);
        const date = last?.d && String(last.d) > dayAfter ? String(last.d) : dayAfter;
        await applyEventInTransaction(trx, ctx, system, row.id, {
          body: { type: 'RECORD_OPINION', date, consultationId: item.consultation_id, opinion: 'deemed_consent', reasons: null, requestId: Number(item.id) },
          ip: null,
        }, calendar, { row });
      });
      deemed += 1;
    } catch (e) {
      skipped += 1;
      // The case closed meanwhile (withdrawn, lapsed): the letter needs no answer any more.
      if (e instanceof DomainError && e.kind === 'conflict' && e.code === 'not_allowed') {
        await ctx.db('consultation_requests').where({ id: item.id, status: 'open' }).update({ status: 'closed' });
      } else if (!(e instanceof DomainError) && !isUniqueViolation(e)) {
        loggerOf(ctx).error({ job: 'deemed-consent', consultationRequestId: item.id, err: e }, `deemed consent for consultation request ${item.id} failed`);
      }
    }
  }
  return { deemed, skipped };
}

export async function sweepNow(ctx: AppContext, user: User): Promise<SweepResult> {
  if (user.role !== 'admin' && user.role !== 'manager') throw new DomainError('forbidden', 'forbidden', '只有政务公开办或系统管理员可以立即执行逾期检查');
  return sweepDeemedConsents(ctx);
}

