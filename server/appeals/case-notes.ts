import type { User } from '../admin/user-store.js';
import type { AppContext } from '../context.js';
import { audit } from '../audit.js';
import { invalid } from '../errors.js';
import { findApplication } from '../cases/application-store.js';
import { findCaseNote, saveCaseNote, type AppealRow, type CaseNote } from './appeal-store.js';
import { loadVisibleAppeal } from './appeal-service.js';
import { decisionLabel, isDecisionCode } from '../../workflows/decisions.js';
import { formatChineseDate } from '../../workflows/dates.js';
import { anonymiseName } from '../../workflows/anonymise.js';
import { requestSubject } from '../../workflows/glossary.js';

const FIELDS = { facts: '基本案情', issues: '争议焦点', result: '处理结果', lessons: '启示' } as const;

export async function saveNote(ctx: AppContext, user: User, appealId: number, body: Record<string, unknown>, ip: string | null): Promise<CaseNote> {
  await loadVisibleAppeal(ctx, user, appealId);
  const fields: Record<string, string> = {};
  const note: Record<string, string> = {};
  for (const [k, label] of Object.entries(FIELDS)) {
    const v = body[k];
    if (typeof v !== 'string' || !v.trim()) fields[k] = `请填写${label}`;
    else if (v.length > 10000) fields[k] = `${label}不超过 10000 字`;
    else note[k] = v.trim().replace(/\r\n/g, '\n');
  }
  if (Object.keys(fields).length) throw invalid(fields);
  await ctx.db.transaction(async (trx) => {
    await saveCaseNote(trx, appealId, note as Omit<CaseNote, 'updatedAt'>, user.id);
    await audit(trx, { actor: user, action: 'appeal.note', entity: 'appeal', entityId: appealId, ip });
  });
  return (await findCaseNote(ctx.db, appealId))!;
}

/** The case's write-up, or (none saved yet) the facts pre-filled from the system, unsaved. */
export async function noteOrDraft(ctx: AppContext, user: User, appealId: number): Promise<Omit<CaseNote, 'updatedAt'> & { updatedAt: string | null }> {
  const row = await loadVisibleAppeal(ctx, user, appealId);
  return (await findCaseNote(ctx.db, appealId)) ?? { ...(await prefilledNote(ctx, row)), updatedAt: null };
}

/** Facts pre-filled from the system for a new write-up; the applicant appears anonymised (张某). */
export async function prefilledNote(ctx: AppContext, row: AppealRow): Promise<Omit<CaseNote, 'updatedAt'>> {
  const app = (await findApplication(ctx.db, row.applicationId))!;
  const who = anonymiseName(app.applicant.name, app.applicant.kind);
  const decision = app.decision && isDecisionCode(app.decision) ? `，${row.agencyName}答复：${decisionLabel(app.decision)}` : '';
  const kind = row.kind === 'reconsideration' ? `向${row.body}申请行政复议` : `向${row.body}提起行政诉讼`;
  return {
    facts: `${formatChineseDate(app.receivedDate)}，${who}向${row.agencyName}申请公开“${requestSubject(app.request.description)}”${decision}。${who}不服，于${formatChineseDate(row.receivedDate)}前${kind}（案号${row.externalCaseNumber}）。`,
    issues: row.claims ?? '',
    result: row.decisionType ? `${row.decisionDate ? formatChineseDate(row.decisionDate) + '，' : ''}${row.body}作出${row.decisionType}决定。` : '',
    lessons: '',
  };
}
