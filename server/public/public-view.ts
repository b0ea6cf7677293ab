// Issue 16: what the applicant sees of their case, in plain words. Built from the case's own record
// and clock, but only what the applicant may see: no staff, no internal notes, conferences, review
// opinions, contacts or consultation letters addressed to others.
import type { AppContext } from '../context.js';
import { findApplication, listEvents } from '../cases/application-store.js';
import { contextOf } from '../../workflows/application.machine.js';
import { deadlinesFor, restore } from '../cases/case-clock.js';
import { loadCalendar } from '../calendar-store.js';
import { listDocuments } from '../documents/document-store.js';
import { DOCUMENT_KINDS } from '../../workflows/terms.js';
import { CLOSED_REASONS } from '../../workflows/application-types.js';
import { SUBMISSION_STATE_LABELS } from './public-service.js';
import type { SubmissionRow } from './public-store.js';
import { DomainError, notFound } from '../errors.js';
import { readPdf } from '../documents/document-store.js';
import { findDelivery } from '../documents/delivery-store.js';
import { APPLICANT_DOCUMENTS, recordApplicantDelivery } from './public-delivery.js';
import { systemUser } from '../consultations/consultation-service.js';
import { isUniqueViolation } from '../../db/knex.js';


export interface TrackedDocument { id: number; title: string; number: string; issuedDate: string; download: string }

export interface TrackingView {
  trackingNumber: string;
  agency: string;
  submittedAt: string;
  /** A plain-words stage and what it means for the applicant. */
  stage: { label: string; explanation: string };
  caseNumber: string | null;
  receivedDate: string | null;
  replyDue: string | null;
  /** The period the due date counts, in plain words (20 working days, or as extended). */
  replyPeriod: string | null;
  /** What stops or restarts the clock now, in plain words. */
  clockNotes: string[];
  /** What stops the clock at all (Arts. 30, 33): shown while a reply is due. */
  clockStops: string | null;
  documents: TrackedDocument[];
  returnReason: string | null;
  mayWithdraw: boolean;
  mayUploadCorrection: boolean;
  /** The remedies (救济途径) as the reply in force states them: 复议 and 诉讼, with their periods. */
  remedy: string | null;
  verifyUrl: string;
}

/** Arts. 30, 33: what the 20 working days do not count, in the applicant's words. */
export const CLOCK_STOPS = '以下期间不计算在答复期限内：行政机关请您补正申请的，自收到补正材料之日起重新计算（条例第三十条）；征求第三方或者其他机关意见所需时间（条例第三十三条第二款）；收到收费通知至缴纳信息处理费的期间。行政机关确需延长答复期限的，最长延长 20 个工作日，并会告知您（条例第三十三条）。';

/** The remedies paragraph of a reply's text (templates/documents/_remedies.ejs): as issued, never rewritten. */
export function remedyOf(body: string): string | null {
  const lines = body.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('如对本答复不服'));
  return lines.length ? lines.join('\n') : null;
}

const STAGE_TEXT: Record<string, string> = {
  processing: '行政机关正在办理您的申请。',
  awaiting_correction: '行政机关已请您补正申请，请查看补正申请告知书，在规定期限内补正。',
  drafted: '行政机关正在办理您的申请，答复正在拟定。',
  in_review: '行政机关正在办理您的申请，答复正在审核。',
  approved: '行政机关正在办理您的申请，答复即将作出。',
  issued: '行政机关已作出答复，请下载答复书。',
  closed: '申请已办结。',
};

/** What the applicant reads for each state: the staff's steps (审查, 签发) are one 办理中 to them. */
const STAGE_LABEL: Record<string, string> = {
  processing: '办理中', awaiting_correction: '待补正', drafted: '办理中', in_review: '办理中', approved: '办理中', issued: '已答复', closed: '已办结',
};

export async function trackingView(ctx: AppContext, s: SubmissionRow): Promise<TrackingView> {
  const base = {
    trackingNumber: s.trackingNumber!, agency: s.agencyName, submittedAt: s.submittedAt ?? s.createdAt, caseNumber: null, receivedDate: null,
    replyDue: null, replyPeriod: null, clockNotes: [] as string[], clockStops: null, documents: [] as TrackedDocument[], returnReason: null as string | null,
    mayWithdraw: false, mayUploadCorrection: false, remedy: null, verifyUrl: '/verify',
  };
  if (!s.applicationId) {
    if (s.state === 'returned') {
      return { ...base, stage: { label: SUBMISSION_STATE_LABELS.returned, explanation: '行政机关未能确认您的申请，请按说明补充或更正后重新提交。' }, returnReason: s.returnReason };
    }
    return {
      ...base,
      stage: { label: SUBMISSION_STATE_LABELS.awaiting_confirmation, explanation: '申请已提交，等待行政机关确认。行政机关与您确认之日为收到申请之日，答复期限自该日起计算（条例第三十一条第（三）项）。' },
      clockNotes: ['答复期限尚未开始计算。'],
    };
  }
  const row = (await findApplication(ctx.db, s.applicationId))!;
  const [events, calendar, documents] = await Promise.all([listEvents(ctx.db, row.id), loadCalendar(ctx.db), listDocuments(ctx.db, row.id)]);
  const today = ctx.clock.today();
  const d = deadlinesFor(row, events, calendar, today);
  const context = contextOf(restore(row));
  const notes: string[] = [];
  if (row.state === 'awaiting_correction') notes.push('补正期间答复期限暂停；行政机关收到补正材料之日起重新计算 20 个工作日（条例第三十条）。');
  if (context.consultations.some((c) => !c.opinion)) notes.push('行政机关正在征求意见，征求意见所需时间不计算在答复期限内（条例第三十二条、第三十四条）。');
  if (d.feePaymentDue && row.state !== 'closed') notes.push('收到收费通知至缴费期间不计算在答复期限内。');
  const extended = events.some((e) => e.type === 'APPROVE_EXTENSION');
  if (extended) notes.push('答复期限已经延长（条例第三十三条）。');
  if (d.provisional) notes.push('该期限所在年度的节假日安排尚未公布，期限为暂定。');
  const answered = row.state === 'closed' || row.state === 'issued';
  const issued = documents.filter((doc) => doc.status === 'issued' && APPLICANT_DOCUMENTS.has(doc.kind) && doc.number && doc.issuedDate);
  // The reply in force: a corrected one supersedes the one before (no longer 'issued').
  const reply = issued.filter((doc) => doc.kind === 'reply').at(-1);
  let label = STAGE_LABEL[row.state] ?? '办理中';
  let explanation = STAGE_TEXT[row.state] ?? '';
  if (row.state === 'closed' && context.closedReason) {
    label = CLOSED_REASONS[context.closedReason] === '申请人撤回' ? '已撤回' : '已办结';
    explanation = `申请已办结（${CLOSED_REASONS[context.closedReason]}）。`;
  }
  return {
    ...base,
    stage: { label, explanation },
    caseNumber: row.caseNumber,
    receivedDate: row.receivedDate,
    replyDue: answered ? null : d.replyDue,
    replyPeriod: answered || !d.replyDue ? null : extended ? '自收到申请之日起 20 个工作日，已依条例第三十三条延长' : '自收到申请之日起 20 个工作日，条例第三十三条',
    // Answered: no deadline runs, so nothing stops it.
    clockNotes: answered ? [] : notes,
    clockStops: answered ? null : CLOCK_STOPS,
    remedy: reply ? remedyOf(reply.body) : null,
    documents: issued
      .map((doc) => ({ id: doc.id, title: doc.title || DOCUMENT_KINDS[doc.kind as keyof typeof DOCUMENT_KINDS], number: doc.number!, issuedDate: doc.issuedDate!, download: `/track/documents/${doc.id}` })),
    mayWithdraw: !['issued', 'closed'].includes(row.state),
    mayUploadCorrection: row.state === 'awaiting_correction',
  };
}

/**
 * A document of the tracked case addressed to the applicant (any other: 404, as an unknown one). Its
 * first download is its receipt (送达, method online), recorded by the platform (public-delivery.ts) —
 * unless the agency counts the email as delivery and the mail has recorded it already.
 */
export async function trackedDocumentPdf(ctx: AppContext, s: SubmissionRow, documentId: number, ip: string | null): Promise<{ pdf: Buffer; filename: string }> {
  if (!s.applicationId) throw notFound('未找到该文书');
  const doc = (await listDocuments(ctx.db, s.applicationId)).find((x) => x.id === documentId);
  if (!doc || doc.status !== 'issued' || !APPLICANT_DOCUMENTS.has(doc.kind)) throw notFound('未找到该文书');
  const pdf = await readPdf(ctx.db, doc.id);
  if (!pdf) throw new DomainError('gone', 'gone', '文书文件不存在');
  if (doc.kind !== 'receipt' && !(await findDelivery(ctx.db, doc.id))) {
    const platform = await systemUser(ctx);
    try {
      await ctx.db.transaction((trx) => recordApplicantDelivery(trx, ctx, platform, doc.id, { date: ctx.clock.today(), method: 'online', note: '申请人在网上查询页面下载' }, ip));
    } catch (e) {
      // Recorded meanwhile (another download, the caseworker, the mail): the file is still the applicant's.
      if (!isUniqueViolation(e) && !(e instanceof DomainError)) throw e;
    }
  }
  return { pdf, filename: `${doc.title} ${doc.number}.pdf` };
}
