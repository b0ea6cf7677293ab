// Every CSV the desk writes goes through here: the ledger and the annual tables carry text people
// typed (applicants' names, request descriptions, agency names), and a spreadsheet program runs a
// cell that starts like a formula (=HYPERLINK(…), +cmd|…, -2+3, @SUM(…)) when the file is opened.

/**
 * OWASP (CSV injection): a text cell beginning with = + - @, a tab or a carriage return gets a
 * leading single quote, so spreadsheet programs read it as text. Also neutralised: the same
 * characters after leading spaces (some programs trim before parsing) and their full-width forms
 * (a Chinese input method types them; whether a program evaluates them is not worth finding out).
 * Numbers are written as numbers: a count of −1 would be a number, not a formula.
 */
const FORMULA_START = /^[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r\n]/;

export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One field: neutralised, then quoted when it holds a quote, a comma or a line break (RFC 4180). */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = neutraliseFormula(value);
  // A neutralised field is quoted too (OWASP), so its quote and content stay one field in any reader.
  return /[",\r\n]/.test(text) || text !== value ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (fields: readonly (string | number | null | undefined)[]): string => fields.map(csvField).join(',');

/** UTF-8 with a BOM (so spreadsheet programs read the Chinese) and CRLF line ends, as Excel expects. */
export const CSV_BOM = '\uFEFF';
export const CSV_EOL = '\r\n';
