// How snapshots are migrated
// ==========================
// Each application row stores `{ machineVersion, snapshot }`, where `snapshot` is XState's persisted
// snapshot of applicationMachine at that version. XState v5 has no migration API, and restoring a
// snapshot that names a state the machine no longer has does not throw — it errors later. So:
//
// 1. Whenever states or the context change shape, bump APPLICATION_MACHINE_VERSION
//    (application-statechart.ts) and add a migrator `N → N+1` to MIGRATORS below. A migrator is pure:
//    it takes and returns `{ value, context }` (plain JSON), renaming states and reshaping context.
//    Never edit an existing migrator; stored rows depend on it.
// 2. Keep a fixture of a real snapshot of the old version next to its migrator (as V0_FIXTURE
//    below) and test the migration from it.
// 3. migrateSnapshot() in application-judge.ts runs migrateToCurrent() and rebuilds the snapshot
//    with `applicationMachine.resolveState({ value, context })`, which validates the state name and
//    recomputes status from the current machine (since version 2 no state is final, so every
//    migrated snapshot is 'active'; a stored `status` is never carried over), then persists it again.
//    The server migrates on read (and may write the result back with the new machineVersion), or in
//    bulk from the CLI.
//
// Deadlines are not part of the snapshot (they are recomputed from the event history by clock.ts),
// so a migration never has to touch dates beyond moving fields.

export interface MigratableSnapshot {
  value: unknown;
  context: Record<string, unknown>;
}

type Migrator = (from: MigratableSnapshot) => MigratableSnapshot;

/**
 * A version-0 snapshot, kept as the reference for the 0 → 1 migrator. Version 0 had no confidentiality
 * review state: the first state was called `registered`, approval was a single pair of fields
 * `reviewedBy` / `reviewedDate`, and there was no `review` object (no returns, no checklist).
 */
export const V0_FIXTURE = {
  machineVersion: 0,
  snapshot: {
    status: 'active',
    value: 'registered',
    historyValue: {},
    children: {},
    context: {
      correction: null,
      consultations: [
        {
          id: 'c1',
          kind: 'third_party',
          party: '某某科技有限公司',
          agencyCode: null,
          sentDate: '2024-09-03',
          repliedDate: '2024-09-10',
          opinion: 'object',
          reasons: '涉及商业秘密',
        },
      ],
      extension: null,
      fee: null,
      draft: null,
      reviewedBy: null,
      reviewedDate: null,
      issuedBy: null,
      issuedDate: null,
      delivery: null,
      decision: null,
      closedDate: null,
      closedReason: null,
    },
  },
} as const;

/** Renames of version-0 states; states not listed kept their name. */
const V0_STATE_NAMES: Record<string, string> = { registered: 'processing' };

const migrateV0toV1: Migrator = ({ value, context }) => {
  const { reviewedBy, reviewedDate, ...rest } = context;
  // The review object as version 1 had it (version 3 added `opinion`, see migrateV2toV3).
  const review: { returns: never[]; approvedBy: number | null; approvedDate: string | null; checklist: null } = {
    returns: [],
    approvedBy: typeof reviewedBy === 'number' ? reviewedBy : null,
    approvedDate: typeof reviewedDate === 'string' ? reviewedDate : null,
    checklist: null,
  };
  const renamed = typeof value === 'string' ? (V0_STATE_NAMES[value] ?? value) : value;
  return { value: renamed, context: { ...rest, review } };
};

/**
 * A version-1 snapshot, kept as the reference for the 1 → 2 migrator: a delivered case with an
 * approved extension. In version 1 `closed` was a final state (status 'done', no event accepted),
 * there was no `reopenings` list, and an extension had no `round`.
 */
export const V1_FIXTURE = {
  machineVersion: 1,
  snapshot: {
    status: 'done',
    value: 'closed',
    historyValue: {},
    children: {},
    context: {
      correction: null,
      consultations: [],
      extension: {
        requestedDate: '2024-09-25',
        workingDays: 10,
        reason: '需调取档案',
        status: 'approved',
        decidedDate: '2024-09-26',
        rejectReason: null,
      },
      fee: null,
      draft: {
        decision: 'unavailable.not_held',
        reasons: null,
        disclosed: null,
        withheld: null,
        referTo: null,
        draftedBy: 1,
        draftedDate: '2024-10-08',
      },
      review: { returns: [], approvedBy: 3, approvedDate: '2024-10-09', checklist: ['已核对'] },
      issuedBy: 4,
      issuedDate: '2024-10-10',
      delivery: { date: '2024-10-12', method: '邮寄' },
      decision: 'unavailable.not_held',
      closedDate: '2024-10-12',
      closedReason: 'delivered',
    },
  },
} as const;

// Version 2 adds reopening (重新办理, REOPEN): `closed` is no longer final, the context gains an
// empty `reopenings` list, and an extension records the handling round it belongs to (every
// version-1 extension belongs to round 0, the original handling). No state is renamed; the
// 'done' status of a closed version-1 snapshot is dropped by migrateSnapshot (see 3. above).
const migrateV1toV2: Migrator = ({ value, context }) => {
  const next: Record<string, unknown> = { ...context, reopenings: [] };
  const { extension } = context;
  if (typeof extension === 'object' && extension !== null && !Object.hasOwn(extension, 'round')) {
    next.extension = { ...extension, round: 0 };
  }
  return { value, context: next };
};

/**
 * A version-2 snapshot, kept as the reference for the 2 → 3 migrator: a reply reviewed and waiting to
 * be signed (待签发), returned once by the reviewer before. Version 2 had no review opinion and the
 * head of the disclosure office could only sign.
 */
export const V2_FIXTURE = {
  machineVersion: 2,
  snapshot: {
    status: 'active',
    value: 'approved',
    historyValue: {},
    children: {},
    context: {
      correction: null,
      consultations: [],
      extension: null,
      fee: null,
      draft: {
        decision: 'disclose',
        reasons: null,
        disclosed: null,
        withheld: null,
        referTo: null,
        draftedBy: 1,
        draftedDate: '2026-11-09',
        details: { disclosure: { mode: 'provided', items: [{ title: '规划批复文件', pages: 3 }], delivery: 'paper' } },
      },
      review: {
        returns: [{ date: '2026-11-10', reason: '请写明提供的页数', by: 3 }],
        approvedBy: 3,
        approvedDate: '2026-11-11',
        checklist: ['不涉及国家秘密'],
      },
      issuedBy: null,
      issuedDate: null,
      delivery: null,
      decision: null,
      closedDate: null,
      closedReason: null,
      reopenings: [],
    },
  },
} as const;

// Version 3 (issue 13) records the reviewer's opinion (审查意见) with an approval — `review.opinion`,
// null for approvals given before — and the head of the disclosure office's returns before signing
// (签发前退回, RETURN_FROM_SIGNOFF) in `signoffReturns`, empty for every earlier case. No state is
// renamed; a return's opinion was already kept as `review.returns[].reason`.
const migrateV2toV3: Migrator = ({ value, context }) => {
  const next: Record<string, unknown> = { ...context };
  const { review } = context;
  if (typeof review === 'object' && review !== null && !Object.hasOwn(review, 'opinion')) next.review = { ...review, opinion: null };
  if (!Object.hasOwn(context, 'signoffReturns')) next.signoffReturns = [];
  return { value, context: next };
};

/** MIGRATORS[n] takes a version-n snapshot to version n+1. */
const MIGRATORS: readonly Migrator[] = [migrateV0toV1, migrateV1toV2, migrateV2toV3];

/**
 * Run the migrators from `fromVersion` up to `toVersion` on the `{ value, context }` of a stored
 * snapshot. Throws on a snapshot newer than the code (a deployment error) or of an unknown shape.
 */
export function migrateToCurrent(fromVersion: number, snapshot: unknown, toVersion: number): MigratableSnapshot {
  if (!Number.isInteger(fromVersion) || fromVersion < 0) throw new Error(`invalid machine version ${fromVersion}`);
  if (fromVersion > toVersion) {
    throw new Error(`snapshot of machine version ${fromVersion} is newer than this code (version ${toVersion})`);
  }
  if (typeof snapshot !== 'object' || snapshot === null) throw new Error('stored snapshot is not an object');
  const { value, context } = snapshot as { value?: unknown; context?: unknown };
  if (typeof context !== 'object' || context === null) throw new Error('stored snapshot has no context');
  let current: MigratableSnapshot = { value, context: context as Record<string, unknown> };
  for (let version = fromVersion; version < toVersion; version++) {
    const migrate = MIGRATORS[version];
    if (!migrate) throw new Error(`no migrator from machine version ${version}`);
    current = migrate(current);
  }
  return current;
}
