import type { Knex } from 'knex';
import type { Db } from '../../db/knex.js';
import { insertedId, whereContains } from '../../db/dialect.js';
import type { DecisionCode } from '../../workflows/decisions.js';
import { PASSAGE_TOPICS, type PassageTopic, type PassageWording, type VersionStatus } from './passage-input.js';

const TOPIC_ORDER = Object.keys(PASSAGE_TOPICS);

export interface PassageRow {
  id: number;
  topic: PassageTopic;
  title: string;
  status: 'active' | 'retired';
  currentVersion: number | null;
  latestVersion: number;
  createdBy: number;
  createdAt: string;
  retiredBy: string | null;
  retiredDate: string | null;
  retiredReason: string | null;
}

export interface VersionRow extends PassageWording {
  id: number;
  passageId: number;
  version: number;
  status: VersionStatus;
  writtenBy: { id: number; name: string };
  writtenAt: string;
  approvedBy: { id: number; name: string } | null;
  approvedDate: string | null;
  usageCount: number;
}

/** One line of a search: the passage with the wording of its head version and its usage count. */
export interface PassageListRow extends PassageRow {
  body: string;
  legalBasis: string | null;
  decisions: DecisionCode[];
  approvedDate: string | null;
  pendingVersion: number | null;
  usageCount: number;
}

export interface UseRow {
  applicationId: number;
  caseNumber: string;
  agencyName: string;
  version: number;
  eventSeq: number;
  usedBy: string;
  usedDate: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toPassage(r: any): PassageRow {
  return {
    id: Number(r.id),
    topic: r.topic,
    title: r.title,
    status: r.status,
    currentVersion: r.current_version === null || r.current_version === undefined ? null : Number(r.current_version),
    latestVersion: Number(r.latest_version),
    createdBy: Number(r.created_by),
    createdAt: r.created_at,
    retiredBy: r.retired_name ?? null,
    retiredDate: r.retired_date ?? null,
    retiredReason: r.retired_reason ?? null,
  };
}

export async function findPassage(db: Db, id: number, opts: { lock?: boolean } = {}): Promise<PassageRow | null> {
  const q = db('reply_passages as p').leftJoin('users as ru', 'ru.id', 'p.retired_by').select('p.*', { retired_name: 'ru.display_name' }).where('p.id', id);
  // A use shares the row with other uses; retiring or approving (an update) waits for it (PostgreSQL).
  if (opts.lock) q.forShare('p');
  const r = await q.first();
  return r ? toPassage(r) : null;
}

export async function insertPassage(trx: Knex.Transaction, p: { topic: PassageTopic; title: string; createdBy: number; now: string }): Promise<number> {
  const [row] = await trx('reply_passages')
    .insert({ topic: p.topic, title: p.title, status: 'active', current_version: null, latest_version: 1, created_by: p.createdBy, created_at: p.now, updated_at: p.now })
    .returning('id');
  return insertedId(row);
}

/** The next version number, allocated write-first so two authors cannot take the same one. */
export async function nextVersionNumber(trx: Knex.Transaction, passageId: number, now: string): Promise<number> {
  const rows = await trx('reply_passages').where({ id: passageId }).update({ latest_version: trx.raw('latest_version + 1'), updated_at: now }).returning('latest_version');
  const row = rows[0] as { latest_version: number } | number | undefined;
  return Number(typeof row === 'object' ? row.latest_version : row);
}

export async function insertVersion(
  trx: Knex.Transaction,
  v: PassageWording & { passageId: number; version: number; writtenBy: number; now: string },
): Promise<number> {
  const [row] = await trx('reply_passage_versions')
    .insert({
      passage_id: v.passageId, version: v.version, title: v.title, body: v.body, legal_basis: v.legalBasis,
      status: 'draft', written_by: v.writtenBy, written_at: v.now, approved_by: null, approved_date: null,
    })
    .returning('id');
  const id = insertedId(row);
  if (v.decisions.length) await trx('reply_passage_decisions').insert(v.decisions.map((decision) => ({ passage_version_id: id, decision })));
  return id;
}

/** Moves every version of a passage in one status to another (a draft replaced, the version in force retired). */
export async function markVersions(trx: Knex.Transaction, passageId: number, from: VersionStatus, to: VersionStatus): Promise<void> {
  await trx('reply_passage_versions').where({ passage_id: passageId, status: from }).update({ status: to });
}

/** Approves a draft; false when it is no longer a draft (approved or replaced meanwhile). */
export async function approveDraft(trx: Knex.Transaction, versionId: number, approvedBy: number, date: string): Promise<boolean> {
  const n = await trx('reply_passage_versions').where({ id: versionId, status: 'draft' }).update({ status: 'approved', approved_by: approvedBy, approved_date: date });
  return Number(n) === 1;
}

export async function updatePassage(
  trx: Knex.Transaction,
  id: number,
  cols: { title?: string; status?: 'retired'; currentVersion?: number; retiredBy?: number; retiredDate?: string; retiredReason?: string | null; now: string },
): Promise<void> {
  const row: Record<string, unknown> = { updated_at: cols.now };
  if (cols.title !== undefined) row.title = cols.title;
  if (cols.status !== undefined) row.status = cols.status;
  if (cols.currentVersion !== undefined) row.current_version = cols.currentVersion;
  if (cols.retiredBy !== undefined) row.retired_by = cols.retiredBy;
  if (cols.retiredDate !== undefined) row.retired_date = cols.retiredDate;
  if (cols.retiredReason !== undefined) row.retired_reason = cols.retiredReason;
  await trx('reply_passages').where({ id }).update(row);
}

async function decisionsOf(db: Db, versionIds: number[]): Promise<Map<number, DecisionCode[]>> {
  const map = new Map<number, DecisionCode[]>();
  if (!versionIds.length) return map;
  const rows = await db('reply_passage_decisions').whereIn('passage_version_id', versionIds).orderBy('decision');
  for (const r of rows) {
    const id = Number(r.passage_version_id);
    map.set(id, [...(map.get(id) ?? []), r.decision]);
  }
  return map;
}

/** Every version, newest first, with its usage count (all agencies). */
export async function listVersions(db: Db, passageId: number): Promise<VersionRow[]> {
  const counts = db('reply_passage_uses').select('passage_version_id').count({ n: '*' }).groupBy('passage_version_id').as('c');
  const rows = await db('reply_passage_versions as v')
    .join('users as w', 'w.id', 'v.written_by')
    .leftJoin('users as a', 'a.id', 'v.approved_by')
    .leftJoin(counts, 'c.passage_version_id', 'v.id')
    .where('v.passage_id', passageId)
    .select('v.*', { writer_name: 'w.display_name', approver_name: 'a.display_name', n: 'c.n' })
    .orderBy('v.version', 'desc');
  const decisions = await decisionsOf(db, rows.map((r) => Number(r.id)));
  return rows.map((r) => ({
    id: Number(r.id),
    passageId: Number(r.passage_id),
    version: Number(r.version),
    title: r.title,
    body: r.body,
    legalBasis: r.legal_basis ?? null,
    decisions: decisions.get(Number(r.id)) ?? [],
    status: r.status,
    writtenBy: { id: Number(r.written_by), name: r.writer_name },
    writtenAt: r.written_at,
    approvedBy: r.approved_by === null || r.approved_by === undefined ? null : { id: Number(r.approved_by), name: r.approver_name },
    approvedDate: r.approved_date ?? null,
    usageCount: Number(r.n ?? 0),
  }));
}

export async function findVersion(db: Db, passageId: number, version: number): Promise<VersionRow | null> {
  return (await listVersions(db, passageId)).find((v) => v.version === version) ?? null;
}

export interface SearchFilter {
  text?: string;
  topic?: PassageTopic;
  decision?: DecisionCode;
  status: 'active' | 'retired' | 'all';
  /** Writers see passages never approved yet; everyone else only what has been approved. */
  withUnapproved: boolean;
  ids?: number[];
  limit: number;
}

/**
 * The library searched: by topic, by text in title / wording / 依据 (LIKE, wildcards taken
 * literally), by decision (a passage written for no decision in particular fits every decision).
 * The wording shown and searched is the version in force, or the first draft of a new passage.
 */
export async function searchPassages(db: Db, f: SearchFilter): Promise<{ total: number; rows: PassageListRow[] }> {
  const counts = db('reply_passage_uses').select('passage_id').count({ n: '*' }).groupBy('passage_id').as('u');
  const q = db('reply_passages as p')
    .join('reply_passage_versions as v', (j) => {
      j.on('v.passage_id', '=', 'p.id').andOn('v.version', '=', db.raw('coalesce(??, ??)', ['p.current_version', 'p.latest_version']));
    })
    .leftJoin('reply_passage_versions as d', (j) => {
      j.on('d.passage_id', '=', 'p.id').andOn('d.version', '=', 'p.latest_version').andOnVal('d.status', '=', 'draft');
    })
    .leftJoin(counts, 'u.passage_id', 'p.id')
    .leftJoin('users as ru', 'ru.id', 'p.retired_by');
  if (!f.withUnapproved) q.whereNotNull('p.current_version');
  if (f.status !== 'all') q.where('p.status', f.status);
  if (f.topic) q.where('p.topic', f.topic);
  if (f.ids) q.whereIn('p.id', f.ids);
  const needle = f.text;
  if (needle) {
    q.where((w) => {
      w.where((a) => void whereContains(db, a, 'p.title', needle))
        .orWhere((a) => void whereContains(db, a, 'v.body', needle))
        .orWhere((a) => void whereContains(db, a, 'v.legal_basis', needle));
    });
  }
  if (f.decision) {
    const decision = f.decision;
    q.where((w) => {
      w.whereExists((s) => void s.select(db.raw('1')).from('reply_passage_decisions as rd').whereRaw('rd.passage_version_id = v.id').where('rd.decision', decision))
        .orWhereNotExists((s) => void s.select(db.raw('1')).from('reply_passage_decisions as rd').whereRaw('rd.passage_version_id = v.id'));
    });
  }
  const totalRow = await q.clone().count<{ n: number | string }[]>({ n: 'p.id' }).first();
  const rows = await q
    .select('p.*', { v_id: 'v.id', body: 'v.body', legal_basis: 'v.legal_basis', approved_date: 'v.approved_date', pending_version: 'd.version', n: 'u.n', retired_name: 'ru.display_name' })
    // Topics in the order the library presents them (major construction projects first), then most used.
    .orderByRaw(`case p.topic ${TOPIC_ORDER.map(() => 'when ? then ?').join(' ')} else ? end`, [...TOPIC_ORDER.flatMap((t, i) => [t, i]), TOPIC_ORDER.length])
    .orderByRaw('coalesce(u.n, 0) desc')
    .orderBy('p.id')
    .limit(f.limit);
  const decisions = await decisionsOf(db, rows.map((r) => Number(r.v_id)));
  return {
    total: Number(totalRow?.n ?? 0),
    rows: rows.map((r) => ({
      ...toPassage(r),
      body: r.body,
      legalBasis: r.legal_basis ?? null,
      decisions: decisions.get(Number(r.v_id)) ?? [],
      approvedDate: r.approved_date ?? null,
      pendingVersion: r.pending_version === null || r.pending_version === undefined ? null : Number(r.pending_version),
      usageCount: Number(r.n ?? 0),
    })),
  };
}

/** The cases that used a passage, in the agencies given only (newest first), and the count of all uses. */
export async function usesOf(db: Db, passageId: number, agencyIds: number[]): Promise<{ total: number; visible: UseRow[] }> {
  const totalRow = await db('reply_passage_uses').where({ passage_id: passageId }).count<{ n: number | string }[]>({ n: '*' }).first();
  const rows = agencyIds.length
    ? await db('reply_passage_uses as pu')
      .join('applications as ap', 'ap.id', 'pu.application_id')
      .join('agencies as ag', 'ag.id', 'ap.agency_id')
      .join('users as u', 'u.id', 'pu.used_by')
      .where('pu.passage_id', passageId)
      .whereIn('ap.agency_id', agencyIds)
      .select('pu.*', { case_number: 'ap.case_number', agency_name: 'ag.name', user_name: 'u.display_name' })
      .orderBy('pu.id', 'desc')
      .limit(500)
    : [];
  return {
    total: Number(totalRow?.n ?? 0),
    visible: rows.map((r) => ({
      applicationId: Number(r.application_id),
      caseNumber: r.case_number,
      agencyName: r.agency_name,
      version: Number(r.version),
      eventSeq: Number(r.event_seq),
      usedBy: r.user_name,
      usedDate: r.used_date,
    })),
  };
}

export async function insertUses(
  trx: Knex.Transaction,
  uses: { passageId: number; version: number; passageVersionId: number; applicationId: number; eventSeq: number; usedBy: number; usedDate: string; now: string }[],
): Promise<void> {
  if (!uses.length) return;
  await trx('reply_passage_uses').insert(
    uses.map((u) => ({
      passage_id: u.passageId, version: u.version, passage_version_id: u.passageVersionId, application_id: u.applicationId,
      event_seq: u.eventSeq, used_by: u.usedBy, used_date: u.usedDate, recorded_at: u.now,
    })),
  );
}
