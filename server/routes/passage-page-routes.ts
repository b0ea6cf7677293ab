import { statusOf } from '../http/error-mapping.js';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { requireUser } from '../auth/auth-middleware.js';
import { forbidden, DomainError } from '../errors.js';
import {
  addVersion, approveVersion, createPassage, getPassage, mayWritePassages, parsePassageQuery, retirePassage, searchPassages,
  type PassageDetail,
} from '../passages/passage-service.js';
import { DRAFTABLE_DECISIONS, PASSAGE_TOPICS, VERSION_STATUSES } from '../passages/passage-input.js';
import { diffText } from '../passages/text-diff.js';
import { positiveInt } from './passage-routes.js';

const helpers = { PASSAGE_TOPICS, VERSION_STATUSES, DRAFTABLE_DECISIONS };

const form = (req: Request) => {
  const b = { ...((req.body ?? {}) as Record<string, unknown>) };
  delete b._csrf;
  return b;
};

const message = (e: DomainError) => (e.fields ? Object.values(e.fields).join('；') : e.message);

/** Each version against the one before it; a pending draft against the version in force (what the approver weighs). */
function withDiffs(p: PassageDetail) {
  return p.versions.map((v, i) => {
    const base = v.status === 'draft' && p.currentVersion !== null ? p.versions.find((o) => o.version === p.currentVersion) : p.versions[i + 1];
    return { ...v, base: base ? base.version : null, diff: base ? diffText(base.body, v.body) : null, titleChanged: base ? base.title !== v.title : false };
  });
}

/** Pages of the reply-wording library (口径库, issue 7). */
export function passagePageRouter(ctx: AppContext): Router {
  const r = Router();

  r.get('/passages', async (req, res) => {
    const user = requireUser(req);
    const query = req.query as Record<string, unknown>;
    const result = await searchPassages(ctx, user, parsePassageQuery(query));
    res.render('passages', { title: '答复口径库', result, query, mayWrite: await mayWritePassages(user, ctx.db), ...helpers });
  });

  const newPage = (res: Response, status: number, values: Record<string, unknown>, fields: Record<string, string>, error: string | null) =>
    res.status(status).render('passage-new', { title: '编写答复口径', values, fields, error, ...helpers });

  r.get('/passages/new', async (req, res) => {
    const user = requireUser(req);
    if (!(await mayWritePassages(user, ctx.db))) throw forbidden('只有区政务公开办的管理人员可以编写答复口径');
    newPage(res, 200, { topic: typeof req.query.topic === 'string' ? req.query.topic : '' }, {}, null);
  });

  r.post('/passages', async (req, res) => {
    const user = requireUser(req);
    const values = form(req);
    try {
      const p = await createPassage(ctx, user, values, req.ip ?? null);
      res.redirect(303, `${p.page}?done=${encodeURIComponent('已保存为第 1 版草稿，待另一名管理人员审批')}`);
    } catch (e) {
      if (!(e instanceof DomainError) || statusOf(e) !== 422) throw e;
      newPage(res, 422, values, e.fields ?? {}, e.message);
    }
  });

  const detailPage = async (req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) => {
    const user = requireUser(req);
    const p = await getPassage(ctx, user, positiveInt(req.params.id, '答复口径'));
    const head = p.versions[0];
    res.status(status).render('passage', {
      title: `答复口径 · ${p.title}`, p, versions: withDiffs(p), flash: typeof req.query.done === 'string' ? req.query.done : null,
      error: null, draft: head ? { title: head.title, body: head.body, legalBasis: head.legalBasis ?? '', decisions: head.decisions } : null,
      ...helpers, ...extra,
    });
  };

  r.get('/passages/:id', (req, res) => detailPage(req, res));

  // The actions answer with the detail page: a redirect when done, the page with the message when refused.
  const action = (run: (req: Request) => Promise<unknown>, done: string, keepDraft = false) => async (req: Request, res: Response) => {
    try {
      await run(req);
      res.redirect(303, `/passages/${req.params.id}?done=${encodeURIComponent(done)}`);
    } catch (e) {
      if (!(e instanceof DomainError) || statusOf(e) >= 500 || statusOf(e) === 404) throw e;
      const v = form(req);
      const draft = keepDraft ? { title: v.title ?? '', body: v.body ?? '', legalBasis: v.legalBasis ?? '', decisions: ([] as unknown[]).concat(v.decisions ?? []) } : undefined;
      await detailPage(req, res, statusOf(e), { error: message(e), ...(draft ? { draft } : {}) });
    }
  };

  r.post('/passages/:id/versions', action((req) => addVersion(ctx, requireUser(req), positiveInt(req.params.id, '答复口径'), { decisions: [], ...form(req) }, req.ip ?? null), '新版本已保存为草稿，待另一名管理人员审批', true));
  r.post('/passages/:id/versions/:version/approve', action((req) => approveVersion(ctx, requireUser(req), positiveInt(req.params.id, '答复口径'), positiveInt(req.params.version, '版本'), req.ip ?? null), '已审批，该版本即日起为现行口径'));
  r.post('/passages/:id/retire', action((req) => retirePassage(ctx, requireUser(req), positiveInt(req.params.id, '答复口径'), form(req), req.ip ?? null), '该口径已停用'));

  return r;
}
