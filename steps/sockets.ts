// Sockets: the stack's socket directories (`d /run/NAME 0770 OWNER GROUP -` in a tmpfiles.d file keelson owns, so they
// come back after every boot), and the proof that each container can really use them: a probe container run as the
// stack will run writes and reads a file in each. A failed probe stops the apply; its record makes the next plan a
// blocker with the reason, until something it depends on changes.
//
// SELinux: the Quadlet units mount socket directories with ":z" (a shared container label): several containers of the
// stack share a directory, and ":Z" (private) would hand it to whichever started last. The probe mounts them the same
// way. No file-context rule is written: the label is reapplied by Podman at each start, which also covers /run being
// recreated at boot.
import type { Action } from '../src/engine/action.js';
import { blocker, info, warning, type Finding } from '../src/engine/finding.js';
import { defineStep, type BuildsOn, type StepContext } from '../src/engine/step.js';
import { osReleaseFact, type OsRelease } from '../src/facts/os-release.js';
import { packagesFact, type PackageState } from '../src/facts/packages.js';
import type { Manifest } from '../src/manifest/schema.js';
import {
  apparmorFact,
  probeRecordsFact,
  socketDirsFact,
  staticBusyboxFact,
  tmpfilesConfFact,
  tmpfilesConfigFact,
  tmpfilesPath,
  type DirState,
  type ProbeRecord,
  type SelinuxMode,
  type TmpfilesLine,
} from './sockets/socket-facts.js';
import { selinuxFact } from '../src/facts/selinux.js';
import { deniedBecause, mayCreateIn, PROBE_IMAGE, probeSpecs, type ProbeSpec } from './sockets/probe-specs.js';
import { renderTmpfiles, tmpfilesConflicts } from './sockets/tmpfiles.js';
import { dirOwnershipFindings, dirsToStat } from './sockets/dir-ownership.js';

export interface SocketsFacts {
  readonly conf: string | null;
  readonly tmpfilesConfig: readonly TmpfilesLine[];
  readonly dirs: readonly DirState[];
  readonly selinux: SelinuxMode;
  readonly apparmor: boolean;
  readonly records: Readonly<Record<string, ProbeRecord>>;
  readonly busybox: string | null;
  readonly os: OsRelease | null;
  readonly busyboxPackage: readonly PackageState[];
}

const BUSYBOX_PACKAGE = 'busybox-static';

const dirsInPlace = (facts: SocketsFacts, ctx: StepContext): boolean =>
  ctx.manifest.sockets.every((s) => {
    const d = facts.dirs.find((x) => x.path === s.dir);
    return (
      d?.kind === 'dir' &&
      d.uid === ctx.resolved.users[s.owner]?.uid &&
      d.gid === ctx.resolved.groups[s.group] &&
      ((d.mode ?? 0) & 0o7777) === parseInt(s.mode, 8)
    );
  });

type ProbeState = 'passed' | 'failed' | 'due';

const probeState = (spec: ProbeSpec, records: SocketsFacts['records']): ProbeState => {
  const r = records[spec.key];
  if (r?.inputs !== spec.inputs) return 'due';
  return r.ok ? 'passed' : 'failed';
};

const describeIdentity = (s: ProbeSpec) =>
  `${s.user}${s.groupAdd === 'keep-groups' ? ' with --group-add keep-groups' : s.groupAdd.length > 0 ? ` with --group-add ${s.groupAdd.join(',')}` : ''}`;

const andList = (xs: readonly string[]): string => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1) ?? ''}`);

const checkConflicts = (m: Manifest, facts: SocketsFacts): Finding[] =>
  tmpfilesConflicts(m, tmpfilesPath(m.stack), facts.tmpfilesConfig).map(({ dir, line, wins }) => {
    const their = `${line.type} ${line.path} ${line.mode} ${line.user} ${line.group}`;
    const own = line.file.replace(/^\/usr\/lib\/|^\/lib\//, '/etc/');
    return wins
      ? blocker('tmpfiles-conflict', `${line.file} also declares ${dir} ("${their}") and is read first: at boot systemd-tmpfiles applies its line, not keelson's, and the stack loses its socket directory.`, `Override that file with your own copy without the line (${own}), or use another directory for the stack.`)
      : warning('tmpfiles-duplicate', `${line.file} also declares ${dir} ("${their}"); keelson's file is read first and wins at boot, and systemd-tmpfiles logs a duplicate-line warning.`, `Check that whatever installed ${line.file} copes with keelson's owner and mode for ${dir}.`);
  });

export const checkSockets = (facts: SocketsFacts, ctx: StepContext): Finding[] => {
  const m = ctx.manifest;
  if (m.sockets.length === 0) return [];
  const findings: Finding[] = [...dirOwnershipFindings(m, facts.conf, facts.dirs), ...checkConflicts(m, facts)];
  for (const d of facts.dirs) {
    if (d.kind === 'other') {
      findings.push(blocker('socket-path-not-dir', `${d.path} exists and is not a directory; systemd-tmpfiles will not replace it.`, `Find out what created it (ls -l ${d.path}); remove it if it is stale, or choose another directory.`));
    }
  }
  if (facts.selinux === 'enforcing') {
    findings.push(info('selinux-shared-label', 'SELinux is enforcing: socket directories are mounted with ":z" (a label shared by the stack\'s containers); the probe mounts them the same way.'));
  }
  if (facts.apparmor) {
    findings.push(info('apparmor', "AppArmor is enabled: Podman confines the containers with its containers-default profile, which allows bind-mounted socket directories; the probe shows it on this host."));
  }
  const specs = probeSpecs(m, ctx.resolved, facts.selinux);
  for (const spec of specs) {
    const state = probeState(spec, facts.records);
    if (state === 'failed') {
      findings.push(blocker('probe-failed', `The socket probe for ${spec.containers.join(', ')} (as ${describeIdentity(spec)}) failed under these same conditions: ${facts.records[spec.key]?.reason ?? ''}`, `Give the user the directory's group (users[].groups in the manifest) or fix the directory, then plan again. To probe again unchanged: rm ${spec.record}`));
    }
    if (state !== 'due') continue;
    for (const d of spec.dirs.filter((x) => !mayCreateIn(spec, x))) {
      findings.push(warning('socket-access-denied', `${spec.containers.join(', ')} (as ${describeIdentity(spec)}) cannot create files in ${d.dir} (${d.mode} ${d.owner}:${d.group}): ${deniedBecause(spec, d)}; the probe will fail.`, m.mode === 'rootful' ? `Give the directory group write access (mode "0770" under sockets) and ${d.group} to the groups of that container's user under users, or drop ${d.dir} from its sockets.` : `Give the directory group write access (mode "0770" under sockets).`));
    }
  }
  const due = specs.some((s) => probeState(s, facts.records) === 'due');
  if (due && facts.busybox === null) {
    const pkg = facts.busyboxPackage.find((p) => p.name === BUSYBOX_PACKAGE);
    if (facts.os?.family !== 'debian') {
      findings.push(blocker('probe-no-busybox', 'The socket probe needs a statically linked busybox on the host to build its image, and there is none.', 'Install one (Fedora/EPEL: dnf install busybox), then plan again.'));
    } else if (pkg?.candidate == null) {
      findings.push(blocker('probe-no-busybox', `The socket probe needs ${BUSYBOX_PACKAGE}, and apt has no candidate for it.`, `Run "apt-get update" on the host (or add the repository that carries ${BUSYBOX_PACKAGE}), then plan again.`));
    }
  }
  return findings;
};

export const planSockets = (facts: SocketsFacts, ctx: StepContext): Action[] => {
  const m = ctx.manifest;
  const path = tmpfilesPath(m.stack);
  if (m.sockets.length === 0) {
    return facts.conf === null ? [] : [{ kind: 'file.remove', description: `${path}: the stack has no socket directories any more`, path, before: facts.conf }];
  }
  const actions: Action[] = [];
  const content = renderTmpfiles(m);
  if (facts.conf !== content) {
    actions.push({ kind: 'file.write', description: `${path}: socket directories, recreated at every boot`, path, content, mode: '0644', owner: 'root', group: 'root', before: facts.conf });
  }
  if (facts.conf !== content || !dirsInPlace(facts, ctx)) {
    actions.push({ kind: 'tmpfiles.create', description: `create ${m.sockets.map((s) => s.dir).join(', ')} now (systemd-tmpfiles --create)`, path });
  }
  const due = probeSpecs(m, ctx.resolved, facts.selinux).filter((s) => probeState(s, facts.records) === 'due');
  if (due.length === 0) return actions;
  const target = due[0]?.target ?? { scope: 'system' as const };
  if (facts.busybox === null && facts.os?.family === 'debian') {
    actions.push({ kind: 'package.install', description: `install ${BUSYBOX_PACKAGE} (the socket probe's image is built from it)`, manager: 'apt', packages: [BUSYBOX_PACKAGE] });
  }
  const owner = target.scope === 'user' ? ` for ${target.user}` : '';
  actions.push({ kind: 'probe.image', description: `probe image ${PROBE_IMAGE}${owner}, from the host's static busybox (no registry needed)`, target, image: PROBE_IMAGE, busybox: facts.busybox ?? '/bin/busybox' });
  for (const s of due) {
    actions.push({
      kind: 'probe.socket-access',
      description: `probe ${s.dirs.map((d) => d.dir).join(', ')} as ${andList(s.containers)} ${s.containers.length === 1 ? 'runs' : 'run'} (${describeIdentity(s)}): a short-lived container creates and reads back a file in ${s.dirs.length === 1 ? 'it' : 'each'}`,
      target: s.target,
      image: PROBE_IMAGE,
      user: s.user,
      groupAdd: s.groupAdd === 'keep-groups' ? 'keep-groups' : [...s.groupAdd],
      dirs: s.dirs.map((d) => d.dir),
      record: s.record,
      inputs: s.inputs,
    });
  }
  return actions;
};

/** The directories name the stack's users and groups, and the probe runs under Podman: both made by earlier steps. */
export const socketsBuildOn = (_facts: SocketsFacts, ctx: StepContext): BuildsOn[] =>
  ctx.manifest.sockets.length === 0
    ? []
    : [
        { step: 'preflight', why: 'the socket probe runs under the Podman it installs' },
        { step: 'identity', why: 'the socket directories belong to the users and groups it creates, and the probe runs as them' },
      ];

export const socketsStep = defineStep<SocketsFacts>({
  id: 'sockets',
  title: 'Sockets: socket directories and the proof that the containers reach them',
  facts: ({ manifest }) => ({
    conf: tmpfilesConfFact(manifest.stack),
    tmpfilesConfig: tmpfilesConfigFact,
    dirs: socketDirsFact(dirsToStat(manifest)),
    selinux: selinuxFact,
    apparmor: apparmorFact,
    records: probeRecordsFact(manifest.stack),
    busybox: staticBusyboxFact,
    os: osReleaseFact,
    busyboxPackage: packagesFact([BUSYBOX_PACKAGE]),
  }),
  check: checkSockets,
  plan: planSockets,
  buildsOn: socketsBuildOn,
});
