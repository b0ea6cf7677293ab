// Information-processing fees, 《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）, domain.md §4.
// Pure: the caller supplies how many applications the applicant made in the month, or the pages.

export const FEE_STANDARD_SOURCE = '《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）';

export const FEE_BASIS_LABELS = { per_application: '按件收费', per_page: '按量收费' } as const;
export type FeeQuoteBasis = keyof typeof FEE_BASIS_LABELS;

/** The published standard of each basis, as the notice states it (国办函〔2020〕109号 第四条). */
export const FEE_STANDARDS: Record<FeeQuoteBasis, string> = {
  per_application:
    '同一申请人一个自然月内累计申请10件以下（含10件）的，不收费；11—30件（含30件）的部分，每件收费100元；' +
    '31件以上的部分，以10件为一档，每增加一档，收费标准提高100元/件。',
  per_page:
    '同一政府信息公开申请中，30页以下（含30页）的，不收费；31—100页（含100页）的部分，每页收费10元；' +
    '101—200页（含200页）的部分，每页收费20元；201页以上的部分，每页收费40元。',
};

/** One line of a quote; free lines (unitPrice 0) are kept so the notice can show the standard. */
export interface FeeLine {
  band: string;
  quantity: number;
  unitPrice: number;
  subtotal: number;
}

/** Amounts in whole 元. `amount` is always the sum of the lines' subtotals. */
export interface FeeQuote {
  amount: number;
  breakdown: FeeLine[];
}

export type FeeQuoteInput =
  | { basis: 'per_application'; nthInMonth: number }
  | { basis: 'per_page'; pages: number };

export type FeeQuoteResult = { ok: true; quote: FeeQuote } | { ok: false; fields: Record<string, string> };

/** Bounds that keep the arithmetic exact; no real application comes near them. */
export const MAX_PAGES = 10_000_000;
export const MAX_NTH_IN_MONTH = 1_000_000;

export const BOTH_BASES_MESSAGE = '不能同时按件和按量收费';

// 按量: progressive by portion ("…的部分"); `to` null = no upper end.
const PAGE_BANDS: { from: number; to: number | null; unitPrice: number }[] = [
  { from: 1, to: 30, unitPrice: 0 },
  { from: 31, to: 100, unitPrice: 10 },
  { from: 101, to: 200, unitPrice: 20 },
  { from: 201, to: null, unitPrice: 40 },
];

const pageBandLabel = (b: { from: number; to: number | null }) => (b.to === null ? `${b.from}页以上部分` : `${b.from}–${b.to}页部分`);

/** 按件: the band of the applicant's nth application of the month and its price per application. */
export function applicationBand(nth: number): { from: number; to: number; unitPrice: number } {
  if (nth <= 10) return { from: 1, to: 10, unitPrice: 0 };
  if (nth <= 30) return { from: 11, to: 30, unitPrice: 100 };
  // From the 31st, bands of 10, each 100 元 more per application than the one before.
  const step = Math.floor((nth - 31) / 10);
  return { from: 31 + 10 * step, to: 40 + 10 * step, unitPrice: 200 + 100 * step };
}

function perApplication(nth: number): FeeQuote {
  const b = applicationBand(nth);
  // The quote is for one application, the nth: one line, the band it falls in.
  return { amount: b.unitPrice, breakdown: [{ band: `第${b.from}–${b.to}件`, quantity: 1, unitPrice: b.unitPrice, subtotal: b.unitPrice }] };
}

function perPage(pages: number): FeeQuote {
  const breakdown: FeeLine[] = [];
  for (const b of PAGE_BANDS) {
    if (pages < b.from) break;
    const quantity = Math.min(pages, b.to ?? pages) - b.from + 1;
    breakdown.push({ band: pageBandLabel(b), quantity, unitPrice: b.unitPrice, subtotal: quantity * b.unitPrice });
  }
  return { amount: breakdown.reduce((s, l) => s + l.subtotal, 0), breakdown };
}

const isCount = (v: unknown, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max;
const given = (v: unknown) => v !== undefined && v !== null && v !== '';

/**
 * The fee of one application. Either basis, never both (国办函〔2020〕109号 第四条): a quote that
 * names pages and an nth application together is refused. Refusals are values, per field.
 */
export function quoteFee(input: { basis?: unknown; pages?: unknown; nthInMonth?: unknown }): FeeQuoteResult {
  const fields: Record<string, string> = {};
  const { basis, pages, nthInMonth } = input;
  if (!given(basis)) return { ok: false, fields: { basis: '请指定收费方式（按件 per_application 或按量 per_page）' } };
  if (basis !== 'per_application' && basis !== 'per_page') return { ok: false, fields: { basis: '收费方式须为按件（per_application）或按量（per_page）' } };
  if (given(pages) && given(nthInMonth)) return { ok: false, fields: { basis: BOTH_BASES_MESSAGE } };
  if (basis === 'per_page') {
    if (given(nthInMonth)) fields.nthInMonth = `${BOTH_BASES_MESSAGE}：按量收费不填申请件次`;
    else if (!given(pages)) fields.pages = '按量收费须填写页数';
    else if (!isCount(pages, MAX_PAGES)) fields.pages = `页数须为 1–${MAX_PAGES} 的整数`;
    return Object.keys(fields).length ? { ok: false, fields } : { ok: true, quote: perPage(pages as number) };
  }
  if (given(pages)) fields.pages = `${BOTH_BASES_MESSAGE}：按件收费不填页数`;
  else if (!given(nthInMonth)) fields.nthInMonth = '按件收费须指明是申请人本月第几件申请';
  else if (!isCount(nthInMonth, MAX_NTH_IN_MONTH)) fields.nthInMonth = `申请件次须为 1–${MAX_NTH_IN_MONTH} 的整数`;
  return Object.keys(fields).length ? { ok: false, fields } : { ok: true, quote: perApplication(nthInMonth as number) };
}

/** A breakdown line as the notice prints it, e.g. "31–100页部分：70页×10元/页＝700元". */
export function feeLineText(line: FeeLine, basis: FeeQuoteBasis): string {
  const unit = basis === 'per_page' ? '页' : '件';
  if (line.unitPrice === 0) return `${line.band}：${line.quantity}${unit}，不收费`;
  return `${line.band}：${line.quantity}${unit}×${line.unitPrice}元/${unit}＝${line.subtotal}元`;
}

/** How a quote was reached, for messages: "按量收费，120页". */
export function feeBasisSummary(basis: FeeQuoteBasis, n: number): string {
  return basis === 'per_page' ? `按量收费，共${n}页` : `按件收费，申请人本月第${n}件申请`;
}
