import { Router } from 'express';
import type { AppContext } from '../context.js';
import { passagePageRouter } from './passage-page-routes.js';

export function pageRouter(ctx: AppContext): Router {
  const r = Router();
  r.use(passagePageRouter(ctx));
  return r;
}
