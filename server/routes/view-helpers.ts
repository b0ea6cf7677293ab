import { CHANNELS, DELIVERY_METHODS, ID_TYPES, ORGANISATION_CATEGORIES, APPLICANT_KINDS } from '../../workflows/glossary.js';
import { ROLE_LABELS } from '../../workflows/roles.js';
import { APPLICATION_STATES } from '../../workflows/application.machine.js';
import { formatChineseDate } from '../../workflows/dates.js';

/** Labels shown in the pages: one Chinese name per code (domain.md §1). */
export const EVENT_LABELS: Record<string, string> = {
  REGISTER: '登记',
  REQUEST_CORRECTION: '补正告知',
  CORRECTION_RECEIVED: '收到补正',
  CORRECTION_LAPSED: '逾期未补正',
  START_CONSULTATION: '征求意见',
  RECORD_OPINION: '记录意见',
  REQUEST_EXTENSION: '申请延期',
  APPROVE_EXTENSION: '批准延期',
  REJECT_EXTENSION: '不予延期',
  ISSUE_FEE_NOTICE: '收费通知',
  RECORD_PAYMENT: '确认缴费',
  FEE_LAPSED: '逾期未缴费',
  DRAFT_REPLY: '拟写答复',
  SUBMIT_FOR_REVIEW: '提交保密审查',
  APPROVE_REVIEW: '审查通过',
  RETURN_FOR_REVISION: '退回修改',
  ISSUE_REPLY: '签发',
  RECORD_DELIVERY: '送达',
  WITHDRAW: '申请人撤回',
  REPLY_ON_THE_SPOT: '当场答复',
};

export const viewHelpers = {
  CHANNELS,
  DELIVERY_METHODS,
  ID_TYPES,
  ORGANISATION_CATEGORIES,
  APPLICANT_KINDS,
  ROLE_LABELS,
  APPLICATION_STATES,
  EVENT_LABELS,
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
  fmtTime: (iso: string) => {
    // Shown in Beijing time (UTC+8, no DST).
    const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
    return d.toISOString().slice(0, 16).replace('T', ' ');
  },
  fmtSize: (n: number) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`),
};
