import {
  CONTACT_CHANNELS, CONTACT_OUTCOMES, DATA_FILE_FORMATS, DATA_FORMS,
  CHANNELS, DELIVERY_METHODS, DOCUMENT_DELIVERY_METHODS, ID_TYPES, ORGANISATION_CATEGORIES, APPLICANT_KINDS, deliveryMethodLabel,
} from '../../workflows/glossary.js';
import { ACTOR_ROLE_LABELS } from '../../workflows/roles.js';
import {
  APPLICATION_STATES, CONSULTATION_GROUNDS, CONSULTATION_GROUNDS_BY_KIND, CORRECTION_GROUNDS, EVENT_LABELS as MACHINE_EVENT_LABELS, OPINIONS,
} from '../../workflows/application.machine.js';
import { NOTICE_DELIVERED, NOTICE_ISSUED } from '../../workflows/notice-periods.js';
import { formatChineseDate } from '../../workflows/dates.js';
import { DECISION_GROUP_LABELS } from '../../workflows/decisions.js';
import {
  CASE_TERMS, DEADLINES, EVENT_DATE_LABELS, ISSUE_TERMS, PRODUCT_NAME, TERMS, appealAnswerDueLabel, documentStatusLabel, issueVerb, workingDaysLeftText,
} from '../../workflows/terms.js';
import { APPEAL_EVENT_DATE_LABELS, appealEventLabel, appealStateLabel } from '../../workflows/appeal.machine.js';
import { BEIJING_TIME, beijingDate, beijingTime } from '../../workflows/dates.js';
import { MIN_LENGTH as PASSWORD_MIN_LENGTH, PASSWORD_RULES } from '../auth/password-policy.js';

/** Labels of the history entries: the machine's events, the registration itself, and the issue and delivery of notices (§2.8). */
export const EVENT_LABELS: Record<string, string> = { REGISTER: '登记', ...MACHINE_EVENT_LABELS, [NOTICE_ISSUED]: '发出通知', [NOTICE_DELIVERED]: '文书送达' };

/** Where a period that runs from a notice's receipt is counted from, as the case page says it (§2.8). */
const NOTICE_STATUS_LABELS: Record<string, string> = {
  delivered: '自送达之日起算',
  awaiting_delivery: '待送达：暂自发出之日起算',
  not_issued: '通知尚未发出：暂自今日起算',
  recorded: '自记录之日起算',
};

export const viewHelpers = {
  /** The glossary (workflows/terms.ts): pages spell no term of their own. */
  T: TERMS,
  PRODUCT_NAME,
  DEADLINES,
  CASE_TERMS,
  ISSUE_TERMS,
  EVENT_DATE_LABELS,
  APPEAL_EVENT_DATE_LABELS,
  documentStatusLabel,
  issueVerb,
  workingDaysLeftText,
  appealStateLabel,
  appealEventLabel,
  appealAnswerDueLabel,
  DECISION_GROUP_LABELS,
  CHANNELS,
  DELIVERY_METHODS,
  DOCUMENT_DELIVERY_METHODS,
  CONTACT_CHANNELS,
  CONTACT_OUTCOMES,
  DATA_FORMS,
  DATA_FILE_FORMATS,
  CORRECTION_GROUNDS,
  CONSULTATION_GROUNDS,
  CONSULTATION_GROUNDS_BY_KIND,
  NOTICE_STATUS_LABELS,
  deliveryMethodLabel,
  ID_TYPES,
  ORGANISATION_CATEGORIES,
  APPLICANT_KINDS,
  ROLE_LABELS: { ...ACTOR_ROLE_LABELS } as Record<string, string>,
  OPINIONS: OPINIONS as Record<string, string>,
  APPLICATION_STATES,
  EVENT_LABELS,
  PASSWORD_RULES,
  PASSWORD_MIN_LENGTH,
  cnDate: (d: string | null | undefined) => (d ? formatChineseDate(d) : '—'),
  label: (table: Record<string, string>, code: string | null | undefined) => (code ? (table[code] ?? code) : '—'),
  urgencyClass: (a: { overdue: boolean; dueSoon: boolean; state: string }) =>
    a.state === 'closed' ? '' : a.overdue ? 'overdue' : a.dueSoon ? 'due-soon' : '',
  /** Keeps the filter state in the URL when paging (ui.md: views can be bookmarked). */
  withQuery: (base: string, query: Record<string, unknown>, changes: Record<string, unknown>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...query, ...changes })) {
      if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
    }
    const s = params.toString();
    return s ? `${base}?${s}` : base;
  },
  /** A moment as people here read it: Beijing time (UTC+8), to the minute ('2026-12-05 09:26'). */
  fmtTime: (iso: string | null | undefined) => (iso ? beijingTime(iso) : '—'),
  fmtDate: (iso: string | null | undefined) => (iso ? beijingDate(iso) : '—'),
  BEIJING_TIME,
  fmtSize: (n: number) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`),
};
