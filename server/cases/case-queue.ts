// Issue 13: the applications whose next step is this person's (their queue), with the date by which
// they must take it. A bounded number of queries whatever the number of cases: the candidates, their
// histories and their drafted documents are each loaded at once, then judged in memory by the
// machine (allowedEvents), the clock (deadlines) and the turn rules (workflows/turns.ts).
import { allowedEvents } from '../../workflows/application.machine.js';
import type { WorkCalendar } from '../../workflows/calendar.js';
import type { NoticeDeadline } from '../../workflows/clock.js';
import {
  applicationTurn, countdown, QUEUE_DUE_LABELS, QUEUE_STEPS, returnedFromReview, turnStates, type QueueDueKind, type QueueItem,
} from '../../workflows/turns.js';
import type { User } from '../admin/user-store.js';
import type { AppContext } from '../context.js';
import { visibleAgencyIds } from '../policy.js';
import { DOCUMENT_KIND_LABELS, type DocumentKind } from '../documents/document-templates.js';
import { unissuedNotices, unsignedReplies, type UnissuedNotice } from '../documents/delivery-store.js';
import { CLOSED_STATES, findRowsInStates, listEventsFor, type ApplicationRow } from './application-store.js';
import { allowedEventsFor, deadlinesFor, factsFrom, restoreForReading } from './case-clock.js';

/** The notice each period runs from (§2.8), to name a notice whose receipt is still to be recorded. */
const NOTICE_OF_PERIOD: Record<NoticeDeadline['period'], DocumentKind> = {
  correction: 'correction_notice',
  opinion: 'consultation_letter',
  payment: 'fee_notice',
  reasons: 'reasons_request',
};

export async function applicationQueue(ctx: AppContext, user: User, calendar: WorkCalendar): Promise<QueueItem[]> {
  // Roles with no turn on applications (legal staff, managers) have none in their queue.
  if (turnStates(user.role).length === 0) return [];
  const today = ctx.clock.today();
  const agencyIds = await visibleAgencyIds(ctx, user);
  // The head of the office signs the replies that closed a case (a lapse, a transfer) and corrections
  // of issued replies through the document itself: those cases are candidates whatever their state.
  const unsigned = user.role === 'approver' ? await unsignedReplies(ctx.db, agencyIds, CLOSED_STATES) : [];
  const rows = await findRowsInStates(ctx.db, agencyIds, turnStates(user.role), unsigned.map((u) => u.applicationId));
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [histories, drafts] = await Promise.all([
    listEventsFor(ctx.db, ids),
    user.role === 'caseworker' ? unissuedNotices(ctx.db, ids) : Promise.resolve(new Map<number, UnissuedNotice[]>()),
  ]);
  const items: QueueItem[] = [];
  for (const row of rows) {
    const events = histories.get(row.id) ?? [];
    const deadlines = deadlinesFor(row, events, calendar, today);
    const open = !CLOSED_STATES.includes(row.state);
    // REOPEN only ever comes from an appeal decision, never from a queue.
    const allowed = open ? allowedEventsFor(restoreForReading(row), { id: user.id, role: user.role }, factsFrom(deadlines), today).filter((t) => t !== 'REOPEN') : [];
    const notices = drafts.get(row.id) ?? [];
    const turn = applicationTurn({
      role: user.role,
      open,
      allowedEvents: allowed,
      unissuedNotices: notices,
      noticesAwaitingDelivery: deadlines.notices
        .filter((n) => n.open && n.status === 'awaiting_delivery' && n.documentId !== null)
        .map((n) => ({ documentId: n.documentId!, title: DOCUMENT_KIND_LABELS[NOTICE_OF_PERIOD[n.period]] })),
      returnedFromReview: returnedFromReview(events),
    });
    if (turn) {
      // Art. 30: the correction notice goes out within 7 working days of receipt; a lapse is due when
      // the applicant's period ended; everything else before the reply is due.
      const correctionNotice = turn.step === 'issue_notice' && notices[0]?.kind === 'correction_notice';
      const [due, kind]: [string | null, QueueDueKind] = correctionNotice ? [deadlines.correctionNoticeDue, 'correction_notice']
        : turn.step === 'correction_lapsed' ? [deadlines.correctionDue, 'correction']
        : turn.step === 'fee_lapsed' ? [deadlines.feePaymentDue, 'payment']
        : [deadlines.replyDue, 'reply'];
      items.push(itemOf(row, turn.step, due, kind, [...(turn.action ? [turn.action] : []), ...allowed], calendar, today, deadlines.provisional, turn.document));
      continue;
    }
    const reply = unsigned.find((u) => u.applicationId === row.id);
    if (reply) {
      // The reply that closed the case should have left the day it closed.
      const [due, kind]: [string | null, QueueDueKind] = open ? [deadlines.replyDue, 'reply'] : [row.concludedDate, 'closing'];
      items.push(itemOf(row, 'sign', due, kind, ['ISSUE_DOCUMENT', ...allowed], calendar, today, open && deadlines.provisional, { id: reply.documentId, title: reply.title }));
    }
  }
  return items;
}

function itemOf(
  row: ApplicationRow, step: QueueItem['step'], due: string | null, dueKind: QueueDueKind, allowed: string[],
  calendar: WorkCalendar, today: string, provisional: boolean, document?: { id: number; title: string },
): QueueItem {
  return {
    kind: 'application',
    id: row.id,
    caseNumber: row.caseNumber,
    step,
    stepLabel: QUEUE_STEPS[step],
    dueDate: due,
    dueLabel: due ? QUEUE_DUE_LABELS[dueKind] : null,
    ...countdown(calendar, today, due),
    provisional,
    allowedEvents: allowed,
    agency: { code: row.agencyCode, name: row.agencyName },
    summary: row.request.description,
    applicantName: row.applicant.name,
    ...(document ? { document } : {}),
    url: `/api/applications/${row.id}`,
    page: `/applications/${row.id}`,
  };
}
