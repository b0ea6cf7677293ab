// The data exchange with the reconsideration body's case system (issue 14; exact: other systems code
// against it): the OAuth 2.0 token endpoint and /api/exchange/*, reachable only with a client token.
import { z } from 'zod';
import type { Request, Response } from 'express';
import { route, type RouteDef } from '../http/route.js';
import { flag, idParam, intField, noBody, noQuery } from '../http/schemas.js';
import { appealInput, appealEventSchema } from '../appeals/appeal-schemas.js';
import { issueToken, type TokenRequest } from '../auth/client-service.js';
import { CHANGE_TYPE_NAMES, CHANGE_TYPES } from '../change-feed.js';
import { appealOf, caseFile, changes, documentPdf, receiveAppeal, receiveAppealEvent } from '../exchange/exchange-service.js';
import { idempotencyKeyOf, requestHash, type IdempotentAnswer } from '../exchange/idempotency.js';
import { registerWebhook, removeWebhook, webhookDeliveries, webhooksOf } from '../exchange/webhook-service.js';
import { EXCHANGE_SCHEMA } from '../exchange/exchange-schema.js';
import { sendPdf } from './responses.js';

const READ = { client: 'exchange:read' } as const;
const WRITE = { client: 'exchange:write' } as const;
const byId = z.strictObject({ id: idParam });
const TAG = ['exchange'];

const oauthError = {
  type: 'object', required: ['error'],
  properties: {
    error: { enum: ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope'] },
    error_description: { type: 'string' },
  },
};
/** Described by the published JSON Schema (GET /api/exchange/schema.json), not repeated here. */
const schemaRef = (name: string) => ({ type: 'object', description: `$defs/${name} of GET /api/exchange/schema.json` });

// --- the token endpoint (RFC 6749 §4.4; errors §5.2) --------------------------------------------

const BASIC = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i;
/** RFC 6749 §2.3.1: client id and secret are form-urlencoded before they are joined and base64-encoded. */
const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));

/** The token request's parameters and credentials, or the RFC's refusal. */
function tokenRequestOf(req: Request, body: Record<string, unknown>): TokenRequest | { error: 'invalid_request' | 'invalid_client'; error_description: string } {
  // §3.2: parameters sent more than once are refused; parameters without a value are as if omitted.
  const repeated = Object.entries(body).filter(([, v]) => Array.isArray(v)).map(([k]) => k);
  if (repeated.length) return { error: 'invalid_request', error_description: `parameter sent more than once: ${repeated.join(', ')}` };
  const param = (k: string) => (typeof body[k] === 'string' && body[k] !== '' ? (body[k] as string) : undefined);
  const header = req.get('authorization');
  let credentials: TokenRequest['credentials'] = null;
  if (header) {
    const m = BASIC.exec(header);
    if (!m) return { error: 'invalid_client', error_description: 'only HTTP Basic client authentication is supported in the Authorization header' };
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { error: 'invalid_client', error_description: 'malformed HTTP Basic credentials' };
    try {
      credentials = { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
    } catch {
      return { error: 'invalid_client', error_description: 'malformed HTTP Basic credentials' };
    }
    // §2.3: one authentication method per request.
    if (param('client_secret') !== undefined || (param('client_id') !== undefined && param('client_id') !== credentials.clientId)) {
      return { error: 'invalid_request', error_description: 'use one client authentication method: HTTP Basic or client_id and client_secret in the body, not both' };
    }
  } else if (param('client_id') !== undefined || param('client_secret') !== undefined) {
    credentials = { clientId: param('client_id') ?? '', clientSecret: param('client_secret') ?? '' };
  }
  return { grantType: param('grant_type'), scope: param('scope'), credentials };
}

function oauthRefusal(res: Response, error: string, error_description: string) {
  // §5.2: invalid_client is 401 with the authentication scheme the client may use.
  if (error === 'invalid_client') res.status(401).set('WWW-Authenticate', 'Basic realm="disclosure-desk", charset="UTF-8"');
  else res.status(400);
  return { error, error_description };
}

// --- pushes: Idempotency-Key -------------------------------------------------------------------

const IDEMPOTENCY_HEADER = { name: 'Idempotency-Key', description: 'required: one unique value per request (a UUID), the same on every retry. A retry with the same key and body returns the first answer (Idempotent-Replayed: true) and creates nothing; the same key with another body: 422 idempotency_key_reused.' };

function answer(res: Response, a: IdempotentAnswer): unknown {
  res.status(a.status);
  if (a.location) res.location(a.location);
  if (a.replayed) res.set('Idempotent-Replayed', 'true');
  return a.body;
}

const pushOf = (req: Request, ip: string | null) => ({ key: idempotencyKeyOf(req.get('idempotency-key')), hash: requestHash(req.method, req.path, req.body), ip });

/** What the reconsideration body's system sends when it files an appeal: the legal staff's registration, by case number. */
const exchangeAppealInput = appealInput.omit({ afterReconsideration: true }).extend({
  caseNumber: z.string().min(1).max(64).describe('申请编号 of the case appealed against (GET /api/exchange/cases/{caseNumber})'),
});

const webhookInput = z.strictObject({
  url: z.string().max(2000).describe('http(s) URL of the receiver; not a private or loopback address unless WEBHOOK_ALLOW_PRIVATE=1'),
  events: z.array(z.string().max(40)).max(CHANGE_TYPE_NAMES.length).describe(CHANGE_TYPE_NAMES.join(' | ')),
});

const changesQuery = z.strictObject({
  after: z.string().regex(/^\d{1,15}$/, { message: '游标应为数字字符串' }).optional().describe('the `next` of the previous page (default 0: from the start)'),
  limit: intField(1, 500).optional().describe('items per page, 1–500 (default 100)'),
});

export const exchangeRoutes: RouteDef[] = [
  route({
    method: 'post', path: '/api/oauth/token', permission: 'public', tags: TAG,
    // RFC 6749 §3.2: the token endpoint MUST ignore parameters it does not recognise.
    body: z.record(z.string(), z.unknown()),
    summary: 'OAuth 2.0 client credentials (RFC 6749 §4.4): grant_type=client_credentials[&scope=…] with HTTP Basic or client_id+client_secret in the form body → {access_token, token_type: "Bearer", expires_in, scope}',
    description: 'application/x-www-form-urlencoded (JSON is read too). Errors per RFC 6749 §5.2: {error, error_description} — invalid_request, invalid_client (401, WWW-Authenticate: Basic), unsupported_grant_type, invalid_scope. The token reaches only /api/exchange/* and lives expires_in seconds.',
    requestDoc: {
      required: true,
      content: {
        'application/x-www-form-urlencoded': {
          schema: {
            type: 'object', required: ['grant_type'],
            properties: { grant_type: { const: 'client_credentials' }, scope: { type: 'string', description: 'space-separated: exchange:read exchange:write (default: all the client holds)' }, client_id: { type: 'string' }, client_secret: { type: 'string' } },
          },
        },
      },
    },
    responses: {
      200: { description: 'the token (Cache-Control: no-store)', schema: { type: 'object', required: ['access_token', 'token_type', 'expires_in', 'scope'], properties: { access_token: { type: 'string' }, token_type: { const: 'Bearer' }, expires_in: { type: 'integer' }, scope: { type: 'string' } } } },
      400: { description: 'invalid_request, unsupported_grant_type or invalid_scope', schema: oauthError },
      401: { description: 'invalid_client (WWW-Authenticate: Basic)', schema: oauthError },
    },
    handler: async ({ ctx, req, res, body, ip }) => {
      // RFC 6749 §5.1: tokens are never cached.
      res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
      const parsed = tokenRequestOf(req, body as Record<string, unknown>);
      if ('error' in parsed) return oauthRefusal(res, parsed.error, parsed.error_description);
      const result = await issueToken(ctx.db, ctx.config.sessionSecret, parsed, ip);
      return result.ok ? result.token : oauthRefusal(res, result.error, result.error_description);
    },
  }),
  route({
    method: 'get', path: '/api/exchange/schema.json', permission: 'public', query: noQuery, tags: TAG,
    summary: 'the JSON Schema (2020-12) of the case file, with $defs Appeal, ChangePage and WebhookMessage',
    responses: { 200: { description: 'JSON Schema', contentType: 'application/schema+json' } },
    handler: ({ res }) => {
      res.type('application/schema+json').set('Cache-Control', 'public, max-age=3600').send(JSON.stringify(EXCHANGE_SCHEMA));
    },
  }),
  route({
    method: 'get', path: '/api/exchange/cases/:caseNumber', permission: READ, tags: TAG,
    params: z.strictObject({ caseNumber: z.string().max(64).describe('申请编号, e.g. GHZY-2026-0001') }), query: noQuery,
    summary: 'the case file: application, applicant (in full), request, events, documents (number, kind, issuedDate, sha256, pdf) and appeals (exchange:read)',
    description: 'A case of an agency outside the client\'s (its agency and those below) is 404, as an unknown one. Validates against GET /api/exchange/schema.json.',
    responses: { 200: { description: 'the case file', schema: { type: 'object', description: 'the root of GET /api/exchange/schema.json' } }, 404: { description: 'unknown, or not the client\'s agencies' } },
    handler: ({ ctx, client, params }) => caseFile(ctx, client, params.caseNumber),
  }),
  route({
    method: 'get', path: '/api/exchange/documents/:id/pdf', permission: READ, tags: TAG, params: byId,
    query: z.strictObject({ download: flag.describe('1: as an attachment instead of inline') }),
    summary: 'an issued document\'s signed PDF (exchange:read); its SHA-256 is in the case file',
    responses: { 200: { description: 'the PDF', contentType: 'application/pdf' }, 404: { description: 'unknown, a draft, or not the client\'s agencies' } },
    handler: async ({ ctx, client, params, query, res }) => {
      const { pdf, filename } = await documentPdf(ctx, client, params.id);
      sendPdf(res, pdf, filename, !query.download);
    },
  }),
  route({
    method: 'get', path: '/api/exchange/changes', permission: READ, tags: TAG, query: changesQuery,
    summary: 'the change feed of the client\'s agencies: {items: [{cursor, type, caseNumber, at, …}], next}; ask again with after=next (exchange:read)',
    description: `Every change exactly once, in order, for a client that keeps \`next\`: cursors are handed out in commit order. Types: ${CHANGE_TYPE_NAMES.map((t) => `${t} (${CHANGE_TYPES[t]})`).join('; ')}.`,
    responses: { 200: { description: 'one page, oldest first', schema: schemaRef('ChangePage') } },
    handler: ({ ctx, client, query }) => changes(ctx, client, Number(query.after ?? 0), query.limit ?? 100),
  }),
  route({
    method: 'post', path: '/api/exchange/appeals', permission: WRITE, tags: TAG, body: exchangeAppealInput, status: 201,
    headers: [IDEMPOTENCY_HEADER],
    summary: 'the reconsideration body\'s system files an appeal: {caseNumber, kind, procedure, body, externalCaseNumber, receivedDate, acceptedDate?} (exchange:write, Idempotency-Key)',
    description: 'Checked as the legal staff\'s registration (422 per field); the legal staff see it in their log marked as received from the reconsideration system. 404: the case is unknown or not the client\'s agencies. Missing Idempotency-Key: 400.',
    responses: {
      201: { description: 'the appeal; Location is /api/exchange/appeals/{id}', schema: schemaRef('Appeal') },
      400: { description: 'no (or a malformed) Idempotency-Key' }, 404: { description: 'unknown case' },
      422: { description: 'a field (fields), or the Idempotency-Key used before with another body (idempotency_key_reused)' },
    },
    handler: async ({ ctx, client, body, req, res, ip }) => answer(res, await receiveAppeal(ctx, client, body as Record<string, unknown>, pushOf(req, ip))),
  }),
  route({
    method: 'get', path: '/api/exchange/appeals/:id', permission: READ, tags: TAG, params: byId, query: noQuery,
    summary: 'one appeal of the client\'s agencies, with its events and what the client may send now (exchange:read)',
    responses: { 200: { description: 'the appeal', schema: schemaRef('Appeal') } },
    handler: ({ ctx, client, params }) => appealOf(ctx, client, params.id),
  }),
  route({
    method: 'post', path: '/api/exchange/appeals/:id/events', permission: WRITE, tags: TAG, params: byId, body: appealEventSchema,
    headers: [IDEMPOTENCY_HEADER],
    summary: 'an event of the appeal, as in POST /api/appeals/{id}/events: RECORD_HEARING, EXTEND_DECISION, RECORD_DECISION, WITHDRAWN, CLOSE (exchange:write, Idempotency-Key)',
    description: 'The machine judges it: 409 not now (allowedEvents), 403 for the respondent\'s own acts (DRAFT_ANSWER, SUBMIT_ANSWER: the legal staff\'s), 422 per field. A decision with newReplyDueDate reopens the application in the same transaction.',
    responses: {
      200: { description: 'the appeal after the event', schema: schemaRef('Appeal') },
      400: { description: 'no (or a malformed) Idempotency-Key' }, 409: { description: 'not allowed now' },
      422: { description: 'a field, or the Idempotency-Key used before with another body' },
    },
    handler: async ({ ctx, client, params, body, req, res, ip }) => answer(res, await receiveAppealEvent(ctx, client, params.id, body as Record<string, unknown>, pushOf(req, ip))),
  }),
  route({
    method: 'post', path: '/api/exchange/webhooks', permission: WRITE, tags: TAG, body: webhookInput, status: 201,
    summary: 'register a webhook: {url, events[]} → {id, secret (whsec_…, shown once), url, events} (exchange:write)',
    description: 'Deliveries follow Standard Webhooks: POST with webhook-id (the same on retries), webhook-timestamp and webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body" keyed with the secret\'s base64-decoded part>. A 2xx answer is a delivery; anything else is retried with exponential back-off. Body: WebhookMessage of GET /api/exchange/schema.json.',
    responses: { 201: { description: '{id, secret, url, events, createdAt}' }, 409: { description: 'too many webhooks' }, 422: { description: 'url or events' } },
    handler: ({ ctx, client, body, ip }) => registerWebhook(ctx, client, body, ip),
  }),
  route({
    method: 'get', path: '/api/exchange/webhooks', permission: WRITE, tags: TAG, query: noQuery,
    summary: 'the client\'s webhooks (without their secrets) (exchange:write)',
    responses: { 200: { description: '{items: [{id, url, events, createdAt}]}' } },
    handler: async ({ ctx, client }) => ({ items: await webhooksOf(ctx, client) }),
  }),
  route({
    method: 'delete', path: '/api/exchange/webhooks/:id', permission: WRITE, tags: TAG, params: byId, body: noBody,
    summary: 'delete a webhook: nothing more is sent to it (exchange:write)',
    responses: { 204: { description: 'deleted' } },
    handler: async ({ ctx, client, params, ip }) => {
      await removeWebhook(ctx, client, params.id, ip);
    },
  }),
  route({
    method: 'get', path: '/api/exchange/webhooks/:id/deliveries', permission: WRITE, tags: TAG, params: byId, query: noQuery,
    summary: 'the webhook\'s newest deliveries with every attempt: status, attempts, next attempt, the receiver\'s answers (exchange:write)',
    responses: { 200: { description: '{items}' } },
    handler: async ({ ctx, client, params }) => ({ items: await webhookDeliveries(ctx, client, params.id) }),
  }),
];
