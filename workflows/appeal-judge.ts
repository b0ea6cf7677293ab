// The judge the server asks before it persists an appeal event: restore a persisted snapshot, refuse
// an event with the first failing rule (409, then 403, then 422 — see appeal-rules.ts), or apply it
// and hand back the new snapshot. Also the events an actor may send now. Same mechanics as
// application-judge.ts (createJudge in machine-kit.ts); this file binds them to the appeal machine.

import {
  APPEAL_EVENT_LABELS,
  APPEAL_STATES,
  initialAppealContext,
  isAppealEventType,
  isAppealState,
  type AppealContext,
  type AppealEvent,
  type AppealEventType,
  type AppealFacts,
  type AppealSetup,
  type AppealState,
  type AppealActor,
} from './appeal-types.js';
import { APPEAL_EVENT_RULES, APPEAL_RULES } from './appeal-rules.js';
import { APPEAL_MACHINE_VERSION, appealMachine } from './appeal-statechart.js';
import { createJudge, type JudgementOf, type PersistedSnapshot } from './machine-kit.js';

/** The JSON the server stores (with `machineVersion`) and hands back to judgeAppealEvent. */
export interface PersistedAppealSnapshot extends PersistedSnapshot<AppealState, AppealContext> {}

export type AppealJudgement = JudgementOf<PersistedAppealSnapshot, AppealEventType>;

/** Why an event is not accepted in a state, where a plain "not in this state" would not say enough. */
const STATE_HINTS: Partial<Record<AppealEventType, Partial<Record<AppealState, string>>>> = {
  RECORD_DECISION: {
    received: '须先提交答复书（答辩状）和证据',
    answer_drafted: '须先提交答复书（答辩状）和证据',
  },
  RECORD_HEARING: {
    received: '须先提交答复书（答辩状）和证据',
    answer_drafted: '须先提交答复书（答辩状）和证据',
  },
  SUBMIT_ANSWER: { answer_submitted: '答复书（答辩状）已经提交', hearing: '答复书（答辩状）已经提交' },
  WITHDRAWN: { decided: '已作出决定（裁判），不能再撤回' },
  EXTEND_DECISION: { decided: '已作出决定，不能再延长复议期限' },
};

const judge = createJudge({
  name: 'appeal',
  rulesName: 'appeal rules',
  machine: appealMachine,
  stateLabels: APPEAL_STATES,
  eventLabels: APPEAL_EVENT_LABELS,
  isState: isAppealState,
  isEventType: isAppealEventType,
  rules: APPEAL_RULES,
  eventRules: APPEAL_EVENT_RULES,
  stateHint: (type, state) => STATE_HINTS[type]?.[state],
  // `input` only feeds the initial context, which a restored snapshot replaces; XState's types want it.
  restoreInput: ({ context: { kind, procedure, simplified } }) => ({ kind, procedure, simplified }),
});

/**
 * A newly registered appeal: state `received`. Throws RangeError when kind and procedure do not fit
 * (check with appealSetupError first to turn that into a 422).
 */
export function initialAppealSnapshot(input: AppealSetup): PersistedAppealSnapshot {
  initialAppealContext(input); // validates before XState swallows the error into an error snapshot
  return judge.initialSnapshot(input);
}

export function appealStateOf(persisted: PersistedAppealSnapshot): AppealState {
  return judge.stateOf(persisted);
}

export function appealContextOf(persisted: PersistedAppealSnapshot): AppealContext {
  return persisted.context;
}

/**
 * The events `actor` could send now: accepted in this state, permitted for the role, and every
 * payload-free guard (dates against `facts`) passing for `date`. Payload checks are left to
 * judgeAppealEvent, so a listed event can still be refused with 422.
 */
export function allowedAppealEvents(
  persisted: PersistedAppealSnapshot,
  actor: AppealActor,
  facts: AppealFacts,
  date: string,
): AppealEventType[] {
  return judge.allowedEvents(persisted, actor, facts, date);
}

/**
 * Judge one event against a persisted snapshot. Refusals are values; the input is never mutated.
 * Throws only for a snapshot this machine cannot restore (a data error, not a user error).
 */
export function judgeAppealEvent(persisted: PersistedAppealSnapshot, event: AppealEvent): AppealJudgement {
  return judge.judge(persisted, event);
}

/**
 * Check a stored `{ machineVersion, snapshot }` and rebuild it with this machine. Version 1 is the
 * only version so far; a later version adds pure migrators here (see application-migrations.ts).
 */
export function migrateAppealSnapshot(stored: { machineVersion: number; snapshot: unknown }): PersistedAppealSnapshot {
  if (stored.machineVersion > APPEAL_MACHINE_VERSION) {
    throw new Error(`appeal snapshot version ${stored.machineVersion} is newer than this machine (${APPEAL_MACHINE_VERSION})`);
  }
  if (stored.machineVersion !== APPEAL_MACHINE_VERSION) throw new Error(`no migrator for appeal snapshot version ${stored.machineVersion}`);
  const raw = stored.snapshot as { value?: unknown; context?: unknown } | null;
  const template = initialAppealContext({ kind: 'reconsideration', procedure: 'ordinary' });
  return judge.rebuild(raw?.value, raw?.context, template, 'appeal snapshot');
}
