// keelson's own tmpfiles.d file: /run is a tmpfs, so the socket directories are declared, not made once, and
// systemd-tmpfiles recreates them with the same owner, group and mode at every boot.
import type { Manifest, ManifestSocket } from '../../src/manifest/schema.js';
import type { TmpfilesLine } from './socket-facts.js';

/** "770" or "0770" → "0770". */
export const fourDigitMode = (mode: string): string => mode.padStart(4, '0');

/** World-writable never: the schema refuses it, and this is the last line before it reaches the host. */
export const assertNotWorldWritable = (s: ManifestSocket): void => {
  if ((parseInt(s.mode, 8) & 0o002) !== 0) throw new Error(`socket directory ${s.dir} would be world-writable (mode ${s.mode})`);
};

export const renderTmpfiles = (m: Manifest): string => {
  const rows = m.sockets.map((s) => {
    assertNotWorldWritable(s);
    return `d ${s.dir} ${fourDigitMode(s.mode)} ${s.owner} ${s.group} -`;
  });
  return [
    `# Socket directories of the ${m.stack} stack, written by keelson; the next keelson apply replaces edits.`,
    '# /run is emptied at every boot; systemd-tmpfiles recreates these with this owner, group and mode.',
    ...rows,
    '',
  ].join('\n');
};

export interface TmpfilesConflict {
  readonly dir: string;
  readonly line: TmpfilesLine;
  /** Whether that file's line is the one systemd-tmpfiles applies at boot (files are read in name order, first wins). */
  readonly wins: boolean;
}

const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** Other tmpfiles.d lines that declare one of our directories. */
export const tmpfilesConflicts = (m: Manifest, ours: string, all: readonly TmpfilesLine[]): TmpfilesConflict[] =>
  m.sockets.flatMap((s) =>
    all
      .filter((l) => l.path === s.dir && base(l.file) !== base(ours) && /^[dDvqQ]/.test(l.type))
      .map((line) => ({ dir: s.dir, line, wins: base(line.file) < base(ours) })),
  );
