// Issue 15: every request gets an id — the caller's X-Request-Id when it is a sane token (a reverse
// proxy's, say), else a new UUID — answered in X-Request-Id, carried by every log line written while
// serving it (`req.log`) and by every JSON error body (`requestId`). One line per request when it ends.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
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

declare module 'node:http' {
  interface IncomingMessage {
    /** The request's id (X-Request-Id): on every log line written while serving it, and in error bodies. */
    id: string;
    /** The logger for lines about this request: each carries its requestId. */
    log: Logger;
  }
  interface ServerResponse {
    /** A fault the error handler met (status ≥ 500): logged with its stack on the request's line. */
    err?: Error | undefined;
  }
}

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * One line per request when its answer is sent (or the connection drops first). Written by hand
 * rather than with pino-http (issue 15: that cost ~5 % of a case GET — a child logger and its bindings
 * for every request, serialisers for objects never logged); the child logger behind `req.log` is made
 * only when something writes to it.
 */
export function requestLogging(logger: Logger) {
  // Neither headers (cookies, bearer tokens) nor query strings (searches name people) are logged.
  const levelOf = (req: IncomingMessage, res: ServerResponse, err: Error | undefined): Level => {
    if (err || res.statusCode >= 500) return 'error';
    if (QUIET.has(pathOf(req))) return 'debug';
    return res.statusCode >= 400 ? 'warn' : 'info';
  };
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const started = performance.now();
    const id = requestIdOf(req.headers['x-request-id']);
    res.setHeader('X-Request-Id', id);
    req.id = id;
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', {
      configurable: true,
      enumerable: false,
      get: () => (child ??= logger.child({ requestId: id })),
    });
    let logged = false;
    const done = (aborted: boolean) => {
      if (logged) return;
      logged = true;
      res.removeListener('finish', onFinish);
      res.removeListener('close', onClose);
      const err = res.err;
      // The caller hung up before the answer went out (a closed tab, a client's timeout): not a fault.
      const level = aborted && !err && res.statusCode < 500 ? 'warn' : levelOf(req, res, err);
      if (!logger.isLevelEnabled(level)) return;
      const line: Record<string, unknown> = {
        requestId: id, method: req.method, path: pathOf(req), route: routeOf(res) ?? null, status: res.statusCode,
        responseTime: Math.round(performance.now() - started),
      };
      if (aborted) line.aborted = true;
      if (err) line.err = err;
      logger[level](line, `${req.method} ${pathOf(req)} ${res.statusCode}`);
    };
    const onFinish = () => done(false);
    const onClose = () => done(!res.writableFinished);
    res.on('finish', onFinish);
    res.on('close', onClose);
    next();
  };
}
