// The reply-wording library (统一规范答复口径, issue 7): the district office writes and approves;
// caseworkers of every agency use the approved wording in their drafts — API and pages.
import { z } from 'zod';
import type { Response } from 'express';
import { route, type RefusedCall, type RouteDef, refusalText } from '../http/route.js';
import { idParam, noBody, noQuery } from '../http/schemas.js';
import { ref } from '../http/openapi-components.js';
import { statusOf } from '../http/error-mapping.js';
import type { AppContext } from '../context.js';
import type { User } from '../admin/user-store.js';
import { forbidden, type DomainError } from '../errors.js';
import { mayReadCases } from '../policy.js';
import {
  addVersion, approveVersion, createPassage, getPassage, mayWritePassages, retirePassage, searchPassages, type PassageDetail,
} from '../passages/passage-service.js';
import { passageInput, passageQuery, retireInput, toPassageQuery, versionInput } from '../passages/passage-schemas.js';
import { DRAFTABLE_DECISIONS, PASSAGE_TOPICS, VERSION_STATUSES } from '../passages/passage-input.js';
import { diffText } from '../passages/text-diff.js';

const helpers = { PASSAGE_TOPICS, VERSION_STATUSES, DRAFTABLE_DECISIONS };

const byId = z.strictObject({ id: idParam });
/** A version that is no number names no version: 0, which the use case answers with 404 (no default in the document). */
const byVersion = z.strictObject({ id: idParam, version: idParam.catch(0).meta({ default: undefined }) });
const done = z.strictObject({ done: z.string().max(200).optional() });


/** Each version against the one before it; a pending draft against the version in force (what the approver weighs). */
function withDiffs(p: PassageDetail) {
  return p.versions.map((v, i) => {
    const base = v.status === 'draft' && p.currentVersion !== null ? p.versions.find((o) => o.version === p.currentVersion) : p.versions[i + 1];
    return { ...v, base: base ? base.version : null, diff: base ? diffText(base.body, v.body) : null, titleChanged: base ? base.title !== v.title : false };
  });
}

async function renderPassagePage(ctx: AppContext, res: Response, user: User, id: number, status = 200, extra: Record<string, unknown> = {}) {
  const p = await getPassage(ctx, user, id);
  const head = p.versions[0];
  res.status(status).render('passage', {
    title: `答复口径 · ${p.title}`, p, versions: withDiffs(p), flash: null, error: null,
    draft: head ? { title: head.title, body: head.body, legalBasis: head.legalBasis ?? '', decisions: head.decisions } : null,
    ...helpers, ...extra,
  });
}

/** The actions of the passage page answer with the page: the message, and (a new version) what was typed. */
const refusedOnPassage = (keepDraft: boolean) => async (c: RefusedCall, e: DomainError) => {
  if (!c.user || !mayReadCases(c.user)) throw e;
  const v = c.form;
  const draft = keepDraft ? { title: v.title ?? '', body: v.body ?? '', legalBasis: v.legalBasis ?? '', decisions: ([] as unknown[]).concat(v.decisions ?? []) } : undefined;
  await renderPassagePage(c.ctx, c.res, c.user, Number(c.params.id), statusOf(e), { error: refusalText(e), ...(draft ? { draft } : {}) });
};

const doneAt = (id: number, text: string) => `/passages/${id}?done=${encodeURIComponent(text)}`;

const newPassagePage = (res: Response, status: number, values: Record<string, unknown>, fields: Record<string, string>, error: string | null) =>
  res.status(status).render('passage-new', { title: '编写答复口径', values, fields, error, ...helpers });

export const passageRoutes: RouteDef[] = [
  // --- JSON API ---------------------------------------------------------------------------
  route({
    method: 'get', path: '/api/passages', permission: 'staff', query: passageQuery,
    summary: 'search the reply-wording library (答复口径): approved passages (the district office also sees drafts), the version in force, usage counts; at most 200, by topic then most used',
    responses: { 200: { description: 'list', schema: { type: 'object', properties: { total: { type: 'integer' }, items: { type: 'array', items: ref('Passage') } } } } },
    handler: ({ ctx, user, query }) => searchPassages(ctx, user, toPassageQuery(query)),
  }),
  route({
    method: 'post', path: '/api/passages', permission: 'staff', body: passageInput, status: 201,
    summary: 'write a passage (a manager of the district office, the top agency): {topic, title, body, legalBasis?, decisions?} → version 1 as a draft awaiting approval',
    responses: { 201: { description: 'the passage; Location is its URL', schema: ref('PassageDetail') }, 403: { description: 'not a manager of the district office', schema: ref('Error') } },
    handler: async ({ ctx, user, body, ip, res }) => {
      const view = await createPassage(ctx, user, body, ip);
      res.location(view.url);
      return view;
    },
  }),
  route({
    method: 'get', path: '/api/passages/:id', permission: 'staff', params: byId, query: noQuery,
    summary: 'one passage: every version with its usage count, and the cases using it that the caller may see',
    responses: { 200: { description: 'the passage', schema: ref('PassageDetail') }, 404: { description: 'unknown, or never approved and the caller is not of the district office', schema: ref('Error') } },
    handler: ({ ctx, user, params }) => getPassage(ctx, user, params.id),
  }),
  route({
    method: 'post', path: '/api/passages/:id/versions', permission: 'staff', params: byId, body: versionInput, status: 201,
    summary: 'a new version as a draft (district-office manager): {body, title?, legalBasis?, decisions?} — omitted fields carry over; a draft still pending is discarded (kept on record)',
    responses: {
      201: { description: 'the passage', schema: ref('PassageDetail') }, 403: { description: 'not a manager of the district office', schema: ref('Error') },
      409: { description: 'passage retired', schema: ref('Error') }, 422: { description: 'invalid fields, or unchanged', schema: ref('Error') },
    },
    handler: ({ ctx, user, params, body, ip }) => addVersion(ctx, user, params.id, body, ip),
  }),
  route({
    method: 'post', path: '/api/passages/:id/versions/:version/approve', permission: 'staff', params: byVersion, body: noBody,
    summary: 'approve a draft version (four eyes: a district-office manager who did not write it); it comes into force, the previous version is superseded (uses keep pointing at the version used)',
    responses: {
      200: { description: 'the passage', schema: ref('PassageDetail') }, 403: { description: 'not a district-office manager, or the author', schema: ref('Error') },
      404: { description: 'unknown passage or version', schema: ref('Error') }, 409: { description: 'not a pending draft, or passage retired', schema: ref('Error') },
    },
    handler: ({ ctx, user, params, ip }) => approveVersion(ctx, user, params.id, params.version, ip),
  }),
  route({
    method: 'post', path: '/api/passages/:id/retire', permission: 'staff', params: byId, body: retireInput,
    summary: 'retire a passage (district-office manager): {reason?}; it can no longer be used, versions and uses stay on record',
    responses: { 200: { description: 'the passage', schema: ref('PassageDetail') }, 403: { description: 'not a manager of the district office', schema: ref('Error') }, 409: { description: 'already retired', schema: ref('Error') } },
    handler: ({ ctx, user, params, body, ip }) => retirePassage(ctx, user, params.id, body, ip),
  }),

  // --- pages ------------------------------------------------------------------------------
  route({
    method: 'get', path: '/passages', permission: 'staff', query: passageQuery,
    summary: '答复口径库',
    handler: async ({ ctx, user, query, res }) => {
      const result = await searchPassages(ctx, user, toPassageQuery(query));
      res.render('passages', { title: '答复口径库', result, query, mayWrite: await mayWritePassages(user, ctx.db), ...helpers });
    },
  }),
  route({
    method: 'get', path: '/passages/new', permission: 'staff', query: z.strictObject({ topic: z.string().max(40).optional() }),
    summary: '编写答复口径',
    handler: async ({ ctx, user, query, res }) => {
      if (!(await mayWritePassages(user, ctx.db))) throw forbidden('只有区政务公开办的管理人员可以编写答复口径');
      newPassagePage(res, 200, { topic: query.topic ?? '' }, {}, null);
    },
  }),
  route({
    method: 'post', path: '/passages', permission: 'staff', body: passageInput,
    summary: '编写答复口径（表单）',
    onRefusal: (c, e) => {
      if (e.kind !== 'invalid') throw e;
      newPassagePage(c.res, statusOf(e), c.form, e.fields ?? {}, e.message);
    },
    handler: async ({ ctx, user, body, ip, res }) => {
      const p = await createPassage(ctx, user, body, ip);
      res.redirect(303, `${p.page}?done=${encodeURIComponent('已保存为第 1 版草稿，待另一名管理人员审批')}`);
    },
  }),
  route({
    method: 'get', path: '/passages/:id', permission: 'staff', params: byId, query: done,
    summary: '答复口径',
    handler: ({ ctx, user, params, query, res }) => renderPassagePage(ctx, res, user, params.id, 200, { flash: query.done ?? null }),
  }),
  route({
    method: 'post', path: '/passages/:id/versions', permission: 'staff', params: byId,
    // The form's decisions list is absent when none is chosen: no decisions (any decision), not "as before".
    body: z.preprocess((v) => ({ decisions: [], ...((v ?? {}) as Record<string, unknown>) }), versionInput),
    summary: '编写新版本（表单）',
    onRefusal: refusedOnPassage(true),
    handler: async ({ ctx, user, params, body, ip, res }) => {
      await addVersion(ctx, user, params.id, body, ip);
      res.redirect(303, doneAt(params.id, '新版本已保存为草稿，待另一名管理人员审批'));
    },
  }),
  route({
    method: 'post', path: '/passages/:id/versions/:version/approve', permission: 'staff', params: byVersion, body: noBody,
    summary: '审批版本（表单）',
    onRefusal: refusedOnPassage(false),
    handler: async ({ ctx, user, params, ip, res }) => {
      await approveVersion(ctx, user, params.id, params.version, ip);
      res.redirect(303, doneAt(params.id, '已审批，该版本即日起为现行口径'));
    },
  }),
  route({
    method: 'post', path: '/passages/:id/retire', permission: 'staff', params: byId, body: retireInput,
    summary: '停用口径（表单）',
    onRefusal: refusedOnPassage(false),
    handler: async ({ ctx, user, params, body, ip, res }) => {
      await retirePassage(ctx, user, params.id, body, ip);
      res.redirect(303, doneAt(params.id, '该口径已停用'));
    },
  }),
];
