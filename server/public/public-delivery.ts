// Issue 16: 送达 of a document to an applicant who applied online, recorded by the platform — on the
// applicant's first download from the tracking page (网上送达), or, where the agency counts email as
// delivery, when the mail carrying the signed document has been sent (电子邮件送达). Either way it is
// the one record any delivery is (documents/delivery-service.ts): the reply awaiting delivery through
// the machine's RECORD_DELIVERY (the case closes), any other document as NOTICE_DELIVERED (its period
// runs from that day, §2.8). A document already delivered, another way or earlier, stays as recorded.
import type { Knex } from 'knex';
import type { AppContext } from '../context.js';
import type { DocumentDeliveryMethod } from '../../workflows/glossary.js';
import { findApplication } from '../cases/application-store.js';
import { applyEventInTransaction } from '../cases/application-service.js';
import { loadCalendar } from '../calendar-store.js';
import type { User } from '../admin/user-store.js';
import { recordNoticeDelivery } from '../documents/deliveries.js';
import { findDelivery } from '../documents/delivery-store.js';
import { findDocument } from '../documents/document-store.js';
import { systemUser } from '../consultations/consultation-service.js';
import { DomainError } from '../errors.js';
import { loggerOf } from '../log.js';
import { isUniqueViolation } from '../../db/knex.js';
import { APPLICANT_DOCUMENTS, markMailSent, type MailRow } from './public-store.js';

export { APPLICANT_DOCUMENTS };

/**
 * Records the delivery in the caller's transaction, by the platform actor (`systemUser`, looked up
 * before the transaction: SQLite has one connection); false when there is nothing to record (the
 * receipt, a document superseded or not the applicant's, or one already delivered).
 */
export async function recordApplicantDelivery(
  trx: Knex.Transaction, ctx: AppContext, platform: User, documentId: number,
  d: { date: string; method: Extract<DocumentDeliveryMethod, 'online' | 'email'>; note: string }, ip: string | null,
): Promise<boolean> {
  const doc = await findDocument(trx, documentId);
  if (!doc || doc.status !== 'issued' || doc.kind === 'receipt' || !APPLICANT_DOCUMENTS.has(doc.kind)) return false;
  if (await findDelivery(trx, doc.id)) return false;
  const details = { date: d.date, method: d.method, trackingNumber: null, signedBy: null, note: d.note };
  const row = (await findApplication(trx, doc.applicationId))!;
  if (doc.kind === 'reply' && row.state === 'issued') {
    const calendar = await loadCalendar(trx);
    await applyEventInTransaction(trx, ctx, platform, row.id, { body: { type: 'RECORD_DELIVERY', ...details, documentId: doc.id }, ip }, calendar, { row });
  } else {
    await recordNoticeDelivery(trx, ctx, platform, doc, details, ip);
  }
  return true;
}

/**
 * The mail carrying a signed document has been sent, and the agency counts that as delivery (电子邮件
 * 送达): the mail is marked sent and the document delivered on the day it went, in one transaction.
 * Nothing to record (delivered already, superseded, the case moved on) or refused: marked sent only.
 */
export async function markSentAndDelivered(ctx: AppContext, m: MailRow, token: string, sentAt: string): Promise<void> {
  const platform = await systemUser(ctx);
  try {
    await ctx.db.transaction(async (trx) => {
      if (!(await markMailSent(trx, m.id, token, sentAt))) return;
      await recordApplicantDelivery(trx, ctx, platform, m.documentId!, { date: ctx.clock.today(), method: 'email', note: '载有文书的电子邮件已发出（网上申请）' }, null);
    });
  } catch (e) {
    if (!isUniqueViolation(e) && !(e instanceof DomainError)) throw e;
    loggerOf(ctx).warn({ mailId: m.id, documentId: m.documentId, err: e }, 'the mail went but its delivery could not be recorded');
    await markMailSent(ctx.db, m.id, token, sentAt);
  }
}
