import type { Knex } from 'knex';
import type { Db } from '../../db/knex.js';
import { selectPrepared } from '../../db/dialect.js';
import { toAgency, type Agency } from '../admin/agency-store.js';

// All SQL of the agencies' signing keys and seal pictures (issue 15: in the database, so any instance
// signs). The PKCS#12 is encrypted with the key passphrase, which is never stored; the certificate's
// facts are kept beside it in clear for the admin page.

export interface AgencyKeyInfo {
  agencyId: number;
  selfSigned: boolean;
  /** Common name of the agency's certificate. */
  subject: string;
  /** Common name of its issuer. */
  issuer: string;
  serial: string;
  fingerprint: string;
  notBefore: string;
  notAfter: string;
  /** Certificates above the agency's own (intermediate and root CAs) kept with it. */
  chainLength: number;
  /** SHA-256 of the stored PKCS#12: which version a server process holds decrypted. */
  p12Sha256: string;
  createdAt: string;
}

const INFO_COLUMNS = ['agency_id', 'self_signed', 'subject', 'issuer', 'serial', 'fingerprint', 'not_before', 'not_after', 'chain_length', 'p12_sha256', 'created_at'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const toInfo = (r: any): AgencyKeyInfo => ({
  agencyId: Number(r.agency_id),
  selfSigned: Boolean(r.self_signed),
  subject: r.subject,
  issuer: r.issuer,
  serial: r.serial,
  fingerprint: r.fingerprint,
  notBefore: r.not_before,
  notAfter: r.not_after,
  chainLength: Number(r.chain_length),
  p12Sha256: r.p12_sha256,
  createdAt: r.created_at,
});

export async function findAgencyKeyInfo(db: Db, agencyId: number): Promise<AgencyKeyInfo | null> {
  const row = await db('agency_keys').where({ agency_id: agencyId }).first(INFO_COLUMNS);
  return row ? toInfo(row) : null;
}

/**
 * The agency's row and its key's facts in one query (issue 15: a registration needs both before its
 * transaction): `agency` as findAgencyById, `key` as findAgencyKeyInfo.
 */
export async function findAgencyAndKeyInfo<K extends string = never>(
  db: Db, agencyId: number, also: Record<K, Knex.QueryBuilder> = {} as Record<K, Knex.QueryBuilder>,
): Promise<{ agency: Agency | null; key: AgencyKeyInfo | null; also: Record<K, unknown> }> {
  // `also`: single-value reads the caller needs too, each a subquery of the same query (issue 15).
  const extra = Object.entries<Knex.QueryBuilder>(also).map(([name, q]) => q.clone().as(`also_${name}`));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const [row] = await selectPrepared<any>(db, db('agencies as a').leftJoin('agency_keys as k', 'k.agency_id', 'a.id').where('a.id', agencyId)
    .select(['a.*', ...INFO_COLUMNS.map((c) => `k.${c} as key_${c}`)]).select(extra).limit(1));
  const values = Object.fromEntries(Object.keys(also).map((name) => [name, row?.[`also_${name}`] ?? null])) as Record<K, unknown>;
  if (!row) return { agency: null, key: null, also: values };
  const key = Object.fromEntries(INFO_COLUMNS.map((c) => [c, row[`key_${c}`]]));
  return { agency: toAgency(row), key: key.agency_id === null || key.agency_id === undefined ? null : toInfo(key), also: values };
}

export async function findAgencyKeyP12(db: Db, agencyId: number): Promise<Buffer | null> {
  const row = await db('agency_keys').where({ agency_id: agencyId }).first('p12');
  return row ? Buffer.from(row.p12) : null;
}

/** Replaces the agency's key (one per agency). */
export async function saveAgencyKey(db: Db, info: AgencyKeyInfo, p12: Buffer): Promise<void> {
  const row = {
    agency_id: info.agencyId, p12, p12_sha256: info.p12Sha256, self_signed: info.selfSigned, subject: info.subject, issuer: info.issuer,
    serial: info.serial, fingerprint: info.fingerprint, not_before: info.notBefore, not_after: info.notAfter, chain_length: info.chainLength,
    created_at: info.createdAt,
  };
  await db('agency_keys').insert(row).onConflict('agency_id').merge();
}

export async function agencyIdsWithKeys(db: Db): Promise<Set<number>> {
  return new Set((await db('agency_keys').select('agency_id')).map((r: { agency_id: number }) => Number(r.agency_id)));
}

export async function findSealPng(db: Db, sha256: string): Promise<Buffer | null> {
  const row = await db('seal_images').where({ sha256 }).first('png');
  return row ? Buffer.from(row.png) : null;
}

export async function saveSealPng(db: Db, sha256: string, png: Buffer, now: string): Promise<void> {
  await db('seal_images').insert({ sha256, png, created_at: now }).onConflict('sha256').ignore();
}
