// The data exchange with the reconsideration body's case system (issue 14): what a connected system
// pulls (a case file, an issued document's PDF, the change feed) and pushes (the appeals it received
// and what it did in them). Every call acts for one API client, as the client's own actor, within the
// client's agency and the agencies below it: a case of another agency is 404, as an unknown one.
import type { AppContext } from '../context.js';
import { findUserById, withoutHash, type User } from '../admin/user-store.js';
import { agencyScopeIds } from '../admin/agency-store.js';
import type { ClientAuth } from '../auth/client-service.js';
import { loadVisibleByCaseNumber } from '../cases/application-service.js';
import { findDocument } from '../documents/document-service.js';
import { documentPdfFor } from '../documents/document-actions.js';
import { exportApplication } from '../appeals/case-export.js';
import {
  appealViewThrough, applyAppealEventInTransaction, appealsForApplication, receiveAppealInTransaction, type AppealView,
} from '../appeals/appeal-service.js';
import { loadCalendar } from '../calendar-store.js';
import { isUniqueViolation } from '../../db/knex.js';
import { conflict, DomainError, notFound } from '../errors.js';
import { changesAfter } from './exchange-store.js';
import { once, type IdempotentAnswer } from './idempotency.js';

export const CASE_FILE_FORMAT = 'disclosure-desk/exchange-case@1';

/** The client's own actor: who the histories and the audit log name for what the client does. */
async function actorOf(ctx: AppContext, client: ClientAuth): Promise<User> {
  const actor = await findUserById(ctx.db, client.actorId);
  if (!actor) throw new Error(`exchange client ${client.clientId} has no actor row`);
  return withoutHash(actor);
}

export const exchangeDocumentUrl = (id: number) => `/api/exchange/documents/${id}/pdf`;

/** An appeal as the exchange shows it: its facts, deadlines, where it came from and its events. */
export function exchangeAppeal(a: AppealView) {
  return {
    id: a.id,
    caseNumber: a.caseNumber,
    kind: a.kind,
    procedure: a.procedure,
    simplified: a.simplified,
    body: a.body,
    externalCaseNumber: a.externalCaseNumber,
    receivedDate: a.receivedDate,
    acceptedDate: a.acceptedDate,
    filedDate: a.filedDate,
    claims: a.claims,
    state: a.state,
    version: a.version,
    outcome: a.outcome,
    decisionType: a.decisionType,
    decisionDate: a.decisionDate,
    deadlines: { answerDue: a.deadlines.answerDue, decisionExpected: a.deadlines.decisionExpected, newReplyDue: a.deadlines.newReplyDue },
    source: a.source,
    events: a.history.map((h) => ({ seq: h.seq, type: h.type, date: h.date, payload: h.payload, by: { name: h.actor.name, role: h.actor.role }, recordedAt: h.recordedAt })),
    /** What this client may send now (the respondent's answer is the legal staff's own). */
    allowedEvents: a.allowedEvents,
  };
}
export type ExchangeAppeal = ReturnType<typeof exchangeAppeal>;

/**
 * The case file. The applicant's data is given in full: the reconsideration body is a public body
 * deciding the applicant's own appeal against this very case, entitled to the file (行政复议法 Art. 48:
 * the respondent submits the evidence and materials on which it acted), and the client only reaches
 * the cases of its own agencies. Documents are listed with number, SHA-256 and a link to the signed PDF.
 */
export async function caseFile(ctx: AppContext, client: ClientAuth, caseNumber: string) {
  const actor = await actorOf(ctx, client);
  const row = await loadVisibleByCaseNumber(ctx, actor, caseNumber);
  const file = await exportApplication(ctx, actor, row.id, { fullApplicant: true, documentUrl: exchangeDocumentUrl, attachments: false });
  const appeals: ExchangeAppeal[] = [];
  for (const a of await appealsForApplication(ctx, actor, row.id)) appeals.push(exchangeAppeal(await appealViewThrough(ctx.db, ctx, actor, a.id)));
  return {
    format: CASE_FILE_FORMAT,
    exportedAt: file.exportedAt,
    caseNumber: row.caseNumber,
    application: { ...file.application, concludedDate: row.concludedDate },
    applicant: file.applicant,
    request: file.request,
    events: file.events.map((e) => ({ seq: e.seq, type: e.type, date: e.date, payload: e.payload, by: { name: e.actor.name, role: e.actor.role }, recordedAt: e.recordedAt })),
    documents: file.documents.map(({ url, ...d }) => ({ ...d, pdf: url })),
    // Issue 14: contacts with the applicant (files by name and SHA-256; their bytes stay with the staff).
    contacts: file.contacts,
    appeals,
  };
}

/** An issued document's signed PDF (a draft, or another agency's document: 404). */
export async function documentPdf(ctx: AppContext, client: ClientAuth, id: number): Promise<{ pdf: Buffer; filename: string }> {
  const doc = await findDocument(ctx.db, id);
  const scope = await agencyScopeIds(ctx.db, client.agencyId);
  if (!doc || !scope.includes(doc.agencyId) || (doc.status !== 'issued' && doc.status !== 'superseded')) throw notFound('未找到该文书');
  return documentPdfFor(ctx, id);
}

export interface ChangePage {
  items: { cursor: string; type: string; caseNumber: string; at: string; agency: string | null; appealId?: number; documentId?: number; event?: string }[];
  next: string;
}

/**
 * The change feed of the client's agencies after a cursor, oldest first. `next` is the cursor to ask
 * after next time (the last item's, or the one given when nothing is new): a client that stores it
 * sees every change exactly once.
 */
export async function changes(ctx: AppContext, client: ClientAuth, after: number, limit: number): Promise<ChangePage> {
  const rows = await changesAfter(ctx.db, await agencyScopeIds(ctx.db, client.agencyId), after, limit);
  return {
    items: rows.map((r) => ({
      cursor: String(r.id), type: r.type, caseNumber: r.caseNumber, at: r.at, agency: (r.data.agency as string | undefined) ?? null,
      ...(r.appealId !== null ? { appealId: r.appealId } : {}),
      ...(r.documentId !== null ? { documentId: r.documentId } : {}),
      ...(typeof r.data.event === 'string' ? { event: r.data.event } : {}),
    })),
    next: String(rows.at(-1)?.id ?? after),
  };
}

export interface Push {
  key: string;
  hash: string;
  ip: string | null;
}

/** The reconsideration body's system files an appeal against a case (Idempotency-Key: once). */
export async function receiveAppeal(ctx: AppContext, client: ClientAuth, body: Record<string, unknown>, push: Push): Promise<IdempotentAnswer> {
  const actor = await actorOf(ctx, client);
  const { caseNumber, ...appeal } = body;
  return once(ctx, client.id, push.key, push.hash, async (trx) => {
    const id = await receiveAppealInTransaction(trx, ctx, actor, String(caseNumber), appeal, push.ip, client.id);
    return { status: 201, body: exchangeAppeal(await appealViewThrough(trx, ctx, actor, id)), location: `/api/exchange/appeals/${id}` };
  });
}

/** An event of an appeal the client may see: the machine judges it (403 the respondent's own acts, 409 not now). */
export async function receiveAppealEvent(ctx: AppContext, client: ClientAuth, appealId: number, body: Record<string, unknown>, push: Push): Promise<IdempotentAnswer> {
  const actor = await actorOf(ctx, client);
  const calendar = await loadCalendar(ctx.db);
  try {
    return await once(ctx, client.id, push.key, push.hash, async (trx) => {
      await applyAppealEventInTransaction(trx, ctx, actor, appealId, body, { ip: push.ip }, calendar);
      return { status: 200, body: exchangeAppeal(await appealViewThrough(trx, ctx, actor, appealId)), location: null };
    });
  } catch (e) {
    // Two events racing on one appeal: the loser hits the (appeal, seq) key.
    if (isUniqueViolation(e) && !(e instanceof DomainError)) throw conflict('该案件刚被他人修改，请获取最新案卷后重试');
    throw e;
  }
}

/** One appeal the client may see (GET: the current state after a push, without pulling the whole file). */
export async function appealOf(ctx: AppContext, client: ClientAuth, id: number) {
  const actor = await actorOf(ctx, client);
  return exchangeAppeal(await appealViewThrough(ctx.db, ctx, actor, id));
}
