import { createHash } from 'node:crypto';
import { sendPendingMail } from '../public/public-mail.js';
import { dateWindowProblem, isIsoDate } from '../../workflows/dates.js';
import { audit } from '../audit.js';
import { findAgencyById } from '../admin/agency-store.js';
import type { User } from '../admin/user-store.js';
import { loadVisible } from '../cases/application-service.js';
import { contextOf, migrateSnapshot } from '../../workflows/application.machine.js';
import type { AppContext } from '../context.js';
import { DomainError, invalid, notFound } from '../errors.js';
import { editable, toDocumentView, type DocumentView } from './document-view.js';
import { findDocument, findDocumentsBySha256, insertDraft, listDocuments, readPdf, updateDraft, type DocumentRow } from './document-store.js';
import { issueInTransaction, previewPdf } from './document-service.js';
import { verifySignedPdf } from './verify.js';
import { deliveriesOf, findDelivery } from './delivery-store.js';
import { renderDocumentText } from './document-templates.js';
import { formatChineseDate } from '../../workflows/dates.js';
import { deliveryMethodCode, deliveryMethodLabel } from '../../workflows/glossary.js';
import { eventDateOf } from '../cases/case-records.js';
import { platformLetterIssued } from '../consultations/consultation-routing.js';
import { issueVerb } from '../../workflows/terms.js';

export async function documentsOf(ctx: AppContext, user: User, applicationId: number): Promise<DocumentView[]> {
  const row = await loadVisible(ctx, user, applicationId);
  const delivered = await deliveriesOf(ctx.db, row.id);
  return (await listDocuments(ctx.db, row.id)).map((d) => toDocumentView(d, row.state, delivered.get(d.id)));
}

/** A document and its case, when the user may see the case (another agency's document is a 404). */
export async function loadDocument(ctx: AppContext, user: User, id: number) {
  if (!Number.isInteger(id) || id <= 0) throw notFound('未找到该文书');
  const doc = await findDocument(ctx.db, id);
  if (!doc) throw notFound('未找到该文书');
  // Visible exactly when its application is (another agency's document is a 404 too).
  const row = await loadVisible(ctx, user, doc.applicationId).catch(() => {
    throw notFound('未找到该文书');
  });
  return { doc, row };
}

export async function documentView(ctx: AppContext, user: User, id: number): Promise<DocumentView> {
  const { doc, row } = await loadDocument(ctx, user, id);
  return toDocumentView(doc, row.state, await findDelivery(ctx.db, doc.id));
}

/** The case a document belongs to (a page answers a document action with its case). */
export async function documentApplicationId(ctx: AppContext, user: User, id: number): Promise<number> {
  return (await loadDocument(ctx, user, id)).doc.applicationId;
}

export async function documentPdf(ctx: AppContext, user: User, id: number): Promise<{ pdf: Buffer; filename: string; draft: boolean }> {
  const { doc } = await loadDocument(ctx, user, id);
  return pdfOf(ctx, doc);
}

/**
 * A document's PDF for a caller whose right to it the calling use case has established: the consulted
 * agency reads the consultation letter without seeing the requesting case.
 */
export async function documentPdfFor(ctx: AppContext, id: number): Promise<{ pdf: Buffer; filename: string; draft: boolean }> {
  const doc = await findDocument(ctx.db, id);
  if (!doc) throw notFound('文书文件不存在');
  return pdfOf(ctx, doc);
}

async function pdfOf(ctx: AppContext, doc: DocumentRow): Promise<{ pdf: Buffer; filename: string; draft: boolean }> {
  if (doc.status === 'draft') {
    return { pdf: await previewPdf(ctx, doc), filename: `${doc.title}（草稿）.pdf`, draft: true };
  }
  const pdf = await readPdf(ctx.db, doc.id);
  if (!pdf) throw notFound('文书文件不存在');
  return { pdf, filename: `${doc.title} ${doc.number}.pdf`, draft: false };
}

export function requireOwnCaseworker(user: User, agencyId: number, roles: string[] = ['caseworker']): void {
  if (user.agencyId !== agencyId || !roles.includes(user.role)) {
    throw new DomainError('forbidden', 'forbidden', roles.includes('approver') ? '只有本机关承办人或负责人可以执行该操作' : '只有本机关承办人可以执行该操作');
  }
}

export async function editDocument(ctx: AppContext, user: User, id: number, body: unknown, ip: string | null): Promise<DocumentView> {
  const { doc, row } = await loadDocument(ctx, user, id);
  requireOwnCaseworker(user, doc.agencyId);
  if (typeof body !== 'string' || !body.trim()) throw invalid({ body: '请填写文书正文' });
  if (body.length > 20000) throw invalid({ body: '文书正文不超过 20000 字' });
  if (!editable(doc, row.state)) {
    throw new DomainError('conflict', 'not_editable', doc.status !== 'draft' ? `文书已${issueVerb(doc.kind)}，正文不能再修改；如需更正，请制作更正文书` : '答复书已提交保密审查，正文不能再修改；如需修改请由审查人退回');
  }
  const now = new Date().toISOString();
  const newBody = body.replace(/\r\n/g, '\n');
  await ctx.db.transaction(async (trx) => {
    // Write first, and only over the text read above: the audit entry's old text is the one replaced.
    if (!(await updateDraft(trx, id, { body: newBody, now }, doc.body))) {
      const current = await findDocument(trx, id);
      throw new DomainError('conflict', 'conflict', current?.status === 'draft' ? '该文书刚被他人修改，请刷新后重试' : `该文书刚被${issueVerb(doc.kind)}，不能再修改`);
    }
    await audit(trx, {
      actor: user, action: 'document.edit', entity: 'document', entityId: id,
      detail: { applicationId: doc.applicationId, kind: doc.kind, oldBody: doc.body, newBody }, ip,
    });
  });
  return toDocumentView((await findDocument(ctx.db, id))!, row.state);
}

/** The day a document is issued: 签发日期 for a reply, 发出日期 for anything else (workflows/terms.ts). */
function issueDate(ctx: AppContext, date: unknown, notBefore: string, kind: string): string {
  const label = `${issueVerb(kind)}日期`;
  if (date === undefined || date === null || date === '') return ctx.clock.today();
  if (!isIsoDate(date)) throw invalid({ date: `${label}格式应为 YYYY-MM-DD` });
  const outside = dateWindowProblem(date, ctx.clock.today(), { label });
  if (outside) throw invalid({ date: outside });
  if (date < notBefore) throw invalid({ date: `${label}不能早于${formatChineseDate(notBefore)}` });
  return date;
}

/** Notices (correction, extension, consultation, fee, receipt) are issued by the caseworker from the case page. */
export async function issueDocument(ctx: AppContext, user: User, id: number, date: unknown, ip: string | null): Promise<DocumentView> {
  const { doc, row } = await loadDocument(ctx, user, id);
  const replyIssued = doc.kind === 'reply' && row.state !== 'closed' && !doc.supersedesId;
  if (replyIssued) throw new DomainError('conflict', 'use_issue_reply', '答复书经保密审查后由负责人通过“签发答复”签发');
  // A corrected or closing reply carries the agency's answer: the head of the office signs it.
  requireOwnCaseworker(user, doc.agencyId, doc.kind === 'reply' ? ['approver'] : ['caseworker']);
  if (doc.status !== 'draft') throw new DomainError('conflict', 'not_draft', `该文书已${issueVerb(doc.kind)}`);
  const agency = (await findAgencyById(ctx.db, doc.agencyId))!;
  // A notice goes out on or after the day its event was recorded: its period cannot start before (§2.8).
  const recorded = doc.eventSeq !== null && doc.kind !== 'receipt' ? await eventDateOf(ctx.db, row.id, doc.eventSeq) : null;
  const when = issueDate(ctx, date, recorded && recorded > row.receivedDate ? recorded : row.receivedDate, doc.kind);
  const issued = await ctx.db.transaction(async (trx) => {
    const fresh = (await findDocument(trx, id))!;
    const out = await issueInTransaction(trx, ctx, agency, fresh, user, when, ip);
    // A letter into another agency's inbox on the platform is received when it is issued (§2.8).
    if (out.kind === 'consultation_letter') await platformLetterIssued(trx, ctx, user, out, when, ip);
    return out;
  });
  // Mail told of by the issue (a notice to an applicant who applied online) goes once committed.
  void sendPendingMail(ctx).catch(() => undefined);
  return toDocumentView(issued, row.state, await findDelivery(ctx.db, issued.id));
}

/** A correction of an issued document is a new document that supersedes it, with the reason. */
export async function supersedeDocument(ctx: AppContext, user: User, id: number, reason: unknown, ip: string | null): Promise<DocumentView> {
  const { doc, row } = await loadDocument(ctx, user, id);
  requireOwnCaseworker(user, doc.agencyId);
  if (typeof reason !== 'string' || !reason.trim()) throw invalid({ reason: '请填写更正理由' });
  if (doc.status !== 'issued') throw new DomainError('conflict', 'not_issued', '只有已发出（签发）的文书才能更正');
  if (doc.kind === 'delivery_receipt') throw new DomainError('conflict', 'not_supersedable', '送达回证不能更正，请重新制作');
  const existing = (await listDocuments(ctx.db, doc.applicationId)).find((d) => d.supersedesId === doc.id && d.status === 'draft');
  if (existing) throw new DomainError('conflict', 'already_superseding', '该文书已有尚未发出的更正文书');
  const now = new Date().toISOString();
  const newId = await ctx.db.transaction(async (trx) => {
    const nid = await insertDraft(trx, {
      applicationId: doc.applicationId, agencyId: doc.agencyId, kind: doc.kind, variant: doc.variant, title: doc.title, body: doc.body,
      data: doc.data, templateName: doc.templateName, templateVersion: doc.templateVersion, eventSeq: doc.eventSeq,
      consultationId: doc.consultationId, targetDocumentId: doc.targetDocumentId, supersedesId: doc.id, supersedeReason: reason.trim().slice(0, 500),
      createdBy: user.id, now,
    });
    await audit(trx, { actor: user, action: 'document.supersede', entity: 'document', entityId: nid, detail: { supersedes: doc.id, number: doc.number, reason: reason.trim() }, ip });
    return nid;
  });
  return toDocumentView((await findDocument(ctx.db, newId))!, row.state);
}

/**
 * 送达回证 for an issued document: generated, numbered, sealed and signed at once. What is known is
 * printed — the method, place and tracking number given, or those of a delivery already recorded —
 * and the rest are blanks for the server and the addressee (date, signature, refusal, witness).
 */
export async function makeDeliveryReceipt(
  ctx: AppContext, user: User, id: number, input: { method?: unknown; place?: unknown; trackingNumber?: unknown }, ip: string | null,
): Promise<DocumentView> {
  const method = input.method;
  const { doc, row } = await loadDocument(ctx, user, id);
  requireOwnCaseworker(user, doc.agencyId);
  if (doc.status !== 'issued' || !doc.number || !doc.issuedDate) throw new DomainError('conflict', 'not_issued', '只能为已发出（签发）的文书制作送达回证');
  if (doc.kind === 'delivery_receipt') throw new DomainError('conflict', 'not_allowed', '送达回证本身不需要送达回证');
  const agency = (await findAgencyById(ctx.db, doc.agencyId))!;
  const context = contextOf(migrateSnapshot({ machineVersion: row.machineVersion, snapshot: row.snapshot }));
  const addressee = doc.kind === 'consultation_letter'
    ? (context.consultations.find((c) => c.id === doc.consultationId)?.party ?? row.applicant.name)
    : row.applicant.name;
  const given = (v: unknown, max: number) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : '');
  const delivery = await findDelivery(ctx.db, doc.id);
  const methodText = deliveryMethodLabel(delivery?.method ?? deliveryMethodCode(given(method, 50)));
  const base = doc.data as Record<string, unknown>;
  const data = {
    ...base, issuedDate: formatChineseDate(ctx.clock.today()),
    target: {
      title: doc.title, number: doc.number, issuedDate: formatChineseDate(doc.issuedDate), addressee, method: methodText,
      place: given(input.place, 200), trackingNumber: delivery?.trackingNumber ?? given(input.trackingNumber, 40),
      deliveredDate: delivery ? formatChineseDate(delivery.date) : '', signedBy: delivery?.signedBy ?? '',
    },
  };
  const text = renderDocumentText('delivery_receipt', data as never);
  const now = new Date().toISOString();
  const issued = await ctx.db.transaction(async (trx) => {
    const nid = await insertDraft(trx, {
      applicationId: doc.applicationId, agencyId: doc.agencyId, kind: 'delivery_receipt', variant: null, title: text.title, body: text.body,
      data, templateName: text.templateName, templateVersion: text.templateVersion, eventSeq: null, targetDocumentId: doc.id, createdBy: user.id, now,
    });
    return issueInTransaction(trx, ctx, agency, (await findDocument(trx, nid))!, user, ctx.clock.today(), ip);
  });
  return toDocumentView(issued, row.state);
}

export interface VerificationResult {
  valid: boolean;
  number: string | null;
  agency: string | null;
  issuedDate: string | null;
  status?: string;
  title?: string;
  reason?: string;
}

/** Public: valid only when the signature checks AND the bytes are exactly a document this system issued. */
export async function verifyDocument(ctx: AppContext, pdf: Buffer): Promise<VerificationResult> {
  const none = { valid: false, number: null, agency: null, issuedDate: null };
  if (pdf.length === 0 || pdf.subarray(0, 5).toString('latin1') !== '%PDF-') return { ...none, reason: '上传的文件不是 PDF' };
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  const match = (await findDocumentsBySha256(ctx.db, sha256)).find((d) => d.status === 'issued' || d.status === 'superseded');
  if (!match) return { ...none, reason: '本系统没有签发过与该文件完全一致的文书（文件可能被修改过）' };
  const sig = verifySignedPdf(pdf);
  if (!sig.valid) return { ...none, reason: `电子签名校验未通过${sig.reason ? '：' + sig.reason : ''}` };
  const agency = await findAgencyById(ctx.db, match.agencyId);
  return {
    valid: true,
    number: match.number,
    agency: agency?.name ?? null,
    issuedDate: match.issuedDate,
    status: match.status,
    title: match.title,
    ...(match.status === 'superseded' ? { reason: '该文书已被更正文书取代' } : {}),
  };
}
