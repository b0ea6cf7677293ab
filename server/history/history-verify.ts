import { createHash } from 'node:crypto';
import type { Db } from '../../db/knex.js';
import { chainHash, CHAINS, GENESIS } from '../../db/history-hash.js';
import {
  chainName, eventHashes, findTableChainRow, issuedDocumentFacts, pageOfCaseChains, pageOfTableChain, readChainHead,
  type CaseChainTable, type HistoryRow,
} from './history-store.js';

// `disclosure-desk audit verify`: walks every chain from its first row, recomputing each hash. Read
// only (an auditor may run it with a role that can only SELECT). What it can and cannot prove is in
// the README ("Tamper-evident history").

export type BreakKind =
  | 'content' // the row's content no longer hashes to its recorded hash
  | 'link' // prev_hash is not the hash of the row before it (that row was changed and re-hashed, or rows between removed)
  | 'gap' // seq jumps: events removed from the middle of a case's history
  | 'tail' // the chain is shorter than its head records: rows removed from the end
  | 'beyond_head' // rows after the recorded head
  | 'anchor' // an audit entry names an event or an issued document that is gone or differs
  | 'external_anchor'; // a hash recorded outside the database no longer matches

export interface ChainBreak {
  table: string;
  rowId: number | null;
  /** Where, in a person's words: `case GHZY-2024-0001 seq 3`, `audit_log row 17`. */
  where: string;
  kind: BreakKind;
  expected: string;
  found: string;
  message: string;
}

export interface ChainSummary {
  table: string;
  rows: number;
  chains: number;
  /** The first break in this table (later ones in `breaks` of the report). */
  firstBreak: ChainBreak | null;
}

export interface VerifyReport {
  ok: boolean;
  tables: ChainSummary[];
  /** The audit log's last row: record it outside the database (`--anchor ID:HASH` later). */
  auditHead: { id: number; hash: string } | null;
  anchorsChecked: number;
  breaks: ChainBreak[];
  breakCount: number;
}

/** A hash noted outside the database earlier: audit_log row `id` had hash `hash`. */
export interface ExternalAnchor { id: number; hash: string }

const MAX_BREAKS_KEPT = 100;
const PAGE = 2000;

export async function verifyHistory(db: Db, opts: { anchors?: ExternalAnchor[]; pageSize?: number } = {}): Promise<VerifyReport> {
  const pageSize = opts.pageSize ?? PAGE;
  const breaks: ChainBreak[] = [];
  let breakCount = 0;
  const report = (b: ChainBreak) => {
    breakCount += 1;
    if (breaks.length < MAX_BREAKS_KEPT) breaks.push(b);
    return b;
  };
  const tables: ChainSummary[] = [];
  for (const table of ['application_events', 'appeal_events'] as const) tables.push(await walkCaseChains(db, table, pageSize, report));
  const audit = await walkAuditLog(db, pageSize, report);
  tables.push(audit.summary);
  for (const a of opts.anchors ?? []) {
    const row = await findTableChainRow(db, 'audit_log', a.id);
    if (!row || row.hash !== a.hash) {
      report({
        table: 'audit_log', rowId: a.id, where: `audit_log row ${a.id}`, kind: 'external_anchor', expected: a.hash, found: row?.hash ?? '(no such row)',
        message: row
          ? 'the row has another hash than the one recorded outside the database: the log was rewritten since'
          : 'the row recorded outside the database is gone: the log was cut short or rewritten since',
      });
    }
  }
  const ok = breakCount === 0;
  return { ok, tables, auditHead: audit.head, anchorsChecked: audit.anchorsChecked, breaks, breakCount };
}

async function walkCaseChains(db: Db, table: CaseChainTable, pageSize: number, report: (b: ChainBreak) => ChainBreak): Promise<ChainSummary> {
  const parentColumn = CHAINS[table].parent!;
  const summary: ChainSummary = { table, rows: 0, chains: 0, firstBreak: null };
  const found = (b: Omit<ChainBreak, 'table'>) => {
    const full = report({ table, ...b });
    summary.firstBreak ??= full;
  };
  let after: { parent: number; seq: number } | null = null;
  let parent: number | null = null;
  let prevHash = GENESIS;
  let prevSeq = 0;
  for (;;) {
    const rows = await pageOfCaseChains(db, table, after, pageSize);
    for (const row of rows) {
      const p = Number(row[parentColumn]);
      const seq = Number(row.seq);
      if (p !== parent) {
        parent = p;
        prevHash = GENESIS;
        prevSeq = 0;
        summary.chains += 1;
      }
      summary.rows += 1;
      const where = async () => `${await chainName(db, table, p)} seq ${seq} (row id ${row.id})`;
      if (seq !== prevSeq + 1) {
        found({
          rowId: Number(row.id), where: await where(), kind: 'gap', expected: `seq ${prevSeq + 1}, prev_hash ${prevHash}`, found: `seq ${seq}, prev_hash ${row.prev_hash}`,
          message: seq > prevSeq + 1 ? `${seq - prevSeq - 1} event(s) before it are missing` : 'the sequence numbers do not follow each other',
        });
      } else if (row.prev_hash !== prevHash) {
        found({
          rowId: Number(row.id), where: await where(), kind: 'link', expected: prevHash, found: String(row.prev_hash),
          message: 'prev_hash is not the hash of the event before it: that event was changed and re-hashed',
        });
      }
      const content = recompute(table, row);
      if (content !== row.hash) {
        found({
          rowId: Number(row.id), where: await where(), kind: 'content', expected: String(row.hash), found: content,
          message: 'the event\'s content was changed after it was recorded (recorded hash vs. what its content hashes to now)',
        });
      }
      prevHash = String(row.hash);
      prevSeq = seq;
    }
    if (rows.length < pageSize) break;
    const last = rows[rows.length - 1]!;
    after = { parent: Number(last[parentColumn]), seq: Number(last.seq) };
  }
  return summary;
}

function recompute(table: keyof typeof CHAINS, row: HistoryRow): string {
  try {
    return chainHash(table, String(row.prev_hash), row);
  } catch (e) {
    return `(unreadable: ${(e as Error).message})`;
  }
}

interface EventAnchor { auditId: number; table: CaseChainTable; parent: number; seq: number; hash: string }
interface DocumentAnchor { auditId: number; documentId: number; number: string | null; sha256: string | null; bodySha256: string | null }

async function walkAuditLog(db: Db, pageSize: number, report: (b: ChainBreak) => ChainBreak) {
  const table = 'audit_log';
  const summary: ChainSummary = { table, rows: 0, chains: 1, firstBreak: null };
  const found = (b: Omit<ChainBreak, 'table'>) => {
    const full = report({ table, ...b });
    summary.firstBreak ??= full;
  };
  let prevHash = GENESIS;
  let lastId = 0;
  let anchorsChecked = 0;
  for (;;) {
    const rows = await pageOfTableChain(db, table, lastId, pageSize);
    const events: EventAnchor[] = [];
    const documents: DocumentAnchor[] = [];
    for (const row of rows) {
      const id = Number(row.id);
      summary.rows += 1;
      const where = `audit_log row ${id}${row.action ? ` (${row.action})` : ''}`;
      if (row.prev_hash !== prevHash) {
        found({
          rowId: id, where, kind: 'link', expected: prevHash, found: String(row.prev_hash),
          message: 'prev_hash is not the hash of the row before it: rows between were removed, or the row before was changed and re-hashed',
        });
      }
      const content = recompute(table, row);
      if (content !== row.hash) {
        found({ rowId: id, where, kind: 'content', expected: String(row.hash), found: content, message: 'the entry\'s content was changed after it was recorded' });
      }
      collectAnchors(row, events, documents);
      prevHash = String(row.hash);
      lastId = id;
    }
    anchorsChecked += await checkEventAnchors(db, events, found);
    anchorsChecked += await checkDocumentAnchors(db, documents, found);
    if (rows.length < pageSize) break;
  }
  const head = await readChainHead(db, table);
  if (head && (head.length !== summary.rows || (head.length > 0 && (head.hash !== prevHash || head.lastId !== lastId)))) {
    const shorter = summary.rows < head.length;
    found({
      rowId: shorter ? head.lastId : lastId, where: shorter ? `audit_log after row ${lastId}` : `audit_log row ${lastId}`,
      kind: shorter ? 'tail' : 'beyond_head',
      expected: `${head.length} rows, last row ${head.lastId ?? '-'} with hash ${head.hash}`,
      found: `${summary.rows} rows, last row ${lastId || '-'} with hash ${prevHash}`,
      message: shorter
        ? 'the log is shorter than its head records: entries were removed from the end'
        : 'the log does not end where its head records (entries appended around the chain, or the head was moved back)',
    });
  }
  return { summary, head: summary.rows ? { id: lastId, hash: prevHash } : null, anchorsChecked };
}

/** Audit entries written with an event carry its hash; issue entries carry the document's hashes. */
function collectAnchors(row: HistoryRow, events: EventAnchor[], documents: DocumentAnchor[]): void {
  let detail: Record<string, unknown> | null;
  try {
    detail = typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail;
  } catch {
    return; // reported as a content break already if it was changed; an old free-text detail anchors nothing
  }
  if (!detail || typeof detail !== 'object') return;
  const auditId = Number(row.id);
  const entityId = Number(row.entity_id);
  if ((row.entity === 'application' || row.entity === 'appeal') && typeof detail.eventHash === 'string' && Number.isInteger(detail.seq)) {
    events.push({ auditId, table: row.entity === 'application' ? 'application_events' : 'appeal_events', parent: entityId, seq: Number(detail.seq), hash: detail.eventHash });
  }
  if (row.action === 'document.issue' && row.entity === 'document' && Number.isInteger(entityId)) {
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    documents.push({ auditId, documentId: entityId, number: str(detail.number), sha256: str(detail.sha256), bodySha256: str(detail.bodySha256) });
  }
}

async function checkEventAnchors(db: Db, anchors: EventAnchor[], found: (b: Omit<ChainBreak, 'table'>) => void): Promise<number> {
  for (const table of ['application_events', 'appeal_events'] as const) {
    const mine = anchors.filter((a) => a.table === table);
    if (!mine.length) continue;
    const stored = await eventHashes(db, table, mine.map((a) => [a.parent, a.seq]));
    for (const a of mine) {
      const hash = stored.get(`${a.parent}:${a.seq}`);
      if (hash === a.hash) continue;
      found({
        rowId: a.auditId, where: `audit_log row ${a.auditId} → ${await chainName(db, table, a.parent)} seq ${a.seq}`, kind: 'anchor', expected: a.hash, found: hash ?? '(no such event)',
        message: hash ? `the ${table} row this entry records was replaced` : `the ${table} row this entry records is gone (removed from the case's history)`,
      });
    }
  }
  return anchors.length;
}

async function checkDocumentAnchors(db: Db, anchors: DocumentAnchor[], found: (b: Omit<ChainBreak, 'table'>) => void): Promise<number> {
  if (!anchors.length) return 0;
  const docs = await issuedDocumentFacts(db, anchors.map((a) => a.documentId));
  for (const a of anchors) {
    const d = docs.get(a.documentId);
    const bodySha256 = d ? createHash('sha256').update(d.body, 'utf8').digest('hex') : null;
    const same = d && (a.sha256 === null || d.sha256 === a.sha256) && (a.bodySha256 === null || bodySha256 === a.bodySha256);
    if (same) continue;
    found({
      rowId: a.auditId, where: `audit_log row ${a.auditId} → document ${a.number ?? a.documentId}`, kind: 'anchor',
      expected: `pdf ${a.sha256 ?? '-'}, text ${a.bodySha256 ?? '-'}`, found: d ? `pdf ${d.sha256 ?? '-'}, text ${bodySha256}` : '(no such document)',
      message: d ? 'the issued document stored now is not the one issued' : 'the issued document is gone',
    });
  }
  return anchors.length;
}
