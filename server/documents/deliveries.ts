// One delivery of an issued document (送达, domain.md §2.8), written in the caller's transaction: the
// case's history entry the clock counts from (NOTICE_DELIVERED), the working row the pages read, and
// the audit entry. The reply's delivery is the machine's RECORD_DELIVERY instead (it closes the case):
// see delivery-service.ts and documentsForEvent.
import type { Knex } from 'knex';
import type { Deadlines } from '../../workflows/clock.js';
import { NOTICE_DELIVERED } from '../../workflows/notice-periods.js';
import { audit } from '../audit.js';
import type { User } from '../admin/user-store.js';
import type { AppContext } from '../context.js';
import { appendCaseRecord } from '../cases/case-records.js';
import type { DocumentRow } from './document-store.js';
import { insertDelivery } from './delivery-store.js';

export interface DeliveryInput {
  /** The day the addressee received it. */
  date: string;
  method: string;
  trackingNumber: string | null;
  signedBy: string | null;
  note: string | null;
}

/** The row and audit entry of a delivery whose history entry (`eventSeq`) is already written. */
export async function deliveryWritten(trx: Knex.Transaction, user: User, doc: DocumentRow, d: DeliveryInput, eventSeq: number, ip: string | null): Promise<void> {
  await insertDelivery(trx, {
    documentId: doc.id, applicationId: doc.applicationId, ...d, eventSeq, recordedBy: user.id, recordedAt: new Date().toISOString(),
  });
  await audit(trx, {
    actor: user, action: 'document.deliver', entity: 'document', entityId: doc.id,
    detail: { applicationId: doc.applicationId, number: doc.number, kind: doc.kind, date: d.date, method: d.method, trackingNumber: d.trackingNumber, seq: eventSeq }, ip,
  });
}

/** A notice (anything but the reply awaiting its delivery) received: history entry, row, audit. */
export async function recordNoticeDelivery(
  trx: Knex.Transaction,
  ctx: AppContext,
  user: User,
  doc: DocumentRow,
  d: DeliveryInput,
  ip: string | null,
): Promise<Deadlines> {
  const { seq, deadlines } = await appendCaseRecord(trx, ctx, user, doc.applicationId, {
    type: NOTICE_DELIVERED,
    date: d.date,
    payload: {
      documentId: doc.id, kind: doc.kind, number: doc.number, eventSeq: doc.eventSeq,
      method: d.method, trackingNumber: d.trackingNumber, signedBy: d.signedBy, note: d.note,
    },
  }, ip);
  await deliveryWritten(trx, user, doc, d, seq, ip);
  return deadlines;
}
