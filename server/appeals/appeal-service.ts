import type { Knex } from 'knex';
import { isUniqueViolation } from '../../db/knex.js';
import {
  APPEAL_EVENT_ROLES, APPEAL_KINDS, APPEAL_MACHINE_VERSION, APPEAL_OUTCOMES as MACHINE_OUTCOMES, APPEAL_PROCEDURES, APPEAL_STATES, APPEAL_EVENT_DATE_LABELS, appealStateLabel, allowedAppealEvents, appealSetupError, appealContextOf, appealStateOf, initialAppealSnapshot, judgeAppealEvent,
  type AppealEvent, type AppealFacts,
} from '../../workflows/appeal.machine.js';
import { computeAppealDeadlines, type AppealDeadlines } from '../../workflows/appeal-clock.js';
import type { WorkCalendar } from '../../workflows/calendar.js';
import { dateWindowProblem, isIsoDate } from '../../workflows/dates.js';
import { appealTurn, countdown, QUEUE_DUE_LABELS, QUEUE_STEPS, type QueueItem } from '../../workflows/turns.js';
import { audit } from '../audit.js';
import { findAgencyById } from '../admin/agency-store.js';
import type { User } from '../admin/user-store.js';
import { listDocuments } from '../documents/document-store.js';
import { visibleAgencyIds } from '../policy.js';
import { loadCalendar } from '../calendar-store.js';
import { applyEventInTransaction, loadVisible, loadVisibleByCaseNumber, type ApplicationRow } from '../cases/application-service.js';
import { recordChange } from '../change-feed.js';
import type { AppContext } from '../context.js';
import { conflict, DomainError, invalid, notFound, refusal } from '../errors.js';
import {
  findAppeal, findCaseNote, insertAppeal, insertAppealEvent, listAppealEvents, listAppeals, updateAppeal, appealsOfApplication,
  type AppealEventRow, type AppealFilters, type AppealRow, type AppealSource, type CaseNote,
} from './appeal-store.js';

export { APPEAL_KINDS, APPEAL_PROCEDURES };
/** Table 四's columns (domain.md §6), with the pending ones. */
export const APPEAL_OUTCOMES = { ...MACHINE_OUTCOMES, pending: '尚未审结' } as const;

export interface AppealView {
  id: number;
  applicationId: number;
  caseNumber: string;
  agency: string;
  kind: string;
  kindLabel: string;
  procedure: string;
  simplified: boolean;
  body: string;
  externalCaseNumber: string;
  receivedDate: string;
  acceptedDate: string | null;
  filedDate: string | null;
  afterReconsideration: number | null;
  claims: string | null;
  state: string;
  stateLabel: string;
  version: number;
  outcome: string | null;
  decisionType: string | null;
  decisionDate: string | null;
  decision: unknown;
  deadlines: AppealDeadlines;
  history: { seq: number; type: string; date: string; payload: Record<string, unknown>; actor: { id: number; name: string; role: string }; recordedAt: string }[];
  allowedEvents: string[];
  note: CaseNote | null;
  /** Issue 14: logged here ('desk') or received from the reconsideration body's system (with the API client's name). */
  source: AppealSource;
  sourceClient: { id: number; name: string } | null;
}

function appealDeadlines(row: Pick<AppealRow, 'kind' | 'procedure' | 'simplified' | 'receivedDate' | 'acceptedDate' | 'filedDate' | 'state'>, snapshot: unknown, calendar: WorkCalendar, today: string): AppealDeadlines {
  const c = appealContextOf(snapshot as never);
  return computeAppealDeadlines(
    {
      kind: row.kind as never,
      procedure: row.procedure as never,
      simplified: row.simplified,
      receivedDate: row.receivedDate,
      acceptedDate: row.acceptedDate,
      filedDate: row.filedDate,
      decisionExtensionDays: c.decisionExtension?.days ?? 0,
      decision: c.decision
        ? { date: c.decision.date, outcome: c.decision.outcome, decisionForm: c.decision.decisionForm ?? undefined, newReplyDueDate: c.decision.newReplyDueDate ?? null }
        : null,
      answerSubmitted: Boolean(c.answer?.submittedDate),
      closed: row.state === 'closed' || row.state === 'withdrawn',
      today,
    } as never,
    calendar,
  );
}

const factsOf = (row: Pick<AppealRow, 'receivedDate'>, d: AppealDeadlines): AppealFacts => ({ receivedDate: row.receivedDate, answerDue: d.answerDue });

async function loadVisibleAppeal(ctx: AppContext, user: User, id: number, db: Knex | Knex.Transaction = ctx.db): Promise<AppealRow> {
  if (!Number.isInteger(id) || id <= 0) throw notFound('未找到该案件');
  const row = await findAppeal(db, id);
  if (!row || !(await visibleAgencyIds(ctx, user, db)).includes(row.agencyId)) throw notFound('未找到该案件');
  return row;
}

function toView(row: AppealRow, events: AppealEventRow[], d: AppealDeadlines, allowed: string[], note: CaseNote | null): AppealView {
  const c = appealContextOf(row.snapshot as never);
  return {
    id: row.id,
    applicationId: row.applicationId,
    caseNumber: row.caseNumber,
    agency: row.agencyName,
    kind: row.kind,
    kindLabel: APPEAL_KINDS[row.kind as keyof typeof APPEAL_KINDS] ?? row.kind,
    procedure: row.procedure,
    simplified: row.simplified,
    body: row.body,
    externalCaseNumber: row.externalCaseNumber,
    receivedDate: row.receivedDate,
    acceptedDate: row.acceptedDate,
    filedDate: row.filedDate,
    afterReconsideration: row.afterReconsiderationId,
    claims: row.claims,
    state: row.state,
    stateLabel: appealStateLabel(row.kind, row.state),
    version: row.version,
    outcome: row.outcome,
    decisionType: row.decisionType,
    decisionDate: row.decisionDate,
    decision: c.decision,
    deadlines: d,
    history: events.map((e) => ({ seq: e.seq, type: e.type, date: e.date, payload: e.payload, actor: { id: e.actorId, name: e.actorName, role: e.actorRole }, recordedAt: e.recordedAt })),
    allowedEvents: allowed,
    note,
    source: row.source,
    sourceClient: row.sourceClient,
  };
}

export async function getAppealView(ctx: AppContext, user: User, id: number, calendarIn?: WorkCalendar): Promise<AppealView> {
  const row = await loadVisibleAppeal(ctx, user, id);
  const calendar = calendarIn ?? (await loadCalendar(ctx.db));
  return viewIn(ctx.db, ctx, user, row, calendar);
}

/** One appeal the actor may see, read through `db` (inside a transaction: that transaction). */
async function viewIn(db: Knex | Knex.Transaction, ctx: AppContext, user: User, row: AppealRow, calendar: WorkCalendar): Promise<AppealView> {
  const today = ctx.clock.today();
  const d = appealDeadlines(row, row.snapshot, calendar, today);
  const allowed = allowedAppealEvents(row.snapshot as never, { id: user.id, role: user.role }, factsOf(row, d), today);
  return toView(row, await listAppealEvents(db, row.id), d, allowed as string[], await findCaseNote(db, row.id));
}

/**
 * An appeal as its actor sees it now, read through `db`: inside a transaction, that transaction (the
 * data exchange, issue 14, stores its answer beside the effect, so it is read before the commit).
 */
export async function appealViewThrough(db: Knex | Knex.Transaction, ctx: AppContext, user: User, id: number): Promise<AppealView> {
  const row = await loadVisibleAppeal(ctx, user, id, db);
  return viewIn(db, ctx, user, row, await loadCalendar(db));
}

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** A new appeal's fields, checked: what registration stores. */
interface NewAppeal {
  kind: string; procedure: string; simplified: boolean; body: string; externalCaseNumber: string;
  receivedDate: string; acceptedDate: string | null; filedDate: string | null; afterReconsiderationId: number | null; claims: string | null;
}

/** Where a registered appeal came from (issue 14): the legal staff's own log, or the reconsideration body's system. */
export type NewAppealSource = { source: 'desk' } | { source: 'reconsideration_system'; clientId: number };

/** Checks what a registration sends, naming every missing or wrong field at once (422). */
async function checkNewAppeal(db: Knex | Knex.Transaction, application: ApplicationRow, body: Record<string, unknown>, today: string): Promise<NewAppeal> {
  const fields: Record<string, string> = {};
  const kind = body.kind;
  const procedure = body.procedure;
  if (kind !== 'reconsideration' && kind !== 'litigation') fields.kind = '案件类型应为行政复议或行政诉讼';
  else {
    const problem = appealSetupError({ kind, procedure, simplified: body.simplified === true || body.simplified === 'true' });
    if (problem) fields.procedure = problem;
  }
  const appealBody = str(body.body);
  if (!appealBody) fields.body = kind === 'litigation' ? '请填写受理法院' : '请填写复议机关';
  const ext = str(body.externalCaseNumber);
  if (!ext) fields.externalCaseNumber = '请填写案号';
  const dateField = (name: string, label: string, required: boolean) => {
    const v = body[name];
    if (v === undefined || v === null || v === '') {
      if (required) fields[name] = `请填写${label}`;
      return null;
    }
    if (!isIsoDate(v)) {
      fields[name] = `${label}格式应为 YYYY-MM-DD`;
      return null;
    }
    // Not before the Regulation took effect, not after today (finding 4).
    const outside = dateWindowProblem(v, today, { label });
    if (outside) fields[name] = outside;
    return v;
  };
  const receivedDate = dateField('receivedDate', '收到副本之日', true);
  const acceptedDate = dateField('acceptedDate', '受理之日', false);
  const filedDate = dateField('filedDate', '立案之日', false);
  if (receivedDate && receivedDate < application.receivedDate) fields.receivedDate = '收到副本之日不能早于收到信息公开申请之日';
  let afterReconsiderationId: number | null = null;
  if (body.afterReconsideration !== undefined && body.afterReconsideration !== null && body.afterReconsideration !== '') {
    const prior = await findAppeal(db, Number(body.afterReconsideration));
    if (!prior || prior.applicationId !== application.id || prior.kind !== 'reconsideration') {
      fields.afterReconsideration = '所引用的行政复议案件不存在或不属于该申请';
    } else if (kind !== 'litigation') {
      fields.afterReconsideration = '只有行政诉讼可以是“复议后起诉”';
    } else afterReconsiderationId = prior.id;
  }
  if (body.claims !== undefined && body.claims !== null && typeof body.claims !== 'string') fields.claims = '诉讼请求应为文字';
  if (Object.keys(fields).length) throw invalid(fields);
  return {
    kind: kind as string, procedure: procedure as string, simplified: body.simplified === true || body.simplified === 'true', body: appealBody!,
    externalCaseNumber: ext!, receivedDate: receivedDate!, acceptedDate, filedDate, afterReconsiderationId, claims: str(body.claims),
  };
}

/** Registers a checked appeal inside the caller's transaction: the appeal, its first event, the change, the audit entry. */
async function registerAppeal(
  trx: Knex.Transaction, ctx: AppContext, user: User, application: ApplicationRow, a: NewAppeal, calendar: WorkCalendar, ip: string | null, from: NewAppealSource,
): Promise<number> {
  const snapshot = initialAppealSnapshot({ kind: a.kind as never, procedure: a.procedure as never, simplified: a.simplified });
  const shape = { ...a, state: appealStateOf(snapshot) };
  const d = appealDeadlines(shape, snapshot, calendar, ctx.clock.today());
  const now = new Date().toISOString();
  const appealId = await insertAppeal(trx, {
    applicationId: application.id, agencyId: application.agencyId, kind: a.kind, procedure: a.procedure, simplified: a.simplified, body: a.body,
    externalCaseNumber: a.externalCaseNumber, receivedDate: a.receivedDate, acceptedDate: a.acceptedDate, filedDate: a.filedDate,
    afterReconsiderationId: a.afterReconsiderationId, claims: a.claims, state: shape.state, machineVersion: APPEAL_MACHINE_VERSION, snapshot,
    answerDue: d.answerDue, decisionExpected: d.decisionExpected, createdBy: user.id, now,
    source: from.source, sourceClientId: from.source === 'reconsideration_system' ? from.clientId : null,
  });
  const eventHash = await insertAppealEvent(trx, {
    appealId, seq: 1, type: 'REGISTER', date: a.receivedDate, payload: { body: a.body, externalCaseNumber: a.externalCaseNumber }, actorId: user.id, actorRole: user.role, recordedAt: now,
  });
  await recordChange(trx, {
    type: 'appeal.filed', applicationId: application.id, agencyId: application.agencyId, caseNumber: application.caseNumber, appealId,
    data: { kind: a.kind, procedure: a.procedure, body: a.body, externalCaseNumber: a.externalCaseNumber, receivedDate: a.receivedDate, source: from.source },
  });
  await audit(trx, {
    actor: user, action: 'appeal.register', entity: 'appeal', entityId: appealId,
    detail: { applicationId: application.id, kind: a.kind, procedure: a.procedure, externalCaseNumber: a.externalCaseNumber, seq: 1, eventHash, source: from.source }, ip,
  });
  return appealId;
}

export async function createAppeal(ctx: AppContext, user: User, applicationId: number, body: Record<string, unknown>, ip: string | null): Promise<AppealView> {
  if (user.role !== 'legal') throw new DomainError('forbidden', 'forbidden', '只有法制人员可以登记复议、诉讼案件');
  const application = await loadVisible(ctx, user, applicationId);
  const checked = await checkNewAppeal(ctx.db, application, body, ctx.clock.today());
  const calendar = await loadCalendar(ctx.db);
  const id = await ctx.db.transaction((trx) => registerAppeal(trx, ctx, user, application, checked, calendar, ip, { source: 'desk' }));
  return getAppealView(ctx, user, id, calendar);
}

/**
 * The reconsideration body's system files an appeal against the case with this number (issue 14),
 * inside the caller's transaction (which also keeps the request's idempotency record): the actor is
 * the API client's own, the appeal is marked as received from that system.
 */
export async function receiveAppealInTransaction(
  trx: Knex.Transaction, ctx: AppContext, actor: User, caseNumber: string, body: Record<string, unknown>, ip: string | null, clientId: number,
): Promise<number> {
  const application = await loadVisibleByCaseNumber(ctx, actor, caseNumber, trx);
  const checked = await checkNewAppeal(trx, application, body, ctx.clock.today());
  return registerAppeal(trx, ctx, actor, application, checked, await loadCalendar(trx), ip, { source: 'reconsideration_system', clientId });
}

export async function applyAppealEvent(
  ctx: AppContext,
  user: User,
  id: number,
  body: Record<string, unknown>,
  opts: { ifMatch?: number; ip: string | null },
): Promise<AppealView> {
  const calendar = await loadCalendar(ctx.db);
  try {
    await ctx.db.transaction((trx) => applyAppealEventInTransaction(trx, ctx, user, id, body, opts, calendar));
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict('该案件刚被他人修改，请刷新后重试');
    throw e;
  }
  return getAppealView(ctx, user, id, calendar);
}

/**
 * One event on one appeal inside the caller's transaction: judged by the machine, appended to the
 * appeal's history, the change recorded, audited; a decision ordering a new reply reopens the
 * application in the same transaction. Two events racing on one appeal: the loser fails on the
 * (appeal, seq) key (the caller answers 409).
 */
export async function applyAppealEventInTransaction(
  trx: Knex.Transaction,
  ctx: AppContext,
  user: User,
  id: number,
  body: Record<string, unknown>,
  opts: { ifMatch?: number; ip: string | null },
  calendar: WorkCalendar,
): Promise<void> {
  const type = body.type;
  const date = body.date;
  const today = ctx.clock.today();
  if (typeof type !== 'string' || !type) throw invalid({ type: '请指定操作类型' });
  // Issue 13: the date is named for what it is (收到…之日, 决定日期…), never 生效日期.
  const dateLabel = (APPEAL_EVENT_DATE_LABELS as Record<string, string>)[type] ?? '日期';
  if (typeof date !== 'string' || !isIsoDate(date)) throw invalid({ date: `请填写${dateLabel}（格式 YYYY-MM-DD）` });
  const outside = dateWindowProblem(date, today, { label: dateLabel });
  if (outside) throw invalid({ date: outside });
  const now = new Date().toISOString();
  const row = await loadVisibleAppeal(ctx, user, id, trx);
  if (opts.ifMatch !== undefined && opts.ifMatch !== row.version) {
    throw new DomainError('precondition_failed', 'version_mismatch', `该案件已被他人修改（当前版本 ${row.version}），请刷新后重试`);
  }
  const events = await listAppealEvents(trx, id);
  const last = events[events.length - 1];
  if (last && date < last.date) throw invalid({ date: `${dateLabel}不能早于上一次记录的日期（${last.date}）` });
  const seq = (last?.seq ?? 0) + 1;
  const payload: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!['type', 'date', 'actor', 'facts', '_csrf'].includes(k)) payload[k] = v;
  if (type === 'SUBMIT_ANSWER' && Array.isArray(payload.evidence)) {
    // Evidence is the application's own issued documents (the court receives them by number and hash).
    const own = new Set((await listDocuments(trx, row.applicationId)).filter((d) => d.status === 'issued' || d.status === 'superseded').map((d) => d.id));
    const foreign = (payload.evidence as unknown[]).filter((x) => !own.has(Number(x)));
    if (foreign.length) throw invalid({ evidence: `证据须为本申请已签发的文书（无效编号：${foreign.join('、')}）` });
  }
  const before = appealDeadlines(row, row.snapshot, calendar, date);
  const event = { ...payload, type, date, actor: { id: user.id, role: user.role }, facts: factsOf(row, before) } as unknown as AppealEvent;
  const verdict = judgeAppealEvent(row.snapshot as never, event);
  if (!verdict.ok) throw refusal(verdict.status, verdict.code, verdict.message, { allowedEvents: verdict.allowedEvents });
  const state = verdict.state as string;
  const after = appealDeadlines({ ...row, state }, verdict.snapshot, calendar, today);
  const decision = verdict.context.decision;
  const eventHash = await insertAppealEvent(trx, { appealId: id, seq, type, date, payload, actorId: user.id, actorRole: user.role, recordedAt: now });
  const ok = await updateAppeal(trx, id, row.version, {
    state, snapshot: verdict.snapshot, machineVersion: APPEAL_MACHINE_VERSION,
    outcome: decision?.outcome ?? (state === 'withdrawn' ? 'other' : null), decisionType: decision?.decisionType ?? (state === 'withdrawn' ? '撤回' : null),
    decisionDate: decision?.date ?? (state === 'withdrawn' ? date : null), answerDue: after.answerDue, decisionExpected: after.decisionExpected, now,
  });
  if (!ok) throw conflict('该案件刚被他人修改，请刷新后重试');
  // A decision ordering a new reply (重新答复) reopens the application with the deadline it sets,
  // in this same transaction: both land or neither does.
  if (type === 'RECORD_DECISION' && decision?.newReplyDueDate) {
    await applyEventInTransaction(trx, ctx, user, row.applicationId, {
      body: { type: 'REOPEN', date, appealId: id, appealKind: row.kind, newReplyDueDate: decision.newReplyDueDate, reason: `${row.body}${decision.decisionType}：${decision.summary}` },
      ip: opts.ip,
    }, calendar);
  }
  // Issue 14: the data exchange's feed and webhooks.
  const decided = type === 'RECORD_DECISION' && decision;
  await recordChange(trx, {
    type: decided ? 'appeal.decided' : 'appeal.updated', applicationId: row.applicationId, agencyId: row.agencyId, caseNumber: row.caseNumber, appealId: id,
    data: {
      event: type, date, state, externalCaseNumber: row.externalCaseNumber,
      ...(decided ? { outcome: decision.outcome, decisionType: decision.decisionType, decisionDate: decision.date, newReplyDueDate: decision.newReplyDueDate ?? null } : {}),
    },
  });
  // Audited last: the audit log's head stays locked from the entry to the commit.
  await audit(trx, { actor: user, action: `appeal.event.${type}`, entity: 'appeal', entityId: id, detail: { date, seq, from: row.state, to: state, eventHash }, ip: opts.ip });
}

export interface AppealListQuery extends Omit<AppealFilters, 'agencyIds'> {}

export async function listAppealViews(ctx: AppContext, user: User, q: AppealListQuery) {
  const rows = await listAppeals(ctx.db, { ...q, agencyIds: await visibleAgencyIds(ctx, user) });
  const calendar = await loadCalendar(ctx.db);
  const today = ctx.clock.today();
  return rows.map((row) => {
    const d = appealDeadlines(row, row.snapshot, calendar, today);
    return toView(row, [], d, [], null);
  });
}

export async function appealsForApplication(ctx: AppContext, user: User, applicationId: number) {
  await loadVisible(ctx, user, applicationId);
  const calendar = await loadCalendar(ctx.db);
  const today = ctx.clock.today();
  return (await appealsOfApplication(ctx.db, applicationId)).map((row) => toView(row, [], appealDeadlines(row, row.snapshot, calendar, today), [], null));
}

/**
 * What the registration form starts from (issue 13): the reconsideration body and the court from the
 * agency's settings, and the reconsideration cases of the application a suit may follow.
 */
export async function appealRegistrationDefaults(ctx: AppContext, user: User, applicationId: number): Promise<{
  body: { reconsideration: string; litigation: string };
  reconsiderations: { id: number; externalCaseNumber: string; body: string }[];
}> {
  const row = await loadVisible(ctx, user, applicationId);
  const agency = await findAgencyById(ctx.db, row.agencyId);
  const reconsiderations = (await appealsOfApplication(ctx.db, applicationId))
    .filter((a) => a.kind === 'reconsideration')
    .map((a) => ({ id: a.id, externalCaseNumber: a.externalCaseNumber, body: a.body }));
  return { body: { reconsideration: agency?.reconsiderationBody ?? '', litigation: agency?.court ?? '' }, reconsiderations };
}

/** The reconsideration bodies and courts of the cases the user sees, for the list's filter. */
export async function appealBodies(ctx: AppContext, user: User): Promise<string[]> {
  const rows = await listAppeals(ctx.db, { agencyIds: await visibleAgencyIds(ctx, user) });
  return [...new Set(rows.map((r) => r.body))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
}

export { loadVisibleAppeal };

/**
 * Issue 13: the appeals whose next step is this person's — the answer and evidence, then the
 * decision to record, then closing — with the date that binds each (the answer due, the decision
 * expected, the window to appeal). Only the roles that may send appeal events have any.
 */
export async function appealQueue(ctx: AppContext, user: User, calendar: WorkCalendar): Promise<QueueItem[]> {
  if (!Object.values(APPEAL_EVENT_ROLES).some((roles) => roles.includes(user.role))) return [];
  const rows = await listAppeals(ctx.db, { agencyIds: await visibleAgencyIds(ctx, user), open: true });
  const today = ctx.clock.today();
  const items: QueueItem[] = [];
  for (const row of rows) {
    const d = appealDeadlines(row, row.snapshot, calendar, today);
    const allowed = allowedAppealEvents(row.snapshot as never, { id: user.id, role: user.role }, factsOf(row, d), today) as string[];
    const turn = appealTurn(allowed);
    if (!turn) continue;
    const due = turn.due === 'answer' ? d.answerDue : turn.due === 'decision' ? d.decisionExpected : d.appealWindowOpen ? d.appealDeadline : null;
    items.push({
      kind: 'appeal',
      id: row.id,
      applicationId: row.applicationId,
      caseNumber: row.caseNumber,
      step: turn.step,
      stepLabel: QUEUE_STEPS[turn.step],
      dueDate: due,
      dueLabel: due ? QUEUE_DUE_LABELS[turn.due] : null,
      ...countdown(calendar, today, due),
      // Only a year the due date itself was counted through (the decision expected may reach further).
      provisional: due !== null && d.provisionalYears.some((y) => y <= Number(due.slice(0, 4))),
      allowedEvents: allowed,
      agency: { code: row.agencyCode, name: row.agencyName },
      summary: `${APPEAL_KINDS[row.kind as keyof typeof APPEAL_KINDS] ?? row.kind} · ${row.body}`,
      externalCaseNumber: row.externalCaseNumber,
      url: `/api/appeals/${row.id}`,
      page: `/appeals/${row.id}`,
    });
  }
  return items;
}
