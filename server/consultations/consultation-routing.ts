import type { Knex } from 'knex';
import { contactOf, findAgencyByCode, type Agency } from '../admin/agency-store.js';
import type { User } from '../admin/user-store.js';
import type { AppContext } from '../context.js';
import { invalid } from '../errors.js';
import type { ApplicationRow } from '../cases/application-store.js';
import type { Deadlines } from '../../workflows/clock.js';
import { hasSigningKey } from '../documents/agency-keys.js';
import { issueInTransaction } from '../documents/document-service.js';
import { listDocuments, type DocumentRow } from '../documents/document-store.js';
import { recordNoticeDelivery } from '../documents/deliveries.js';
import { carriedByLetter } from '../cases/attachment-files.js';
import { insertedId } from '../../db/dialect.js';
import { recordCarried } from './consultation-store.js';

// Issue 7: where an application event names another agency of the system by code — a consultation
// (征求意见, Art. 34) or a transfer (转办, Art. 36(五)) — the server checks the agency exists, names it
// from the register, and routes the letter to that agency's inbox (征询件) in the event's transaction.

const trimmed = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** The other agency an event names, checked and written into the payload before the machine judges. */
export async function counterpartAgency(trx: Knex.Transaction, row: ApplicationRow, type: string, payload: Record<string, unknown>): Promise<Agency | null> {
  const isAgencyConsultation = type === 'START_CONSULTATION' && payload.kind === 'agency';
  if (!isAgencyConsultation && type !== 'TRANSFER') return null;
  const code = trimmed(payload.agencyCode);
  if (!code) return null; // an agency outside the system: paper letter (consultation), or the machine refuses (transfer)
  const agency = await findAgencyByCode(trx, code);
  if (!agency) {
    throw invalid({ agencyCode: type === 'TRANSFER' ? `系统中没有机关代码为“${code}”的机关` : `系统中没有机关代码为“${code}”的机关；系统外的机关请不填机关代码，按纸质函件征求意见` });
  }
  if (agency.id === row.agencyId) throw invalid({ agencyCode: type === 'TRANSFER' ? '不能转办给本机关' : '不能向本机关征求意见' });
  payload.agencyCode = agency.code;
  if (type === 'TRANSFER') {
    payload.agencyName = agency.name;
    // Art. 36(五): the notice tells the applicant how to reach the agency (the machine refuses none).
    payload.agencyContact = contactOf(agency);
  } else {
    payload.party = agency.name;
    payload.parts = trimmed(payload.parts);
    // Finding 9: the letter carries the case's files the caseworker chose (all its own materials by default).
    if (payload.attachmentIds !== undefined) payload.attachmentIds = await carriedByLetter(trx, row.id, payload.attachmentIds);
  }
  return agency;
}

/**
 * The consultation letter to an agency in the system is issued (numbered, sealed) at once and lands
 * in that agency's inbox with the request, the parts concerned and the opinion due date. Landing in
 * the inbox is its delivery (§2.8): recorded with the issue, so the 15 working days run from that day.
 */
export async function sendToInbox(
  trx: Knex.Transaction,
  ctx: AppContext,
  user: User,
  row: ApplicationRow,
  requesting: Agency,
  consulted: Agency,
  payload: Record<string, unknown>,
  deadlines: Deadlines,
  date: string,
  /** Files uploaded with the START_CONSULTATION event itself: they go with the letter too. */
  fileIds: number[],
  ip: string | null,
): Promise<void> {
  const consultationId = String(payload.consultationId);
  let letter = (await listDocuments(trx, row.id)).find((d) => d.kind === 'consultation_letter' && d.consultationId === consultationId && d.status === 'draft');
  if (letter && (await hasSigningKey(trx, requesting.id))) {
    letter = await issueInTransaction(trx, ctx, requesting, letter, user, date, ip);
    deadlines = await recordNoticeDelivery(trx, ctx, user, letter, PLATFORM_DELIVERY(date), ip);
  }
  // Without a signing key the letter waits as a draft, and its period is counted provisionally
  // (from today) until it is issued from the case page: platformLetterIssued then sets the due date.
  const opinionDue = deadlines.consultations.find((c) => c.id === consultationId)?.opinionDue;
  if (!opinionDue) throw new Error(`no opinion due date for consultation ${consultationId}`);
  const [inserted] = await trx('consultation_requests').insert({
    application_id: row.id,
    consultation_id: consultationId,
    requesting_agency_id: requesting.id,
    consulted_agency_id: consulted.id,
    parts: trimmed(payload.parts) ?? row.request.description,
    sent_date: date,
    opinion_due: opinionDue,
    letter_document_id: letter?.id ?? null,
    status: 'open',
    sent_by: user.id,
    created_at: new Date().toISOString(),
  }).returning('id');
  // What the consulted agency may read while the consultation is open, fixed when the letter leaves.
  const chosen = Array.isArray(payload.attachmentIds) ? (payload.attachmentIds as number[]) : await carriedByLetter(trx, row.id, undefined);
  await recordCarried(trx, insertedId(inserted), [...new Set([...chosen, ...fileIds])]);
}

const PLATFORM_DELIVERY = (date: string) => ({ date, method: 'platform', trackingNumber: null, signedBy: null, note: '送达被征求意见机关的征询件' });

/**
 * A consultation letter issued later from the case page (it waited as a draft), or a correction of
 * one: if it goes to an agency on the platform, it is delivered into that inbox now, and the inbox
 * item's opinion due date follows the clock.
 */
export async function platformLetterIssued(trx: Knex.Transaction, ctx: AppContext, user: User, letter: DocumentRow, date: string, ip: string | null): Promise<void> {
  if (letter.kind !== 'consultation_letter' || !letter.consultationId) return;
  const item = await trx('consultation_requests').where({ application_id: letter.applicationId, consultation_id: letter.consultationId }).first('id', 'status');
  if (!item) return; // a third party or an agency outside the platform: delivered on paper, recorded by hand
  const deadlines = await recordNoticeDelivery(trx, ctx, user, letter, PLATFORM_DELIVERY(date), ip);
  const opinionDue = deadlines.consultations.find((c) => c.id === letter.consultationId)?.opinionDue;
  await trx('consultation_requests').where({ id: item.id }).update({ letter_document_id: letter.id, ...(opinionDue ? { opinion_due: opinionDue } : {}) });
}

/** The requesting case closed: its letters still open are withdrawn from the inboxes. */
export async function closeInboxItems(trx: Knex.Transaction, applicationId: number): Promise<void> {
  await trx('consultation_requests').where({ application_id: applicationId, status: 'open' }).update({ status: 'closed' });
}

/** An opinion recorded on the case — by the consulted agency, by the caseworker from a paper answer, or deemed — settles the inbox item. */
export async function settleInboxItem(trx: Knex.Transaction, applicationId: number, payload: Record<string, unknown>, user: User, date: string): Promise<void> {
  const opinion = String(payload.opinion);
  await trx('consultation_requests')
    .where({ application_id: applicationId, consultation_id: String(payload.consultationId), status: 'open' })
    .update({ status: opinion === 'deemed_consent' ? 'deemed_consent' : 'answered', opinion, reasons: trimmed(payload.reasons), answered_by: user.id, answered_date: date });
}
