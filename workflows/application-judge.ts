// The judge the server asks before it persists anything: restore a persisted snapshot, refuse an
// event with the first failing rule (409, then 403, then 422 — see application-rules.ts), or apply it
// and hand back the new snapshot. Also the events an actor may send now, and snapshot migration.
// The mechanics are shared with the appeal judge (createJudge in machine-kit.ts); this file binds
// them to the application machine and keeps the names the server calls.

import { migrateToCurrent } from './application-migrations.js';
import {
  APPLICATION_STATES,
  EVENT_LABELS,
  initialApplicationContext,
  isApplicationEventType,
  isApplicationState,
  type ApplicationContext,
  type ApplicationEvent,
  type ApplicationEventType,
  type ApplicationState,
  type Facts,
  type Actor,
} from './application-types.js';
import { EVENT_RULES, RULES } from './application-rules.js';
import { APPLICATION_MACHINE_VERSION, applicationMachine } from './application-statechart.js';
import { createJudge, type JudgementOf, type PersistedSnapshot } from './machine-kit.js';

// ---------------------------------------------------------------------------------------------
// The judge API used by the server

/** The JSON the server stores (with `machineVersion`) and hands back to judgeEvent. */
export interface PersistedApplicationSnapshot extends PersistedSnapshot<ApplicationState, ApplicationContext> {}

export type Judgement = JudgementOf<PersistedApplicationSnapshot, ApplicationEventType>;

const judge = createJudge({
  name: 'application',
  rulesName: 'rules',
  machine: applicationMachine,
  stateLabels: APPLICATION_STATES,
  eventLabels: EVENT_LABELS,
  isState: isApplicationState,
  isEventType: isApplicationEventType,
  rules: RULES,
  eventRules: EVENT_RULES,
});

/** The registered application: state `processing` with an empty context. */
export function initialApplicationSnapshot(): PersistedApplicationSnapshot {
  return judge.initialSnapshot();
}

export function stateOf(persisted: PersistedApplicationSnapshot): ApplicationState {
  return judge.stateOf(persisted);
}

export function contextOf(persisted: PersistedApplicationSnapshot): ApplicationContext {
  return persisted.context;
}

/**
 * The events `actor` could send now: accepted in this state, permitted for the role, four-eyes
 * respected, and every payload-free guard (dates against `facts`) passing for `date`. Payload
 * checks are left to judgeEvent, so a listed event can still be refused with 422.
 */
export function allowedEvents(
  persisted: PersistedApplicationSnapshot,
  actor: Actor,
  facts: Facts,
  date: string,
): ApplicationEventType[] {
  return judge.allowedEvents(persisted, actor, facts, date);
}

/**
 * Judge one event against a persisted snapshot. Refusals are values; the input is never mutated.
 * Throws only for a snapshot this machine cannot restore (a data error, not a user error): it must
 * go through migrateSnapshot() first.
 */
export function judgeEvent(persisted: PersistedApplicationSnapshot, event: ApplicationEvent): Judgement {
  return judge.judge(persisted, event);
}

/**
 * Bring a stored `{ machineVersion, snapshot }` to the current version: pure migrators on
 * `{ value, context }` (application-migrations.ts), then rebuilt and validated by resolveState.
 */
export function migrateSnapshot(stored: { machineVersion: number; snapshot: unknown }): PersistedApplicationSnapshot {
  const { value, context } = migrateToCurrent(stored.machineVersion, stored.snapshot, APPLICATION_MACHINE_VERSION);
  return judge.rebuild(value, context, initialApplicationContext(), 'migrated snapshot');
}
