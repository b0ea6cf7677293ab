import { DomainError, type ErrorKind } from '../errors.js';

/** The one place where a domain refusal becomes an HTTP status. */
export const STATUS_OF: Record<ErrorKind, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  precondition_failed: 412,
  too_large: 413,
  unsupported: 415,
  invalid: 422,
  locked: 423,
  throttled: 429,
  internal: 500,
  unavailable: 503,
};

export const statusOf = (e: DomainError): number => STATUS_OF[e.kind];

/**
 * Anything thrown on the way to a response, as a domain error: parser and upload errors become the
 * 4xx they stand for; everything else is an internal fault (logged, never shown).
 */
export function toDomainError(err: unknown): DomainError {
  if (err instanceof DomainError) return err;
  const e = err as { type?: string; status?: number; code?: string; message?: string };
  if (e?.type === 'entity.parse.failed') return new DomainError('bad_request', 'bad_json', '请求体不是有效的 JSON');
  if (e?.type === 'entity.too.large') return new DomainError('too_large', 'too_large', '请求内容过大');
  if (e?.type === 'entity.verify.failed' || e?.type === 'request.aborted') return new DomainError('bad_request', 'bad_request', '请求内容不完整，请重新提交');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new DomainError('unsupported', 'unsupported', '请求的字符编码不受支持，请使用 UTF-8');
  if (e?.type === 'parameters.too.many') return new DomainError('too_large', 'too_large', '表单字段过多');
  // PostgreSQL refusing a value (class 22: data exception) that slipped past the schemas: the input
  // was wrong, not the desk. Logged by nobody; answered as a correctable refusal.
  if (typeof e?.code === 'string' && /^22[0-9A-Z]{3}$/.test(e.code) && 'severity' in (e as object)) {
    return new DomainError('invalid', 'invalid_value', '提交的内容中有无法保存的值（过长、超出范围或含有不允许的字符），请检查后重试');
  }
  const multer = multerError(e?.code);
  if (multer) return multer;
  // busboy: a multipart body cut off or malformed.
  if (typeof e?.message === 'string' && /^(Unexpected end of (form|multipart data)|Multipart: Boundary not found|Malformed part header|Unexpected end of file)/i.test(e.message)) {
    return new DomainError('bad_request', 'bad_multipart', '上传的表单内容不完整或格式错误，请重新提交');
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new DomainError('bad_request', 'bad_request', '请求无效');
  return new DomainError('internal', 'internal', '服务器内部错误，请稍后重试；如持续出现请联系管理员');
}

function multerError(code: string | undefined): DomainError | null {
  switch (code) {
    case 'LIMIT_FILE_SIZE':
      return new DomainError('invalid', 'invalid', '附件超过 10 MB', { attachments: '附件超过 10 MB' });
    case 'LIMIT_FILE_COUNT':
    case 'LIMIT_UNEXPECTED_FILE':
      return new DomainError('invalid', 'invalid', '附件数量或字段不正确', { attachments: '附件数量或字段不正确（最多 10 个）' });
    case 'LIMIT_FIELD_COUNT':
    case 'LIMIT_PART_COUNT':
      return new DomainError('too_large', 'too_large', '表单字段过多');
    case 'LIMIT_FIELD_VALUE':
      return new DomainError('too_large', 'too_large', '表单中有字段内容过长');
    case 'LIMIT_FIELD_KEY':
      return new DomainError('too_large', 'too_large', '表单字段名过长');
    default:
      return null;
  }
}
