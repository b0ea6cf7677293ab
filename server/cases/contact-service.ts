// Issue 14: contacts with the applicant (沟通记录) — "主动跨前与申请人做好沟通，防范和化解依申请办理矛盾".
// Each contact records when, how, who, what was said and how it ended, with optional files (a letter,
// a screenshot of a message, notes signed by the applicant).
//
// A contact is no step of the case: the machine does not judge it, it moves neither the state, the
// version nor the clock (the Regulation stops the reply clock only for corrections, consultations and
// fees), so it is not written into the case's event chain, where every entry is a step in date order
// and a contact, recorded days later or about a closed case, would break that order. It is its own
// record, written once: its audit entry carries the SHA-256 of its content and files, so the audit
// log's hash chain vouches for it as it does for events. The case page's timeline shows contacts and
// events together, by date.
//
// `withdrew` records what the applicant said. It does not withdraw the application: that takes the
// applicant's written withdrawal, recorded as the case's WITHDRAW step (申请人撤回).
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../db/history-hash.js';
import { audit } from '../audit.js';
import { recordChange } from '../change-feed.js';
import type { User } from '../admin/user-store.js';
import type { AppContext } from '../context.js';
import { DomainError, gone, invalid, notFound } from '../errors.js';
import { CONTACT_CHANNELS, CONTACT_OUTCOMES, isKey, type ContactChannel, type ContactOutcome } from '../../workflows/glossary.js';
import { dateWindowProblem, formatChineseDate, isIsoDate } from '../../workflows/dates.js';
import { checkUploads, storeUploadedContent, type UploadedFile } from './attachment-files.js';
import { insertContact, insertContactFile, listContacts, readContactFile, type ContactRow } from './contact-store.js';
import { loadVisible } from './application-service.js';

export type { ContactRow };
export { listContacts };

/** Who records contacts: the people handling the case in its agency. */
export const CONTACT_ROLES = ['caseworker', 'approver'] as const;

export type ContactInput = Pick<ContactRow, 'date' | 'time' | 'channel' | 'staff' | 'counterpart' | 'summary' | 'outcome'>;

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** A contact's fields judged one by one, each problem named in Chinese; nothing is stored unless all pass. */
export function validateContact(body: Record<string, unknown>, receivedDate: string, today: string, user: User): ContactInput {
  const fields: Record<string, string> = {};
  const date = str(body.date);
  if (!isIsoDate(date)) fields.date = '请填写沟通时间（日期，格式 YYYY-MM-DD）';
  else {
    const problem = dateWindowProblem(date, today, { label: '沟通日期' });
    if (problem) fields.date = problem;
    else if (date < receivedDate) fields.date = `沟通日期不能早于收到申请之日（${formatChineseDate(receivedDate)}）`;
  }
  const time = str(body.time);
  if (time && !/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) fields.time = '时间格式应为 时:分（如 09:30）';
  if (!isKey(CONTACT_CHANNELS, body.channel)) fields.channel = `请选择沟通方式：${Object.values(CONTACT_CHANNELS).join('、')}`;
  const staff = str(body.staff) || user.displayName;
  if (staff.length > 100) fields.staff = '沟通人不超过 100 个字';
  const counterpart = str(body.counterpart);
  if (counterpart.length > 100) fields.counterpart = '沟通对象不超过 100 个字';
  const summary = str(body.summary).replace(/\r\n/g, '\n');
  if (!summary) fields.summary = '请填写内容摘要';
  else if (summary.length > 4000) fields.summary = '内容摘要不超过 4000 字';
  if (!isKey(CONTACT_OUTCOMES, body.outcome)) fields.outcome = `请选择沟通结果：${Object.values(CONTACT_OUTCOMES).join('、')}`;
  if (Object.keys(fields).length) throw invalid(fields);
  return {
    date, time: time || null, channel: body.channel as ContactChannel, staff, counterpart: counterpart || null, summary, outcome: body.outcome as ContactOutcome,
  };
}

/** What a recorded `withdrew` contact tells the person (the API returns it as `hint`, the page shows it). */
export const WITHDRAW_HINT = '沟通记录不改变案件的办理状态。申请人表示撤回申请的，请取得申请人的书面撤回申请（或在申请人签字确认的记录上写明），再在“可办理的操作”中记录“申请人撤回”。';

export async function recordContact(
  ctx: AppContext, user: User, id: number, body: Record<string, unknown>, files: UploadedFile[], ip: string | null,
): Promise<{ contact: ContactRow; hint: string | null }> {
  const row = await loadVisible(ctx, user, id);
  if (!(CONTACT_ROLES as readonly string[]).includes(user.role) || user.agencyId !== row.agencyId) {
    throw new DomainError('forbidden', 'forbidden', '只有办理本申请的机关的承办人或负责人可以记录沟通情况');
  }
  const input = validateContact(body, row.receivedDate, ctx.clock.today(), user);
  checkUploads(files);
  const now = new Date().toISOString();
  const contactId = await ctx.db.transaction(async (trx) => {
    const stored = [];
    for (const f of files) stored.push(await storeUploadedContent(trx, f, now));
    // The content as recorded, files by their hashes: what the audit entry vouches for.
    const contentSha256 = createHash('sha256')
      .update(canonicalJson({ applicationId: id, ...input, files: stored.map((f) => ({ filename: f.filename, sha256: f.sha256 })) }))
      .digest('hex');
    const cid = await insertContact(trx, { applicationId: id, ...input, contentSha256, recordedBy: user.id, recordedAt: now });
    for (const f of stored) await insertContactFile(trx, { contactId: cid, ...f });
    await recordChange(trx, {
      type: 'application.updated', applicationId: id, agencyId: row.agencyId, caseNumber: row.caseNumber, data: { contact: cid, date: input.date },
    });
    await audit(trx, {
      actor: user, action: 'application.contact', entity: 'application', entityId: id,
      detail: { caseNumber: row.caseNumber, contactId: cid, date: input.date, channel: input.channel, outcome: input.outcome, files: stored.length, contentSha256 },
      ip,
    });
    return cid;
  });
  const contact = (await listContacts(ctx.db, id)).find((c) => c.id === contactId)!;
  return { contact, hint: input.outcome === 'withdrew' ? WITHDRAW_HINT : null };
}

export async function contactFileDownload(ctx: AppContext, user: User, id: number, contactId: number, fileId: number) {
  await loadVisible(ctx, user, id);
  const f = await readContactFile(ctx.db, id, contactId, fileId);
  if (!f) throw notFound('未找到该文件');
  if (!f.bytes) throw gone(`文件“${f.filename}”的内容已丢失，请联系系统管理员从备份恢复`);
  return { filename: f.filename, mime: f.mime, bytes: f.bytes };
}
