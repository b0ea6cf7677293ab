import type { Db } from '../../db/knex.js';
import { isKey, ONLINE_DELIVERY_ON, type OnlineDeliveryOn } from '../../workflows/glossary.js';

export interface Agency {
  id: number;
  code: string;
  name: string;
  parentId: number | null;
  /** 文号 prefix (domain.md §7); the code when not set. */
  docPrefix: string;
  sealPurpose: string;
  sealPngSha256: string | null;
  reconsiderationBody: string | null;
  court: string | null;
  address: string | null;
  phone: string | null;
  /** 缴费方式 printed in fee notices (国办函〔2020〕109号): payee, bank and account, or where to pay. */
  paymentDetails: string | null;
  /**
   * Decision codes whose replies say reconsideration comes first (复议前置, 行政复议法 Art. 23(1)(四));
   * null: the default (workflows/reply-facts.ts DEFAULT_RECONSIDERATION_FIRST).
   */
  reconsiderationFirst: string[] | null;
  /** Issue 16: what counts as delivery (送达) to an applicant who applied online. */
  onlineDeliveryOn: OnlineDeliveryOn;
}

export const DEFAULT_SEAL_PURPOSE = '政府信息公开专用章';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const toAgency = (r: any): Agency => ({
  id: Number(r.id),
  code: r.code,
  name: r.name,
  parentId: r.parent_id === null || r.parent_id === undefined ? null : Number(r.parent_id),
  docPrefix: r.doc_prefix || r.code,
  sealPurpose: r.seal_purpose || DEFAULT_SEAL_PURPOSE,
  sealPngSha256: r.seal_png_sha256 ?? null,
  reconsiderationBody: r.reconsideration_body ?? null,
  court: r.court ?? null,
  address: r.address ?? null,
  phone: r.phone ?? null,
  paymentDetails: r.payment_details ?? null,
  reconsiderationFirst: codeList(r.reconsideration_first),
  onlineDeliveryOn: isKey(ONLINE_DELIVERY_ON, r.online_delivery_on) ? r.online_delivery_on : 'download',
});

function codeList(v: unknown): string[] | null {
  if (typeof v !== 'string') return null;
  try {
    const list: unknown = JSON.parse(v);
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : null;
  } catch {
    return null;
  }
}

/** How the applicant reaches an agency (Art. 36(五)): 联系地址：…；联系电话：…, or '' when none is recorded. */
export function contactOf(a: Pick<Agency, 'address' | 'phone'>): string {
  return [a.address?.trim() ? `联系地址：${a.address.trim()}` : '', a.phone?.trim() ? `联系电话：${a.phone.trim()}` : ''].filter(Boolean).join('；');
}

export interface AgencyDetails {
  docPrefix?: string | null;
  sealPurpose?: string | null;
  reconsiderationBody?: string | null;
  court?: string | null;
  address?: string | null;
  phone?: string | null;
  paymentDetails?: string | null;
  /** null: back to the default. */
  reconsiderationFirst?: string[] | null;
  onlineDeliveryOn?: OnlineDeliveryOn;
}

export async function updateAgencyDetails(db: Db, id: number, d: AgencyDetails & { sealPngSha256?: string | null }): Promise<void> {
  const cols: Record<string, string | null> = {};
  if (d.docPrefix !== undefined) cols.doc_prefix = d.docPrefix;
  if (d.sealPurpose !== undefined) cols.seal_purpose = d.sealPurpose;
  if (d.sealPngSha256 !== undefined) cols.seal_png_sha256 = d.sealPngSha256;
  if (d.reconsiderationBody !== undefined) cols.reconsideration_body = d.reconsiderationBody;
  if (d.court !== undefined) cols.court = d.court;
  if (d.address !== undefined) cols.address = d.address;
  if (d.phone !== undefined) cols.phone = d.phone;
  if (d.paymentDetails !== undefined) cols.payment_details = d.paymentDetails;
  if (d.onlineDeliveryOn !== undefined) cols.online_delivery_on = d.onlineDeliveryOn;
  if (d.reconsiderationFirst !== undefined) cols.reconsideration_first = d.reconsiderationFirst === null ? null : JSON.stringify(d.reconsiderationFirst);
  if (Object.keys(cols).length) await db('agencies').where({ id }).update(cols);
}

export async function findAgencyByCode(db: Db, code: string): Promise<Agency | null> {
  const r = await db('agencies').where({ code }).first();
  return r ? toAgency(r) : null;
}

export async function findAgencyById(db: Db, id: number): Promise<Agency | null> {
  const r = await db('agencies').where({ id }).first();
  return r ? toAgency(r) : null;
}

export async function listAgencies(db: Db): Promise<Agency[]> {
  return (await db('agencies').orderBy('id')).map(toAgency);
}

export async function insertAgency(db: Db, a: { code: string; name: string; parentId: number | null } & AgencyDetails): Promise<Agency> {
  const [row] = await db('agencies')
    .insert({
      code: a.code, name: a.name, parent_id: a.parentId, created_at: new Date().toISOString(),
      doc_prefix: a.docPrefix ?? null, seal_purpose: a.sealPurpose ?? null, reconsideration_body: a.reconsiderationBody ?? null,
      court: a.court ?? null, address: a.address ?? null, phone: a.phone ?? null, payment_details: a.paymentDetails ?? null,
    })
    .returning('*');
  return toAgency(row);
}

/** The agency and every agency below it (a manager's scope). */
export async function agencyScopeIds(db: Db, agencyId: number): Promise<number[]> {
  const rows = await db
    .withRecursive('scope', (qb) => {
      qb.select('id').from('agencies').where('id', agencyId).unionAll((u) => {
        u.select('a.id').from('agencies as a').join('scope as s', 'a.parent_id', 's.id');
      });
    })
    .select('id')
    .from('scope');
  return rows.map((r: { id: number }) => Number(r.id));
}

/** The agency and every agency above it: whose scope (agencyScopeIds) includes this agency. */
export async function agencyAncestorIds(db: Db, agencyId: number): Promise<number[]> {
  const rows = await agencyAncestorIdsQuery(db, agencyId);
  return rows.map((r: { id: number }) => Number(r.id));
}

/** The same ids as a query, to use as a subquery (`whereIn(column, …)`): one round trip instead of two. */
export function agencyAncestorIdsQuery(db: Db, agencyId: number) {
  return db
    .withRecursive('up', (qb) => {
      qb.select('id', 'parent_id').from('agencies').where('id', agencyId).unionAll((u) => {
        u.select('a.id', 'a.parent_id').from('agencies as a').join('up', 'a.id', 'up.parent_id');
      });
    })
    .select('id')
    .from('up');
}
