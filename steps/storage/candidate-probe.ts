// The optional LUKS setup's device, as the operator named it: where it points, what lsblk and wipefs find on it,
// and whether the names the setup needs are free. Its arguments arrive as "$1"…, never spliced into the script.
import type { Fact, ProbeOutput } from '../../src/facts/fact.js';
import { parseLsblk, type BlockNode } from './lsblk.js';
import { parseSections, SECTION_HELPERS_SH } from './sections.js';

export interface LuksCandidate {
  /** As the operator typed it (a /dev/disk/by-id/… path survives reboots and reordering). */
  readonly device: string;
  /** The kernel device it points to now, e.g. /dev/vdb; null when it does not exist. */
  readonly resolved: string | null;
  readonly node: BlockNode | null;
  /** Signature types wipefs found (filesystems, partition tables, LUKS, RAID…); null when wipefs failed. */
  readonly signatures: readonly string[] | null;
  readonly probeError: string | null;
  readonly mapperExists: boolean;
  readonly keyFileExists: boolean;
}

const CANDIDATE_SH = `set -u
${SECTION_HELPERS_SH}
k_run resolved readlink -e -- "$1"
k_run lsblk lsblk -J -b -o NAME,PATH,TYPE,FSTYPE,PTTYPE,SIZE,RO,MOUNTPOINTS -- "$1"
k_run wipefs wipefs -J -- "$1"
k_run mapper test -e "/dev/mapper/$2"
k_run keyfile test -e "$3"
exit 0`;

const parseWipefs = (json: string): string[] | null => {
  if (json.trim() === '') return [];
  try {
    const doc = JSON.parse(json) as { signatures?: { type?: unknown }[] } | null;
    return Array.isArray(doc?.signatures) ? doc.signatures.map((x) => (typeof x.type === 'string' ? x.type : 'unknown')) : null;
  } catch {
    return null;
  }
};

export const parseCandidate = (device: string, o: ProbeOutput): LuksCandidate => {
  const s = parseSections(o.stdout);
  const resolved = s.get('resolved');
  const lsblk = s.get('lsblk');
  const wipefs = s.get('wipefs');
  const nodes = lsblk?.exitCode === 0 ? parseLsblk(lsblk.stdout) : null;
  const signatures = wipefs?.exitCode === 0 ? parseWipefs(wipefs.stdout) : null;
  const failed = [resolved, lsblk, wipefs].find((x) => x === undefined || x.exitCode !== 0);
  return {
    device,
    resolved: resolved?.exitCode === 0 ? resolved.stdout.trim() : null,
    node: nodes?.[0] ?? null,
    signatures,
    probeError: failed === undefined ? null : failed.stderr.trim().split('\n')[0] || 'the device could not be examined',
    mapperExists: s.get('mapper')?.exitCode === 0,
    keyFileExists: s.get('keyfile')?.exitCode === 0,
  };
};

export const luksCandidateFact = (device: string, mapperName: string, keyFile: string): Fact<LuksCandidate> => ({
  id: `luks-candidate:${device}:${mapperName}:${keyFile}`,
  probe: { sh: CANDIDATE_SH, args: [device, mapperName, keyFile] },
  parse: (o) => parseCandidate(device, o),
});

/** Bytes the content of PATH takes on its filesystem (0 when PATH does not exist): it must fit on a new volume. */
