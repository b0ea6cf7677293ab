// The XState v5 machine of one appeal against an information-disclosure reply — 行政复议
// (reconsideration, the agency is 被申请人) or 行政诉讼 (litigation, the agency is 被告) — and the
// judge the server asks before it persists anything. Modelled on application.machine.ts.
//
// Pure: no HTTP, no SQL, no clock reads. Every event carries its effective `date`, the acting user
// (`actor`) and `facts` — the copy's receipt date and the answer deadline the server computed with
// appeal-clock.ts BEFORE sending. Guards only compare `event.date` with those facts and the context.
//
// Kinds and procedures (the machine's input, fixed for the life of the case):
//   reconsideration: ordinary | simplified (行政复议法 2023 Art. 53: disclosure cases may be simplified)
//   litigation:      first_instance (optionally simplified, 行政诉讼法 Art. 82) | second_instance
//
// States (flat):
//   received          已收到副本          initial: the copy of the application / complaint arrived
//   answer_drafted    答复书（答辩状）已起草  a written answer is being drafted (redrafting allowed)
//   answer_submitted  已提交答复书（答辩状）和证据  answer and evidence filed (行政复议法 Arts. 48, 54; 行政诉讼法 Art. 67)
//   hearing           审理中              at least one hearing held (听证 / 开庭)
//   decided           已作出决定（裁判）   the decision, judgment or ruling is recorded
//   closed            已结案              final
//   withdrawn         已撤回              final: application withdrawn / suit withdrawn before a decision
//
// Events (only role `legal` may send any of them; everyone else gets 403):
//   DRAFT_ANSWER {summary?}                        received → answer_drafted; repeatable there
//   SUBMIT_ANSWER {evidence?: number[]}            received | answer_drafted → answer_submitted
//                                                  (late answers accepted, flagged answer.late)
//   RECORD_HEARING {note}                          answer_submitted | hearing → hearing
//   EXTEND_DECISION {days 1..30, reason}           reconsideration ordinary only, once, before decided
//                                                  (行政复议法 Art. 62); state unchanged
//   RECORD_DECISION {outcome, decisionType, summary, newReplyDueDate?, decisionForm?}
//                                                  answer_submitted | hearing → decided
//   WITHDRAWN {note?}                              any state before decided → withdrawn
//   CLOSE                                          decided → closed
//
// Refusal order (as for applications): 409 not_allowed (wrong state, or the case forbids it: not an
// ordinary reconsideration, already extended), then 403 forbidden (role), then 422 invalid (payload,
// or a date before the copy was received / the answer was submitted / the last hearing / the decision).
//
// Files: appeal-types.ts (vocabulary and tables) → appeal-rules.ts (guards) → appeal-statechart.ts
// (machine) → appeal-judge.ts (judge API); appeal-clock.ts computes the deadlines. The mechanics shared
// with applications (Rule type, validators, guard adapters, createJudge) are in machine-kit.ts. None
// imports this file.

export {
  APPEAL_KINDS,
  APPEAL_PROCEDURES,
  APPEAL_STATES,
  APPEAL_OUTCOMES,
  APPEAL_DECISION_TYPES,
  DECISION_TYPE_OUTCOMES,
  NEW_REPLY_DECISION_TYPES,
  DECISION_FORMS,
  RULING_DECISION_TYPES,
  APPEAL_EVENT_LABELS,
  APPEAL_EVENT_DATE_LABELS,
  APPEAL_ANSWER_TERMS,
  appealEventLabel,
  appealStateLabel,
  APPEAL_EVENT_TYPES,
  APPEAL_EVENT_ROLES,
  appealSetupError,
  normalizeAppealSetup,
  defaultDecisionForm,
  initialAppealContext,
  isAppealState,
  isAppealDecisionType,
  isAppealEventType,
  type AppealKind,
  type ReconsiderationProcedure,
  type LitigationProcedure,
  type AppealProcedure,
  type AppealSetup,
  type NormalizedAppealSetup,
  type AppealState,
  type AppealOutcome,
  type AppealDecisionType,
  type DecisionForm,
  type AnswerDraft,
  type Answer,
  type Hearing,
  type DecisionExtension,
  type AppealDecision,
  type AppealContext,
  type AppealFacts,
  type AppealActor,
  type AppealEvent,
  type AppealEventType,
} from './appeal-types.js';
export { MAX_DECISION_EXTENSION_DAYS } from './appeal-rules.js';
export { APPEAL_MACHINE_VERSION, appealMachine } from './appeal-statechart.js';
export {
  initialAppealSnapshot,
  appealStateOf,
  appealContextOf,
  allowedAppealEvents,
  judgeAppealEvent,
  migrateAppealSnapshot,
  type PersistedAppealSnapshot,
  type AppealJudgement,
} from './appeal-judge.js';
