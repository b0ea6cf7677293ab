import type { AppContext } from '../context.js';
import type { User } from '../admin/user-store.js';
import { invalid } from '../errors.js';
import { applicantKey, loadVisible } from '../cases/application-service.js';
import type { Applicant } from '../cases/intake.js';
import { ID_TYPES, isKey, type IdType } from '../../workflows/glossary.js';
import {
  BOTH_BASES_MESSAGE, FEE_BASIS_LABELS, FEE_STANDARD_SOURCE, FEE_STANDARDS, quoteFee, type FeeLine, type FeeQuoteBasis,
} from '../../workflows/fees.js';
import { countApplicationsInMonth } from './fee-store.js';
import { quoteForApplication } from './fee-notice.js';

/** POST /api/fees/quote answers `{ amount, breakdown }` (exact, issue 7) plus how it was reached. */
export interface FeeQuoteResponse {
  amount: number;
  breakdown: FeeLine[];
  basis: FeeQuoteBasis;
  basisLabel: string;
  /** The published standard of the basis, as the notice states it. */
  standard: string;
  source: string;
  pages: number | null;
  /** 按件: which of the applicant's applications of the month is quoted. */
  nthInMonth: number | null;
  month: string | null;
  /** 按件: the applicant's applications found in the month across all agencies (null: not counted). */
  applicationsInMonth: number | null;
  applicationId: number | null;
  note: string;
}

interface QuoteRequest {
  basis: FeeQuoteBasis;
  pages: number | null;
  nthInMonth: number | null;
  applicantId: string | null;
  idType: IdType | 'organisation' | null;
  month: string;
  applicationId: number | null;
}

type Obj = Record<string, unknown>;
const given = (v: unknown) => v !== undefined && v !== null && v !== '';
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const APPLICANT_KEY = /^[0-9a-f]{64}$/i;
// ID numbers, passport and permit numbers, credit codes: letters, digits and a few separators.
const IDENTITY = /^[0-9A-Za-z()（）\-]{1,40}$/;

export function validateQuoteRequest(body: unknown, today: string): { ok: true; value: QuoteRequest } | { ok: false; fields: Record<string, string> } {
  const b: Obj = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Obj) : {};
  const fields: Record<string, string> = {};
  // 按件 without an explicit nth is counted below; 1 stands in so the basis rules are checked now.
  const counted = b.basis === 'per_application' && !given(b.nthInMonth);
  const basisCheck = quoteFee({ basis: b.basis, pages: b.pages, nthInMonth: counted && !given(b.pages) ? 1 : b.nthInMonth });
  if (!basisCheck.ok) Object.assign(fields, basisCheck.fields);

  let applicantId: string | null = null;
  if (given(b.applicantId)) {
    const s = typeof b.applicantId === 'string' ? b.applicantId.trim() : '';
    if (!APPLICANT_KEY.test(s) && !IDENTITY.test(s)) fields.applicantId = '申请人证件号码或统一社会信用代码格式不正确';
    else applicantId = s;
  }
  let idType: QuoteRequest['idType'] = null;
  if (given(b.idType)) {
    if (!applicantId && !fields.applicantId) fields.idType = '填写证件类型时须同时填写申请人证件号码（applicantId）';
    else if (b.idType === 'organisation' || isKey(ID_TYPES, b.idType)) idType = b.idType as QuoteRequest['idType'];
    else fields.idType = `证件类型须为 ${Object.keys(ID_TYPES).join('、')} 或 organisation`;
  }
  let month = today.slice(0, 7);
  if (given(b.month)) {
    if (typeof b.month !== 'string' || !MONTH.test(b.month)) fields.month = '月份格式应为 YYYY-MM';
    else if (b.month > month) fields.month = '月份不能晚于本月';
    else month = b.month;
  }
  let applicationId: number | null = null;
  if (given(b.applicationId)) {
    if (typeof b.applicationId !== 'number' || !Number.isInteger(b.applicationId) || b.applicationId < 1) fields.applicationId = '申请编号（applicationId）须为正整数';
    else if (applicantId || given(b.month)) fields.applicationId = '按申请计算时，申请人和月份取自该申请，不再填写 applicantId 或 month';
    else applicationId = b.applicationId;
  }
  if (Object.keys(fields).length) return { ok: false, fields };
  return {
    ok: true,
    value: {
      basis: b.basis as FeeQuoteBasis,
      pages: b.basis === 'per_page' ? (b.pages as number) : null,
      nthInMonth: counted ? null : (b.nthInMonth as number),
      applicantId, idType, month, applicationId,
    },
  };
}

/** Every key the applicant may be registered under: an ID number is tried with each ID type. */
function candidateKeys(id: string, idType: QuoteRequest['idType']): string[] {
  if (APPLICANT_KEY.test(id)) return [id.toLowerCase()];
  const idNumber = id.toUpperCase();
  const person = (t: IdType): Applicant => ({ kind: 'natural_person', name: '', idType: t, idNumber, phone: null, address: null, postcode: null, email: null });
  const organisation: Applicant = {
    kind: 'organisation', name: '', category: 'other_org', creditCode: idNumber, legalRepresentative: null, contactPerson: null, phone: null, address: null, email: null,
  };
  if (idType === 'organisation') return [applicantKey(organisation)];
  if (idType) return [applicantKey(person(idType))];
  return [...(Object.keys(ID_TYPES) as IdType[]).map((t) => applicantKey(person(t))), applicantKey(organisation)];
}

const monthLabel = (month: string) => `${Number(month.slice(0, 4))}年${Number(month.slice(5, 7))}月`;

export async function quoteFeeFor(ctx: AppContext, user: User, body: unknown): Promise<FeeQuoteResponse> {
  const v = validateQuoteRequest(body, ctx.clock.today());
  if (!v.ok) throw invalid(v.fields, Object.values(v.fields).includes(BOTH_BASES_MESSAGE) ? BOTH_BASES_MESSAGE : undefined);
  const q = v.value;
  // Another agency's application is indistinguishable from a missing one (404).
  if (q.applicationId !== null) await loadVisible(ctx, user, q.applicationId);
  const base = {
    basis: q.basis, basisLabel: FEE_BASIS_LABELS[q.basis], standard: FEE_STANDARDS[q.basis], source: FEE_STANDARD_SOURCE,
    applicationId: q.applicationId,
  };
  if (q.basis === 'per_page') {
    const r = quoteFee({ basis: 'per_page', pages: q.pages });
    if (!r.ok) throw invalid(r.fields);
    return { ...r.quote, ...base, pages: q.pages, nthInMonth: null, month: null, applicationsInMonth: null, note: `按量收费，共${q.pages}页` };
  }
  if (q.nthInMonth !== null) {
    const r = quoteFee({ basis: 'per_application', nthInMonth: q.nthInMonth });
    if (!r.ok) throw invalid(r.fields);
    return { ...r.quote, ...base, pages: null, nthInMonth: q.nthInMonth, month: q.month, applicationsInMonth: null, note: `按申请人${monthLabel(q.month)}第${q.nthInMonth}件申请计算` };
  }
  if (q.applicationId !== null) {
    const r = await quoteForApplication(ctx.db, q.applicationId, { basis: 'per_application' });
    if (!r.ok) throw invalid(r.fields);
    const month = r.quote.month ?? q.month;
    return {
      amount: r.quote.amount, breakdown: r.quote.breakdown, ...base, pages: null, nthInMonth: r.quote.nthInMonth, month, applicationsInMonth: null,
      note: `本件是该申请人${monthLabel(month)}在本平台各机关的第${r.quote.nthInMonth}件申请`,
    };
  }
  // 国办函〔2020〕109号: "同一申请人一个自然月内" — counted across every agency. The application being
  // quoted is taken to be among those found; none found means it is the applicant's first.
  const count = q.applicantId ? await countApplicationsInMonth(ctx.db, candidateKeys(q.applicantId, q.idType), q.month) : 0;
  const nth = Math.max(1, count);
  const r = quoteFee({ basis: 'per_application', nthInMonth: nth });
  if (!r.ok) throw invalid(r.fields);
  const note = !q.applicantId ? `未指明申请人，按${monthLabel(q.month)}第1件申请计算`
    : count === 0 ? `未找到该申请人${monthLabel(q.month)}的申请，按第1件申请计算`
    : `该申请人${monthLabel(q.month)}在本平台各机关共有${count}件申请，按第${nth}件申请计算`;
  return { ...r.quote, ...base, pages: null, nthInMonth: nth, month: q.month, applicationsInMonth: q.applicantId ? count : null, note };
}
