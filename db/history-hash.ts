import { createHash } from 'node:crypto';

// Hardening issue, finding 8: the history tables are hash chains. Each row stores `prev_hash` (the
// hash of the row before it in its chain) and `hash` = SHA-256 over its canonical content and
// `prev_hash`. Changing a row's content, or removing a row from the middle, breaks the chain at that
// row; `disclosure-desk audit verify` walks the chains and names the first break.
//
// Pure (no I/O): the same function hashes when a row is written (server/history), when the migration
// chains the rows written before it, and when the verifier walks the tables, so SQLite and PostgreSQL
// give the same hash for the same history.

/** `prev_hash` of the first row of every chain. */
export const GENESIS = '0'.repeat(64);

type ColumnKind = 'int' | 'text' | 'time' | 'json';

export interface ChainSpec {
  table: HistoryTable;
  /**
   * The column a chain is per (the case, the appeal), ordered by `seq`; null: one chain for the whole
   * table, ordered by `id`.
   */
  parent: string | null;
  /**
   * The columns hashed: every column that says something (who, what, when, the payload), but not the
   * generated `id` — the row is hashed before the database numbers it, and its place is fixed by the
   * chain itself (`seq` and `prev_hash`).
   */
  columns: Record<string, ColumnKind>;
}

export type HistoryTable = 'application_events' | 'appeal_events' | 'audit_log';

const EVENT_COLUMNS = {
  seq: 'int', type: 'text', effective_date: 'text', payload: 'json', actor_id: 'int', actor_role: 'text', recorded_at: 'time',
} as const satisfies Record<string, ColumnKind>;

/**
 * Application events: one chain per application, in `seq` order. A case's history is the record a
 * court or an auditor examines, and its file can then be checked on its own. Events on one case are
 * already serialised (the unique (application_id, seq) key and the version check make one of two
 * racing events fail), so chaining needs no further lock; a single global chain would serialise every
 * event of every agency behind one lock held while the reply is rendered and signed in the same
 * transaction. Completeness across cases is not lost: every event's audit entry carries the event's
 * hash (`eventHash`), so the audit log's one chain anchors the head of every case's chain, and the
 * verifier checks those anchors (a case whose last events were deleted no longer matches its audit).
 * Appeal events follow the same rule, one chain per appeal.
 */
export const CHAINS: Record<HistoryTable, ChainSpec> = {
  application_events: { table: 'application_events', parent: 'application_id', columns: { application_id: 'int', ...EVENT_COLUMNS } },
  appeal_events: { table: 'appeal_events', parent: 'appeal_id', columns: { appeal_id: 'int', ...EVENT_COLUMNS } },
  // The audit log is one chain in `id` order, serialised by its head row (history_heads).
  audit_log: {
    table: 'audit_log', parent: null,
    columns: { at: 'time', user_id: 'int', username: 'text', action: 'text', entity: 'text', entity_id: 'text', detail: 'json', ip: 'text' },
  },
};

export const HISTORY_TABLES = Object.keys(CHAINS) as HistoryTable[];

/**
 * JSON with object keys sorted (by UTF-16 code units, as Array.prototype.sort does), no whitespace,
 * dates as ISO-8601 UTC strings. Refuses what JSON cannot say exactly (NaN, Infinity, functions…)
 * rather than hash something another reader would see differently.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('canonicalJson: invalid date');
    return JSON.stringify(value.toISOString());
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'bigint':
      return value.toString();
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
      if (Buffer.isBuffer(value)) throw new TypeError('canonicalJson: binary values are not hashed as JSON');
      const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot hash a ${typeof value}`);
  }
}

/**
 * One column's value as both drivers may return it, in one shape: PostgreSQL returns json columns
 * parsed, timestamps as Date and bigints as strings; SQLite returns text and numbers. Stored JSON text
 * is parsed, so the hash depends on the JSON's meaning, not on how a driver or a jsonb column spaces or
 * orders it.
 */
function canonicalValue(kind: ColumnKind, value: unknown, column: string): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'int': {
      const n = typeof value === 'bigint' ? Number(value) : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new TypeError(`${column}: not an integer (${String(value)})`);
      return n;
    }
    case 'text':
      if (typeof value === 'number' || typeof value === 'bigint') return String(value);
      if (typeof value !== 'string') throw new TypeError(`${column}: not text`);
      return value;
    case 'time':
      if (value instanceof Date) return value.toISOString();
      if (typeof value !== 'string') throw new TypeError(`${column}: not a timestamp`);
      return value;
    case 'json':
      if (typeof value === 'string') {
        try {
          return JSON.parse(value) as unknown;
        } catch {
          throw new TypeError(`${column}: not JSON`);
        }
      }
      return value;
  }
}

/** The row's hashed content: exactly the spec's columns, canonicalised (absent columns count as null). */
export function canonicalContent(table: HistoryTable, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [column, kind] of Object.entries(CHAINS[table].columns)) out[column] = canonicalValue(kind, row[column], column);
  return out;
}

/**
 * The text a row's hash is taken over: {chain, prev, row} as canonical JSON. The table name keeps a row
 * from being passed off in another table. Anyone can recompute a hash from it (`sha256sum`).
 */
export function chainText(table: HistoryTable, prevHash: string, row: Record<string, unknown>): string {
  return canonicalJson({ chain: table, prev: prevHash, row: canonicalContent(table, row) });
}

/** SHA-256 (hex) of the row's chainText, as UTF-8. */
export function chainHash(table: HistoryTable, prevHash: string, row: Record<string, unknown>): string {
  return createHash('sha256').update(chainText(table, prevHash, row), 'utf8').digest('hex');
}
