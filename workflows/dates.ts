// Pure helpers for calendar dates written as ISO strings ('YYYY-MM-DD').
//
// Statutory periods (民事诉讼法 Art. 85, borrowed by the Regulation) are counted in whole days,
// so a date never carries a time or a time zone here. All arithmetic is integer arithmetic on a
// day number (days since 1970-01-01), which avoids local-time and DST surprises and the
// Date.UTC quirk that maps years 0–99 to 1900–1999. Nothing in this module reads the clock
// except todayInShanghai, and that takes the instant as a parameter.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Arithmetic that valid dates cannot finish: a result beyond year 9999, or (calendar.ts) a span
 * too long to count. Data can cause it (a corrupt row, an absurd period), so callers that must
 * render whatever the data (the clock) catch it; malformed input is still a plain RangeError.
 */
export class OutOfRangeError extends RangeError {
  override name = 'OutOfRangeError';
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

interface Ymd { y: number; m: number; d: number }

function parse(s: string): Ymd | null {
  const match = ISO_DATE.exec(s);
  if (!match) return null;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return { y, m, d };
}

function parseOrThrow(s: string): Ymd {
  const ymd = parse(s);
  if (!ymd) throw new RangeError(`Not an ISO calendar date (YYYY-MM-DD): ${JSON.stringify(s)}`);
  return ymd;
}

// Days-from-civil / civil-from-days (proleptic Gregorian), after H. Hinnant's public-domain
// algorithms; exact for every year 0000–9999 accepted by isIsoDate.
function toDayNumber({ y, m, d }: Ymd): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function fromDayNumber(n: number): string {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 0 || y > 9999) throw new OutOfRangeError(`Date out of range (year ${y})`);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** True for a strict 'YYYY-MM-DD' string naming a real calendar date (no 2025-02-29). */
export function isIsoDate(s: unknown): s is string {
  return typeof s === 'string' && parse(s) !== null;
}

/** Calendar days from a to b: positive when b is later. */
export function daysBetween(a: string, b: string): number {
  return toDayNumber(parseOrThrow(b)) - toDayNumber(parseOrThrow(a));
}

/**
 * The same day of the month `n` years later; 29 February becomes 28 February in a common year
 * (as 民法典 Art. 202 ends a period in a month without its start day on the month's last day).
 */
export function addYears(d: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`addYears: n must be an integer, got ${n}`);
  const { y, m, d: day } = parseOrThrow(d);
  const year = y + n;
  if (year < 0 || year > 9999) throw new OutOfRangeError(`Date out of range (year ${year})`);
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(day, daysInMonth(year, m))).padStart(2, '0')}`;
}

/** The date n calendar days after d (n may be negative). */
export function addDays(d: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`addDays: n must be an integer, got ${n}`);
  return fromDayNumber(toDayNumber(parseOrThrow(d)) + n);
}

/** Negative if a is before b, 0 if equal, positive if after. Usable as an Array#sort comparator. */
export function compareDates(a: string, b: string): number {
  const da = toDayNumber(parseOrThrow(a));
  const db = toDayNumber(parseOrThrow(b));
  return da < db ? -1 : da > db ? 1 : 0;
}

/** Day of the week, 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(d: string): number {
  // 1970-01-01 (day 0) was a Thursday.
  const n = toDayNumber(parseOrThrow(d));
  return (((n + 4) % 7) + 7) % 7;
}

export function yearOf(d: string): number {
  return parseOrThrow(d).y;
}

/** '2025-03-12' → '2025年3月12日' (Arabic numerals, no leading zeros, as GB/T 9704 dates are written). */
export function formatChineseDate(d: string): string {
  const { y, m, d: day } = parseOrThrow(d);
  return `${y}年${m}月${day}日`;
}

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000; // China Standard Time is UTC+8 all year (no DST since 1991).

/** The calendar date in Asia/Shanghai at the given instant (defaults to now). */
export function todayInShanghai(now: Date = new Date()): string {
  const ms = now.getTime();
  if (Number.isNaN(ms)) throw new RangeError('todayInShanghai: invalid Date');
  return fromDayNumber(Math.floor((ms + SHANGHAI_OFFSET_MS) / 86_400_000));
}

/** The label every time shown to a person carries (issue 13: all times in Beijing time). */
export const BEIJING_TIME = '北京时间';

/**
 * A stored instant (ISO 8601, UTC) as people here read it: Beijing time (UTC+8, no daylight saving),
 * to the minute, 'YYYY-MM-DD HH:MM'. What is not an instant is returned as it is.
 */
export function beijingTime(iso: string | Date, seconds = false): string {
  const ms = iso instanceof Date ? iso.getTime() : Date.parse(iso);
  if (Number.isNaN(ms)) return String(iso);
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, seconds ? 19 : 16).replace('T', ' ');
}

/** The Beijing date of a stored instant ('YYYY-MM-DD'). */
export const beijingDate = (iso: string | Date): string => beijingTime(iso).slice(0, 10);

// ---------------------------------------------------------------------------------------------
// The window every date a person enters lies in

/**
 * 《中华人民共和国政府信息公开条例》 (国务院令第492号) took effect on 1 May 2008 (its 2019 revision,
 * 国务院令第711号, on 15 May 2019): no application was received, no step taken and no appeal brought
 * under it before that day, so no date of the desk is earlier.
 */
export const REGULATION_IN_FORCE = '2008-05-01';

/** The first year a report can be about: the Regulation's first (partial) year. */
export const FIRST_REPORT_YEAR = 2008;

/**
 * How far ahead a date may lie that is a plan rather than a fact: a later reply date (Art. 35), a
 * new reply date set by a reconsideration decision or a judgment, a calendar override. Two years:
 * the furthest of these in practice is next year's holiday arrangement (the State Council notice
 * comes in November for the whole following year, at most about 14 months ahead); a reply date set
 * by a decision or fixed under Art. 35 is weeks or months away. Two years keeps a margin for all of
 * them while keeping every span the clock counts short.
 */
export const PLAN_HORIZON_YEARS = 2;

/** The latest date a plan made on `today` may name. */
export function latestPlanDate(today: string): string {
  return addYears(today, PLAN_HORIZON_YEARS);
}

/** A fact (received, issued, answered…) happened by today; a plan (a due date, an override) may lie ahead. */
export type DateKind = 'fact' | 'plan';

/**
 * Why an ISO date lies outside the window, in Chinese and naming the field (`label`), or null when
 * it is inside: not before 2008-05-01; a fact not after `today`, a plan not after
 * latestPlanDate(today). For a plan recorded with an event, `today` is the event's date.
 */
export function dateWindowProblem(date: string, today: string, opts: { kind?: DateKind; label?: string } = {}): string | null {
  const label = opts.label ?? '日期';
  if (compareDates(date, REGULATION_IN_FORCE) < 0) return `${label}不能早于2008年5月1日（《政府信息公开条例》施行之日）`;
  if ((opts.kind ?? 'fact') === 'fact') {
    return compareDates(date, today) > 0 ? `${label}不能晚于今天` : null;
  }
  const latest = latestPlanDate(today);
  return compareDates(date, latest) > 0 ? `${label}不能晚于${formatChineseDate(latest)}（${PLAN_HORIZON_YEARS}年之内）` : null;
}

/** True for an ISO date inside the window (see dateWindowProblem). */
export function dateInWindow(date: unknown, today: string, kind: DateKind = 'fact'): date is string {
  return isIsoDate(date) && dateWindowProblem(date, today, { kind }) === null;
}

/**
 * Why a report year (annual report, briefing, dashboard, export, year lock) is not one a report
 * can be about, or null: from 2008, the Regulation's first year, to next year at the latest.
 */
export function reportYearProblem(year: number, today: string): string | null {
  if (!Number.isInteger(year)) return '请填写年份（如 2026）';
  if (year < FIRST_REPORT_YEAR) return `年份不能早于${FIRST_REPORT_YEAR}年（《政府信息公开条例》2008年5月1日施行）`;
  const latest = yearOf(today) + 1;
  return year > latest ? `年份不能晚于${latest}年` : null;
}
