import type { Deadlines } from '../../workflows/clock.js';
import { maskIdNumber, maskPhone } from '../../workflows/identifiers.js';
import { APPLICATION_STATES } from '../../workflows/application.machine.js';
import { decisionLabel, isDecisionCode } from '../../workflows/decisions.js';
import type { Applicant } from './intake.js';
import type { ApplicationRow, EventRow } from './application-store.js';
import type { AttachmentRow } from './attachment-store.js';
import type { DocumentView } from '../documents/document-view.js';
import { caseProgress, closingOf, type ProgressStep } from '../../workflows/progress.js';
import type { UnissuedNotice } from '../documents/delivery-store.js';
import { EVENT_LABELS, type ApplicationContext } from '../../workflows/application.machine.js';
import { SIGNOFF_RETURN_TARGETS } from '../../workflows/application-types.js';
import type { ReplyDetails } from '../../workflows/reply-facts.js';
import type { ContactRow } from './contact-store.js';
import type { DataFileRow } from './data-file-store.js';

/**
 * A notice its event drafted that is still not issued: the event is recorded, so the clock already
 * moved (a consultation or fee stops the reply clock from that day), but the addressee has nothing.
 */
export interface UnissuedNoticeView {
  documentId: number;
  kind: string;
  title: string;
  eventType: string | null;
  eventLabel: string | null;
  eventDate: string | null;
}

export function unissuedNoticeViews(notices: readonly UnissuedNotice[], events: readonly EventRow[]): UnissuedNoticeView[] {
  return notices.map((n) => {
    const e = events.find((x) => x.seq === n.eventSeq);
    const label = e ? (EVENT_LABELS as Record<string, string>)[e.type] ?? null : null;
    return { documentId: n.documentId, kind: n.kind, title: n.title, eventType: e?.type ?? null, eventLabel: label, eventDate: e?.date ?? null };
  });
}

/** Personal data is masked in lists and exports; full only for the owning agency's staff (issue 2). */
export function maskApplicant(a: Applicant): Applicant {
  if (a.kind === 'natural_person') {
    return { ...a, idNumber: maskIdNumber(a.idNumber), phone: a.phone ? maskPhone(a.phone) : null };
  }
  return { ...a, phone: a.phone ? maskPhone(a.phone) : null };
}

export function stateLabel(state: string): string {
  return (APPLICATION_STATES as Record<string, string>)[state] ?? state;
}

/** Someone named in the reply's record: the person as the history names them. */
export interface PersonRef {
  id: number;
  name: string;
}

/**
 * The reply on its way to signature (issue 13): the current draft's decision, reasons and facts, the
 * confidentiality review with its opinions (审查意见), and the returns before signing (签发前退回).
 * What the reviewer and the head of the office read beside the reply's text.
 */
export interface ReplyRecordView {
  decision: string;
  decisionLabel: string;
  reasons: string | null;
  details: ReplyDetails | null;
  drafted: { by: PersonRef; date: string };
  review: {
    approved: { by: PersonRef; date: string; opinion: string | null; checklist: string[] } | null;
    returns: { date: string; opinion: string; by: PersonRef }[];
  };
  signoffReturns: { date: string; to: string; toLabel: string; reason: string; by: PersonRef }[];
}

/** The reply record of a case's context, or null before any draft (names looked up in its history). */
export function replyRecordView(context: ApplicationContext, events: readonly EventRow[]): ReplyRecordView | null {
  const draft = context.draft;
  if (!draft || !isDecisionCode(draft.decision)) return null;
  const names = new Map(events.map((e) => [e.actorId, e.actorName]));
  const person = (id: number): PersonRef => ({ id, name: names.get(id) ?? '' });
  const review = context.review;
  return {
    decision: draft.decision,
    decisionLabel: decisionLabel(draft.decision),
    reasons: draft.reasons,
    details: draft.details ?? null,
    drafted: { by: person(draft.draftedBy), date: draft.draftedDate },
    review: {
      approved: review.approvedBy !== null && review.approvedDate
        ? { by: person(review.approvedBy), date: review.approvedDate, opinion: review.opinion ?? null, checklist: review.checklist ?? [] }
        : null,
      returns: review.returns.map((r) => ({ date: r.date, opinion: r.reason, by: person(r.by) })),
    },
    signoffReturns: (context.signoffReturns ?? []).map((r) => ({
      date: r.date, to: r.to, toLabel: SIGNOFF_RETURN_TARGETS[r.to] ?? r.to, reason: r.reason, by: person(r.by),
    })),
  };
}

import type { ConferenceView } from '../conferences/conference-view.js';

export interface ApplicationView {
  id: number;
  caseNumber: string;
  agency: { code: string; name: string };
  state: string;
  stateLabel: string;
  version: number;
  receivedDate: string;
  channel: string;
  applicant: Applicant;
  request: ApplicationRow['request'];
  decision: string | null;
  decisionLabel: string | null;
  deadlines: Omit<Deadlines, 'consultations' | 'workingDaysLeft' | 'overdue' | 'dueSoon'> & { workingDaysLeft: number | null };
  overdue: boolean;
  dueSoon: boolean;
  consultations: unknown[];
  attachments: { id: number; filename: string; mime: string; size: number; sha256: string; origin: string; createdAt: string }[];
  history: { seq: number; type: string; date: string; payload: Record<string, unknown>; actor: { id: number; name: string; role: string }; recordedAt: string }[];
  allowedEvents: string[];
  documents: DocumentView[];
  /** The steps of the case as they happened (a withdrawn case did not pass review). */
  progress: ProgressStep[];
  /** A closed case: the day it closed, how, and the working days it took from receipt. */
  concluded: { date: string; how: string | null; workingDays: number | null } | null;
  /** Issue 12: notices recorded by an event but not yet issued (the page and the lists warn). */
  unissuedNotices: UnissuedNoticeView[];
  /** Issue 13: the current reply draft and its review (null before a draft, and in lists). */
  reply: ReplyRecordView | null;
  /** Issue 14: contacts with the applicant (沟通记录), in the order they happened; not steps of the case. */
  contacts: ContactRow[];
  /** Issue 14: data files (CSV, XLSX) a reply can provide, with the rows the desk counted and their SHA-256. */
  dataFiles: DataFileRow[];
  /** 转办 (issue 7): where this case came from (with that case's history) or went to. */
  transfer?: { from: { id: number; caseNumber: string; agencyName: string; date: string; history: ApplicationView['history'] } | null; to: { id: number; caseNumber: string; agencyName: string; date: string } | null };
  /** 复杂疑难 and its conferences (会商研判, issue 14): on the case's own page and API only, not in lists. */
  complex?: { reason: string; markedBy: string; markedDate: string } | null;
  conferences?: ConferenceView[];
  mayConvene?: boolean;
  createdAt: string;
  updatedAt: string;
}

export function toApplicationView(
  row: ApplicationRow,
  deadlines: Deadlines,
  extra: {
    events?: EventRow[]; attachments?: AttachmentRow[]; allowedEvents?: string[]; consultations?: unknown[]; documents?: DocumentView[];
    unissuedNotices?: UnissuedNoticeView[]; full: boolean; reply?: ReplyRecordView | null;
    contacts?: ContactRow[]; dataFiles?: DataFileRow[];
    /** Working days from receipt to conclusion (the calendar's count), when known. */
    workingDaysTaken?: number | null;
  },
): ApplicationView {
  const { consultations: clockConsultations, overdue, dueSoon, ...rest } = deadlines;
  return {
    id: row.id,
    caseNumber: row.caseNumber,
    agency: { code: row.agencyCode, name: row.agencyName },
    state: row.state,
    stateLabel: stateLabel(row.state),
    version: row.version,
    receivedDate: row.receivedDate,
    channel: row.channel,
    applicant: extra.full ? row.applicant : maskApplicant(row.applicant),
    request: row.request,
    decision: row.decision,
    decisionLabel: row.decision && isDecisionCode(row.decision) ? decisionLabel(row.decision) : null,
    deadlines: rest,
    overdue,
    dueSoon,
    consultations: extra.consultations ?? clockConsultations,
    attachments: (extra.attachments ?? []).map((a) => ({
      id: a.id, filename: a.filename, mime: a.mime, size: a.size, sha256: a.sha256, origin: a.origin, createdAt: a.createdAt,
    })),
    history: (extra.events ?? []).map((e) => ({
      seq: e.seq,
      type: e.type,
      date: e.date,
      payload: e.payload,
      actor: { id: e.actorId, name: e.actorName, role: e.actorRole },
      recordedAt: e.recordedAt,
    })),
    allowedEvents: extra.allowedEvents ?? [],
    documents: extra.documents ?? [],
    progress: caseProgress(row.state, extra.events ?? []),
    concluded: row.state === 'closed' && row.concludedDate
      ? { date: row.concludedDate, how: closingOf(extra.events ?? []), workingDays: extra.workingDaysTaken ?? null }
      : null,
    unissuedNotices: extra.unissuedNotices ?? [],
    reply: extra.reply ?? null,
    contacts: extra.contacts ?? [],
    dataFiles: extra.dataFiles ?? [],
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
