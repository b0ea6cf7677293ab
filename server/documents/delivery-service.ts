// 送达: the one place where the receipt of an issued document is recorded (POST
// /api/documents/:id/delivered and the case page's form). Periods that run from receipt (domain.md
// §2.8) are then counted from the recorded day. The reply awaiting delivery is the machine's
// RECORD_DELIVERY (it closes the case, answer counted in its year); every other document — notices,
// the receipt, a corrected or transfer reply — gets a NOTICE_DELIVERED entry in the case's history.
import { dateWindowProblem } from '../../workflows/dates.js';
import { deliveryMethodLabel, type DocumentDeliveryMethod } from '../../workflows/glossary.js';
import { formatChineseDate } from '../../workflows/dates.js';
import type { User } from '../admin/user-store.js';
import { isUniqueViolation } from '../../db/knex.js';
import { loadCalendar } from '../calendar-store.js';
import type { AppContext } from '../context.js';
import { applyEventInTransaction } from '../cases/application-service.js';
import { conflict, DomainError, invalid } from '../errors.js';
import { loadDocument, requireOwnCaseworker } from './document-actions.js';
import { recordNoticeDelivery } from './deliveries.js';
import { findDelivery } from './delivery-store.js';
import { findDocument } from './document-store.js';
import { toDocumentView, type DocumentView } from './document-view.js';
import { issueVerb } from '../../workflows/terms.js';

export interface DeliveryRequest {
  date: string;
  method: DocumentDeliveryMethod;
  trackingNumber: string | null;
  signedBy: string | null;
  note: string | null;
}

export async function recordDelivery(ctx: AppContext, user: User, id: number, input: DeliveryRequest, ip: string | null): Promise<DocumentView> {
  const { doc, row } = await loadDocument(ctx, user, id);
  requireOwnCaseworker(user, doc.agencyId);
  if (doc.kind === 'delivery_receipt') throw new DomainError('conflict', 'not_deliverable', '送达回证随所送达的文书一并使用，本身不记录送达');
  if (doc.status === 'draft') throw new DomainError('conflict', 'not_issued', `文书尚未${issueVerb(doc.kind)}，不能记录送达`);
  if (doc.status !== 'issued') throw new DomainError('conflict', 'superseded', '该文书已被更正文书取代，请记录更正文书的送达');
  const earlier = await findDelivery(ctx.db, doc.id);
  if (earlier) throw new DomainError('conflict', 'already_delivered', `该文书已于${formatChineseDate(earlier.date)}送达（${deliveryMethodLabel(earlier.method)}），不能重复记录`);
  const fields: Record<string, string> = {};
  const outside = dateWindowProblem(input.date, ctx.clock.today(), { label: '送达日期' });
  if (outside) fields.date = outside;
  else if (doc.issuedDate && input.date < doc.issuedDate) fields.date = `送达日期不能早于${issueVerb(doc.kind)}日期（${formatChineseDate(doc.issuedDate)}）`;
  // Platform letters are delivered by the platform itself, when they are issued.
  if (input.method === 'platform') fields.method = '平台送达由系统在征求意见函发出时自动记录，请选择实际的送达方式';
  if (Object.keys(fields).length) throw invalid(fields);

  const details = { date: input.date, method: input.method, trackingNumber: input.trackingNumber, signedBy: input.signedBy, note: input.note };
  // The reply in force while the case waits for its delivery (a correction of it, issued before it
  // went out, takes its place): its receipt closes the case.
  const replyAwaitingDelivery = doc.kind === 'reply' && row.state === 'issued';
  try {
    if (replyAwaitingDelivery) {
      // The machine's own event: closes the case, judged like any (issued → closed, not before the issue).
      const calendar = await loadCalendar(ctx.db);
      await ctx.db.transaction((trx) =>
        applyEventInTransaction(trx, ctx, user, row.id, { body: { type: 'RECORD_DELIVERY', ...details, documentId: doc.id }, ip }, calendar),
      );
    } else {
      await ctx.db.transaction(async (trx) => {
        const fresh = (await findDocument(trx, doc.id))!;
        if (fresh.status !== 'issued') throw conflict('该文书刚被更正，请刷新后重试');
        await recordNoticeDelivery(trx, ctx, user, fresh, details, ip);
      });
    }
  } catch (e) {
    // Two deliveries of one document racing: the second hits the unique document id.
    if (isUniqueViolation(e)) throw new DomainError('conflict', 'already_delivered', '该文书刚被记录送达，请刷新后查看');
    throw e;
  }
  const after = await loadDocument(ctx, user, id);
  return toDocumentView(after.doc, after.row.state, await findDelivery(ctx.db, id));
}
