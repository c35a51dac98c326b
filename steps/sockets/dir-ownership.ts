// A socket directory keelson declares gets the stack's owner, group and mode at every boot. One that already exists
// and is not the stack's (not in keelson's own tmpfiles.d file for it) belongs to something else: /run/sshd is sshd's,
// and changing it can lock the operator out. Its parents under /run count too (/run/postgresql/app is PostgreSQL's).
import { blocker, type Finding } from '../../src/engine/finding.js';
import type { Manifest } from '../../src/manifest/schema.js';
import type { DirState } from './socket-facts.js';

/** `dir` and its parents below /run, outermost first: /run/a/b → /run/a, /run/a/b. */
export const dirChain = (dir: string): string[] => {
  const parts = dir.split('/').filter((p) => p !== '');
  return parts.slice(1).map((_, i) => `/${parts.slice(0, i + 2).join('/')}`);
};

/** Every directory the sockets step looks at: the declared ones and their parents under /run. */
export const dirsToStat = (m: Manifest): string[] => [...new Set(m.sockets.flatMap((s) => dirChain(s.dir)))].sort();

/** The directories keelson's tmpfiles.d file for this stack declares (its "d PATH …" lines). */
export const declaredIn = (conf: string | null): Set<string> =>
  new Set((conf ?? '').split('\n').flatMap((l) => {
    const [type, path] = l.trim().split(/\s+/);
    return type === 'd' && path !== undefined ? [path] : [];
  }));

export const dirOwnershipFindings = (m: Manifest, conf: string | null, dirs: readonly DirState[]): Finding[] => {
  const ours = declaredIn(conf);
  const state = new Map(dirs.map((d) => [d.path, d]));
  const reported = new Set<string>();
  const findings: Finding[] = [];
  m.sockets.forEach((s, i) => {
    for (const p of dirChain(s.dir)) {
      const d = state.get(p);
      if (d === undefined || d.kind === 'absent' || ours.has(p) || reported.has(p)) continue;
      // The directory itself being something else (a file) is socket-path-not-dir's blocker: one problem, one blocker.
      if (p === s.dir && d.kind !== 'dir') continue;
      reported.add(p);
      const what = d.kind === 'dir' ? `(owner UID ${String(d.uid)}, group GID ${String(d.gid)}, mode ${(d.mode ?? 0).toString(8).padStart(4, '0')})` : '(and is not a directory)';
      findings.push(blocker('socket-dir-not-ours', `${p} already exists ${what} and is not the stack's: sockets[${i}].dir ${s.dir} would change the owner and mode of what another service made.`,
        `Give the stack a directory of its own under /run (e.g. /run/${m.stack}); if ${p} is a leftover of this stack, remove it (rmdir ${p}) and plan again.`));
      break;
    }
  });
  return findings;
};
