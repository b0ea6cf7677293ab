// The desk's words, in one place (issue 13: "one term per concept across pages, API labels and
// documents"). Pages read them through the view helpers (`T`, and the tables by name), document
// templates through `t`, exports and PDFs by import. The label tables whose keys are a machine's
// states and events stay beside their machine; this module gathers them with the terms that cross
// features, so that no page spells a term of its own.
//
// Decisions recorded here (glossary, domain.md §1):
// - 答复期限 is the application's reply deadline (Art. 33) and nothing else. A reconsideration
//   respondent files a 行政复议答复书 by its 复议答复期限 (行政复议法 Arts. 48, 54); a defendant a
//   答辩状 by its 答辩期限 (行政诉讼法 Art. 67); a consulted party gives its opinion by its 意见期限
//   (Arts. 32, 34).
// - 办理中 is the state `processing`; every case not yet closed, whatever its state, is 未办结.
// - 签发 is the approver's sign-off of a reply (ISSUE_REPLY) and of the transfer notice signed like a
//   reply; every other document (notices, letters, receipts) is 发出 — numbered, sealed, signed
//   electronically and sent. A document's own date is its 成文日期 (GB/T 9704), its agency the 发文机关.
// - The product is the 政府信息公开申请办理系统, everywhere.

import {
  APPLICANT_KINDS, CHANNELS, DELIVERY_METHODS, DOCUMENT_DELIVERY_METHODS, ID_TYPES, ONLINE_DELIVERY_ON, ORGANISATION_CATEGORIES,
} from './glossary.js';
import { ROLE_LABELS } from './roles.js';
import { DECISION_GROUP_LABELS } from './decisions.js';
import {
  APPLICATION_STATES, CONSULTATION_KINDS, EVENT_LABELS, OPINIONS, type ApplicationEventType,
} from './application-types.js';
import {
  APPEAL_ANSWER_TERMS, APPEAL_EVENT_LABELS, APPEAL_KINDS, APPEAL_OUTCOMES, APPEAL_PROCEDURES, APPEAL_STATES,
} from './appeal-types.js';

export const PRODUCT_NAME = '政府信息公开申请办理系统';

/** Every deadline by what it is the deadline of. */
export const DEADLINES = {
  /** Art. 33: the reply to the applicant. */
  replyDue: '答复期限',
  /** Art. 30: the one-time correction notice, 7 working days from receipt. */
  correctionNoticeDue: '补正告知期限',
  /** The applicant's period to correct (§2.8: from the notice's receipt). */
  correctionDue: '补正期限',
  /** Arts. 32, 34: the consulted third party's or agency's 15 working days. */
  opinionDue: '意见期限',
  /** 国办函〔2020〕109号: 20 working days from the fee notice's receipt. */
  paymentDue: '缴费期限',
  /** Art. 35: the applicant's period to explain a large volume of applications. */
  reasonsDue: '说明理由期限',
  /** Art. 35: the reasonable later date the approver fixes. */
  laterReplyDate: '延迟答复期限',
  /** 行政复议法 Arts. 48, 54: the respondent's written answer (行政复议答复书). */
  reconsiderationAnswerDue: APPEAL_ANSWER_TERMS.reconsideration.answerDue,
  /** 行政诉讼法 Art. 67: the defendant's statement of defence (答辩状). */
  litigationAnswerDue: APPEAL_ANSWER_TERMS.litigation.answerDue,
  /** 行政复议法 Art. 62, 行政诉讼法 Arts. 81, 83, 88. */
  decisionExpected: '预计审结日期',
  /** 行政诉讼法 Art. 85 (appeal), 行政复议法 Art. 26 / 行政诉讼法 Art. 45 (suit after reconsideration). */
  appealDeadline: '上诉（起诉）期限',
  /** A decision or judgment that orders a new reply (行政复议法 Art. 64, 行政诉讼法 Art. 70). */
  newReplyDue: '重新答复期限',
} as const;

/** The answer deadline of an appeal, by its kind. */
export const appealAnswerDueLabel = (kind: string): string =>
  kind === 'litigation' ? DEADLINES.litigationAnswerDue : kind === 'reconsideration' ? DEADLINES.reconsiderationAnswerDue : '答复（答辩）期限';

/** Words for where cases stand, across lists, filters and reports. */
export const CASE_TERMS = {
  /** Every case not closed, whatever its state (not 办理中, which is one state). */
  open: '未办结',
  closed: '已办结',
  overdue: '已超期',
  dueSoon: '即将到期',
} as const;

/** Issuing documents: only the approver signs off (签发) a reply; every other document is sent (发出). */
export const ISSUE_TERMS = {
  signOff: '签发',
  signedOff: '已签发',
  send: '发出',
  sent: '已发出',
  /** GB/T 9704-2012 7.3.5: the date a document bears. */
  documentDate: '成文日期',
  issuingAgency: '发文机关',
} as const;

/** The standard documents (domain.md §7) by kind. */
export const DOCUMENT_KINDS = {
  reply: '答复书',
  receipt: '登记回执',
  correction_notice: '补正申请告知书',
  extension_notice: '延期答复告知书',
  consultation_letter: '征求意见书（函）',
  fee_notice: '收费通知书',
  delivery_receipt: '送达回证',
  reasons_request: '说明理由通知书',
  later_reply_notice: '延迟答复告知书',
} as const;

/** A document's status (已签发 for a reply, 已发出 for the rest) and the verb of issuing it: one definition, in glossary.ts. */
import { DOCUMENT_STATUSES } from './glossary.js';
export { documentStatusLabel, issueVerb } from './glossary.js';
export const DOCUMENT_STATUS = DOCUMENT_STATUSES;

/** What the date of each event is (never 生效日期): one definition, beside the event types. */
export { EVENT_DATE_LABELS } from './application-types.js';
import { EVENT_DATE_LABELS } from './application-types.js';
import { CONFERENCE_ACTIONS, CONFERENCE_CLOCK_NOTE, CONFERENCE_STATUSES } from './conference-rules.js';
export { CONFERENCE_ACTIONS, CONFERENCE_CLOCK_NOTE, CONFERENCE_STATUSES };

/**
 * How far a deadline is, as a person says it (issue 13: "已超期 3 个工作日", never "-3").
 * `workingDaysLeft`: negative when overdue (the working days since), 0 on the day itself.
 */
export function workingDaysLeftText(workingDaysLeft: number | null | undefined): string {
  if (workingDaysLeft === null || workingDaysLeft === undefined || !Number.isFinite(workingDaysLeft)) return '—';
  if (workingDaysLeft < 0) return `${CASE_TERMS.overdue} ${-workingDaysLeft} 个工作日`;
  if (workingDaysLeft === 0) return '今日到期';
  return `剩 ${workingDaysLeft} 个工作日`;
}

/** The whole vocabulary, as pages and documents receive it. */
export const TERMS = {
  PRODUCT_NAME,
  DEADLINES,
  CASE_TERMS,
  ISSUE_TERMS,
  DOCUMENT_KINDS,
  DOCUMENT_STATUS,
  EVENT_DATE_LABELS,
  APPLICATION_STATES,
  EVENT_LABELS,
  CHANNELS,
  DELIVERY_METHODS,
  DOCUMENT_DELIVERY_METHODS,
  ONLINE_DELIVERY_ON,
  APPLICANT_KINDS,
  ORGANISATION_CATEGORIES,
  ID_TYPES,
  CONSULTATION_KINDS,
  OPINIONS,
  ROLE_LABELS,
  DECISION_GROUP_LABELS,
  APPEAL_KINDS,
  APPEAL_PROCEDURES,
  APPEAL_STATES,
  APPEAL_OUTCOMES,
  APPEAL_EVENT_LABELS,
  APPEAL_ANSWER_TERMS,
  CONFERENCE_STATUSES,
  CONFERENCE_ACTIONS,
  CONFERENCE_CLOCK_NOTE,
} as const;
