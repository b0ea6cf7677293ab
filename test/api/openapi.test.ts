import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import request from 'supertest';
import { openApiDocument } from '../../server/http/openapi.js';
import { ROUTES } from '../../server/routes/index.js';
import { REPO_ROOT } from '../browser/helpers.js';
import { createTestEnv, type TestEnv } from '../helpers/test-app.js';

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { description?: string }> }>> };

// Routes are data (server/routes/index.ts); the OpenAPI document is generated from them.
describe('the OpenAPI document', () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv({ seed: false });
  });
  after(() => env.close());

  it('is valid OpenAPI 3.1 by an external validator (every response has a description)', async () => {
    const res = await request(env.app).get('/api/openapi.json');
    assert.equal(res.status, 200);
    const result = await new Validator().validate(res.body);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1)?.slice(0, 2000));
    assert.equal(res.body.openapi, '3.1.0');
  });

  it('describes every declared JSON route with its method, and no page', () => {
    const doc = openApiDocument(ROUTES) as Doc;
    const api = ROUTES.filter((r) => r.path.startsWith('/api/'));
    assert.ok(api.length > 60, `found ${api.length} API routes`);
    const missing = api.filter((r) => !doc.paths[r.path.replace(/:(\w+)/g, '{$1}')]?.[r.method]).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(missing, []);
    assert.ok(Object.keys(doc.paths).every((p) => p.startsWith('/api/')));
  });

  it('documents a request body wherever a route reads one, from the same schema', () => {
    const doc = openApiDocument(ROUTES) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { additionalProperties?: boolean } }> } }>> };
    const events = doc.paths['/api/applications/{id}/events']!.post!.requestBody!.content['application/json']!.schema as { oneOf?: { additionalProperties?: boolean }[]; anyOf?: unknown[] };
    const variants = events.oneOf ?? (events.anyOf as { additionalProperties?: boolean }[]);
    assert.ok(variants.length >= 20, 'one schema per event type');
    assert.ok(variants.every((v) => v.additionalProperties === false), 'unknown keys are refused in every event type');
  });

  it('no route is written outside the declarations (every handler goes through the schema layer)', () => {
    const dir = join(REPO_ROOT, 'server');
    const offenders: string[] = [];
    const walk = (d: string) => {
      for (const entry of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (p.endsWith('.ts')) {
          const src = readFileSync(p, 'utf8');
          for (const m of src.matchAll(/\b(?:r|router|app)\.(get|post|put|patch|delete|all)\(\s*['"`]/g)) offenders.push(`${p.slice(dir.length + 1)}: ${m[0]}`);
        }
      }
    };
    walk(dir);
    assert.deepEqual(offenders, []);
  });
});
