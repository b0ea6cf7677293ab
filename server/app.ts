import express, { type NextFunction, type Request, type Response } from 'express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { join } from 'node:path';
import type { AppContext } from './context.js';
import { csrfProtection, identify } from './auth/auth-middleware.js';
import { DomainError } from './errors.js';
import { statusOf, toDomainError } from './http/error-mapping.js';
import { TEMPLATES_DIR } from './paths.js';
import { viewHelpers } from './routes/view-helpers.js';
import { inboxBadge } from './routes/consultation-badge.js';
import { HEALTH_ROUTE, METRICS_ROUTE, ROUTES } from './routes/index.js';
import { metricsOf, requestMetrics } from './metrics.js';
import { mountRoutes } from './http/route.js';
import { passwordChangeGate } from './auth/password-change-gate.js';
import { loggerOf } from './log.js';
import { requestLogging } from './http/request-log.js';

/** Builds the app without listening: tests drive it through supertest. */
export function createApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', ctx.config.trustProxy);
  app.set('views', join(TEMPLATES_DIR, 'pages'));
  app.set('view engine', 'ejs');
  Object.assign(app.locals, viewHelpers);

  // First: every later line and answer, refusals included, carries the request's id.
  app.use(requestLogging(loggerOf(ctx)));
  const metrics = metricsOf(ctx);
  if (metrics) app.use(requestMetrics(metrics));
  app.use(
    fixedHeaders(helmet({
      contentSecurityPolicy: {
        directives: { 'script-src': ["'self'"], 'style-src': ["'self'"], 'img-src': ["'self'", 'data:'] },
      },
    })),
  );
  app.use('/static', express.static(join(TEMPLATES_DIR, 'static'), { maxAge: '1h' }));
  app.use(cookieParser());
  app.use(express.json({ limit: '1mb' }));
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));

  const health = express.Router();
  mountRoutes(health, ctx, [HEALTH_ROUTE, METRICS_ROUTE]);
  app.use(health);

  app.use(identify(ctx));
  app.use((req, res, next) => {
    res.locals.user = req.user ?? null;
    res.locals.path = req.path;
    res.locals.today = ctx.clock.today();
    res.locals.csrfToken = '';
    next();
  });
  app.use(csrfProtection());
  app.use(passwordChangeGate());
  app.use(inboxBadge(ctx));

  const declared = express.Router();
  mountRoutes(declared, ctx, ROUTES.filter((r) => r !== HEALTH_ROUTE && r !== METRICS_ROUTE));
  app.use(declared);

  app.use((req, _res, next) => next(new DomainError('not_found', 'not_found', '页面或接口不存在')));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const httpErr = toDomainError(err);
    const status = statusOf(httpErr);
    // A fault is logged once, on the request's own line (request-log.ts), with its stack.
    if (status >= 500) res.err = err instanceof Error ? err : new Error(String(err));
    if (req.path.startsWith('/api/') || req.get('accept')?.includes('application/json') && !req.accepts('html')) {
      res.status(status).json({ ...httpErr.toJSON(), requestId: req.id });
      return;
    }
    if (status === 401) {
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    res.locals.user ??= req.user ?? null;
    res.locals.path ??= req.path;
    res.locals.today ??= ctx.clock.today();
    res.locals.csrfToken ??= req.csrfToken ?? '';
    res.status(status).render('error', { title: '出错了', error: httpErr, requestId: status >= 500 ? String(req.id) : null }, (renderErr, html) => {
      if (renderErr) {
        req.log.error({ err: renderErr }, 'error page failed to render');
        res.type('text/plain; charset=utf-8').send(httpErr.message);
      } else res.send(html);
    });
  });
  return app;
}

/**
 * helmet's headers, worked out once: with this configuration (no nonces) they are the same for every
 * request, and running its dozen middlewares on each cost ~2 % of a case GET (issue 15). If the
 * middleware ever does not finish synchronously on a stand-in answer, it runs as it is.
 */
export function fixedHeaders(middleware: (req: Request, res: Response, next: (err?: unknown) => void) => void) {
  const set = new Map<string, string | number | readonly string[]>();
  const removed: string[] = [];
  let finished = false;
  const standIn = {
    setHeader: (name: string, value: string | number | readonly string[]) => void set.set(name, value),
    removeHeader: (name: string) => void removed.push(name),
    getHeader: () => undefined,
  };
  try {
    middleware({ headers: {}, method: 'GET', url: '/' } as Request, standIn as unknown as Response, (err?: unknown) => {
      finished = err === undefined;
    });
  } catch {
    finished = false;
  }
  if (!finished) return middleware;
  const headers = [...set];
  return (_req: Request, res: Response, next: NextFunction) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    for (const name of removed) res.removeHeader(name);
    next();
  };
}
