// The mechanics shared by the two case machines — one application (application-*.ts) and one appeal
// (appeal-*.ts). Each machine keeps its own vocabulary (states, context, events, role tables), its
// own rules and its own statechart; what is the same for both lives here:
//
//   - the event envelope (effective `date`, acting `actor`, server-computed `facts`);
//   - the Rule type (a guard with the refusal it stands for), the payload validators the rules are
//     written with, the two envelope rules every machine starts with (wellFormed, actorMayAct) and
//     the load-time check of the rule tables;
//   - the guard adapters that turn a rules table into XState guards (`and(['wellFormed', ...])`);
//   - the judge: restore a persisted snapshot, refuse an event with its first failing rule (409
//     not_allowed, then 403 forbidden, then 422 invalid), or apply it; the events an actor may send
//     now; the initial snapshot; and the rebuilding of a migrated snapshot.
//
// Pure: no HTTP, no SQL, no clock reads. This module imports neither machine, so both may import it
// without a cycle.

import { and, createActor, type AnyStateMachine, type EventObject, type GuardPredicate, type MachineContext, type Snapshot } from 'xstate';
import { formatChineseDate, isIsoDate } from './dates.js';
import { ACTOR_ROLE_LABELS, type ActorRole, type Role } from './roles.js';

// ---------------------------------------------------------------------------------------------
// Events and vocabulary

/** The user sending an event, in the role they act in for it. */
export interface MachineActor {
  id: number;
  role: ActorRole;
}

/** What every event of a case machine carries besides its type and payload. */
export interface EventEnvelope<F> {
  /** effective date, YYYY-MM-DD */
  date: string;
  actor: MachineActor;
  /** Deadlines the server computed with the statutory clock before sending the event. */
  facts: F;
}

/** Any event of a case machine: a type and the envelope (the payload is the machine's business). */
export type EnvelopedEvent = { type: string } & EventEnvelope<unknown>;

/** The type guard of a vocabulary table: is `value` one of its keys? */
export function isKeyOf<K extends string>(table: Readonly<Record<K, unknown>>, value: unknown): value is K {
  return typeof value === 'string' && Object.hasOwn(table, value);
}

/** A role table where every event is sent by the same roles (a fresh array per event). */
export function sameRolesForEvery<T extends string, R extends ActorRole = Role>(types: readonly T[], roles: readonly R[]): Record<T, readonly R[]> {
  return Object.fromEntries(types.map((type) => [type, [...roles]])) as unknown as Record<T, readonly R[]>;
}

// ---------------------------------------------------------------------------------------------
// Rules (the machines' guards), each with the refusal it stands for

export type RefusalStatus = 409 | 403 | 422;

export interface Rule<C, E> {
  status: RefusalStatus;
  /**
   * Reads only state, context, actor, date and facts — never the payload. allowedEvents() evaluates
   * these with a payload-less event; 409 and 403 rules must all be payload-free.
   */
  payloadFree: boolean;
  test: (ctx: C, ev: E) => boolean;
  message: (ctx: C, ev: E) => string;
  /** The payload field a 422 refusal is about ('' or absent: the event as a whole). */
  field?: (ctx: C, ev: E) => string;
}

/** 2024-09-30 → 2024年9月30日, the form used in documents and messages. */
export function chineseDate(iso: string | null | undefined): string {
  return isIsoDate(iso) ? formatChineseDate(iso) : '未确定';
}
export function text(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}
export function optionalString(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string';
}
export function absent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}
export function intBetween(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * The `on(type, test)` of one machine: payload rules only judge their own event type; other types
 * pass. Call once per machine, e.g. `const on = payloadRulesOn<ApplicationContext, ApplicationEvent>()`.
 */
export function payloadRulesOn<C, E extends { type: string }>() {
  return <T extends E['type']>(type: T, test: (ctx: C, ev: Extract<E, { type: T }>) => boolean) =>
    (ctx: C, ev: E): boolean =>
      ev.type !== type || test(ctx, ev as Extract<E, { type: T }>);
}

/**
 * The first rule of every event: date, actor and facts have the right shape. `factsShapeOk` checks
 * the machine's own facts (only their shape: a rule that uses a date refuses an unusable value).
 */
export function wellFormedRule<C, E extends EnvelopedEvent>(factsShapeOk: (facts: Record<string, unknown>) => boolean): Rule<C, E> {
  return {
    status: 422,
    payloadFree: true,
    test: (_ctx, ev) => {
      const actor: unknown = ev.actor;
      const facts: unknown = ev.facts;
      if (!isIsoDate(ev.date)) return false;
      if (typeof actor !== 'object' || actor === null) return false;
      const a = actor as Record<string, unknown>;
      if (!Number.isInteger(a.id) || typeof a.role !== 'string') return false;
      if (typeof facts !== 'object' || facts === null) return false;
      return factsShapeOk(facts as Record<string, unknown>);
    },
    message: () => '操作数据不完整：日期、操作人或期限信息无效',
  };
}

/** 403 unless the actor's role may send the event (`roles`); `why` is appended to the message. */
export function actorMayActRule<C, E extends EnvelopedEvent>(
  roles: Readonly<Record<E['type'], readonly ActorRole[]>>,
  labels: Readonly<Record<E['type'], string>>,
  why = '',
): Rule<C, E> {
  return {
    status: 403,
    payloadFree: true,
    test: (_ctx, ev) => roles[ev.type as E['type']].includes(ev.actor.role),
    message: (_ctx, ev) =>
      `${Object.hasOwn(ACTOR_ROLE_LABELS, ev.actor.role) ? ACTOR_ROLE_LABELS[ev.actor.role] : '该角色'}无权执行“${labels[ev.type as E['type']]}”${why}`,
  };
}

const STATUS_RANK = { 409: 0, 403: 1, 422: 2 } as const;

/**
 * Checked once at load, so a careless edit of the tables fails every test at once: each event's list
 * must be in reporting order (409, then 403, then 422), and 409/403 rules must not read the payload
 * (allowedEvents relies on it). `tableName` and `ruleNoun` name them in the error.
 */
export function checkRuleTables<N extends string>(
  rules: Readonly<Record<N, Pick<Rule<never, never>, 'status' | 'payloadFree'>>>,
  eventRules: Readonly<Record<string, readonly N[]>>,
  tableName: string,
  ruleNoun: string,
): void {
  for (const [type, names] of Object.entries(eventRules)) {
    names.forEach((name, i) => {
      const rule = rules[name];
      const previous = names[i - 1];
      if (previous !== undefined && STATUS_RANK[rules[previous].status] > STATUS_RANK[rule.status]) {
        throw new Error(`${tableName}.${type}: ${name} must come before ${previous}`);
      }
      if (rule.status !== 422 && !rule.payloadFree) throw new Error(`${ruleNoun} ${name} (${rule.status}) must be payload-free`);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Guard adapters and action helpers for the statecharts

/** Each rule under its own name as an XState guard, so the machine definition reads as data. */
export function ruleGuards<C, E, N extends string>(rules: Readonly<Record<N, Rule<C, E>>>) {
  return Object.fromEntries(
    Object.entries(rules).map(([name, rule]) => [
      name,
      ({ context, event }: { context: C; event: E }) => (rule as Rule<C, E>).test(context, event),
    ]),
  ) as Record<N, (args: { context: C; event: E }) => boolean>;
}

/** A conjunction of named guards, typed with the names so that setup() checks they exist. */
export type NamedGuards<N extends string> = GuardPredicate<MachineContext, EventObject, unknown, N extends string ? { type: N; params: undefined } : never>;

/** The guard of each event type: `and(['wellFormed', ...eventRules[type]])`, as the judge reads it. */
export function guardsByEvent<T extends string, N extends string>(eventRules: Readonly<Record<T, readonly N[]>>) {
  return (type: T): NamedGuards<'wellFormed' | N> => and(['wellFormed', ...eventRules[type]] as string[]) as NamedGuards<'wellFormed' | N>;
}

/** Narrows an action's event to the type its transition accepts (a wrong type is a machine bug). */
export function assertType<E extends { type: string }, T extends E['type']>(event: E, type: T): asserts event is Extract<E, { type: T }> {
  if (event.type !== type) throw new Error(`expected ${type}, got ${event.type}`);
}

export const trimmedOrNull = (value: string | null | undefined): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : null;

// ---------------------------------------------------------------------------------------------
// The judge

/** The JSON the server stores (with `machineVersion`) and hands back to the judge. */
export interface PersistedSnapshot<S extends string, C> {
  status: 'active' | 'done';
  value: S;
  context: C;
  children: Record<string, never>;
  historyValue?: unknown;
  output?: unknown;
  error?: unknown;
}

export type JudgementOf<P extends PersistedSnapshot<string, unknown>, T extends string> =
  | { ok: true; snapshot: P; state: P['value']; context: P['context'] }
  | {
      ok: false;
      status: 409 | 403 | 422;
      code: 'not_allowed' | 'forbidden' | 'invalid';
      message: string;
      allowedEvents: T[];
      /** The payload field the refusal is about, when a rule names one. */
      field?: string;
    };

const CODE_OF_STATUS = { 409: 'not_allowed', 403: 'forbidden', 422: 'invalid' } as const;

export function cloneJson<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export interface JudgeSpec<S extends string, C, E extends EnvelopedEvent, N extends string> {
  /** Names the machine in data-error messages ('application' → "unknown application state"). */
  name: string;
  /** Names the rules in the error thrown when `can()` and the rules disagree (a bug, never a refusal). */
  rulesName: string;
  machine: AnyStateMachine;
  stateLabels: Readonly<Record<S, string>>;
  eventLabels: Readonly<Record<E['type'], string>>;
  isState: (value: unknown) => value is S;
  isEventType: (value: unknown) => value is E['type'];
  rules: Readonly<Record<'wellFormed' | N, Rule<C, E>>>;
  /** Each event's rules after `wellFormed`, in reporting order. */
  eventRules: Readonly<Record<E['type'], readonly N[]>>;
  /** Why an event is not accepted in a state, where a plain "not in this state" would not say enough. */
  stateHint?: (type: E['type'], state: S) => string | undefined;
  /** The machine input to restore with, for a machine that takes one. */
  restoreInput?: (persisted: PersistedSnapshot<S, C>) => unknown;
}

/**
 * The judge of one machine, built from the machine, its rules table and the events each state
 * accepts (read from the machine definition). Refusal order: 409 (not accepted in this state, or a
 * 409 rule), then 403, then 422 — each event's rules are listed in that order.
 */
export function createJudge<S extends string, C, E extends EnvelopedEvent, N extends string>(spec: JudgeSpec<S, C, E, N>) {
  type T = E['type'];
  type P = PersistedSnapshot<S, C>;
  const { machine, rules, eventRules, stateLabels, eventLabels } = spec;

  /** Events each state accepts at all, read from the machine definition. */
  function acceptedEvents(state: S): T[] {
    const node = machine.states[state];
    return node ? (node.ownEvents.filter(spec.isEventType) as T[]) : [];
  }

  function restore(persisted: P) {
    const options = { snapshot: persisted as unknown as Snapshot<unknown> };
    const actor = createActor(machine, spec.restoreInput ? { ...options, input: spec.restoreInput(persisted) } : options);
    // A snapshot naming a state this machine lacks does not throw here; it errors later. Refuse it now:
    // it must be migrated first.
    if (actor.getSnapshot().status === 'error') {
      throw new Error(`${spec.name} snapshot cannot be restored by this machine version (migrate it first)`);
    }
    return actor;
  }

  function stateOf(persisted: P): S {
    const value: unknown = persisted.value;
    if (!spec.isState(value)) throw new Error(`unknown ${spec.name} state: ${JSON.stringify(value)}`);
    return value;
  }

  function firstRefusal(state: S, context: C, event: E, payloadFreeOnly: boolean): { status: RefusalStatus; message: string; field?: string } | null {
    const type: T = event.type;
    if (!acceptedEvents(state).includes(type)) {
      const hint = spec.stateHint?.(type, state);
      return { status: 409, message: `当前状态（${stateLabels[state]}）不能执行“${eventLabels[type]}”${hint ? `：${hint}` : ''}` };
    }
    for (const name of ['wellFormed', ...eventRules[type]] as const) {
      const rule: Rule<C, E> = rules[name];
      if (payloadFreeOnly && !rule.payloadFree) continue;
      if (!rule.test(context, event)) {
        const field = rule.field?.(context, event);
        return { status: rule.status, message: rule.message(context, event), ...(field ? { field } : {}) };
      }
    }
    return null;
  }

  /**
   * The events `actor` could send now: accepted in this state, and every payload-free rule (role,
   * four-eyes, dates against `facts`) passing for `date`. Payload checks are left to judge(), so a
   * listed event can still be refused with 422.
   */
  function allowedEvents(persisted: P, actor: MachineActor, facts: E['facts'], date: string): T[] {
    const state = stateOf(persisted);
    return acceptedEvents(state).filter((type) => {
      const probe = { type, date, actor, facts } as E;
      return firstRefusal(state, persisted.context, probe, true) === null;
    });
  }

  /**
   * Judge one event against a persisted snapshot. Refusals are values; the input is never mutated.
   * Throws only for a snapshot this machine cannot restore (a data error, not a user error).
   */
  function judge(persisted: P, event: E): JudgementOf<P, T> {
    const actor = restore(persisted);
    const state = stateOf(persisted);
    const refuse = (status: RefusalStatus, message: string, field?: string): JudgementOf<P, T> => {
      const allowed =
        spec.isEventType(event.type) && rules.wellFormed.test(persisted.context, event)
          ? allowedEvents(persisted, event.actor, event.facts, event.date)
          : [];
      const hint =
        status === 409
          ? allowed.length
            ? `。现在可以执行：${allowed.map((t) => eventLabels[t]).join('、')}`
            : '。现在没有您可以执行的操作'
          : '';
      return { ok: false, status, code: CODE_OF_STATUS[status], message: message + hint, allowedEvents: allowed, ...(field ? { field } : {}) };
    };
    if (!spec.isEventType(event.type)) return refuse(422, '未知的操作类型');

    const refusal = firstRefusal(state, persisted.context, event, false);
    if (refusal) return refuse(refusal.status, refusal.message, refusal.field);

    actor.start();
    const before = actor.getSnapshot();
    if (!before.can(event)) {
      actor.stop();
      throw new Error(`${spec.rulesName} and machine disagree on ${event.type} in ${state}`);
    }
    actor.send(event);
    const after = actor.getSnapshot();
    const snapshot = cloneJson<P>(actor.getPersistedSnapshot());
    actor.stop();
    if (after === before) throw new Error(`${event.type} was accepted but changed nothing`);
    return { ok: true, snapshot, state: stateOf(snapshot), context: snapshot.context };
  }

  /** A new case in the machine's initial state, as JSON (`input` for a machine that takes one). */
  function initialSnapshot(input?: unknown): P {
    if (input !== undefined) return cloneJson<P>(createActor(machine, { input }).getPersistedSnapshot());
    // Without input it is always the same: made once (an actor costs more than the copy), a copy each time.
    initialText ??= JSON.stringify(createActor(machine).getPersistedSnapshot());
    return JSON.parse(initialText) as P;
  }
  let initialText: string | undefined;

  /**
   * Rebuild a migrated `{ value, context }` with this machine: the state must exist, the context must
   * have every field of `template` (the current initial context), and resolveState recomputes the rest
   * (status included). `what` names the snapshot in the errors.
   */
  function rebuild(value: unknown, context: unknown, template: object, what: string): P {
    if (!spec.isState(value)) throw new Error(`${what} names an unknown state: ${JSON.stringify(value)}`);
    if (typeof context !== 'object' || context === null) throw new Error(`${what} has no context`);
    const missing = Object.keys(template).filter((key) => !Object.hasOwn(context, key));
    if (missing.length) throw new Error(`${what} lacks context fields: ${missing.join(', ')}`);
    const resolved = machine.resolveState({ value, context: context as C });
    return cloneJson<P>(machine.getPersistedSnapshot(resolved));
  }

  return { acceptedEvents, stateOf, allowedEvents, judge, initialSnapshot, rebuild };
}
