// Facts for the socket directories: keelson's tmpfiles.d file, every other tmpfiles.d line for the same paths, the
// directories as they are now, the security modules, the last probe results and a static busybox for the probe image.
import { parseProbeRecord, type ProbeRecord } from '../../src/engine/probe-record.js';
import type { Fact, ProbeOutput } from '../../src/facts/fact.js';

export type { ProbeRecord };

export const TMPFILES_DIR = '/etc/tmpfiles.d';
export const PROBE_RECORD_DIR = '/var/lib/keelson/probes';

export const tmpfilesPath = (stack: string) => `${TMPFILES_DIR}/keelson-${stack}.conf`;
export const probeRecordDir = (stack: string) => `${PROBE_RECORD_DIR}/${stack}`;

export interface DirState {
  readonly path: string;
  /** absent: nothing there; other: something that is not a directory. */
  readonly kind: 'dir' | 'absent' | 'other';
  readonly uid: number | null;
  readonly gid: number | null;
  /** Permission bits, e.g. 0o770. */
  readonly mode: number | null;
}

export interface TmpfilesLine {
  readonly file: string;
  readonly type: string;
  readonly path: string;
  readonly mode: string;
  readonly user: string;
  readonly group: string;
}

/** The same answer as the Quadlet step's selinux fact (one probe for both). */
export type SelinuxMode = 'enforcing' | 'permissive' | 'disabled';

const lines = (t: string) => t.split('\n').filter((l) => l.trim() !== '');

export const tmpfilesConfFact = (stack: string): Fact<string | null> => ({
  id: `tmpfiles-conf:${stack}`,
  probe: { argv: ['cat', tmpfilesPath(stack)] },
  parse: (o) => {
    if (o.exitCode === 0) return o.stdout;
    if (/No such file/i.test(o.stderr)) return null;
    throw new Error(`${tmpfilesPath(stack)}: ${o.stderr.trim() || `exit ${o.exitCode}`}`);
  },
});

/** `systemd-tmpfiles --cat-config`: every file in precedence order, each under a "# /path" header. */
export const parseCatConfig = (text: string): TmpfilesLine[] => {
  let file = '';
  const out: TmpfilesLine[] = [];
  for (const l of text.split('\n')) {
    const header = /^# (\/\S+\.conf)$/.exec(l);
    if (header?.[1] !== undefined) {
      file = header[1];
      continue;
    }
    if (l.trim() === '' || l.trimStart().startsWith('#')) continue;
    const [type = '', path = '', mode = '-', user = '-', group = '-'] = l.trim().split(/\s+/);
    out.push({ file, type, path, mode, user, group });
  }
  return out;
};

export const tmpfilesConfigFact: Fact<TmpfilesLine[]> = {
  id: 'tmpfiles-cat-config',
  probe: { argv: ['systemd-tmpfiles', '--cat-config', '--no-pager'] },
  parse: (o) => (o.exitCode === 0 ? parseCatConfig(o.stdout) : []),
};

// One line per directory: "PATH<TAB>dir<TAB>UID<TAB>GID<TAB>octal mode", or "PATH<TAB>absent|other".
const STAT_DIRS = `for d in "$@"; do
  if [ -d "$d" ] && [ ! -L "$d" ]; then stat --printf '%n\\tdir\\t%u\\t%g\\t%a\\n' -- "$d"
  elif [ -e "$d" ] || [ -L "$d" ]; then printf '%s\\tother\\n' "$d"
  else printf '%s\\tabsent\\n' "$d"; fi
done`;

export const parseDirStates = (text: string): DirState[] =>
  lines(text).map((l) => {
    const [path = '', kind = 'absent', uid, gid, mode] = l.split('\t');
    if (kind !== 'dir') return { path, kind: kind === 'other' ? 'other' : 'absent', uid: null, gid: null, mode: null };
    return { path, kind: 'dir', uid: Number(uid), gid: Number(gid), mode: parseInt(mode ?? '', 8) };
  });

export const socketDirsFact = (dirs: readonly string[]): Fact<DirState[]> => ({
  id: `socket-dirs:${[...dirs].sort().join(',')}`,
  probe: { sh: STAT_DIRS, args: [...dirs].sort() },
  parse: (o) => parseDirStates(o.stdout),
});

export const apparmorFact: Fact<boolean> = {
  id: 'apparmor-enabled',
  probe: { sh: 'cat /sys/module/apparmor/parameters/enabled 2>/dev/null || echo N' },
  parse: (o) => o.stdout.trim().startsWith('Y'),
};

/** "KEY<TAB>one-line JSON" per record; an unreadable record counts as absent, so the probe simply runs again. */
export const parseProbeRecords = (text: string): Record<string, ProbeRecord> => {
  const out: Record<string, ProbeRecord> = {};
  for (const l of lines(text)) {
    const tab = l.indexOf('\t');
    if (tab < 1) continue;
    const r = parseProbeRecord(l.slice(tab + 1));
    if (r !== null) out[l.slice(0, tab)] = r;
  }
  return out;
};

export const probeRecordsFact = (stack: string): Fact<Record<string, ProbeRecord>> => ({
  id: `probe-records:${stack}`,
  probe: {
    sh: 'cd "$1" 2>/dev/null || exit 0; for f in *.json; do [ -f "$f" ] && printf "%s\\t%s\\n" "$(basename "$f" .json)" "$(tr -d "\\n" <"$f")"; done; exit 0',
    args: [probeRecordDir(stack)],
  },
  parse: (o) => parseProbeRecords(o.stdout),
});

// A statically linked busybox becomes the whole probe image; a dynamic one would not run inside it.
const FIND_BUSYBOX = `for p in /usr/bin/busybox /bin/busybox /usr/sbin/busybox /sbin/busybox; do
  [ -x "$p" ] || continue
  if command -v ldd >/dev/null 2>&1 && ldd "$p" >/dev/null 2>&1; then continue; fi
  echo "$p"; exit 0
done
exit 0`;

export const staticBusyboxFact: Fact<string | null> = {
  id: 'static-busybox',
  probe: { sh: FIND_BUSYBOX },
  parse: (o: ProbeOutput) => {
    const p = o.stdout.trim();
    return p.startsWith('/') ? p : null;
  },
};
