import type { User } from '../admin/user-store.js';
import type { AppContext } from '../context.js';
import { conflict, invalid } from '../errors.js';
import { isUniqueViolation } from '../../db/knex.js';
import { isIsoDate } from '../../workflows/dates.js';
import { loadCalendar } from '../calendar-store.js';
import { applyEventInTransaction, getApplicationView } from '../cases/application-service.js';

/**
 * Consulting several agencies of the system at once (Art. 34): one START_CONSULTATION per agency,
 * each with its own letter, inbox item and opinion period — all in one transaction, so a refusal for
 * one agency sends no letter to any. `attachmentIds`: the case's files the letters carry (absent: its
 * own materials; see carriedByLetter).
 */
export async function startConsultations(ctx: AppContext, user: User, id: number, body: Record<string, unknown>, ip: string | null) {
  const raw = Array.isArray(body.agencyCodes) ? body.agencyCodes : [];
  const codes = [...new Set(raw.filter((c): c is string => typeof c === 'string' && c.trim() !== '').map((c) => c.trim()))];
  const fields: Record<string, string> = {};
  if (codes.length === 0) fields.agencyCodes = '请选择要征求意见的机关（可多选）';
  if (codes.length !== raw.length) fields.agencyCodes = '所选机关重复或为空';
  const date = typeof body.date === 'string' && body.date ? body.date : ctx.clock.today();
  if (!isIsoDate(date)) fields.date = '请填写发函日期（格式 YYYY-MM-DD）';
  if (Object.keys(fields).length) throw invalid(fields);
  const calendar = await loadCalendar(ctx.db);
  try {
    await ctx.db.transaction(async (trx) => {
      for (const agencyCode of codes) {
        await applyEventInTransaction(trx, ctx, user, id, {
          body: {
            type: 'START_CONSULTATION', date, kind: 'agency', agencyCode, parts: body.parts ?? null, attachmentIds: body.attachmentIds,
            ...(body.ground ? { ground: body.ground, groundNote: body.groundNote ?? null } : {}),
          },
          ifMatch: body.version === undefined || body.version === '' ? undefined : Number(body.version),
          ip,
        }, calendar);
        body.version = undefined; // the version is checked once, against the case as the user saw it
      }
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict('该申请刚被他人修改，请刷新后重试');
    throw e;
  }
  return getApplicationView(ctx, user, id);
}
