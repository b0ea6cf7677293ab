// The building blocks of the edge schemas: every body, query and path parameter is parsed by zod,
// with unknown keys refused and messages a caseworker understands.
import { z } from 'zod';
import { REGULATION_IN_FORCE } from '../../workflows/dates.js';
import { badRequest } from '../errors.js';

/** Messages for zod's own checks, in plain Chinese (a schema's own message wins over these). */
function chineseMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined || issue.input === null ? '请填写此项' : '格式不正确';
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `不能超过 ${max} 个字`;
      if (issue.origin === 'array' || issue.origin === 'set') return `最多 ${max} 项`;
      return `不能大于 ${max}`;
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? '请填写此项' : `至少 ${min} 个字`;
      if (issue.origin === 'array' || issue.origin === 'set') return min <= 1 ? '至少选择一项' : `至少 ${min} 项`;
      return `不能小于 ${min}`;
    }
    case 'invalid_format':
      if (issue.format === 'date') return '日期格式应为 YYYY-MM-DD';
      return '格式不正确';
    case 'invalid_value':
      return '不是可选的值，请从列表中选择';
    case 'unrecognized_keys':
      return `不接受的字段：${issue.keys.join('、')}`;
    case 'invalid_union':
      return '格式不正确';
    case 'not_multiple_of':
      return '数值不正确';
    default:
      return undefined;
  }
}
z.config({ customError: chineseMessage });

/** A zod failure as per-field messages (`applicant.name` → message); unknown keys each get their own line. */
export function fieldsOf(error: z.ZodError, prefix = ''): Record<string, string> {
  // No prototype: a key named __proto__ is reported like any other.
  const fields: Record<string, string> = Object.create(null);
  const at = (path: PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join('.') || '_';
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[at([...issue.path, key])] ??= '不接受的字段';
    } else if (issue.code === 'invalid_union' && issue.errors.length) {
      // The branch that got furthest says what is wrong (e.g. the event type's own fields).
      const best = issue.errors.reduce((a, b) => (b.length < a.length ? b : a));
      for (const inner of best) fields[at([...issue.path, ...inner.path])] ??= inner.message;
    } else {
      fields[at(issue.path)] ??= issue.message;
    }
  }
  return fields;
}

// --- scalars ----------------------------------------------------------------------------------

/** Text typed by a person: trimmed, capped; NUL and other control characters (but tab and line breaks) refused. */
export const text = (max: number) =>
  z
    .string()
    .max(max)
    // eslint-disable-next-line no-control-regex
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), { message: '含有不允许的控制字符' })
    .transform((s) => s.trim());

/** Optional text: absent, null and '' all mean "not given". */
export const optionalText = (max: number) =>
  z.union([text(max), z.null()]).optional().transform((s) => (s === undefined || s === null || s === '' ? null : s));

export const isoDate = z.iso.date({ message: '日期格式应为 YYYY-MM-DD' });

/** A positive integer in a path (`/applications/:id`); anything else names no record. */
export const idParam = z.coerce.number({ message: '编号无效' }).int({ message: '编号无效' }).positive({ message: '编号无效' }).max(2 ** 31 - 1, { message: '编号无效' });

/** Integers typed into a form arrive as strings; JSON sends numbers. Both are read. */
export const intField = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v),
    z.number({ message: '应为整数' }).int({ message: '应为整数' }).min(min).max(max),
  );

/** A yes/no query or form flag ('true', '1', 'on'), or a JSON boolean. */
export const flag = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'on', 'off', ''])])
  .optional()
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'on');

/** An enumeration from a glossary table (`{ code: 中文 }`), messages naming the choices in Chinese. */
export function oneOf<T extends Record<string, string>>(table: T, what: string) {
  const keys = Object.keys(table) as [keyof T & string, ...(keyof T & string)[]];
  return z.enum(keys, { message: `${what}应为：${Object.values(table).join('、')}` });
}

// --- objects ----------------------------------------------------------------------------------

/** Objects at the edge refuse keys they do not know (a typo, an attacker's extra field). */
export const strict = z.strictObject;

/** No query parameters at all. */
export const noQuery = z.strictObject({});
/** No body (or an empty one). */
export const noBody = z.strictObject({});

/** Lines of a textarea as a list (one item per non-empty line). */
export const lines = (max: number, maxItems: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.split(/\r?\n/).map((s) => s.trim()).filter(Boolean) : v),
    z.array(text(max)).max(maxItems),
  );

/** A value that may be sent once or repeated (`agencyCodes=A&agencyCodes=B`), as a list. */
export const list = <T extends z.ZodType>(item: T, maxItems: number) =>
  z.preprocess((v) => (v === undefined || Array.isArray(v) ? v : [v]), z.array(item).max(maxItems));

/** Empty form fields mean "not given": drop them so optional fields stay optional. */
export function withoutEmpty(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(fields)) if (v !== '') out[k] = v;
  return out;
}

/**
 * The Regulation (国务院令第492号) took effect on 2008-05-01: no application, event or appeal of this
 * desk can be dated earlier. (Facts are also not after today: the use cases check that against the clock.)
 */
export const factDate = (label = '日期') =>
  isoDate.refine((d) => d >= REGULATION_IN_FORCE, { message: `${label}不能早于2008年5月1日（《政府信息公开条例》施行之日）` });

/**
 * A body taken as JSON, or as multipart with the JSON in one field `data` beside the files (API
 * registration, contacts, public applications). Any other multipart body is parsed by `shape` as it is.
 */
export const jsonOrDataField = <T extends z.ZodType>(shape: T) => z.preprocess((v) => {
  if (!v || typeof v !== 'object' || !('data' in v)) return v;
  const { data, ...rest } = v as Record<string, unknown>;
  if (Object.keys(rest).length || typeof data !== 'string') return v;
  try {
    return JSON.parse(data);
  } catch {
    throw badRequest('字段 data 不是有效的 JSON');
  }
}, shape);
