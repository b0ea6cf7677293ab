// Issue 14: the data files a reply provides, recorded with the reply's event as the desk counted them.
import type { Knex } from 'knex';
import { invalid } from '../errors.js';
import { listDataFiles } from './data-file-store.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A reply event's items that name a data file of the case (`dataFileId`) get the file as the desk
 * counted it (`dataFile`: name, format, rows, columns, SHA-256), recorded in the history with the
 * event; an item without a title takes the file's. Data files go only with the reply itself
 * (Art. 36(二): provided now); an unknown file, another case's, or one named twice is refused (422).
 */
export async function resolveDataFileItems(trx: Knex.Transaction, applicationId: number, payload: Obj): Promise<void> {
  const lists: { field: string; items: unknown; allowed: boolean }[] = [];
  if (isObj(payload.disclosure)) lists.push({ field: 'disclosure.items', items: payload.disclosure.items, allowed: payload.disclosure.mode === 'provided' });
  if (payload.provided !== undefined) lists.push({ field: 'provided', items: payload.provided, allowed: true });
  const named = lists.some((l) => Array.isArray(l.items) && l.items.some((i) => isObj(i) && i.dataFileId !== undefined));
  if (!named) return;
  const files = new Map((await listDataFiles(trx, applicationId)).map((f) => [f.id, f]));
  const seen = new Set<number>();
  for (const l of lists) {
    if (!Array.isArray(l.items)) continue;
    for (const [i, item] of l.items.entries()) {
      if (!isObj(item) || item.dataFileId === undefined) continue;
      const key = `${l.field}.${i}.dataFileId`;
      if (!l.allowed) throw invalid({ [key]: '数据文件只能随本答复书提供（公开方式选择“随本答复书提供”）' });
      const f = files.get(Number(item.dataFileId));
      if (!f) throw invalid({ [key]: `找不到该数据文件（编号 ${String(item.dataFileId)}），须为本申请已上传的数据文件` });
      if (seen.has(f.id)) throw invalid({ [key]: `数据文件“${f.filename}”列了两次` });
      seen.add(f.id);
      delete item.dataFileId;
      if (typeof item.title !== 'string' || !item.title.trim()) item.title = f.title;
      item.dataFile = { id: f.id, filename: f.filename, format: f.format, rows: f.rows, columns: f.columns, sha256: f.sha256 };
    }
  }
}

