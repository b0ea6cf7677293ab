import { deliveryMethodLabel } from '../../workflows/glossary.js';
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
  title: string;
  number: string | null;
  issuedDate: string | null;
  sha256: string | null;
  supersedes: number | null;
  supersedeReason: string | null;
  targetDocumentId: number | null;
  templateName: string;
  templateVersion: number;
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
    title: doc.title,
    number: doc.number,
    issuedDate: doc.issuedDate,
    sha256: doc.sha256,
    supersedes: doc.supersedesId,
    supersedeReason: doc.supersedeReason,
    targetDocumentId: doc.targetDocumentId,
    templateName: doc.templateName,
    templateVersion: doc.templateVersion,
    body: doc.body,
    editable: editable(doc, state),
    delivery: delivery ? toDeliveryView(delivery) : null,
  };
}

