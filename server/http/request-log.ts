// Issue 15: every request gets an id — the caller's X-Request-Id when it is a sane token (a reverse
// proxy's, say), else a new UUID — answered in X-Request-Id, carried by every log line written while
// serving it (`req.log`) and by every JSON error body (`requestId`). One line per request when it ends.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../log.js';

/** Letters, digits and `._:-`, at most 100 characters: what proxies send (UUIDs, hex, base64url). */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

export function requestIdOf(incoming: unknown): string {
  return typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

type Res = ServerResponse & { locals?: Record<string, unknown> };

/** The declared route (`/api/applications/:id`) a request was served by, set by mountRoutes. */
export const routeOf = (res: ServerResponse): string | undefined => (res as Res).locals?.route as string | undefined;

const pathOf = (req: IncomingMessage): string => ((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '').split('?')[0] ?? '';

/** Probes answer every few seconds: their lines only at debug, unless they fail. */
const QUIET = new Set(['/api/health', '/metrics']);

export function requestLogging(logger: Logger) {
  // Neither headers (cookies, bearer tokens) nor query strings (searches name people) are logged.
  const summary = (req: IncomingMessage, res: ServerResponse, responseTime: unknown) => ({
    method: req.method,
    path: pathOf(req),
    route: routeOf(res) ?? null,
    status: res.statusCode,
    responseTime,
  });
  return pinoHttp({
    logger,
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    genReqId: (req, res) => {
      const id = requestIdOf(req.headers['x-request-id']);
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (req, res, err) => {
      if (err || res.statusCode >= 500) return 'error';
      if (QUIET.has(pathOf(req))) return 'debug';
      return res.statusCode >= 400 ? 'warn' : 'info';
    },
    customSuccessMessage: (req, res) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
    customSuccessObject: (req, res, val: { responseTime?: unknown }) => summary(req, res, val.responseTime),
    customErrorObject: (req, res, err, val: { responseTime?: unknown }) => ({ ...summary(req, res, val.responseTime), err }),
  });
}
