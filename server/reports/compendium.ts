import type { User } from '../admin/user-store.js';
import type { AppContext } from '../context.js';
import { DomainError, invalid } from '../errors.js';
import { visibleAgencyIds } from '../policy.js';
import { findAppeal, findCaseNote, listAppeals, type AppealRow } from '../appeals/appeal-store.js';
import { prefilledNote } from '../appeals/case-notes.js';
import { findApplication } from '../cases/application-store.js';
import { APPEAL_KINDS } from '../appeals/appeal-service.js';
import { anonymiseName, anonymiseText } from '../../workflows/anonymise.js';
import { reportYearProblem } from '../../workflows/dates.js';
import { renderBookPdf, type Book } from './book-pdf.js';

const CHINESE_NUMERALS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
function chineseNumber(n: number): string {
  if (n < 10) return CHINESE_NUMERALS[n]!;
  if (n < 20) return '十' + (n % 10 ? CHINESE_NUMERALS[n % 10] : '');
  if (n < 100) return CHINESE_NUMERALS[Math.floor(n / 10)] + '十' + (n % 10 ? CHINESE_NUMERALS[n % 10] : '');
  return String(n);
}

/**
 * 案例汇编: one chapter per selected case from the legal staff's write-up (基本案情, 争议焦点,
 * 处理结果, 启示), facts pre-filled from the system where not yet written; the applicant's name is
 * anonymised everywhere in the book (以案释法 without exposing anyone).
 */
export async function buildCompendium(ctx: AppContext, user: User, input: Record<string, unknown>): Promise<{ pdf: Buffer; toc: { title: string; page: number }[]; cases: number }> {
  if (user.role !== 'manager' && user.role !== 'legal') throw new DomainError('forbidden', 'forbidden', '只有政务公开办或法制人员可以编印案例汇编');
  const scope = await visibleAgencyIds(ctx, user);
  let rows: AppealRow[];
  if (Array.isArray(input.appealIds) && input.appealIds.length) {
    rows = [];
    for (const raw of input.appealIds) {
      const row = await findAppeal(ctx.db, Number(raw));
      if (!row || !scope.includes(row.agencyId)) throw invalid({ appealIds: `案件 ${String(raw)} 不存在或不在您的范围内` });
      rows.push(row);
    }
  } else {
    const f = (typeof input.filter === 'object' && input.filter !== null ? input.filter : input) as Record<string, unknown>;
    const year = f.year ? Number(f.year) : undefined;
    if (year !== undefined) {
      const problem = reportYearProblem(year, ctx.clock.today());
      if (problem) throw invalid({ year: problem });
    }
    rows = await listAppeals(ctx.db, {
      agencyIds: scope,
      kind: typeof f.kind === 'string' && f.kind ? f.kind : undefined,
      outcome: typeof f.outcome === 'string' && f.outcome ? f.outcome : undefined,
      year,
    });
  }
  if (rows.length === 0) throw invalid({ appealIds: '没有符合条件的案件' });
  if (rows.length > 200) throw invalid({ appealIds: '一次最多编印 200 个案例' });
  rows.sort((a, b) => a.receivedDate.localeCompare(b.receivedDate) || a.id - b.id);

  const chapters: Book['chapters'] = [];
  for (const [i, row] of rows.entries()) {
    const app = (await findApplication(ctx.db, row.applicationId))!;
    const names = [{ name: app.applicant.name, kind: app.applicant.kind }];
    const note = (await findCaseNote(ctx.db, row.id)) ?? (await prefilledNote(ctx, row));
    const clean = (t: string) => anonymiseText(t, names);
    const who = anonymiseName(app.applicant.name, app.applicant.kind);
    const paragraphs = (t: string) => clean(t).split(/\n\s*\n|\n/).map((p) => p.trim()).filter(Boolean);
    chapters.push({
      title: `案例${chineseNumber(i + 1)}　${who}诉${row.agencyName}政府信息公开${row.kind === 'litigation' ? '案' : '复议案'}`,
      sections: [
        { heading: '基本案情', paragraphs: paragraphs(note.facts) },
        { heading: '争议焦点', paragraphs: paragraphs(note.issues || '（未填写）') },
        { heading: '处理结果', paragraphs: paragraphs(note.result || `${APPEAL_KINDS[row.kind as keyof typeof APPEAL_KINDS] ?? row.kind}尚未审结。`) },
        { heading: '启示', paragraphs: paragraphs(note.lessons || '（未填写）') },
      ],
    });
  }
  const title = typeof input.title === 'string' && input.title.trim() ? input.title.trim().slice(0, 60) : '政府信息公开行政复议和行政诉讼案例汇编';
  const { pdf, toc } = await renderBookPdf({
    title,
    subtitle: typeof input.subtitle === 'string' ? input.subtitle.slice(0, 80) : null,
    agencyName: user.agencyName,
    date: ctx.clock.today(),
    chapters,
  });
  return { pdf, toc, cases: rows.length };
}
