// The Chinese lunisolar calendar (农历), computed — for the statutory holidays of years whose State
// Council notice is not out yet (statutory-holidays.ts). Pure: no clock, no I/O, no data files.
//
// Rules: GB/T 33661-2017《农历的编算和颁行》—
//   1. dates are Beijing time (UTC+8, 东经120°标准时);
//   2. the day on which a new moon (朔) falls is the first day of a month;
//   3. the month containing the winter solstice (冬至) is the 11th month;
//   4. when 13 months lie between one 11th month and the next (exclusive), the first of them
//      that contains no principal term (中气: solar longitude a multiple of 30°) is a leap month,
//      numbered as the month before it.
// A term or a new moon counts on the Beijing date on which its instant falls (day precision: a
// month contains a 中气 when the 中气's date lies between the month's first and last day).
//
// Astronomy: Jean Meeus, Astronomical Algorithms (2nd ed., 1998) —
//   • the Sun's apparent longitude: Earth's heliocentric longitude from the truncated VSOP87D
//     series of Meeus's Appendix III (as printed in Reda & Andreas, Solar Position Algorithm for
//     Solar Radiation Applications, NREL/TP-560-34302, Table A4.2: the L0–L5 terms), + 180°, the
//     FK5 correction (−0.09033″), nutation in longitude (ch. 22, the 0.5″ formula) and aberration
//     (−20.4898″/R, ch. 25): about 1″, i.e. the instant of a term to within half a minute;
//   • new moons: ch. 49, mean phase plus its periodic and planetary corrections (a few seconds);
//   • ΔT = TT − UT: the polynomials of Espenak & Meeus (NASA, Five Millennium Canon of Solar
//     Eclipses, 2006). After about 2030 ΔT is an extrapolation: by 2100 it may be a minute or two
//     off, which moves a date only when an instant falls within that margin of Beijing midnight.
//     Measured for 2025–2100, the closest calls among the instants that fix a holiday (the new
//     moons beginning 正月, 五月 and 八月; 清明) are 八月 2089, 2.4 minutes from midnight, and 正月
//     2027, 4 minutes before it (ΔT is well known for 2027). The one month found to differ from
//     other calendars, 九月 2057 (its new moon 3 seconds before midnight with this ΔT; the
//     chinese-days table and lunar-javascript begin the month a day later), moves no holiday.
// Checked by the tests against the holiday data of the State Council notices for 2025–2026 and,
// for every year 2025–2100, against an independent 1900–2100 lunar table (the one shipped in the
// chinese-days package) and the 寿星 solar-term formula there; during development also against
// lunar-javascript 1.7.7 (寿星万年历): all 2,115 month starts 1930–2100 agree but 九月 2057.

import { addDays, daysBetween } from './dates.js';

const DEG = Math.PI / 180;
const J2000 = 2451545.0;
/** Julian Day Number of 1970-01-01 (at noon); ISO dates are day numbers counted from it. */
const JDN_1970 = 2440588;

// ---- time ---------------------------------------------------------------------------------

/** ΔT in seconds for a decimal year (Espenak & Meeus 2006; from 1900). */
export function deltaTSeconds(year: number): number {
  if (year < 1900) return -20 + 32 * ((year - 1820) / 100) ** 2; // long-term parabola; not used here
  if (year < 1920) {
    const t = year - 1900;
    return -2.79 + 1.494119 * t - 0.0598939 * t ** 2 + 0.0061966 * t ** 3 - 0.000197 * t ** 4;
  }
  if (year < 1941) {
    const t = year - 1920;
    return 21.2 + 0.84493 * t - 0.0761 * t ** 2 + 0.0020936 * t ** 3;
  }
  if (year < 1961) {
    const t = year - 1950;
    return 29.07 + 0.407 * t - t ** 2 / 233 + t ** 3 / 2547;
  }
  if (year < 1986) {
    const t = year - 1975;
    return 45.45 + 1.067 * t - t ** 2 / 260 - t ** 3 / 718;
  }
  if (year < 2005) {
    const t = year - 2000;
    return 63.86 + 0.3345 * t - 0.060374 * t ** 2 + 0.0017275 * t ** 3 + 0.000651814 * t ** 4 + 0.00002373599 * t ** 5;
  }
  if (year < 2050) {
    const t = year - 2000;
    return 62.92 + 0.32217 * t + 0.005589 * t ** 2;
  }
  const u = (year - 1820) / 100;
  if (year < 2150) return -20 + 32 * u ** 2 - 0.5628 * (2150 - year);
  return -20 + 32 * u ** 2;
}

/** The Beijing calendar date (ISO) of an instant given as a Julian Ephemeris Day (TT). */
export function beijingDateOfJde(jde: number): string {
  const year = 2000 + (jde - J2000) / 365.25;
  const jdUt = jde - deltaTSeconds(year) / 86400;
  // A civil day of UTC+8 runs from JD n − 0.5 − 8/24 to the next; its Julian Day Number is n.
  const jdn = Math.floor(jdUt + 0.5 + 8 / 24);
  return addDays('1970-01-01', jdn - JDN_1970);
}

/** Julian Day (0h UT) of the start of an ISO date: a rough anchor for the searches below. */
function jdOfDate(iso: string): number {
  return JDN_1970 + daysBetween('1970-01-01', iso) - 0.5;
}

// ---- the Sun --------------------------------------------------------------------------------

type Series = readonly (readonly [number, number, number])[];

// Earth's heliocentric ecliptic longitude, VSOP87D truncated (A × 10⁻⁸ rad, B rad, C rad per
// Julian millennium): Meeus Appendix III / Reda & Andreas Table A4.2.
const L0: Series = [
  [175347046, 0, 0], [3341656, 4.6692568, 6283.07585], [34894, 4.6261, 12566.1517], [3497, 2.7441, 5753.3849],
  [3418, 2.8289, 3.5231], [3136, 3.6277, 77713.7715], [2676, 4.4181, 7860.4194], [2343, 6.1352, 3930.2097],
  [1324, 0.7425, 11506.7698], [1273, 2.0371, 529.691], [1199, 1.1096, 1577.3435], [990, 5.233, 5884.927],
  [902, 2.045, 26.298], [857, 3.508, 398.149], [780, 1.179, 5223.694], [753, 2.533, 5507.553],
  [505, 4.583, 18849.228], [492, 4.205, 775.523], [357, 2.92, 0.067], [317, 5.849, 11790.629],
  [284, 1.899, 796.298], [271, 0.315, 10977.079], [243, 0.345, 5486.778], [206, 4.806, 2544.314],
  [205, 1.869, 5573.143], [202, 2.458, 6069.777], [156, 0.833, 213.299], [132, 3.411, 2942.463],
  [126, 1.083, 20.775], [115, 0.645, 0.98], [103, 0.636, 4694.003], [102, 0.976, 15720.839],
  [102, 4.267, 7.114], [99, 6.21, 2146.17], [98, 0.68, 155.42], [86, 5.98, 161000.69],
  [85, 1.3, 6275.96], [85, 3.67, 71430.7], [80, 1.81, 17260.15], [79, 3.04, 12036.46],
  [75, 1.76, 5088.63], [74, 3.5, 3154.69], [74, 4.68, 801.82], [70, 0.83, 9437.76],
  [62, 3.98, 8827.39], [61, 1.82, 7084.9], [57, 2.78, 6286.6], [56, 4.39, 14143.5],
  [56, 3.47, 6279.55], [52, 0.19, 12139.55], [52, 1.33, 1748.02], [51, 0.28, 5856.48],
  [49, 0.49, 1194.45], [41, 5.37, 8429.24], [41, 2.4, 19651.05], [39, 6.17, 10447.39],
  [37, 6.04, 10213.29], [37, 2.57, 1059.38], [36, 1.71, 2352.87], [36, 1.78, 6812.77],
  [33, 0.59, 17789.85], [30, 0.44, 83996.85], [30, 2.74, 1349.87], [25, 3.16, 4690.48],
];
const L1: Series = [
  [628331966747, 0, 0], [206059, 2.678235, 6283.07585], [4303, 2.6351, 12566.1517], [425, 1.59, 3.523],
  [119, 5.796, 26.298], [109, 2.966, 1577.344], [93, 2.59, 18849.23], [72, 1.14, 529.69],
  [68, 1.87, 398.15], [67, 4.41, 5507.55], [59, 2.89, 5223.69], [56, 2.17, 155.42],
  [45, 0.4, 796.3], [36, 0.47, 775.52], [29, 2.65, 7.11], [21, 5.34, 0.98],
  [19, 1.85, 5486.78], [19, 4.97, 213.3], [17, 2.99, 6275.96], [16, 0.03, 2544.31],
  [16, 1.43, 2146.17], [15, 1.21, 10977.08], [12, 2.83, 1748.02], [12, 3.26, 5088.63],
  [12, 5.27, 1194.45], [12, 2.08, 4694], [11, 0.77, 553.57], [10, 1.3, 6286.6],
  [10, 4.24, 1349.87], [9, 2.7, 242.73], [9, 5.64, 951.72], [8, 5.3, 2352.87],
  [6, 2.65, 9437.76], [6, 4.67, 4690.48],
];
const L2: Series = [
  [52919, 0, 0], [8720, 1.0721, 6283.0758], [309, 0.867, 12566.152], [27, 0.05, 3.52],
  [16, 5.19, 26.3], [16, 3.68, 155.42], [10, 0.76, 18849.23], [9, 2.06, 77713.77],
  [7, 0.83, 775.52], [5, 4.66, 1577.34], [4, 1.03, 7.11], [4, 3.44, 5573.14],
  [3, 5.14, 796.3], [3, 6.05, 5507.55], [3, 1.19, 242.73], [3, 6.12, 529.69],
  [3, 0.31, 398.15], [3, 2.28, 553.57], [2, 4.38, 5223.69], [2, 3.75, 0.98],
];
const L3: Series = [
  [289, 5.844, 6283.076], [35, 0, 0], [17, 5.49, 12566.15], [3, 5.2, 155.42],
  [1, 4.72, 3.52], [1, 5.3, 18849.23], [1, 5.97, 242.73],
];
const L4: Series = [[114, 3.142, 0], [8, 4.13, 6283.08], [1, 3.84, 12566.15]];
const L5: Series = [[1, 3.14, 0]];
const L_SERIES = [L0, L1, L2, L3, L4, L5];

function sumSeries(series: Series, tau: number): number {
  let s = 0;
  for (const [a, b, c] of series) s += a * Math.cos(b + c * tau);
  return s;
}

function normalize360(deg: number): number {
  return ((deg % 360) + 360) % 360;
}

/** The Sun's apparent geocentric ecliptic longitude, in degrees [0, 360), at a JDE (TT). */
export function sunApparentLongitude(jde: number): number {
  const tau = (jde - J2000) / 365250; // Julian millennia
  const t = tau * 10; // Julian centuries
  let l = 0;
  for (let i = L_SERIES.length - 1; i >= 0; i--) l = l * tau + sumSeries(L_SERIES[i]!, tau);
  const heliocentric = (l / 1e8) / DEG;
  // Nutation in longitude (Meeus 22, to 0.5″).
  const omega = (125.04452 - 1934.136261 * t) * DEG;
  const sunMean = (280.4665 + 36000.7698 * t) * DEG;
  const moonMean = (218.3165 + 481267.8813 * t) * DEG;
  const dPsi = -17.2 * Math.sin(omega) - 1.32 * Math.sin(2 * sunMean) - 0.23 * Math.sin(2 * moonMean) + 0.21 * Math.sin(2 * omega);
  // Earth–Sun distance in AU (Meeus 25.5; enough for the aberration, itself 20″).
  const m = (357.52911 + 35999.05029 * t) * DEG;
  const r = 1.000140 - 0.016708 * Math.cos(m) - 0.000140 * Math.cos(2 * m);
  const arcsec = -0.09033 + dPsi - 20.4898 / r;
  return normalize360(heliocentric + 180 + arcsec / 3600);
}

/** The instant (JDE) at which the Sun's apparent longitude is `longitude`°, nearest to `nearJde`. */
export function solarLongitudeJde(longitude: number, nearJde: number): number {
  let jde = nearJde;
  // Newton's method with the mean rate of the Sun (360° a tropical year): converges to
  // microseconds in a few steps (the true rate differs from the mean by at most 3.4%).
  for (let i = 0; i < 20; i++) {
    const diff = normalize360(longitude - sunApparentLongitude(jde) + 180) - 180;
    const step = (diff * 365.2422) / 360;
    jde += step;
    if (Math.abs(step) < 1e-7) break;
  }
  return jde;
}

/** The Beijing date of the Sun's reaching `longitude`° in a Gregorian year, e.g. 15° → 清明. */
export function solarTermDate(year: number, longitude: number): string {
  // Longitude 0° (春分) is near 20 March; each degree is about 1.0146 days.
  const days = (normalize360(longitude + 80) - 80) * (365.2422 / 360);
  return beijingDateOfJde(solarLongitudeJde(longitude, jdOfDate(`${String(year).padStart(4, '0')}-03-20`) + days));
}

// ---- the Moon -------------------------------------------------------------------------------

const SYNODIC_MONTH = 29.530588861;

/** The instant (JDE) of new moon number k (k = 0: 2000-01-06), Meeus ch. 49. */
export function newMoonJde(k: number): number {
  const t = k / 1236.85;
  const t2 = t * t;
  const t3 = t2 * t;
  const t4 = t3 * t;
  let jde = 2451550.09766 + SYNODIC_MONTH * k + 0.00015437 * t2 - 0.00000015 * t3 + 0.00000000073 * t4;
  const e = 1 - 0.002516 * t - 0.0000074 * t2;
  const m = (2.5534 + 29.1053567 * k - 0.0000014 * t2 - 0.00000011 * t3) * DEG;
  const mp = (201.5643 + 385.81693528 * k + 0.0107582 * t2 + 0.00001238 * t3 - 0.000000058 * t4) * DEG;
  const f = (160.7108 + 390.67050284 * k - 0.0016118 * t2 - 0.00000227 * t3 + 0.000000011 * t4) * DEG;
  const om = (124.7746 - 1.56375588 * k + 0.0020672 * t2 + 0.00000215 * t3) * DEG;
  jde +=
    -0.4072 * Math.sin(mp) +
    0.17241 * e * Math.sin(m) +
    0.01608 * Math.sin(2 * mp) +
    0.01039 * Math.sin(2 * f) +
    0.00739 * e * Math.sin(mp - m) -
    0.00514 * e * Math.sin(mp + m) +
    0.00208 * e * e * Math.sin(2 * m) -
    0.00111 * Math.sin(mp - 2 * f) -
    0.00057 * Math.sin(mp + 2 * f) +
    0.00056 * e * Math.sin(2 * mp + m) -
    0.00042 * Math.sin(3 * mp) +
    0.00042 * e * Math.sin(m + 2 * f) +
    0.00038 * e * Math.sin(m - 2 * f) -
    0.00024 * e * Math.sin(2 * mp - m) -
    0.00017 * Math.sin(om) -
    0.00007 * Math.sin(mp + 2 * m) +
    0.00004 * Math.sin(2 * mp - 2 * f) +
    0.00004 * Math.sin(3 * m) +
    0.00003 * Math.sin(mp + m - 2 * f) +
    0.00003 * Math.sin(2 * mp + 2 * f) -
    0.00003 * Math.sin(mp + m + 2 * f) +
    0.00003 * Math.sin(mp - m + 2 * f) -
    0.00002 * Math.sin(mp - m - 2 * f) -
    0.00002 * Math.sin(3 * mp + m) +
    0.00002 * Math.sin(4 * mp);
  // Planetary arguments.
  const planetary: readonly (readonly [number, number, number])[] = [
    [0.000325, 299.77, 0.107408], [0.000165, 251.88, 0.016321], [0.000164, 251.83, 26.651886],
    [0.000126, 349.42, 36.412478], [0.00011, 84.66, 18.206239], [0.000062, 141.74, 53.303771],
    [0.00006, 207.14, 2.453732], [0.000056, 154.84, 7.30686], [0.000047, 34.52, 27.261239],
    [0.000042, 207.19, 0.121824], [0.00004, 291.34, 1.844379], [0.000037, 161.72, 24.198154],
    [0.000035, 239.56, 25.513099], [0.000023, 331.55, 3.592518],
  ];
  for (const [i, [coefficient, a, b]] of planetary.entries()) {
    const arg = a + b * k - (i === 0 ? 0.009173 * t2 : 0);
    jde += coefficient * Math.sin(arg * DEG);
  }
  return jde;
}

/** The number of the last new moon whose Beijing date is on or before `iso`. */
function newMoonOnOrBefore(iso: string): number {
  let k = Math.floor((jdOfDate(iso) - 2451550.09766) / SYNODIC_MONTH) + 1;
  while (beijingDateOfJde(newMoonJde(k)) > iso) k--;
  while (beijingDateOfJde(newMoonJde(k + 1)) <= iso) k++;
  return k;
}

// ---- the calendar ---------------------------------------------------------------------------

export interface LunarMonth {
  /** 1–12 (正月 … 腊月). */
  month: number;
  leap: boolean;
  /** Gregorian (Beijing) date of its first day, 初一. */
  start: string;
  /** 29 or 30. */
  days: number;
}

const suiCache = new Map<number, LunarMonth[]>();

/**
 * The months of the 岁 that ends with the winter solstice of `year`: from the 11th month that
 * contains the solstice of year − 1 up to (not including) the 11th month containing that of
 * `year`. It holds 正月 to 十月 of the lunar year beginning in `year` (with any leap month).
 */
function sui(year: number): LunarMonth[] {
  const cached = suiCache.get(year);
  if (cached) return cached;
  const solsticeBefore = solarTermDate(year - 1, 270);
  const solsticeAfter = solarTermDate(year, 270);
  const kFirst = newMoonOnOrBefore(solsticeBefore);
  const kLast = newMoonOnOrBefore(solsticeAfter);
  const starts: string[] = [];
  for (let k = kFirst; k <= kLast; k++) starts.push(beijingDateOfJde(newMoonJde(k)));
  const count = kLast - kFirst; // 12 or 13 months
  // Principal terms (中气) from the solstice of year − 1 (270°) to that of `year`, by date.
  const principal: string[] = [];
  for (let i = 0; i <= 12; i++) {
    const longitude = (270 + 30 * i) % 360;
    principal.push(solarTermDate(i === 0 ? year - 1 : year, longitude));
  }
  const months: LunarMonth[] = [];
  let number = 11;
  let leapFound = count === 12;
  for (let i = 0; i < count; i++) {
    const start = starts[i]!;
    const next = starts[i + 1]!;
    let leap = false;
    if (!leapFound && i > 0) {
      const hasPrincipal = principal.some((d) => d >= start && d < next);
      if (!hasPrincipal) {
        leap = true;
        leapFound = true;
      }
    }
    if (!leap && i > 0) number = (number % 12) + 1;
    months.push({ month: number, leap, start, days: daysBetween(start, next) });
  }
  suiCache.set(year, months);
  return months;
}

/**
 * The Gregorian date of day `day` of (non-leap) month `month` of the lunar year that begins in
 * Gregorian `year`: lunarToGregorian(2027, 1, 1) is 春节 2027.
 */
export function lunarToGregorian(year: number, month: number, day: number): string {
  if (!Number.isInteger(month) || month < 1 || month > 10) throw new RangeError(`lunar month must be 1–10, got ${month}`);
  // Months 11 and 12 of the 岁 belong to the lunar year before; 1–10 occur once each (and a leap
  // month after one of them is skipped).
  const m = sui(year).find((x) => x.month === month && !x.leap);
  if (!m) throw new RangeError(`lunar month ${month} of ${year} not found`);
  if (!Number.isInteger(day) || day < 1 || day > m.days) throw new RangeError(`lunar day ${day} is not in month ${month} of ${year} (${m.days} days)`);
  return addDays(m.start, day - 1);
}

/** The lunar months whose first day falls in Gregorian `year`'s 岁 (see `sui`), for tests and display. */
export function lunarMonthsOfSui(year: number): readonly LunarMonth[] {
  return sui(year);
}
