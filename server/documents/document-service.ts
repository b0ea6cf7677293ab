import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from '../../db/knex.js';
import { nextCounter } from '../../db/dialect.js';
import { CHANNELS, deliveryMethodCode, isKey, requestSubject } from '../../workflows/glossary.js';
import { formatChineseDate, yearOf } from '../../workflows/dates.js';
import { decisionLabel, isDecisionCode, type DecisionCode } from '../../workflows/decisions.js';
import { replyDetailsOf, type ReplyDetails } from '../../workflows/reply-facts.js';
import { replyDecision } from './reply-data.js';
import { CONSULTATION_GROUNDS, CORRECTION_GROUNDS, type ApplicationContext, type CorrectionGround } from '../../workflows/application.machine.js';
import type { Deadlines } from '../../workflows/clock.js';
import { audit, type AuditEntry } from '../audit.js';
import type { Agency } from '../admin/agency-store.js';
import { findAgencyById } from '../admin/agency-store.js';
import type { User } from '../admin/user-store.js';
import type { AppContext } from '../context.js';
import { DomainError } from '../errors.js';
import type { ApplicationRow } from '../cases/application-store.js';
import { renderDocumentPdf, unprintableCharacters } from './layout.js';
import { renderSigned } from './render-pool.js';
import { fallbackFontName, type MissingCharacter } from './fonts.js';
import { hasSigningKey, sealFor, signerFor } from './agency-keys.js';
import type { AgencyKeyInfo } from './key-store.js';
import type { DocumentContent } from './document-content.js';
import {
  DOCUMENT_KIND_LABELS, parseDocumentBody, renderDocumentText, templateNameFor,
  type DocumentKind, type DocumentTemplateData,
} from './document-templates.js';
import { caseOfDocument, findDocument, insertDraft, insertDraftRow, insertIssuedRow, type IssuedColumns, type NewDocument, listDocuments, markIssued, markStatus, updateDraft, type DocumentRow } from './document-store.js';
import { noticeBreakdownLines } from '../fees/fee-notice.js';
import { appendCaseRecord } from '../cases/case-records.js';
import { recordChange, type Change } from '../change-feed.js';
import { deliveryWritten } from './deliveries.js';
import { findDelivery } from './delivery-store.js';
import { isPeriodNoticeKind, NOTICE_ISSUED } from '../../workflows/notice-periods.js';
import { notifyApplicantOfNotice } from '../public/public-notify.js';

/** Document families: the middle part of a number, 东规资公复〔2026〕12号 (domain.md §7). */
export const DOCUMENT_FAMILIES: Record<DocumentKind, string> = {
  reply: '公复',
  receipt: '公收',
  correction_notice: '公补',
  extension_notice: '公延',
  consultation_letter: '公征',
  fee_notice: '公费',
  delivery_receipt: '公送',
  reasons_request: '公理',
  later_reply_notice: '公迟',
};

export const DOCUMENT_KINDS = Object.keys(DOCUMENT_FAMILIES) as DocumentKind[];

export function formatDocumentNumber(prefix: string, family: string, year: number, seq: number): string {
  return `${prefix}${family}〔${year}〕${seq}号`;
}

const cn = (d: string | null | undefined) => (d ? formatChineseDate(d) : '');
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
/** '2026-03' → '2026年3月'; anything else → ''. */
const monthLabel = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d{2}$/.test(v) ? `${v.slice(0, 4)}年${Number(v.slice(5, 7))}月` : '');

// ---------------------------------------------------------------------------------------------
// Template data: what a document may say, taken from the case at the moment it is drafted.

export interface CaseFacts {
  row: ApplicationRow;
  agency: Agency;
  context: ApplicationContext;
  deadlines: Deadlines;
  date: string; // the effective date of the event that produced the document
}

export function templateData(f: CaseFacts, extra: Partial<DocumentTemplateData> = {}): DocumentTemplateData {
  const { row, agency, deadlines } = f;
  const a = row.applicant;
  const draft = f.context.draft;
  return {
    agency: {
      name: agency.name,
      address: agency.address,
      phone: agency.phone,
      reconsiderationBody: agency.reconsiderationBody ?? '有管辖权的行政复议机关',
      court: agency.court ?? '有管辖权的人民法院',
    },
    application: {
      caseNumber: row.caseNumber,
      receivedDate: cn(row.receivedDate),
      description: requestSubject(row.request.description),
      documentTitle: row.request.documentTitle,
      documentNumber: row.request.documentNumber,
      channel: isKey(CHANNELS, row.channel) ? CHANNELS[row.channel] : row.channel,
    },
    applicant: {
      name: a.name,
      isOrganisation: a.kind === 'organisation',
      address: a.address,
      postcode: a.kind === 'natural_person' ? a.postcode : null,
    },
    issuedDate: cn(f.date),
    replyDue: cn(deadlines.replyDue),
    decision: draft && isDecisionCode(draft.decision)
      ? {
          code: draft.decision,
          label: decisionLabel(draft.decision),
          reasons: draft.reasons ?? '',
          disclosed: draft.disclosed ?? '',
          withheld: draft.withheld ?? '',
          referTo: draft.referTo ?? '',
        }
      : null,
    correction: null,
    extension: null,
    consultation: null,
    fee: null,
    target: null,
    ...extra,
  };
}

/**
 * The reply template of a decision: `reply.<code>`, but an answer to a request to correct the
 * applicant's own records (Art. 41, counted as other.other) has its own, reply.other.records_correction.
 */
export function replyVariant(decision: DecisionCode, details: ReplyDetails): string {
  return decision === 'other.other' && details.recordsCorrection ? 'other.records_correction' : decision;
}

function draftFrom(kind: DocumentKind, variant: string | null, data: DocumentTemplateData) {
  const templateName = templateNameFor(kind, variant);
  const text = renderDocumentText(templateName, data);
  return { title: text.title, body: text.body, templateName: text.templateName, templateVersion: text.templateVersion };
}

async function insertGenerated(
  trx: Knex.Transaction,
  f: CaseFacts,
  user: User,
  kind: DocumentKind,
  variant: string | null,
  data: DocumentTemplateData,
  extra: { eventSeq: number | null; consultationId?: string | null; targetDocumentId?: number | null },
): Promise<number> {
  const d = draftFrom(kind, variant, data);
  return insertDraft(trx, {
    applicationId: f.row.id, agencyId: f.agency.id, kind, variant, ...d, data, createdBy: user.id, now: new Date().toISOString(), ...extra,
  });
}

// ---------------------------------------------------------------------------------------------
// Documents produced by application events, inside the event's transaction (issue 4).

export interface EventDocumentInput extends CaseFacts {
  type: string;
  seq: number;
  payload: Record<string, unknown>;
  /** Of the request that recorded the event: documents it issues are audited with it. */
  ip: string | null;
}

export async function documentsForEvent(trx: Knex.Transaction, ctx: AppContext, user: User, e: EventDocumentInput): Promise<void> {
  const c = e.context;
  switch (e.type) {
    case 'REQUEST_CORRECTION': {
      const corr = c.correction;
      if (!corr) return;
      // Arts. 29, 30: why (the grounds chosen for this case) and what to supply (the items, the guidance).
      const grounds = Array.isArray(e.payload.grounds) ? e.payload.grounds.filter((g): g is CorrectionGround => isKey(CORRECTION_GROUNDS, g)) : [];
      const data = templateData(e, {
        correction: {
          items: corr.items, periodWorkingDays: corr.periodWorkingDays, dueDate: cn(e.deadlines.correctionDue),
          grounds: grounds.filter((g) => g !== 'other').map((g) => CORRECTION_GROUNDS[g]), guidance: text(e.payload.guidance),
        },
      });
      await insertGenerated(trx, e, user, 'correction_notice', null, data, { eventSeq: e.seq });
      return;
    }
    case 'APPROVE_EXTENSION': {
      const ext = c.extension;
      if (!ext) return;
      const data = templateData(e, { extension: { workingDays: ext.workingDays, reason: ext.reason, newReplyDue: cn(e.deadlines.replyDue) } });
      await insertGenerated(trx, e, user, 'extension_notice', null, data, { eventSeq: e.seq });
      return;
    }
    case 'START_CONSULTATION': {
      const id = String(e.payload.consultationId);
      const cons = c.consultations.find((x) => x.id === id);
      if (!cons) return;
      const opinionDue = e.deadlines.consultations.find((x) => x.id === id)?.opinionDue ?? null;
      const ground = isKey(CONSULTATION_GROUNDS, e.payload.ground) ? e.payload.ground : null;
      const data = templateData(e, {
        consultation: {
          kind: cons.kind, party: cons.party, sentDate: cn(cons.sentDate), opinionDue: cn(opinionDue), ground, groundNote: text(e.payload.groundNote),
        },
        consultationParts: typeof e.payload.parts === 'string' ? e.payload.parts : null,
      });
      await insertGenerated(trx, e, user, 'consultation_letter', cons.kind, data, { eventSeq: e.seq, consultationId: id });
      return;
    }
    case 'ISSUE_FEE_NOTICE': {
      const fee = c.fee;
      if (!fee) return;
      const data = templateData(e, {
        fee: {
          basis: fee.basis,
          basisLabel: fee.basis === 'per_page' ? '按量收费' : '按件收费',
          pages: fee.pages ?? null,
          amount: fee.amount,
          breakdown: noticeBreakdownLines(e.payload),
          paymentDue: cn(e.deadlines.feePaymentDue),
          // 国办函〔2020〕109号: the notice states how to pay — the agency's payment details (admin-editable).
          payment: e.agency.paymentDetails ?? `请持本通知书到${e.agency.address ?? e.agency.name}缴纳`,
          nthInMonth: typeof e.payload.nthInMonth === 'number' ? e.payload.nthInMonth : null,
          month: monthLabel(e.payload.month),
        },
      });
      await insertGenerated(trx, e, user, 'fee_notice', null, data, { eventSeq: e.seq });
      return;
    }
    case 'DRAFT_REPLY':
    case 'CORRECTION_LAPSED':
    case 'FEE_LAPSED':
    case 'REPLY_ON_THE_SPOT': {
      // The reply draft follows the latest decision; redrafting regenerates its wording.
      const decision = e.type === 'CORRECTION_LAPSED' ? 'other.correction_lapsed'
        : e.type === 'FEE_LAPSED' ? 'other.fee_unpaid'
        : String(e.payload.decision ?? c.draft?.decision ?? c.decision ?? '');
      if (!isDecisionCode(decision)) return;
      // Issue 12: the facts the reply states — the draft's as the machine kept them, or those given
      // with a reply on the spot (judged by the same rules); a lapse states the notice it follows.
      const reply = e.type === 'DRAFT_REPLY' && c.draft
        ? { reasons: c.draft.reasons, details: c.draft.details ?? {} }
        : e.type === 'REPLY_ON_THE_SPOT'
          ? { reasons: typeof e.payload.reasons === 'string' ? e.payload.reasons.trim() || null : null, details: replyDetailsOf(decision, e.payload) }
          : { reasons: null, details: {} };
      const data = templateData(e, {
        decision: await replyDecision(trx, e.row.id, e.agency, c, decision, reply),
        // The lapse replies state the period that ran out (Art. 30; 国办函〔2020〕109号).
        ...(e.type === 'CORRECTION_LAPSED' && c.correction
          ? { correction: { items: c.correction.items, periodWorkingDays: c.correction.periodWorkingDays, dueDate: cn(e.deadlines.correctionDue) } }
          : {}),
      });
      if (e.type === 'FEE_LAPSED' && c.fee) {
        data.fee = { basis: c.fee.basis, basisLabel: '', pages: c.fee.pages, amount: c.fee.amount, breakdown: [], paymentDue: cn(e.deadlines.feePaymentDue), payment: '' };
      }
      const variant = replyVariant(decision, reply.details);
      const existing = (await listDocuments(trx, e.row.id)).find((d) => d.kind === 'reply' && d.status === 'draft' && !d.supersedesId);
      let id: number;
      if (existing) {
        const d = draftFrom('reply', variant, data);
        await updateDraft(trx, existing.id, { ...d, data, variant, eventSeq: e.seq, now: new Date().toISOString() });
        id = existing.id;
      } else {
        id = await insertGenerated(trx, e, user, 'reply', variant, data, { eventSeq: e.seq });
      }
      // Art. 33: a reply given on the spot closes the case there and then — it leaves signed and
      // sealed in the same transaction, not as a draft nobody will issue.
      if (e.type === 'REPLY_ON_THE_SPOT') {
        const reply = (await findDocument(trx, id))!;
        if ((await hasSigningKey(trx, e.agency.id)) && printable(reply, e.agency, e.date)) {
          await issueInTransaction(trx, ctx, e.agency, reply, user, e.date, e.ip);
        }
      }
      return;
    }
    case 'REQUEST_REASONS':
    case 'SET_LATER_DATE': {
      // Art. 35 notices: drafted here, edited and issued by the caseworker like the other notices.
      const x = c.excessive;
      if (!x) return;
      const monthCount = typeof e.payload.monthCount === 'number' ? e.payload.monthCount : null;
      // The request's period (Art. 35) is in its own event; SET_LATER_DATE's notice needs none.
      const asked = e.type === 'REQUEST_REASONS' ? e.payload : {};
      const data = templateData(e, {
        excessive: {
          monthCount, note: x.note ?? '', laterReplyDate: cn(x.laterReplyDate), reason: x.laterReason ?? '',
          periodWorkingDays: typeof asked.periodWorkingDays === 'number' ? asked.periodWorkingDays : null, month: monthLabel(e.date.slice(0, 7)),
        },
      });
      await insertGenerated(trx, e, user, e.type === 'REQUEST_REASONS' ? 'reasons_request' : 'later_reply_notice', null, data, { eventSeq: e.seq });
      return;
    }
    case 'TRANSFER': {
      // The transfer notice is the applicant's answer from this agency, signed by the approver who
      // transferred: numbered and sealed in the same transaction. Art. 36(五): it names the agency
      // responsible and its contact; the platform's forwarding is stated as a fact, and nothing is
      // promised on the other agency's behalf (issue 12).
      const t = c.transfer;
      if (!t) return;
      const contact = t.agencyContact ?? '';
      const data = templateData(e, {
        decision: await replyDecision(trx, e.row.id, e.agency, c, 'unavailable.not_held', {
          reasons: t.reason, details: { responsibleAgency: { name: t.agencyName, contact } },
        }),
        transfer: { agencyName: t.agencyName, caseNumber: String(e.payload.transferredToCaseNumber ?? ''), date: cn(t.date), contact },
      });
      const id = await insertGenerated(trx, e, user, 'reply', 'unavailable.not_held', data, { eventSeq: e.seq });
      const notice = (await findDocument(trx, id))!;
      // As the receipt: a notice that would print a blank stays a draft; the transfer stands.
      if ((await hasSigningKey(trx, e.agency.id)) && printable(notice, e.agency, e.date)) {
        await issueInTransaction(trx, ctx, e.agency, notice, user, e.date, e.ip);
      }
      return;
    }
    case 'RECORD_DELIVERY': {
      // The reply was received (送达): recorded for the reply in force, whether the delivery came
      // through its document (POST /api/documents/:id/delivered, with the details) or as the event.
      const issued = (await listDocuments(trx, e.row.id)).filter((d) => d.kind === 'reply' && d.status === 'issued');
      const reply = issued.find((d) => d.id === e.payload.documentId) ?? issued.at(-1);
      if (!reply || (await findDelivery(trx, reply.id))) return;
      const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
      await deliveryWritten(trx, user, reply, {
        date: e.date, method: deliveryMethodCode(String(e.payload.method ?? '')),
        trackingNumber: str(e.payload.trackingNumber), signedBy: str(e.payload.signedBy), note: str(e.payload.note),
      }, e.seq, e.ip);
      return;
    }
    case 'ISSUE_REPLY': {
      // Art. 33: the reply leaves signed and sealed in the same transaction as its sign-off.
      const draft = (await listDocuments(trx, e.row.id)).find((d) => d.kind === 'reply' && d.status === 'draft');
      if (!draft) throw new DomainError('conflict', 'no_draft', '没有可签发的答复书草稿，请先拟写答复');
      await issueInTransaction(trx, ctx, e.agency, draft, user, e.date, e.ip);
      return;
    }
    default:
      return;
  }
}

/** The receipt (登记回执) is issued at registration when the agency can sign; otherwise left as a draft. */
/**
 * The registration's receipt, issued at once when the agency can sign (`keyInfo`: its key's facts,
 * read before the transaction; null: it stays a draft).
 */
export async function receiptForRegistration(
  trx: Knex.Transaction, ctx: AppContext, user: User, f: CaseFacts, keyInfo: AgencyKeyInfo | null, ip: string | null, prepared: PreparedPdf | null = null,
): Promise<void> {
  const d = draftFrom('receipt', null, templateData(f));
  const doc = await insertDraftRow(trx, {
    applicationId: f.row.id, agencyId: f.agency.id, kind: 'receipt', variant: null, ...d, data: templateData(f), createdBy: user.id, now: new Date().toISOString(), eventSeq: 1,
  });
  // A receipt that would print a blank (a character in no font, finding 15) stays a draft for the
  // caseworker to correct and issue; the registration itself stands (Art. 31: the application was
  // received whatever our fonts can print).
  if (keyInfo && printable(doc, f.agency, f.date)) {
    await issueInTransaction(trx, ctx, f.agency, doc, user, f.date, ip, {
      keyInfo, prepared, owner: { caseNumber: f.row.caseNumber, agencyId: f.agency.id, agencyCode: f.agency.code },
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Issuing: the number, the sealed and signed bytes and their hash, in one transaction.

export function documentContent(doc: Pick<DocumentRow, 'title' | 'body'>, agency: Agency, date: string, number: string | null, draft: boolean): DocumentContent {
  const { addressee, paragraphs } = parseDocumentBody(doc.body);
  return { title: doc.title, number, addressee, paragraphs, agencyName: agency.name, date, draft };
}

// ---------------------------------------------------------------------------------------------
// Finding 15: a character that no document font has (fonts.ts) would print as a blank in a signed
// document — an ideograph newer than Extension F, a private-use character from another system, an
// emoji. Such a document is refused before anything is written, naming each character.

/** The number a document would get, for checking before one is allocated (digits always print). */
function provisionalNumber(agency: Agency, kind: DocumentKind, issuedDate: string): string {
  return formatDocumentNumber(agency.docPrefix, DOCUMENT_FAMILIES[kind], yearOf(issuedDate), 1);
}

function missingGlyphs(doc: Pick<DocumentRow, 'title' | 'body' | 'kind'>, agency: Agency, date: string, draft: boolean): MissingCharacter[] {
  const number = draft ? null : provisionalNumber(agency, doc.kind as DocumentKind, date);
  const content = documentContent(doc, agency, date, number, draft);
  // Issue 15: a receipt is checked before its transaction and twice inside it, each time laying the
  // whole document out; the answer for the same content and fonts is kept for a while.
  const key = `${fallbackFontName() ?? ''}\u0000${JSON.stringify(content)}`;
  let missing = recentChecks.get(key);
  if (!missing) {
    missing = unprintableCharacters(content);
    if (recentChecks.size >= 64) recentChecks.delete(recentChecks.keys().next().value!);
    recentChecks.set(key, missing);
  }
  return missing;
}
const recentChecks = new Map<string, MissingCharacter[]>();

function printable(doc: DocumentRow, agency: Agency, date: string): boolean {
  return missingGlyphs(doc, agency, date, false).length === 0;
}

/** “𪚥”（U+2A6A5）、“”（U+E000）无法在文书字体中显示… */
export function missingGlyphsMessage(missing: MissingCharacter[], action: '签发' | '预览'): string {
  const list = missing.map((m) => `“${m.char}”（${m.codePoint}）`).join('、');
  // Plane 2 (Extensions B–F) is what the fallback covers: worth saying when it is not installed.
  const plane2 = missing.some((m) => (m.char.codePointAt(0)! >> 16) === 2);
  const noFallback = plane2 && !fallbackFontName()
    ? '本系统未安装补充字体（花园明朝 HanaMinB，Debian 软件包 fonts-hanazono），请系统管理员安装后重启；'
    : '';
  return `文书中的${list}无法在文书字体中显示，印出后将是空白，不能${action}。${noFallback}请修改文书正文（改用规范汉字，或以文字说明该字的写法）后再${action}。`;
}

function refuseUnprintable(missing: MissingCharacter[], action: '签发' | '预览'): void {
  if (missing.length === 0) return;
  throw new DomainError('conflict', 'missing_glyphs', missingGlyphsMessage(missing, action), undefined, {
    characters: missing.map((m) => ({ character: m.char, codePoint: m.codePoint })),
  });
}

export async function issueInTransaction(
  trx: Knex.Transaction,
  ctx: AppContext,
  agency: Agency,
  doc: DocumentRow,
  user: User,
  issuedDate: string,
  ip: string | null,
  opts: IssueOptions = {},
): Promise<DocumentRow> {
  if (doc.status !== 'draft') throw new DomainError('conflict', 'not_draft', '该文书已签发，不能再次签发');
  // Before the number is allocated (nextCounter below): a refused document takes no number.
  refuseUnprintable(missingGlyphs(doc, agency, issuedDate, false), '签发');
  const signer = await signerFor(trx, ctx.config, agency, new Date(), opts.keyInfo);
  const seal = await sealFor(trx, agency);
  const kind = doc.kind as DocumentKind;
  const family = DOCUMENT_FAMILIES[kind];
  const year = yearOf(issuedDate);
  // Gapless per agency, family and year: the counter row is written in this transaction, so a
  // failure anywhere below rolls the number back with everything else.
  const seq = await nextCounter(trx, documentCounterKey(agency, kind, issuedDate));
  const number = formatDocumentNumber(agency.docPrefix, family, year, seq);
  const issued = issuedRendering(doc, kind, agency, issuedDate, number, opts.keyInfo ?? null);
  // Rendered before the transaction for exactly this number and content (issue 15), or now.
  const pdf = opts.prepared?.key === issued.key
    ? await opts.prepared.pdf
    : await renderSigned(ctx.config.pdfWorkers, issued.content, { seal, signer, info: issued.info });
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  const now = new Date().toISOString();
  if (!(await markIssued(trx, doc.id, { family, year, seq, number, issuedDate, issuedBy: user.id, sha256, pdf, now }))) {
    throw new DomainError('conflict', 'conflict', '该文书刚被他人签发，请刷新后重试');
  }
  if (doc.supersedesId) await markStatus(trx, doc.supersedesId, 'issued', 'superseded', now);
  const owner = opts.owner ?? (await caseOfDocument(trx, doc.applicationId));
  const records = issueRecords({ ...doc, number, sha256, issuedDate }, user, ip, owner);
  await audit(trx, records.audit);
  await recordChange(trx, records.change);
  // §2.8: the addressee's period is counted from this notice (its receipt, or until then its issue):
  // the case's history records the issue, for the clock.
  if (isPeriodNoticeKind(kind) && doc.eventSeq !== null) {
    await appendCaseRecord(trx, ctx, user, doc.applicationId, {
      type: NOTICE_ISSUED, date: issuedDate, payload: { documentId: doc.id, kind, eventSeq: doc.eventSeq, number },
    }, ip);
  }
  // Issue 16: an applicant who applied online hears of a notice when it is issued (the outbox row
  // commits with the issue; the caller sends once committed).
  const superseded = doc.supersedesId ? await findDocument(trx, doc.supersedesId) : null;
  await notifyApplicantOfNotice(trx, ctx, {
    id: doc.id, applicationId: doc.applicationId, kind, title: doc.title, number, supersededNumber: superseded ? (superseded.number ?? '') : null,
  }, issuedDate);
  // As markIssued stored it (issue 15: not read back).
  return { ...doc, status: 'issued', family, year, seq, number, issuedDate, issuedBy: user.id, sha256, updatedAt: now };
}

/**
 * What issuing a document records beside it. The issued text's and the PDF's SHA-256 enter the audit
 * log's chain: the verifier checks the stored document against them (server/history/history-verify.ts).
 * Issue 14: the data exchange's feed and webhooks are told; the PDF is fetched with a client token.
 */
function issueRecords(
  doc: Pick<DocumentRow, 'id' | 'kind' | 'body' | 'applicationId' | 'supersedesId'> & { number: string; sha256: string; issuedDate: string },
  user: User, ip: string | null, owner: { caseNumber: string; agencyId: number; agencyCode?: string },
): { audit: AuditEntry; change: Change } {
  const { number, kind, sha256, issuedDate } = doc;
  const bodySha256 = createHash('sha256').update(doc.body, 'utf8').digest('hex');
  return {
    audit: {
      actor: user, action: 'document.issue', entity: 'document', entityId: doc.id,
      detail: { number, kind, sha256, bodySha256, applicationId: doc.applicationId, supersedes: doc.supersedesId }, ip,
    },
    change: {
      type: 'document.issued', applicationId: doc.applicationId, agencyId: owner.agencyId, caseNumber: owner.caseNumber, documentId: doc.id,
      ...(owner.agencyCode ? { agencyCode: owner.agencyCode } : {}),
      data: { number, kind, issuedDate, sha256, supersedes: doc.supersedesId, pdf: `/api/exchange/documents/${doc.id}/pdf` },
    },
  };
}

/**
 * Issue 15: a registration's receipt rendered before the transaction (prepareReceipt), for the number
 * the caller allocated (`seq`, with its case number in one statement): inserted issued in one
 * statement. Rendered again here only if the numbers or the text came out other than forecast. Its
 * audit entry and change are returned for the caller to record with its own, in one go; a receipt has
 * no period and tells the applicant nothing, so nothing else is owed (issueInTransaction).
 */
export async function insertPreparedReceipt(
  trx: Knex.Transaction, ctx: AppContext, user: User, f: CaseFacts, keyInfo: AgencyKeyInfo, seq: number, prepared: PreparedPdf, ip: string | null,
): Promise<{ audit: AuditEntry; change: Change }> {
  const receipt = await preparedReceiptRow(trx, ctx, user, f, keyInfo, seq, prepared);
  return receipt.records(await insertIssuedRow(trx, receipt.document, receipt.issued), ip);
}

/**
 * insertPreparedReceipt's row, not yet inserted: the document and what issuing sets on it, and — once
 * its id is known — its audit entry and change (a registration on PostgreSQL inserts it in a statement
 * with the case's own rows).
 */
export async function preparedReceiptRow(
  trx: Db, ctx: AppContext, user: User, f: CaseFacts, keyInfo: AgencyKeyInfo, seq: number, prepared: PreparedPdf,
): Promise<{ document: NewDocument; issued: IssuedColumns; records(id: number, ip: string | null): { audit: AuditEntry; change: Change } }> {
  const kind = 'receipt';
  const data = templateData(f);
  // The text drawn before the transaction, when the case came out as forecast (the template is not run twice).
  const draft = prepared.draft?.data === JSON.stringify(data) ? prepared.draft.text : draftFrom(kind, null, data);
  const family = DOCUMENT_FAMILIES[kind];
  const year = yearOf(f.date);
  const number = formatDocumentNumber(f.agency.docPrefix, family, year, seq);
  const issued = issuedRendering(draft, kind, f.agency, f.date, number, keyInfo);
  let pdf: Buffer;
  if (prepared.key === issued.key) pdf = await prepared.pdf;
  else {
    // The number is allocated: a receipt that cannot print is refused with the registration, never left a gap.
    refuseUnprintable(missingGlyphs({ ...draft, kind }, f.agency, f.date, false), '签发');
    const [signer, seal] = await Promise.all([signerFor(trx, ctx.config, f.agency, new Date(), keyInfo), sealFor(trx, f.agency)]);
    pdf = await renderSigned(ctx.config.pdfWorkers, issued.content, { seal, signer, info: issued.info });
  }
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  const now = new Date().toISOString();
  return {
    document: { applicationId: f.row.id, agencyId: f.agency.id, kind, variant: null, ...draft, data, createdBy: user.id, now, eventSeq: 1 },
    issued: { family, year, seq, number, issuedDate: f.date, issuedBy: user.id, sha256, pdf, now },
    records: (id, ip) => issueRecords({ id, kind, body: draft.body, applicationId: f.row.id, supersedesId: null, number, sha256, issuedDate: f.date }, user, ip, {
      caseNumber: f.row.caseNumber, agencyId: f.agency.id, agencyCode: f.agency.code,
    }),
  };
}

/** What a caller of issueInTransaction may already know, saving the queries that would read it. */
export interface IssueOptions {
  /** The PDF rendered before the transaction (prepareReceipt): used only if rendered for this very number and content. */
  prepared?: PreparedPdf | null;
  /** The agency's key facts, read by the caller (signerFor reads them otherwise). */
  keyInfo?: AgencyKeyInfo;
  /** The document's case: its number and agency. */
  owner?: { caseNumber: string; agencyId: number; agencyCode?: string };
}

/** The counter a document's number comes from: per agency, family and year. */
export function documentCounterKey(agency: Pick<Agency, 'id'>, kind: DocumentKind, issuedDate: string): string {
  return `doc:${agency.id}:${DOCUMENT_FAMILIES[kind]}:${yearOf(issuedDate)}`;
}

/** What an issued document's PDF is made of, and a key that names all of it (the signing key and seal included). */
function issuedRendering(doc: Pick<DocumentRow, 'title' | 'body'>, kind: DocumentKind, agency: Agency, issuedDate: string, number: string, keyInfo: AgencyKeyInfo | null) {
  const content = documentContent(doc, agency, issuedDate, number, false);
  const info = { title: `${doc.title} ${number}`, subject: DOCUMENT_KIND_LABELS[kind], keywords: number };
  const key = JSON.stringify([content, info, agency.id, agency.sealPngSha256 ?? null, agency.sealPurpose ?? null, keyInfo?.p12Sha256 ?? null]);
  return { content, info, key };
}

/** A document's sealed and signed PDF rendered ahead of its transaction, and what it was rendered for. */
export interface PreparedPdf {
  key: string;
  pdf: Promise<Buffer>;
  /** The text it was drawn from, and the template data (as JSON) that text was made of. */
  draft?: { data: string; text: ReturnType<typeof draftFrom> };
}

/**
 * The registration's receipt rendered before its transaction (issue 15), for the case as it will be
 * inserted (`f.row`, with the case number it is expected to get) and the document number `seq` of
 * the receipts' counter; null when the receipt would stay a draft. Settle `pdf` before the
 * transaction begins; receiptForRegistration uses it only if the numbers and text came out the same.
 */
export async function prepareReceipt(ctx: AppContext, f: CaseFacts, keyInfo: AgencyKeyInfo, seq: number): Promise<PreparedPdf | null> {
  const data = templateData(f);
  const text = draftFrom('receipt', null, data);
  const draft = { kind: 'receipt', ...text };
  if (!printable(draft as DocumentRow, f.agency, f.date)) return null;
  const number = formatDocumentNumber(f.agency.docPrefix, DOCUMENT_FAMILIES.receipt, yearOf(f.date), seq);
  const issued = issuedRendering(draft, 'receipt', f.agency, f.date, number, keyInfo);
  const [signer, seal] = await Promise.all([signerFor(ctx.db, ctx.config, f.agency, new Date(), keyInfo), sealFor(ctx.db, f.agency)]);
  const pdf = renderSigned(ctx.config.pdfWorkers, issued.content, { seal, signer, info: issued.info });
  pdf.catch(() => undefined); // used (and its failure met) in the transaction, or dropped
  return { key: issued.key, pdf, draft: { data: JSON.stringify(data), text } };
}

/** Renders a draft for preview: watermarked, unsealed, unsigned, not stored. */
export async function previewPdf(ctx: AppContext, doc: DocumentRow): Promise<Buffer> {
  const agency = (await findAgencyById(ctx.db, doc.agencyId))!;
  const today = ctx.clock.today();
  refuseUnprintable(missingGlyphs(doc, agency, today, true), '预览');
  return renderDocumentPdf(documentContent(doc, agency, today, null, true), { seal: null, signer: null });
}

export { findDocument, listDocuments };
