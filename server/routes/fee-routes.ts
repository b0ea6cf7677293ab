import { Router } from 'express';
import type { AppContext } from '../context.js';
import { requireRole } from '../auth/auth-middleware.js';
import { quoteFeeFor } from '../fees/fee-service.js';

/** Issue 7: the fee calculator behind the fee-notice form (国办函〔2020〕109号). Mounted under /api. */
export function feeApiRouter(ctx: AppContext): Router {
  const r = Router();

  // A quote reads other agencies' counts of the applicant (never their cases): case-handling staff only.
  r.post('/fees/quote', async (req, res) => {
    const user = requireRole(req, 'caseworker', 'reviewer', 'approver', 'manager');
    res.json(await quoteFeeFor(ctx, user, req.body));
  });

  return r;
}
