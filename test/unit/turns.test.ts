import assert from 'node:assert/strict';
import { WorkCalendar } from '../../workflows/calendar.js';
import {
  applicationTurn, appealTurn, countdown, returnedFromReview, sortQueue, turnStates, type ApplicationTurnInput, type QueueItem,
} from '../../workflows/turns.js';

// Issue 13: whose turn it is, from the events a person may send now and the case's notices.
const turn = (t: Partial<ApplicationTurnInput>) =>
  applicationTurn({ role: 'caseworker', open: true, allowedEvents: [], unissuedNotices: [], noticesAwaitingDelivery: [], returnedFromReview: false, ...t });

describe('whose turn it is (issue 13)', () => {
  it('events a caseworker may send in almost every state do not make a case theirs', () => {
    assert.equal(turn({ allowedEvents: ['REQUEST_EXTENSION', 'WITHDRAW'] }), null, 'a case in review');
    assert.equal(turn({ allowedEvents: ['CORRECTION_RECEIVED', 'WITHDRAW'] }), null, 'waiting for the applicant’s correction');
    assert.equal(turn({ allowedEvents: ['RECORD_OPINION', 'RECORD_PAYMENT'] }), null, 'recording what another party did');
  });

  it('the caseworker: handling, drafted, returned, issued awaiting delivery', () => {
    assert.equal(turn({ allowedEvents: ['START_CONSULTATION', 'DRAFT_REPLY', 'WITHDRAW'] })?.step, 'handle');
    assert.equal(turn({ allowedEvents: ['DRAFT_REPLY', 'SUBMIT_FOR_REVIEW', 'WITHDRAW'] })?.step, 'submit_for_review');
    assert.equal(turn({ allowedEvents: ['DRAFT_REPLY', 'SUBMIT_FOR_REVIEW'], returnedFromReview: true })?.step, 'revise');
    assert.equal(turn({ allowedEvents: ['RECORD_DELIVERY'] })?.step, 'record_delivery');
  });

  it('notices come before handling; the lapses and the reply’s delivery, which end the case, before notices', () => {
    const notice = { documentId: 7, title: '收费通知书' };
    assert.deepEqual(turn({ allowedEvents: ['DRAFT_REPLY'], unissuedNotices: [notice] }), { step: 'issue_notice', action: 'ISSUE_DOCUMENT', document: { id: 7, title: '收费通知书' } });
    assert.deepEqual(turn({ allowedEvents: ['DRAFT_REPLY'], noticesAwaitingDelivery: [notice] }), { step: 'record_notice_delivery', action: 'RECORD_DOCUMENT_DELIVERY', document: { id: 7, title: '收费通知书' } });
    assert.equal(turn({ allowedEvents: [], noticesAwaitingDelivery: [notice] })?.step, 'record_notice_delivery', 'in any open state');
    assert.equal(turn({ allowedEvents: ['FEE_LAPSED', 'DRAFT_REPLY'], unissuedNotices: [notice] })?.step, 'fee_lapsed');
    assert.equal(turn({ allowedEvents: ['CORRECTION_LAPSED', 'CORRECTION_RECEIVED'] })?.step, 'correction_lapsed');
    assert.equal(turn({ open: false, allowedEvents: ['DRAFT_REPLY'], unissuedNotices: [notice] }), null, 'a closed case asks nothing of the caseworker');
  });

  it('the reviewer reviews; the approver signs and decides extensions, not transfers', () => {
    assert.equal(turn({ role: 'reviewer', allowedEvents: ['APPROVE_REVIEW', 'RETURN_FOR_REVISION'] })?.step, 'review');
    assert.equal(turn({ role: 'approver', allowedEvents: ['ISSUE_REPLY'] })?.step, 'sign');
    assert.equal(turn({ role: 'approver', allowedEvents: ['APPROVE_EXTENSION', 'REJECT_EXTENSION', 'ISSUE_REPLY'] })?.step, 'approve_extension');
    assert.equal(turn({ role: 'approver', allowedEvents: ['TRANSFER', 'SET_LATER_DATE'] }), null);
    assert.equal(turn({ role: 'approver', allowedEvents: ['ISSUE_REPLY'], unissuedNotices: [{ documentId: 1, title: 'x' }] })?.step, 'sign', 'notices are the caseworker’s');
    assert.equal(turn({ role: 'legal', allowedEvents: ['REOPEN'] }), null);
    assert.equal(turn({ role: 'manager', allowedEvents: ['DRAFT_REPLY'] }), null);
  });

  it('the states a role can have a turn in are read from the machine', () => {
    assert.deepEqual(turnStates('reviewer'), ['in_review']);
    assert.deepEqual(turnStates('approver'), ['processing', 'drafted', 'in_review', 'approved']);
    assert.ok(turnStates('caseworker').includes('issued') && !turnStates('caseworker').includes('closed'));
    assert.deepEqual(turnStates('legal'), []);
    assert.deepEqual(turnStates('manager'), []);
  });

  it('returned from review until redrafted or resubmitted; appeals by their machine’s events', () => {
    assert.equal(returnedFromReview([{ type: 'DRAFT_REPLY' }, { type: 'SUBMIT_FOR_REVIEW' }, { type: 'RETURN_FOR_REVISION' }, { type: 'NOTICE_ISSUED' }]), true);
    assert.equal(returnedFromReview([{ type: 'RETURN_FOR_REVISION' }, { type: 'DRAFT_REPLY' }]), false);
    assert.deepEqual(appealTurn(['DRAFT_ANSWER', 'SUBMIT_ANSWER', 'WITHDRAWN']), { step: 'appeal_answer', due: 'answer' });
    assert.deepEqual(appealTurn(['RECORD_HEARING', 'RECORD_DECISION']), { step: 'appeal_decision', due: 'decision' });
    assert.deepEqual(appealTurn(['CLOSE']), { step: 'appeal_close', due: 'appeal_window' });
    assert.equal(appealTurn(['EXTEND_DECISION']), null);
  });

  it('working days left as the reply clock counts them; most urgent first', () => {
    const calendar = new WorkCalendar([]);
    // November 2026: weekdays only. Fri 20 Nov → Mon 30 Nov is 6 working days; Mon 16 Nov, 4 days late.
    assert.deepEqual(countdown(calendar, '2026-11-20', '2026-11-30'), { workingDaysLeft: 6, overdue: false, dueSoon: false });
    assert.deepEqual(countdown(calendar, '2026-11-20', '2026-11-16'), { workingDaysLeft: -4, overdue: true, dueSoon: false });
    assert.deepEqual(countdown(calendar, '2026-11-20', '2026-11-24'), { workingDaysLeft: 2, overdue: false, dueSoon: true });
    assert.deepEqual(countdown(calendar, '2026-11-20', null), { workingDaysLeft: null, overdue: false, dueSoon: false });
    const item = (caseNumber: string, workingDaysLeft: number | null, dueDate: string | null, step: QueueItem['step'] = 'handle') =>
      ({ caseNumber, workingDaysLeft, overdue: (workingDaysLeft ?? 0) < 0, dueDate, step, id: 1 }) as QueueItem;
    const items = [item('C', 6, '2026-11-30'), item('N', null, null), item('A', -1, '2026-11-19', 'revise'), item('B', 2, '2026-11-24'), item('D', -4, '2026-11-16')];
    assert.deepEqual(sortQueue(items).map((i) => i.caseNumber), ['D', 'A', 'B', 'C', 'N']);
    assert.deepEqual(sortQueue(items, 'case', 'desc').map((i) => i.caseNumber), ['N', 'D', 'C', 'B', 'A']);
    assert.deepEqual(sortQueue(items, 'step').map((i) => i.caseNumber), ['D', 'B', 'C', 'N', 'A'], 'by step, then by urgency');
  });
});
