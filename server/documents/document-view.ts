import { deliveryMethodLabel, documentStatusLabel, isKey } from '../../workflows/glossary.js';
import { decisionLabel, isDecisionCode } from '../../workflows/decisions.js';
import { CONSULTATION_KINDS } from '../../workflows/application-types.js';
import { DOCUMENT_KIND_LABELS, type DocumentKind } from './document-templates.js';
import type { DocumentRow } from './document-store.js';
import type { DeliveryRow } from './delivery-store.js';

/** 送达: when and how an issued document reached its addressee (§2.8). */
export interface DeliveryView {
  date: string;
  method: string;
  methodLabel: string;
  trackingNumber: string | null;
  signedBy: string | null;
  note: string | null;
  recordedBy: string | null;
  recordedAt: string;
}

export interface DocumentView {
  id: number;
  applicationId: number;
  kind: string;
  kindLabel: string;
  variant: string | null;
  status: string;
  /** 草稿, 已签发 (a reply), 已发出 (any other document), 已被更正 (issue 13: 签发 is the head's only). */
  statusLabel: string;
  title: string;
  number: string | null;
  issuedDate: string | null;
  sha256: string | null;
  supersedes: number | null;
  supersedeReason: string | null;
  targetDocumentId: number | null;
  templateName: string;
  templateVersion: number;
  /** The template in Chinese, e.g. 答复书（予以公开）第1版: what a person reads instead of its name. */
  templateLabel: string;
  body: string;
  editable: boolean;
  /** Null until its receipt is recorded (always null for drafts). */
  delivery: DeliveryView | null;
}

/** Reply drafts may be edited until they go to review; other drafts until they are issued. */
export function editable(doc: DocumentRow, state: string): boolean {
  if (doc.status !== 'draft') return false;
  if (doc.kind === 'reply' && !doc.supersedesId) return state === 'drafted' || state === 'closed';
  return true;
}

/** 答复书（予以公开）, 征求意见书（函）（第三方）…: the kind and, where there is one, its variant. */
export function templateLabelOf(doc: Pick<DocumentRow, 'kind' | 'variant' | 'templateVersion'>): string {
  const kind = DOCUMENT_KIND_LABELS[doc.kind as DocumentKind] ?? '文书';
  const v = doc.variant;
  const variant = !v ? '' : isDecisionCode(v) ? decisionLabel(v) : v === 'other.records_correction' ? '更正本人信息' : isKey(CONSULTATION_KINDS, v) ? CONSULTATION_KINDS[v] : '';
  return `${kind}${variant ? `（${variant}）` : ''}第${doc.templateVersion}版`;
}

export function toDeliveryView(d: DeliveryRow): DeliveryView {
  return {
    date: d.date, method: d.method, methodLabel: deliveryMethodLabel(d.method), trackingNumber: d.trackingNumber, signedBy: d.signedBy,
    note: d.note, recordedBy: d.recordedByName, recordedAt: d.recordedAt,
  };
}

export function toDocumentView(doc: DocumentRow, state: string, delivery: DeliveryRow | null = null): DocumentView {
  return {
    id: doc.id,
    applicationId: doc.applicationId,
    kind: doc.kind,
    kindLabel: DOCUMENT_KIND_LABELS[doc.kind as DocumentKind] ?? doc.kind,
    variant: doc.variant,
    status: doc.status,
    statusLabel: documentStatusLabel(doc.kind, doc.status),
    title: doc.title,
    number: doc.number,
    issuedDate: doc.issuedDate,
    sha256: doc.sha256,
    supersedes: doc.supersedesId,
    supersedeReason: doc.supersedeReason,
    targetDocumentId: doc.targetDocumentId,
    templateName: doc.templateName,
    templateVersion: doc.templateVersion,
    templateLabel: templateLabelOf(doc),
    body: doc.body,
    editable: editable(doc, state),
    delivery: delivery ? toDeliveryView(delivery) : null,
  };
}

