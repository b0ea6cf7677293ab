// Case conferences (会商研判, issue 14): use cases. Each write is one transaction that re-reads what
// it judges, lets the rules of workflows/conference-rules.ts decide, writes and audits. A conference
// never touches the application's history or clock: the reply stays due when it was (Art. 33).
import type { Knex } from 'knex';
import { agencyAncestorIds, findAgencyByCode } from '../admin/agency-store.js';
import type { User } from '../admin/user-store.js';
import { audit } from '../audit.js';
import type { AppContext } from '../context.js';
import { conflict, invalid, notFound, refusal } from '../errors.js';
import { visibleAgencyIds } from '../policy.js';
import { loadVisible } from '../cases/application-service.js';
import { CLOSED_STATES } from '../cases/application-store.js';
import type { WorkCalendar } from '../../workflows/calendar.js';
import {
  CONFERENCE_LIMITS as L, inviteeProblem, mayConclude, mayConvene, mayGiveOpinion, mayMarkComplex, maySignOff, participantIndexOf, type Verdict,
} from '../../workflows/conference-rules.js';
import { countdown, QUEUE_DUE_LABELS, QUEUE_STEPS, type QueueItem, type QueueStep } from '../../workflows/turns.js';
import {
  conferencesWaitingFor, findComplexMark, findConference, insertComplexMark, insertConference, inviteeCandidates, recordConclusion, recordOpinion,
  recordSignOff, usersByUsername, type ComplexMark, type ConferenceRow,
} from './conference-store.js';
import { caseFactsOf, factsOf, toConferenceView, type ConferenceView } from './conference-view.js';

const judged = (v: Verdict): void => {
  if (!v.ok) throw refusal(v.status, v.code, v.message);
};

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
const strings = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).map(str).filter(Boolean);
/** A textarea of questions: one per line; JSON may send a list. */
const questionLines = (v: unknown): string[] => (Array.isArray(v) ? strings(v) : str(v).split(/\r?\n/).map((s) => s.trim()).filter(Boolean));

/** Who reads a conference: whoever sees the case, and the people and agencies invited to it. */
async function loadReadable(ctx: AppContext, user: User, id: number, db: Knex | Knex.Transaction = ctx.db): Promise<{ row: ConferenceRow; caseReadable: boolean }> {
  if (!Number.isInteger(id) || id <= 0) throw notFound('未找到该会商');
  const row = await findConference(db, id);
  if (!row) throw notFound('未找到该会商');
  const caseReadable = (await visibleAgencyIds(ctx, user, db)).includes(row.agency.id);
  const invited = row.participants.some((p) => (p.kind === 'user' && p.userId === user.id) || (p.kind === 'agency' && p.agency.id === user.agencyId));
  if (!caseReadable && !invited) throw notFound('未找到该会商');
  return { row, caseReadable };
}

export async function getConference(ctx: AppContext, user: User, id: number): Promise<ConferenceView> {
  const { row, caseReadable } = await loadReadable(ctx, user, id);
  return toConferenceView(row, user, caseReadable);
}

export async function complexMarkOf(ctx: AppContext, applicationId: number): Promise<ComplexMark | null> {
  return findComplexMark(ctx.db, applicationId);
}

/** 复杂疑难: marked once, with the reason; the mark is what a conference starts from. */
export async function markComplex(ctx: AppContext, user: User, applicationId: number, body: { reason?: unknown }, ip: string | null): Promise<ComplexMark> {
  const reason = str(body.reason);
  const row = await loadVisible(ctx, user, applicationId);
  judged(mayMarkComplex(user, { agencyId: row.agencyId, open: !CLOSED_STATES.includes(row.state) }));
  if (!reason) throw invalid({ reason: '请说明该申请复杂疑难的原因' });
  if (reason.length > L.reason) throw invalid({ reason: `不能超过 ${L.reason} 个字` });
  if (await findComplexMark(ctx.db, applicationId)) throw conflict('该申请已标记为复杂疑难申请');
  await ctx.db.transaction(async (trx) => {
    await insertComplexMark(trx, { applicationId, reason, userId: user.id, date: ctx.clock.today(), now: new Date().toISOString() });
    await audit(trx, { actor: user, action: 'application.mark_complex', entity: 'application', entityId: applicationId, detail: { caseNumber: row.caseNumber }, ip });
  });
  return (await findComplexMark(ctx.db, applicationId))!;
}

export interface ConveneInput {
  topic?: unknown;
  questions?: unknown;
  participantUsers?: unknown;
  participantAgencies?: unknown;
  complexReason?: unknown;
}

/**
 * Convenes a conference on a case of the caller's agency: the topic, the questions, the people
 * invited by username (legal staff, the reviewer, the approver) and the agencies invited by code.
 * An unmarked case is marked complex in the same transaction (the reason is then required).
 */
export async function convene(ctx: AppContext, user: User, applicationId: number, body: ConveneInput, ip: string | null): Promise<ConferenceView> {
  const row = await loadVisible(ctx, user, applicationId);
  judged(mayConvene(user, { agencyId: row.agencyId, open: !CLOSED_STATES.includes(row.state) }));
  const fields: Record<string, string> = {};
  const topic = str(body.topic);
  const questions = questionLines(body.questions);
  const usernames = [...new Set(strings(body.participantUsers))];
  const codes = [...new Set(strings(body.participantAgencies))];
  const complexReason = str(body.complexReason);
  const marked = await findComplexMark(ctx.db, applicationId);
  if (!topic) fields.topic = '请填写会商议题';
  else if (topic.length > L.topic) fields.topic = `会商议题不能超过 ${L.topic} 个字`;
  if (questions.length === 0) fields.questions = '请列出需要研判的问题（每行一个）';
  else if (questions.length > L.questions) fields.questions = `最多 ${L.questions} 个问题`;
  else if (questions.some((q) => q.length > L.question)) fields.questions = `每个问题不能超过 ${L.question} 个字`;
  if (!marked && !complexReason) fields.complexReason = '首次组织会商须说明该申请复杂疑难的原因';
  else if (complexReason.length > L.reason) fields.complexReason = `不能超过 ${L.reason} 个字`;
  if (usernames.length + codes.length === 0) fields.participants = '请至少邀请一位人员或一个机关参加会商';
  else if (usernames.length + codes.length > L.participants) fields.participants = `参加方最多 ${L.participants} 个`;

  // People: legal staff, reviewers and approvers who see the case.
  const seeing = new Set(await agencyAncestorIds(ctx.db, row.agencyId));
  const found = await usersByUsername(ctx.db, usernames);
  const people: { kind: 'user'; userId: number; agencyId: number }[] = [];
  const userProblems: string[] = [];
  for (const name of usernames) {
    const u = found.find((x) => x.username === name);
    if (!u) { userProblems.push(`系统中没有用户“${name}”`); continue; }
    // Reviewers and approvers see only their own agency's cases; legal staff also those below theirs.
    const seesCase = u.role === 'legal' ? seeing.has(u.agencyId) : u.agencyId === row.agencyId;
    const problem = u.id === user.id ? `${u.name}是会商的组织者，无需邀请` : inviteeProblem({ role: u.role, active: u.active, seesCase, name: u.name });
    if (problem) userProblems.push(problem);
    else people.push({ kind: 'user', userId: u.id, agencyId: u.agencyId });
  }
  if (userProblems.length) fields.participantUsers = userProblems.join('；');
  // Agencies: others of the system, answered through their inbox.
  const agencies: { kind: 'agency'; userId: null; agencyId: number }[] = [];
  const agencyProblems: string[] = [];
  for (const code of codes) {
    const a = await findAgencyByCode(ctx.db, code);
    if (!a) agencyProblems.push(`系统中没有机关代码“${code}”`);
    else if (a.id === row.agencyId) agencyProblems.push('本机关人员请按人员邀请');
    else agencies.push({ kind: 'agency', userId: null, agencyId: a.id });
  }
  if (agencyProblems.length) fields.participantAgencies = agencyProblems.join('；');
  if (Object.keys(fields).length) throw invalid(fields, '会商未能组织，请检查标出的内容');

  const today = ctx.clock.today();
  const now = new Date().toISOString();
  const id = await ctx.db.transaction(async (trx) => {
    // Re-read in the transaction: the case may have closed since the form was read.
    const current = await loadVisible(ctx, user, applicationId, trx);
    judged(mayConvene(user, { agencyId: current.agencyId, open: !CLOSED_STATES.includes(current.state) }));
    if (!(await findComplexMark(trx, applicationId))) {
      await insertComplexMark(trx, { applicationId, reason: complexReason, userId: user.id, date: today, now });
      await audit(trx, { actor: user, action: 'application.mark_complex', entity: 'application', entityId: applicationId, detail: { caseNumber: row.caseNumber }, ip });
    }
    const conferenceId = await insertConference(trx, {
      applicationId, agencyId: row.agencyId, topic, questions, userId: user.id, date: today, now, participants: [...people, ...agencies],
    });
    await audit(trx, {
      actor: user, action: 'conference.convene', entity: 'conference', entityId: conferenceId,
      detail: { caseNumber: row.caseNumber, applicationId, participants: people.length + agencies.length }, ip,
    });
    return conferenceId;
  });
  return getConference(ctx, user, id);
}

/** A participant's written opinion: an invited person's own, or an invited agency's by one of its caseworkers. */
export async function giveOpinion(ctx: AppContext, user: User, id: number, body: { opinion?: unknown }, ip: string | null): Promise<ConferenceView> {
  const { row } = await loadReadable(ctx, user, id);
  judged(mayGiveOpinion(user, factsOf(row)));
  const opinion = str(body.opinion);
  if (!opinion) throw invalid({ opinion: '请填写会商意见' });
  if (opinion.length > L.opinion) throw invalid({ opinion: `会商意见不能超过 ${L.opinion} 个字` });
  await ctx.db.transaction(async (trx) => {
    const { row: current } = await loadReadable(ctx, user, id, trx);
    judged(mayGiveOpinion(user, factsOf(current)));
    const participant = current.participants[participantIndexOf(user, factsOf(current))]!;
    const written = await recordOpinion(trx, { conferenceId: id, participantId: participant.id, opinion, userId: user.id, date: ctx.clock.today(), now: new Date().toISOString() });
    if (!written) throw conflict('该会商刚被他人更新，请刷新后重试');
    await audit(trx, {
      actor: user, action: 'conference.opinion', entity: 'conference', entityId: id,
      detail: { caseNumber: current.caseNumber, applicationId: current.applicationId, for: participant.kind === 'agency' ? participant.agency.code : 'self' }, ip,
    });
  });
  return getConference(ctx, user, id);
}

/** 研判意见: recorded (and, until signed off, revised) by the handling agency's caseworker or head. */
export async function conclude(ctx: AppContext, user: User, id: number, body: { conclusion?: unknown }, ip: string | null): Promise<ConferenceView> {
  const { row } = await loadReadable(ctx, user, id);
  judged(mayConclude(user, caseFactsOf(row), factsOf(row)));
  const conclusion = str(body.conclusion);
  if (!conclusion) throw invalid({ conclusion: '请填写研判意见' });
  if (conclusion.length > L.conclusion) throw invalid({ conclusion: `研判意见不能超过 ${L.conclusion} 个字` });
  await ctx.db.transaction(async (trx) => {
    const { row: current } = await loadReadable(ctx, user, id, trx);
    judged(mayConclude(user, caseFactsOf(current), factsOf(current)));
    if (!(await recordConclusion(trx, { conferenceId: id, conclusion, userId: user.id, date: ctx.clock.today(), now: new Date().toISOString() }))) {
      throw conflict('该会商刚被他人更新，请刷新后重试');
    }
    await audit(trx, {
      actor: user, action: 'conference.conclude', entity: 'conference', entityId: id,
      detail: { caseNumber: current.caseNumber, applicationId: current.applicationId, revised: current.status === 'concluded' }, ip,
    });
  });
  return getConference(ctx, user, id);
}

/** The head of the office signs the conclusion off: from then on the conference is a record and does not change. */
export async function signOff(ctx: AppContext, user: User, id: number, ip: string | null): Promise<ConferenceView> {
  const { row } = await loadReadable(ctx, user, id);
  judged(maySignOff(user, caseFactsOf(row), factsOf(row)));
  await ctx.db.transaction(async (trx) => {
    const { row: current } = await loadReadable(ctx, user, id, trx);
    judged(maySignOff(user, caseFactsOf(current), factsOf(current)));
    if (!(await recordSignOff(trx, { conferenceId: id, userId: user.id, date: ctx.clock.today(), now: new Date().toISOString(), conclusion: current.conclusion ?? '' }))) {
      throw conflict('该会商刚被他人更新，请刷新后重试');
    }
    await audit(trx, { actor: user, action: 'conference.signoff', entity: 'conference', entityId: id, detail: { caseNumber: current.caseNumber, applicationId: current.applicationId }, ip });
  });
  return getConference(ctx, user, id);
}

/**
 * The reply editor quotes signed-off conclusions of the case's conferences: appended to the reasons
 * (理由与依据) of the draft, as chosen passages are. Only this case's, only signed off (422 otherwise).
 */
export async function quoteConclusions(ctx: AppContext, user: User, applicationId: number, event: Record<string, unknown>, ids: number[]): Promise<void> {
  await loadVisible(ctx, user, applicationId);
  const texts: string[] = [];
  for (const id of [...new Set(ids)]) {
    const c = await findConference(ctx.db, id);
    if (!c || c.applicationId !== applicationId || c.status !== 'signed_off' || !c.conclusion) {
      throw invalid({ quoteConference: '只能引用本申请已签批的会商研判意见' });
    }
    texts.push(c.conclusion);
  }
  const reasons = typeof event.reasons === 'string' ? event.reasons.trim() : '';
  // Not twice: a conclusion already in the text (inserted at the cursor) is not appended again.
  const added = texts.filter((t) => !reasons.includes(t));
  if (added.length) event.reasons = [reasons, ...added].filter(Boolean).join('\n');
}

/** The people the convener may invite by name on this case (the form's checkboxes). */
export async function inviteesFor(ctx: AppContext, agencyId: number) {
  const up = await agencyAncestorIds(ctx.db, agencyId);
  return (await inviteeCandidates(ctx.db, up)).filter((u) => u.role === 'legal' || u.agencyId === agencyId);
}

/**
 * Issue 13's queue, extended (kind `conference`): an invitation waiting for the caller's opinion
 * (their own, or their agency's for its caseworkers), a conclusion for the convener once every
 * participant has answered, and a conclusion for the head of the office to sign off. Dated by the
 * case's reply due: the conference does not stop that clock.
 */
export async function conferenceQueue(ctx: AppContext, user: User, calendar: WorkCalendar): Promise<QueueItem[]> {
  const today = ctx.clock.today();
  const own = user.role === 'approver' || user.role === 'caseworker' ? [user.agencyId] : [];
  const rows = await conferencesWaitingFor(ctx.db, user, own);
  const items: QueueItem[] = [];
  for (const row of rows) {
    const view = toConferenceView(row, user, false);
    let step: QueueStep | null = null;
    if (view.actions.includes('GIVE_OPINION')) step = 'conference_opinion';
    else if (view.actions.includes('SIGN_OFF')) step = 'conference_sign';
    else if (view.actions.includes('CONCLUDE') && row.status === 'open' && row.convenedBy.id === user.id && view.participants.every((p) => p.answered)) step = 'conference_conclude';
    if (!step) continue;
    const due = row.applicationState === 'closed' ? null : row.replyDue;
    items.push({
      kind: 'conference',
      id: row.id,
      applicationId: row.applicationId,
      caseNumber: row.caseNumber,
      step,
      stepLabel: QUEUE_STEPS[step],
      dueDate: due,
      dueLabel: due ? QUEUE_DUE_LABELS.reply : null,
      ...countdown(calendar, today, due),
      provisional: false,
      allowedEvents: step === 'conference_opinion' ? ['GIVE_OPINION'] : step === 'conference_sign' ? ['SIGN_OFF'] : ['CONCLUDE'],
      agency: { code: row.agency.code, name: row.agency.name },
      summary: row.topic,
      url: view.url,
      page: view.page,
    });
  }
  return items;
}

