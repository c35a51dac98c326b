// The managed files: each one against the sha256 keelson recorded (modified, missing), drop-ins nobody planned
// that change a managed unit without touching its file, and the Quadlet generator's own verdict on the files as
// they are now (it exits 0 while skipping a file it rejects, so its log is what counts).
import { sha256 } from '../../../steps/quadlet/unit-header.js';
import { generatorComplaint } from '../../../steps/quadlet/validate.js';
import { generatedUnit } from '../../../steps/quadlet/unit-names.js';
import { check, type Check } from './check.js';
import { REAPPLY, systemctlLine } from './remedies.js';
import { stackUnits } from './record-view.js';
import type { StackFacts } from './stack-facts.js';

const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);

export const driftCheck = (f: StackFacts): Check => {
  const id = `drift:${f.stack.name}`;
  const lines: string[] = [];
  let unprobed = 0;
  for (const file of f.stack.files) {
    if (!f.probedPaths.has(file.path)) {
      unprobed += 1;
      lines.push(`not looked at: ${file.path}`);
      continue;
    }
    const text = f.content(file.path);
    if (text === null) lines.push(`missing: ${file.path}`);
    else if (sha256(text) !== file.sha256) lines.push(`modified: ${file.path} (sha256 ${sha256(text).slice(0, 12)}, recorded ${file.sha256.slice(0, 12)})`);
  }
  const changed = lines.length - unprobed;
  if (changed === 0 && unprobed === 0) return check(id, 'ok', `all ${f.stack.files.length} managed files are as keelson wrote them`);
  const status = changed > 0 ? 'fail' : 'warn';
  const note = 'no manifest given: doctor names the files; keelson plan --stack MANIFEST shows the difference to what keelson would write';
  return check(id, status, `${changed} of ${f.stack.files.length} managed files changed since keelson wrote them`, [...lines, note], [REAPPLY]);
};

/** Drop-ins of the stack's units that keelson did not write: Quadlet's NAME.container.d/ and systemd's DropInPaths. */
export const dropInCheck = (f: StackFacts): Check => {
  const id = `dropins:${f.stack.name}`;
  const managed = new Set(f.stack.files.map((x) => x.path));
  const found: string[] = [];
  for (const file of f.stack.files) {
    const listed = f.section(`dropdir:${file.path}`)?.stdout ?? '';
    for (const p of listed.split('\n').filter((l) => l !== '')) if (!managed.has(p)) found.push(`${p} (changes ${base(file.path)})`);
  }
  for (const [unit, props] of f.units) {
    for (const p of (props.get('DropInPaths') ?? '').split(/\s+/).filter((x) => x !== '')) {
      // Vendor drop-ins under /usr (systemd 257's 10-timeout-abort.conf for every user service) are the distribution's.
      if (!p.startsWith('/usr/') && !managed.has(p)) found.push(`${p} (changes ${unit})`);
    }
  }
  const unique = [...new Set(found)];
  if (unique.length === 0) return check(id, 'ok', 'no drop-in changes a managed unit');
  return check(id, 'fail', `${unique.length} drop-in${unique.length === 1 ? '' : 's'} keelson did not write change managed units`, unique, [
    `read and remove each one (rm FILE), then ${systemctlLine(f.scope, 'daemon-reload')}; or move the setting into the manifest`,
  ]);
};

export const generatorCheck = (f: StackFacts): Check => {
  const id = `generator:${f.stack.name}`;
  const key = f.scope.scope === 'system' ? 'system' : `user:${f.scope.user}`;
  const out = f.section(`generator:${key}`);
  if (out === undefined) return check(id, 'warn', 'the Quadlet generator was not run', [], ['see the identity check of the owner']);
  const names = f.stack.files.map((x) => base(x.path));
  const complaints = out.stderr.split('\n').map(generatorComplaint).filter((l): l is string => l !== null && names.some((n) => l.includes(`"${n}"`)));
  const produced = new Set([...out.stdout.matchAll(/^---(.+)---$/gm)].map((m) => m[1]));
  const quadletFiles = names.filter((n) => /\.(container|network|volume|pod|kube|image|build)$/.test(n));
  const notProduced = quadletFiles.filter((n) => !produced.has(generatedUnit(n))).map((n) => `not generated: ${generatedUnit(n)} from ${n}`);
  const vanished = stackUnits(f.stack).filter((u) => f.units.get(u)?.get('LoadState') === 'not-found').map((u) => `not known to the manager: ${u}`);
  const problems = [...complaints.map((c) => `generator: ${c}`), ...notProduced, ...vanished];
  if (problems.length === 0) return check(id, 'ok', `the generator produces all ${quadletFiles.length} units and the manager knows every one`);
  return check(id, 'fail', 'the Quadlet generator rejects or skips managed files, or units vanished', problems, [
    `fix the file the generator names (or put keelson's back: ${REAPPLY}), then ${systemctlLine(f.scope, 'daemon-reload')}`,
  ]);
};
