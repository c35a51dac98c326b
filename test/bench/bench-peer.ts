// npm run bench:peer (a benchmark, not a test; not part of npm test): keelson against a real Ansible doing the same
// work (test/bench/peer/playbook.yml) on the same test VM, started from the same prepared state the e2e scenarios
// use (/home on LUKS2, the audit log on its own filesystem), with the VM's own sshd counting the sessions. Each side
// gets fresh VMs restored from that state: keelson's first install, then re-run plans and idempotent applies;
// Ansible's first install and re-runs without and with pipelining (its guests get python3 first, outside the
// measured windows). Run it through /work/notes/vm-slot on the shared machine; it holds one VM at a time.
import { mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planActions, planSchema } from '../../src/engine/plan.js';
import { keelsonCli } from '../e2e/support/keelson-cli.js';
import { DEMO_GREETING, pageOf, preparedState } from '../e2e/support/prepared-states.js';
import { RUN_DIR_ENV, runPath } from '../e2e/support/run-dir.js';
import { readSnapshot } from '../host-vm/snapshot.js';
import { restoreVm, type Snapshot, type Vm } from '../host-vm/vm.js';
import { checkAnsible, runPlaybook, type AnsibleResult } from './peer/ansible-run.js';
import { installGuestPython } from './peer/guest-python.js';
import { goals, renderGoals, renderTable, type Row } from './peer/report.js';
import { closeWindow, openWindow, verboseSshd, type SessionCounts } from './peer/sshd-sessions.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ownRunDir = process.env[RUN_DIR_ENV] === undefined;
process.env[RUN_DIR_ENV] ??= join(process.env.KEELSON_VM_WORK ?? join(tmpdir(), 'keelson-vm'), `bench-peer-${process.pid}`);
const log = (s: string) => { console.error(`[bench:peer ${new Date().toISOString().slice(11, 19)}] ${s}`); };

interface Measured<T> {
  readonly ms: number;
  readonly sessions: SessionCounts;
  readonly value: T;
}

/** fn's wall time and what the VM's sshd saw while it ran. */
const measured = async <T>(vm: Vm, what: string, fn: () => Promise<T>): Promise<Measured<T>> => {
  const w = await openWindow(vm);
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  const sessions = await closeWindow(vm, w);
  log(`${what}: ${(ms / 1000).toFixed(1)} s, ${sessions.exec} exec, ${sessions.subsystem} sftp, ${sessions.logins} logins`);
  return { ms, sessions, value };
};

const row = (label: string, ms: Measured<unknown>[], note: string): Row => ({ label, ms: ms.map((m) => m.ms), sessions: ms.map((m) => m.sessions), note });

const expectPage = async (vm: Vm, who: string): Promise<void> => {
  const page = await pageOf(vm, 18080, 2 * 60_000);
  if (!page.includes(`<h1>${DEMO_GREETING}</h1>`)) throw new Error(`after ${who}'s install the demo does not answer on 127.0.0.1:18080: ${page}`);
};

const withVm = async <T>(snapshot: Snapshot, name: string, fn: (vm: Vm) => Promise<T>): Promise<T> => {
  log(`restoring ${name}`);
  const vm = await restoreVm(snapshot, { name });
  try {
    await verboseSshd(vm);
    return await fn(vm);
  } finally {
    await vm.stop();
  }
};

const keelsonSide = (prepared: Snapshot) =>
  withVm(prepared, 'peer-keelson', async (vm) => {
    const cli = async (args: string[]) => {
      const r = await keelsonCli(vm, args);
      if (r.code !== 0) throw new Error(`keelson ${args.join(' ')}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
      return r;
    };
    const install = await measured(vm, 'keelson apply --stack demo --yes (first install)', () => cli(['apply', '--stack', 'demo', '--yes']));
    await expectPage(vm, 'keelson');
    const plans: Measured<number>[] = [];
    for (let i = 0; i < RUNS; i++) {
      const m = await measured(vm, `keelson plan (re-run ${i + 1})`, async () => planSchema.parse(JSON.parse((await cli(['plan', '--stack', 'demo', '--json'])).stdout)));
      const left = planActions(m.value).length;
      if (left > 0) throw new Error(`keelson's re-run plan is not empty after its install: ${left} actions`);
      plans.push({ ...m, value: m.value.roundTrips + m.value.validationRoundTrips });
    }
    const applies: Measured<unknown>[] = [];
    for (let i = 0; i < RUNS; i++) applies.push(await measured(vm, `keelson apply (re-run ${i + 1})`, () => cli(['apply', '--stack', 'demo', '--yes'])));
    return {
      install: row('keelson first install', [install], 'apply --stack demo --yes'),
      plan: row('keelson re-run plan', plans, `plan --json; the plan says ${plans.map((p) => p.value).join(', ')} round trips`),
      apply: row('keelson re-run apply', applies, 'apply --stack demo --yes, nothing to do'),
    };
  });

/** A state of the bench's own: prepared, plus python3 for Ansible's modules (installed once, restored twice). */
const preparedWithPython = async (prepared: Snapshot): Promise<Snapshot> => {
  const dir = runPath('states', 'prepared-python');
  try {
    return await readSnapshot(dir);
  } catch {
    log('making prepared-python (python3 into the guest for Ansible)');
    const vm = await restoreVm(prepared, { name: 'peer-python' });
    try {
      log(`installed ${(await installGuestPython(vm)).join(' ')}`);
      mkdirSync(dir, { recursive: true });
      return await vm.saveSnapshot(dir, 'prepared-python');
    } finally {
      await vm.stop();
    }
  }
};

const ansible = (vm: Vm, what: string, o: { pipelining: boolean; check?: boolean; rerun: boolean }) =>
  measured(vm, what, async (): Promise<AnsibleResult> => {
    const r = await runPlaybook(vm, o);
    if (o.rerun && r.recap.changed > 0) throw new Error(`Ansible's re-run changed ${r.recap.changed} things: the playbook is not idempotent\n${r.output.slice(-6000)}`);
    return r;
  });
const recapNote = (ms: Measured<AnsibleResult>[], extra: string) => `${extra}ok=${ms[0]?.value.recap.ok} changed=${ms[0]?.value.recap.changed}`;

/** One VM: Ansible's first install without pipelining, then its re-runs (pipelined first: the goal's figure). */
const ansibleReruns = (withPython: Snapshot) =>
  withVm(withPython, 'peer-ansible', async (vm) => {
    const install = await ansible(vm, 'ansible-playbook, no pipelining (first install)', { pipelining: false, rerun: false });
    await expectPage(vm, 'Ansible');
    const piped = [await ansible(vm, 'ansible-playbook, pipelining (re-run)', { pipelining: true, rerun: true })];
    const rerun = [await ansible(vm, 'ansible-playbook, no pipelining (re-run)', { pipelining: false, rerun: true })];
    const check = [await ansible(vm, 'ansible-playbook --check, pipelining (re-run)', { pipelining: true, check: true, rerun: true })];
    return {
      install: row('Ansible first install', [install], recapNote([install], 'no pipelining; ')),
      rerun: row('Ansible re-run', rerun, recapNote(rerun, 'no pipelining; ')),
      rerunPipelined: row('Ansible re-run, pipelined', piped, recapNote(piped, '')),
      checkPipelined: row('Ansible re-run --check, pipelined', check, recapNote(check, '')),
    };
  });

/** A second fresh VM: Ansible's first install with pipelining. */
const ansiblePipedInstall = (withPython: Snapshot) =>
  withVm(withPython, 'peer-ansible-piped', async (vm) => {
    const install = await ansible(vm, 'ansible-playbook, pipelining (first install)', { pipelining: true, rerun: false });
    await expectPage(vm, 'Ansible (pipelining)');
    return row('Ansible first install, pipelined', [install], recapNote([install], ''));
  });

try {
  checkAnsible();
  const prepared = await preparedState('prepared');
  // Ansible first: a playbook that fails on this host fails the bench in minutes, not after keelson's part.
  const withPython = await preparedWithPython(prepared);
  const reruns = await ansibleReruns(withPython);
  const k = await keelsonSide(prepared);
  const a = { ...reruns, installPipelined: await ansiblePipedInstall(withPython) };
  const table = renderTable([k.install, k.plan, k.apply, a.install, a.installPipelined, a.rerun, a.rerunPipelined, a.checkPipelined]);
  const verdict = renderGoals(goals(k, a));
  const out = join(process.env.KEELSON_BENCH_CACHE ?? '/var/tmp/keelson-bench-peer', `result-${new Date().toISOString().replaceAll(':', '')}.json`);
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ keelson: k, ansible: a }, null, 2)}\n`);
  console.log(`${table}\n\n${verdict}\n\n(exec: "Starting session: command" lines of the VM's sshd, LogLevel VERBOSE; figures in ${out})`);
} finally {
  if (ownRunDir && process.env.KEELSON_VM_KEEP === undefined) await rm(process.env[RUN_DIR_ENV] ?? '', { recursive: true, force: true });
}
