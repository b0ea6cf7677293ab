import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Hardening finding 16: DATA_DIR holds the SQLite database, the development secrets and the agencies'
// signing keys — the desk's alone. Folders 0700, files 0600; whatever writes there says so itself
// (config.ts, db/knex.ts, documents/agency-keys.ts), and this narrows what an older version left wider.

export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;

/**
 * Creates DATA_DIR (0700) or narrows it and what is in it. The folder left by the attachment files
 * of older versions is not walked (it may be large; nothing reads it any more, and the 0700 folder
 * above it already closes it to others).
 */
export function secureDataDir(dir: string, warn: (message: string) => void = console.warn): void {
  try {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  } catch (e) {
    warn(`DATA_DIR ${dir} cannot be created (${(e as Error).message}); 数据目录无法创建`);
    return;
  }
  const narrowed: string[] = [];
  const visit = (path: string, isDir: boolean) => {
    const wanted = isDir ? PRIVATE_DIR : PRIVATE_FILE;
    try {
      const mode = statSync(path).mode & 0o777;
      if (mode & 0o077) {
        chmodSync(path, wanted);
        narrowed.push(`${path} ${mode.toString(8)}→${wanted.toString(8)}`);
      }
    } catch (e) {
      warn(`cannot narrow the permissions of ${path} (${(e as Error).message}); 无法收紧权限`);
    }
    if (!isDir) return;
    let entries;
    try {
      entries = readdirSync(path, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (path === dir && entry.name === 'attachments') continue;
      if (entry.isDirectory()) visit(join(path, entry.name), true);
      else if (entry.isFile()) visit(join(path, entry.name), false);
    }
  };
  visit(dir, true);
  if (narrowed.length) warn(`DATA_DIR was readable by others; narrowed (数据目录权限已收紧): ${narrowed.join(', ')}`);
}
