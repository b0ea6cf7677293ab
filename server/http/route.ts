// Routes as data: each declares its method, path, who may call it, the zod schemas of its path
// parameters, query and body, and one handler. `mountRoutes` is the only code that reads requests:
// it parses (multipart only where a route takes files), checks CSRF and the permission, parses every
// input with its schema (unknown keys refused), and maps refusals to HTTP in one place. The OpenAPI
// document is generated from the same declarations (openapi.ts).
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import multer from 'multer';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import type { User } from '../admin/user-store.js';
import type { Role } from '../../workflows/roles.js';
import { badRequest, DomainError, forbidden, invalid, isCorrectable, notFound, unauthorized } from '../errors.js';
import { mayReadCases } from '../policy.js';
import { checkCsrf } from '../auth/auth-middleware.js';
import { toDomainError } from './error-mapping.js';
import type { ClientAuth, ExchangeScope } from '../auth/client-service.js';
import { fieldsOf, intField } from './schemas.js';
import type { UploadedFile } from '../cases/attachment-files.js';

/**
 * Who may call a route: anyone; any logged-in person; the people who handle or oversee cases (every
 * role but the administrator, who sees no case: 三员分立); the roles listed; or an API client of the
 * data exchange whose token carries the scope (issue 14). People and clients never share a route: a
 * client's token reaches only client routes (401 elsewhere), a person only the others (403 on client routes).
 */
export type Permission = 'public' | 'user' | 'staff' | readonly Role[] | ClientPermission;
export interface ClientPermission { client: ExchangeScope }

export const isClientPermission = (p: Permission): p is ClientPermission => typeof p === 'object' && !Array.isArray(p) && 'client' in p;

export interface FileSpec {
  /** The multipart field the files come in. */
  field: string;
  maxCount: number;
  maxBytes: number;
}

/** One documented response (OpenAPI). `schema` is JSON Schema (a `$ref` to a component, usually). */
export interface ResponseDoc {
  description: string;
  schema?: Record<string, unknown>;
  /** Defaults to application/json when a schema is given. */
  contentType?: string;
}

export interface RouteCall<P, Q, B> {
  ctx: AppContext;
  req: Request;
  res: Response;
  params: P;
  query: Q;
  body: B;
  files: UploadedFile[];
  ip: string | null;
  /** The logged-in person, or null on a public route. */
  viewer: User | null;
  /** The logged-in person (the permission already required one). */
  user: User;
  /** The API client (a client permission already required one). */
  client: ClientAuth;
}

/** What a page's refusal handler gets: whatever could be read, and the raw form to refill. */
export interface RefusedCall {
  ctx: AppContext;
  req: Request;
  res: Response;
  user: User | null;
  params: Record<string, unknown>;
  form: Record<string, unknown>;
  files: UploadedFile[];
}

export interface RouteDef<P = unknown, Q = unknown, B = unknown> {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Express path syntax: `/api/applications/:id`. Paths under /api/ are the JSON API (and OpenAPI). */
  path: string;
  permission: Permission;
  summary: string;
  description?: string;
  tags?: string[];
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  /** Read from JSON, or from the fields of a form (urlencoded or multipart), without `_csrf`. */
  body?: z.ZodType<B>;
  /** Multipart files the route takes; multipart is refused on every other route. */
  files?: FileSpec;
  /** The body is raw bytes (a PDF to verify), up to `limit` bytes. */
  raw?: { limit: number; contentType: string };
  /** Success status of a JSON result (default 200). */
  status?: number;
  responses?: Record<number, ResponseDoc>;
  /** Extra OpenAPI request body documentation (multipart wrappers, raw bodies). */
  requestDoc?: Record<string, unknown>;
  /** Header parameters documented in OpenAPI (If-Match, …). */
  headers?: { name: string; description: string }[];
  /**
   * Pages: a refusal the person can correct (422, 409, 403, 412…) is shown on the page they came
   * from, with what they typed, instead of an error page.
   */
  onRefusal?: (call: RefusedCall, error: DomainError) => unknown;
  /** JSON routes return their result; pages render or redirect through `res`. */
  handler: (call: RouteCall<P, Q, B>) => unknown;
}

/** Declares a route with its types inferred from its schemas. */
export function route<P = Record<string, never>, Q = Record<string, never>, B = Record<string, never>>(def: RouteDef<P, Q, B>): RouteDef {
  return def as unknown as RouteDef;
}

export const isApiRoute = (def: Pick<RouteDef, 'path'>) => def.path.startsWith('/api/');
const STATE_CHANGING = new Set(['post', 'put', 'delete', 'patch']);

function authorize(permission: Permission, user: User | null, req: Request): void {
  if (permission === 'public') return;
  if (isClientPermission(permission)) {
    const client = req.apiClient;
    if (!client) {
      if (user) throw new DomainError('forbidden', 'client_only', '数据交换接口只接受对接系统的客户端令牌（OAuth 2.0 客户端凭据，POST /api/oauth/token），不接受工作人员的登录或令牌');
      throw req.bearerRejected
        ? new DomainError('unauthorized', 'invalid_token', '访问令牌无效、已过期或客户端已停用，请重新获取（POST /api/oauth/token）')
        : new DomainError('unauthorized', 'unauthorized', '请以客户端令牌调用：Authorization: Bearer <access_token>（POST /api/oauth/token）');
    }
    if (!client.tokenScopes.includes(permission.client)) {
      throw new DomainError('forbidden', 'insufficient_scope', `该令牌没有 ${permission.client} 权限范围`, undefined, { scope: permission.client });
    }
    return;
  }
  if (!user) throw unauthorized(req.apiClient ? '客户端令牌只能调用数据交换接口（/api/exchange/…）' : undefined);
  if (permission === 'user') return;
  if (permission === 'staff') {
    if (!mayReadCases(user)) throw forbidden('系统管理员不查看申请和申请人信息（三员分立）');
    return;
  }
  if (!permission.includes(user.role)) throw forbidden();
}

/** A schema's failure as a refusal: path parameters that do not parse name no record (404). */
function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, part: 'params' | 'query' | 'body'): T {
  if (!schema) {
    // Nothing declared: nothing may be sent.
    if (part !== 'params' && value && typeof value === 'object' && Object.keys(value).length > 0) {
      const fields = Object.fromEntries(Object.keys(value).map((k) => [k, '不接受的字段']));
      throw invalid(fields, part !== 'body' ? '不接受的查询参数' : '该接口不接受请求内容');
    }
    return {} as T;
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = fieldsOf(result.error);
  // A malformed id names no record; any other malformed path segment (a date) is a wrong value.
  if (part === 'params' && Object.keys(fields).every((k) => /(^|\.)(id|\w+Id)$/.test(k))) throw notFound('未找到该记录（编号无效）');
  throw invalid(fields, part !== 'body' ? '查询条件有误：' + Object.values(fields).join('；') : '提交的内容有误，请检查标出的字段');
}

const MAX_DEPTH = 16;

/**
 * Before any schema: input nested deeper than any form of the desk, or holding NUL characters (which
 * PostgreSQL cannot store in text and which have no business in a government form), is refused.
 */
function screenInput(value: unknown, where: string, depth = 0): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw invalid({ [where]: '含有不允许的空字符（NUL）' }, '提交的内容含有不允许的空字符（NUL）');
    return;
  }
  if (!value || typeof value !== 'object' || Buffer.isBuffer(value)) return;
  if (depth >= MAX_DEPTH) throw invalid({ [where]: '嵌套层级过深' }, '提交的内容嵌套层级过深');
  for (const [k, v] of Object.entries(value)) {
    if (k.includes('\u0000')) throw invalid({ [where]: '字段名含有不允许的空字符（NUL）' }, '提交的内容含有不允许的空字符（NUL）');
    screenInput(v, where, depth + 1);
  }
}

/** Form fields (or query parameters) without the CSRF token; a null-prototype object (no `__proto__` tricks). */
function formFields(body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  if (body && typeof body === 'object' && !Array.isArray(body) && !Buffer.isBuffer(body)) {
    for (const [k, v] of Object.entries(body)) if (k !== '_csrf') out[k] = v;
  }
  return out;
}

const isMultipart = (req: Request) => Boolean(req.is('multipart/form-data'));

/** Limits on multipart forms: a handful of fields, each of reasonable size. */
const MULTIPART_LIMITS = { fields: 60, fieldNameSize: 100, fieldSize: 64 * 1024, parts: 80, headerPairs: 100 };

function multipartParser(spec: FileSpec) {
  return multer({
    storage: multer.memoryStorage(),
    limits: { ...MULTIPART_LIMITS, fileSize: spec.maxBytes, files: spec.maxCount },
  }).array(spec.field, spec.maxCount);
}

function uploadedFiles(req: Request): UploadedFile[] {
  const files = (req.files as Express.Multer.File[] | undefined) ?? [];
  return files
    .filter((f) => f.size > 0 || f.originalname)
    .map((f) => ({ originalname: Buffer.from(f.originalname, 'latin1').toString('utf8'), mimetype: f.mimetype, buffer: f.buffer }));
}

export const clientIp = (req: Request) => req.ip ?? null;

/** A refusal in one line for a page: the per-field messages, or the message itself. */
export const refusalText = (e: DomainError): string => (e.fields ? Object.values(e.fields).join('；') : e.message);

/** If-Match: the version the client last read (412 when the record moved on since). */
export function ifMatchOf(header: string | undefined, what: string): number | undefined {
  if (header === undefined) return undefined;
  const n = Number(header.replace(/^W\//, '').replace(/"/g, ''));
  if (!Number.isInteger(n) || n < 0) throw badRequest(`If-Match 应为${what}的版本号`);
  return n;
}

/**
 * An event form of a page: the event's own fields (parsed by its schema), the version the page
 * showed, and any fields only the page has (`pageFields`, e.g. a confirmation checkbox), kept out of
 * the event.
 */
export function pageEventBody<T extends z.ZodType, F extends z.ZodRawShape = Record<never, never>>(eventSchema: T, pageFields?: F) {
  const own = Object.keys(pageFields ?? {});
  return z.preprocess(
    (v) => {
      const { version, ...event } = (v ?? {}) as Record<string, unknown>;
      const page: Record<string, unknown> = {};
      for (const k of own) {
        if (!Object.hasOwn(event, k)) continue;
        page[k] = event[k];
        delete event[k];
      }
      return { ...page, event, version: version === '' ? undefined : version };
    },
    z.strictObject({ event: eventSchema, version: intField(0, 2 ** 31 - 1).optional(), ...(pageFields ?? ({} as F)) }),
  );
}

/** Mounts declared routes on a router. */
export function mountRoutes(router: Router, ctx: AppContext, routes: readonly RouteDef[]): void {
  for (const def of routes) {
    const chain: ((req: Request, res: Response, next: NextFunction) => void)[] = [];
    if (def.raw) chain.push(express.raw({ type: () => true, limit: def.raw.limit }));
    if (def.files) {
      const parse = multipartParser(def.files);
      // An upload refused by its limits is answered by the route (a page shows it next to the form).
      chain.push((req, res, next) => {
        if (!isMultipart(req)) return next();
        parse(req, res, (err?: unknown) => {
          if (err) res.locals.uploadError = err;
          next();
        });
      });
    } else {
      chain.push((req, _res, next) => {
        // Multipart where no file is taken: refused before a byte of it is read.
        if (isMultipart(req)) return next(new DomainError('unsupported', 'unsupported_media_type', '该接口不接受文件上传（multipart/form-data），请以表单或 JSON 提交'));
        next();
      });
    }
    // The declared path names the request in logs and metrics (not the URL, which holds ids).
    chain.unshift((_req, res, next) => {
      res.locals.route = def.path;
      next();
    });
    router[def.method](def.path, ...chain, async (req: Request, res: Response) => {
      const viewer = req.user ?? null;
      const files = def.files ? uploadedFiles(req) : [];
      const fromForm = !def.raw && (isMultipart(req) || Boolean(req.is('application/x-www-form-urlencoded')));
      const form = def.raw ? {} : formFields(req.body);
      let params: Record<string, unknown> = {};
      try {
        // Every state-changing request made with the session cookie carries the session's token,
        // whatever its content type (checked here, after the body that holds it was read).
        if (res.locals.uploadError) throw toDomainError(res.locals.uploadError);
        if (STATE_CHANGING.has(def.method)) checkCsrf(req);
        authorize(def.permission, viewer, req);
        screenInput(req.params, 'params');
        screenInput(req.query, 'query');
        if (!def.raw) screenInput(req.body, 'body');
        params = parsePart(def.params, { ...req.params }, 'params') as Record<string, unknown>;
        // A multipart form carries its CSRF token in the action URL too (`?_csrf=`): read by checkCsrf, not a query.
        const query = parsePart(def.query, formFields(req.query), 'query');
        const body = def.raw ? req.body : parsePart(def.body, fromForm || req.body === undefined ? form : req.body, 'body');
        const call: RouteCall<unknown, unknown, unknown> = {
          ctx, req, res, params, query, body, files, ip: clientIp(req), viewer,
          get user() {
            if (!viewer) throw unauthorized();
            return viewer;
          },
          get client() {
            if (!req.apiClient) throw unauthorized();
            return req.apiClient;
          },
        };
        const result = await def.handler(call);
        // Pages answer through `res` themselves (a render finishes after the handler returns).
        if (res.headersSent || (result === undefined && !isApiRoute(def))) return;
        // A handler may set another status itself (a readiness check's 503).
        const status = res.statusCode !== 200 ? res.statusCode : (def.status ?? 200);
        if (result === undefined) res.status(status === 200 ? 204 : status).end();
        else res.status(status).json(result);
      } catch (e) {
        const err = toDomainError(e);
        // RFC 6750 §3: a client route says how to authenticate, and why a token was not enough.
        if (isClientPermission(def.permission) && !res.headersSent) {
          if (err.kind === 'unauthorized') res.set('WWW-Authenticate', `Bearer realm="disclosure-desk"${err.code === 'invalid_token' ? ', error="invalid_token"' : ''}`);
          else if (err.code === 'insufficient_scope') res.set('WWW-Authenticate', `Bearer realm="disclosure-desk", error="insufficient_scope", scope="${def.permission.client}"`);
        }
        if (def.onRefusal && (isCorrectable(err) || (err.kind === 'unauthorized' && def.permission === 'public')) && err.code !== 'csrf' && !res.headersSent) {
          await def.onRefusal({ ctx, req, res, user: viewer, params: { ...req.params, ...params }, form, files }, err);
          return;
        }
        throw e instanceof DomainError ? e : err.kind === 'internal' ? e : err;
      }
    });
  }
}
