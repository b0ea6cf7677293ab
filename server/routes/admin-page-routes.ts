import { statusOf } from '../http/error-mapping.js';
import { Router, type Request } from 'express';
import type { AppContext } from '../context.js';
import { requireRole } from '../auth/auth-middleware.js';
import { DomainError } from '../errors.js';
import { listAgencies } from '../admin/agency-store.js';
import { listUsers } from '../admin/user-store.js';
import { addAgency, addUser, changeUserActive, editAgencyDetails, resetPassword } from '../admin/admin-service.js';
import { findAgencyById, updateAgencyDetails } from '../admin/agency-store.js';
import { hasSigningKey, makeSelfSignedKey, storeSealPng } from '../documents/agency-keys.js';
import { checkCsrf } from '../auth/auth-middleware.js';
import { audit } from '../audit.js';
import multer from 'multer';
import { listAudit } from '../audit.js';
import { ROLES } from '../../workflows/roles.js';
import { calendarYear, setCalendarDay, unsetCalendarDay } from '../admin/calendar-service.js';

export function adminPageRouter(ctx: AppContext): Router {
  const r = Router();

  const agenciesPage = async (req: Request, extra: Record<string, unknown> = {}) => ({
    title: '机关管理',
    agencies: await listAgencies(ctx.db),
    form: {},
    fields: {},
    error: null,
    flash: req.query.added ? '已添加机关' : null,
    ...extra,
  });

  r.get('/agencies', async (req, res) => {
    requireRole(req, 'admin');
    res.render('admin-agencies', await agenciesPage(req));
  });

  r.post('/agencies', async (req, res) => {
    const admin = requireRole(req, 'admin');
    const form = req.body as Record<string, string>;
    try {
      await addAgency(ctx.db, { code: form.code ?? '', name: form.name ?? '', parentCode: form.parent || null }, admin);
      res.redirect(303, '/admin/agencies?added=1');
    } catch (e) {
      if (!(e instanceof DomainError) || statusOf(e) >= 500) throw e;
      res.status(statusOf(e)).render('admin-agencies', await agenciesPage(req, { form, fields: e.fields ?? {}, error: e.message }));
    }
  });

  const agencyPage = async (id: number, extra: Record<string, unknown> = {}) => {
    const agency = await findAgencyById(ctx.db, id);
    if (!agency) throw new DomainError('not_found', 'not_found', '未找到该机关');
    return { title: `机关设置 · ${agency.name}`, agency, hasKey: await hasSigningKey(ctx.config, agency.code), fields: {}, error: null, flash: null, ...extra };
  };

  r.get('/agencies/:id', async (req, res) => {
    requireRole(req, 'admin');
    const page = await agencyPage(Number(req.params.id), { flash: typeof req.query.done === 'string' ? req.query.done : null });
    res.render('admin-agency', page);
  });

  r.post('/agencies/:id', async (req, res) => {
    const admin = requireRole(req, 'admin');
    const id = Number(req.params.id);
    const f = req.body as Record<string, string>;
    try {
      await editAgencyDetails(ctx.db, id, {
        docPrefix: f.docPrefix, sealPurpose: f.sealPurpose, reconsiderationBody: f.reconsiderationBody, court: f.court, address: f.address, phone: f.phone,
      }, admin);
      res.redirect(303, `/admin/agencies/${id}?done=${encodeURIComponent('已保存')}`);
    } catch (e) {
      if (!(e instanceof DomainError) || statusOf(e) !== 422) throw e;
      res.status(422).render('admin-agency', await agencyPage(id, { fields: e.fields ?? {}, error: e.message }));
    }
  });

  r.post('/agencies/:id/cert', async (req, res) => {
    const admin = requireRole(req, 'admin');
    const agency = await findAgencyById(ctx.db, Number(req.params.id));
    if (!agency) throw new DomainError('not_found', 'not_found', '未找到该机关');
    await makeSelfSignedKey(ctx.config, agency);
    await audit(ctx.db, { actor: admin, action: 'agency.cert', entity: 'agency', entityId: agency.id, detail: { code: agency.code, selfSigned: true } });
    res.redirect(303, `/admin/agencies/${agency.id}?done=${encodeURIComponent('已生成自签名证书')}`);
  });

  const sealUpload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 2 * 1024 * 1024, files: 1 } });
  r.post('/agencies/:id/seal', (req, res, next) => {
    sealUpload.single('seal')(req, res, async (err?: unknown) => {
      try {
        const admin = requireRole(req, 'admin');
        checkCsrf(req);
        const id = Number(req.params.id);
        const agency = await findAgencyById(ctx.db, id);
        if (!agency) throw new DomainError('not_found', 'not_found', '未找到该机关');
        try {
          if (err) throw new DomainError('invalid', 'invalid', '印章图片不超过 2 MB');
          const remove = (req.body as Record<string, string>)?.remove === '1';
          const sha = remove ? null : await storeSealPng(ctx.config, req.file?.buffer ?? Buffer.alloc(0));
          await ctx.db.transaction(async (trx) => {
            await updateAgencyDetails(trx, id, { sealPngSha256: sha });
            await audit(trx, { actor: admin, action: 'agency.seal', entity: 'agency', entityId: id, detail: { code: agency.code, sealPngSha256: sha } });
          });
          res.redirect(303, `/admin/agencies/${id}?done=${encodeURIComponent(remove ? '已改用绘制的印章' : '已上传印章图片')}`);
        } catch (e) {
          if (!(e instanceof DomainError) || statusOf(e) !== 422) throw e;
          res.status(422).render('admin-agency', await agencyPage(id, { error: e.message }));
        }
      } catch (e) {
        next(e);
      }
    });
  });

  const usersPage = async (req: Request, extra: Record<string, unknown> = {}) => ({
    title: '用户管理',
    users: await listUsers(ctx.db),
    agencies: await listAgencies(ctx.db),
    roles: ROLES,
    form: {},
    fields: {},
    error: null,
    flash: typeof req.query.done === 'string' ? req.query.done : null,
    ...extra,
  });

  r.get('/users', async (req, res) => {
    requireRole(req, 'admin');
    res.render('admin-users', await usersPage(req));
  });

  r.post('/users', async (req, res) => {
    const admin = requireRole(req, 'admin');
    const form = req.body as Record<string, string>;
    try {
      await addUser(
        ctx.db,
        { username: form.username ?? '', displayName: form.displayName, role: form.role ?? '', agencyCode: form.agency ?? '', password: form.password ?? '' },
        admin,
        ctx.config.bcryptRounds,
      );
      res.redirect(303, '/admin/users?done=' + encodeURIComponent('已添加用户'));
    } catch (e) {
      if (!(e instanceof DomainError) || statusOf(e) >= 500) throw e;
      res.status(statusOf(e)).render('admin-users', await usersPage(req, { form: { ...form, password: '' }, fields: e.fields ?? {}, error: e.message }));
    }
  });

  r.post('/users/:id/active', async (req, res) => {
    const admin = requireRole(req, 'admin');
    const active = (req.body as Record<string, string>).active === 'true';
    await changeUserActive(ctx.db, Number(req.params.id), active, admin);
    res.redirect(303, '/admin/users?done=' + encodeURIComponent(active ? '已启用账号' : '已停用账号'));
  });

  r.post('/users/:id/password', async (req, res) => {
    const admin = requireRole(req, 'admin');
    try {
      await resetPassword(ctx.db, Number(req.params.id), (req.body as Record<string, string>).password ?? '', admin, ctx.config.bcryptRounds);
      res.redirect(303, '/admin/users?done=' + encodeURIComponent('已重置密码'));
    } catch (e) {
      if (!(e instanceof DomainError) || statusOf(e) !== 422) throw e;
      res.status(422).render('admin-users', await usersPage(req, { error: e.message }));
    }
  });

  r.get('/audit', async (req, res) => {
    requireRole(req, 'admin');
    const page = Math.max(1, Number(req.query.page ?? 1) || 1);
    const action = typeof req.query.action === 'string' && req.query.action ? req.query.action : undefined;
    const username = typeof req.query.username === 'string' && req.query.username ? req.query.username : undefined;
    const result = await listAudit(ctx.db, { page, pageSize: 50, action, username });
    res.render('admin-audit', { title: '审计日志', result, page, query: req.query });
  });

  const calendarPage = async (req: Request, extra: Record<string, unknown> = {}) => {
    const year = Number(req.query.year ?? req.body?.year ?? ctx.clock.today().slice(0, 4));
    return { title: '工作日历', cal: await calendarYear(ctx, Number.isInteger(year) ? year : Number(ctx.clock.today().slice(0, 4))), form: {}, fields: {}, error: null, flash: typeof req.query.done === 'string' ? req.query.done : null, ...extra };
  };

  r.get('/calendar', async (req, res) => {
    requireRole(req, 'admin');
    res.render('admin-calendar', await calendarPage(req));
  });

  r.post('/calendar', async (req, res) => {
    const admin = requireRole(req, 'admin');
    const form = req.body as Record<string, string>;
    try {
      const n = await setCalendarDay(ctx, admin, { date: form.date, kind: form.kind, note: form.note });
      res.redirect(303, `/admin/calendar?year=${String(form.date).slice(0, 4)}&done=${encodeURIComponent(`已保存，${n} 件办理中申请的期限已重新计算`)}`);
    } catch (e) {
      if (!(e instanceof DomainError) || statusOf(e) !== 422) throw e;
      res.status(422).render('admin-calendar', await calendarPage(req, { form, fields: e.fields ?? {}, error: e.message }));
    }
  });

  r.post('/calendar/:date/delete', async (req, res) => {
    const admin = requireRole(req, 'admin');
    const n = await unsetCalendarDay(ctx, admin, req.params.date);
    res.redirect(303, `/admin/calendar?year=${String(req.params.date).slice(0, 4)}&done=${encodeURIComponent(`已删除，${n} 件办理中申请的期限已重新计算`)}`);
  });

  return r;
}
