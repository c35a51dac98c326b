// keelson-linux-x64 on a host without Node: built here (npm run build:sea), copied onto the test VM (the run's
// "booted" state, which has no Node), and run there with the local transport: --version and the licences it carries,
// the demo stack's plan
// (the same verdict keelson gives over SSH from this machine), and the wizard. The VM has no tmux: the wizard runs
// in the terminal sshd gives it there (ssh -tt), inside a tmux window on this machine that reads its screen.
import { execa } from 'execa';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planSchema } from '../../src/engine/plan.js';
import { KEELSON_VERSION } from '../../src/engine/version.js';
import { keelsonCli, REPO_ROOT } from './support/keelson-cli.js';
import { useVmFrom } from './support/prepared-states.js';
import { useTimings } from './support/timings.js';
import { Tmux } from './support/tmux.js';

const MIN = 60_000;
const REMOTE = '/root/keelson-linux-x64';
const timer = useTimings(import.meta.url);
const booted = useVmFrom('booted', 'single-executable', timer);
let executable = '';

beforeAll(async () => {
  await timer.time('keelson', 'npm run build:sea', () => execa('npm', ['run', 'build:sea'], { cwd: REPO_ROOT }));
  executable = join(REPO_ROOT, 'dist', 'keelson-linux-x64');
  await timer.time('wait', 'copy the executable in', async () => booted().putFile(REMOTE, await readFile(executable), '0755'));
}, 20 * MIN);

describe('keelson-linux-x64 on the test VM (no Node there)', () => {
  it('runs where there is no Node at all', async () => {
    const vm = booted();
    expect((await vm.ssh('command -v node nodejs')).stdout.trim()).toBe('');
    const r = await vm.ssh(`cd /tmp && ${REMOTE} --version`);
    expect(r, r.stderr).toMatchObject({ code: 0, stdout: `${KEELSON_VERSION}\n` });
    // The third-party code inside travels with its licences: each bundled package's heading and its licence text.
    const lic = await vm.ssh(`cd /tmp && ${REMOTE} licenses`);
    expect(lic.code, lic.stderr).toBe(0);
    expect(lic.stdout).toMatch(/^keelson \S+ is licensed under AGPL-3\.0-or-later/);
    for (const pkg of ['ink', 'react', 'ssh2', 'zod']) expect(lic.stdout).toMatch(new RegExp(`^${pkg} [0-9][^ ]* \\(`, 'm'));
    expect(lic.stdout).toContain('Permission is hereby granted, free of charge');
  });

  it('plans the bundled demo stack for the host it runs on, with the verdict keelson gives over SSH', async () => {
    const vm = booted();
    const local = await timer.time('keelson', 'plan --stack demo (on the VM)', () => vm.ssh(`cd /tmp && ${REMOTE} plan --stack demo --json`, { timeoutMs: 10 * MIN }));
    const remote = await keelsonCli(vm, ['plan', '--stack', 'demo', '--json'], { timer, label: 'plan --stack demo (over SSH)' });
    const [here, there] = [planSchema.parse(JSON.parse(local.stdout)), planSchema.parse(JSON.parse(remote.stdout))];
    expect(local.code, local.stderr).toBe(remote.code);
    expect([0, 3]).toContain(local.code);
    expect(here.host).toBe('this machine (root)');
    expect(here.stack.name).toBe('demo');
    expect({ blocked: here.blocked, blockerCount: here.blockerCount, steps: here.steps }).toEqual({ blocked: there.blocked, blockerCount: there.blockerCount, steps: there.steps });
  }, 20 * MIN);

  describe('the wizard, in the terminal of an ssh session to the VM', () => {
    const tmux = new Tmux({ socket: `keelson-e2e-sea-${process.pid}`, cols: 100, rows: 30 });
    let home = '';
    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'keelson-sea-'));
    });
    afterAll(async () => {
      await tmux.killServer();
      await rm(home, { recursive: true, force: true });
    });

    /**
     * Presses the key until the screen it leads to shows (at most three times, 20 s apart): under emulation the
     * first frame can be drawn before the wizard reads the keyboard, and a key typed then is lost (seen once in 3).
     */
    const pressUntil = async (key: string, pattern: RegExp, what: string): Promise<string> => {
      for (let i = 1; ; i++) {
        await tmux.key('w', key);
        try {
          return await tmux.waitFor('w', pattern, { timeoutMs: 20_000, what });
        } catch (e) {
          if (i === 3) throw e;
        }
      }
    };

    it('opens on Welcome, lists the stacks built into the executable, and quits cleanly', async () => {
      const vm = booted();
      const ssh = ['ssh', '-tt', '-F', '/dev/null', '-i', vm.root.identityFile, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${vm.knownHostsFile}`];
      const argv = [...ssh, '-p', String(vm.port), `root@${vm.host}`, `cd /tmp && TERM=xterm-256color LANG=C.UTF-8 exec ${REMOTE}`];
      const started = performance.now();
      await tmux.open({ name: 'w', cwd: home, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TERM: 'xterm-256color' }, argv });
      let screen = await tmux.waitFor('w', /^keelson {2}Welcome$/m, { timeoutMs: 3 * MIN, what: 'the Welcome screen' });
      timer.record('keelson', 'wizard first frame (on the VM, through ssh -tt)', performance.now() - started);
      expect(screen).toContain('Nothing changes on the host until you confirm the Review.');
      screen = await pressUntil('Enter', /^keelson {2}Target$/m, 'the Target screen');
      expect(screen).toMatch(/^ › This machine$/m);
      await tmux.key('w', 'Enter');
      screen = await tmux.waitFor('w', /Which stack\?/, { timeoutMs: 5 * MIN, what: 'the Stack screen' });
      expect(screen).toMatch(/demo 1\.0\.0/);
      expect(screen).toMatch(/cdr-link /);
      await tmux.key('w', 'q');
      expect(await tmux.waitExit('w', { timeoutMs: MIN, what: 'the wizard to quit' })).toBe(0);
    }, 15 * MIN);
  });
});
