// The judge the server asks before it persists an appeal event: restore a persisted snapshot, refuse
// an event with the first failing rule (409, then 403, then 422 — see appeal-rules.ts), or apply it
// and hand back the new snapshot. Also the events an actor may send now. Same shape and conventions
// as application-judge.ts.

import { createActor, type Snapshot } from 'xstate';
import type { Role } from './roles.js';
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
} from './appeal-types.js';
import { APPEAL_EVENT_RULES, APPEAL_RULES, type AppealRule } from './appeal-rules.js';
import { APPEAL_MACHINE_VERSION, appealMachine } from './appeal-statechart.js';

/** The JSON the server stores (with `machineVersion`) and hands back to judgeAppealEvent. */
export interface PersistedAppealSnapshot {
  status: 'active' | 'done';
  value: AppealState;
  context: AppealContext;
  children: Record<string, never>;
  historyValue?: unknown;
  output?: unknown;
  error?: unknown;
}

export type AppealJudgement =
  | { ok: true; snapshot: PersistedAppealSnapshot; state: AppealState; context: AppealContext }
  | {
      ok: false;
      status: 409 | 403 | 422;
      code: 'not_allowed' | 'forbidden' | 'invalid';
      message: string;
      allowedEvents: AppealEventType[];
    };

const CODE_OF_STATUS = { 409: 'not_allowed', 403: 'forbidden', 422: 'invalid' } as const;

/** Why an event is not accepted in a state, where a plain "not in this state" would not say enough. */
const STATE_HINTS: Partial<Record<AppealEventType, Partial<Record<AppealState, string>>>> = {
  RECORD_DECISION: {
    received: '须先提交答复和证据',
    answer_drafted: '须先提交答复和证据',
  },
  RECORD_HEARING: {
    received: '须先提交答复和证据',
    answer_drafted: '须先提交答复和证据',
  },
  SUBMIT_ANSWER: { answer_submitted: '答复已经提交', hearing: '答复已经提交' },
  WITHDRAWN: { decided: '已作出决定/裁判，不能再撤回' },
  EXTEND_DECISION: { decided: '已作出决定，不能再延长复议期限' },
};

function acceptedEvents(state: AppealState): AppealEventType[] {
  const node = appealMachine.states[state];
  return node ? (node.ownEvents.filter(isAppealEventType) as AppealEventType[]) : [];
}

function restore(persisted: PersistedAppealSnapshot) {
  // `input` only feeds the initial context, which a restored snapshot replaces; XState's types want it.
  const { kind, procedure, simplified } = persisted.context;
  const actor = createActor(appealMachine, { snapshot: persisted as unknown as Snapshot<unknown>, input: { kind, procedure, simplified } });
  if (actor.getSnapshot().status === 'error') {
    throw new Error('appeal snapshot cannot be restored by this machine version (migrate it first)');
  }
  return actor;
}

function cloneJson<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * A newly registered appeal: state `received`. Throws RangeError when kind and procedure do not fit
 * (check with appealSetupError first to turn that into a 422).
 */
export function initialAppealSnapshot(input: AppealSetup): PersistedAppealSnapshot {
  initialAppealContext(input); // validates before XState swallows the error into an error snapshot
  const actor = createActor(appealMachine, { input });
  return cloneJson<PersistedAppealSnapshot>(actor.getPersistedSnapshot());
}

export function appealStateOf(persisted: PersistedAppealSnapshot): AppealState {
  const value: unknown = persisted.value;
  if (!isAppealState(value)) throw new Error(`unknown appeal state: ${JSON.stringify(value)}`);
  return value;
}

export function appealContextOf(persisted: PersistedAppealSnapshot): AppealContext {
  return persisted.context;
}

function firstRefusal(state: AppealState, context: AppealContext, event: AppealEvent, payloadFreeOnly: boolean) {
  if (!acceptedEvents(state).includes(event.type)) {
    const hint = STATE_HINTS[event.type]?.[state];
    return {
      status: 409 as const,
      message: `当前状态（${APPEAL_STATES[state]}）不能执行“${APPEAL_EVENT_LABELS[event.type]}”${hint ? `：${hint}` : ''}`,
    };
  }
  for (const name of ['wellFormed', ...APPEAL_EVENT_RULES[event.type]] as const) {
    const rule: AppealRule = APPEAL_RULES[name];
    if (payloadFreeOnly && !rule.payloadFree) continue;
    if (!rule.test(context, event)) return { status: rule.status, message: rule.message(context, event) };
  }
  return null;
}

/**
 * The events `actor` could send now: accepted in this state, permitted for the role, and every
 * payload-free guard (dates against `facts`) passing for `date`. Payload checks are left to
 * judgeAppealEvent, so a listed event can still be refused with 422.
 */
export function allowedAppealEvents(
  persisted: PersistedAppealSnapshot,
  actor: { id: number; role: Role },
  facts: AppealFacts,
  date: string,
): AppealEventType[] {
  const state = appealStateOf(persisted);
  return acceptedEvents(state).filter((type) => {
    const probe = { type, date, actor, facts } as AppealEvent;
    return firstRefusal(state, persisted.context, probe, true) === null;
  });
}

/**
 * Judge one event against a persisted snapshot. Refusals are values; the input is never mutated.
 * Throws only for a snapshot this machine cannot restore (a data error, not a user error).
 */
export function judgeAppealEvent(persisted: PersistedAppealSnapshot, event: AppealEvent): AppealJudgement {
  const actor = restore(persisted);
  const state = appealStateOf(persisted);
  const refuse = (status: 409 | 403 | 422, message: string): AppealJudgement => {
    const allowed =
      isAppealEventType(event.type) && APPEAL_RULES.wellFormed.test(persisted.context, event)
        ? allowedAppealEvents(persisted, event.actor, event.facts, event.date)
        : [];
    const hint =
      status === 409
        ? allowed.length
          ? `。现在可以执行：${allowed.map((t) => APPEAL_EVENT_LABELS[t]).join('、')}`
          : '。现在没有您可以执行的操作'
        : '';
    return { ok: false, status, code: CODE_OF_STATUS[status], message: message + hint, allowedEvents: allowed };
  };
  if (!isAppealEventType(event.type)) return refuse(422, '未知的操作类型');

  const refusal = firstRefusal(state, persisted.context, event, false);
  if (refusal) return refuse(refusal.status, refusal.message);

  actor.start();
  const before = actor.getSnapshot();
  if (!before.can(event)) {
    actor.stop();
    throw new Error(`appeal rules and machine disagree on ${event.type} in ${state}`);
  }
  actor.send(event);
  const after = actor.getSnapshot();
  const snapshot = cloneJson<PersistedAppealSnapshot>(actor.getPersistedSnapshot());
  actor.stop();
  if (after === before) throw new Error(`${event.type} was accepted but changed nothing`);
  return { ok: true, snapshot, state: appealStateOf(snapshot), context: snapshot.context };
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
  const value = raw?.value;
  const context = raw?.context;
  if (!isAppealState(value)) throw new Error(`appeal snapshot names an unknown state: ${JSON.stringify(value)}`);
  if (typeof context !== 'object' || context === null) throw new Error('appeal snapshot has no context');
  const template = initialAppealContext({ kind: 'reconsideration', procedure: 'ordinary' });
  const missing = Object.keys(template).filter((key) => !Object.hasOwn(context, key));
  if (missing.length) throw new Error(`appeal snapshot lacks context fields: ${missing.join(', ')}`);
  const resolved = appealMachine.resolveState({ value, context: context as AppealContext });
  return cloneJson<PersistedAppealSnapshot>(appealMachine.getPersistedSnapshot(resolved));
}
