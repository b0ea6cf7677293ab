/** A refusal with an HTTP status and a message a caseworker understands (Chinese). */
export class HttpError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly fields?: Record<string, string>,
    public readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
  toJSON(): Record<string, unknown> {
    return { error: this.code, message: this.message, ...(this.fields ? { fields: this.fields } : {}), ...this.extra };
  }
}

export const badRequest = (message: string) => new HttpError(400, 'bad_request', message);
export const notFound = (message = '未找到该记录') => new HttpError(404, 'not_found', message);
export const forbidden = (message = '无权执行该操作') => new HttpError(403, 'forbidden', message);
export const unauthorized = (message = '请先登录') => new HttpError(401, 'unauthorized', message);
export const conflict = (message: string, extra?: Record<string, unknown>) =>
  new HttpError(409, 'conflict', message, undefined, extra);
export const invalid = (fields: Record<string, string>, message = '提交的内容有误，请检查标出的字段') =>
  new HttpError(422, 'invalid', message, fields);
