// The OpenAPI document, generated from the route declarations: the same zod schemas that parse each
// request describe it here, so the document cannot drift from what the server accepts.
import { z } from 'zod';
import { isApiRoute, isClientPermission, type RouteDef } from './route.js';
import { EXCHANGE_SCOPES } from '../auth/client-service.js';
import { ref, RESPONSE_COMPONENTS } from './openapi-components.js';

type Json = Record<string, unknown>;

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });

/** JSON Schema of a request schema (its input side), without the `$schema` line. */
function jsonSchema(schema: z.ZodType): Json {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  return rest;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const s = jsonSchema(schema);
  const properties = (s.properties ?? {}) as Record<string, Json>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, prop]) => {
    const { description, ...schemaOnly } = prop;
    return {
      name,
      in: where,
      required: where === 'path' ? true : required.has(name),
      schema: schemaOnly,
      ...(typeof description === 'string' ? { description } : {}),
    };
  });
}

function requestBodyOf(def: RouteDef): Json | undefined {
  if (def.requestDoc) return def.requestDoc;
  if (def.raw) return { required: true, content: { [def.raw.contentType]: { schema: { type: 'string', format: 'binary' } } } };
  if (!def.body) return undefined;
  const schema = jsonSchema(def.body);
  const content: Json = { 'application/json': { schema } };
  if (def.files) {
    const props = { ...((schema.properties as Json | undefined) ?? {}) };
    props[def.files.field] = { type: 'array', maxItems: def.files.maxCount, items: { type: 'string', format: 'binary' }, description: `≤ ${Math.round(def.files.maxBytes / 1048576)} MB each` };
    content['multipart/form-data'] = { schema: { type: 'object', properties: props } };
  }
  return { required: true, content };
}

function responsesOf(def: RouteDef): Json {
  const responses: Json = {};
  for (const [status, doc] of Object.entries(def.responses ?? {})) {
    responses[status] = doc.schema || doc.contentType
      ? { description: doc.description, content: { [doc.contentType ?? 'application/json']: doc.schema ? { schema: doc.schema } : {} } }
      : { description: doc.description };
  }
  const ok = String(def.status ?? 200);
  if (!Object.keys(responses).some((s) => s.startsWith('2'))) responses[ok] = { description: '成功' };
  const add = (status: number, description: string) => (responses[status] ??= errorResponse(description));
  if (def.body || def.query || def.files || def.raw) add(422, '提交的内容有误（fields 按字段说明；未知字段一律拒绝）');
  if (def.permission !== 'public') add(401, '未登录或登录已过期');
  if (def.permission !== 'public' && def.permission !== 'user') add(403, '当前角色无权执行该操作');
  if (def.params) add(404, '记录不存在，或不属于调用者可见的机关');
  if (def.method !== 'get') add(415, '该接口不接受此类请求内容（例如不收文件的接口收到 multipart）');
  responses.default = errorResponse('其他错误：{error, message}');
  return responses;
}

/** The whole HTTP API, served at /api/openapi.json. Shapes marked exact in the issues are contracts. */
export function openApiDocument(routes: readonly RouteDef[]): Json {
  const paths: Record<string, Json> = {};
  for (const def of routes.filter(isApiRoute)) {
    const path = def.path.replace(/:(\w+)/g, '{$1}');
    const parameters = [
      ...parametersOf(def.params, 'path'),
      ...parametersOf(def.query, 'query'),
      ...(def.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: false, schema: { type: 'string' }, description: h.description })),
    ];
    const requestBody = requestBodyOf(def);
    (paths[path] ??= {})[def.method] = {
      summary: def.summary,
      ...(def.description ? { description: def.description } : {}),
      ...(def.tags ? { tags: def.tags } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      ...(def.permission === 'public' ? { security: [] } : {}),
      ...(isClientPermission(def.permission) ? { security: [{ exchange: [def.permission.client] }] } : {}),
      responses: responsesOf(def),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Disclosure Desk API（政府信息公开申请办理系统）',
      version: '1.0.0',
      description:
        'Authenticate with POST /api/auth/token, then send `Authorization: Bearer <token>`. Errors are JSON ' +
        '`{ error, message, fields?, allowedEvents? }` with Chinese messages; unknown fields in a body or query are refused (422). ' +
        "Users see only their own agency's applications (a manager or legal staff also those of agencies below); any other id answers 404. " +
        'The system administrator administers users, agencies, the calendar and keys, and sees no case. ' +
        'A user whose password an administrator set must change it first (POST /api/account/password): until then every other call answers 403 `{ error: "password_change_required" }`.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        // Issue 14: the data exchange's API clients (/api/exchange/*), never a person's token.
        exchange: {
          type: 'oauth2',
          description: 'OAuth 2.0 client credentials (RFC 6749 §4.4) for connected systems; the token reaches only /api/exchange/*, and only the cases of the client\'s agency and those below it.',
          flows: { clientCredentials: { tokenUrl: '/api/oauth/token', scopes: { ...EXCHANGE_SCOPES } } },
        },
      },
      schemas: RESPONSE_COMPONENTS,
    },
    security: [{ bearer: [] }],
    paths,
  };
}
