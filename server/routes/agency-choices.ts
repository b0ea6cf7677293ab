// The agencies a person may choose in a filter (issue 13: pickers with names, never a code typed in).
import type { AppContext } from '../context.js';
import type { User } from '../admin/user-store.js';
import { listAgencies, type Agency } from '../admin/agency-store.js';
import { visibleAgencyIds } from '../policy.js';

export interface AgencyChoice {
  /** What the filter sends (the schemas take agency codes); never shown. */
  code: string;
  name: string;
  /** Levels below the top of the chooser's scope: the option is indented by it. */
  depth: number;
  /** Has agencies below it (a filter on it includes them). */
  hasBelow: boolean;
}

/** The agencies whose cases the user sees, as a tree in order: each agency, then those below it. */
export async function agencyChoices(ctx: AppContext, user: User): Promise<AgencyChoice[]> {
  const visible = new Set(await visibleAgencyIds(ctx, user));
  const all = (await listAgencies(ctx.db)).filter((a) => visible.has(a.id));
  const ids = new Set(all.map((a) => a.id));
  const children = new Map<number | null, Agency[]>();
  for (const a of all) {
    const parent = a.parentId !== null && ids.has(a.parentId) ? a.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), a]);
  }
  const out: AgencyChoice[] = [];
  const walk = (parent: number | null, depth: number) => {
    for (const a of children.get(parent) ?? []) {
      out.push({ code: a.code, name: a.name, depth, hasBelow: (children.get(a.id) ?? []).length > 0 });
      walk(a.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}
