import assert from 'node:assert/strict';
import { createActor, type Snapshot } from 'xstate';
import {
  allowedAppealEvents,
  appealContextOf,
  appealMachine,
  appealSetupError,
  appealStateOf,
  APPEAL_DECISION_TYPES,
  APPEAL_EVENT_LABELS,
  APPEAL_EVENT_ROLES,
  APPEAL_EVENT_TYPES,
  APPEAL_MACHINE_VERSION,
  APPEAL_STATES,
  DECISION_TYPE_OUTCOMES,
  initialAppealSnapshot,
  judgeAppealEvent,
  migrateAppealSnapshot,
  type AppealActor,
  type AppealDecisionType,
  type AppealEvent,
  type AppealEventType,
  type AppealFacts,
  type AppealOutcome,
  type AppealSetup,
  type PersistedAppealSnapshot,
} from '../../workflows/appeal.machine.js';
import { ROLES } from '../../workflows/roles.js';

const LEGAL: AppealActor = { id: 7, role: 'legal' };

/**
 * Facts as the server computes them for a reconsideration copy received Tue 2025-09-30: answer due
 * 2025-10-21 (10 working days across the National Day break, see appeal-clock.test.ts).
 */
function facts(overrides: Partial<AppealFacts> = {}): AppealFacts {
  return { receivedDate: '2025-09-30', answerDue: '2025-10-21', ...overrides };
}
function by(actor: AppealActor = LEGAL, date = '2025-10-09', f: AppealFacts = facts()) {
  return { actor, date, facts: f };
}

function accept(snapshot: PersistedAppealSnapshot, event: AppealEvent): PersistedAppealSnapshot {
  const judgement = judgeAppealEvent(snapshot, event);
  if (!judgement.ok) assert.fail(`${event.type} refused: ${judgement.status} ${judgement.message}`);
  return judgement.snapshot;
}
function run(snapshot: PersistedAppealSnapshot, ...events: AppealEvent[]): PersistedAppealSnapshot {
  return events.reduce(accept, snapshot);
}
function liveActor(snapshot: PersistedAppealSnapshot) {
  const { kind, procedure, simplified } = snapshot.context;
  return createActor(appealMachine, { snapshot: snapshot as unknown as Snapshot<unknown>, input: { kind, procedure, simplified } });
}
/** Asserts a refusal with `status`, that nothing changed, and that the machine itself agrees. */
function refuse(snapshot: PersistedAppealSnapshot, event: AppealEvent, status: 409 | 403 | 422) {
  const before = JSON.stringify(snapshot);
  const judgement = judgeAppealEvent(snapshot, event);
  if (judgement.ok) assert.fail(`${event.type} was accepted, expected ${status}`);
  assert.equal(judgement.status, status, judgement.message);
  assert.equal(judgement.code, { 409: 'not_allowed', 403: 'forbidden', 422: 'invalid' }[status]);
  assert.equal(JSON.stringify(snapshot), before, 'the persisted snapshot was mutated');
  const actor = liveActor(snapshot).start();
  const live = actor.getSnapshot();
  assert.equal(live.can(event), false, 'machine guard accepts what the judge refused');
  actor.send(event);
  assert.equal(actor.getSnapshot(), live, 'a refused event changed the live snapshot');
  actor.stop();
  return judgement;
}

const RECON: AppealSetup = { kind: 'reconsideration', procedure: 'ordinary' };
const SIMPLE_RECON: AppealSetup = { kind: 'reconsideration', procedure: 'simplified' };
const FIRST: AppealSetup = { kind: 'litigation', procedure: 'first_instance' };
const SECOND: AppealSetup = { kind: 'litigation', procedure: 'second_instance' };

const received = (setup: AppealSetup = RECON) => initialAppealSnapshot(setup);
const drafted = (setup: AppealSetup = RECON) => accept(received(setup), { type: 'DRAFT_ANSWER', summary: '答复要点', ...by(LEGAL, '2025-10-09') });
const submitted = (setup: AppealSetup = RECON) =>
  accept(drafted(setup), { type: 'SUBMIT_ANSWER', evidence: [11, 12], ...by(LEGAL, '2025-10-10') });
const heard = (setup: AppealSetup = RECON) =>
  accept(submitted(setup), { type: 'RECORD_HEARING', note: '听证：申请人、被申请人到场', ...by(LEGAL, '2025-10-20') });
function decide(
  decisionType: AppealDecisionType,
  extra: Partial<Extract<AppealEvent, { type: 'RECORD_DECISION' }>> = {},
): AppealEvent {
  const outcome = DECISION_TYPE_OUTCOMES[decisionType] as AppealOutcome;
  return { type: 'RECORD_DECISION', outcome, decisionType, summary: '决定内容', ...by(LEGAL, '2025-11-03'), ...extra } as AppealEvent;
}
const decided = (setup: AppealSetup = RECON) => accept(heard(setup), decide('维持'));

/** One sample event of each type, valid where the state accepts it. */
function sample(type: AppealEventType, date = '2025-11-10', actor: AppealActor = LEGAL): AppealEvent {
  const envelope = by(actor, date);
  switch (type) {
    case 'DRAFT_ANSWER':
      return { type, ...envelope };
    case 'SUBMIT_ANSWER':
      return { type, ...envelope };
    case 'RECORD_HEARING':
      return { type, note: '开庭', ...envelope };
    case 'EXTEND_DECISION':
      return { type, days: 30, reason: '案情复杂', ...envelope };
    case 'RECORD_DECISION':
      return { type, outcome: 'upheld', decisionType: '维持', summary: '维持', ...envelope };
    case 'WITHDRAWN':
      return { type, ...envelope };
    case 'CLOSE':
      return { type, ...envelope };
  }
}

describe('appeal machine', () => {
  describe('registration', () => {
    it('a new appeal is received, with an empty record', () => {
      const s = received();
      assert.equal(appealStateOf(s), 'received');
      assert.equal(s.status, 'active');
      assert.deepEqual(appealContextOf(s), {
        kind: 'reconsideration',
        procedure: 'ordinary',
        simplified: false,
        answer: { drafts: [], submittedDate: null, evidence: [], late: false },
        hearings: [],
        decisionExtension: null,
        decision: null,
        closedDate: null,
        withdrawnDate: null,
      });
      assert.equal(APPEAL_MACHINE_VERSION, 1);
    });

    it('settles `simplified` from kind and procedure', () => {
      assert.equal(appealContextOf(received(SIMPLE_RECON)).simplified, true);
      assert.equal(appealContextOf(received({ ...SIMPLE_RECON, simplified: false })).simplified, true);
      assert.equal(appealContextOf(received({ ...RECON, simplified: true })).simplified, false);
      assert.equal(appealContextOf(received(FIRST)).simplified, false);
      assert.equal(appealContextOf(received({ ...FIRST, simplified: true })).simplified, true);
      assert.equal(appealContextOf(received({ ...SECOND, simplified: true })).simplified, false);
    });

    it('refuses a procedure that does not belong to the kind', () => {
      assert.throws(() => initialAppealSnapshot({ kind: 'reconsideration', procedure: 'first_instance' }), RangeError);
      assert.throws(() => initialAppealSnapshot({ kind: 'litigation', procedure: 'ordinary' }), RangeError);
      assert.throws(() => initialAppealSnapshot({ kind: 'petition' as never, procedure: 'ordinary' }), RangeError);
      assert.match(appealSetupError({ kind: 'litigation', procedure: 'simplified' }) ?? '', /第一审/);
      assert.equal(appealSetupError(SECOND), null);
    });

    it('labels every state in Chinese', () => {
      assert.deepEqual(APPEAL_STATES, {
        received: '已收到副本',
        answer_drafted: '答复书（答辩状）已起草',
        answer_submitted: '已提交答复书（答辩状）和证据',
        hearing: '审理中',
        decided: '已作出决定（裁判）',
        closed: '已结案',
        withdrawn: '已撤回',
      });
      for (const type of APPEAL_EVENT_TYPES) assert.match(APPEAL_EVENT_LABELS[type], /\p{Script=Han}/u);
    });
  });

  describe('transitions', () => {
    it('accepts exactly these events in each state (ordinary reconsideration)', () => {
      const expected: Record<string, AppealEventType[]> = {
        received: ['DRAFT_ANSWER', 'SUBMIT_ANSWER', 'EXTEND_DECISION', 'WITHDRAWN'],
        answer_drafted: ['DRAFT_ANSWER', 'SUBMIT_ANSWER', 'EXTEND_DECISION', 'WITHDRAWN'],
        answer_submitted: ['RECORD_HEARING', 'EXTEND_DECISION', 'RECORD_DECISION', 'WITHDRAWN'],
        hearing: ['RECORD_HEARING', 'EXTEND_DECISION', 'RECORD_DECISION', 'WITHDRAWN'],
        decided: ['CLOSE'],
        closed: [],
        withdrawn: [],
      };
      const snapshots: Record<string, PersistedAppealSnapshot> = {
        received: received(),
        answer_drafted: drafted(),
        answer_submitted: submitted(),
        hearing: heard(),
        decided: decided(),
        closed: accept(decided(), { type: 'CLOSE', ...by(LEGAL, '2025-11-20') }),
        withdrawn: accept(received(), { type: 'WITHDRAWN', ...by() }),
      };
      for (const [state, snapshot] of Object.entries(snapshots)) {
        assert.equal(appealStateOf(snapshot), state);
        assert.deepEqual(allowedAppealEvents(snapshot, LEGAL, facts(), '2025-11-20'), expected[state], state);
        for (const type of APPEAL_EVENT_TYPES) {
          if (!expected[state]!.includes(type)) refuse(snapshot, sample(type, '2025-11-20'), 409);
        }
      }
    });

    it('DRAFT_ANSWER drafts the answer and may be repeated while drafting', () => {
      const s = drafted();
      assert.equal(appealStateOf(s), 'answer_drafted');
      const again = accept(s, { type: 'DRAFT_ANSWER', ...by(LEGAL, '2025-10-10') });
      assert.equal(appealStateOf(again), 'answer_drafted');
      assert.deepEqual(appealContextOf(again).answer.drafts, [
        { date: '2025-10-09', summary: '答复要点' },
        { date: '2025-10-10', summary: null },
      ]);
      const trimmed = accept(received(), { type: 'DRAFT_ANSWER', summary: '  程序合法  ', ...by() });
      assert.equal(appealContextOf(trimmed).answer.drafts[0]?.summary, '程序合法');
    });

    it('DRAFT_ANSWER needs a text summary if any', () => {
      refuse(received(), { type: 'DRAFT_ANSWER', summary: 42 as never, ...by() }, 422);
    });

    it('SUBMIT_ANSWER records the date and the evidence, from drafting or straight away', () => {
      const s = submitted();
      assert.equal(appealStateOf(s), 'answer_submitted');
      assert.deepEqual(appealContextOf(s).answer, {
        drafts: [{ date: '2025-10-09', summary: '答复要点' }],
        submittedDate: '2025-10-10',
        evidence: [11, 12],
        late: false,
      });
      const direct = accept(received(), { type: 'SUBMIT_ANSWER', evidence: [5, 5, 6], ...by() });
      assert.equal(appealStateOf(direct), 'answer_submitted');
      assert.deepEqual(appealContextOf(direct).answer.evidence, [5, 6]);
      assert.deepEqual(appealContextOf(accept(received(), { type: 'SUBMIT_ANSWER', ...by() })).answer.evidence, []);
    });

    it('SUBMIT_ANSWER on the due date is on time; a day later it is accepted but flagged late', () => {
      const onTime = accept(received(), { type: 'SUBMIT_ANSWER', ...by(LEGAL, '2025-10-21') });
      assert.equal(appealContextOf(onTime).answer.late, false);
      const late = accept(received(), { type: 'SUBMIT_ANSWER', ...by(LEGAL, '2025-10-22') });
      assert.equal(appealStateOf(late), 'answer_submitted');
      assert.equal(appealContextOf(late).answer.late, true);
    });

    it('SUBMIT_ANSWER needs document ids as evidence and a known answer deadline', () => {
      for (const evidence of [[0], [-1], [1.5], ['3'], 'doc-1', {}]) {
        refuse(received(), { type: 'SUBMIT_ANSWER', evidence: evidence as never, ...by() }, 422);
      }
      refuse(received(), { type: 'SUBMIT_ANSWER', ...by(LEGAL, '2025-10-09', facts({ answerDue: '' })) }, 422);
    });

    it('SUBMIT_ANSWER happens once', () => {
      const j = refuse(submitted(), { type: 'SUBMIT_ANSWER', ...by(LEGAL, '2025-10-11') }, 409);
      assert.match(j.message, /答复书（答辩状）已经提交/);
      refuse(heard(), { type: 'SUBMIT_ANSWER', ...by(LEGAL, '2025-10-21') }, 409);
    });

    it('RECORD_HEARING moves to hearing and appends each hearing', () => {
      const s = heard();
      assert.equal(appealStateOf(s), 'hearing');
      const twice = accept(s, { type: 'RECORD_HEARING', note: ' 第二次开庭 ', ...by(LEGAL, '2025-10-27') });
      assert.equal(appealStateOf(twice), 'hearing');
      assert.deepEqual(appealContextOf(twice).hearings, [
        { date: '2025-10-20', note: '听证：申请人、被申请人到场' },
        { date: '2025-10-27', note: '第二次开庭' },
      ]);
    });

    it('RECORD_HEARING needs a note, the answer first, and a date not before the answer', () => {
      refuse(submitted(), { type: 'RECORD_HEARING', note: '  ', ...by(LEGAL, '2025-10-20') }, 422);
      refuse(submitted(), { type: 'RECORD_HEARING', ...by(LEGAL, '2025-10-20') } as unknown as AppealEvent, 422);
      const j = refuse(drafted(), { type: 'RECORD_HEARING', note: '开庭', ...by(LEGAL, '2025-10-20') }, 409);
      assert.match(j.message, /须先提交答复书（答辩状）和证据/);
      refuse(received(), { type: 'RECORD_HEARING', note: '开庭', ...by(LEGAL, '2025-10-20') }, 409);
      refuse(submitted(), { type: 'RECORD_HEARING', note: '开庭', ...by(LEGAL, '2025-10-09') }, 422);
    });
  });

  describe('extension of the reconsideration period (行政复议法 Art. 62)', () => {
    it('an ordinary reconsideration may be extended once by up to 30 days, in any state before the decision', () => {
      for (const s of [received(), drafted(), submitted(), heard()]) {
        const state = appealStateOf(s);
        const next = accept(s, { type: 'EXTEND_DECISION', days: 30, reason: ' 案情复杂 ', ...by(LEGAL, '2025-10-21') });
        assert.equal(appealStateOf(next), state);
        assert.deepEqual(appealContextOf(next).decisionExtension, { days: 30, reason: '案情复杂', date: '2025-10-21' });
      }
      accept(received(), { type: 'EXTEND_DECISION', days: 1, reason: '需要补充调查', ...by() });
    });

    it('only once', () => {
      const s = accept(received(), { type: 'EXTEND_DECISION', days: 10, reason: '案情复杂', ...by() });
      const j = refuse(s, { type: 'EXTEND_DECISION', days: 5, reason: '仍需调查', ...by(LEGAL, '2025-10-10') }, 409);
      assert.match(j.message, /只能延长一次/);
    });

    it('not for a simplified reconsideration nor in court', () => {
      for (const setup of [SIMPLE_RECON, FIRST, SECOND, { ...FIRST, simplified: true }]) {
        const j = refuse(received(setup), { type: 'EXTEND_DECISION', days: 10, reason: '复杂', ...by() }, 409);
        assert.match(j.message, /第六十二条/);
      }
    });

    it('not after the decision', () => {
      const j = refuse(decided(), { type: 'EXTEND_DECISION', days: 10, reason: '复杂', ...by(LEGAL, '2025-11-04') }, 409);
      assert.match(j.message, /不能再延长/);
    });

    it('1 to 30 whole days, with a reason', () => {
      for (const days of [0, 31, 2.5, -3, '10']) {
        refuse(received(), { type: 'EXTEND_DECISION', days: days as never, reason: '复杂', ...by() }, 422);
      }
      refuse(received(), { type: 'EXTEND_DECISION', days: 10, reason: ' ', ...by() }, 422);
    });
  });

  describe('the decision', () => {
    it('RECORD_DECISION from answer_submitted or hearing records the decision', () => {
      for (const s of [submitted(), heard()]) {
        const next = accept(s, decide('撤销并责令重作', { newReplyDueDate: '2025-12-01', summary: ' 撤销原答复，限期重新答复 ' }));
        assert.equal(appealStateOf(next), 'decided');
        assert.equal(next.status, 'active');
        assert.deepEqual(appealContextOf(next).decision, {
          date: '2025-11-03',
          outcome: 'corrected',
          decisionType: '撤销并责令重作',
          decisionForm: null,
          newReplyDueDate: '2025-12-01',
          summary: '撤销原答复，限期重新答复',
        });
      }
    });

    it('RECORD_DECISION is refused before the answer was submitted', () => {
      for (const s of [received(), drafted()]) {
        const j = refuse(s, decide('维持'), 409);
        assert.match(j.message, /须先提交答复书（答辩状）和证据/);
      }
    });

    it('each decision type counts as in domain.md §5', () => {
      assert.deepEqual(
        { ...DECISION_TYPE_OUTCOMES },
        {
          维持: 'upheld',
          驳回: 'upheld',
          驳回诉讼请求: 'upheld',
          撤销: 'corrected',
          撤销并责令重作: 'corrected',
          确认违法: 'corrected',
          责令履行: 'corrected',
          限期履行: 'corrected',
          变更: 'corrected',
          确认无效: 'corrected',
          调解: 'other',
          和解: 'other',
          撤回: 'other',
          终止: 'other',
        },
      );
      assert.deepEqual(Object.keys(DECISION_TYPE_OUTCOMES), [...APPEAL_DECISION_TYPES]);
    });

    it('the outcome must agree with the decision type', () => {
      const outcomes: AppealOutcome[] = ['upheld', 'corrected', 'other'];
      for (const decisionType of APPEAL_DECISION_TYPES) {
        for (const outcome of outcomes) {
          const event = decide(decisionType, { outcome });
          if (outcome === DECISION_TYPE_OUTCOMES[decisionType]) {
            assert.equal(appealContextOf(accept(submitted(), event)).decision?.outcome, outcome);
          } else {
            const j = refuse(submitted(), event, 422);
            assert.match(j.message, new RegExp(decisionType));
          }
        }
      }
    });

    it('outcome, decision type and summary must be valid', () => {
      refuse(submitted(), decide('维持', { outcome: 'pending' as never }), 422);
      refuse(submitted(), decide('维持', { decisionType: '不予受理' as never }), 422);
      refuse(submitted(), decide('维持', { summary: '  ' }), 422);
    });

    it('a new reply due date only with a decision ordering a new reply, not before the decision', () => {
      for (const decisionType of ['撤销并责令重作', '责令履行', '限期履行', '撤销'] as const) {
        const s = accept(submitted(), decide(decisionType, { newReplyDueDate: '2025-11-03' }));
        assert.equal(appealContextOf(s).decision?.newReplyDueDate, '2025-11-03');
      }
      for (const decisionType of ['维持', '确认违法', '变更', '调解'] as const) {
        refuse(submitted(), decide(decisionType, { newReplyDueDate: '2025-12-01' }), 422);
        accept(submitted(), decide(decisionType, { newReplyDueDate: null }));
      }
      refuse(submitted(), decide('撤销', { newReplyDueDate: '2025-11-02' }), 422);
      refuse(submitted(), decide('撤销', { newReplyDueDate: '2025-11-31' }), 422);
      assert.equal(appealContextOf(accept(submitted(), decide('撤销'))).decision?.newReplyDueDate, null);
    });

    it('the new reply due date is a plan: at most two years after the decision (finding 4)', () => {
      accept(submitted(), decide('撤销', { newReplyDueDate: '2027-11-03' }));
      const far = refuse(submitted(), decide('撤销', { newReplyDueDate: '2027-11-04' }), 422);
      assert.equal(far.message, '重新答复期限不能晚于2027年11月3日（2年之内）');
    });

    it('not before the answer was submitted, nor before the last hearing', () => {
      refuse(submitted(), decide('维持', by(LEGAL, '2025-10-09')), 422);
      refuse(heard(), decide('维持', by(LEGAL, '2025-10-19')), 422);
      accept(heard(), decide('维持', by(LEGAL, '2025-10-20')));
    });

    it('in court: a judgment by default, a ruling for withdrawal, termination and mediation', () => {
      const forms = Object.fromEntries(
        APPEAL_DECISION_TYPES.map((t) => [t, appealContextOf(accept(submitted(FIRST), decide(t))).decision?.decisionForm]),
      );
      for (const t of APPEAL_DECISION_TYPES) {
        assert.equal(forms[t], ['撤回', '终止', '调解'].includes(t) ? 'ruling' : 'judgment', t);
      }
      const ruling = accept(submitted(FIRST), decide('驳回', { decisionForm: 'ruling' }));
      assert.equal(appealContextOf(ruling).decision?.decisionForm, 'ruling');
      const second = accept(submitted(SECOND), decide('维持', { decisionForm: 'judgment' }));
      assert.equal(appealContextOf(second).decision?.decisionForm, 'judgment');
      refuse(submitted(FIRST), decide('维持', { decisionForm: 'order' as never }), 422);
    });

    it('a reconsideration decision has no judgment/ruling form', () => {
      refuse(submitted(), decide('维持', { decisionForm: 'judgment' }), 422);
      assert.equal(appealContextOf(accept(submitted(), decide('维持', { decisionForm: null }))).decision?.decisionForm, null);
    });
  });

  describe('withdrawal and closing', () => {
    it('WITHDRAWN ends the case from any state before the decision, counting as other / 撤回', () => {
      for (const s of [received(), drafted(), submitted(), heard()]) {
        const next = accept(s, { type: 'WITHDRAWN', ...by(LEGAL, '2025-10-24') });
        assert.equal(appealStateOf(next), 'withdrawn');
        assert.equal(next.status, 'done');
        assert.equal(appealContextOf(next).withdrawnDate, '2025-10-24');
        assert.deepEqual(appealContextOf(next).decision, {
          date: '2025-10-24',
          outcome: 'other',
          decisionType: '撤回',
          decisionForm: null,
          newReplyDueDate: null,
          summary: '申请人撤回行政复议申请',
        });
      }
      const suit = accept(submitted(FIRST), { type: 'WITHDRAWN', note: ' 原告申请撤诉，法院裁定准许 ', ...by(LEGAL, '2025-10-24') });
      assert.equal(appealContextOf(suit).decision?.decisionForm, 'ruling');
      assert.equal(appealContextOf(suit).decision?.summary, '原告申请撤诉，法院裁定准许');
    });

    it('WITHDRAWN needs a text note if any, and is too late once decided', () => {
      refuse(received(), { type: 'WITHDRAWN', note: 1 as never, ...by() }, 422);
      const j = refuse(decided(), { type: 'WITHDRAWN', ...by(LEGAL, '2025-11-04') }, 409);
      assert.match(j.message, /不能再撤回/);
    });

    it('CLOSE ends a decided case, not before the decision', () => {
      const s = accept(decided(), { type: 'CLOSE', ...by(LEGAL, '2025-11-03') });
      assert.equal(appealStateOf(s), 'closed');
      assert.equal(s.status, 'done');
      assert.equal(appealContextOf(s).closedDate, '2025-11-03');
      refuse(decided(), { type: 'CLOSE', ...by(LEGAL, '2025-11-02') }, 422);
      refuse(heard(), { type: 'CLOSE', ...by(LEGAL, '2025-11-20') }, 409);
    });

    it('final states accept nothing', () => {
      const closed = accept(decided(), { type: 'CLOSE', ...by(LEGAL, '2025-11-20') });
      const withdrawn = accept(received(), { type: 'WITHDRAWN', ...by() });
      for (const s of [closed, withdrawn]) {
        for (const type of APPEAL_EVENT_TYPES) {
          const j = refuse(s, sample(type, '2025-11-21'), 409);
          assert.match(j.message, /现在没有您可以执行的操作$/);
          assert.deepEqual(j.allowedEvents, []);
        }
      }
    });
  });

  describe('guards shared by every event', () => {
    it('only the legal department may send appeal events (and the reconsideration body\'s system what that body does)', () => {
      for (const [type, roles] of Object.entries(APPEAL_EVENT_ROLES)) {
        assert.deepEqual(roles, type === 'DRAFT_ANSWER' || type === 'SUBMIT_ANSWER' ? ['legal'] : ['legal', 'exchange'], type);
      }
      const cases: [PersistedAppealSnapshot, AppealEventType][] = [
        [received(), 'DRAFT_ANSWER'],
        [received(), 'SUBMIT_ANSWER'],
        [received(), 'EXTEND_DECISION'],
        [received(), 'WITHDRAWN'],
        [submitted(), 'RECORD_HEARING'],
        [submitted(), 'RECORD_DECISION'],
        [decided(), 'CLOSE'],
      ];
      for (const role of ROLES.filter((r) => r !== 'legal')) {
        for (const [s, type] of cases) {
          const j = refuse(s, sample(type, '2025-11-20', { id: 9, role }), 403);
          assert.match(j.message, /法制/);
        }
      }
      refuse(received(), sample('WITHDRAWN', '2025-11-20', { id: 9, role: 'applicant' as never }), 403);
    });

    it('the reconsideration body\'s system (issue 14) records the hearing and the decision, never the respondent\'s answer', () => {
      const system: AppealActor = { id: 11, role: 'exchange' };
      for (const type of ['DRAFT_ANSWER', 'SUBMIT_ANSWER'] as const) {
        const j = refuse(received(), sample(type, '2025-11-20', system), 403);
        assert.match(j.message, /^对接系统无权执行/);
      }
      const heardBySystem = accept(submitted(), { type: 'RECORD_HEARING', note: '书面审理', ...by(system, '2025-10-20') });
      accept(heardBySystem, decide('维持', by(system, '2025-11-20')));
    });

    it('no event may be dated before the copy was received', () => {
      const early = '2025-09-29';
      refuse(received(), { type: 'DRAFT_ANSWER', ...by(LEGAL, early) }, 422);
      refuse(received(), { type: 'SUBMIT_ANSWER', ...by(LEGAL, early) }, 422);
      refuse(received(), { type: 'EXTEND_DECISION', days: 10, reason: '复杂', ...by(LEGAL, early) }, 422);
      const j = refuse(received(), { type: 'WITHDRAWN', ...by(LEGAL, early) }, 422);
      assert.match(j.message, /2025年9月30日/);
      const s = accept(received(), { type: 'SUBMIT_ANSWER', ...by(LEGAL, '2025-09-30') });
      refuse(s, { type: 'RECORD_HEARING', note: '开庭', ...by(LEGAL, early, facts({ receivedDate: '2025-09-30' })) }, 422);
      refuse(s, decide('维持', by(LEGAL, early)), 422);
      const d = accept(s, decide('维持', by(LEGAL, '2025-09-30')));
      refuse(d, { type: 'CLOSE', ...by(LEGAL, early) }, 422);
      refuse(received(), { type: 'DRAFT_ANSWER', ...by(LEGAL, '2025-10-09', facts({ receivedDate: 'unknown' })) }, 422);
    });

    it('malformed envelopes and unknown event types are invalid', () => {
      refuse(received(), { type: 'DRAFT_ANSWER', ...by(LEGAL, '2025-10-9') }, 422);
      refuse(received(), { type: 'DRAFT_ANSWER', ...by(LEGAL, '2025-02-30') }, 422);
      refuse(received(), { type: 'DRAFT_ANSWER', ...by({ id: 'x' as never, role: 'legal' }) }, 422);
      refuse(received(), { type: 'DRAFT_ANSWER', date: '2025-10-09', actor: LEGAL, facts: null as never }, 422);
      const j = judgeAppealEvent(received(), { type: 'REOPEN', ...by() } as unknown as AppealEvent);
      assert.equal(j.ok, false);
      assert.equal(!j.ok && j.status, 422);
      assert.deepEqual(!j.ok && j.allowedEvents, []);
    });

    it('reports a wrong state before a wrong role, the case situation before the role, the role before the payload', () => {
      refuse(received(), { type: 'CLOSE', ...by({ id: 9, role: 'manager' }) }, 409);
      refuse(received(FIRST), { type: 'EXTEND_DECISION', days: 10, reason: '复杂', ...by({ id: 9, role: 'caseworker' }) }, 409);
      refuse(received(), { type: 'EXTEND_DECISION', days: 99, reason: '', ...by({ id: 9, role: 'caseworker' }) }, 403);
      refuse(received(), { type: 'DRAFT_ANSWER', ...by({ id: 9, role: 'approver' }, '2025-01-01') }, 403);
    });
  });

  describe('allowed events', () => {
    it('lists what the legal department may do now', () => {
      assert.deepEqual(allowedAppealEvents(received(), LEGAL, facts(), '2025-10-09'), ['DRAFT_ANSWER', 'SUBMIT_ANSWER', 'EXTEND_DECISION', 'WITHDRAWN']);
      assert.deepEqual(allowedAppealEvents(received(FIRST), LEGAL, facts(), '2025-10-09'), ['DRAFT_ANSWER', 'SUBMIT_ANSWER', 'WITHDRAWN']);
      assert.deepEqual(allowedAppealEvents(received(), { id: 1, role: 'caseworker' }, facts(), '2025-10-09'), []);
      const extended = accept(submitted(), { type: 'EXTEND_DECISION', days: 30, reason: '复杂', ...by(LEGAL, '2025-10-20') });
      assert.deepEqual(allowedAppealEvents(extended, LEGAL, facts(), '2025-10-20'), ['RECORD_HEARING', 'RECORD_DECISION', 'WITHDRAWN']);
    });

    it('leaves out events whose date guards fail on that date', () => {
      // On 2025-10-15 (after the answer of 10-10, before the hearing of 10-20) a hearing may still be
      // recorded, but no decision may precede the last recorded hearing.
      assert.deepEqual(allowedAppealEvents(received(), LEGAL, facts(), '2025-09-29'), []);
      assert.deepEqual(allowedAppealEvents(received(), LEGAL, facts({ answerDue: '' }), '2025-10-09'), ['DRAFT_ANSWER', 'EXTEND_DECISION', 'WITHDRAWN']);
      assert.deepEqual(allowedAppealEvents(heard(), LEGAL, facts(), '2025-10-15'), ['RECORD_HEARING', 'EXTEND_DECISION', 'WITHDRAWN']);
      assert.deepEqual(allowedAppealEvents(decided(), LEGAL, facts(), '2025-11-02'), []);
    });

    it('the 409 refusal names the state and the allowed events in Chinese', () => {
      const j = refuse(received(), sample('CLOSE', '2025-10-09'), 409);
      assert.equal(j.message, '当前状态（已收到副本）不能执行“结案”。现在可以执行：起草答复书（答辩状）、提交答复书（答辩状）和证据、延长复议期限、记录撤回');
      assert.deepEqual(j.allowedEvents, ['DRAFT_ANSWER', 'SUBMIT_ANSWER', 'EXTEND_DECISION', 'WITHDRAWN']);
    });
  });

  describe('snapshots', () => {
    it('judging never mutates the stored snapshot', () => {
      const frozen = deepFreeze(heard());
      const j = judgeAppealEvent(frozen, decide('维持'));
      assert.equal(j.ok, true);
      assert.equal(appealStateOf(frozen), 'hearing');
    });

    it('a whole litigation survives JSON storage between every event', () => {
      const events: AppealEvent[] = [
        { type: 'DRAFT_ANSWER', summary: '答复程序合法', ...by(LEGAL, '2025-10-09') },
        { type: 'DRAFT_ANSWER', summary: '补充证据目录', ...by(LEGAL, '2025-10-10') },
        { type: 'SUBMIT_ANSWER', evidence: [101, 102], ...by(LEGAL, '2025-10-13') },
        { type: 'RECORD_HEARING', note: '第一次开庭', ...by(LEGAL, '2025-11-05') },
        { type: 'RECORD_DECISION', outcome: 'upheld', decisionType: '驳回诉讼请求', summary: '判决驳回原告诉讼请求', ...by(LEGAL, '2025-12-01') },
        { type: 'CLOSE', ...by(LEGAL, '2025-12-20') },
      ];
      let stored = JSON.stringify(initialAppealSnapshot(FIRST));
      for (const event of events) stored = JSON.stringify(accept(JSON.parse(stored) as PersistedAppealSnapshot, event));
      const final = JSON.parse(stored) as PersistedAppealSnapshot;
      assert.equal(appealStateOf(final), 'closed');
      assert.equal(final.status, 'done');
      assert.equal(appealContextOf(final).decision?.decisionForm, 'judgment');
      assert.equal(appealContextOf(final).answer.drafts.length, 2);
    });

    it('a snapshot naming an unknown state is refused loudly', () => {
      const stale = { ...received(), value: 'registered' } as unknown as PersistedAppealSnapshot;
      assert.throws(() => judgeAppealEvent(stale, sample('DRAFT_ANSWER', '2025-10-09')), /migrate|unknown appeal state/);
    });

    it('migrateAppealSnapshot passes a current snapshot and rejects newer or incomplete ones', () => {
      const s = heard();
      assert.deepEqual(migrateAppealSnapshot({ machineVersion: APPEAL_MACHINE_VERSION, snapshot: s }), s);
      const done = accept(decided(), { type: 'CLOSE', ...by(LEGAL, '2025-11-20') });
      assert.equal(migrateAppealSnapshot({ machineVersion: 1, snapshot: { value: done.value, context: done.context } }).status, 'done');
      assert.throws(() => migrateAppealSnapshot({ machineVersion: APPEAL_MACHINE_VERSION + 1, snapshot: s }), /newer/);
      assert.throws(() => migrateAppealSnapshot({ machineVersion: 1, snapshot: { value: 'open', context: s.context } }), /unknown state/);
      const { hearings: _dropped, ...partial } = s.context;
      assert.throws(() => migrateAppealSnapshot({ machineVersion: 1, snapshot: { value: 'hearing', context: partial } }), /hearings/);
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
