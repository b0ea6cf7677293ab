// Logging in and out: the API's bearer tokens and the pages' session cookie.
import { z } from 'zod';
import { route, type RouteDef } from '../http/route.js';
import { noBody, noQuery } from '../http/schemas.js';
import { statusOf } from '../http/error-mapping.js';
import { ANON_CSRF_COOKIE, cookieOptions, SESSION_COOKIE } from '../auth/auth-middleware.js';
import { authenticate, logout } from '../auth/login-service.js';
import { createSession, SESSION_HOURS } from '../auth/session-store.js';
import { invalid } from '../errors.js';

const ORIGIN = 'http://desk.invalid';

/**
 * Only a path on this site is followed after login. Browsers read `/\evil.example` (and tabs or line
 * breaks inside it) as `//evil.example`, another site: the path must resolve to this origin.
 */
export function safeNext(v: unknown): string {
  if (typeof v !== 'string' || v.length > 2000 || !v.startsWith('/') || v.startsWith('//')) return '/';
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u0020\u007f]/.test(v)) return '/';
  try {
    const url = new URL(v, ORIGIN);
    return url.origin === ORIGIN ? url.pathname + url.search + url.hash : '/';
  } catch {
    return '/';
  }
}

const credentials = z.strictObject({
  username: z.string().max(64, { message: '用户名过长' }),
  password: z.string().max(256, { message: '密码过长' }),
});

export const authRoutes: RouteDef[] = [
  route({
    method: 'post', path: '/api/auth/token', permission: 'public', body: credentials,
    summary: 'log in: {username, password} → {token, expiresInHours, user}; then send `Authorization: Bearer <token>`',
    responses: {
      200: { description: 'a token for this person', schema: { type: 'object', required: ['token'], properties: { token: { type: 'string' }, expiresInHours: { type: 'integer' }, passwordChangeRequired: { type: 'boolean', description: 'an administrator set this password: POST /api/account/password first; every other call answers 403 password_change_required until then' }, user: { type: 'object', properties: { username: { type: 'string' }, role: { type: 'string' }, agency: { type: 'string' } } } } } },
      401: { description: 'wrong username or password; in production also a published password (published_password)' }, 423: { description: 'account locked after repeated failures' }, 429: { description: 'too many failures from this address' },
    },
    handler: async ({ ctx, body, ip }) => {
      if (!body.username || !body.password) throw invalid({ username: '请填写用户名', password: '请填写密码' }, '请填写用户名和密码');
      const user = await authenticate(ctx, body.username, body.password, ip ?? '');
      const { secret } = await createSession(ctx.db, ctx.config.sessionSecret, user.id, 'token');
      return { token: secret, expiresInHours: SESSION_HOURS, passwordChangeRequired: user.mustChangePassword, user: { username: user.username, role: user.role, agency: user.agencyCode } };
    },
  }),
  route({
    method: 'delete', path: '/api/auth/token', permission: 'user', body: noBody,
    summary: 'log out: the token stops working',
    responses: { 204: { description: 'logged out' } },
    handler: async ({ ctx, user, req, ip, res }) => {
      if (req.authKind === 'token' && req.sessionToken) await logout(ctx.db, ctx.config.sessionSecret, { user, secret: req.sessionToken, kind: 'token', ip });
      res.status(204).end();
    },
  }),
  route({
    method: 'get', path: '/api/me', permission: 'user', query: noQuery,
    summary: 'who the caller is',
    responses: { 200: { description: '{id, username, displayName, role, agency}' } },
    handler: ({ user: u }) => ({ id: u.id, username: u.username, displayName: u.displayName, role: u.role, agency: { code: u.agencyCode, name: u.agencyName } }),
  }),

  // --- pages ------------------------------------------------------------------------------
  route({
    method: 'get', path: '/login', permission: 'public', query: z.strictObject({ next: z.string().max(2000).optional() }),
    summary: '登录',
    handler: ({ viewer, query, res }) => {
      if (viewer) return res.redirect(303, '/');
      res.render('login', { title: '登录', next: safeNext(query.next), error: null, username: '' });
    },
  }),
  route({
    method: 'post', path: '/login', permission: 'public', body: credentials.extend({ next: z.string().max(2000).optional() }),
    summary: '登录（表单）',
    onRefusal: (c, e) => {
      c.res.status(statusOf(e)).render('login', {
        title: '登录', next: safeNext(c.form.next), error: e.fields ? '请填写用户名和密码' : e.message, username: typeof c.form.username === 'string' ? c.form.username.slice(0, 64) : '',
      });
    },
    handler: async ({ ctx, body, ip, res }) => {
      if (!body.username || !body.password) throw invalid({ username: '请填写用户名', password: '请填写密码' }, '请填写用户名和密码');
      const user = await authenticate(ctx, body.username, body.password, ip ?? '');
      const { secret } = await createSession(ctx.db, ctx.config.sessionSecret, user.id, 'cookie');
      res.cookie(SESSION_COOKIE, secret, { ...cookieOptions(ctx), maxAge: SESSION_HOURS * 3600_000 });
      res.clearCookie(ANON_CSRF_COOKIE, { path: '/' });
      res.redirect(303, safeNext(body.next));
    },
  }),
  route({
    method: 'post', path: '/logout', permission: 'public', body: noBody,
    summary: '退出',
    handler: async ({ ctx, viewer, req, ip, res }) => {
      if (viewer && req.sessionToken && req.authKind === 'cookie') await logout(ctx.db, ctx.config.sessionSecret, { user: viewer, secret: req.sessionToken, kind: 'cookie', ip });
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.redirect(303, '/login');
    },
  }),
];
