// `lsblk -J`: block devices as a tree. With -s (inverse) the tree starts at the mounted device and each node's
// "children" are the devices it sits on: filesystem → (lvm) → crypt → the LUKS partition → the disk.
import { z } from 'zod';
import { parseJsonAs } from '../../src/facts/parse-json.js';

export interface BlockNode {
  /** Kernel name or dm name, e.g. "vdb", "home". */
  readonly name: string;
  readonly path: string;
  /** "disk", "part", "crypt", "lvm", "loop", "rom", … */
  readonly type: string;
  /** Signature on the device: "ext4", "crypto_LUKS", "LVM2_member", or null. */
  readonly fstype: string | null;
  readonly uuid: string | null;
  readonly partuuid: string | null;
  readonly label: string | null;
  readonly pttype: string | null;
  readonly readOnly: boolean;
  readonly sizeBytes: number | null;
  readonly mountpoints: readonly string[];
  readonly children: readonly BlockNode[];
}

interface RawNode {
  name: string;
  path?: string | null | undefined;
  type?: string | null | undefined;
  fstype?: string | null | undefined;
  uuid?: string | null | undefined;
  partuuid?: string | null | undefined;
  label?: string | null | undefined;
  pttype?: string | null | undefined;
  ro?: boolean | string | number | null | undefined;
  size?: number | string | null | undefined;
  mountpoints?: (string | null)[] | null | undefined;
  mountpoint?: string | null | undefined;
  children?: RawNode[] | undefined;
}

const opt = z.string().nullable().optional();
const rawNode: z.ZodType<RawNode> = z.lazy(() =>
  z.object({
    name: z.string(),
    path: opt,
    type: opt,
    fstype: opt,
    uuid: opt,
    partuuid: opt,
    label: opt,
    pttype: opt,
    // Booleans since util-linux 2.37; "0"/"1" before.
    ro: z.union([z.boolean(), z.string(), z.number()]).nullable().optional(),
    // A number with -b (2.33+), otherwise "8G".
    size: z.union([z.number(), z.string()]).nullable().optional(),
    mountpoints: z.array(z.string().nullable()).nullable().optional(),
    mountpoint: opt,
    children: z.array(rawNode).optional(),
  }),
);
const schema = z.object({ blockdevices: z.array(rawNode) });

const toNode = (r: RawNode): BlockNode => ({
  name: r.name,
  path: r.path ?? `/dev/${r.name}`,
  type: r.type ?? 'unknown',
  fstype: r.fstype ?? null,
  uuid: r.uuid ?? null,
  partuuid: r.partuuid ?? null,
  label: r.label ?? null,
  pttype: r.pttype ?? null,
  readOnly: r.ro === true || r.ro === '1' || r.ro === 1,
  sizeBytes: typeof r.size === 'number' ? r.size : typeof r.size === 'string' && /^[0-9]+$/.test(r.size) ? Number(r.size) : null,
  mountpoints: [...(r.mountpoints ?? []), r.mountpoint ?? null].filter((m): m is string => m !== null && m !== ''),
  children: (r.children ?? []).map(toNode),
});

/** The top-level devices lsblk reported, or null when the answer is not lsblk's JSON. */
export const parseLsblk = (json: string): BlockNode[] | null => {
  return parseJsonAs(schema, json)?.blockdevices.map(toNode) ?? null;
};

/** Every node of the trees, parents before children. */
export const allNodes = (roots: readonly BlockNode[]): BlockNode[] => roots.flatMap((n) => [n, ...allNodes(n.children)]);

/** A dm-crypt mapping on the way down from a mount, and the device it decrypts. */
export interface CryptLayer {
  readonly mapping: BlockNode;
  /** The device under the mapping: a LUKS partition or disk when fstype is crypto_LUKS, else plain dm-crypt. */
  readonly backing: BlockNode | null;
  readonly isLuks: boolean;
}

/** In an inverse (-s) tree: each crypt mapping and what it sits on, top down. */
export const cryptLayers = (roots: readonly BlockNode[]): CryptLayer[] => {
  const seen = new Set<string>();
  const layers: CryptLayer[] = [];
  for (const node of allNodes(roots)) {
    if (node.type !== 'crypt' || seen.has(node.path)) continue;
    seen.add(node.path);
    const luks = node.children.find((c) => c.fstype === 'crypto_LUKS');
    layers.push({ mapping: node, backing: luks ?? node.children[0] ?? null, isLuks: luks !== undefined });
  }
  return layers;
};
