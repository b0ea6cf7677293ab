import { Router, type Request } from 'express';
import type { AppContext } from '../context.js';
import { DomainError } from '../errors.js';
import { documentApiRouter } from './document-routes.js';
import { applicantApiRouter } from './applicant-routes.js';
import { feeApiRouter } from './fee-routes.js';

export const clientIp = (req: Request) => req.ip ?? null;

export function apiRouter(ctx: AppContext): Router {
  const r = Router();
  r.use(documentApiRouter(ctx));
  r.use(applicantApiRouter(ctx));
  r.use(feeApiRouter(ctx));
  r.use((_req, _res, next) => next(new DomainError('not_found', 'not_found', '接口不存在')));
  return r;
}
