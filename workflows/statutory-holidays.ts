// The statutory public holidays (全体公民放假的节日) of 《全国年节及纪念日放假办法》 as revised by
// 国务院令第795号 (2024-11-10, in force 2025-01-01), Art. 2:
//   元旦 1 day (1 January); 春节 4 days (农历除夕、正月初一至初三); 清明节 1 day (the day of the 清明
//   solar term); 劳动节 2 days (1–2 May); 端午节 1 day (农历五月初五); 中秋节 1 day (农历八月十五);
//   国庆节 3 days (1–3 October).
// These days are known years ahead; what each year's State Council notice adds is the arrangement
// around them: make-up working days (调休上班) and days off moved next to them. Art. 6 also fixes
// that a holiday falling on a Saturday or Sunday is made up on a working day (补假): the notice says
// which; until it does, the desk presumes the first weekdays after the holiday (as the notices
// usually place them), so that no period counted through it is shorter than the law allows.
//
// 除夕 is the last day of the twelfth lunar month — the 29th or the 30th, whichever it is that year
// — so it is taken as the day before 正月初一, never as "12/30".

import { addDays } from './dates.js';
import { lunarToGregorian, solarTermDate } from './lunar.js';

/** The first year under the 2024 revision (before it 春节 was 3 days from 初一 and 劳动节 1 day). */
export const STATUTORY_RULES_FROM_YEAR = 2025;

export const STATUTORY_SOURCE = '《全国年节及纪念日放假办法》（国务院令第795号修订，2025年1月1日起施行）';

export interface StatutoryHoliday {
  date: string;
  /** e.g. 元旦, 春节（除夕）, 国庆节、中秋节 when two fall on one day. */
  name: string;
}

const cache = new Map<number, readonly StatutoryHoliday[]>();

/**
 * The statutory holidays of a Gregorian year, in date order; none before 2025 (the revision was not
 * in force, and those years are covered by the State Council data anyway).
 */
export function statutoryHolidays(year: number): readonly StatutoryHoliday[] {
  if (!Number.isSafeInteger(year)) throw new RangeError(`statutoryHolidays: not a year: ${year}`);
  // 9999 is the last year an ISO date can name; its lunar year runs into year 10000.
  if (year < STATUTORY_RULES_FROM_YEAR || year > 9998) return [];
  const cached = cache.get(year);
  if (cached) return cached;
  const y = String(year).padStart(4, '0');
  const springFestival = lunarToGregorian(year, 1, 1);
  const entries: [string, string][] = [
    [`${y}-01-01`, '元旦'],
    [addDays(springFestival, -1), '春节（除夕）'],
    [springFestival, '春节（正月初一）'],
    [addDays(springFestival, 1), '春节（正月初二）'],
    [addDays(springFestival, 2), '春节（正月初三）'],
    [solarTermDate(year, 15), '清明节'],
    [`${y}-05-01`, '劳动节'],
    [`${y}-05-02`, '劳动节'],
    [lunarToGregorian(year, 5, 5), '端午节'],
    [`${y}-10-01`, '国庆节'],
    [`${y}-10-02`, '国庆节'],
    [`${y}-10-03`, '国庆节'],
    [lunarToGregorian(year, 8, 15), '中秋节'], // after 国庆节, so a shared day reads 国庆节、中秋节
  ];
  const byDate = new Map<string, string>();
  for (const [date, name] of entries) {
    const earlier = byDate.get(date);
    byDate.set(date, earlier && earlier !== name ? `${earlier}、${name}` : name);
  }
  const list = Object.freeze(
    [...byDate].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([date, name]) => Object.freeze({ date, name })),
  );
  cache.set(year, list);
  return list;
}

const isWeekend = (date: string) => {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 || day === 6;
};

/**
 * Art. 6 (补假): each holiday that falls on a weekend is made up on a weekday. Presumed here on the
 * first weekdays after the holiday's run of days off (holidays and weekends together), skipping
 * other holidays; the State Council notice, entered by an admin, overrides the presumption.
 */
function substituteDays(holidays: ReadonlyMap<string, string>): [string, string][] {
  // (The runs are walked in date order; a presumed day never lands on a holiday or weekend.)
  const out: [string, string][] = [];
  const off = (d: string) => holidays.has(d) || isWeekend(d) || out.some(([x]) => x === d);
  const seen = new Set<string>();
  for (const start of [...holidays.keys()].sort()) {
    if (seen.has(start)) continue;
    // The run of consecutive days off this holiday belongs to.
    let first = start;
    while (off(addDays(first, -1))) first = addDays(first, -1);
    let owed = 0;
    let d = first;
    for (; off(d); d = addDays(d, 1)) {
      if (holidays.has(d)) {
        seen.add(d);
        if (isWeekend(d)) owed++;
      }
    }
    const name = holidays.get(start)!.replace(/（.*）$/, '');
    for (; owed > 0; d = addDays(d, 1)) {
      if (off(d)) continue;
      out.push([d, `${name}补假（推定）`]);
      owed--;
    }
  }
  return out;
}

const substituteCache = new Map<number, readonly StatutoryHoliday[]>();

/**
 * The substitute days off (补假, Art. 6) presumed for a year's holidays that fall on a weekend, until
 * the State Council notice says which days they are: the first weekdays after each run of days off.
 */
export function presumedSubstituteDays(year: number): readonly StatutoryHoliday[] {
  const cached = substituteCache.get(year);
  if (cached) return cached;
  const holidays = new Map(statutoryHolidays(year).map((h) => [h.date, h.name] as const));
  const list = Object.freeze(substituteDays(holidays).map(([date, name]) => Object.freeze({ date, name })));
  substituteCache.set(year, list);
  return list;
}

/** What a year without its notice assumes: the statutory holidays and the presumed substitute days, in date order. */
export function assumedDaysOff(year: number): readonly StatutoryHoliday[] {
  return [...statutoryHolidays(year), ...presumedSubstituteDays(year)].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
