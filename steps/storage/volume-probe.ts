// The data volume in one probe: mount → crypt → LUKS device, each LUKS header (text and JSON), the empty-passphrase
// test, and crypttab's devices and key files. The walk runs on the host, because the device to dump is only known
// after it — one round trip all the same. The data mount arrives as "$1", never spliced into the script.
import { FactParseError, type Fact, type ProbeOutput } from '../../src/facts/fact.js';
import { EMPTY_CACHE_LOOKUP_SH, EMPTY_PASSPHRASE_CACHE_DIR, parseEmptyPassphraseCache, type EmptyPassphraseCache } from './empty-passphrase-cache.js';
import { NEAREST_EXISTING_SH } from './facts.js';
import { parseFindmnt, type MountInfo } from './findmnt.js';
import { parseLsblk, type BlockNode } from './lsblk.js';
import { parseLuksHeader, type LuksHeader } from './luks-header.js';
import { firstLine, parseSections, SECTION_HELPERS_SH } from './sections.js';

export type EmptyPassphraseTest =
  | { readonly result: 'opens'; readonly slot: number | null }
  | { readonly result: 'refused' }
  | { readonly result: 'untested'; readonly why: string };

export interface LuksDevice {
  readonly path: string;
  readonly header: LuksHeader | null;
  /** Why the header could not be read (null when it was). */
  readonly dumpError: string | null;
  readonly emptyPassphrase: EmptyPassphraseTest;
  /** The header's digest and whether the host remembered its test (null: no digest, the test ran). */
  readonly emptyPassphraseCache: EmptyPassphraseCache | null;
}

export interface KeyFileStat {
  /** Octal permission bits as stat prints them, e.g. "400". */
  readonly mode: string;
  readonly owner: string;
  readonly group: string;
  readonly sizeBytes: number;
}

export interface DataVolume {
  /** The data mount path, or its nearest existing parent when it does not exist yet. */
  readonly probedPath: string;
  readonly mount: MountInfo | null;
  readonly mountError: string | null;
  /** The inverse lsblk tree from the mounted device; null when that is not a block device (tmpfs, nfs, zfs). */
  readonly devices: readonly BlockNode[] | null;
  readonly luks: readonly LuksDevice[];
  /** crypttab name → its source resolved to a device path (path sources only). */
  readonly crypttabSources: Readonly<Record<string, string>>;
  /** crypttab name → its key file's stat, null when the key file is missing. */
  readonly keyFiles: Readonly<Record<string, KeyFileStat | null>>;
}

// cryptsetup exit codes: 0 opened, 2 "no key available with this passphrase". Anything else tested nothing.
// The passphrase is a bare newline on a pipe: cryptsetup reads up to the newline, so it tries the empty
// passphrase (`--key-file -` or /dev/null would read nothing and stop with "Nothing to read on input").
// External token plugins (TPM2, FIDO2) are disabled so a token cannot open the volume in the passphrase's place.
// A header the host remembers as refusing it is not tested again (empty-passphrase-cache.ts); "$2" is where.
const VOLUME_SH = `set -u
c_dir=$2
${SECTION_HELPERS_SH}
${NEAREST_EXISTING_SH}
printf '%s' "$p" >"$k_d/o"; : >"$k_d/e"; k_emit probed 0
if [ -r /etc/crypttab ]; then
  set -f
  grep -v '^[[:space:]]*#' /etc/crypttab | while read -r c_name c_src c_key c_rest; do
    [ -n "$c_name" ] || continue
    case "$c_src" in /*) k_run "crypttab-source:$c_name" readlink -f -- "$c_src" ;; esac
    case "$c_key" in /*) k_run "keyfile:$c_name" stat -L -c '%a %U %G %s' -- "$c_key" ;; esac
  done
  set +f
fi
k_run findmnt findmnt -J --nofsroot -T "$p" -o TARGET,SOURCE,FSTYPE,OPTIONS
src=$(findmnt -n -r --nofsroot -o SOURCE -T "$p" 2>/dev/null)
# /dev/root and friends are no device node: ask the kernel's own name for it.
[ -b "$src" ] || src=/dev/block/$(findmnt -n -r -o MAJ:MIN -T "$p" 2>/dev/null)
# Not a block device at all (tmpfs, nfs, zfs): lsblk says so, and the walk below finds nothing.
k_run lsblk lsblk -J -s -o NAME,PATH,TYPE,FSTYPE,UUID,PARTUUID,LABEL,MOUNTPOINTS -- "$src"
command -v cryptsetup >/dev/null 2>&1 || exit 0
printf '\\n' >"$k_d/nl"
lsblk -n -r -s -o PATH,FSTYPE -- "$src" 2>/dev/null | sort -u | while read -r dev fs; do
  [ "$fs" = crypto_LUKS ] || continue
  k_run "dump:$dev" cryptsetup luksDump -- "$dev"
  if grep -q '^Version:[[:space:]]*2' "$k_d/o"; then k_run "json:$dev" cryptsetup luksDump --dump-json-metadata -- "$dev"; fi
${EMPTY_CACHE_LOOKUP_SH}
  k_run_in "$k_d/nl" "empty:$dev" cryptsetup open --test-passphrase --disable-external-tokens -v -- "$dev"
done
exit 0`;

export const parseEmptyPassphraseTest = (o: ProbeOutput | undefined): EmptyPassphraseTest => {
  if (o === undefined) return { result: 'untested', why: 'cryptsetup did not run' };
  if (o.exitCode === 0) {
    const slot = /Key slot ([0-9]+) unlocked/.exec(`${o.stdout}\n${o.stderr}`)?.[1];
    return { result: 'opens', slot: slot === undefined ? null : Number(slot) };
  }
  if (o.exitCode === 2) return { result: 'refused' };
  return { result: 'untested', why: firstLine(o) };
};

const emptyPassphraseOf = (s: ReadonlyMap<string, ProbeOutput>, dev: string): Pick<LuksDevice, 'emptyPassphrase' | 'emptyPassphraseCache'> => {
  const cache = parseEmptyPassphraseCache(s.get(`empty-cache:${dev}`));
  // A hit means the host remembers this very header refusing it, and the test did not run again.
  const emptyPassphrase = cache?.hit === true ? ({ result: 'refused' } as const) : parseEmptyPassphraseTest(s.get(`empty:${dev}`));
  return { emptyPassphrase, emptyPassphraseCache: cache };
};

const parseStat = (o: ProbeOutput): KeyFileStat | null => {
  const [mode, owner, group, size] = o.stdout.trim().split(/\s+/);
  if (o.exitCode !== 0 || mode === undefined || owner === undefined || group === undefined) return null;
  return { mode, owner, group, sizeBytes: Number(size ?? 0) };
};

export const parseDataVolume = (o: ProbeOutput): DataVolume => {
  const s = parseSections(o.stdout);
  const probed = s.get('probed')?.stdout;
  if (probed === undefined) throw new FactParseError('storage-volume', `the probe script printed no sections (${firstLine(o)})`);
  const fm = s.get('findmnt');
  const mount = fm?.exitCode === 0 ? parseFindmnt(fm.stdout) : null;
  const lb = s.get('lsblk');
  const luks: LuksDevice[] = [];
  const crypttabSources: Record<string, string> = {};
  const keyFiles: Record<string, KeyFileStat | null> = {};
  for (const [name, answer] of s) {
    const [kind, ...rest] = name.split(':');
    const key = rest.join(':');
    if (kind === 'dump') {
      const json = s.get(`json:${key}`);
      const header = answer.exitCode === 0 ? parseLuksHeader(answer.stdout, json?.exitCode === 0 ? json.stdout : null) : null;
      luks.push({
        path: key,
        header,
        dumpError: header !== null ? null : answer.exitCode === 0 ? 'luksDump printed no LUKS header' : firstLine(answer),
        ...emptyPassphraseOf(s, key),
      });
    } else if (kind === 'crypttab-source' && answer.exitCode === 0) {
      crypttabSources[key] = answer.stdout.trim();
    } else if (kind === 'keyfile') {
      keyFiles[key] = parseStat(answer);
    }
  }
  return {
    probedPath: probed,
    mount,
    mountError: mount !== null ? null : fm === undefined ? 'findmnt did not run' : firstLine(fm),
    devices: lb?.exitCode === 0 ? parseLsblk(lb.stdout) : null,
    luks,
    crypttabSources,
    keyFiles,
  };
};

export const dataVolumeFact = (dataMount: string, cacheDir = EMPTY_PASSPHRASE_CACHE_DIR): Fact<DataVolume> => ({
  id: `storage-volume:${dataMount}`,
  probe: { sh: VOLUME_SH, args: [dataMount, cacheDir] },
  parse: parseDataVolume,
});
