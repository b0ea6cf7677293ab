import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The same code runs from source (tsx) and compiled (dist/): find the project root by walking up.
function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'templates'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('project root not found from ' + start);
    dir = parent;
  }
}

export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
export const RUNNING_FROM_SOURCE = import.meta.url.endsWith('.ts');
/** Folder of compiled or source code (dist/ in production). */
export const CODE_ROOT = RUNNING_FROM_SOURCE ? ROOT : join(ROOT, 'dist');
export const TEMPLATES_DIR = join(ROOT, 'templates');
