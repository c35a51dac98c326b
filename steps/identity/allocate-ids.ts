// Picks free UIDs and GIDs from the facts, so the plan names every ID before anything runs.
//
// System accounts are taken from the top of login.defs' system range downwards, as useradd --system does: Debian's
// adduser fills the same range from the bottom, so packages installed later and keelson do not interleave.
// The rootless owner is a regular account: one above the highest regular UID in use (useradd's rule), so a
// deleted user's UID, and the files it may have left behind, are not handed to the stack.

export interface IdRange {
  readonly min: number;
  readonly max: number;
}

/** Mutable sets of taken IDs, updated as the planner hands IDs out, so two new accounts never get the same one. */
export interface IdPool {
  readonly uids: Set<number>;
  readonly gids: Set<number>;
}

const firstFree = (candidates: Iterable<number>, free: (id: number) => boolean): number | null => {
  for (const id of candidates) if (free(id)) return id;
  return null;
};

function* down(r: IdRange): Generator<number> {
  for (let id = r.max; id >= r.min; id--) yield id;
}

function* up(from: number, r: IdRange): Generator<number> {
  for (let id = Math.max(from, r.min); id <= r.max; id++) yield id;
}

/** Above the highest ID in use inside the range, then (the range's top reached) the lowest gap. */
function* regular(taken: readonly Set<number>[], r: IdRange): Generator<number> {
  const inRange = taken.flatMap((s) => [...s].filter((id) => id >= r.min && id <= r.max));
  const highest = inRange.length === 0 ? r.min - 1 : Math.max(...inRange);
  yield* up(highest + 1, r);
  yield* up(r.min, r);
}

export type Kind = 'system' | 'regular';

const order = (kind: Kind, taken: readonly Set<number>[], r: IdRange) => (kind === 'system' ? down(r) : regular(taken, r));

/** A new group's GID. */
export const allocateGid = (pool: IdPool, kind: Kind, range: IdRange): number | null => {
  const gid = firstFree(order(kind, [pool.gids], range), (id) => !pool.gids.has(id));
  if (gid !== null) pool.gids.add(gid);
  return gid;
};

/**
 * A new user's UID, and the GID of its new private group when it needs one. The same number for both when some number
 * is free as both (what useradd does too); otherwise the first free of each.
 */
export const allocateUser = (
  pool: IdPool,
  kind: Kind,
  uidRange: IdRange,
  gidRange: IdRange,
  needsGroup: boolean,
): { uid: number; gid: number | null } | null => {
  const both = needsGroup
    ? firstFree(order(kind, [pool.uids, pool.gids], { min: Math.max(uidRange.min, gidRange.min), max: Math.min(uidRange.max, gidRange.max) }), (id) => !pool.uids.has(id) && !pool.gids.has(id))
    : null;
  const uid = both ?? firstFree(order(kind, [pool.uids], uidRange), (id) => !pool.uids.has(id));
  if (uid === null) return null;
  pool.uids.add(uid);
  if (!needsGroup) return { uid, gid: null };
  if (both !== null) {
    pool.gids.add(both);
    return { uid, gid: both };
  }
  const gid = allocateGid(pool, kind, gidRange);
  return gid === null ? null : { uid, gid };
};
