// Chinese working-day calendar (工作日).
//
// Domain §2: working days follow the State Council holiday notices — weekends are off unless they
// are make-up workdays (调休上班), statutory holidays are off. Official data comes from the npm
// package `chinese-days` (2004 onwards); an admin can add local overrides (stored in the database)
// because each year's notice is published in November and a package release may lag behind.
// A year with neither official data nor any override is provisional (§2.9): its statutory holidays
// under 《全国年节及纪念日放假办法》 (2024 revision) are known and counted as days off
// (statutory-holidays.ts, the lunar dates computed), while the notice's make-up workdays and moved
// days off are not, so a deadline computed through it is flagged until the data exists.
//
// Counting rule (民事诉讼法 Art. 85, borrowed by the Regulation and by 行政复议法 Art. 88): the day
// on which a period starts is not counted; "N working days from D" is the N-th working day after D.

import { createRequire } from 'node:module';
import { addDays, compareDates, dayOfWeek, daysBetween, isIsoDate, OutOfRangeError, yearOf } from './dates.js';
import { assumedDaysOff } from './statutory-holidays.js';

// The JSON is loaded with require() rather than `import … with { type: 'json' }`: Node 20 (our
// minimum, see package.json engines) still prints an ExperimentalWarning for JSON modules, and
// require() behaves the same under tsx and under compiled `node dist/...`.
interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
  inLieuDays: Record<string, string>;
}
const require = createRequire(import.meta.url);
const data = require('chinese-days/dist/chinese-days.json') as ChineseDaysData;

interface OfficialEntry { working: boolean; note: string }

// Values look like "Spring Festival,春节,4" (English name, Chinese name, length in days).
function chineseName(value: string): string {
  const parts = value.split(',');
  return parts[1]?.trim() || parts[0]?.trim() || value;
}

const OFFICIAL = new Map<string, OfficialEntry>();
const OFFICIAL_YEARS = new Set<number>();
for (const [date, value] of Object.entries(data.holidays)) {
  const inLieu = Object.hasOwn(data.inLieuDays, date);
  OFFICIAL.set(date, { working: false, note: inLieu ? `${chineseName(value)}（调休）` : chineseName(value) });
  OFFICIAL_YEARS.add(yearOf(date));
}
for (const [date, value] of Object.entries(data.workdays)) {
  OFFICIAL.set(date, { working: true, note: `${chineseName(value)}调休上班` });
  OFFICIAL_YEARS.add(yearOf(date));
}

/** Years covered by the bundled official data, ascending (2004–2026 in chinese-days 1.5.7). */
export const OFFICIAL_DATA_YEARS: readonly number[] = Object.freeze([...OFFICIAL_YEARS].sort((a, b) => a - b));

/**
 * The line a deadline's explanation carries when it is counted through years without the State
 * Council's arrangement (§2.9): what is already counted, and what is not known yet.
 */
export function provisionalExplanation(years: readonly number[]): string {
  return `${years.join('、')}年尚无官方节假日安排数据：相关期限已扣除《全国年节及纪念日放假办法》规定的法定节假日（农历节日按历法推算），调休上班日和补休日期尚未公布，数据发布后可能调整。`;
}

export interface CalendarOverride { date: string; kind: 'workday' | 'holiday'; note?: string | null }

/**
 * Where a day's status comes from: an admin's override, the State Council data, a statutory holiday
 * of a year without that data (computed), or the plain week.
 */
export type DaySource = 'override' | 'official' | 'statutory' | 'weekend' | 'weekday';

export interface DayInfo { date: string; working: boolean; source: DaySource; note?: string }

function assertDate(date: string, what: string): void {
  if (!isIsoDate(date)) throw new RangeError(`${what}: not an ISO date (YYYY-MM-DD): ${JSON.stringify(date)}`);
}

function assertInteger(n: number, what: string): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what}: expected an integer, got ${n}`);
}

/**
 * The longest span any count of the calendar walks, in calendar days: 50 years. Every date a person
 * enters lies between 2008-05-01 and two years ahead (dates.ts), so real spans are far shorter; the
 * cap is what keeps a corrupt row (received in year 1) or an absurd period (10^9 working days) from
 * walking a million days on every view. Beyond it a count throws OutOfRangeError.
 */
export const MAX_SPAN_DAYS = 50 * 365 + 12;

function assertSpan(from: string, to: string, what: string): void {
  const span = Math.abs(daysBetween(from, to));
  if (span > MAX_SPAN_DAYS) throw new OutOfRangeError(`${what}: ${from}–${to} spans ${span} days, more than ${MAX_SPAN_DAYS}`);
}

/** Memo of the day after / before a date (dates are facts; bounded, cleared when large). */
const dayAfter = new Map<string, string>();
const dayBefore = new Map<string, string>();
const MEMO_LIMIT = 200_000;
function stepDay(d: string, step: 1 | -1): string {
  const memo = step > 0 ? dayAfter : dayBefore;
  let next = memo.get(d);
  if (next === undefined) {
    next = addDays(d, step);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(d, next);
  }
  return next;
}
function remember<K, V>(memo: Map<K, V>, key: K, value: V): V {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

export class WorkCalendar {
  // Issue 15: an instance is immutable (its overrides are fixed when built) and servers now hold one
  // until the calendar changes, so what it has counted is remembered: lists count the same spans on
  // every view, and an old open case counts years of days.
  readonly #working = new Map<string, boolean>();
  readonly #between = new Map<string, number>();
  readonly #added = new Map<string, string>();
  readonly #overrides = new Map<string, CalendarOverride>();
  readonly #overrideYears = new Set<number>();

  constructor(overrides: readonly CalendarOverride[] = []) {
    for (const o of overrides) {
      assertDate(o.date, 'CalendarOverride.date');
      if (o.kind !== 'workday' && o.kind !== 'holiday') {
        throw new RangeError(`CalendarOverride.kind must be 'workday' or 'holiday', got ${JSON.stringify(o.kind)}`);
      }
      // A later entry for the same date wins, so callers can append corrections.
      this.#overrides.set(o.date, { date: o.date, kind: o.kind, note: o.note ?? null });
      this.#overrideYears.add(yearOf(o.date));
    }
  }

  /** Override (admin) > official State Council data > statutory holiday (years without data) > weekend rule. */
  isWorkingDay(date: string): boolean {
    const known = this.#working.get(date);
    return known ?? remember(this.#working, date, this.dayInfo(date).working);
  }

  /**
   * Whether the year's holiday arrangement is known: it is in the bundled data, or an admin has
   * entered at least one override for it (entering the new notice's days is how an admin
   * "publishes" a year the package does not cover yet).
   */
  hasOfficialData(year: number): boolean {
    return OFFICIAL_YEARS.has(year) || this.#overrideYears.has(year);
  }

  dayInfo(date: string): DayInfo {
    assertDate(date, 'dayInfo');
    const override = this.#overrides.get(date);
    if (override) {
      const info: DayInfo = { date, working: override.kind === 'workday', source: 'override' };
      if (override.note) info.note = override.note;
      return info;
    }
    const official = OFFICIAL.get(date);
    if (official) return { date, working: official.working, source: 'official', note: official.note };
    const statutory = this.#statutory(date);
    if (statutory) return { date, working: false, source: 'statutory', note: statutory };
    const dow = dayOfWeek(date);
    if (dow === 0 || dow === 6) return { date, working: false, source: 'weekend' };
    return { date, working: true, source: 'weekday' };
  }

  /**
   * The days off assumed for a year the bundled data does not cover: its statutory holidays and the
   * substitute days presumed for those on a weekend (none for a covered year: the notice's days are
   * there already, and an admin's overrides are shown as such).
   */
  statutoryHolidaysAssumed(year: number): readonly { date: string; name: string }[] {
    return OFFICIAL_YEARS.has(year) ? [] : assumedDaysOff(year);
  }

  #statutory(date: string): string | undefined {
    const year = yearOf(date);
    if (OFFICIAL_YEARS.has(year)) return undefined;
    // Like the statutory days, a presumed substitute day stands until an admin enters that day
    // otherwise (the notice placing it elsewhere marks it a workday): so adding a holiday never
    // moves a deadline earlier.
    return assumedDaysOff(year).find((h) => h.date === date)?.name;
  }

  /**
   * The n-th working day after `date` (Art. 85: the start day itself is not counted, and it may
   * be a non-working day). n = 0 returns `date` unchanged; a negative n counts backwards.
   */
  addWorkingDays(date: string, n: number): string {
    assertDate(date, 'addWorkingDays');
    assertInteger(n, 'addWorkingDays');
    if (Math.abs(n) > MAX_SPAN_DAYS) throw new OutOfRangeError(`addWorkingDays: ${n} working days is more than ${MAX_SPAN_DAYS} days`);
    const key = `${date}|${n}`;
    const known = this.#added.get(key);
    if (known !== undefined) return known;
    const step = n < 0 ? -1 : 1;
    let remaining = Math.abs(n);
    let d = date;
    for (let walked = 0; remaining > 0; walked++) {
      // Only a run of admin holidays decades long could get here: the span is capped all the same.
      if (walked >= MAX_SPAN_DAYS) throw new OutOfRangeError(`addWorkingDays: no ${n} working days within ${MAX_SPAN_DAYS} days of ${date}`);
      d = stepDay(d, step);
      if (this.isWorkingDay(d)) remaining--;
    }
    return remember(this.#added, key, d);
  }

  /** Number of working days in the half-open interval (from, to]; 0 when to <= from. */
  workingDaysBetween(from: string, to: string): number {
    assertDate(from, 'workingDaysBetween');
    assertDate(to, 'workingDaysBetween');
    if (compareDates(to, from) <= 0) return 0;
    const key = `${from}|${to}`;
    const known = this.#between.get(key);
    if (known !== undefined) return known;
    assertSpan(from, to, 'workingDaysBetween');
    let count = 0;
    for (let d = stepDay(from, 1); d <= to; d = stepDay(d, 1)) {
      if (this.isWorkingDay(d)) count++;
    }
    return remember(this.#between, key, count);
  }

  /** The working days in the half-open interval (from, to], in order; none when to <= from. */
  workingDaysIn(from: string, to: string): string[] {
    assertDate(from, 'workingDaysIn');
    assertDate(to, 'workingDaysIn');
    if (compareDates(to, from) <= 0) return [];
    assertSpan(from, to, 'workingDaysIn');
    const days: string[] = [];
    for (let d = addDays(from, 1); compareDates(d, to) <= 0; d = addDays(d, 1)) {
      if (this.isWorkingDay(d)) days.push(d);
    }
    return days;
  }

  /**
   * "N days" in calendar days (Art. 85): ends on the n-th day after `date`, moved to the next
   * working day when that day is a weekend or holiday.
   */
  addCalendarDays(date: string, n: number): string {
    assertDate(date, 'addCalendarDays');
    assertInteger(n, 'addCalendarDays');
    return this.nextWorkingDayOnOrAfter(addDays(date, n));
  }

  nextWorkingDayOnOrAfter(date: string): string {
    assertDate(date, 'nextWorkingDayOnOrAfter');
    let d = date;
    // Terminates: outside the finite set of overrides, official and statutory days every weekday is
    // working; the cap bounds it even so.
    for (let walked = 0; !this.isWorkingDay(d); walked++) {
      if (walked >= MAX_SPAN_DAYS) throw new OutOfRangeError(`nextWorkingDayOnOrAfter: no working day within ${MAX_SPAN_DAYS} days of ${date}`);
      d = addDays(d, 1);
    }
    return d;
  }

  /** Years in [from, to] (either order) whose arrangement is unknown, ascending. */
  provisionalYears(from: string, to: string): number[] {
    assertDate(from, 'provisionalYears');
    assertDate(to, 'provisionalYears');
    // One step per year (at most 10,000 between years 0 and 9999): bounded without a cap.
    const a = yearOf(from);
    const b = yearOf(to);
    const years: number[] = [];
    for (let y = Math.min(a, b); y <= Math.max(a, b); y++) {
      if (!this.hasOfficialData(y)) years.push(y);
    }
    return years;
  }
}
