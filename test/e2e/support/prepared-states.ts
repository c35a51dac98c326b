// Prepared states: hosts the scenarios start from, each made ONCE per run by the code under test and saved as a VM
// snapshot (test/host-vm/snapshot.ts); every scenario that needs one restores its own copy in seconds, so none
// depends on another's side effects. The first worker to ask for a state makes it (under a lock); the others wait
// and restore it. A state that could not be made fails its dependants at once, with the reason.
//
//   booted          a cold boot of the base image, with the standard blank disks (home, audit, spare)
//   prepared        as an installer leaves a host: /home on LUKS2 opened at boot from a key file, the audit log on
//                   its own filesystem
//   demo-installed  prepared + the demo stack installed by keelson (plan --out, then apply of that plan)
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { runGuestScript } from '../../host-vm/guest-scripts.js';
import { bootVm, restoreVm, type ExtraDisk, type Snapshot, type Vm } from '../../host-vm/vm.js';
import { readSnapshot } from '../../host-vm/snapshot.js';
import { keelsonCli } from './keelson-cli.js';
import { withLock } from './lock.js';
import { runPath } from './run-dir.js';
import { timerFor, type Timer } from './timings.js';

export type StateName = 'booted' | 'prepared' | 'demo-installed';

/** Every scenario VM has the same hardware, so any of them can start from any state. */
export const STANDARD_DISKS: readonly ExtraDisk[] = [
  { id: 'home', sizeMiB: 1024 },
  { id: 'audit', sizeMiB: 512 },
  { id: 'spare', sizeMiB: 128 },
];
export const HOME_DISK = '/dev/disk/by-id/virtio-home';
export const AUDIT_DISK = '/dev/disk/by-id/virtio-audit';
export const SPARE_DISK = '/dev/disk/by-id/virtio-spare';
export const DEMO_GREETING = 'Hello from keelson';
const MIN = 60_000;

interface StateDef {
  readonly from: StateName | null;
  /** Turns the running VM into the state; artifacts (what keelson printed) go into dir. */
  readonly make: (vm: Vm, dir: string, timer: Timer) => Promise<void>;
  /** Checked on every restore before a scenario gets the VM: the state is really there. */
  readonly verify: (vm: Vm) => Promise<void>;
}

const expectOut = async (vm: Vm, cmd: string, want: string | RegExp, what: string): Promise<void> => {
  const got = (await vm.sshOk(cmd, { timeoutMs: 5 * MIN })).trim();
  if (typeof want === 'string' ? got !== want : !want.test(got)) throw new Error(`${what}: "${cmd}" said "${got}"`);
};

/** curl from inside the VM until the page answers, or the deadline. */
export const pageOf = async (vm: Vm, port: number, deadlineMs = 0): Promise<string> => {
  const until = performance.now() + deadlineMs;
  for (;;) {
    const r = await vm.ssh(`curl -fsS --max-time 20 http://127.0.0.1:${port}/`, { timeoutMs: 2 * MIN });
    if (r.code === 0 || performance.now() >= until) return r.code === 0 ? r.stdout : `curl exit ${r.code}: ${r.stderr}`;
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
};

export const DEMO_UNITS = 'api.service web.service page.service demo.target';

const STATES: Record<StateName, StateDef> = {
  booted: {
    from: null,
    make: () => Promise.resolve(),
    verify: () => Promise.resolve(),
  },
  prepared: {
    from: 'booted',
    make: async (vm) => {
      await runGuestScript(vm, 'setup-luks.sh', ['--device', HOME_DISK, '--name', 'home', '--mount', '/home', '--key-file', '/etc/cryptsetup-keys.d/home.key'], {
        input: 'keelson-e2e-passphrase\n',
        timeoutMs: 10 * MIN,
      });
      await runGuestScript(vm, 'setup-ext4-mount.sh', ['--device', AUDIT_DISK, '--mount', '/var/log/audit', '--label', 'audit'], { timeoutMs: 10 * MIN });
    },
    verify: async (vm) => {
      await expectOut(vm, 'findmnt -n -o SOURCE --target /home', '/dev/mapper/home', 'the prepared /home is not the LUKS volume');
      await expectOut(vm, 'findmnt -n -o LABEL --target /var/log/audit', 'audit', 'the prepared audit log is not on its own filesystem');
    },
  },
  'demo-installed': {
    from: 'prepared',
    make: async (vm, dir, timer) => {
      const plan = await keelsonCli(vm, ['plan', '--stack', 'demo', '--out', join(dir, 'plan.json')], { timer, label: 'state demo-installed: plan' });
      if (plan.code !== 0) throw new Error(`keelson plan --stack demo: exit ${plan.code}\n${plan.stdout}\n${plan.stderr}`);
      const apply = await keelsonCli(vm, ['apply', join(dir, 'plan.json'), '--yes'], { timer, label: 'state demo-installed: apply' });
      await writeFile(join(dir, 'apply.stderr.txt'), apply.stderr);
      if (apply.code !== 0) throw new Error(`keelson apply (demo): exit ${apply.code}\n${apply.stderr}`);
    },
    verify: async (vm) => {
      await expectOut(vm, `systemctl --user -M keelson-demo@ is-active ${DEMO_UNITS} | sort -u`, 'active', 'the installed demo is not active');
      const page = await pageOf(vm, 18080, 2 * MIN);
      if (!page.includes(`<h1>${DEMO_GREETING}</h1>`)) throw new Error(`the installed demo does not answer on 127.0.0.1:18080: ${page}`);
    },
  },
};

const stateDir = (name: StateName): string => runPath('states', name);

/** A file keelson wrote while making the state (e.g. demo-installed's plan.json). */
export const stateArtifact = (name: StateName, file: string): Promise<string> => readFile(join(stateDir(name), file), 'utf8');

const makeState = async (name: StateName, dir: string): Promise<Snapshot> => {
  const def = STATES[name];
  const timer = timerFor(`state ${name}`);
  const vm =
    def.from === null
      ? await timer.time('start', 'cold boot', () => bootVm({ name: `state-${name}`, extraDisks: [...STANDARD_DISKS], sshDeadlineMs: 12 * MIN }))
      : await startFrom(def.from, `state-${name}`, timer);
  try {
    await timer.time('state', 'make', () => def.make(vm, dir, timer));
    await def.verify(vm);
    return await timer.time('state', 'save', () => vm.saveSnapshot(dir, name));
  } finally {
    await vm.stop();
  }
};

/** The state's snapshot, made now if this run has none yet (one maker; the others wait for it). */
export const preparedState = async (name: StateName): Promise<Snapshot> => {
  const dir = stateDir(name);
  await mkdir(dir, { recursive: true });
  return withLock(`${dir}.lock`, async () => {
    if (existsSync(join(dir, 'snapshot.json'))) return readSnapshot(dir);
    const failed = `${dir}.failed`;
    if (existsSync(failed)) throw new Error(`the prepared state "${name}" could not be made in this run: ${await readFile(failed, 'utf8')}`);
    try {
      return await makeState(name, dir);
    } catch (e) {
      await writeFile(failed, e instanceof Error ? (e.stack ?? e.message) : String(e));
      throw e;
    }
  });
};

/** A new VM restored from the state, proven to be it before it is returned. Waiting for the state to be made is timed apart. */
export const startFrom = async (name: StateName, vmName: string, timer: Timer): Promise<Vm> => {
  const snapshot = await timer.time('wait', `state ${name} ready`, () => preparedState(name));
  const vm = await timer.time('start', `restore ${name}`, () => restoreVm(snapshot, { name: vmName }));
  try {
    await STATES[name].verify(vm);
    return vm;
  } catch (e) {
    await vm.stop();
    throw e;
  }
};

/** One VM for a describe block, restored from the state before its tests and stopped after them. */
export const useVmFrom = (name: StateName, vmName: string, timer: Timer): (() => Vm) => {
  let vm: Vm | undefined;
  beforeAll(async () => {
    vm = await startFrom(name, vmName, timer);
  }, 40 * MIN);
  afterAll(async () => {
    await vm?.stop();
  }, 5 * MIN);
  return () => {
    if (vm === undefined) throw new Error(`the VM from state "${name}" did not start (see the beforeAll error)`);
    return vm;
  };
};
