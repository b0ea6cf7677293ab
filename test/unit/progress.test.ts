import assert from 'node:assert/strict';
import { caseProgress, closingOf } from '../../workflows/progress.js';

const h = (...types: string[]) => types.map((type) => ({ type }));
const statuses = (state: string, history: { type: string }[]) =>
  Object.fromEntries(caseProgress(state, history).map((s) => [s.key, s.status]));

describe('the case stepper tells only what happened', () => {
  it('a reply drafted, reviewed, signed and delivered has every step done but correction (none needed)', () => {
    const s = statuses('closed', h('REGISTER', 'DRAFT_REPLY', 'SUBMIT_FOR_REVIEW', 'APPROVE_REVIEW', 'ISSUE_REPLY', 'RECORD_DELIVERY'));
    assert.deepEqual(s, { register: 'done', correction: 'skipped', handling: 'done', draft: 'done', review: 'done', signoff: 'done', delivery: 'done', closed: 'done' });
    assert.equal(caseProgress('closed', h('REGISTER', 'DRAFT_REPLY')).find((x) => x.key === 'correction')!.note, '无需补正');
  });

  it('a withdrawn case did not pass review, sign-off or delivery', () => {
    const steps = caseProgress('closed', h('REGISTER', 'WITHDRAW'));
    const s = Object.fromEntries(steps.map((x) => [x.key, x.status]));
    assert.equal(s.review, 'skipped');
    assert.equal(s.signoff, 'skipped');
    assert.equal(s.delivery, 'skipped');
    assert.equal(s.closed, 'done');
    assert.equal(steps.find((x) => x.key === 'signoff')!.note, '未经（申请人撤回）');
    assert.equal(closingOf(h('REGISTER', 'WITHDRAW')), '申请人撤回');
  });

  it('a transferred case was handled (the transfer) but never drafted, reviewed or signed here', () => {
    const s = statuses('closed', h('REGISTER', 'TRANSFER'));
    assert.equal(s.handling, 'done');
    assert.equal(s.draft, 'skipped');
    assert.equal(s.review, 'skipped');
    assert.equal(s.signoff, 'skipped');
  });

  it('a reply on the spot is signed and delivered, without a separate draft or review', () => {
    const steps = caseProgress('closed', h('REGISTER', 'REPLY_ON_THE_SPOT'));
    const s = Object.fromEntries(steps.map((x) => [x.key, x.status]));
    assert.equal(s.signoff, 'done');
    assert.equal(s.delivery, 'done');
    assert.equal(s.draft, 'skipped');
    assert.equal(steps.find((x) => x.key === 'review')!.note, '当场答复');
  });

  it('an open case shows where it stands and what lies ahead', () => {
    assert.deepEqual(statuses('in_review', h('REGISTER', 'REQUEST_CORRECTION', 'CORRECTION_RECEIVED', 'DRAFT_REPLY', 'SUBMIT_FOR_REVIEW')), {
      register: 'done', correction: 'done', handling: 'done', draft: 'done', review: 'current', signoff: 'todo', delivery: 'todo', closed: 'todo',
    });
    assert.equal(statuses('awaiting_correction', h('REGISTER', 'REQUEST_CORRECTION')).correction, 'current');
  });

  it('a correction that lapsed says so, and the case closed without a reply', () => {
    const steps = caseProgress('closed', h('REGISTER', 'REQUEST_CORRECTION', 'CORRECTION_LAPSED'));
    assert.equal(steps.find((x) => x.key === 'correction')!.note, '逾期未补正');
    assert.equal(steps.find((x) => x.key === 'signoff')!.status, 'skipped');
  });

  it('after a reopening only the new round counts: the old review does not mark the new one done', () => {
    const s = statuses('processing', h('REGISTER', 'DRAFT_REPLY', 'SUBMIT_FOR_REVIEW', 'APPROVE_REVIEW', 'ISSUE_REPLY', 'RECORD_DELIVERY', 'REOPEN'));
    assert.equal(s.handling, 'current');
    assert.equal(s.review, 'todo');
    assert.equal(s.signoff, 'todo');
  });

  it('a reply returned before signing is reviewed again: the review step is no longer done (issue 13)', () => {
    const toCaseworker = statuses('drafted', h('REGISTER', 'DRAFT_REPLY', 'SUBMIT_FOR_REVIEW', 'APPROVE_REVIEW', 'RETURN_FROM_SIGNOFF'));
    assert.equal(toCaseworker.draft, 'current');
    assert.equal(toCaseworker.review, 'todo');
    const toReviewer = statuses('in_review', h('REGISTER', 'DRAFT_REPLY', 'SUBMIT_FOR_REVIEW', 'APPROVE_REVIEW', 'RETURN_FROM_SIGNOFF'));
    assert.equal(toReviewer.review, 'current');
    const reviewedAgain = statuses('approved', h('REGISTER', 'DRAFT_REPLY', 'SUBMIT_FOR_REVIEW', 'APPROVE_REVIEW', 'RETURN_FROM_SIGNOFF', 'APPROVE_REVIEW'));
    assert.equal(reviewedAgain.review, 'done');
    assert.equal(reviewedAgain.signoff, 'current');
  });
});
