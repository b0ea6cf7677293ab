import type { Knex } from 'knex';
import type { Db } from '../../db/knex.js';
import type { DecisionCode } from '../../workflows/decisions.js';
import { audit } from '../audit.js';
import { findAgencyById } from '../admin/agency-store.js';
import type { User } from '../admin/user-store.js';
import { visibleAgencyIds } from '../policy.js';
import type { AppContext } from '../context.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import {
  LIMITS, PASSAGE_TOPICS, PASSAGE_STATUSES, VERSION_STATUSES, parsePassageRefs, validateTopic, validateWording,
  type PassageRef, type PassageTopic,
} from './passage-input.js';
import {
  approveDraft, findPassage, findVersion, insertPassage, insertUses, insertVersion, listVersions, markVersions, nextVersionNumber,
  searchPassages as searchRows, updatePassage, usesOf, type PassageListRow, type PassageRow, type UseRow, type VersionRow,
} from './passage-store.js';

/**
 * The reply-wording library (统一规范答复口径, issue 7): the district office (区政务公开办) writes
 * and approves; caseworkers of every agency use the approved wording in their drafts.
 */

export interface PassageSummary extends Omit<PassageListRow, 'createdBy'> {
  topicLabel: string;
  statusLabel: string;
  url: string;
  page: string;
}

export interface PassageDetail extends PassageSummary {
  versions: (VersionRow & { statusLabel: string })[];
  /** Uses of every version in every agency; `cases` lists only those in agencies the user may see. */
  usageCount: number;
  cases: UseRow[];
  hiddenUses: number;
  mayWrite: boolean;
  /** The pending draft this user may approve (a district-office manager who did not write it). */
  mayApprove: number | null;
}

/** The writers of the library: managers of the top agency (the district office, no parent). */
export async function mayWritePassages(user: User, db: Db): Promise<boolean> {
  if (user.role !== 'manager') return false;
  const agency = await findAgencyById(db, user.agencyId);
  return agency !== null && agency.parentId === null;
}

async function requireWriter(ctx: AppContext, user: User): Promise<void> {
  if (!(await mayWritePassages(user, ctx.db))) throw forbidden('只有区政务公开办的管理人员可以编写、审批或停用答复口径');
}

function summary(r: PassageListRow): PassageSummary {
  const { createdBy: _omit, ...rest } = r;
  return {
    ...rest,
    topicLabel: PASSAGE_TOPICS[r.topic] ?? r.topic,
    statusLabel: PASSAGE_STATUSES[r.status],
    url: `/api/passages/${r.id}`,
    page: `/passages/${r.id}`,
  };
}

export interface PassageQuery {
  q?: string;
  topic?: PassageTopic;
  decision?: DecisionCode;
  status: 'active' | 'retired' | 'all';
}

export async function searchPassages(ctx: AppContext, user: User, query: PassageQuery): Promise<{ total: number; items: PassageSummary[] }> {
  const withUnapproved = await mayWritePassages(user, ctx.db);
  const { total, rows } = await searchRows(ctx.db, { text: query.q, topic: query.topic, decision: query.decision, status: query.status, withUnapproved, limit: 200 });
  return { total, items: rows.map(summary) };
}

/** What the reply editor offers: approved passages in force, the chosen decision's first. */
export async function passagesForDraft(ctx: AppContext, decision?: string | null): Promise<PassageSummary[]> {
  const { rows } = await searchRows(ctx.db, { status: 'active', withUnapproved: false, limit: 200 });
  const fits = (r: PassageListRow) => !decision || r.decisions.length === 0 || r.decisions.includes(decision as DecisionCode);
  return [...rows.filter(fits), ...rows.filter((r) => !fits(r))].map(summary);
}

export async function getPassage(ctx: AppContext, user: User, id: number): Promise<PassageDetail> {
  if (!Number.isInteger(id) || id <= 0) throw notFound('未找到该答复口径');
  const writer = await mayWritePassages(user, ctx.db);
  const row = (await searchRows(ctx.db, { ids: [id], status: 'all', withUnapproved: writer, limit: 1 })).rows[0];
  // A passage never approved is the district office's work in progress: others see nothing of it.
  if (!row) throw notFound('未找到该答复口径');
  const versions = (await listVersions(ctx.db, id)).filter((v) => writer || !['draft', 'discarded'].includes(v.status));
  const uses = await usesOf(ctx.db, id, await visibleAgencyIds(ctx, user));
  const pending = versions.find((v) => v.status === 'draft');
  return {
    ...summary(row),
    versions: versions.map((v) => ({ ...v, statusLabel: VERSION_STATUSES[v.status] })),
    usageCount: uses.total,
    cases: uses.visible,
    hiddenUses: uses.total - uses.visible.length,
    mayWrite: writer && row.status === 'active',
    mayApprove: writer && pending && pending.writtenBy.id !== user.id ? pending.version : null,
  };
}

type Body = Record<string, unknown>;

export async function createPassage(ctx: AppContext, user: User, body: Body, ip: string | null): Promise<PassageDetail> {
  await requireWriter(ctx, user);
  const topic = validateTopic(body.topic);
  const wording = validateWording(body);
  if (!topic.ok || !wording.ok) throw invalid({ ...(topic.ok ? {} : topic.fields), ...(wording.ok ? {} : wording.fields) });
  const now = new Date().toISOString();
  const id = await ctx.db.transaction(async (trx) => {
    const passageId = await insertPassage(trx, { topic: topic.value, title: wording.value.title, createdBy: user.id, now });
    await insertVersion(trx, { ...wording.value, passageId, version: 1, writtenBy: user.id, now });
    await audit(trx, { actor: user, action: 'passage.create', entity: 'reply_passage', entityId: passageId, detail: { topic: topic.value, title: wording.value.title, version: 1 }, ip });
    return passageId;
  });
  return getPassage(ctx, user, id);
}

/** A new wording, as a draft awaiting approval; a draft still pending is replaced (kept as discarded). */
export async function addVersion(ctx: AppContext, user: User, id: number, body: Body, ip: string | null): Promise<PassageDetail> {
  await requireWriter(ctx, user);
  const passage = await loadPassage(ctx.db, id);
  if (passage.status === 'retired') throw conflict('该答复口径已停用，不能再编写新版本');
  const previous = (await listVersions(ctx.db, id))[0]!;
  const wording = validateWording(body, previous);
  if (!wording.ok) throw invalid(wording.fields);
  const now = new Date().toISOString();
  await ctx.db.transaction(async (trx) => {
    await markVersions(trx, id, 'draft', 'discarded');
    const version = await nextVersionNumber(trx, id, now);
    await insertVersion(trx, { ...wording.value, passageId: id, version, writtenBy: user.id, now });
    await audit(trx, { actor: user, action: 'passage.version', entity: 'reply_passage', entityId: id, detail: { version, replacesDraft: previous.status === 'draft' ? previous.version : null }, ip });
  });
  return getPassage(ctx, user, id);
}

/** Four eyes: a manager of the district office approves a draft someone else wrote. */
export async function approveVersion(ctx: AppContext, user: User, id: number, version: number, ip: string | null): Promise<PassageDetail> {
  await requireWriter(ctx, user);
  const passage = await loadPassage(ctx.db, id);
  const draft = Number.isInteger(version) ? await findVersion(ctx.db, id, version) : null;
  if (!draft) throw notFound('未找到该版本');
  if (passage.status === 'retired') throw conflict('该答复口径已停用');
  if (draft.status !== 'draft') throw conflict(`第 ${version} 版不是待审批的草稿（${VERSION_STATUSES[draft.status]}）`);
  if (draft.writtenBy.id === user.id) throw forbidden('不能审批本人编写的版本，须由区政务公开办另一名管理人员审批');
  const today = ctx.clock.today();
  const now = new Date().toISOString();
  await ctx.db.transaction(async (trx) => {
    // The version in force steps aside; its uses keep pointing at it.
    await markVersions(trx, id, 'approved', 'superseded');
    if (!(await approveDraft(trx, draft.id, user.id, today))) throw conflict('该版本刚被他人处理，请刷新后重试');
    await updatePassage(trx, id, { currentVersion: version, title: draft.title, now });
    await audit(trx, { actor: user, action: 'passage.approve', entity: 'reply_passage', entityId: id, detail: { version, supersedes: passage.currentVersion, author: draft.writtenBy.id }, ip });
  });
  return getPassage(ctx, user, id);
}

export async function retirePassage(ctx: AppContext, user: User, id: number, body: Body, ip: string | null): Promise<PassageDetail> {
  await requireWriter(ctx, user);
  const passage = await loadPassage(ctx.db, id);
  if (passage.status === 'retired') throw conflict('该答复口径已停用');
  const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
  if (reason.length > LIMITS.reason) throw invalid({ reason: `停用原因不能超过 ${LIMITS.reason} 字` });
  const now = new Date().toISOString();
  await ctx.db.transaction(async (trx) => {
    await markVersions(trx, id, 'approved', 'retired');
    await markVersions(trx, id, 'draft', 'discarded');
    await updatePassage(trx, id, { status: 'retired', retiredBy: user.id, retiredDate: ctx.clock.today(), retiredReason: reason || null, now });
    await audit(trx, { actor: user, action: 'passage.retire', entity: 'reply_passage', entityId: id, detail: { version: passage.currentVersion, reason: reason || null }, ip });
  });
  return getPassage(ctx, user, id);
}

async function loadPassage(db: Db, id: number): Promise<PassageRow> {
  const p = Number.isInteger(id) && id > 0 ? await findPassage(db, id) : null;
  if (!p) throw notFound('未找到该答复口径');
  return p;
}

// ---------------------------------------------------------------------------------------------
// Use in drafts.

interface Resolved {
  ref: PassageRef;
  passage: PassageRow;
  version: VersionRow;
}

/** The approved version in force of each reference, or 422 naming the first that cannot be used. */
async function resolve(db: Db, refs: PassageRef[], lock: boolean): Promise<Resolved[]> {
  const out: Resolved[] = [];
  for (const ref of refs) {
    const passage = await findPassage(db, ref.id, { lock });
    const refuse = (why: string) => invalid({ passages: why }, why);
    if (!passage || passage.currentVersion === null) throw refuse(`答复口径 #${ref.id} 不存在或尚未审批，不能引用`);
    if (passage.status === 'retired') throw refuse(`答复口径“${passage.title}”已停用，不能引用`);
    if (ref.version !== null && ref.version !== passage.currentVersion) {
      throw refuse(`答复口径“${passage.title}”的现行版本是第 ${passage.currentVersion} 版（引用的是第 ${ref.version} 版），请重新插入`);
    }
    const version = (await findVersion(db, passage.id, passage.currentVersion))!;
    out.push({ ref, passage, version });
  }
  return out;
}

/**
 * Called by the case use case inside the DRAFT_REPLY event's transaction, before the event is
 * written: checks every passage named in `payload.passages`, pins it to the version used (the
 * history then says exactly which wording was used) and records the use. A passage that cannot
 * be used refuses the whole event (422), so nothing is written.
 */
export async function recordPassageUse(
  trx: Knex.Transaction,
  use: { user: User; applicationId: number; seq: number; date: string; payload: Record<string, unknown>; caseNumber: string; ip: string | null },
): Promise<void> {
  const parsed = parsePassageRefs(use.payload.passages);
  if (!parsed.ok) throw invalid(parsed.fields);
  if (!parsed.value.length) {
    delete use.payload.passages;
    return;
  }
  const resolved = await resolve(trx, parsed.value, true);
  const now = new Date().toISOString();
  use.payload.passages = resolved.map((r) => ({ id: r.passage.id, version: r.version.version, title: r.passage.title }));
  await insertUses(trx, resolved.map((r) => ({
    passageId: r.passage.id, version: r.version.version, passageVersionId: r.version.id, applicationId: use.applicationId,
    eventSeq: use.seq, usedBy: use.user.id, usedDate: use.date, now,
  })));
  await audit(trx, {
    actor: use.user, action: 'passage.use', entity: 'application', entityId: use.applicationId,
    detail: { caseNumber: use.caseNumber, seq: use.seq, passages: resolved.map((r) => ({ id: r.passage.id, version: r.version.version })) }, ip: use.ip,
  });
}

/**
 * The reply editor without JavaScript: passages chosen in the `passages` list have their approved
 * wording appended to the reasons (理由与依据); `insertedPassages` (set by the script, which
 * inserted the text at the cursor itself) are only recorded. Both end up in `passages`.
 */
export async function passagesFromForm(ctx: AppContext, body: Record<string, unknown>): Promise<void> {
  const chosen = parsePassageRefs(body.passages);
  const inserted = parsePassageRefs(body.insertedPassages);
  delete body.insertedPassages;
  if (!chosen.ok) throw invalid(chosen.fields);
  if (!inserted.ok) throw invalid(inserted.fields);
  const appended = await resolve(ctx.db, chosen.value.filter((c) => !inserted.value.some((i) => i.id === c.id)), false);
  const texts = appended.map((r) => r.version.body);
  if (texts.length) body.reasons = [typeof body.reasons === 'string' ? body.reasons.trim() : '', ...texts].filter(Boolean).join('\n');
  const refs = [...inserted.value, ...appended.map((r) => ({ id: r.passage.id, version: r.version.version }))];
  if (refs.length) body.passages = refs;
  else delete body.passages;
}
