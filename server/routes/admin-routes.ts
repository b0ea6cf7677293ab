// Administration (系统管理员): agencies, users, the audit log and the working-day calendar — API and pages.
// The administrator administers and sees no case (三员分立): nothing here reads applications.
import { z } from 'zod';
import type { Request } from 'express';
import { route, type RouteDef } from '../http/route.js';
import { flag, idParam, intField, isoDate, list, noBody, noQuery, optionalText } from '../http/schemas.js';
import { DECISION_CODES, DECISIONS, type DecisionCode } from '../../workflows/decisions.js';
import { DEFAULT_RECONSIDERATION_FIRST } from '../../workflows/reply-facts.js';
import { statusOf } from '../http/error-mapping.js';
import type { AppContext } from '../context.js';
import { findAgencyById, listAgencies } from '../admin/agency-store.js';
import { listUsers } from '../admin/user-store.js';
import { addAgency, addUser, changeUserActive, editAgencyDetails, resetPassword } from '../admin/admin-service.js';
import { agencyKeyStatus, makeAgencyCert, setAgencySeal } from '../documents/agency-keys.js';
import { listAudit } from '../audit.js';
import { AUDIT_ACTION_GROUPS, auditEntries, auditUsers } from '../admin/audit-log.js';
import { ROLES } from '../../workflows/roles.js';
import { calendarYear, setCalendarDay, setCalendarDays, unsetCalendarDay } from '../admin/calendar-service.js';
import { daysInRange, parseCalendarDates } from '../../workflows/calendar-input.js';
import { CASE_TERMS } from '../../workflows/terms.js';
import { ONLINE_DELIVERY_ON, type OnlineDeliveryOn } from '../../workflows/glossary.js';

const ONLINE_DELIVERY_CODES = Object.keys(ONLINE_DELIVERY_ON) as [OnlineDeliveryOn, ...OnlineDeliveryOn[]];
import { invalid, notFound } from '../errors.js';

const ADMIN = ['admin'] as const;
const byId = z.strictObject({ id: idParam });
const done = z.strictObject({ done: z.string().max(200).optional(), added: z.string().max(10).optional() });

const agencyInput = z.strictObject({
  code: z.string().max(64),
  name: z.string().max(200),
  parent: optionalText(64),
});
const userInput = z.strictObject({
  username: z.string().max(64),
  displayName: optionalText(100),
  role: z.string().max(40),
  agency: z.string().max(64),
  password: z.string().max(256),
});
const auditQuery = z.strictObject({
  page: intField(1, 1_000_000).optional(),
  action: z.string().max(100).optional(),
  username: z.string().max(64).optional(),
});
const calendarDay = z.strictObject({ kind: z.string().max(20), note: optionalText(200) });
const dateParam = z.strictObject({ date: isoDate });

async function agenciesPage(ctx: AppContext, req: Request, extra: Record<string, unknown> = {}) {
  return { title: '机关管理', agencies: await listAgencies(ctx.db), form: {}, fields: {}, error: null, flash: req.query.added ? '已添加机关' : null, ...extra };
}

async function agencyPage(ctx: AppContext, id: number, extra: Record<string, unknown> = {}) {
  const agency = await findAgencyById(ctx.db, id);
  if (!agency) throw notFound('未找到该机关');
  return {
    title: `机关设置 · ${agency.name}`, agency, keyStatus: await agencyKeyStatus(ctx.db, agency.id), fields: {}, error: null, flash: null,
    DECISIONS, reconsiderationFirst: agency.reconsiderationFirst ?? DEFAULT_RECONSIDERATION_FIRST, ONLINE_DELIVERY_ON, ...extra,
  };
}

async function usersPage(ctx: AppContext, req: Request, extra: Record<string, unknown> = {}) {
  return {
    title: '用户管理', users: await listUsers(ctx.db), agencies: await listAgencies(ctx.db), roles: ROLES, form: {}, fields: {}, error: null,
    flash: typeof req.query.done === 'string' ? req.query.done : null, ...extra,
  };
}

async function calendarPage(ctx: AppContext, year: number | undefined, req: Request, extra: Record<string, unknown> = {}) {
  const y = year ?? Number(ctx.clock.today().slice(0, 4));
  return {
    title: '工作日历', cal: await calendarYear(ctx, y), form: {}, fields: {}, listForm: {}, listFields: {}, error: null,
    flash: typeof req.query.done === 'string' ? req.query.done : null, ...extra,
  };
}

const calendarDone = (year: string, message: string) => `/admin/calendar?year=${year}&done=${encodeURIComponent(message)}`;

const doneUrl = (path: string, message: string) => `${path}?done=${encodeURIComponent(message)}`;

export const adminRoutes: RouteDef[] = [
  // --- JSON API ---------------------------------------------------------------------------
  route({
    method: 'get', path: '/api/agencies', permission: 'user', query: noQuery,
    summary: 'all agencies (code, name, parent)',
    responses: { 200: { description: '{items}' } },
    handler: async ({ ctx }) => ({ items: await listAgencies(ctx.db) }),
  }),
  route({
    method: 'post', path: '/api/agencies', permission: ADMIN, body: agencyInput, status: 201,
    summary: 'add an agency (admin): {code, name, parent?}',
    responses: { 201: { description: 'the agency' }, 409: { description: 'duplicate code' } },
    handler: ({ ctx, user, body }) => addAgency(ctx.db, { code: body.code, name: body.name, parentCode: body.parent }, user),
  }),
  route({
    method: 'get', path: '/api/users', permission: ADMIN, query: noQuery,
    summary: 'all users (admin)',
    responses: { 200: { description: '{items}' } },
    handler: async ({ ctx }) => ({ items: await listUsers(ctx.db) }),
  }),
  route({
    method: 'post', path: '/api/users', permission: ADMIN, body: userInput, status: 201,
    summary: `add a user (admin): {username, displayName?, role (${ROLES.join('|')}), agency, password}; the password is initial (changed at first login), at least 10 characters and hard to guess; reserved names (system, platform, root, …) are refused`,
    responses: { 201: { description: '{id, username}' }, 409: { description: 'duplicate username' } },
    handler: async ({ ctx, user, body }) => {
      const id = await addUser(ctx.db, { username: body.username, displayName: body.displayName ?? '', role: body.role, agencyCode: body.agency, password: body.password }, user, ctx.config.bcryptRounds);
      return { id, username: body.username };
    },
  }),
  route({
    method: 'get', path: '/api/audit', permission: ADMIN, query: auditQuery,
    summary: 'the append-only audit log (admin), newest first, 100 a page',
    responses: { 200: { description: 'page' } },
    handler: ({ ctx, query }) => listAudit(ctx.db, { page: query.page ?? 1, pageSize: 100, action: query.action || undefined, username: query.username || undefined }),
  }),
  route({
    method: 'get', path: '/api/calendar/:year', permission: 'user', params: z.strictObject({ year: intField(2000, 2100) }), query: noQuery,
    summary: 'the working-day calendar of a year: official data present?, days differing from the plain week, local overrides',
    responses: { 200: { description: 'calendar' } },
    handler: ({ ctx, params }) => calendarYear(ctx, params.year),
  }),
  route({
    method: 'put', path: '/api/calendar/overrides/:date', permission: ADMIN, params: dateParam, body: calendarDay,
    summary: 'set a local override (admin): {kind: workday|holiday, note?}; deadlines of open applications are recomputed',
    responses: { 200: { description: '{date, kind, recomputedApplications}' } },
    handler: async ({ ctx, user, params, body }) => {
      const recomputed = await setCalendarDay(ctx, user, { date: params.date, kind: body.kind, note: body.note });
      return { date: params.date, kind: body.kind, recomputedApplications: recomputed };
    },
  }),
  route({
    method: 'delete', path: '/api/calendar/overrides/:date', permission: ADMIN, params: dateParam, body: noBody,
    summary: 'remove a local override (admin)',
    responses: { 200: { description: '{date, recomputedApplications}' } },
    handler: async ({ ctx, user, params }) => ({ date: params.date, recomputedApplications: await unsetCalendarDay(ctx, user, params.date) }),
  }),

  // --- pages ------------------------------------------------------------------------------
  route({
    method: 'get', path: '/admin/agencies', permission: ADMIN, query: done, summary: '机关管理',
    handler: async ({ ctx, req, res }) => res.render('admin-agencies', await agenciesPage(ctx, req)),
  }),
  route({
    method: 'post', path: '/admin/agencies', permission: ADMIN, body: agencyInput, summary: '添加机关',
    onRefusal: async (c, e) => c.res.status(statusOf(e)).render('admin-agencies', await agenciesPage(c.ctx, c.req, { form: c.form, fields: e.fields ?? {}, error: e.message })),
    handler: async ({ ctx, user, body, res }) => {
      await addAgency(ctx.db, { code: body.code, name: body.name, parentCode: body.parent }, user);
      res.redirect(303, '/admin/agencies?added=1');
    },
  }),
  route({
    method: 'get', path: '/admin/agencies/:id', permission: ADMIN, params: byId, query: done, summary: '机关设置',
    handler: async ({ ctx, params, query, res }) => res.render('admin-agency', await agencyPage(ctx, params.id, { flash: query.done ?? null })),
  }),
  route({
    method: 'post', path: '/admin/agencies/:id', permission: ADMIN, params: byId,
    body: z.strictObject({
      docPrefix: optionalText(40), sealPurpose: optionalText(40), reconsiderationBody: optionalText(200), court: optionalText(200), address: optionalText(200), phone: optionalText(40),
      paymentDetails: optionalText(500),
      // Issue 12: the decisions whose replies say reconsideration comes first — checkboxes, after a hidden
      // empty value so that none ticked means none; `reconsiderationFirstDefault` restores the default.
      reconsiderationFirst: list(z.union([z.enum(DECISION_CODES as [DecisionCode, ...DecisionCode[]]), z.literal('')]), DECISION_CODES.length + 1).optional(),
      reconsiderationFirstDefault: flag,
      // Issue 16: what counts as delivery (送达) to an applicant who applied online.
      onlineDeliveryOn: z.enum(ONLINE_DELIVERY_CODES, { message: '请选择网上送达以何为准' }).optional(),
    }),
    summary: '保存机关设置',
    onRefusal: async (c, e) => c.res.status(statusOf(e)).render('admin-agency', await agencyPage(c.ctx, Number(c.params.id), { fields: e.fields ?? {}, error: e.message })),
    handler: async ({ ctx, user, params, body, res }) => {
      const f = body;
      await editAgencyDetails(ctx.db, params.id, {
        docPrefix: f.docPrefix ?? undefined, sealPurpose: f.sealPurpose ?? undefined, reconsiderationBody: f.reconsiderationBody ?? undefined, court: f.court ?? undefined, address: f.address ?? undefined, phone: f.phone ?? undefined,
        paymentDetails: f.paymentDetails ?? undefined,
        onlineDeliveryOn: f.onlineDeliveryOn,
        reconsiderationFirst: f.reconsiderationFirstDefault ? null : f.reconsiderationFirst?.filter((c): c is DecisionCode => c !== ''),
      }, user);
      res.redirect(303, doneUrl(`/admin/agencies/${params.id}`, '已保存'));
    },
  }),
  route({
    method: 'post', path: '/admin/agencies/:id/cert', permission: ADMIN, params: byId, body: noBody, summary: '生成自签名证书',
    onRefusal: async (c, e) => {
      c.res.status(statusOf(e)).render('admin-agency', await agencyPage(c.ctx, Number(c.params.id), { error: e.message }));
    },
    handler: async ({ ctx, user, params, ip, res }) => {
      const agency = await makeAgencyCert(ctx, params.id, user, ip);
      res.redirect(303, doneUrl(`/admin/agencies/${agency.id}`, '已生成自签名证书'));
    },
  }),
  route({
    method: 'post', path: '/admin/agencies/:id/seal', permission: ADMIN, params: byId,
    files: { field: 'seal', maxCount: 1, maxBytes: 2 * 1024 * 1024 }, body: z.strictObject({ remove: z.enum(['0', '1']).optional() }),
    summary: '上传印章图片',
    onRefusal: async (c, e) => {
      const message = e.code === 'invalid' && e.fields?.attachments ? '印章图片不超过 2 MB' : e.message;
      c.res.status(statusOf(e)).render('admin-agency', await agencyPage(c.ctx, Number(c.params.id), { error: message }));
    },
    handler: async ({ ctx, user, params, body, files, ip, res }) => {
      const remove = body.remove === '1';
      await setAgencySeal(ctx, params.id, remove ? null : (files[0]?.buffer ?? Buffer.alloc(0)), user, ip);
      res.redirect(303, doneUrl(`/admin/agencies/${params.id}`, remove ? '已改用绘制的印章' : '已上传印章图片'));
    },
  }),
  route({
    method: 'get', path: '/admin/users', permission: ADMIN, query: done, summary: '用户管理',
    handler: async ({ ctx, req, res }) => res.render('admin-users', await usersPage(ctx, req)),
  }),
  route({
    method: 'post', path: '/admin/users', permission: ADMIN, body: userInput, summary: '添加用户',
    onRefusal: async (c, e) => c.res.status(statusOf(e)).render('admin-users', await usersPage(c.ctx, c.req, { form: { ...c.form, password: '' }, fields: e.fields ?? {}, error: e.message })),
    handler: async ({ ctx, user, body, res }) => {
      await addUser(ctx.db, { username: body.username, displayName: body.displayName ?? undefined, role: body.role, agencyCode: body.agency, password: body.password }, user, ctx.config.bcryptRounds);
      res.redirect(303, doneUrl('/admin/users', '已添加用户'));
    },
  }),
  route({
    method: 'post', path: '/admin/users/:id/active', permission: ADMIN, params: byId, body: z.strictObject({ active: z.enum(['true', 'false']) }), summary: '启用或停用账号',
    handler: async ({ ctx, user, params, body, res }) => {
      const active = body.active === 'true';
      await changeUserActive(ctx.db, params.id, active, user);
      res.redirect(303, doneUrl('/admin/users', active ? '已启用账号' : '已停用账号'));
    },
  }),
  route({
    method: 'post', path: '/admin/users/:id/password', permission: ADMIN, params: byId, body: z.strictObject({ password: z.string().max(256) }), summary: '重置密码',
    onRefusal: async (c, e) => c.res.status(statusOf(e)).render('admin-users', await usersPage(c.ctx, c.req, { error: e.message })),
    handler: async ({ ctx, user, params, body, res }) => {
      await resetPassword(ctx.db, params.id, body.password, user, ctx.config.bcryptRounds);
      res.redirect(303, doneUrl('/admin/users', '已重置密码'));
    },
  }),
  route({
    method: 'get', path: '/admin/audit', permission: ADMIN, query: auditQuery, summary: '审计日志',
    handler: async ({ ctx, query, res }) => {
      const page = query.page ?? 1;
      const result = await auditEntries(ctx.db, { page, pageSize: 50, action: query.action || undefined, username: query.username || undefined });
      res.render('admin-audit', { title: '审计日志', result, page, query, actionGroups: AUDIT_ACTION_GROUPS, users: await auditUsers(ctx.db) });
    },
  }),
  route({
    method: 'get', path: '/admin/calendar', permission: ADMIN, query: done.extend({ year: intField(2000, 2100).optional() }), summary: '工作日历',
    handler: async ({ ctx, query, req, res }) => res.render('admin-calendar', await calendarPage(ctx, query.year, req)),
  }),
  route({
    method: 'post', path: '/admin/calendar', permission: ADMIN,
    body: z.strictObject({ date: z.string().max(20), to: optionalText(20), kind: z.string().max(20), note: optionalText(200), year: z.string().max(10).optional() }),
    summary: '保存本地调整：一天，或起止日期之间的每一天',
    onRefusal: async (c, e) => {
      const year = Number(String(c.form.date ?? '').slice(0, 4));
      c.res.status(statusOf(e)).render('admin-calendar', await calendarPage(c.ctx, year >= 2000 && year <= 2100 ? year : undefined, c.req, { form: c.form, fields: e.fields ?? {}, error: e.message }));
    },
    handler: async ({ ctx, user, body, res }) => {
      if (!body.to || body.to === body.date) {
        const n = await setCalendarDay(ctx, user, { date: body.date, kind: body.kind, note: body.note });
        return res.redirect(303, calendarDone(body.date.slice(0, 4), `已保存，${n} 件${CASE_TERMS.open}申请的期限已重新计算`));
      }
      const dates = daysInRange(body.date, body.to);
      if (!dates) throw invalid({ to: '截止日期应为不早于起始日期的日期' });
      if (body.kind !== 'workday' && body.kind !== 'holiday') throw invalid({ kind: '请选择“工作日”或“休息日”' });
      const r = await setCalendarDays(ctx, user, dates.map((date) => ({ date, kind: body.kind as 'workday' | 'holiday' })), body.note, 'date');
      res.redirect(303, calendarDone(body.date.slice(0, 4), `已保存 ${r.days} 天，${r.recomputed} 件${CASE_TERMS.open}申请的期限已重新计算`));
    },
  }),
  route({
    method: 'post', path: '/admin/calendar/list', permission: ADMIN,
    body: z.strictObject({ dates: z.string().max(20_000), year: intField(2000, 2100), kind: z.enum(['workday', 'holiday'], { message: '请选择“工作日”或“休息日”' }), note: optionalText(200) }),
    summary: '保存粘贴的放假安排（国务院通知的文字或日期列表）',
    onRefusal: async (c, e) => {
      const year = Number(c.form.year);
      c.res.status(statusOf(e)).render('admin-calendar', await calendarPage(c.ctx, year >= 2000 && year <= 2100 ? year : undefined, c.req, {
        listForm: c.form, listFields: e.fields ?? {}, error: e.message,
      }));
    },
    handler: async ({ ctx, user, body, res }) => {
      const parsed = parseCalendarDates(body.dates, { year: body.year, kind: body.kind });
      if (parsed.problems.length) throw invalid({ dates: parsed.problems.slice(0, 3).join('；') });
      const r = await setCalendarDays(ctx, user, parsed.days, body.note);
      const holidays = parsed.days.filter((d) => d.kind === 'holiday').length;
      res.redirect(303, calendarDone(String(body.year), `已保存 ${r.days} 天（放假 ${holidays} 天、调休上班 ${r.days - holidays} 天），${r.recomputed} 件${CASE_TERMS.open}申请的期限已重新计算`));
    },
  }),
  route({
    method: 'post', path: '/admin/calendar/:date/delete', permission: ADMIN, params: dateParam, body: noBody, summary: '删除本地调整',
    handler: async ({ ctx, user, params, res }) => {
      const n = await unsetCalendarDay(ctx, user, params.date);
      res.redirect(303, calendarDone(params.date.slice(0, 4), `已删除，${n} 件${CASE_TERMS.open}申请的期限已重新计算`));
    },
  }),
];

