// Not a route: every page's navigation bar shows how many consultation letters wait for the user's agency.
import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../context.js';
import { openInboxCount } from '../consultations/consultation-service.js';

/** The number of open consultation letters waiting for the user's agency, for the navigation bar. */
export function inboxBadge(ctx: AppContext) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      if (req.method === 'GET' && req.user && !req.path.startsWith('/api/') && !req.path.startsWith('/static/')) {
        res.locals.inboxOpen = await openInboxCount(ctx, req.user);
      }
      next();
    } catch (e) {
      next(e);
    }
  };
}
