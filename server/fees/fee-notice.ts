import type { Db } from '../../db/knex.js';
import { invalid } from '../errors.js';
import { FEE_STANDARDS, feeLineText, quoteFee, type FeeLine, type FeeQuote, type FeeQuoteBasis } from '../../workflows/fees.js';
import { originalApplication, rankInMonth } from './fee-store.js';

const given = (v: unknown) => v !== undefined && v !== null && v !== '';

/** The quote of one registered application: 按件 from its rank in its month of receipt, 按量 from pages. */
export interface ApplicationFeeQuote extends FeeQuote {
  basis: FeeQuoteBasis;
  pages: number | null;
  nthInMonth: number | null;
  month: string | null;
}

/**
 * 按件 (国办函〔2020〕109号): the application is the applicant's nth of the month it was received in,
 * counted across every agency of the platform. Refusals of the quote itself are values (null fields).
 */
export async function quoteForApplication(
  db: Db,
  applicationId: number,
  input: { basis: FeeQuoteBasis; pages?: unknown },
): Promise<{ ok: true; quote: ApplicationFeeQuote } | { ok: false; fields: Record<string, string> }> {
  if (input.basis === 'per_page') {
    const r = quoteFee({ basis: 'per_page', pages: input.pages });
    return r.ok ? { ok: true, quote: { ...r.quote, basis: 'per_page', pages: input.pages as number, nthInMonth: null, month: null } } : r;
  }
  const original = await originalApplication(db, applicationId);
  const nth = original ? Math.max(1, await rankInMonth(db, original)) : 1;
  const r = quoteFee({ basis: 'per_application', pages: input.pages, nthInMonth: nth });
  if (!r.ok) return r;
  return { ok: true, quote: { ...r.quote, basis: 'per_application', pages: null, nthInMonth: nth, month: original?.receivedDate.slice(0, 7) ?? null } };
}

/** "按量收费标准计算，共120页" — how a quote was reached, for messages. */
export function quoteBasisText(q: ApplicationFeeQuote): string {
  return q.basis === 'per_page' ? `按量收费标准计算，共${q.pages}页` : `按件收费标准计算，本件为申请人当月第${q.nthInMonth}件申请`;
}

/**
 * The fee notice states the fee by the standard (国办函〔2020〕109号 第四条), so the server computes it:
 * an omitted amount is filled in, a different one refused, and a free application gets no notice.
 * `mayIssue`: the machine would allow the event (state and role); otherwise it answers 409/403
 * first, and payload faults (basis, pages) are left to its own rules as well.
 */
export async function feeForNotice(
  db: Db,
  row: { id: number },
  payload: Record<string, unknown>,
  mayIssue: boolean,
): Promise<Record<string, unknown>> {
  const basis = payload.basis;
  if (!mayIssue || (basis !== 'per_application' && basis !== 'per_page')) return {};
  const r = await quoteForApplication(db, row.id, { basis, pages: payload.pages });
  if (!r.ok) return {};
  const q = r.quote;
  if (q.amount === 0) {
    const message = '按收费标准本申请不收费，无需发出收费通知';
    throw invalid({ amount: `${message}（${quoteBasisText(q)}）` }, message);
  }
  const amount = payload.amount;
  if (given(amount) && typeof amount === 'number' && amount !== q.amount) {
    const message = `收费金额应为 ${q.amount} 元（${quoteBasisText(q)}）`;
    throw invalid({ amount: message }, message);
  }
  // A non-numeric amount is left as sent: the machine's own rule refuses it.
  return {
    amount: given(amount) ? amount : q.amount,
    breakdown: q.breakdown,
    ...(q.basis === 'per_application' ? { nthInMonth: q.nthInMonth, month: q.month } : {}),
  };
}

/** The breakdown lines the notice prints, from the event payload (lines recorded by feeForNotice). */
export function noticeBreakdownLines(payload: Record<string, unknown>): string[] {
  const basis: FeeQuoteBasis = payload.basis === 'per_page' ? 'per_page' : 'per_application';
  const raw = Array.isArray(payload.breakdown) ? (payload.breakdown as unknown[]) : [];
  return raw.map((l) => {
    if (typeof l !== 'object' || l === null || typeof (l as FeeLine).band !== 'string') return String(l);
    // Documents write ranges with the Chinese dash, as the standard itself does ("31—100页").
    const line = { ...(l as FeeLine), band: (l as FeeLine).band.replace(/–/g, '—') };
    if (basis === 'per_application' && typeof payload.nthInMonth === 'number') {
      return `本件为申请人当月第${payload.nthInMonth}件申请（${line.band}档）：${line.unitPrice ? `每件${line.unitPrice}元` : '不收费'}`;
    }
    return feeLineText(line, basis);
  });
}

/** What the fee-notice form shows before anything is typed: this application's 按件 quote and both standards. */
export interface FeeFormQuote {
  perApplication: ApplicationFeeQuote | null;
  standards: Record<FeeQuoteBasis, string>;
}

export async function feeFormQuote(db: Db, applicationId: number): Promise<FeeFormQuote> {
  const r = await quoteForApplication(db, applicationId, { basis: 'per_application' });
  return { perApplication: r.ok ? r.quote : null, standards: FEE_STANDARDS };
}
