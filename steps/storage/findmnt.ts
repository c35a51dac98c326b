// `findmnt -J -T PATH`: the filesystem that holds PATH (the mount itself, or the one it is a directory of).
import { z } from 'zod';
import { parseJsonAs } from '../../src/facts/parse-json.js';

export interface MountInfo {
  /** Where that filesystem is mounted: "/home" if /home is a mount of its own, "/" if it is a directory on root. */
  readonly target: string;
  /** The device as mounted, without a bind/subvolume root (findmnt --nofsroot). */
  readonly source: string;
  readonly fstype: string;
  readonly options: readonly string[];
}

const schema = z.object({
  filesystems: z
    .array(
      z.object({
        target: z.string(),
        source: z.string().nullable().default(''),
        fstype: z.string().nullable().default(''),
        options: z.string().nullable().default(''),
      }),
    )
    .min(1),
});

/** The filesystem findmnt reported, or null when its answer is not findmnt's JSON (no findmnt, no such path). */
export const parseFindmnt = (json: string): MountInfo | null => {
  const doc = parseJsonAs(schema, json);
  // -T answers one filesystem; should a version print the tree, the deepest entry is the one holding the path.
  const fs = doc?.filesystems.at(-1);
  if (fs === undefined) return null;
  return {
    target: fs.target,
    source: fs.source ?? '',
    fstype: fs.fstype ?? '',
    options: (fs.options ?? '').split(',').filter((o) => o !== ''),
  };
};
