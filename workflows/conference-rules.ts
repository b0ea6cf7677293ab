// Case conferences (会商研判, issue 14): who may do what on a conference of a complex application.
//
// The Shanghai work points ask that complex, difficult applications get timely joint study
// (及时组织复杂疑难申请的会商研判). A caseworker or the head of the disclosure office marks the case
// complex and convenes a conference; the people invited (legal staff, the reviewer, the approver)
// and other agencies (through their inbox) each give a written opinion; the conclusion (研判意见) is
// recorded and signed off by the head of the office, after which the conference is a record and no
// longer changes. A conference is no step of the application: it does not stop the reply clock
// (Art. 33 leaves out only consultation and fee time), so the reply remains due when it was.
//
// Pure: no I/O. The caller passes the case's and the conference's facts; each rule answers with a
// verdict that names its refusal by the status it stands for (403 not this person, 409 not now).

import type { Role } from './roles.js';

export const CONFERENCE_STATUSES = {
  open: '征求意见中',
  concluded: '研判意见待签批',
  signed_off: '研判意见已签批',
} as const;
export type ConferenceStatus = keyof typeof CONFERENCE_STATUSES;

/** What a person may do on a conference now (API `actions`, queue `allowedEvents`). */
export const CONFERENCE_ACTIONS = {
  GIVE_OPINION: '提出会商意见',
  CONCLUDE: '记录研判意见',
  SIGN_OFF: '签批研判意见',
} as const;
export type ConferenceAction = keyof typeof CONFERENCE_ACTIONS;

/** Said wherever a conference is shown: Art. 33 stops the clock only for consultations and fees. */
export const CONFERENCE_CLOCK_NOTE = '会商不停止答复期限计算';

/** People who may be invited by name: they judge, review, sign and defend replies. */
export const PARTICIPANT_ROLES: readonly Role[] = ['legal', 'reviewer', 'approver'];

/** Who may mark a case complex, convene a conference and record its conclusion: the handling agency's caseworkers and its head. */
export const CONVENER_ROLES: readonly Role[] = ['caseworker', 'approver'];

export const CONFERENCE_LIMITS = { topic: 200, question: 500, questions: 20, participants: 30, opinion: 4000, conclusion: 8000, reason: 1000 } as const;

export interface ConferenceActor {
  id: number;
  role: Role | string;
  agencyId: number;
}

export interface CaseFacts {
  agencyId: number;
  /** Not closed: a conference of a closed case cannot be convened. */
  open: boolean;
}

export interface ParticipantFacts {
  kind: 'user' | 'agency';
  userId: number | null;
  agencyId: number;
  answered: boolean;
}

export interface ConferenceFacts {
  status: ConferenceStatus;
  participants: readonly ParticipantFacts[];
}

export type Verdict = { ok: true } | { ok: false; status: 403 | 409; code: string; message: string };

const ok: Verdict = { ok: true };
const no = (status: 403 | 409, code: string, message: string): Verdict => ({ ok: false, status, code, message });

const isConvener = (actor: ConferenceActor, c: CaseFacts) => actor.agencyId === c.agencyId && CONVENER_ROLES.includes(actor.role as Role);

export const SIGNED_OFF_MESSAGE = '研判意见已经签批，会商记录不可再更改';

export function mayMarkComplex(actor: ConferenceActor, c: CaseFacts): Verdict {
  if (!isConvener(actor, c)) return no(403, 'forbidden', '只有承办机关的承办人或公开工作机构负责人可以标记复杂疑难申请');
  if (!c.open) return no(409, 'case_closed', '该申请已办结，不能再标记为复杂疑难申请');
  return ok;
}

export function mayConvene(actor: ConferenceActor, c: CaseFacts): Verdict {
  if (!isConvener(actor, c)) return no(403, 'forbidden', '只有承办机关的承办人或公开工作机构负责人可以组织会商');
  if (!c.open) return no(409, 'case_closed', '该申请已办结，不能再组织会商');
  return ok;
}

/**
 * The invitation this person answers: their own as an invited person, or their agency's, answered
 * by one of its caseworkers (as a consultation letter is, Art. 34).
 */
export function participantIndexOf(actor: ConferenceActor, conf: ConferenceFacts): number {
  const own = conf.participants.findIndex((p) => p.kind === 'user' && p.userId === actor.id);
  if (own >= 0) return own;
  if (actor.role !== 'caseworker') return -1;
  return conf.participants.findIndex((p) => p.kind === 'agency' && p.agencyId === actor.agencyId);
}

export function mayGiveOpinion(actor: ConferenceActor, conf: ConferenceFacts): Verdict {
  const i = participantIndexOf(actor, conf);
  if (i < 0) return no(403, 'not_participant', '只有受邀参加会商的人员或机关（由其承办人）可以提出会商意见');
  if (conf.status === 'signed_off') return no(409, 'signed_off', SIGNED_OFF_MESSAGE);
  if (conf.status === 'concluded') return no(409, 'concluded', '会商已形成研判意见，不再接收意见');
  if (conf.participants[i]!.answered) return no(409, 'answered', '已经提出过会商意见，意见提交后不能修改');
  return ok;
}

export function mayConclude(actor: ConferenceActor, c: CaseFacts, conf: ConferenceFacts): Verdict {
  if (!isConvener(actor, c)) return no(403, 'forbidden', '只有承办机关的承办人或公开工作机构负责人可以记录研判意见');
  if (conf.status === 'signed_off') return no(409, 'signed_off', SIGNED_OFF_MESSAGE);
  if (!conf.participants.some((p) => p.answered)) return no(409, 'no_opinion', '尚未收到任何参加方的会商意见，不能形成研判意见');
  return ok;
}

export function maySignOff(actor: ConferenceActor, c: CaseFacts, conf: ConferenceFacts): Verdict {
  if (actor.role !== 'approver' || actor.agencyId !== c.agencyId) return no(403, 'forbidden', '只有承办机关的公开工作机构负责人可以签批研判意见');
  if (conf.status === 'signed_off') return no(409, 'signed_off', SIGNED_OFF_MESSAGE);
  if (conf.status !== 'concluded') return no(409, 'not_concluded', '尚未记录研判意见，不能签批');
  return ok;
}

/** Everything this person may do on the conference now. */
export function conferenceActions(actor: ConferenceActor, c: CaseFacts, conf: ConferenceFacts): ConferenceAction[] {
  const out: ConferenceAction[] = [];
  if (mayGiveOpinion(actor, conf).ok) out.push('GIVE_OPINION');
  if (mayConclude(actor, c, conf).ok) out.push('CONCLUDE');
  if (maySignOff(actor, c, conf).ok) out.push('SIGN_OFF');
  return out;
}

/**
 * Why a person cannot be invited by name, or null: one of PARTICIPANT_ROLES, active, and one who
 * sees the case (the handling agency's reviewer and approver; legal staff above it).
 */
export function inviteeProblem(candidate: { role: string; active: boolean; seesCase: boolean; name: string }): string | null {
  if (!candidate.active) return `${candidate.name}的账号已停用`;
  if (!PARTICIPANT_ROLES.includes(candidate.role as Role)) return `${candidate.name}不是法制、保密审查或公开工作机构负责人人员，不能以个人身份受邀（其他机关请按机关邀请）`;
  if (!candidate.seesCase) return `${candidate.name}无权查看该申请，请改为邀请其所在机关`;
  return null;
}
