import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../context.js';
import { withoutHash, type User } from '../admin/user-store.js';
import { DomainError, unauthorized } from '../errors.js';
import { findSessionUser } from './session-store.js';
import { CLIENT_TOKEN_PREFIX, clientOfToken, type ClientAuth } from './client-service.js';

export const SESSION_COOKIE = 'dd_session';
export const ANON_CSRF_COOKIE = 'dd_csrf';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      user?: User;
      /** An API client of the data exchange (issue 14), by its access token: never a person. */
      apiClient?: ClientAuth;
      /** 'cookie' for the web pages, 'token' for a person's JSON API token, 'client' for an API client's token. */
      authKind?: 'cookie' | 'token' | 'client';
      /** A Bearer token was sent and is not (or no longer) valid. */
      bearerRejected?: boolean;
      csrfToken?: string;
      sessionToken?: string;
    }
  }
}

export function cookieOptions(ctx: AppContext) {
  return { httpOnly: true, sameSite: 'lax' as const, secure: ctx.config.production, path: '/' };
}

/**
 * Resolves the user from a Bearer token or the session cookie, or the API client from its access
 * token (issue 14: a client is never a user, so it reaches only the routes declared for clients);
 * never rejects by itself.
 */
export function identify(ctx: AppContext) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    let secret: string | undefined;
    let kind: 'cookie' | 'token' = 'cookie';
    if (header?.startsWith('Bearer ')) {
      secret = header.slice(7).trim();
      kind = 'token';
      if (secret.startsWith(CLIENT_TOKEN_PREFIX)) {
        const client = await clientOfToken(ctx.db, ctx.config.sessionSecret, secret);
        if (client) {
          req.apiClient = client;
          req.authKind = 'client';
        } else req.bearerRejected = true;
        return next();
      }
    } else {
      secret = req.cookies?.[SESSION_COOKIE];
    }
    if (secret) {
      const found = await findSessionUser(ctx.db, ctx.config.sessionSecret, secret, kind);
      if (found) {
        const { session, user } = found;
        if (user.active) {
          req.user = withoutHash(user);
          req.authKind = kind;
          req.sessionToken = secret;
          if (session.csrfToken) req.csrfToken = session.csrfToken;
        }
      }
      if (!req.user && kind === 'token') req.bearerRejected = true;
    }
    next();
  };
}

function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * CSRF: every state-changing request made with the session cookie must carry the session's token,
 * in the form field `_csrf` or the `X-CSRF-Token` header. Bearer-token requests carry no cookie and
 * are not exposed to CSRF. Anonymous forms (login) use a double-submit cookie.
 */
export function csrfProtection() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.csrfToken && !req.user && !req.apiClient) {
      // anonymous: make sure a double-submit token exists for the login form
      let anon = req.cookies?.[ANON_CSRF_COOKIE] as string | undefined;
      if (!anon) {
        anon = randomBytes(24).toString('base64url');
        res.cookie(ANON_CSRF_COOKIE, anon, { httpOnly: true, sameSite: 'lax', path: '/' });
      }
      req.csrfToken = anon;
    }
    res.locals.csrfToken = req.csrfToken;
    // Multipart bodies are read by the route that takes files (server/http/route.ts), which checks the
    // token once the body holding it is read; every other route refuses multipart outright.
    if (req.is('multipart/form-data')) return next();
    checkCsrf(req);
    next();
  };
}

/** Throws 403 unless a state-changing cookie-authenticated request carries the session's CSRF token. */
export function checkCsrf(req: Request): void {
  if (['GET', 'HEAD', 'OPTIONS'].includes(req.method) || req.authKind === 'token' || req.authKind === 'client') return;
  // An API call not authenticated by the session cookie carries no ambient credential to abuse.
  if (req.originalUrl.startsWith('/api/') && req.authKind !== 'cookie') return;
  const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
  // Never from the URL: a token there leaks into logs and history.
  const sent = (typeof body._csrf === 'string' ? body._csrf : undefined) ?? req.get('x-csrf-token');
  if (!sameToken(sent, req.csrfToken)) {
    throw new DomainError('forbidden', 'csrf', '页面已过期或请求来源无法验证，请刷新页面后重试');
  }
}

export function requireUser(req: Request): User {
  if (!req.user) throw unauthorized();
  return req.user;
}
