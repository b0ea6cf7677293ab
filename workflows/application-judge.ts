// The judge the server asks before it persists anything: restore a persisted snapshot, refuse an
// event with the first failing rule (409, then 403, then 422 — see application-rules.ts), or apply it
// and hand back the new snapshot. Also the events an actor may send now, and snapshot migration.

import { createActor, type Snapshot } from 'xstate';
import type { Role } from './roles.js';
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
} from './application-types.js';
import { EVENT_RULES, RULES, type Rule } from './application-rules.js';
import { APPLICATION_MACHINE_VERSION, applicationMachine } from './application-statechart.js';

// ---------------------------------------------------------------------------------------------
// The judge API used by the server

/** The JSON the server stores (with `machineVersion`) and hands back to judgeEvent. */
export interface PersistedApplicationSnapshot {
  status: 'active' | 'done';
  value: ApplicationState;
  context: ApplicationContext;
  children: Record<string, never>;
  historyValue?: unknown;
  output?: unknown;
  error?: unknown;
}

export type Judgement =
  | { ok: true; snapshot: PersistedApplicationSnapshot; state: ApplicationState; context: ApplicationContext }
  | {
      ok: false;
      status: 409 | 403 | 422;
      code: 'not_allowed' | 'forbidden' | 'invalid';
      message: string;
      allowedEvents: ApplicationEventType[];
    };

const CODE_OF_STATUS = { 409: 'not_allowed', 403: 'forbidden', 422: 'invalid' } as const;

/** Events each state accepts at all, read from the machine definition. */
function acceptedEvents(state: ApplicationState): ApplicationEventType[] {
  const node = applicationMachine.states[state];
  return node ? (node.ownEvents.filter(isApplicationEventType) as ApplicationEventType[]) : [];
}

function restore(persisted: PersistedApplicationSnapshot) {
  const actor = createActor(applicationMachine, { snapshot: persisted as unknown as Snapshot<unknown> });
  // A snapshot naming a state this machine lacks does not throw here; it errors later. Refuse it now:
  // it must go through migrateSnapshot() first.
  if (actor.getSnapshot().status === 'error') {
    throw new Error('application snapshot cannot be restored by this machine version (migrate it first)');
  }
  return actor;
}

/** The registered application: state `processing` with an empty context. */
export function initialApplicationSnapshot(): PersistedApplicationSnapshot {
  const actor = createActor(applicationMachine);
  const persisted = actor.getPersistedSnapshot() as unknown as PersistedApplicationSnapshot;
  return JSON.parse(JSON.stringify(persisted)) as PersistedApplicationSnapshot;
}

export function stateOf(persisted: PersistedApplicationSnapshot): ApplicationState {
  const value: unknown = persisted.value;
  if (!isApplicationState(value)) throw new Error(`unknown application state: ${JSON.stringify(value)}`);
  return value;
}

export function contextOf(persisted: PersistedApplicationSnapshot): ApplicationContext {
  return persisted.context;
}

function firstRefusal(state: ApplicationState, context: ApplicationContext, event: ApplicationEvent, payloadFreeOnly: boolean) {
  if (!acceptedEvents(state).includes(event.type)) {
    return { status: 409 as const, message: `当前状态（${APPLICATION_STATES[state]}）不能执行“${EVENT_LABELS[event.type]}”` };
  }
  for (const name of ['wellFormed', ...EVENT_RULES[event.type]] as const) {
    const rule: Rule = RULES[name];
    if (payloadFreeOnly && !rule.payloadFree) continue;
    if (!rule.test(context, event)) return { status: rule.status, message: rule.message(context, event) };
  }
  return null;
}

/**
 * The events `actor` could send now: accepted in this state, permitted for the role, four-eyes
 * respected, and every payload-free guard (dates against `facts`) passing for `date`. Payload
 * checks are left to judgeEvent, so a listed event can still be refused with 422.
 */
export function allowedEvents(
  persisted: PersistedApplicationSnapshot,
  actor: { id: number; role: Role },
  facts: Facts,
  date: string,
): ApplicationEventType[] {
  const state = stateOf(persisted);
  return acceptedEvents(state).filter((type) => {
    const probe = { type, date, actor, facts } as ApplicationEvent;
    return firstRefusal(state, persisted.context, probe, true) === null;
  });
}

/**
 * Judge one event against a persisted snapshot. Refusals are values; the input is never mutated.
 * Throws only for a snapshot this machine cannot restore (a data error, not a user error).
 */
export function judgeEvent(persisted: PersistedApplicationSnapshot, event: ApplicationEvent): Judgement {
  const actor = restore(persisted);
  const state = stateOf(persisted);
  const refuse = (status: 409 | 403 | 422, message: string): Judgement => {
    const allowed = isApplicationEventType(event.type) && RULES.wellFormed.test(persisted.context, event)
      ? allowedEvents(persisted, event.actor, event.facts, event.date)
      : [];
    const hint =
      status === 409 ? (allowed.length ? `。现在可以执行：${allowed.map((t) => EVENT_LABELS[t]).join('、')}` : '。现在没有您可以执行的操作') : '';
    return { ok: false, status, code: CODE_OF_STATUS[status], message: message + hint, allowedEvents: allowed };
  };
  if (!isApplicationEventType(event.type)) return refuse(422, '未知的操作类型');

  const refusal = firstRefusal(state, persisted.context, event, false);
  if (refusal) return refuse(refusal.status, refusal.message);

  actor.start();
  const before = actor.getSnapshot();
  if (!before.can(event)) {
    actor.stop();
    throw new Error(`rules and machine disagree on ${event.type} in ${state}`);
  }
  actor.send(event);
  const after = actor.getSnapshot();
  const snapshot = JSON.parse(JSON.stringify(actor.getPersistedSnapshot())) as PersistedApplicationSnapshot;
  actor.stop();
  if (after === before) throw new Error(`${event.type} was accepted but changed nothing`);
  return { ok: true, snapshot, state: stateOf(snapshot), context: snapshot.context };
}

/**
 * Bring a stored `{ machineVersion, snapshot }` to the current version: pure migrators on
 * `{ value, context }` (application-migrations.ts), then rebuilt and validated by resolveState.
 */
export function migrateSnapshot(stored: { machineVersion: number; snapshot: unknown }): PersistedApplicationSnapshot {
  const { value, context } = migrateToCurrent(stored.machineVersion, stored.snapshot, APPLICATION_MACHINE_VERSION);
  if (!isApplicationState(value)) throw new Error(`migrated snapshot names an unknown state: ${JSON.stringify(value)}`);
  const missing = Object.keys(initialApplicationContext()).filter((key) => !Object.hasOwn(context, key));
  if (missing.length) throw new Error(`migrated snapshot lacks context fields: ${missing.join(', ')}`);
  const resolved = applicationMachine.resolveState({ value, context: context as unknown as ApplicationContext });
  const persisted = applicationMachine.getPersistedSnapshot(resolved);
  return JSON.parse(JSON.stringify(persisted)) as PersistedApplicationSnapshot;
}
