import { isUniqueViolation } from '../../db/knex.js';
import { addDays } from '../../workflows/dates.js';
import { findPlatformUser, insertPlatformUser, withoutHash, type User } from '../admin/user-store.js';
import { audit } from '../audit.js';
import { loadCalendar } from '../calendar-store.js';
import type { AppContext } from '../context.js';
import { conflict, DomainError, invalid, notFound } from '../errors.js';
import { applyEventInTransaction } from '../cases/application-service.js';
import { findApplication } from '../cases/application-store.js';
import { checkUploads, removeFile, storeFiles, type UploadedFile } from '../cases/attachment-files.js';
import { isStoragePathReferenced } from '../cases/application-store.js';
import { countOpenInbox, findRequest, listRequests, type ConsultationRequestView, type Box } from './consultation-store.js';

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

export async function getConsultation(ctx: AppContext, user: User, id: number) {
  const r = await loadRequest(ctx, user, id);
  const files: Record<string, unknown>[] = await ctx.db('attachments').where({ application_id: r.application.id }).orderBy('id')
    .select('id', 'filename', 'mime', 'size', 'consultation_request_id');
  return {
    ...r,
    attachments: files.map((f) => ({
      id: Number(f.id), filename: String(f.filename), mime: String(f.mime), size: Number(f.size),
      fromAnswer: Number(f.consultation_request_id) === r.id,
      url: `/api/consultations/${r.id}/attachments/${f.id}`,
    })),
    mayAnswer: r.status === 'open' && user.role === 'caseworker' && user.agencyId === r.consulted.id,
  };
}

export async function consultationAttachment(ctx: AppContext, user: User, id: number, attachmentId: number) {
  const r = await loadRequest(ctx, user, id);
  const f = await ctx.db('attachments').where({ id: attachmentId, application_id: r.application.id }).first();
  if (!f) throw notFound('未找到该附件');
  return { filename: String(f.filename), mime: String(f.mime), storagePath: String(f.storage_path) };
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
  const stored = await storeFiles(ctx.config.dataDir, files);
  const calendar = await loadCalendar(ctx.db);
  const date = ctx.clock.today();
  try {
    await ctx.db.transaction(async (trx) => {
      const row = await findApplication(trx, r.application.id);
      if (!row) throw notFound('未找到该征询件');
      await applyEventInTransaction(trx, ctx, user, row.id, {
        body: { type: 'RECORD_OPINION', date, consultationId: r.consultationId, opinion, reasons: reasons || null, answeredBy: r.consulted.code, requestId: r.id },
        ip,
      }, calendar, { row });
      const now = new Date().toISOString();
      for (const f of stored) {
        await trx('attachments').insert({
          application_id: row.id, filename: f.filename, mime: f.mime, size: f.size, sha256: f.sha256, storage_path: f.storagePath,
          uploaded_by: user.id, created_at: now, consultation_request_id: r.id,
        });
      }
      await audit(trx, { actor: user, action: 'consultation.answer', entity: 'consultation_request', entityId: r.id, detail: { caseNumber: r.application.caseNumber, opinion, files: stored.length }, ip });
    });
  } catch (e) {
    for (const s of stored) if (!(await isStoragePathReferenced(ctx.db, s.storagePath))) await removeFile(ctx.config.dataDir, s.storagePath);
    throw e;
  }
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
        console.error(`deemed consent for consultation request ${item.id} failed:`, e);
      }
    }
  }
  return { deemed, skipped };
}

export async function sweepNow(ctx: AppContext, user: User): Promise<SweepResult> {
  if (user.role !== 'admin' && user.role !== 'manager') throw new DomainError('forbidden', 'forbidden', '只有政务公开办或系统管理员可以立即执行逾期检查');
  return sweepDeemedConsents(ctx);
}

