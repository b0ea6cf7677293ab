import { findAgencyById } from '../admin/agency-store.js';
import type { User } from '../admin/user-store.js';
import { audit } from '../audit.js';
import { visibleAgencyIds } from '../policy.js';
import { applicantKey, loadVisible } from '../cases/application-service.js';
import { stateLabel } from '../cases/application-view.js';
import type { Applicant } from '../cases/intake.js';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import { decisionLabel, isDecisionCode } from '../../workflows/decisions.js';
import { REPEAT_THRESHOLD, analyse, requestText, similarityOf, type RequestText } from '../../workflows/similarity.js';
import {
  findApplicantKey, issuedReplies, listApplicantApplications, monthlyCounts, type ApplicantApplicationRow,
} from './applicant-store.js';

// Issue 7: an applicant's other applications beside the one being registered or answered —
// likely repeats (Art. 36(六)) and the monthly volume (Art. 35).

/** Only the most recent applications of one applicant are scored: bounded work per page view. */
export const HISTORY_LIMIT = 500;
/** Months shown in the volume table (the month of the application itself is always among them). */
export const MONTHS_SHOWN = 12;

/** Art. 35, in the Regulation's words: the steps open to the agency once the volume is excessive. */
export const ART_35_STEPS =
  '申请人申请公开政府信息的数量、频次明显超过合理范围的，行政机关可以要求申请人说明理由；理由不合理的，告知申请人不予处理；' +
  '理由合理但无法在规定期限内答复的，可以确定延迟答复的合理期限并告知申请人';

interface AgencyRef {
  code: string;
  name: string;
}

export interface RelatedApplication {
  id: number;
  caseNumber: string;
  agency: AgencyRef;
  receivedDate: string;
  state: string;
  stateLabel: string;
  decision: string | null;
  decisionLabel: string | null;
  description: string;
  /** Similarity of the request texts in [0, 1]; null when there is no text to compare with. */
  similarity: number | null;
  /** Received before the application in question (only earlier ones can make it a repeat). */
  earlier: boolean;
  sameAgency: boolean;
  /** Earlier, same agency, similarity ≥ repeatThreshold: Art. 36(六) may apply. */
  likelyRepeat: boolean;
  /** The reply in force, if one was issued: with it, the new application may be answered 不予重复处理. */
  reply: { id: number; number: string | null; issuedDate: string | null; url: string } | null;
  url: string;
}

export interface MonthVolume {
  month: string;
  count: number;
  byAgency: { agency: AgencyRef; count: number }[];
  exceeded: boolean;
}

export interface VolumeWarning {
  code: 'excessive_volume';
  month: string;
  count: number;
  threshold: number;
  message: string;
  /** Art. 35 steps; the decision if the reasons are not accepted: not_processed.excessive. */
  steps: string;
  decision: 'not_processed.excessive';
}

export interface ApplicantHistory {
  /** The application the history is about: an existing case, or one about to be registered. */
  subject: { applicationId: number | null; agency: AgencyRef; receivedDate: string; month: string };
  repeatThreshold: number;
  /** The applicant's other applications this user may see, most recent first. */
  applications: RelatedApplication[];
  likelyRepeats: number;
  /** Applications at agencies this user may not see: counted, with agency and date only. */
  elsewhere: { total: number; items: { agency: AgencyRef; receivedDate: string }[] };
  /** Whether older applications were left out (more than HISTORY_LIMIT). */
  truncated: boolean;
  volume: {
    threshold: number;
    /** The subject's month; for a check before registration, counting the new application too. */
    current: MonthVolume;
    months: MonthVolume[];
  };
  warning: VolumeWarning | null;
}

interface Subject {
  applicationId: number | null;
  agencyId: number;
  agency: AgencyRef;
  receivedDate: string;
  request: RequestText | null;
  /** The application itself and the other side of its transfer (the same application twice). */
  exclude: Set<number>;
}

/** GET /api/applications/:id/related — for an existing case the user may see (404 otherwise). */
export async function relatedApplications(ctx: AppContext, user: User, id: number): Promise<ApplicantHistory> {
  const row = await loadVisible(ctx, user, id);
  const key = await findApplicantKey(ctx.db, id);
  if (!key) throw notFound('未找到该申请');
  const rows = await listApplicantApplications(ctx.db, key, HISTORY_LIMIT + 1);
  const self = rows.find((r) => r.id === id);
  const exclude = new Set([id]);
  if (self?.transferredFromId) exclude.add(self.transferredFromId);
  for (const r of rows) if (r.transferredFromId === id) exclude.add(r.id);
  return buildHistory(ctx, user, key, rows, {
    applicationId: id, agencyId: row.agencyId, agency: { code: row.agencyCode, name: row.agencyName },
    receivedDate: row.receivedDate, request: row.request, exclude,
  }, false);
}

export interface ApplicantCheck {
  applicant: Applicant;
  receivedDate: string;
  request: RequestText | null;
}

/**
 * POST /api/applicants/check — before registering: the same answer as for a registered case, as if
 * the application were registered by the user's own agency on receivedDate.
 */
export async function checkApplicant(ctx: AppContext, user: User, check: ApplicantCheck, ip: string | null): Promise<ApplicantHistory> {
  const agency = await findAgencyById(ctx.db, user.agencyId);
  if (!agency) throw notFound('所属机关不存在');
  const key = applicantKey(check.applicant);
  const rows = await listApplicantApplications(ctx.db, key, HISTORY_LIMIT + 1);
  const history = await buildHistory(ctx, user, key, rows, {
    applicationId: null, agencyId: agency.id, agency: { code: agency.code, name: agency.name },
    receivedDate: check.receivedDate, request: check.request, exclude: new Set(),
  }, true);
  // Who looked up an applicant's history, and how much it showed (no identity in the log).
  await audit(ctx.db, {
    actor: user, action: 'applicant.check', entity: 'applicant',
    detail: { found: history.applications.length + history.elsewhere.total, likelyRepeats: history.likelyRepeats, warning: Boolean(history.warning) }, ip,
  });
  return history;
}

/**
 * Issue 16: an online application waiting for confirmation (待确认), judged as intake judges one about
 * to be registered (checkApplicant): as if its agency registered it today, the day a confirmation
 * would make the day received (Art. 31(三)). Shown beside it in the queue; a page view, not audited.
 */
export async function submissionHistory(
  ctx: AppContext, user: User, s: { applicant: Applicant; agency: AgencyRef & { id: number }; request: RequestText | null },
): Promise<ApplicantHistory> {
  const key = applicantKey(s.applicant);
  const rows = await listApplicantApplications(ctx.db, key, HISTORY_LIMIT + 1);
  return buildHistory(ctx, user, key, rows, {
    applicationId: null, agencyId: s.agency.id, agency: { code: s.agency.code, name: s.agency.name },
    receivedDate: ctx.clock.today(), request: s.request, exclude: new Set(),
  }, true);
}

async function buildHistory(
  ctx: AppContext, user: User, key: string, fetched: ApplicantApplicationRow[], s: Subject, prospective: boolean,
): Promise<ApplicantHistory> {
  const truncated = fetched.length > HISTORY_LIMIT;
  const others = fetched.slice(0, HISTORY_LIMIT).filter((r) => !s.exclude.has(r.id));
  const visible = new Set(await visibleAgencyIds(ctx, user));
  const shown = others.filter((r) => visible.has(r.agencyId));
  const hidden = others.filter((r) => !visible.has(r.agencyId));
  const [replies, monthly] = await Promise.all([issuedReplies(ctx.db, shown.map((r) => r.id)), monthlyCounts(ctx.db, key)]);
  const subjectText = s.request ? analyse(requestText(s.request)) : null;
  const applications = shown.map((r): RelatedApplication => {
    const similarity = subjectText ? similarityOf(subjectText, analyse(requestText(r.request))) : null;
    // A case about to be registered comes after every case already received that day.
    const earlier = r.receivedDate < s.receivedDate || (r.receivedDate === s.receivedDate && (s.applicationId === null || r.id < s.applicationId));
    const sameAgency = r.agencyId === s.agencyId;
    const reply = replies.get(r.id);
    return {
      id: r.id,
      caseNumber: r.caseNumber,
      agency: { code: r.agencyCode, name: r.agencyName },
      receivedDate: r.receivedDate,
      state: r.state,
      stateLabel: stateLabel(r.state),
      decision: r.decision,
      decisionLabel: r.decision && isDecisionCode(r.decision) ? decisionLabel(r.decision) : null,
      description: r.request.description,
      similarity,
      earlier,
      sameAgency,
      likelyRepeat: earlier && sameAgency && similarity !== null && similarity >= REPEAT_THRESHOLD,
      reply: reply ? { ...reply, url: `/documents/${reply.id}/pdf` } : null,
      url: `/applications/${r.id}`,
    };
  });
  const threshold = ctx.config.excessiveMonthlyThreshold;
  const volume = monthlyVolume(monthly, s.receivedDate.slice(0, 7), prospective ? s.agency : null, threshold);
  return {
    subject: { applicationId: s.applicationId, agency: s.agency, receivedDate: s.receivedDate, month: s.receivedDate.slice(0, 7) },
    repeatThreshold: REPEAT_THRESHOLD,
    applications,
    likelyRepeats: applications.filter((a) => a.likelyRepeat).length,
    elsewhere: { total: hidden.length, items: hidden.map((r) => ({ agency: { code: r.agencyCode, name: r.agencyName }, receivedDate: r.receivedDate })) },
    truncated,
    volume,
    warning: volume.current.exceeded ? volumeWarning(volume.current, threshold) : null,
  };
}

/**
 * Counts per month from the store's (month, agency) rows; `add` is the application about to be
 * registered, counted in its month so the warning appears before the excessive one is saved.
 */
export function monthlyVolume(
  rows: { month: string; agencyCode: string; agencyName: string; count: number }[],
  currentMonth: string,
  add: AgencyRef | null,
  threshold: number,
): ApplicantHistory['volume'] {
  const byMonth = new Map<string, Map<string, { agency: AgencyRef; count: number }>>();
  const bump = (month: string, agency: AgencyRef, n: number) => {
    const m = byMonth.get(month) ?? new Map<string, { agency: AgencyRef; count: number }>();
    byMonth.set(month, m);
    const entry = m.get(agency.code) ?? { agency, count: 0 };
    entry.count += n;
    m.set(agency.code, entry);
  };
  for (const r of rows) bump(r.month, { code: r.agencyCode, name: r.agencyName }, r.count);
  if (add) bump(currentMonth, add, 1);
  if (!byMonth.has(currentMonth)) byMonth.set(currentMonth, new Map());
  const months = [...byMonth.entries()]
    .map(([month, agencies]): MonthVolume => {
      const byAgency = [...agencies.values()].sort((a, b) => b.count - a.count || a.agency.code.localeCompare(b.agency.code));
      const count = byAgency.reduce((n, a) => n + a.count, 0);
      return { month, count, byAgency, exceeded: count > threshold };
    })
    .sort((a, b) => b.month.localeCompare(a.month));
  const current = months.find((m) => m.month === currentMonth)!;
  const shown = months.slice(0, MONTHS_SHOWN);
  if (!shown.includes(current)) shown.push(current);
  return { threshold, current, months: shown };
}

export function volumeWarning(m: MonthVolume, threshold: number): VolumeWarning {
  const [y, mm] = m.month.split('-');
  return {
    code: 'excessive_volume',
    month: m.month,
    count: m.count,
    threshold,
    message: `该申请人 ${y} 年 ${Number(mm)} 月共提出 ${m.count} 件申请（各机关合计），超过合理范围提示线 ${threshold} 件。可依《政府信息公开条例》第三十五条处理。`,
    steps: ART_35_STEPS,
    decision: 'not_processed.excessive',
  };
}
