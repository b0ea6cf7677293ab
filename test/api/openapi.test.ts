import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiDocument } from '../../server/routes/openapi.js';
import { REPO_ROOT } from '../browser/helpers.js';

// The OpenAPI document served at /api/openapi.json describes the whole API (README, issue 2): every
// JSON route declared in server/routes is in it, with the same method.
const ROUTES_DIR = join(REPO_ROOT, 'server', 'routes');
/** Routers mounted inside apiRouter (under /api) declare their paths without the prefix. */
const UNDER_API = new Set(['api-routes.ts', 'document-routes.ts', 'appeal-routes.ts', 'passage-routes.ts', 'applicant-routes.ts', 'fee-routes.ts']);

function declaredApiRoutes(): { method: string; path: string; file: string }[] {
  const out: { method: string; path: string; file: string }[] = [];
  for (const file of readdirSync(ROUTES_DIR).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(ROUTES_DIR, file), 'utf8');
    for (const m of source.matchAll(/\br\.(get|post|put|patch|delete)\(\s*'([^']+)'/g)) {
      const raw = m[2]!;
      const path = UNDER_API.has(file) && !raw.startsWith('/api/') ? `/api${raw}` : raw;
      if (!path.startsWith('/api/')) continue; // an HTML page
      out.push({ method: m[1]!, path: path.replace(/:(\w+)/g, '{$1}'), file });
    }
  }
  return out;
}

describe('the OpenAPI document', () => {
  it('describes every JSON route the server declares, with its method', () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, unknown>> };
    const routes = declaredApiRoutes();
    assert.ok(routes.length > 50, `found ${routes.length} routes`);
    const missing = routes.filter((r) => !doc.paths[r.path]?.[r.method]).map((r) => `${r.method.toUpperCase()} ${r.path} (${r.file})`);
    assert.deepEqual(missing, []);
  });
});
