// The summary as lines: what runs, where, how to reach it, and where the log and journal are. Pure: all of it
// follows from the manifest, the target and how apply ended.
import type { ApplyOutcome, SavedAnswers, StackInfo, TargetSpec } from '../controller.js';
import { parseTarget } from '../../src/cli/parse-target.js';
import { blank, line, seg, wrapped, type Line } from '../lines/line.js';
import { parsePublish, type Publish } from '../../src/manifest/publish.js';
import { systemctlArgs } from '../../src/engine/scope.js';
import { stackScope, unitPaths } from '../../steps/quadlet/placement.js';
import { isTarget, serviceUnit, targetUnit } from '../../steps/quadlet/unit-names.js';

export interface SummaryInput {
  readonly stack: StackInfo;
  readonly hostLabel: string;
  readonly target: TargetSpec;
  /** null: there was nothing to apply. */
  readonly outcome: ApplyOutcome | null;
  readonly logPath: string;
  readonly saved: SavedAnswers | null;
  /** How the operator starts keelson from where they are (the controller knows). */
  readonly keelson: string;
}

export interface Published extends Publish {
  readonly container: string;
}

export const publishedPorts = (stack: StackInfo): Published[] =>
  stack.manifest.containers.flatMap((c) =>
    c.publish.flatMap((p) => {
      const pub = parsePublish(p);
      return pub === null ? [] : [{ ...pub, container: c.name }];
    }),
  );

/** How to reach a published port from the operator's seat: directly, or through an SSH tunnel when it is loopback-only. */
export const reachLine = (p: Published, target: TargetSpec): string => {
  const where = p.everyInterface ? `every address of the host, port ${p.hostPort}` : `${p.ip}:${p.hostPort}`;
  const base = `${p.container} port ${p.containerPort}/${p.proto} → ${where}`;
  if (target.kind === 'local' || !p.loopback || p.proto !== 'tcp') return base;
  try {
    const t = parseTarget(target.destination);
    const port = t.port === 22 ? '' : ` -p ${t.port}`;
    return `${base}; from here: ssh -L ${p.hostPort}:${p.ip}:${p.hostPort}${port} ${t.username}@${t.host}`;
  } catch {
    return base;
  }
};

/** The unit that pulls in the rest (manifest.start), else the first target, else each container. */
export const entryUnits = (stack: StackInfo): string[] => {
  const m = stack.manifest;
  const start = m.start ?? m.targets[0]?.name;
  if (start !== undefined) return [isTarget(m, start) ? targetUnit(start) : serviceUnit(start)];
  return m.containers.map((c) => serviceUnit(c.name));
};

export const whereLines = (stack: StackInfo): string[] => {
  const m = stack.manifest;
  const units = entryUnits(stack).join(' ');
  const check = `check: ${systemctlArgs(stackScope(m)).join(' ')} status ${units}`;
  if (m.mode === 'rootless' && m.owner !== undefined) {
    return [`rootless, as user ${m.owner}: units in ${unitPaths('rootless', `~${m.owner}`).dirs.quadlet}`, check];
  }
  return [`rootful: units in ${unitPaths('rootful', '').dirs.quadlet}`, check];
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const summaryLines = (input: SummaryInput, width: number): Line[] => {
  const { stack, hostLabel, target, outcome, logPath, saved, keelson } = input;
  const m = stack.manifest;
  const out: Line[] = [];
  const ok = seg('✓ ', { tone: 'ok', bold: true });
  if (outcome === null) out.push(...wrapped(`Nothing to do: ${hostLabel} already runs ${m.stack} ${m.version} as planned.`, width, { bold: true }, ok, '  '));
  else if (outcome.ok) out.push(...wrapped(`${m.stack} ${m.version} is deployed on ${hostLabel}: ${outcome.done} done, ${outcome.skipped} already so.`, width, { bold: true }, ok, '  '));
  else if (outcome.stopped) out.push(...wrapped(`Stopped as you asked after ${plural(outcome.done + outcome.skipped, 'action')}; run ${keelson} again to resume or roll back.`, width, { bold: true }, seg('! ', { tone: 'warn', bold: true }), '  '));
  else {
    out.push(...wrapped(`Apply stopped at action ${(outcome.failed?.index ?? 0) + 1}: ${outcome.failed?.description ?? ''}`, width, { tone: 'bad', bold: true }, seg('✗ ', { tone: 'bad', bold: true }), '  '));
    if (outcome.failed !== undefined) out.push(...wrapped(outcome.failed.error, width, { tone: 'bad' }, seg('  '), '  '));
    out.push(...wrapped(`Fix the cause and press r (or run ${keelson} again): finished actions are not repeated.`, width, { tone: 'accent' }));
  }
  out.push(blank, line('What runs', { bold: true }));
  const nameWidth = Math.min(20, Math.max(...m.containers.map((c) => c.name.length)) + 2);
  const named = (name: string, what: string) => wrapped(what, width, { tone: 'muted' }, seg(`  ${name.padEnd(nameWidth)}`, { bold: true }), '');
  for (const c of m.containers) out.push(...named(c.name, `${c.image}  as ${c.user}`));
  for (const t of m.targets) out.push(...named(t.name, `target: ${t.members.join(', ')}`));
  out.push(blank, line('Where', { bold: true }));
  out.push(...wrapped(hostLabel, width, {}, seg('  '), '    '));
  for (const w of whereLines(stack)) out.push(...wrapped(w, width, {}, seg('  '), '    '));
  out.push(blank, line('How to reach it', { bold: true }));
  const ports = publishedPorts(stack);
  for (const p of ports) out.push(...wrapped(reachLine(p, target), width, {}, seg('  '), '    '));
  for (const s of m.sockets) out.push(...wrapped(`unix sockets in ${s.dir} (group ${s.group}, mode ${s.mode})`, width, {}, seg('  '), '    '));
  if (ports.length === 0 && m.sockets.length === 0) out.push(...wrapped('nothing is published: the stack is reached from its own containers only', width, { tone: 'muted' }, seg('  '), '    '));
  out.push(blank, line('Files', { bold: true }));
  out.push(...wrapped(`log of this run (secrets redacted): ${logPath}`, width, {}, seg('  '), '    '));
  if (outcome !== null && outcome.journalPath !== '') out.push(...wrapped(`journal on the host: ${outcome.journalPath}`, width, {}, seg('  '), '    '));
  if (saved === null) out.push(...wrapped(`w saves the answers for "${keelson} apply --answers FILE"`, width, { tone: 'muted' }, seg('  '), '    '));
  else {
    out.push(...wrapped(`answers: ${saved.answersPath}${saved.secretsPath === null ? '' : `, secrets: ${saved.secretsPath} (0600)`}`, width, {}, seg('  '), '    '));
    out.push(...wrapped(`replay: ${saved.replay}`, width, { tone: 'muted' }, seg('  '), '    '));
  }
  return out;
};
