import type { User } from '../admin/user-store.js';
import type { AppContext } from '../context.js';
import { getApplicationView, loadVisible } from '../cases/application-service.js';
import { maskApplicant } from '../cases/application-view.js';
import { listDocuments } from '../documents/document-store.js';
import { DOCUMENT_KIND_LABELS, type DocumentKind } from '../documents/document-templates.js';
import { appealsForApplication } from './appeal-service.js';
import { renderReportPdf } from '../reports/report-pdf.js';
import { beijingDate, formatChineseDate } from '../../workflows/dates.js';
import { listAttachments } from '../cases/attachment-store.js';
import { CONTACT_CHANNELS, CONTACT_OUTCOMES } from '../../workflows/glossary.js';

/** Who the file is for: the desk's own staff (issue 5), or a connected system (issue 14). */
export interface ExportOptions {
  /** The applicant in full, or with the identity number and phone masked. */
  fullApplicant: boolean;
  /** Where each document's PDF is fetched. */
  documentUrl: (documentId: number) => string;
  /** The scans filed with the application (staff only: their download is a staff route). */
  attachments: boolean;
}

const STAFF_EXPORT: ExportOptions = { fullApplicant: false, documentUrl: (id) => `/api/documents/${id}/pdf`, attachments: true };

/**
 * The whole file of an application (issue 5): what the reconsideration body or the court receives.
 * For the desk's staff personal identity numbers stay masked (issue 2: masked in exports); documents
 * are listed with their numbers and SHA-256 so the recipient can check each PDF.
 */
export async function exportApplication(ctx: AppContext, user: User, applicationId: number, opts: ExportOptions = STAFF_EXPORT) {
  const app = await getApplicationView(ctx, user, applicationId);
  const docs = (await listDocuments(ctx.db, applicationId)).filter((d) => d.status !== 'draft');
  const attachments = opts.attachments ? await listAttachments(ctx.db, applicationId) : [];
  const applicant = opts.fullApplicant ? (await loadVisible(ctx, user, applicationId)).applicant : maskApplicant(app.applicant);
  return {
    exportedAt: new Date().toISOString(),
    format: 'disclosure-desk/application-export@1',
    application: {
      id: app.id,
      caseNumber: app.caseNumber,
      agency: app.agency,
      state: app.state,
      receivedDate: app.receivedDate,
      channel: app.channel,
      decision: app.decision,
      deadlines: app.deadlines,
    },
    applicant,
    request: app.request,
    events: app.history,
    // Issue 14: contacts with the applicant (not steps of the case, so not among the events), with
    // the SHA-256 of their content (as audited) and of each file.
    contacts: app.contacts.map((c) => ({
      id: c.id, date: c.date, time: c.time, channel: c.channel, staff: c.staff, counterpart: c.counterpart, summary: c.summary, outcome: c.outcome,
      contentSha256: c.contentSha256, recordedAt: c.recordedAt,
      files: c.files.map((f) => ({
        filename: f.filename, mime: f.mime, size: f.size, sha256: f.sha256,
        ...(opts.attachments ? { url: `/api/applications/${applicationId}/contacts/${c.id}/files/${f.id}` } : {}),
      })),
    })),
    dataFiles: app.dataFiles.map((f) => ({
      id: f.id, title: f.title, filename: f.filename, format: f.format, rows: f.rows, columns: f.columns, size: f.size, sha256: f.sha256,
      ...(opts.attachments ? { url: `/api/applications/${applicationId}/data-files/${f.id}` } : {}),
    })),
    documents: docs.map((d) => ({
      id: d.id, kind: d.kind, title: d.title, number: d.number, issuedDate: d.issuedDate, status: d.status, sha256: d.sha256,
      supersedes: d.supersedesId, url: opts.documentUrl(d.id),
    })),
    ...(opts.attachments
      ? { attachments: attachments.map((a) => ({ id: a.id, filename: a.filename, mime: a.mime, size: a.size, sha256: a.sha256, url: `/api/applications/${applicationId}/attachments/${a.id}` })) }
      : {}),
    appeals: (await appealsForApplication(ctx, user, applicationId)).map((a) => ({
      id: a.id, kind: a.kind, procedure: a.procedure, body: a.body, externalCaseNumber: a.externalCaseNumber, receivedDate: a.receivedDate,
      state: a.state, outcome: a.outcome, decisionType: a.decisionType, deadlines: { answerDue: a.deadlines.answerDue, decisionExpected: a.deadlines.decisionExpected },
    })),
  };
}

/** 证据清单: the case's issued documents and scans, in order, with what each proves. */
export async function evidenceListPdf(ctx: AppContext, user: User, applicationId: number): Promise<{ pdf: Buffer; filename: string }> {
  const app = await getApplicationView(ctx, user, applicationId);
  const docs = (await listDocuments(ctx.db, applicationId)).filter((d) => d.status === 'issued' || d.status === 'superseded');
  const attachments = await listAttachments(ctx.db, applicationId);
  const purpose: Record<string, string> = {
    receipt: '证明收到申请的时间及告知的答复期限',
    correction_notice: '证明依法一次性告知补正',
    extension_notice: '证明依法延期答复并告知申请人',
    consultation_letter: '证明依法征求意见',
    fee_notice: '证明依法收取信息处理费并告知',
    reply: '证明已依法作出答复及其理由、依据和救济途径',
    delivery_receipt: '证明文书已依法送达',
    reasons_request: '证明依法要求申请人说明理由（第三十五条）',
    later_reply_notice: '证明依法确定延迟答复的合理期限并告知申请人（第三十五条）',
  };
  // Two tables so that each fits the 156 mm text block at 4号 without breaking a number over lines.
  const items: { name: string; number: string; date: string; sha: string; purpose: string }[] = [];
  for (const a of attachments) {
    items.push({ name: `申请材料（${a.filename}）`, number: '—', date: formatChineseDate(beijingDate(a.createdAt)), sha: a.sha256.slice(0, 16), purpose: '证明申请人提出申请的内容' });
  }
  // Issue 14: each contact with the applicant, and each of its files, in the order they happened.
  const contactEvidence: typeof items = [];
  for (const c of app.contacts) {
    const how = `${CONTACT_CHANNELS[c.channel] ?? c.channel}沟通记录（${CONTACT_OUTCOMES[c.outcome] ?? c.outcome}）`;
    contactEvidence.push({ name: how, number: '—', date: formatChineseDate(c.date), sha: c.contentSha256.slice(0, 16), purpose: '证明已就申请事项主动与申请人沟通及沟通的内容、结果' });
    for (const f of c.files) {
      contactEvidence.push({ name: `沟通记录附件（${f.filename}）`, number: '—', date: formatChineseDate(c.date), sha: f.sha256.slice(0, 16), purpose: '证明沟通的内容' });
    }
  }
  for (const d of docs) {
    items.push({
      name: d.status === 'superseded' ? `${d.title}（已更正）` : d.title,
      number: d.number ?? '—',
      date: d.issuedDate ? formatChineseDate(d.issuedDate) : '—',
      sha: (d.sha256 ?? '').slice(0, 16),
      purpose: purpose[d.kind] ?? DOCUMENT_KIND_LABELS[d.kind as DocumentKind] ?? d.kind,
    });
  }
  items.push(...contactEvidence);
  const pdf = await renderReportPdf({
    title: '证据清单',
    subtitle: `${app.caseNumber} · ${app.agency.name}`,
    agencyName: app.agency.name,
    date: ctx.clock.today(),
    sections: [
      {
        heading: '案件基本情况',
        paragraphs: [
          `申请人${app.applicant.name}于${formatChineseDate(app.receivedDate)}向本机关申请公开政府信息（申请编号${app.caseNumber}）。以下证据材料均由本系统生成或登记，电子文书附有电子签名，可核验其 SHA-256 值。`,
        ],
      },
      { heading: '一、证据目录', table: { columns: ['序号', '证据名称', '文号', '形成日期'], rows: items.map((x, i) => [String(i + 1), x.name, x.number, x.date]), widths: [1.2, 5, 6.3, 3.5] } },
      { heading: '二、证明目的与校验值', table: { columns: ['序号', '证明目的', 'SHA-256（前 16 位）'], rows: items.map((x, i) => [String(i + 1), x.purpose, x.sha]), widths: [1.2, 8, 6.8] } },
    ],
  });
  return { pdf, filename: `${app.caseNumber} 证据清单.pdf` };
}
