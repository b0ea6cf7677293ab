import type { Knex } from 'knex';
import { OPINIONS } from '../../workflows/application.machine.js';
import type { Db } from '../../db/knex.js';

export type Box = 'inbox' | 'outbox';
export type RequestStatus = 'open' | 'answered' | 'deemed_consent' | 'closed';

export interface ConsultationRequestView {
  id: number;
  consultationId: string;
  application: { id: number; caseNumber: string; description: string; receivedDate: string; state: string };
  requesting: { id: number; code: string; name: string };
  consulted: { id: number; code: string; name: string };
  parts: string;
  sentDate: string;
  opinionDue: string;
  /** Past the opinion due date and still open: the sweep will record deemed consent. */
  overdue: boolean;
  status: RequestStatus;
  opinion: string | null;
  opinionLabel: string | null;
  reasons: string | null;
  answeredBy: string | null;
  answeredDate: string | null;
  letter: { id: number; number: string | null; url: string } | null;
  url: string;
  page: string;
}

function base(db: Db) {
  return db('consultation_requests as cr')
    .join('applications as ap', 'ap.id', 'cr.application_id')
    .join('agencies as ra', 'ra.id', 'cr.requesting_agency_id')
    .join('agencies as ca', 'ca.id', 'cr.consulted_agency_id')
    .leftJoin('users as u', 'u.id', 'cr.answered_by')
    .leftJoin('documents as d', 'd.id', 'cr.letter_document_id')
    .select(
      'cr.*', { case_number: 'ap.case_number', description: 'ap.description', app_received: 'ap.received_date', app_state: 'ap.state' },
      { r_code: 'ra.code', r_name: 'ra.name', c_code: 'ca.code', c_name: 'ca.name' },
      { answered_name: 'u.display_name', letter_number: 'd.number' },
    );
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toView(r: any, today: string): ConsultationRequestView {
  const id = Number(r.id);
  return {
    id,
    consultationId: r.consultation_id,
    application: { id: Number(r.application_id), caseNumber: r.case_number, description: r.description, receivedDate: r.app_received, state: r.app_state },
    requesting: { id: Number(r.requesting_agency_id), code: r.r_code, name: r.r_name },
    consulted: { id: Number(r.consulted_agency_id), code: r.c_code, name: r.c_name },
    parts: r.parts,
    sentDate: r.sent_date,
    opinionDue: r.opinion_due,
    overdue: r.status === 'open' && r.opinion_due < today,
    status: r.status,
    opinion: r.opinion ?? null,
    opinionLabel: r.opinion ? ((OPINIONS as Record<string, string>)[r.opinion] ?? r.opinion) : null,
    reasons: r.reasons ?? null,
    answeredBy: r.answered_name ?? null,
    answeredDate: r.answered_date ?? null,
    letter: r.letter_document_id ? { id: Number(r.letter_document_id), number: r.letter_number ?? null, url: `/api/consultations/${id}/letter` } : null,
    url: `/api/consultations/${id}`,
    page: `/consultations/${id}`,
  };
}

export async function findRequest(db: Db, id: number, today: string): Promise<ConsultationRequestView | null> {
  const r = await base(db).where('cr.id', id).first();
  return r ? toView(r, today) : null;
}

export async function listRequests(db: Db, agencyId: number, box: Box, status: string, today: string): Promise<ConsultationRequestView[]> {
  const qb = base(db).where(box === 'inbox' ? 'cr.consulted_agency_id' : 'cr.requesting_agency_id', agencyId);
  if (status !== 'all') qb.where('cr.status', status);
  const rows = await qb.orderBy('cr.opinion_due').orderBy('cr.id').limit(500);
  return rows.map((r: unknown) => toView(r, today));
}

export async function countOpenInbox(db: Db, agencyId: number): Promise<number> {
  const r = await db('consultation_requests').where({ consulted_agency_id: agencyId, status: 'open' }).count({ n: '*' }).first();
  return Number(r?.n ?? 0);
}

/** The inbox items behind one case's consultations, by consultation id (for the case page). */
export async function requestsOfApplication(db: Db | Knex, applicationId: number, today: string): Promise<Map<string, ConsultationRequestView>> {
  const rows = await base(db).where('cr.application_id', applicationId);
  return new Map(rows.map((r: { consultation_id: string }) => [r.consultation_id, toView(r, today)]));
}

/** The files a letter carries, fixed when it is sent (hardening finding 9). */
export async function recordCarried(trx: Knex.Transaction, requestId: number, attachmentIds: number[]): Promise<void> {
  if (attachmentIds.length === 0) return;
  await trx('consultation_request_attachments').insert(attachmentIds.map((attachment_id) => ({ consultation_request_id: requestId, attachment_id })));
}

export interface RequestAttachment {
  id: number;
  filename: string;
  mime: string;
  size: number;
  /** Sent with the letter. */
  carried: boolean;
  /** Came with this consultation's answer. */
  fromAnswer: boolean;
}

/** The requesting case's files, each marked with what it is to this consultation. */
export async function requestAttachments(db: Db, requestId: number, applicationId: number): Promise<RequestAttachment[]> {
  const rows: Record<string, unknown>[] = await db('attachments as a')
    .leftJoin('consultation_request_attachments as cra', (j) => j.on('cra.attachment_id', 'a.id').andOnVal('cra.consultation_request_id', requestId))
    .where('a.application_id', applicationId)
    .orderBy('a.id')
    .select('a.id', 'a.filename', 'a.mime', 'a.size', 'a.consultation_request_id', { carried: 'cra.attachment_id' });
  return rows.map((f) => ({
    id: Number(f.id), filename: String(f.filename), mime: String(f.mime), size: Number(f.size),
    carried: f.carried !== null && f.carried !== undefined,
    fromAnswer: f.consultation_request_id !== null && Number(f.consultation_request_id) === requestId,
  }));
}
