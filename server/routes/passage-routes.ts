import { Router, type Request } from 'express';
import type { AppContext } from '../context.js';
import { requireUser } from '../auth/auth-middleware.js';
import { notFound } from '../errors.js';
import {
  addVersion, approveVersion, createPassage, getPassage, parsePassageQuery, retirePassage, searchPassages,
} from '../passages/passage-service.js';

const body = (req: Request) => (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {});

export function positiveInt(v: unknown, what: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw notFound(`未找到该${what}`);
  return n;
}

/** The reply-wording library (统一规范答复口径, issue 7), JSON API; mounted under /api. */
export function passageApiRouter(ctx: AppContext): Router {
  const r = Router();
  const ip = (req: Request) => req.ip ?? null;

  r.get('/passages', async (req, res) => {
    const user = requireUser(req);
    res.json(await searchPassages(ctx, user, parsePassageQuery(req.query as Record<string, unknown>)));
  });

  r.post('/passages', async (req, res) => {
    const view = await createPassage(ctx, requireUser(req), body(req), ip(req));
    res.status(201).location(view.url).json(view);
  });

  r.get('/passages/:id', async (req, res) => {
    res.json(await getPassage(ctx, requireUser(req), positiveInt(req.params.id, '答复口径')));
  });

  r.post('/passages/:id/versions', async (req, res) => {
    res.status(201).json(await addVersion(ctx, requireUser(req), positiveInt(req.params.id, '答复口径'), body(req), ip(req)));
  });

  r.post('/passages/:id/versions/:version/approve', async (req, res) => {
    const user = requireUser(req);
    res.json(await approveVersion(ctx, user, positiveInt(req.params.id, '答复口径'), positiveInt(req.params.version, '版本'), ip(req)));
  });

  r.post('/passages/:id/retire', async (req, res) => {
    res.json(await retirePassage(ctx, requireUser(req), positiveInt(req.params.id, '答复口径'), body(req), ip(req)));
  });

  return r;
}
