// The XState v5 machine of one government-information-disclosure application (政府信息公开申请),
// and the "judge" the server asks before it persists anything.
//
// Pure: no HTTP, no SQL, no clock reads. Every event carries its effective `date`, the acting user
// (`actor`) and `facts` — deadlines the server computed with the statutory clock (clock.ts) BEFORE
// sending. Guards only compare `event.date` with those facts, so they stay pure and synchronous
// (`snapshot.can()` runs them). No `after` timers: legal deadlines are not restored from persisted
// snapshots (statelyai/xstate#5331); lapses arrive as ordinary events (CORRECTION_LAPSED, FEE_LAPSED).
//
// States (flat):
//   processing           办理中        initial: the application is registered and being handled
//   awaiting_correction  待补正        the one-time correction notice is out (Art. 30)
//   drafted              已拟稿        a reply is drafted (redrafting allowed)
//   in_review            保密审查中    confidentiality review ("先审查、后公开", Art. 17)
//   approved             待签发        reviewed; waiting for the head of the disclosure office to sign
//   issued               已签发待送达  signed; waiting for proof of delivery
//   closed               已办结        delivered, lapsed, withdrawn or answered on the spot; accepts only
//                                      REOPEN (重新办理, sent by legal when a reconsideration decision or
//                                      a judgment orders a new reply), which returns it to processing
//
// Reopening (machine version 2): REOPEN { appealId, newReplyDueDate, reason } resets the reply (draft,
// review, signature, delivery, decision, closing) and appends to `reopenings`; correction,
// consultations, fee and extension stay as history. Art. 33's one extension is counted per handling
// round (`Extension.round`, `currentRound`). The new deadline is the clock's (clock.ts reads
// newReplyDueDate from the REOPEN event), so facts.replyDue after a reopening is that date.
//
// Every guard is a named rule in RULES with the HTTP-ish status a refusal maps to; each transition's
// guard is `and(EVENT_RULES[type])`, so `can()` and `judgeEvent()` read the same table and cannot
// disagree. Refusal order in judgeEvent:
//   1. 409 not_allowed — the event is not accepted in this state, or the case's situation forbids it
//      now whoever sends it (correction already requested, extension already used, a fee notice is
//      still pending, no open consultation, …). We use 409 for these because retrying the same
//      request cannot succeed until the case changes, exactly like a wrong state.
//   2. 403 forbidden — the actor's role may not send it (EVENT_ROLES), or four-eyes is violated.
//   3. 422 invalid — the payload is malformed, or a date guard fails against the facts (too early to
//      declare a lapse, extension asked after replyDue, a consultation still within its period).
//
// Where things are (one reason to change each; this file only gathers their public names):
//   application-types.ts       states, context, events, labels, EVENT_ROLES and the other tables
//   application-rules.ts       RULES (the guards, their refusal status and message) and EVENT_RULES
//   application-statechart.ts  the XState machine (setup + createMachine) and APPLICATION_MACHINE_VERSION
//   application-judge.ts       judgeEvent, allowedEvents, snapshots (initial, state, context, migration)
//   application-migrations.ts  the pure migrators between machine versions
//   machine-kit.ts             what the appeal machine shares: the Rule type and payload validators,
//                              the envelope rules, the guard adapters and the judge (createJudge)
// The dependency order is types → rules → statechart → judge (→ migrations, type-only back to types),
// all of them on top of machine-kit.ts; none of them imports this file, so there is no import cycle.

export {
  APPLICATION_STATES,
  isApplicationState,
  CONSULTATION_KINDS,
  CONSULTATION_GROUNDS,
  CONSULTATION_GROUNDS_BY_KIND,
  CORRECTION_GROUNDS,
  OPINIONS,
  FEE_BASES,
  CLOSED_REASONS,
  initialApplicationContext,
  currentRound,
  EVENT_LABELS,
  APPLICATION_EVENT_TYPES,
  isApplicationEventType,
  EVENT_ROLES,
  type ApplicationState,
  type ConsultationKind,
  type ConsultationGround,
  type CorrectionGround,
  type Opinion,
  type FeeBasis,
  type ClosedReason,
  type Correction,
  type Consultation,
  type Extension,
  type Fee,
  type Draft,
  type Review,
  type Reopening,
  type ApplicationContext,
  type Facts,
  type Actor,
  type ApplicationEvent,
  type ApplicationEventType,
} from './application-types.js';
export { APPLICATION_MACHINE_VERSION, applicationMachine } from './application-statechart.js';
export {
  initialApplicationSnapshot,
  stateOf,
  contextOf,
  allowedEvents,
  judgeEvent,
  migrateSnapshot,
  type PersistedApplicationSnapshot,
  type Judgement,
} from './application-judge.js';
