// A conference as the API and the pages show it to one person: who takes part, what they wrote, the
// conclusion and its sign-off, and what this person may do now (workflows/conference-rules.ts).
import { ROLE_LABELS } from '../../workflows/roles.js';
import {
  CONFERENCE_CLOCK_NOTE, CONFERENCE_STATUSES, conferenceActions, participantIndexOf, type ConferenceAction, type ConferenceActor, type ConferenceFacts, type ConferenceStatus,
} from '../../workflows/conference-rules.js';
import type { ConferenceRow } from './conference-store.js';

const roleLabel = (role: string | null | undefined) => (role ? ((ROLE_LABELS as Record<string, string>)[role] ?? '') : '');
const person = (p: { name: string; role: string } | null) => (p ? { name: p.name, role: p.role, roleLabel: roleLabel(p.role) } : null);

export interface ConferenceParticipantView {
  id: number;
  kind: 'user' | 'agency';
  /** The person's name, or the agency's. */
  name: string;
  role: string | null;
  /** 法制、保密审查、公开工作机构负责人, or 其他机关. */
  roleLabel: string;
  agency: { code: string; name: string };
  answered: boolean;
  opinion: string | null;
  opinionBy: { name: string; role: string; roleLabel: string } | null;
  opinionDate: string | null;
  opinionAt: string | null;
}

export interface ConferenceView {
  id: number;
  applicationId: number;
  caseNumber: string;
  request: string;
  agency: { code: string; name: string };
  /** The application's reply due (cached from its clock): the conference does not move it. */
  replyDue: string | null;
  topic: string;
  questions: string[];
  status: ConferenceStatus;
  statusLabel: string;
  convenedBy: { name: string; role: string; roleLabel: string };
  convenedDate: string;
  convenedAt: string;
  participants: ConferenceParticipantView[];
  conclusion: string | null;
  concludedBy: { name: string; role: string; roleLabel: string } | null;
  concludedDate: string | null;
  concludedAt: string | null;
  signedOff: boolean;
  signedOffBy: { name: string; role: string; roleLabel: string } | null;
  signedOffDate: string | null;
  signedOffAt: string | null;
  /** 会商不停止答复期限计算. */
  clockNote: string;
  /** What the caller may do now: GIVE_OPINION, CONCLUDE, SIGN_OFF. */
  actions: ConferenceAction[];
  /** The invitation the caller answers: their own (self), their agency's (agency), or none. */
  invitedAs: 'self' | 'agency' | null;
  /** The caller sees the case itself (its agency's people, legal staff, managers); invited agencies do not. */
  caseReadable: boolean;
  url: string;
  page: string;
}

export const factsOf = (c: ConferenceRow): ConferenceFacts => ({
  status: c.status,
  participants: c.participants.map((p) => ({ kind: p.kind, userId: p.userId, agencyId: p.agency.id, answered: p.opinionAt !== null })),
});

export const caseFactsOf = (c: ConferenceRow) => ({ agencyId: c.agency.id, open: c.applicationState !== 'closed' });

function invitedAs(c: ConferenceRow, actor: ConferenceActor): 'self' | 'agency' | null {
  const i = participantIndexOf(actor, factsOf(c));
  return i < 0 ? null : c.participants[i]!.kind === 'user' ? 'self' : 'agency';
}

export function toConferenceView(c: ConferenceRow, actor: ConferenceActor, caseReadable: boolean): ConferenceView {
  return {
    id: c.id,
    applicationId: c.applicationId,
    caseNumber: c.caseNumber,
    request: c.description,
    agency: { code: c.agency.code, name: c.agency.name },
    replyDue: c.replyDue,
    topic: c.topic,
    questions: c.questions,
    status: c.status,
    statusLabel: CONFERENCE_STATUSES[c.status] ?? '',
    convenedBy: person(c.convenedBy)!,
    convenedDate: c.convenedDate,
    convenedAt: c.convenedAt,
    participants: c.participants.map((p) => ({
      id: p.id,
      kind: p.kind,
      name: p.kind === 'user' ? (p.userName ?? '') : p.agency.name,
      role: p.kind === 'user' ? p.userRole : null,
      roleLabel: p.kind === 'user' ? roleLabel(p.userRole) : '其他机关',
      agency: { code: p.agency.code, name: p.agency.name },
      answered: p.opinionAt !== null,
      opinion: p.opinion,
      opinionBy: p.opinionBy ? person({ name: p.opinionBy, role: p.opinionByRole ?? '' }) : null,
      opinionDate: p.opinionDate,
      opinionAt: p.opinionAt,
    })),
    conclusion: c.conclusion,
    concludedBy: person(c.concludedBy),
    concludedDate: c.concludedDate,
    concludedAt: c.concludedAt,
    signedOff: c.status === 'signed_off',
    signedOffBy: person(c.signedOffBy),
    signedOffDate: c.signedOffDate,
    signedOffAt: c.signedOffAt,
    clockNote: CONFERENCE_CLOCK_NOTE,
    actions: conferenceActions(actor, caseFactsOf(c), factsOf(c)),
    invitedAs: invitedAs(c, actor),
    caseReadable,
    url: `/api/conferences/${c.id}`,
    page: `/conferences/${c.id}`,
  };
}

/** One line of the case page's timeline per step of a conference (issue 14), in the order they happened. */
export interface ConferenceTimelineEntry {
  date: string;
  recordedAt: string;
  label: string;
  actor: { name: string; roleLabel: string };
  lines: string[];
  conferenceId: number;
}

export function conferenceTimeline(c: ConferenceView): ConferenceTimelineEntry[] {
  const out: ConferenceTimelineEntry[] = [{
    date: c.convenedDate, recordedAt: c.convenedAt, label: '组织会商', actor: c.convenedBy, conferenceId: c.id,
    lines: [`会商议题：${c.topic}`, `参加方：${c.participants.map((p) => p.name).join('、')}`],
  }];
  for (const p of c.participants) {
    if (!p.answered || !p.opinionBy || !p.opinionDate || !p.opinionAt) continue;
    out.push({
      date: p.opinionDate, recordedAt: p.opinionAt, label: '提出会商意见', actor: p.opinionBy, conferenceId: c.id,
      lines: [p.kind === 'agency' ? `代表${p.name}提出意见` : `${p.roleLabel}意见`],
    });
  }
  if (c.concludedBy && c.concludedDate && c.concludedAt) {
    out.push({ date: c.concludedDate, recordedAt: c.concludedAt, label: '记录研判意见', actor: c.concludedBy, conferenceId: c.id, lines: [`研判意见：${c.conclusion ?? ''}`] });
  }
  if (c.signedOffBy && c.signedOffDate && c.signedOffAt) {
    out.push({ date: c.signedOffDate, recordedAt: c.signedOffAt, label: '签批研判意见', actor: c.signedOffBy, conferenceId: c.id, lines: ['研判意见已签批，会商记录不再更改'] });
  }
  return out;
}
