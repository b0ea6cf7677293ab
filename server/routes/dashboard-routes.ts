import { Router } from 'express';
import type { AppContext } from '../context.js';
import { requireUser } from '../auth/auth-middleware.js';
import { buildDashboard, DUE_SOON_WORKING_DAYS, LIST_LIMIT } from '../reports/dashboard.js';
import { dashboardCharts } from '../reports/charts.js';
import { APPEAL_KINDS } from '../appeals/appeal-service.js';

/** The managers' dashboard (issue 6): the page with server-drawn SVG charts, and the same numbers as JSON. */
export function dashboardRouter(ctx: AppContext): Router {
  const r = Router();

  r.get('/api/reports/dashboard', async (req, res) => {
    res.json(await buildDashboard(ctx, requireUser(req), req.query as Record<string, unknown>));
  });

  r.get('/dashboard', async (req, res) => {
    const user = requireUser(req);
    const query = req.query as Record<string, unknown>;
    const d = await buildDashboard(ctx, user, query);
    res.render('dashboard', { title: '统计', d, charts: dashboardCharts(d), query, APPEAL_KINDS, DUE_SOON_WORKING_DAYS, LIST_LIMIT });
  });

  return r;
}
