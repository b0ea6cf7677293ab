/**
 * Domain errors: what a use case throws when it refuses. They say what kind of refusal it is and carry
 * a message a caseworker understands (Chinese); they know nothing of HTTP. The edge maps each kind to
 * an HTTP status in one place (server/http/error-mapping.ts).
 */
export const ERROR_KINDS = [
  'bad_request', // the request itself is unreadable (cut off, not JSON, …)
  'unauthorized', // no valid session
  'forbidden', // this person may not do this
  'not_found', // no such record, or not one this person may see
  'conflict', // not allowed in the record's current state
  'gone', // the record exists but its content is no longer available
  'precondition_failed', // the record changed since the person read it (If-Match)
  'too_large', // the request exceeds a size limit
  'unsupported', // a content type the route does not take (multipart without files, …)
  'invalid', // some fields are wrong: see `fields`
  'locked', // the account is locked
  'throttled', // too many attempts
  'unavailable', // a dependency (the database) is not available
  'internal', // a fault of the desk itself
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export class DomainError extends Error {
  constructor(
    public readonly kind: ErrorKind,
    /** A stable machine code for API clients (`invalid`, `not_allowed`, `year_locked`, …). */
    public readonly code: string,
    message: string,
    /** Per-field messages (dotted paths), for `invalid`. */
    public readonly fields?: Record<string, string>,
    /** Further JSON for API clients (allowedEvents, version, …). */
    public readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
  toJSON(): Record<string, unknown> {
    return { error: this.code, message: this.message, ...(this.fields ? { fields: this.fields } : {}), ...this.extra };
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;

export const badRequest = (message: string) => new DomainError('bad_request', 'bad_request', message);
export const notFound = (message = '未找到该记录') => new DomainError('not_found', 'not_found', message);
export const forbidden = (message = '无权执行该操作') => new DomainError('forbidden', 'forbidden', message);
export const unauthorized = (message = '请先登录') => new DomainError('unauthorized', 'unauthorized', message);
export const conflict = (message: string, extra?: Record<string, unknown>) => new DomainError('conflict', 'conflict', message, undefined, extra);
export const gone = (message: string) => new DomainError('gone', 'gone', message);
export const invalid = (fields: Record<string, string>, message = '提交的内容有误，请检查标出的字段') =>
  new DomainError('invalid', 'invalid', message, fields);

/**
 * The machines' rules name their refusals by the status they stand for (workflows know no HTTP
 * either: 403 not this person, 409 not now, 422 not with these values).
 */
export function refusal(status: number, code: string, message: string, extra?: Record<string, unknown>, fields?: Record<string, string>): DomainError {
  const kind: ErrorKind = status === 403 ? 'forbidden' : status === 422 ? 'invalid' : status === 404 ? 'not_found' : 'conflict';
  return new DomainError(kind, code, message, fields, extra);
}

/** Refusals a person can act on (fix the form, wait, ask someone else), as opposed to faults and missing records. */
export const isCorrectable = (e: unknown): boolean =>
  e instanceof DomainError && !['not_found', 'unauthorized', 'internal', 'unavailable', 'gone'].includes(e.kind);
