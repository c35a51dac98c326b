// The Quadlet step's check: can keelson render this stack for this host, and may it write every file?
// A file an operator edited, or one keelson did not write, is never overwritten silently.
import { formatVersion } from '../../src/facts/version.js';
import { blocker, info, warning, type Finding } from '../../src/engine/finding.js';
import type { StepContext } from '../../src/engine/step.js';
import { desiredState, type Desired, type FileStatus, type QuadletFacts } from './desired.js';
import { manifestWarnings } from './manifest-warnings.js';
import { podmanFeatures, podmanVersionOf } from './podman-features.js';
import { parseRecord } from '../../src/state/parse-record.js';
import { RECORD_PATH } from '../../src/state/record-schema.js';

const conflictFinding = (path: string, status: Extract<FileStatus, { kind: 'conflict' }>, stack: string): Finding => {
  switch (status.state) {
    case 'managed-edited':
      return blocker('quadlet-file-edited', `${path} was edited by hand since keelson wrote it; replacing it would lose that change.`,
        `Keep local changes in a drop-in (${path}.d/50-local.conf), which keelson leaves alone, or put them in the manifest; then remove ${path} (keelson writes it again) and plan again.`);
    case 'other-stack':
      return blocker('quadlet-file-other-stack', `${path} belongs to another keelson stack, not ${stack}.`,
        'Rename the container, network, volume or target in one of the two manifests so their unit names differ, then plan again.');
    case 'symlink':
    case 'foreign':
      return blocker('quadlet-file-foreign', `${path} exists and was not written by keelson.`,
        `Move it away if it is obsolete (mv ${path} /root/), or rename that part of the stack in the manifest; then plan again.`);
  }
};

const fileFindings = (d: Desired, stack: string): Finding[] => [
  ...d.files.flatMap((f) => (f.status.kind === 'conflict' ? [conflictFinding(f.path, f.status, stack)] : [])),
  ...d.stale
    .filter((s) => s.edited)
    .map((s) => blocker('quadlet-file-edited', `${s.path} is no longer part of stack ${stack}, but it was edited by hand since keelson wrote it.`,
      `Check whether the change still matters, then remove the file yourself (rm ${s.path}) and plan again.`)),
];

const podmanListFindings = (facts: QuadletFacts, ctx: StepContext): Finding[] => {
  // The owner does not exist yet on a fresh host: nothing to list, nothing to warn about.
  if (ctx.manifest.mode === 'rootless' && facts.units.home === null) return [];
  return [facts.secrets, facts.images].flatMap((list, i) =>
    list.ok ? [] : [warning('quadlet-podman-list-failed', `Could not list Podman ${i === 0 ? 'secrets' : 'images'}: ${list.detail}. keelson plans them as missing; apply skips any that exist.`,
      'Run "podman info" as the stack\'s owner to see what is wrong with Podman.')]);
};

/** A record this keelson must not rewrite: written by a newer one, or corrupt. Nothing is applied over it. */
const recordFindings = (facts: QuadletFacts): Finding[] => {
  const r = parseRecord(facts.state.kind === 'present' ? facts.state.content : null, RECORD_PATH);
  if (r.kind === 'newer') return [blocker('record-newer', r.why, 'Run this apply with that keelson version or a newer one.')];
  if (r.kind === 'unreadable') return [blocker('record-unreadable', `The deployment record cannot be read: ${r.why}.`, 'Nothing was changed; fix or restore the record, then plan again.')];
  return [];
};

export const checkQuadlet = (facts: QuadletFacts, ctx: StepContext): Finding[] => [...recordFindings(facts), ...checkUnits(facts, ctx)];

const checkUnits = (facts: QuadletFacts, ctx: StepContext): Finding[] => {
  const m = ctx.manifest;
  const result = desiredState(facts, ctx);
  if (!result.ok) {
    switch (result.problem) {
      case 'podman-unknown':
        return [blocker('quadlet-podman-unknown', 'Podman is not installed and the package manager does not say which version it would install, so the units cannot be written for it.',
          'Install podman (apt-get install podman, or dnf install podman), then plan again.')];
      case 'podman-too-old':
        // Preflight blocks this Podman and says what it lacks: one problem, one blocker.
        return [info('quadlet-podman-too-old', `No units are written for Podman ${formatVersion(result.podman)}: see the preflight step's blocker for what it lacks.`)];
      case 'home-unknown':
        return [blocker('quadlet-home-unknown', `The home directory of ${m.owner ?? 'the owner'} is not known, so keelson does not know where its Quadlet directory is.`,
          `Declare ${m.owner ?? 'the owner'} under users with a home, or create the user, then plan again.`)];
      case 'render':
        return [blocker('quadlet-render', `The manifest cannot become unit files: ${result.error.message}`, `Fix ${result.error.where} in the manifest, then plan again.`)];
    }
  }
  const d = result.desired;
  const findings: Finding[] = [];
  const source = podmanVersionOf(facts.podman, facts.podmanPackage)?.source === 'candidate' ? 'to be installed' : 'installed';
  findings.push(info('quadlet-podman', `Units are written for Podman ${formatVersion(d.podman)} (${source}).`));
  if (!podmanFeatures(d.podman).notifyHealthy && m.containers.some((c) => c.health !== undefined)) {
    findings.push(info('quadlet-no-notify-healthy', 'This Podman has no Notify=healthy (5.0+): units report active when started, and keelson polls health checks instead.'));
  }
  findings.push(...fileFindings(d, m.stack), ...manifestWarnings(m), ...podmanListFindings(facts, ctx));
  return findings;
};
