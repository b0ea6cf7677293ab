import assert from 'node:assert/strict';
import { createActor, type Snapshot } from 'xstate';
import {
  allowedEvents,
  APPLICATION_EVENT_TYPES,
  applicationMachine,
  APPLICATION_MACHINE_VERSION,
  contextOf,
  EVENT_ROLES,
  initialApplicationSnapshot,
  judgeEvent,
  migrateSnapshot,
  stateOf,
  type Actor,
  type ApplicationEvent,
  type Facts,
  type PersistedApplicationSnapshot,
} from '../../workflows/application.machine.js';
import { V0_FIXTURE, V1_FIXTURE, V2_FIXTURE } from '../../workflows/application-migrations.js';
import { DECISIONS } from '../../workflows/decisions.js';
import { replyFacts } from '../helpers/replies.js';

// People: the drafter (1) may hold any role; review and signing must be done by others (一事一审).
const CASEWORKER: Actor = { id: 1, role: 'caseworker' };
const OTHER_CASEWORKER: Actor = { id: 2, role: 'caseworker' };
const REVIEWER: Actor = { id: 3, role: 'reviewer' };
const APPROVER: Actor = { id: 4, role: 'approver' };
const LEGAL: Actor = { id: 5, role: 'legal' };

/** Facts as the server computes them: reply due 2024-09-30 (received 2024-09-02). */
function facts(overrides: Partial<Facts> = {}): Facts {
  return { replyDue: '2024-09-30', correctionDue: null, feePaymentDue: null, consultationOpinionDue: {}, ...overrides };
}
/** The envelope every event carries. */
function by(actor: Actor, date = '2024-09-05', f: Facts = facts()) {
  return { actor, date, facts: f };
}

function accept(snapshot: PersistedApplicationSnapshot, event: ApplicationEvent): PersistedApplicationSnapshot {
  const judgement = judgeEvent(snapshot, event);
  if (!judgement.ok) assert.fail(`${event.type} refused: ${judgement.status} ${judgement.message}`);
  return judgement.snapshot;
}
function run(snapshot: PersistedApplicationSnapshot, ...events: ApplicationEvent[]): PersistedApplicationSnapshot {
  return events.reduce(accept, snapshot);
}
/** Asserts a refusal with `status`, that nothing changed, and that the machine itself agrees. */
function refuse(snapshot: PersistedApplicationSnapshot, event: ApplicationEvent, status: 409 | 403 | 422) {
  const before = JSON.stringify(snapshot);
  const judgement = judgeEvent(snapshot, event);
  if (judgement.ok) assert.fail(`${event.type} was accepted, expected ${status}`);
  assert.equal(judgement.status, status, judgement.message);
  assert.equal(judgement.code, { 409: 'not_allowed', 403: 'forbidden', 422: 'invalid' }[status]);
  assert.equal(JSON.stringify(snapshot), before, 'the persisted snapshot was mutated');
  const actor = createActor(applicationMachine, { snapshot: snapshot as unknown as Snapshot<unknown> }).start();
  const live = actor.getSnapshot();
  assert.equal(live.can(event), false, 'machine guard accepts what the judge refused');
  actor.send(event);
  assert.equal(actor.getSnapshot(), live, 'a refused event changed the live snapshot');
  actor.stop();
  return judgement;
}

/** Issue 12: a 予以公开 reply says what is provided and how (Art. 36(二)). */
const DISCLOSED = { disclosure: { mode: 'provided' as const, items: [{ title: '规划批复文件', pages: null }], delivery: 'paper' as const } };
const registered = () => initialApplicationSnapshot();
const drafted = (decision: 'disclose' | 'unavailable.not_held' = 'disclose') =>
  accept(registered(), { type: 'DRAFT_REPLY', decision, ...replyFacts(decision), ...by(CASEWORKER) } as ApplicationEvent);
const inReview = () => accept(drafted(), { type: 'SUBMIT_FOR_REVIEW', ...by(CASEWORKER) });
const approved = () => accept(inReview(), { type: 'APPROVE_REVIEW', ...by(REVIEWER, '2024-09-06') });
const issued = () => accept(approved(), { type: 'ISSUE_REPLY', ...by(APPROVER, '2024-09-09') });
const awaitingCorrection = () =>
  accept(registered(), { type: 'REQUEST_CORRECTION', items: ['请写明所需信息的名称或文号'], periodWorkingDays: 10, ...by(CASEWORKER, '2024-09-03') });

describe('application machine', () => {
  describe('registration', () => {
    it('a registered application is being processed with an empty context', () => {
      const s = registered();
      assert.equal(stateOf(s), 'processing');
      assert.equal(s.status, 'active');
      assert.deepEqual(contextOf(s).consultations, []);
      assert.deepEqual(contextOf(s).review, { returns: [], approvedBy: null, approvedDate: null, checklist: null, opinion: null });
      assert.deepEqual(contextOf(s).signoffReturns, []);
      assert.equal(contextOf(s).decision, null);
    });
  });

  describe('correction (Art. 30)', () => {
    it('a correction notice waits for the corrected application and records items and period', () => {
      const s = awaitingCorrection();
      assert.equal(stateOf(s), 'awaiting_correction');
      assert.deepEqual(contextOf(s).correction, {
        requestedDate: '2024-09-03',
        items: ['请写明所需信息的名称或文号'],
        periodWorkingDays: 10,
        receivedDate: null,
      });
    });

    it('a correction notice must list at least one non-empty item', () => {
      refuse(registered(), { type: 'REQUEST_CORRECTION', items: [], periodWorkingDays: 10, ...by(CASEWORKER) }, 422);
      refuse(registered(), { type: 'REQUEST_CORRECTION', items: ['  '], periodWorkingDays: 10, ...by(CASEWORKER) }, 422);
    });

    it('the correction period is 1 to 30 working days', () => {
      for (const periodWorkingDays of [0, 31, 2.5]) {
        refuse(registered(), { type: 'REQUEST_CORRECTION', items: ['补充身份证明'], periodWorkingDays, ...by(CASEWORKER) }, 422);
      }
      for (const periodWorkingDays of [1, 30]) {
        accept(registered(), { type: 'REQUEST_CORRECTION', items: ['补充身份证明'], periodWorkingDays, ...by(CASEWORKER) });
      }
    });

    it('the corrected application returns the case to processing', () => {
      const s = accept(awaitingCorrection(), { type: 'CORRECTION_RECEIVED', ...by(CASEWORKER, '2024-09-10') });
      assert.equal(stateOf(s), 'processing');
      assert.equal(contextOf(s).correction?.receivedDate, '2024-09-10');
    });

    it('a correction cannot be received before the notice was sent', () => {
      refuse(awaitingCorrection(), { type: 'CORRECTION_RECEIVED', ...by(CASEWORKER, '2024-09-02') }, 422);
    });

    it('only one correction notice per application, even after the first was answered', () => {
      const s = accept(awaitingCorrection(), { type: 'CORRECTION_RECEIVED', ...by(CASEWORKER, '2024-09-10') });
      const j = refuse(s, { type: 'REQUEST_CORRECTION', items: ['再次补正'], periodWorkingDays: 5, ...by(CASEWORKER, '2024-09-11') }, 409);
      assert.match(j.message, /第三十条/);
    });

    it('a correction is deemed abandoned only after correctionDue', () => {
      const due = facts({ correctionDue: '2024-09-20' });
      refuse(awaitingCorrection(), { type: 'CORRECTION_LAPSED', ...by(CASEWORKER, '2024-09-20', due) }, 422);
      refuse(awaitingCorrection(), { type: 'CORRECTION_LAPSED', ...by(CASEWORKER, '2024-09-23', facts()) }, 422);
      const s = accept(awaitingCorrection(), { type: 'CORRECTION_LAPSED', ...by(CASEWORKER, '2024-09-23', due) });
      assert.equal(stateOf(s), 'closed');
      assert.equal(s.status, 'active'); // closed is not final: it may be reopened (REOPEN)
      assert.equal(contextOf(s).decision, 'other.correction_lapsed');
      assert.equal(contextOf(s).closedReason, 'correction_lapsed');
      assert.equal(contextOf(s).closedDate, '2024-09-23');
    });

    it('a correction notice is only sent while processing', () => {
      refuse(drafted(), { type: 'REQUEST_CORRECTION', items: ['补充'], periodWorkingDays: 5, ...by(CASEWORKER) }, 409);
    });

    it('while awaiting correction the case cannot be drafted', () => {
      refuse(awaitingCorrection(), { type: 'DRAFT_REPLY', decision: 'disclose', ...by(CASEWORKER) }, 409);
    });
  });

  describe('roles', () => {
    it('admin, manager and legal may not handle applications; legal only reopens them', () => {
      for (const role of ['admin', 'manager', 'legal'] as const) {
        refuse(registered(), { type: 'WITHDRAW', ...by({ id: 9, role }) }, 403);
        refuse(registered(), { type: 'DRAFT_REPLY', decision: 'disclose', ...by({ id: 9, role }) }, 403);
      }
      for (const [type, roles] of Object.entries(EVENT_ROLES)) {
        if (type === 'REOPEN') assert.deepEqual(roles, ['legal', 'exchange'], 'legal staff, or the reconsideration body\'s system recording a decision (issue 14)');
        else if (type === 'RECORD_OPINION') assert.deepEqual(roles, ['caseworker', 'system'], 'the platform records deemed consent');
        else if (type === 'WITHDRAW') assert.deepEqual(roles, ['caseworker', 'system'], 'the platform records a withdrawal the applicant made online (issue 16)');
        else if (type === 'RECORD_DELIVERY') assert.deepEqual(roles, ['caseworker', 'system'], 'the platform records the reply received when the applicant downloads it (issue 16)');
        else assert.ok(roles.length > 0 && roles.every((r) => r === 'caseworker' || r === 'reviewer' || r === 'approver'), `${type}: ${roles.join(', ')}`);
      }
    });

    it('each event is sent by its own role', () => {
      refuse(registered(), { type: 'REQUEST_CORRECTION', items: ['补充'], periodWorkingDays: 5, ...by(REVIEWER) }, 403);
      refuse(inReview(), { type: 'APPROVE_REVIEW', ...by(APPROVER) }, 403);
      refuse(approved(), { type: 'ISSUE_REPLY', ...by(REVIEWER) }, 403);
    });

    it('an unknown role is forbidden', () => {
      refuse(registered(), { type: 'WITHDRAW', ...by({ id: 9, role: 'applicant' as never }) }, 403);
    });
  });

  describe('consultation (Arts. 32, 34)', () => {
    const consulting = () =>
      run(
        registered(),
        { type: 'START_CONSULTATION', consultationId: 'c1', kind: 'third_party', party: '某某科技有限公司', ...by(CASEWORKER, '2024-09-04') },
        { type: 'START_CONSULTATION', consultationId: 'c2', kind: 'agency', party: '市规划资源局', agencyCode: 'SH-GH', ...by(CASEWORKER, '2024-09-04') },
      );

    it('several consultations may be open at once', () => {
      const c = contextOf(consulting()).consultations;
      assert.equal(c.length, 2);
      assert.deepEqual(c[1], {
        id: 'c2',
        kind: 'agency',
        party: '市规划资源局',
        agencyCode: 'SH-GH',
        sentDate: '2024-09-04',
        repliedDate: null,
        opinion: null,
        reasons: null,
      });
      assert.equal(stateOf(consulting()), 'processing');
    });

    it('a consultation needs a new id, a known kind and a party', () => {
      refuse(consulting(), { type: 'START_CONSULTATION', consultationId: 'c1', kind: 'agency', party: '市财政局', ...by(CASEWORKER) }, 422);
      refuse(registered(), { type: 'START_CONSULTATION', consultationId: 'c9', kind: 'court' as never, party: '某法院', ...by(CASEWORKER) }, 422);
      refuse(registered(), { type: 'START_CONSULTATION', consultationId: 'c9', kind: 'third_party', party: ' ', ...by(CASEWORKER) }, 422);
    });

    it('consultations are started only while processing', () => {
      refuse(drafted(), { type: 'START_CONSULTATION', consultationId: 'c1', kind: 'third_party', party: '张某', ...by(CASEWORKER) }, 409);
    });

    it('an agency silent past its 15 working days is recorded by the platform as consenting (Art. 34)', () => {
      const SYSTEM: Actor = { id: 99, role: 'system' };
      const due = facts({ consultationOpinionDue: { c1: '2024-09-25', c2: '2024-09-25' } });
      const deemed = (consultationId: string, actor: Actor, date: string) =>
        ({ type: 'RECORD_OPINION', consultationId, opinion: 'deemed_consent', ...by(actor, date, due) }) as ApplicationEvent;
      refuse(consulting(), deemed('c2', SYSTEM, '2024-09-25'), 422); // the period's last day is still the agency's
      refuse(consulting(), deemed('c2', CASEWORKER, '2024-09-26'), 422); // no one clicks it
      refuse(consulting(), deemed('c1', SYSTEM, '2024-09-26'), 422); // a silent third party does not consent
      refuse(consulting(), { type: 'RECORD_OPINION', consultationId: 'c2', opinion: 'consent', ...by(SYSTEM, '2024-09-26', due) }, 422);
      const s = accept(consulting(), deemed('c2', SYSTEM, '2024-09-26'));
      assert.equal(contextOf(s).consultations[1]?.opinion, 'deemed_consent');
      assert.equal(contextOf(s).consultations[1]?.repliedDate, '2024-09-26');
      // Besides, only the withdrawal an applicant makes on the tracking page (issue 16).
      assert.deepEqual(allowedEvents(consulting(), SYSTEM, due, '2024-09-26'), ['RECORD_OPINION', 'WITHDRAW'], 'the platform does nothing else');
    });

    it('recording an opinion closes that consultation only', () => {
      const s = accept(consulting(), { type: 'RECORD_OPINION', consultationId: 'c2', opinion: 'consent', ...by(CASEWORKER, '2024-09-12') });
      const [c1, c2] = contextOf(s).consultations;
      assert.equal(c1?.repliedDate, null);
      assert.equal(c2?.repliedDate, '2024-09-12');
      assert.equal(c2?.opinion, 'consent');
    });

    it('a third party objecting must give reasons', () => {
      refuse(consulting(), { type: 'RECORD_OPINION', consultationId: 'c1', opinion: 'object', ...by(CASEWORKER) }, 422);
      const s = accept(consulting(), { type: 'RECORD_OPINION', consultationId: 'c1', opinion: 'object', reasons: '涉及商业秘密', ...by(CASEWORKER) });
      assert.equal(contextOf(s).consultations[0]?.reasons, '涉及商业秘密');
    });

    it('an opinion must be consent, object or none', () => {
      refuse(consulting(), { type: 'RECORD_OPINION', consultationId: 'c1', opinion: 'maybe' as never, ...by(CASEWORKER) }, 422);
    });

    it('an opinion needs an open consultation of that id', () => {
      refuse(registered(), { type: 'RECORD_OPINION', consultationId: 'c1', opinion: 'none', ...by(CASEWORKER) }, 409);
      refuse(consulting(), { type: 'RECORD_OPINION', consultationId: 'nope', opinion: 'none', ...by(CASEWORKER) }, 422);
      const s = accept(consulting(), { type: 'RECORD_OPINION', consultationId: 'c1', opinion: 'none', ...by(CASEWORKER) });
      refuse(s, { type: 'RECORD_OPINION', consultationId: 'c1', opinion: 'consent', ...by(CASEWORKER) }, 422);
    });

    it('an opinion cannot arrive before the consultation was sent', () => {
      refuse(consulting(), { type: 'RECORD_OPINION', consultationId: 'c1', opinion: 'none', ...by(CASEWORKER, '2024-09-03') }, 422);
    });

    it('an opinion may still be recorded once the reply is in review', () => {
      const s = run(
        consulting(),
        { type: 'DRAFT_REPLY', decision: 'disclose', ...DISCLOSED, ...by(CASEWORKER) },
        { type: 'SUBMIT_FOR_REVIEW', ...by(CASEWORKER) },
        { type: 'RECORD_OPINION', consultationId: 'c1', opinion: 'consent', ...by(CASEWORKER, '2024-09-13') },
      );
      assert.equal(stateOf(s), 'in_review');
      assert.equal(contextOf(s).consultations[0]?.opinion, 'consent');
    });
  });

  describe('extension (Art. 33)', () => {
    const requestOn = (date: string, workingDays = 10): ApplicationEvent => ({
      type: 'REQUEST_EXTENSION',
      workingDays,
      reason: '需调取档案',
      ...by(CASEWORKER, date),
    });
    const requested = () => accept(registered(), requestOn('2024-09-20'));

    it('an extension may be requested up to and including replyDue', () => {
      const s = accept(registered(), requestOn('2024-09-30'));
      assert.deepEqual(contextOf(s).extension, {
        requestedDate: '2024-09-30',
        round: 0,
        workingDays: 10,
        reason: '需调取档案',
        status: 'requested',
        decidedDate: null,
        rejectReason: null,
      });
    });

    it('an extension requested after replyDue is refused, naming the due date', () => {
      const j = refuse(registered(), requestOn('2024-10-08'), 422);
      assert.equal(j.message, '延期申请须在答复期限（2024年9月30日）前提出（第三十三条）');
    });

    it('an extension is 1 to 20 working days', () => {
      for (const days of [0, 21, 1.5]) refuse(registered(), requestOn('2024-09-20', days), 422);
      for (const days of [1, 20]) accept(registered(), requestOn('2024-09-20', days));
    });

    it('an extension needs a reason', () => {
      refuse(registered(), { type: 'REQUEST_EXTENSION', workingDays: 5, reason: '', ...by(CASEWORKER) }, 422);
    });

    it('the head of the disclosure office approves the extension', () => {
      refuse(requested(), { type: 'APPROVE_EXTENSION', ...by(OTHER_CASEWORKER, '2024-09-21') }, 403);
      const s = accept(requested(), { type: 'APPROVE_EXTENSION', ...by(APPROVER, '2024-09-23') });
      assert.equal(contextOf(s).extension?.status, 'approved');
      assert.equal(contextOf(s).extension?.decidedDate, '2024-09-23');
    });

    it('an extension cannot be decided before it was requested', () => {
      refuse(requested(), { type: 'APPROVE_EXTENSION', ...by(APPROVER, '2024-09-19') }, 422);
    });

    it('rejecting an extension needs a reason', () => {
      refuse(requested(), { type: 'REJECT_EXTENSION', reason: ' ', ...by(APPROVER, '2024-09-23') }, 422);
      const s = accept(requested(), { type: 'REJECT_EXTENSION', reason: '理由不充分', ...by(APPROVER, '2024-09-23') });
      assert.equal(contextOf(s).extension?.status, 'rejected');
      assert.equal(contextOf(s).extension?.rejectReason, '理由不充分');
    });

    it('only a requested extension can be decided', () => {
      refuse(registered(), { type: 'APPROVE_EXTENSION', ...by(APPROVER) }, 409);
      const s = accept(requested(), { type: 'APPROVE_EXTENSION', ...by(APPROVER, '2024-09-23') });
      refuse(s, { type: 'REJECT_EXTENSION', reason: '改变主意', ...by(APPROVER, '2024-09-24') }, 409);
    });

    it('at most one extension, whether the first was approved or rejected', () => {
      const approvedOnce = accept(requested(), { type: 'APPROVE_EXTENSION', ...by(APPROVER, '2024-09-23') });
      refuse(approvedOnce, requestOn('2024-09-24'), 409);
      const rejectedOnce = accept(requested(), { type: 'REJECT_EXTENSION', reason: '无必要', ...by(APPROVER, '2024-09-23') });
      refuse(rejectedOnce, requestOn('2024-09-24'), 409);
      refuse(requested(), requestOn('2024-09-24'), 409);
    });

    it('an extension may be requested while the reply is in review', () => {
      const s = accept(inReview(), requestOn('2024-09-25'));
      assert.equal(stateOf(s), 'in_review');
      assert.equal(contextOf(s).extension?.status, 'requested');
    });
  });

  describe('information-processing fee (国办函〔2020〕109号)', () => {
    const notice: ApplicationEvent = { type: 'ISSUE_FEE_NOTICE', basis: 'per_page', pages: 120, amount: 2400, ...by(CASEWORKER, '2024-09-06') };
    const pending = () => accept(registered(), notice);

    it('a fee notice records basis, pages and amount as pending', () => {
      assert.deepEqual(contextOf(pending()).fee, {
        noticeDate: '2024-09-06',
        basis: 'per_page',
        pages: 120,
        amount: 2400,
        status: 'pending',
        paidDate: null,
      });
    });

    it('a fee by volume needs the page count; a fee per application has none', () => {
      refuse(registered(), { type: 'ISSUE_FEE_NOTICE', basis: 'per_page', amount: 2400, ...by(CASEWORKER) }, 422);
      refuse(registered(), { type: 'ISSUE_FEE_NOTICE', basis: 'per_application', pages: 3, amount: 100, ...by(CASEWORKER) }, 422);
      const s = accept(registered(), { type: 'ISSUE_FEE_NOTICE', basis: 'per_application', amount: 100, ...by(CASEWORKER) });
      assert.equal(contextOf(s).fee?.pages, null);
    });

    it('a fee must be a positive amount on a known basis', () => {
      refuse(registered(), { type: 'ISSUE_FEE_NOTICE', basis: 'per_application', amount: 0, ...by(CASEWORKER) }, 422);
      // The applicant's receipt, if it comes with the notice, is not before it nor beyond the horizon (finding 4).
      for (const applicantReceivedDate of ['2024-09-04', '2026-09-06', '0001-01-01', '9999-12-31', '2024-9-6']) {
        refuse(registered(), { type: 'ISSUE_FEE_NOTICE', basis: 'per_application', amount: 100, applicantReceivedDate, ...by(CASEWORKER) }, 422);
      }
      accept(registered(), { type: 'ISSUE_FEE_NOTICE', basis: 'per_application', amount: 100, applicantReceivedDate: '2024-09-09', ...by(CASEWORKER) });
      refuse(registered(), { type: 'ISSUE_FEE_NOTICE', basis: 'both' as never, amount: 100, ...by(CASEWORKER) }, 422);
    });

    it('no second fee notice while one is pending, but after payment', () => {
      refuse(pending(), notice, 409);
      const paid = accept(pending(), { type: 'RECORD_PAYMENT', ...by(CASEWORKER, '2024-09-10') });
      assert.equal(contextOf(paid).fee?.status, 'paid');
      assert.equal(contextOf(paid).fee?.paidDate, '2024-09-10');
      accept(paid, { ...notice, date: '2024-09-11' });
    });

    it('a payment needs a pending fee and cannot precede the notice', () => {
      refuse(registered(), { type: 'RECORD_PAYMENT', ...by(CASEWORKER) }, 409);
      refuse(pending(), { type: 'RECORD_PAYMENT', ...by(CASEWORKER, '2024-09-05') }, 422);
    });

    it('an unpaid fee stops processing only after feePaymentDue', () => {
      const due = facts({ feePaymentDue: '2024-10-11' });
      refuse(pending(), { type: 'FEE_LAPSED', ...by(CASEWORKER, '2024-10-11', due) }, 422);
      const s = accept(pending(), { type: 'FEE_LAPSED', ...by(CASEWORKER, '2024-10-12', due) });
      assert.equal(stateOf(s), 'closed');
      assert.equal(contextOf(s).decision, 'other.fee_unpaid');
      assert.equal(contextOf(s).closedReason, 'fee_unpaid');
      assert.equal(contextOf(s).fee?.status, 'lapsed');
    });

    it('a fee lapse needs a pending fee', () => {
      refuse(registered(), { type: 'FEE_LAPSED', ...by(CASEWORKER, '2024-10-12', facts({ feePaymentDue: '2024-10-11' })) }, 409);
    });

    it('a fee notice is issued only while processing', () => {
      refuse(drafted(), notice, 409);
    });
  });

  describe('drafting the reply', () => {
    it('a draft records the decision, the reasons, the facts and the drafter', () => {
      const s = accept(registered(), {
        type: 'DRAFT_REPLY',
        decision: 'unavailable.not_held',
        reasons: ' 该信息由市住房城乡建设管理委制作并保存。 ',
        responsibleAgency: { name: '市住房城乡建设管理委', contact: '联系电话：021-12345678' },
        ...by(CASEWORKER, '2024-09-12'),
      });
      assert.equal(stateOf(s), 'drafted');
      assert.deepEqual(contextOf(s).draft, {
        decision: 'unavailable.not_held',
        reasons: '该信息由市住房城乡建设管理委制作并保存。',
        disclosed: null,
        withheld: null,
        referTo: null,
        draftedBy: 1,
        draftedDate: '2024-09-12',
        details: { responsibleAgency: { name: '市住房城乡建设管理委', contact: '联系电话：021-12345678' } },
      });
    });

    it('a draft can be replaced while drafted', () => {
      const s = accept(drafted(), { type: 'DRAFT_REPLY', decision: 'withhold.state_secret', reasons: '经定密属于秘密级', ...by(OTHER_CASEWORKER, '2024-09-13') });
      assert.equal(stateOf(s), 'drafted');
      assert.equal(contextOf(s).draft?.decision, 'withhold.state_secret');
      assert.equal(contextOf(s).draft?.draftedBy, 2);
      assert.deepEqual(contextOf(s).draft?.details, {}, 'the earlier decision\'s facts do not carry over');
    });

    it('withholding for a third party names a third-party consultation with a recorded opinion other than consent, and weighs the public interest', () => {
      const tp = { consultationId: 'c1', publicInterest: '不公开不会对公共利益造成重大影响' };
      const withhold: ApplicationEvent = { type: 'DRAFT_REPLY', decision: 'withhold.third_party', reasons: '第三方不同意公开', thirdParty: tp, ...by(CASEWORKER, '2024-09-20') };
      const field = (snapshot: PersistedApplicationSnapshot, event: ApplicationEvent) => refuse(snapshot, event, 422).field;
      assert.equal(field(registered(), withhold), 'thirdParty.consultationId');
      const open = accept(registered(), { type: 'START_CONSULTATION', consultationId: 'c1', kind: 'third_party', party: '张某', ...by(CASEWORKER) });
      assert.match(refuse(open, withhold, 422).message, /须先记录第三方的意见/);
      const agencyOnly = run(
        registered(),
        { type: 'START_CONSULTATION', consultationId: 'a1', kind: 'agency', party: '市公安局', ...by(CASEWORKER) },
        { type: 'RECORD_OPINION', consultationId: 'a1', opinion: 'object', reasons: '涉及侦查', ...by(CASEWORKER, '2024-09-10') },
      );
      refuse(agencyOnly, { ...withhold, thirdParty: { ...tp, consultationId: 'a1' } }, 422);
      const consented = accept(open, { type: 'RECORD_OPINION', consultationId: 'c1', opinion: 'consent', ...by(CASEWORKER, '2024-09-10') });
      assert.match(refuse(consented, withhold, 422).message, /第三方同意公开的，不能以保护第三方合法权益为由不予公开（第十五条）/);
      const answered = accept(open, { type: 'RECORD_OPINION', consultationId: 'c1', opinion: 'object', reasons: '涉及个人隐私', ...by(CASEWORKER, '2024-09-10') });
      assert.equal(field(answered, { ...withhold, thirdParty: { consultationId: 'c1' } } as ApplicationEvent), 'thirdParty.publicInterest');
      assert.equal(field(answered, { ...withhold, thirdParty: undefined }), 'thirdParty.consultationId');
      assert.deepEqual(contextOf(accept(answered, withhold)).draft?.details, { thirdParty: tp });
      const silent = accept(open, { type: 'RECORD_OPINION', consultationId: 'c1', opinion: 'none', ...by(CASEWORKER, '2024-09-10') });
      accept(silent, withhold);
    });

    it('a partial disclosure lists what is provided and, part by part, what is withheld on which ground (Arts. 14–16, 37)', () => {
      const partial = { type: 'DRAFT_REPLY', decision: 'partial', reasons: '部分内容涉及国家秘密', ...by(CASEWORKER) } as const;
      const provided = [{ title: '2023年度预算表', pages: 4 }];
      const withheld = [{ ground: 'withhold.state_secret', part: '附件三', law: null }] as const;
      assert.equal(refuse(registered(), { ...partial, withheld: [...withheld] }, 422).field, 'provided');
      assert.equal(refuse(registered(), { ...partial, provided }, 422).field, 'withheld');
      assert.equal(refuse(registered(), { ...partial, provided, withheld: [{ ground: 'withhold.inquiry' as never, part: '附件三', law: null }] }, 422).field, 'withheld.0.ground');
      assert.equal(refuse(registered(), { ...partial, provided, withheld: [{ ground: 'withhold.law_prohibited', part: '附件三', law: null }] }, 422).field, 'withheld.0.law.name');
      assert.equal(refuse(registered(), { ...partial, provided, withheld: [{ ground: 'withhold.third_party', part: '附件三', law: null }] }, 422).field, 'thirdParty.consultationId');
      const s = accept(registered(), { ...partial, provided, withheld: [...withheld] });
      assert.deepEqual(contextOf(s).draft?.details, { provided, withheld });
    });

    it('every decision that refuses anything needs reasons, naming the field', () => {
      const refusing = DECISIONS.filter((d) => d.code !== 'disclose' && d.code !== 'other.correction_lapsed' && d.code !== 'other.fee_unpaid');
      assert.equal(refusing.length, 18);
      // Facts a case must hold first (a consultation, a correction, a request for reasons) are set up here.
      const prepared = run(
        registered(),
        { type: 'START_CONSULTATION', consultationId: 'c1', kind: 'third_party', party: '张某', ...by(CASEWORKER) },
        { type: 'RECORD_OPINION', consultationId: 'c1', opinion: 'object', reasons: '涉及个人隐私', ...by(CASEWORKER, '2024-09-06') },
        { type: 'REQUEST_REASONS', ...by(CASEWORKER, '2024-09-06') },
        { type: 'REQUEST_CORRECTION', items: ['请写明文件名称'], periodWorkingDays: 10, ...by(CASEWORKER, '2024-09-06') },
        { type: 'CORRECTION_RECEIVED', ...by(CASEWORKER, '2024-09-09') },
      );
      const extra: Record<string, Record<string, unknown>> = {
        'withhold.third_party': { thirdParty: { consultationId: 'c1', publicInterest: '不影响公共利益' } },
        'not_processed.excessive': { excessive: { count: 36, period: { from: '2024-09-01', to: '2024-09-06' }, applicantAnswer: '逾期未答复' } },
      };
      for (const d of refusing) {
        const event = { type: 'DRAFT_REPLY', decision: d.code, ...replyFacts(d.code, '2024-09-10'), ...extra[d.code], ...by(CASEWORKER, '2024-09-10') } as ApplicationEvent;
        const refused = refuse(prepared, { ...event, reasons: '  ' } as ApplicationEvent, 422);
        assert.equal(refused.field, 'reasons', d.code);
        assert.match(refused.message, /须写明理由（reasons/, d.code);
        accept(prepared, event);
      }
    });

    it('the facts of each decision are required, one alternative at a time', () => {
      const draft = (decision: string, facts: Record<string, unknown>, date = '2024-09-10') =>
        ({ type: 'DRAFT_REPLY', decision, reasons: '理由', ...facts, ...by(CASEWORKER, date) }) as ApplicationEvent;
      const fieldOf = (event: ApplicationEvent, s = registered()) => refuse(s, event, 422).field;
      // disclose: Art. 36(一) where, or 36(二) what and how.
      assert.equal(fieldOf(draft('disclose', {})), 'disclosure.mode');
      assert.equal(fieldOf(draft('disclose', { disclosure: { mode: 'published', url: 'www.example' } })), 'disclosure.url');
      assert.equal(fieldOf(draft('disclose', { disclosure: { mode: 'published', url: 'https://www.djq.gov.cn/a', publishedDate: '2024-09-11' } })), 'disclosure.publishedDate');
      assert.equal(fieldOf(draft('disclose', { disclosure: { mode: 'provided', items: [], delivery: 'paper' } })), 'disclosure.items');
      assert.equal(fieldOf(draft('disclose', { disclosure: { mode: 'provided', items: [{ title: '批复' }] } })), 'disclosure.delivery');
      assert.equal(fieldOf(draft('disclose', { disclosure: { mode: 'later', items: [{ title: '批复' }], delivery: 'pickup', availableDate: '2024-09-09' } })), 'disclosure.availableDate');
      accept(registered(), draft('disclose', { disclosure: { mode: 'later', items: [{ title: '批复' }], delivery: 'pickup', availableDate: '2024-09-20' } }));
      accept(registered(), draft('disclose', { disclosure: { mode: 'published', url: 'https://www.djq.gov.cn/a', section: '计划规划', publishedDate: '2024-03-01' } }));
      // Facts of another decision are refused, not dropped.
      assert.equal(fieldOf(draft('disclose', { ...replyFacts('disclose'), search: '检索' })), 'search');
      // not_held: Art. 36(四) with the search, or 36(五) with the agency and its contact — never both.
      assert.equal(fieldOf(draft('unavailable.not_held', {})), 'search');
      assert.equal(fieldOf(draft('unavailable.not_held', { referTo: '市住建委' })), 'referTo');
      assert.equal(fieldOf(draft('unavailable.not_held', { responsibleAgency: { name: '市住建委', contact: '' } })), 'responsibleAgency.contact');
      assert.equal(fieldOf(draft('unavailable.not_held', { responsibleAgency: { name: '市住建委', contact: '021-1' }, search: '检索' })), 'search');
      // The law and article (Art. 14; Art. 36(七)).
      for (const decision of ['withhold.law_prohibited', 'withhold.inquiry']) {
        assert.equal(fieldOf(draft(decision, {})), 'law.name');
        assert.equal(fieldOf(draft(decision, { law: { name: '档案法', article: '二十七' } })), 'law.article');
      }
      // Art. 36(六): the earlier reply; Art. 35: reasons asked first, then the count and the answer.
      assert.equal(fieldOf(draft('not_processed.repeat', { earlierReply: { number: '', date: '2024-01-05' } })), 'earlierReply.number');
      assert.equal(fieldOf(draft('not_processed.repeat', { earlierReply: { number: '东规资公复〔2024〕1号', date: '2024-09-11' } })), 'earlierReply.date');
      const excessive = { excessive: { count: 36, period: { from: '2024-09-01', to: '2024-09-06' }, applicantAnswer: '逾期未答复' } };
      assert.match(refuse(registered(), draft('not_processed.excessive', excessive), 422).message, /须先要求申请人说明理由（第三十五条）/);
      const asked = accept(registered(), { type: 'REQUEST_REASONS', ...by(CASEWORKER, '2024-09-06') });
      assert.equal(fieldOf(draft('not_processed.excessive', { excessive: { ...excessive.excessive, applicantAnswer: ' ' } }), asked), 'excessive.applicantAnswer');
      assert.equal(fieldOf(draft('not_processed.excessive', { excessive: { ...excessive.excessive, period: { from: '2024-09-07', to: '2024-09-06' } } }), asked), 'excessive.period.to');
      accept(asked, draft('not_processed.excessive', excessive));
      // Art. 30: still unclear only after the correction came back.
      assert.equal(fieldOf(draft('unavailable.unclear', {})), 'decision');
      // other.other: a basis; or an Art. 41 correction request, judged on its own terms.
      assert.equal(fieldOf(draft('other.other', {})), 'basis');
      assert.equal(fieldOf(draft('other.other', { recordsCorrection: { record: '姓名', outcome: 'corrected' } })), 'recordsCorrection.correction');
      assert.equal(fieldOf(draft('other.other', { recordsCorrection: { record: '姓名', outcome: 'not_competent' } })), 'recordsCorrection.agency.name');
      const corrected = { type: 'DRAFT_REPLY', decision: 'other.other', recordsCorrection: { record: '姓名', outcome: 'corrected', correction: '张某某改为张某蒙', correctedDate: '2024-09-09' }, ...by(CASEWORKER, '2024-09-10') } as ApplicationEvent;
      assert.deepEqual(contextOf(accept(registered(), corrected)).draft?.details, {
        recordsCorrection: { record: '姓名', outcome: 'corrected', correction: '张某某改为张某蒙', correctedDate: '2024-09-09', agency: null, forwarded: false },
      }, 'a correction made needs no reasons');
    });

    it('decisions that only arise by lapse, or unknown codes, cannot be drafted', () => {
      refuse(registered(), { type: 'DRAFT_REPLY', decision: 'other.correction_lapsed', ...by(CASEWORKER) }, 422);
      refuse(registered(), { type: 'DRAFT_REPLY', decision: 'other.fee_unpaid', ...by(CASEWORKER) }, 422);
      refuse(registered(), { type: 'DRAFT_REPLY', decision: 'withhold.whatever' as never, ...by(CASEWORKER) }, 422);
    });

    it('予以公开 needs no reasons', () => {
      accept(registered(), { type: 'DRAFT_REPLY', decision: 'disclose', ...replyFacts('disclose'), ...by(CASEWORKER) } as ApplicationEvent);
    });
  });

  describe('confidentiality review (先审查、后公开, 一事一审)', () => {
    it('a submitted draft is in review', () => {
      assert.equal(stateOf(inReview()), 'in_review');
    });

    it('submitting needs a draft', () => {
      refuse(registered(), { type: 'SUBMIT_FOR_REVIEW', ...by(CASEWORKER) }, 409);
    });

    it('a reviewer approves, recording who, when and the checklist', () => {
      const s = accept(inReview(), { type: 'APPROVE_REVIEW', checklist: ['不涉及国家秘密', '不涉及个人隐私'], ...by(REVIEWER, '2024-09-06') });
      assert.equal(stateOf(s), 'approved');
      assert.deepEqual(contextOf(s).review, {
        returns: [],
        approvedBy: 3,
        approvedDate: '2024-09-06',
        checklist: ['不涉及国家秘密', '不涉及个人隐私'],
        opinion: null,
      });
    });

    it('a reviewer may record an opinion (审查意见) with the approval', () => {
      const s = accept(inReview(), { type: 'APPROVE_REVIEW', opinion: '  经审查，不涉及国家秘密，同意公开。 ', ...by(REVIEWER, '2024-09-06') });
      assert.equal(contextOf(s).review.opinion, '经审查，不涉及国家秘密，同意公开。');
      refuse(inReview(), { type: 'APPROVE_REVIEW', opinion: 7 as never, ...by(REVIEWER) }, 422);
    });

    it('a return records the reviewer’s opinion, and is refused without one', () => {
      const s = accept(inReview(), { type: 'RETURN_FOR_REVISION', opinion: '请补充主动公开的网址', ...by(REVIEWER, '2024-09-06') });
      assert.equal(stateOf(s), 'drafted');
      assert.deepEqual(contextOf(s).review.returns, [{ date: '2024-09-06', reason: '请补充主动公开的网址', by: 3 }]);
      const j = refuse(inReview(), { type: 'RETURN_FOR_REVISION', ...by(REVIEWER) }, 422);
      assert.equal(j.field, 'opinion');
      assert.match(j.message, /审查意见/);
      refuse(inReview(), { type: 'RETURN_FOR_REVISION', opinion: '   ', ...by(REVIEWER) }, 422);
    });

    it('the checklist is a list of strings', () => {
      refuse(inReview(), { type: 'APPROVE_REVIEW', checklist: [1] as never, ...by(REVIEWER) }, 422);
    });

    it('the drafter cannot review their own draft, even holding the reviewer role', () => {
      const drafterAsReviewer: Actor = { id: CASEWORKER.id, role: 'reviewer' };
      const j = refuse(inReview(), { type: 'APPROVE_REVIEW', ...by(drafterAsReviewer) }, 403);
      assert.match(j.message, /一事一审/);
      refuse(inReview(), { type: 'RETURN_FOR_REVISION', reason: '补充依据', ...by(drafterAsReviewer) }, 403);
    });

    it('a returned draft goes back for revision and comes round again', () => {
      const returned = accept(inReview(), { type: 'RETURN_FOR_REVISION', reason: '未写明救济途径', ...by(REVIEWER, '2024-09-06') });
      assert.equal(stateOf(returned), 'drafted');
      assert.deepEqual(contextOf(returned).review.returns, [{ date: '2024-09-06', reason: '未写明救济途径', by: 3 }]);
      const again = run(
        returned,
        { type: 'DRAFT_REPLY', decision: 'disclose', ...DISCLOSED, ...by(CASEWORKER, '2024-09-09') },
        { type: 'SUBMIT_FOR_REVIEW', ...by(CASEWORKER, '2024-09-09') },
        { type: 'RETURN_FOR_REVISION', reason: '附件不全', ...by(REVIEWER, '2024-09-10') },
        { type: 'SUBMIT_FOR_REVIEW', ...by(CASEWORKER, '2024-09-10') },
        { type: 'APPROVE_REVIEW', ...by(REVIEWER, '2024-09-11') },
      );
      assert.equal(stateOf(again), 'approved');
      assert.equal(contextOf(again).review.returns.length, 2);
      assert.equal(contextOf(again).review.approvedBy, 3);
    });

    it('a return needs a reason', () => {
      refuse(inReview(), { type: 'RETURN_FOR_REVISION', reason: '', ...by(REVIEWER) }, 422);
    });

    it('a draft in review cannot be redrafted until it is returned', () => {
      refuse(inReview(), { type: 'DRAFT_REPLY', decision: 'disclose', ...by(CASEWORKER) }, 409);
    });
  });

  describe('issuing the reply', () => {
    it('the head of the disclosure office signs; the decision becomes final', () => {
      const s = issued();
      assert.equal(stateOf(s), 'issued');
      assert.equal(contextOf(s).decision, 'disclose');
      assert.equal(contextOf(s).issuedBy, 4);
      assert.equal(contextOf(s).issuedDate, '2024-09-09');
    });

    it('neither the drafter nor the reviewer may sign', () => {
      refuse(approved(), { type: 'ISSUE_REPLY', ...by({ id: CASEWORKER.id, role: 'approver' }) }, 403);
      refuse(approved(), { type: 'ISSUE_REPLY', ...by({ id: REVIEWER.id, role: 'approver' }) }, 403);
    });

    it('only an approved reply can be issued', () => {
      refuse(inReview(), { type: 'ISSUE_REPLY', ...by(APPROVER) }, 409);
    });

    describe('while a consultation is open', () => {
      const withOpenConsultation = () =>
        run(
          registered(),
          { type: 'START_CONSULTATION', consultationId: 'c1', kind: 'agency', party: '市发展改革委', ...by(CASEWORKER, '2024-09-03') },
          { type: 'DRAFT_REPLY', decision: 'disclose', ...DISCLOSED, ...by(CASEWORKER) },
          { type: 'SUBMIT_FOR_REVIEW', ...by(CASEWORKER) },
          { type: 'APPROVE_REVIEW', ...by(REVIEWER) },
        );
      const opinionDue = facts({ consultationOpinionDue: { c1: '2024-09-24' } });

      it('the reply waits until the end of the opinion period', () => {
        const j = refuse(withOpenConsultation(), { type: 'ISSUE_REPLY', ...by(APPROVER, '2024-09-24', opinionDue) }, 422);
        assert.match(j.message, /市发展改革委.*2024年9月24日/);
      });

      it('after the opinion period the silent agency is deemed to consent and the reply may issue', () => {
        const s = accept(withOpenConsultation(), { type: 'ISSUE_REPLY', ...by(APPROVER, '2024-09-25', opinionDue) });
        assert.equal(stateOf(s), 'issued');
      });

      it('a consultation without a known opinion period holds the reply', () => {
        refuse(withOpenConsultation(), { type: 'ISSUE_REPLY', ...by(APPROVER, '2024-12-31') }, 422);
      });

      it('once the opinion is recorded the reply may issue at once', () => {
        const s = run(
          withOpenConsultation(),
          { type: 'RECORD_OPINION', consultationId: 'c1', opinion: 'consent', ...by(CASEWORKER, '2024-09-10', opinionDue) },
          { type: 'ISSUE_REPLY', ...by(APPROVER, '2024-09-10', opinionDue) },
        );
        assert.equal(stateOf(s), 'issued');
      });
    });

    it('the reply waits for an unpaid fee', () => {
      const s = run(
        registered(),
        { type: 'ISSUE_FEE_NOTICE', basis: 'per_application', amount: 100, ...by(CASEWORKER, '2024-09-03') },
        { type: 'DRAFT_REPLY', decision: 'disclose', ...DISCLOSED, ...by(CASEWORKER) },
        { type: 'SUBMIT_FOR_REVIEW', ...by(CASEWORKER) },
        { type: 'APPROVE_REVIEW', ...by(REVIEWER) },
      );
      const j = refuse(s, { type: 'ISSUE_REPLY', ...by(APPROVER) }, 409);
      assert.match(j.message, /缴纳信息处理费/);
      const paid = accept(s, { type: 'RECORD_PAYMENT', ...by(CASEWORKER, '2024-09-06') });
      assert.equal(stateOf(accept(paid, { type: 'ISSUE_REPLY', ...by(APPROVER, '2024-09-09') })), 'issued');
    });
  });

  describe('returning before signing (签发前退回, issue 13)', () => {
    it('the head of the office sends the reply back to the caseworker with a reason: redrafted, then reviewed again', () => {
      const s = accept(approved(), { type: 'RETURN_FROM_SIGNOFF', to: 'caseworker', reason: '答复未写明提供的页数', ...by(APPROVER, '2024-09-09') });
      assert.equal(stateOf(s), 'drafted');
      const c = contextOf(s);
      assert.deepEqual(c.signoffReturns, [{ date: '2024-09-09', to: 'caseworker', reason: '答复未写明提供的页数', by: 4 }]);
      assert.equal(c.review.approvedBy, null, 'the approval no longer stands');
      refuse(s, { type: 'ISSUE_REPLY', ...by(APPROVER, '2024-09-09') }, 409);
      const again = run(
        s,
        { type: 'DRAFT_REPLY', decision: 'disclose', ...DISCLOSED, ...by(CASEWORKER, '2024-09-10') },
        { type: 'SUBMIT_FOR_REVIEW', ...by(CASEWORKER, '2024-09-10') },
        { type: 'APPROVE_REVIEW', ...by(REVIEWER, '2024-09-11') },
        { type: 'ISSUE_REPLY', ...by(APPROVER, '2024-09-12') },
      );
      assert.equal(stateOf(again), 'issued');
      assert.equal(contextOf(again).signoffReturns.length, 1);
    });

    it('or back to the reviewer, whose approval is withdrawn until they review again', () => {
      const s = accept(approved(), { type: 'RETURN_FROM_SIGNOFF', to: 'reviewer', reason: '请再核对是否涉及个人隐私', ...by(APPROVER, '2024-09-09') });
      assert.equal(stateOf(s), 'in_review');
      assert.equal(contextOf(s).review.approvedBy, null);
      assert.deepEqual(allowedEvents(s, REVIEWER, facts(), '2024-09-10'), ['APPROVE_REVIEW', 'RETURN_FOR_REVISION']);
      const reviewed = accept(s, { type: 'APPROVE_REVIEW', opinion: '已核对，不涉及个人隐私', ...by(REVIEWER, '2024-09-10') });
      assert.equal(stateOf(reviewed), 'approved');
      assert.equal(contextOf(reviewed).review.opinion, '已核对，不涉及个人隐私');
    });

    it('is refused without a reason or a valid addressee, by anyone but the head of the office, and before review', () => {
      assert.equal(refuse(approved(), { type: 'RETURN_FROM_SIGNOFF', to: 'caseworker', reason: ' ', ...by(APPROVER) }, 422).field, 'reason');
      assert.equal(refuse(approved(), { type: 'RETURN_FROM_SIGNOFF', to: 'legal' as never, reason: '退回', ...by(APPROVER) }, 422).field, 'to');
      refuse(approved(), { type: 'RETURN_FROM_SIGNOFF', to: 'caseworker', reason: '退回', ...by(REVIEWER) }, 403);
      refuse(approved(), { type: 'RETURN_FROM_SIGNOFF', to: 'caseworker', reason: '退回', ...by({ id: REVIEWER.id, role: 'approver' }) }, 403);
      refuse(inReview(), { type: 'RETURN_FROM_SIGNOFF', to: 'caseworker', reason: '退回', ...by(APPROVER) }, 409);
      refuse(issued(), { type: 'RETURN_FROM_SIGNOFF', to: 'caseworker', reason: '退回', ...by(APPROVER) }, 409);
    });
  });

  describe('delivery', () => {
    it('delivery closes the application with the issued decision', () => {
      const s = accept(issued(), { type: 'RECORD_DELIVERY', method: '邮寄', ...by(CASEWORKER, '2024-09-10') });
      assert.equal(stateOf(s), 'closed');
      assert.equal(s.status, 'active'); // closed is not final: it may be reopened (REOPEN)
      assert.deepEqual(contextOf(s).delivery, { date: '2024-09-10', method: '邮寄' });
      assert.equal(contextOf(s).decision, 'disclose');
      assert.equal(contextOf(s).closedReason, 'delivered');
      assert.equal(contextOf(s).closedDate, '2024-09-10');
    });

    it('delivery needs a method and cannot precede the issue', () => {
      refuse(issued(), { type: 'RECORD_DELIVERY', method: '', ...by(CASEWORKER, '2024-09-10') }, 422);
      refuse(issued(), { type: 'RECORD_DELIVERY', method: '邮寄', ...by(CASEWORKER, '2024-09-06') }, 422);
    });

    it('an issued reply can no longer be withdrawn', () => {
      refuse(issued(), { type: 'WITHDRAW', ...by(CASEWORKER) }, 409);
    });

    it('a closed application accepts nothing from those who handle it', () => {
      const closed = accept(issued(), { type: 'RECORD_DELIVERY', method: '邮寄', ...by(CASEWORKER, '2024-09-10') });
      const j = refuse(closed, { type: 'WITHDRAW', ...by(CASEWORKER) }, 409);
      assert.deepEqual(j.allowedEvents, []);
      assert.equal(j.message, '当前状态（已办结）不能执行“申请人撤回”。现在没有您可以执行的操作');
    });
  });

  describe('reopening (重新办理) ordered by a reconsideration decision or judgment', () => {
    const delivered = () =>
      run(
        registered(),
        { type: 'START_CONSULTATION', consultationId: 'c1', kind: 'agency', party: '市档案馆', ...by(CASEWORKER, '2024-09-03') },
        { type: 'RECORD_OPINION', consultationId: 'c1', opinion: 'consent', ...by(CASEWORKER, '2024-09-04') },
        { type: 'REQUEST_EXTENSION', workingDays: 10, reason: '需调取档案', ...by(CASEWORKER, '2024-09-05') },
        { type: 'APPROVE_EXTENSION', ...by(APPROVER, '2024-09-06') },
        { type: 'ISSUE_FEE_NOTICE', basis: 'per_application', amount: 100, ...by(CASEWORKER, '2024-09-06') },
        { type: 'RECORD_PAYMENT', ...by(CASEWORKER, '2024-09-09') },
        { type: 'DRAFT_REPLY', decision: 'unavailable.not_held', reasons: '本机关未制作或获取该信息', search: '检索了收文、发文登记簿', ...by(CASEWORKER, '2024-09-10') },
        { type: 'SUBMIT_FOR_REVIEW', ...by(CASEWORKER, '2024-09-10') },
        { type: 'RETURN_FOR_REVISION', reason: '补充检索说明', ...by(REVIEWER, '2024-09-11') },
        { type: 'SUBMIT_FOR_REVIEW', ...by(CASEWORKER, '2024-09-11') },
        { type: 'APPROVE_REVIEW', checklist: ['已核对'], ...by(REVIEWER, '2024-09-12') },
        { type: 'ISSUE_REPLY', ...by(APPROVER, '2024-09-13') },
        { type: 'RECORD_DELIVERY', method: '邮寄', ...by(CASEWORKER, '2024-09-14') },
      );
    /** After the reopening the server's facts carry the new reply date (clock.ts). */
    const newFacts = facts({ replyDue: '2024-12-05' });
    const reopenEvent = (overrides: Record<string, unknown> = {}, actor: Actor = LEGAL, date = '2024-11-05'): ApplicationEvent =>
      ({
        type: 'REOPEN',
        appealId: 7,
        newReplyDueDate: '2024-12-05',
        reason: ' 市人民政府行政复议决定撤销原答复，责令重新答复 ',
        ...by(actor, date, newFacts),
        ...overrides,
      }) as ApplicationEvent;
    const reopened = () => accept(delivered(), reopenEvent());
    const extensionOn = (date: string): ApplicationEvent => ({ type: 'REQUEST_EXTENSION', workingDays: 5, reason: '需重新检索', ...by(CASEWORKER, date, newFacts) });

    it('legal reopens a closed case: back to processing, the reply reset, the history kept', () => {
      const before = contextOf(delivered());
      const s = reopened();
      assert.equal(stateOf(s), 'processing');
      assert.equal(s.status, 'active');
      const c = contextOf(s);
      assert.deepEqual(c.reopenings, [
        { date: '2024-11-05', appealId: 7, newReplyDueDate: '2024-12-05', reason: '市人民政府行政复议决定撤销原答复，责令重新答复', previousDecision: 'unavailable.not_held' },
      ]);
      assert.equal(c.draft, null);
      assert.deepEqual(c.review, { returns: [], approvedBy: null, approvedDate: null, checklist: null, opinion: null });
      assert.deepEqual(c.signoffReturns, []);
      assert.deepEqual([c.issuedBy, c.issuedDate, c.delivery, c.decision, c.closedDate, c.closedReason], [null, null, null, null, null, null]);
      assert.deepEqual(c.consultations, before.consultations);
      assert.deepEqual(c.extension, before.extension);
      assert.deepEqual(c.fee, before.fee);
      assert.deepEqual(c.correction, before.correction);
    });

    it('a closed case is reopened only by legal', () => {
      for (const actor of [CASEWORKER, APPROVER, REVIEWER, { id: 9, role: 'manager' as const }, { id: 9, role: 'admin' as const }]) {
        const j = refuse(delivered(), reopenEvent({}, actor), 403);
        assert.match(j.message, /无权执行“重新办理”/);
      }
    });

    it('a closed case accepts no other event, from anyone', () => {
      const closed = delivered();
      for (const type of APPLICATION_EVENT_TYPES.filter((t) => t !== 'REOPEN')) {
        for (const actor of [CASEWORKER, OTHER_CASEWORKER, REVIEWER, APPROVER, LEGAL]) {
          refuse(closed, { type, ...by(actor, '2024-11-05') } as ApplicationEvent, 409);
        }
      }
      assert.deepEqual(allowedEvents(closed, LEGAL, facts(), '2024-11-05'), ['REOPEN']);
      assert.deepEqual(allowedEvents(closed, CASEWORKER, facts(), '2024-11-05'), []);
      const j = refuse(closed, { type: 'WITHDRAW', ...by(LEGAL, '2024-11-05') }, 409);
      assert.equal(j.message, '当前状态（已办结）不能执行“申请人撤回”。现在可以执行：重新办理');
    });

    it('only a closed case can be reopened', () => {
      for (const s of [registered(), awaitingCorrection(), drafted(), inReview(), approved(), issued(), reopened()]) {
        refuse(s, reopenEvent(), 409);
      }
    });

    it('the new reply date must be a real date on or after the reopening', () => {
      const early = refuse(delivered(), reopenEvent({ newReplyDueDate: '2024-11-04' }), 422);
      assert.equal(early.message, '重新答复期限（2024年11月4日）不能早于重新办理日期（2024年11月5日）');
      for (const newReplyDueDate of ['2024-02-30', '2024-12-5', '', null, undefined, 20241205]) {
        const j = refuse(delivered(), reopenEvent({ newReplyDueDate }), 422);
        assert.equal(j.message, '须填写有效的重新答复期限（格式 YYYY-MM-DD）');
      }
      const sameDay = accept(delivered(), reopenEvent({ newReplyDueDate: '2024-11-05' }));
      assert.equal(contextOf(sameDay).reopenings[0]?.newReplyDueDate, '2024-11-05');
    });

    it('the new reply date is a plan: at most two years after the reopening (finding 4)', () => {
      accept(delivered(), reopenEvent({ newReplyDueDate: '2026-11-05' }));
      const far = refuse(delivered(), reopenEvent({ newReplyDueDate: '2026-11-06' }), 422);
      assert.equal(far.message, '重新答复期限不能晚于2026年11月5日（2年之内）');
      refuse(delivered(), reopenEvent({ newReplyDueDate: '9999-12-31' }), 422);
    });

    it('the reopening names its appeal and its reason, and cannot precede the closing', () => {
      for (const appealId of [0, -1, 1.5, '7', null, undefined]) refuse(delivered(), reopenEvent({ appealId }), 422);
      for (const reason of ['', '   ', null, undefined, 7]) refuse(delivered(), reopenEvent({ reason }), 422);
      const j = refuse(delivered(), reopenEvent({}, LEGAL, '2024-09-13'), 422);
      assert.equal(j.message, '重新办理的日期不能早于办结日期（2024年9月14日）');
    });

    it('the reopened case is answered anew through review and signing, and may be reopened again', () => {
      const answeredAgain = run(
        reopened(),
        { type: 'DRAFT_REPLY', decision: 'disclose', ...DISCLOSED, ...by(OTHER_CASEWORKER, '2024-11-06', newFacts) },
        { type: 'SUBMIT_FOR_REVIEW', ...by(OTHER_CASEWORKER, '2024-11-06', newFacts) },
        { type: 'APPROVE_REVIEW', ...by(REVIEWER, '2024-11-07', newFacts) },
        { type: 'ISSUE_REPLY', ...by(APPROVER, '2024-11-08', newFacts) },
        { type: 'RECORD_DELIVERY', method: '电子邮件', ...by(CASEWORKER, '2024-11-11', newFacts) },
      );
      assert.equal(stateOf(answeredAgain), 'closed');
      assert.equal(contextOf(answeredAgain).decision, 'disclose');
      assert.equal(contextOf(answeredAgain).closedDate, '2024-11-11');
      const twice = accept(answeredAgain, reopenEvent({ appealId: 8, newReplyDueDate: '2025-01-10' }, LEGAL, '2024-12-16'));
      assert.deepEqual(contextOf(twice).reopenings.map((r) => [r.appealId, r.previousDecision]), [[7, 'unavailable.not_held'], [8, 'disclose']]);
    });

    it('every way of closing can be reopened', () => {
      const lapsed = accept(awaitingCorrection(), { type: 'CORRECTION_LAPSED', ...by(CASEWORKER, '2024-09-23', facts({ correctionDue: '2024-09-20' })) });
      const withdrawn = accept(registered(), { type: 'WITHDRAW', ...by(CASEWORKER) });
      const onTheSpot = accept(registered(), { type: 'REPLY_ON_THE_SPOT', decision: 'disclose', ...DISCLOSED, ...by(CASEWORKER, '2024-09-02') });
      for (const closed of [lapsed, withdrawn, onTheSpot]) {
        const s = accept(closed, reopenEvent());
        assert.equal(stateOf(s), 'processing');
        assert.equal(contextOf(s).reopenings[0]?.previousDecision, contextOf(closed).decision);
      }
    });

    it('one extension is allowed again after a reopening, and only one', () => {
      refuse(delivered(), extensionOn('2024-11-06'), 409); // closed
      const s = accept(reopened(), extensionOn('2024-11-20'));
      assert.deepEqual(contextOf(s).extension, {
        requestedDate: '2024-11-20',
        round: 1,
        workingDays: 5,
        reason: '需重新检索',
        status: 'requested',
        decidedDate: null,
        rejectReason: null,
      });
      const j = refuse(s, extensionOn('2024-11-21'), 409);
      assert.ok(j.message.startsWith('本次重新办理中已申请过延期，延期答复只能一次（第三十三条）。现在可以执行：'), j.message);
      const decided = accept(s, { type: 'APPROVE_EXTENSION', ...by(APPROVER, '2024-11-21', newFacts) });
      refuse(decided, extensionOn('2024-11-22'), 409);
      // Asked for after the new reply date: refused like any late request.
      refuse(reopened(), extensionOn('2024-12-06'), 422);
    });

    it('an extension left undecided when the case closed cannot be decided after the reopening', () => {
      const pending = run(
        registered(),
        { type: 'REQUEST_EXTENSION', workingDays: 10, reason: '需调取档案', ...by(CASEWORKER, '2024-09-05') },
        { type: 'WITHDRAW', ...by(CASEWORKER, '2024-09-06') },
      );
      const s = accept(pending, reopenEvent());
      refuse(s, { type: 'APPROVE_EXTENSION', ...by(APPROVER, '2024-11-06', newFacts) }, 409);
      refuse(s, { type: 'REJECT_EXTENSION', reason: '已撤回', ...by(APPROVER, '2024-11-06', newFacts) }, 409);
      assert.equal(contextOf(accept(s, extensionOn('2024-11-06'))).extension?.round, 1);
    });

    it('a reopened case is answered in writing, never on the spot', () => {
      const onTheSpot = accept(registered(), { type: 'REPLY_ON_THE_SPOT', decision: 'disclose', ...DISCLOSED, ...by(CASEWORKER, '2024-09-02') });
      const s = accept(onTheSpot, reopenEvent());
      const j = refuse(s, { type: 'REPLY_ON_THE_SPOT', decision: 'disclose', ...by(CASEWORKER, '2024-11-06', newFacts) }, 409);
      assert.ok(j.message.startsWith('重新办理的申请须书面答复，不能当场答复。'), j.message);
    });

    it('a reopened case survives JSON storage', () => {
      const stored = JSON.parse(JSON.stringify(reopened())) as PersistedApplicationSnapshot;
      const s = accept(stored, extensionOn('2024-11-20'));
      assert.equal(stateOf(s), 'processing');
      assert.equal(contextOf(s).reopenings.length, 1);
    });
  });

  describe('withdrawal', () => {
    it('the applicant may withdraw at any point before the reply is issued', () => {
      for (const s of [registered(), awaitingCorrection(), drafted(), inReview(), approved()]) {
        const closed = accept(s, { type: 'WITHDRAW', ...by(CASEWORKER, '2024-09-12') });
        assert.equal(stateOf(closed), 'closed');
        assert.equal(contextOf(closed).decision, 'other.other');
        assert.equal(contextOf(closed).closedReason, 'withdrawn');
        assert.equal(contextOf(closed).closedDate, '2024-09-12');
      }
    });
  });

  describe('reply on the spot (domain §2.2)', () => {
    it('an on-the-spot reply closes the application the same day', () => {
      const s = accept(registered(), { type: 'REPLY_ON_THE_SPOT', decision: 'disclose', ...DISCLOSED, ...by(CASEWORKER, '2024-09-02') });
      assert.equal(stateOf(s), 'closed');
      const c = contextOf(s);
      assert.equal(c.decision, 'disclose');
      assert.equal(c.closedReason, 'on_the_spot');
      assert.equal(c.issuedDate, '2024-09-02');
      assert.equal(c.issuedBy, 1);
      assert.equal(c.closedDate, '2024-09-02');
    });

    it('withholding is never answered on the spot', () => {
      refuse(registered(), { type: 'REPLY_ON_THE_SPOT', decision: 'withhold.process_info', ...by(CASEWORKER) }, 422);
      refuse(registered(), { type: 'REPLY_ON_THE_SPOT', decision: 'partial', ...by(CASEWORKER) }, 422);
      refuse(registered(), { type: 'REPLY_ON_THE_SPOT', decision: 'other.fee_unpaid', ...by(CASEWORKER) }, 422);
    });

    it('once consulting or charging has started there is no on-the-spot reply', () => {
      const consulting = accept(registered(), { type: 'START_CONSULTATION', consultationId: 'c1', kind: 'third_party', party: '李某', ...by(CASEWORKER) });
      refuse(consulting, { type: 'REPLY_ON_THE_SPOT', decision: 'disclose', ...by(CASEWORKER) }, 409);
      refuse(drafted(), { type: 'REPLY_ON_THE_SPOT', decision: 'disclose', ...by(CASEWORKER) }, 409);
    });
  });

  describe('transfer (转办, Art. 36(五))', () => {
    const transfer = (actor: Actor, extra: object = {}) =>
      ({ type: 'TRANSFER', agencyCode: 'JSJT', agencyName: '区建设和交通委', agencyContact: '联系电话：021-5878', reason: '该项目档案由区建设和交通委保存', ...by(actor, '2024-09-06'), ...extra }) as ApplicationEvent;

    it('the head of the disclosure office hands the application over; this agency’s part is closed as （四）1', () => {
      const s = accept(registered(), transfer(APPROVER));
      assert.equal(stateOf(s), 'closed');
      const c = contextOf(s);
      assert.equal(c.closedReason, 'transferred');
      assert.equal(c.decision, 'unavailable.not_held');
      assert.deepEqual(c.transfer, { date: '2024-09-06', agencyCode: 'JSJT', agencyName: '区建设和交通委', agencyContact: '联系电话：021-5878', reason: '该项目档案由区建设和交通委保存' });
      assert.equal(c.issuedBy, APPROVER.id);
    });

    it('needs the receiving agency and the reason, from the approver, before any draft', () => {
      refuse(registered(), transfer(CASEWORKER), 403);
      refuse(registered(), transfer(APPROVER, { agencyCode: '' }), 422);
      refuse(registered(), transfer(APPROVER, { reason: ' ' }), 422);
      // Art. 36(五): the notice gives the receiving agency's contact; an agency with none recorded cannot receive it.
      const noContact = refuse(registered(), transfer(APPROVER, { agencyContact: '' }), 422);
      assert.equal(noContact.field, 'agencyCode');
      assert.match(noContact.message, /未登记联系地址或电话/);
      refuse(drafted(), transfer(APPROVER), 409);
    });
  });

  describe('excessive applications (Art. 35)', () => {
    const asked = () => accept(registered(), { type: 'REQUEST_REASONS', note: '请说明用途', ...by(CASEWORKER, '2024-09-05') });
    const later = (laterReplyDate: string, extra: object = {}) =>
      ({ type: 'SET_LATER_DATE', laterReplyDate, reason: '约五百份，需逐份审查', ...by(APPROVER, '2024-09-12'), ...extra }) as ApplicationEvent;

    it('the caseworker asks for reasons once', () => {
      assert.deepEqual(contextOf(asked()).excessive, { reasonsRequestedDate: '2024-09-05', note: '请说明用途', laterReplyDate: null, laterReason: null });
      refuse(asked(), { type: 'REQUEST_REASONS', ...by(CASEWORKER, '2024-09-06') }, 409);
      refuse(registered(), { type: 'REQUEST_REASONS', ...by(APPROVER) }, 403);
    });

    it('a later reply date needs the reasons asked first, the approver, a reason, and a date after the current due date', () => {
      refuse(registered(), later('2024-11-29'), 409);
      refuse(asked(), later('2024-11-29', { actor: CASEWORKER }), 403);
      refuse(asked(), later('2024-09-30'), 422); // not after replyDue 2024-09-30
      refuse(asked(), later('2024-11-29', { reason: ' ' }), 422);
      const s = accept(asked(), later('2024-11-29'));
      assert.equal(contextOf(s).excessive?.laterReplyDate, '2024-11-29');
      assert.equal(stateOf(s), 'processing');
      refuse(s, later('2024-12-31'), 409);
    });

    it('the later reply date is a plan: at most two years after it is fixed (finding 4)', () => {
      accept(asked(), later('2026-09-12'));
      const far = refuse(asked(), later('2026-09-13'), 422);
      assert.equal(far.message, '延迟答复的期限不能晚于2026年9月12日（2年之内）');
      refuse(asked(), later('9999-12-30'), 422);
    });

    it('or the reply says not processed (（五）4), as any drafted reply', () => {
      const s = accept(asked(), { type: 'DRAFT_REPLY', decision: 'not_processed.excessive', reasons: '理由不合理', excessive: { count: 36, period: { from: '2024-09-01', to: '2024-09-13' }, applicantAnswer: '申请人未说明理由' }, ...by(CASEWORKER, '2024-09-20') });
      assert.equal(stateOf(s), 'drafted');
    });
  });

  describe('allowed events', () => {
    it('lists what the actor may do now in this state', () => {
      assert.deepEqual(allowedEvents(registered(), CASEWORKER, facts(), '2024-09-05'), [
        'REQUEST_CORRECTION',
        'START_CONSULTATION',
        'REQUEST_EXTENSION',
        'ISSUE_FEE_NOTICE',
        'DRAFT_REPLY',
        'WITHDRAW',
        'REPLY_ON_THE_SPOT',
        'REQUEST_REASONS',
      ]);
      assert.deepEqual(allowedEvents(registered(), APPROVER, facts(), '2024-09-05'), ['TRANSFER']);
      assert.deepEqual(allowedEvents(registered(), { id: 9, role: 'admin' }, facts(), '2024-09-05'), []);
    });

    it('leaves out events whose date guards fail on that date', () => {
      assert.ok(!allowedEvents(registered(), CASEWORKER, facts(), '2024-10-08').includes('REQUEST_EXTENSION'));
      const due = facts({ correctionDue: '2024-09-20' });
      assert.deepEqual(allowedEvents(awaitingCorrection(), CASEWORKER, due, '2024-09-20'), ['CORRECTION_RECEIVED', 'WITHDRAW']);
      assert.deepEqual(allowedEvents(awaitingCorrection(), CASEWORKER, due, '2024-09-23'), ['CORRECTION_RECEIVED', 'CORRECTION_LAPSED', 'WITHDRAW']);
    });

    it('respects four-eyes', () => {
      assert.deepEqual(allowedEvents(inReview(), REVIEWER, facts(), '2024-09-06'), ['APPROVE_REVIEW', 'RETURN_FOR_REVISION']);
      assert.deepEqual(allowedEvents(inReview(), { id: CASEWORKER.id, role: 'reviewer' }, facts(), '2024-09-06'), []);
      assert.deepEqual(allowedEvents(approved(), APPROVER, facts(), '2024-09-09'), ['ISSUE_REPLY', 'RETURN_FROM_SIGNOFF']);
      assert.deepEqual(allowedEvents(approved(), { id: REVIEWER.id, role: 'approver' }, facts(), '2024-09-09'), []);
    });

    it('the 409 refusal names the state and the allowed events in Chinese', () => {
      const j = refuse(registered(), { type: 'ISSUE_REPLY', ...by(CASEWORKER) }, 409);
      assert.equal(
        j.message,
        '当前状态（办理中）不能执行“签发答复”。现在可以执行：告知补正、征求意见、申请延期、发出收费通知、拟写答复、申请人撤回、当场答复、要求说明理由',
      );
      assert.deepEqual(j.allowedEvents, allowedEvents(registered(), CASEWORKER, facts(), '2024-09-05'));
    });
  });

  describe('order of judgement', () => {
    it('a wrong state is reported before a wrong role', () => {
      refuse(registered(), { type: 'ISSUE_REPLY', ...by({ id: 9, role: 'manager' }) }, 409);
    });

    it('a situation that forbids the event is reported before the role', () => {
      const s = accept(registered(), { type: 'REQUEST_EXTENSION', workingDays: 5, reason: '复杂', ...by(CASEWORKER) });
      refuse(s, { type: 'REQUEST_EXTENSION', workingDays: 5, reason: '复杂', ...by(REVIEWER) }, 409);
    });

    it('a wrong role is reported before an invalid payload', () => {
      refuse(registered(), { type: 'REQUEST_EXTENSION', workingDays: 99, reason: '', ...by({ id: 9, role: 'legal' }) }, 403);
    });

    it('an unknown reply due date only blocks the events that need it', () => {
      const unknownDue = facts({ replyDue: '' });
      refuse(registered(), { type: 'REQUEST_EXTENSION', workingDays: 5, reason: '复杂', ...by(CASEWORKER, '2024-09-05', unknownDue) }, 422);
      accept(registered(), { type: 'WITHDRAW', ...by(CASEWORKER, '2024-09-05', unknownDue) });
    });

    it('an event with a malformed date or unknown type is invalid', () => {
      refuse(registered(), { type: 'WITHDRAW', ...by(CASEWORKER, '2024-9-5') }, 422);
      refuse(registered(), { type: 'WITHDRAW', ...by(CASEWORKER, '2024-02-30') }, 422);
      const j = judgeEvent(registered(), { type: 'ARCHIVE', ...by(CASEWORKER) } as unknown as ApplicationEvent);
      assert.equal(j.ok, false);
      assert.equal(!j.ok && j.status, 422);
    });
  });

  describe('snapshots', () => {
    it('a refused event leaves the live snapshot the very same object', () => {
      const actor = createActor(applicationMachine).start();
      const before = actor.getSnapshot();
      actor.send({ type: 'ISSUE_REPLY', ...by(APPROVER) });
      actor.send({ type: 'WITHDRAW', ...by({ id: 9, role: 'admin' }) });
      assert.equal(actor.getSnapshot(), before);
      actor.stop();
    });

    it('judging never mutates the stored snapshot', () => {
      const frozen = deepFreeze(approved());
      const j = judgeEvent(frozen, { type: 'ISSUE_REPLY', ...by(APPROVER, '2024-09-09') });
      assert.equal(j.ok, true);
      assert.equal(stateOf(frozen), 'approved');
    });

    it('a whole case survives JSON storage between every event', () => {
      const events: ApplicationEvent[] = [
        { type: 'REQUEST_CORRECTION', items: ['写明文号'], periodWorkingDays: 10, ...by(CASEWORKER, '2024-09-03') },
        { type: 'CORRECTION_RECEIVED', ...by(CASEWORKER, '2024-09-05') },
        { type: 'START_CONSULTATION', consultationId: 'c1', kind: 'third_party', party: '某公司', ...by(CASEWORKER, '2024-09-06') },
        { type: 'RECORD_OPINION', consultationId: 'c1', opinion: 'object', reasons: '商业秘密', ...by(CASEWORKER, '2024-09-12') },
        { type: 'REQUEST_EXTENSION', workingDays: 15, reason: '需进一步核实', ...by(CASEWORKER, '2024-09-20') },
        { type: 'APPROVE_EXTENSION', ...by(APPROVER, '2024-09-23') },
        { type: 'DRAFT_REPLY', decision: 'withhold.third_party', reasons: '公开会损害第三方合法权益', thirdParty: { consultationId: 'c1', publicInterest: '不影响公共利益' }, ...by(CASEWORKER, '2024-09-24') },
        { type: 'SUBMIT_FOR_REVIEW', ...by(CASEWORKER, '2024-09-24') },
        { type: 'APPROVE_REVIEW', checklist: ['已核对'], ...by(REVIEWER, '2024-09-25') },
        { type: 'ISSUE_REPLY', ...by(APPROVER, '2024-09-26') },
        { type: 'RECORD_DELIVERY', method: '电子邮件', ...by(CASEWORKER, '2024-09-27') },
      ];
      let stored = JSON.stringify(initialApplicationSnapshot());
      for (const event of events) {
        stored = JSON.stringify(accept(JSON.parse(stored) as PersistedApplicationSnapshot, event));
      }
      const final = JSON.parse(stored) as PersistedApplicationSnapshot;
      assert.equal(stateOf(final), 'closed');
      assert.equal(final.status, 'active');
      assert.equal(contextOf(final).decision, 'withhold.third_party');
      assert.equal(contextOf(final).extension?.status, 'approved');
    });

    it('a snapshot naming a state this machine does not know is refused loudly', () => {
      const stale = { ...registered(), value: 'registered' } as unknown as PersistedApplicationSnapshot;
      assert.throws(() => judgeEvent(stale, { type: 'WITHDRAW', ...by(CASEWORKER) }), /migrate/);
    });
  });

  describe('snapshot migration', () => {
    it('a version-0 snapshot becomes a working current snapshot', () => {
      const migrated = migrateSnapshot(JSON.parse(JSON.stringify(V0_FIXTURE)) as { machineVersion: number; snapshot: unknown });
      assert.equal(stateOf(migrated), 'processing');
      assert.deepEqual(contextOf(migrated).reopenings, []);
      assert.deepEqual(contextOf(migrated).review, { returns: [], approvedBy: null, approvedDate: null, checklist: null, opinion: null });
      assert.equal('reviewedBy' in contextOf(migrated), false);
      assert.equal(contextOf(migrated).consultations[0]?.opinion, 'object');
      const next = accept(migrated, { type: 'DRAFT_REPLY', decision: 'withhold.third_party', reasons: '涉及商业秘密', thirdParty: { consultationId: 'c1', publicInterest: '不影响公共利益' }, ...by(CASEWORKER, '2024-09-12') });
      assert.equal(stateOf(next), 'drafted');
    });

    it('version 0 approval fields move into review', () => {
      const snapshot = {
        ...V0_FIXTURE.snapshot,
        value: 'closed',
        context: { ...V0_FIXTURE.snapshot.context, reviewedBy: 7, reviewedDate: '2024-09-20' },
      };
      const migrated = migrateSnapshot({ machineVersion: 0, snapshot });
      assert.equal(stateOf(migrated), 'closed');
      assert.equal(migrated.status, 'active'); // closed is no longer final (version 2)
      assert.equal(contextOf(migrated).review.approvedBy, 7);
      assert.equal(contextOf(migrated).review.approvedDate, '2024-09-20');
    });

    it('a closed version-1 snapshot (final, status done) comes back closed and reopenable', () => {
      const migrated = migrateSnapshot(JSON.parse(JSON.stringify(V1_FIXTURE)) as { machineVersion: number; snapshot: unknown });
      assert.equal(V1_FIXTURE.snapshot.status, 'done');
      assert.equal(stateOf(migrated), 'closed');
      assert.equal(migrated.status, 'active');
      const c = contextOf(migrated);
      assert.deepEqual(c.reopenings, []);
      assert.equal(c.extension?.round, 0);
      assert.equal(c.extension?.status, 'approved');
      assert.equal(c.decision, 'unavailable.not_held');
      assert.deepEqual(allowedEvents(migrated, LEGAL, facts(), '2024-11-05'), ['REOPEN']);
      refuse(migrated, { type: 'WITHDRAW', ...by(CASEWORKER, '2024-11-05') }, 409);
      const reopened = accept(migrated, {
        type: 'REOPEN',
        appealId: 3,
        newReplyDueDate: '2024-12-05',
        reason: '行政复议决定责令重新答复',
        ...by(LEGAL, '2024-11-05', facts({ replyDue: '2024-12-05' })),
      });
      assert.equal(stateOf(reopened), 'processing');
      assert.equal(contextOf(reopened).reopenings[0]?.previousDecision, 'unavailable.not_held');
      // The version-1 extension belongs to the original handling: a new one may be asked for.
      const extended = accept(reopened, { type: 'REQUEST_EXTENSION', workingDays: 5, reason: '需重新检索', ...by(CASEWORKER, '2024-11-20', facts({ replyDue: '2024-12-05' })) });
      assert.equal(contextOf(extended).extension?.round, 1);
    });

    it('an open version-1 snapshot keeps its state and its one extension', () => {
      const snapshot = { ...V1_FIXTURE.snapshot, status: 'active', value: 'approved', context: { ...V1_FIXTURE.snapshot.context, delivery: null, issuedBy: null, issuedDate: null, decision: null, closedDate: null, closedReason: null } };
      const migrated = migrateSnapshot({ machineVersion: 1, snapshot });
      assert.equal(stateOf(migrated), 'approved');
      assert.equal(contextOf(migrated).extension?.round, 0);
      refuse(migrated, { type: 'REQUEST_EXTENSION', workingDays: 5, reason: 'x', ...by(CASEWORKER, '2024-10-10', facts({ replyDue: '2024-10-18' })) }, 409);
      const issuedNow = accept(migrated, { type: 'ISSUE_REPLY', ...by(APPROVER, '2024-10-10') });
      assert.equal(stateOf(issuedNow), 'issued');
    });

    it('a version-2 snapshot awaiting sign-off gains an empty review opinion and no returns before signing, and may be returned', () => {
      const migrated = migrateSnapshot(JSON.parse(JSON.stringify(V2_FIXTURE)) as { machineVersion: number; snapshot: unknown });
      assert.equal(stateOf(migrated), 'approved');
      const c = contextOf(migrated);
      assert.deepEqual(c.review, { returns: [{ date: '2026-11-10', reason: '请写明提供的页数', by: 3 }], approvedBy: 3, approvedDate: '2026-11-11', checklist: ['不涉及国家秘密'], opinion: null });
      assert.deepEqual(c.signoffReturns, []);
      const returned = accept(migrated, { type: 'RETURN_FROM_SIGNOFF', to: 'reviewer', reason: '请再审', ...by(APPROVER, '2026-11-12', facts({ replyDue: '2026-12-01' })) });
      assert.equal(stateOf(returned), 'in_review');
      assert.equal(contextOf(returned).signoffReturns.length, 1);
    });

    it('a current snapshot passes through unchanged', () => {
      const s = approved();
      assert.deepEqual(migrateSnapshot({ machineVersion: APPLICATION_MACHINE_VERSION, snapshot: s }), s);
    });

    it('a snapshot from a newer machine, or missing context fields, is rejected', () => {
      assert.throws(() => migrateSnapshot({ machineVersion: APPLICATION_MACHINE_VERSION + 1, snapshot: registered() }), /newer/);
      assert.throws(() => migrateSnapshot({ machineVersion: 1, snapshot: V0_FIXTURE.snapshot }), /review|unknown state/);
    });
  });
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
