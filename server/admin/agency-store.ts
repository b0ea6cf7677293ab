import type { Db } from '../../db/knex.js';

export interface Agency {
  id: number;
  code: string;
  name: string;
  parentId: number | null;
}

const toAgency = (r: { id: number; code: string; name: string; parent_id: number | null }): Agency => ({
  id: r.id,
  code: r.code,
  name: r.name,
  parentId: r.parent_id,
});

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

export async function insertAgency(db: Db, a: { code: string; name: string; parentId: number | null }): Promise<Agency> {
  const [row] = await db('agencies')
    .insert({ code: a.code, name: a.name, parent_id: a.parentId, created_at: new Date().toISOString() })
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
