// Issue 16: the steps of a case that concern an applicant who applied online, told by email. Called in
// the transaction of the event (the outbox row commits with it); sent once it has committed. Where the
// agency counts the email as delivery (agencies.online_delivery_on = email), a mail about a document
// carries the signed PDF, and its sending is recorded as the document's delivery (public-delivery.ts).
import type { Knex } from 'knex';
import type { AppContext } from '../context.js';
import { formatChineseDate } from '../../workflows/dates.js';
import { DOCUMENT_KINDS } from '../../workflows/terms.js';
import { APPLICANT_DOCUMENTS, enqueueMail, findSubmissionByApplication, issuedReplyId } from './public-store.js';
import { trackLink } from './public-token.js';

/**
 * The events an applicant hears of, and what the mail says (no staff names, no internal notes). The
 * events that only draft a notice to the applicant (补正, 延期, 收费) are told when the notice is
 * issued, not when the event is recorded: see NOTICE_TOLD.
 */
const TOLD: Record<string, { subject: string; text: string }> = {
  ISSUE_REPLY: { subject: '您的政府信息公开申请已答复', text: '行政机关已对您的申请作出答复。请在查询页面下载答复书（含电子签章），答复书中载明了救济途径。' },
  REPLY_ON_THE_SPOT: { subject: '您的政府信息公开申请已答复', text: '行政机关已对您的申请当场作出答复。请在查询页面下载答复书（含电子签章）。' },
  WITHDRAW: { subject: '您的政府信息公开申请已撤回', text: '您的申请已撤回，行政机关不再处理。' },
  CORRECTION_RECEIVED: { subject: '行政机关已收到您的补正材料', text: '行政机关已确认收到您的补正材料，答复期限自收到补正之日起重新计算。' },
  TRANSFER: { subject: '您的政府信息公开申请已转办', text: '行政机关已向您发出转办告知书，请在查询页面查看。' },
};

/** The events whose mail is about the reply they issue. */
const REPLY_EVENTS = new Set(['ISSUE_REPLY', 'REPLY_ON_THE_SPOT']);

/** Notices to the applicant drafted by an event and issued later by the caseworker: told on issue. */
const NOTICE_TOLD: Record<string, { subject: string; text: string }> = {
  correction_notice: { subject: '请补正您的政府信息公开申请', text: '行政机关已向您发出补正申请告知书，请在查询页面查看告知书，并在规定期限内补正。您可以在查询页面上传补正材料。' },
  extension_notice: { subject: '您的政府信息公开申请已延期答复', text: '行政机关已决定延长答复期限，并向您发出延期答复告知书，请在查询页面查看。' },
  fee_notice: { subject: '您的政府信息公开申请需缴纳信息处理费', text: '行政机关已向您发出收费通知书，请在查询页面查看，并按通知书所列方式在规定期限内缴费。缴费期间不计算在答复期限内。' },
};

async function tell(trx: Knex.Transaction, ctx: AppContext, applicationId: number, kind: string, told: { subject: string; text: string }, date: string, documentId: number | null): Promise<void> {
  const s = await findSubmissionByApplication(trx, applicationId);
  if (!s || !s.trackingNumber) return;
  // The agency counts the email as delivery: the mail carries the signed document, and going is its 送达.
  const carried = documentId !== null && s.onlineDeliveryOn === 'email' ? documentId : null;
  await enqueueMail(trx, {
    submissionId: s.id, recipient: s.email, kind, now: new Date().toISOString(), subject: told.subject, documentId: carried,
    body: [`${s.applicant.name}：`, '', `您向${s.agencyName}提交的政府信息公开申请（查询号 ${s.trackingNumber}）有新的进展（${formatChineseDate(date)}）：`, told.text,
      ...(carried ? ['', '该文书（PDF，含电子签章）附在本邮件中；按照行政机关的规定，本邮件发出之日即为送达之日。'] : []), '',
      `查询办理进度：${trackLink(ctx, s.trackingNumber)}`, '（本邮件由系统自动发送，请勿回复。）'].join('\n'),
  });
}

/** The document being issued, as the mail about it needs it. */
export interface IssuedNotice {
  id: number;
  applicationId: number;
  kind: string;
  title: string;
  number: string;
  /** The number of the document it corrects (更正), if it supersedes one. */
  supersededNumber: string | null;
}

/**
 * Called in the transaction that issues a document: a notice to an applicant who applied online is
 * mailed about once issued — and so is any corrected document of theirs (a notice or reply that
 * supersedes one issued before): the applicant is told which document replaces which.
 */
export async function notifyApplicantOfNotice(trx: Knex.Transaction, ctx: AppContext, doc: IssuedNotice, issuedDate: string): Promise<void> {
  if (doc.supersededNumber !== null && APPLICANT_DOCUMENTS.has(doc.kind)) {
    const name = DOCUMENT_KINDS[doc.kind as keyof typeof DOCUMENT_KINDS] ?? doc.title;
    await tell(trx, ctx, doc.applicationId, `corrected.${doc.kind}`, {
      subject: `行政机关更正了发给您的${name}`,
      text: `行政机关更正了此前发出的${name}（${doc.supersededNumber}），更正后的文书为${doc.title}（${doc.number}），请以更正后的文书为准。请在查询页面查看。`,
    }, issuedDate, doc.id);
    return;
  }
  const told = NOTICE_TOLD[doc.kind];
  if (told) await tell(trx, ctx, doc.applicationId, `notice.${doc.kind}`, told, issuedDate, doc.id);
}

export async function notifyApplicantOfEvent(trx: Knex.Transaction, ctx: AppContext, applicationId: number, type: string, date: string): Promise<void> {
  const told = TOLD[type];
  if (!told) return;
  const documentId = REPLY_EVENTS.has(type) ? await issuedReplyId(trx, applicationId) : null;
  await tell(trx, ctx, applicationId, `event.${type}`, told, date, documentId);
}
