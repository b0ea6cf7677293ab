// All SQL of case conferences (会商研判, issue 14): the complex mark, conferences and their participants.
import type { Knex } from 'knex';
import type { Db } from '../../db/knex.js';
import type { ConferenceStatus } from '../../workflows/conference-rules.js';

export interface ComplexMark {
  reason: string;
  markedBy: string;
  markedDate: string;
}

export interface ParticipantRow {
  id: number;
  kind: 'user' | 'agency';
  userId: number | null;
  userName: string | null;
  userRole: string | null;
  agency: { id: number; code: string; name: string };
  opinion: string | null;
  opinionBy: string | null;
  opinionByRole: string | null;
  opinionDate: string | null;
  opinionAt: string | null;
}

export interface ConferenceRow {
  id: number;
  applicationId: number;
  caseNumber: string;
  description: string;
  applicationState: string;
  replyDue: string | null;
  agency: { id: number; code: string; name: string };
  topic: string;
  questions: string[];
  status: ConferenceStatus;
  convenedBy: { id: number; name: string; role: string };
  convenedDate: string;
  convenedAt: string;
  conclusion: string | null;
  concludedBy: { name: string; role: string } | null;
  concludedDate: string | null;
  concludedAt: string | null;
  signedOffBy: { name: string; role: string } | null;
  signedOffDate: string | null;
  signedOffAt: string | null;
  participants: ParticipantRow[];
}

const personOf = (name: unknown, username: unknown, role: unknown) => ({ name: String(name || username || ''), role: String(role ?? '') });

function base(db: Db) {
  return db('conferences as cf')
    .join('applications as ap', 'ap.id', 'cf.application_id')
    .join('agencies as ag', 'ag.id', 'cf.agency_id')
    .join('users as cu', 'cu.id', 'cf.convened_by')
    .leftJoin('users as ku', 'ku.id', 'cf.concluded_by')
    .leftJoin('users as su', 'su.id', 'cf.signed_off_by')
    .select(
      'cf.*', { case_number: 'ap.case_number', description: 'ap.description', app_state: 'ap.state', reply_due: 'ap.reply_due' },
      { ag_code: 'ag.code', ag_name: 'ag.name' },
      { cu_name: 'cu.display_name', cu_username: 'cu.username', cu_role: 'cu.role' },
      { ku_name: 'ku.display_name', ku_username: 'ku.username', ku_role: 'ku.role' },
      { su_name: 'su.display_name', su_username: 'su.username', su_role: 'su.role' },
    );
}

async function participantsOf(db: Db, ids: number[]): Promise<Map<number, ParticipantRow[]>> {
  const out = new Map<number, ParticipantRow[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const rows: Record<string, unknown>[] = await db('conference_participants as p')
    .join('agencies as ag', 'ag.id', 'p.agency_id')
    .leftJoin('users as u', 'u.id', 'p.user_id')
    .leftJoin('users as ou', 'ou.id', 'p.opinion_by')
    .whereIn('p.conference_id', ids)
    .orderBy('p.id')
    .select('p.*', { ag_code: 'ag.code', ag_name: 'ag.name' }, { u_name: 'u.display_name', u_username: 'u.username', u_role: 'u.role' },
      { ou_name: 'ou.display_name', ou_username: 'ou.username', ou_role: 'ou.role' });
  for (const r of rows) {
    out.get(Number(r.conference_id))?.push({
      id: Number(r.id),
      kind: r.kind === 'agency' ? 'agency' : 'user',
      userId: r.user_id === null || r.user_id === undefined ? null : Number(r.user_id),
      userName: r.user_id ? String(r.u_name || r.u_username) : null,
      userRole: r.user_id ? String(r.u_role) : null,
      agency: { id: Number(r.agency_id), code: String(r.ag_code), name: String(r.ag_name) },
      opinion: (r.opinion as string | null) ?? null,
      opinionBy: r.opinion_by ? String(r.ou_name || r.ou_username) : null,
      opinionByRole: r.opinion_by ? String(r.ou_role) : null,
      opinionDate: (r.opinion_date as string | null) ?? null,
      opinionAt: (r.opinion_at as string | null) ?? null,
    });
  }
  return out;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toRow(r: any, participants: ParticipantRow[]): ConferenceRow {
  let questions: string[] = [];
  try {
    const q = JSON.parse(String(r.questions));
    if (Array.isArray(q)) questions = q.map(String);
  } catch {
    questions = [String(r.questions)];
  }
  return {
    id: Number(r.id),
    applicationId: Number(r.application_id),
    caseNumber: r.case_number,
    description: r.description,
    applicationState: r.app_state,
    replyDue: r.reply_due ?? null,
    agency: { id: Number(r.agency_id), code: r.ag_code, name: r.ag_name },
    topic: r.topic,
    questions,
    status: r.status,
    convenedBy: { id: Number(r.convened_by), ...personOf(r.cu_name, r.cu_username, r.cu_role) },
    convenedDate: r.convened_date,
    convenedAt: r.convened_at,
    conclusion: r.conclusion ?? null,
    concludedBy: r.concluded_by ? personOf(r.ku_name, r.ku_username, r.ku_role) : null,
    concludedDate: r.concluded_date ?? null,
    concludedAt: r.concluded_at ?? null,
    signedOffBy: r.signed_off_by ? personOf(r.su_name, r.su_username, r.su_role) : null,
    signedOffDate: r.signed_off_date ?? null,
    signedOffAt: r.signed_off_at ?? null,
    participants,
  };
}

async function withParticipants(db: Db, rows: unknown[]): Promise<ConferenceRow[]> {
  const ids = rows.map((r) => Number((r as { id: number }).id));
  const parts = await participantsOf(db, ids);
  return rows.map((r) => toRow(r, parts.get(Number((r as { id: number }).id)) ?? []));
}

export async function findConference(db: Db, id: number): Promise<ConferenceRow | null> {
  const r = await base(db).where('cf.id', id).first();
  return r ? (await withParticipants(db, [r]))[0]! : null;
}

export async function conferencesOfApplication(db: Db, applicationId: number): Promise<ConferenceRow[]> {
  return withParticipants(db, await base(db).where('cf.application_id', applicationId).orderBy('cf.id'));
}

/**
 * Conferences where something waits for this person: an unanswered invitation of theirs or of their
 * agency (caseworkers), conclusions to sign (approvers) and opinions to conclude (conveners), of the
 * agencies given. At most a few hundred rows.
 */
export async function conferencesWaitingFor(db: Db, user: { id: number; role: string; agencyId: number }, caseAgencyIds: number[]): Promise<ConferenceRow[]> {
  const invited = db('conference_participants as p').join('conferences as c', 'c.id', 'p.conference_id')
    .where('c.status', 'open').whereNull('p.opinion_by')
    .where((w) => {
      w.where((x) => x.where('p.kind', 'user').where('p.user_id', user.id));
      if (user.role === 'caseworker') w.orWhere((x) => x.where('p.kind', 'agency').where('p.agency_id', user.agencyId));
    })
    .select('c.id');
  const rows = await base(db)
    .where((w) => {
      w.whereIn('cf.id', invited);
      if (caseAgencyIds.length && (user.role === 'approver' || user.role === 'caseworker')) {
        w.orWhere((x) => x.whereIn('cf.agency_id', caseAgencyIds).whereIn('cf.status', ['open', 'concluded']));
      }
    })
    .orderBy('cf.id').limit(500);
  return withParticipants(db, rows);
}

export async function findComplexMark(db: Db, applicationId: number): Promise<ComplexMark | null> {
  const r = await db('complex_marks as m').join('users as u', 'u.id', 'm.marked_by').where('m.application_id', applicationId)
    .first('m.reason', 'm.marked_date', 'u.display_name', 'u.username');
  return r ? { reason: r.reason, markedBy: r.display_name || r.username, markedDate: r.marked_date } : null;
}

export async function insertComplexMark(trx: Knex.Transaction, m: { applicationId: number; reason: string; userId: number; date: string; now: string }): Promise<void> {
  await trx('complex_marks').insert({ application_id: m.applicationId, reason: m.reason, marked_by: m.userId, marked_date: m.date, marked_at: m.now });
}

export async function insertConference(trx: Knex.Transaction, c: {
  applicationId: number; agencyId: number; topic: string; questions: string[]; userId: number; date: string; now: string;
  participants: { kind: 'user' | 'agency'; userId: number | null; agencyId: number }[];
}): Promise<number> {
  const [row] = await trx('conferences').insert({
    application_id: c.applicationId, agency_id: c.agencyId, topic: c.topic, questions: JSON.stringify(c.questions), status: 'open',
    convened_by: c.userId, convened_date: c.date, convened_at: c.now,
  }).returning('id');
  const id = Number(typeof row === 'object' ? row.id : row);
  await trx('conference_participants').insert(c.participants.map((p) => ({ conference_id: id, kind: p.kind, user_id: p.userId, agency_id: p.agencyId })));
  return id;
}

/** The opinion, written only over an unanswered invitation of a conference still open (false: someone was first). */
export async function recordOpinion(trx: Knex.Transaction, o: { conferenceId: number; participantId: number; opinion: string; userId: number; date: string; now: string }): Promise<boolean> {
  const open = trx('conferences').where({ id: o.conferenceId, status: 'open' }).select('id');
  const n = await trx('conference_participants').where({ id: o.participantId, conference_id: o.conferenceId }).whereNull('opinion_by').whereIn('conference_id', open)
    .update({ opinion: o.opinion, opinion_by: o.userId, opinion_date: o.date, opinion_at: o.now });
  return Number(n) === 1;
}

/** The conclusion, over a conference not signed off (false: it was signed off meanwhile). */
export async function recordConclusion(trx: Knex.Transaction, c: { conferenceId: number; conclusion: string; userId: number; date: string; now: string }): Promise<boolean> {
  const n = await trx('conferences').where({ id: c.conferenceId }).whereIn('status', ['open', 'concluded'])
    .update({ conclusion: c.conclusion, concluded_by: c.userId, concluded_date: c.date, concluded_at: c.now, status: 'concluded' });
  return Number(n) === 1;
}

export async function recordSignOff(trx: Knex.Transaction, s: { conferenceId: number; userId: number; date: string; now: string; conclusion: string }): Promise<boolean> {
  // Signed what was read: the conclusion the approver saw, not one rewritten in between.
  const n = await trx('conferences').where({ id: s.conferenceId, status: 'concluded', conclusion: s.conclusion })
    .update({ status: 'signed_off', signed_off_by: s.userId, signed_off_date: s.date, signed_off_at: s.now });
  return Number(n) === 1;
}

/** People by username (the invitations), with their agency. */
export async function usersByUsername(db: Db, usernames: string[]): Promise<{ id: number; username: string; name: string; role: string; agencyId: number; active: boolean }[]> {
  if (usernames.length === 0) return [];
  const rows = await db('users').whereIn('username', usernames).select('id', 'username', 'display_name', 'role', 'agency_id', 'active');
  return rows.map((u: Record<string, unknown>) => ({
    id: Number(u.id), username: String(u.username), name: String(u.display_name || u.username), role: String(u.role), agencyId: Number(u.agency_id), active: Boolean(u.active),
  }));
}

/** The people who may be invited by name to a case's conference: legal staff, reviewers and approvers (filtered by the caller). */
export async function inviteeCandidates(db: Db, agencyIds: number[]): Promise<{ id: number; username: string; name: string; role: string; agencyId: number; agencyName: string }[]> {
  if (agencyIds.length === 0) return [];
  const rows = await db('users as u').join('agencies as a', 'a.id', 'u.agency_id').whereIn('u.agency_id', agencyIds)
    .whereIn('u.role', ['legal', 'reviewer', 'approver']).orderBy('u.role').orderBy('u.id')
    .select('u.id', 'u.username', 'u.display_name', 'u.role', 'u.agency_id', 'u.active', { agency_name: 'a.name' });
  return rows.filter((u: Record<string, unknown>) => Boolean(u.active)).map((u: Record<string, unknown>) => ({
    id: Number(u.id), username: String(u.username), name: String(u.display_name || u.username), role: String(u.role), agencyId: Number(u.agency_id), agencyName: String(u.agency_name),
  }));
}
