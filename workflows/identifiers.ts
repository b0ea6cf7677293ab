// Validators and display masking for the identifiers an application carries.
//
// Resident identity numbers (GB 11643-1999) and unified social credit codes (GB 32100-2015) are
// checked with their check characters so that typing errors are caught at intake. Applicants'
// personal information must be protected (Regulation Art. 15 on third-party/personal privacy, and
// the Personal Information Protection Law), so lists and logs show masked numbers only.
// Validators are strict: no trimming, upper-case 'X' and letters only; callers normalise input.

import { isIsoDate } from './dates.js';

// GB 11643-1999 §8.2: ISO 7064 MOD 11-2 weights for the first 17 digits.
const RESIDENT_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const RESIDENT_CHECK = '10X98765432';

/** Check character (0-9 or X) for the first 17 digits of a resident identity number. */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('residentIdCheckChar: expected 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * RESIDENT_WEIGHTS[i]!;
  return RESIDENT_CHECK[sum % 11]!;
}

/** GB 11643-1999: 6-digit address code, 8-digit birth date, 3-digit sequence, check character. */
export function isValidResidentId(id: string): boolean {
  if (typeof id !== 'string' || !/^\d{17}[\dX]$/.test(id)) return false;
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!isIsoDate(birth)) return false;
  return residentIdCheckChar(id.slice(0, 17)) === id[17];
}

// GB 32100-2015: 31 characters (no I, O, S, V, Z) and the weights 3^i mod 31.
const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** Check character for the first 17 characters of a unified social credit code. */
export function creditCodeCheckChar(first17: string): string {
  if (typeof first17 !== 'string' || first17.length !== 17) throw new RangeError('creditCodeCheckChar: expected 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CHARS.indexOf(first17[i]!);
    if (v < 0) throw new RangeError(`creditCodeCheckChar: invalid character ${JSON.stringify(first17[i])}`);
    sum += v * CREDIT_WEIGHTS[i]!;
  }
  const check = 31 - (sum % 31);
  return CREDIT_CHARS[check === 31 ? 0 : check]!;
}

/** GB 32100-2015 unified social credit code (统一社会信用代码), 18 characters with check character. */
export function isValidCreditCode(code: string): boolean {
  if (typeof code !== 'string' || code.length !== 18) return false;
  for (const ch of code) if (!CREDIT_CHARS.includes(ch)) return false;
  return creditCodeCheckChar(code.slice(0, 17)) === code[17];
}

/** '310101199001011234' → '3101**********1234'; strings of 8 characters or fewer keep only the last 2. */
export function maskIdNumber(s: string): string {
  const chars = [...s];
  if (chars.length > 8) return chars.slice(0, 4).join('') + '*'.repeat(chars.length - 8) + chars.slice(-4).join('');
  if (chars.length <= 2) return '*'.repeat(chars.length);
  return '*'.repeat(chars.length - 2) + chars.slice(-2).join('');
}

/**
 * '13812345678' → '138****5678'. Other numbers (landlines, extensions, foreign numbers) keep their
 * last 4 digits and their separators; every other digit becomes '*'.
 */
export function maskPhone(s: string): string {
  const compact = s.replace(/[\s-]/g, '');
  if (/^1\d{10}$/.test(compact)) return `${compact.slice(0, 3)}****${compact.slice(7)}`;
  const digitCount = (s.match(/\d/g) ?? []).length;
  const keep = digitCount > 4 ? 4 : 0;
  let seen = 0;
  return s.replace(/\d/g, (d) => (++seen > digitCount - keep ? d : '*'));
}

/** Chinese postal code: exactly 6 digits. */
export function isValidPostcode(s: string): boolean {
  return typeof s === 'string' && /^\d{6}$/.test(s);
}

/** Loose phone check for contact details: 7–20 characters of digits, spaces, '-' and '+', at least 7 digits. */
export function isValidMobileOrPhone(s: string): boolean {
  if (typeof s !== 'string' || !/^[\d\s+-]{7,20}$/.test(s)) return false;
  return (s.match(/\d/g) ?? []).length >= 7;
}
