// The system executors over the real test sshd, as root: tmpfiles for real (systemd-tmpfiles creates the directory
// with its owner and mode), and what reaches systemctl, apt-get, dnf and loginctl for the rest. systemd is not PID 1
// here and nothing may be installed, so those four are recording stand-ins: the argv, the user, the environment and
// the exit codes are real; that the units really reload, start and take the signal, that packages really install
// and linger really holds, the test VM proves (test/e2e/).
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ActionOf } from '../../src/engine/action.js';
import type { ExecutorContext } from '../../src/apply/executor.js';
import { lingerEnable } from '../../src/apply/executors/accounts.js';
import { systemdSignal } from '../../src/apply/executors/signal.js';
import { daemonReload, packageInstall, systemdUnit, tmpfilesCreate } from '../../src/apply/executors/system.js';
import { Journal } from '../../src/apply/journal.js';
import type { Host } from '../../src/host/host.js';
import { connectToTestSshd } from '../host/ssh-fixture.js';
import { startSshd, type TestSshd } from '../support/sshd.js';
import { makeStandIns, pathWith, type StandIns } from '../support/stand-ins.js';

let stand: StandIns;
let sshd: TestSshd;
let host: Host;
let dir: string;
const lines: string[] = [];
const ctx = (): ExecutorContext => ({ host, journal: new Journal(host, 'r1'), index: 0, runId: 'r1', secretAnswers: {}, onLine: (l) => lines.push(l) });
const argvs = async () => (await stand.calls()).map((c) => [c.program, ...c.args]);
// A rootless scope with a real account ("nobody"): its user manager is reached as that user.
const user = { scope: 'user', user: 'nobody' } as const;
const NOBODY_RUNTIME = `/run/user/${execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim()}`;

beforeAll(async () => {
  stand = await makeStandIns(['systemctl', 'apt-get', 'dnf', 'loginctl']);
  sshd = await startSshd({ env: { PATH: pathWith(stand) } });
  host = await connectToTestSshd(sshd);
  dir = await mkdtemp(join(tmpdir(), 'keelson-system-'));
});
afterAll(async () => {
  await host.close();
  await sshd.stop();
  await stand.remove();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await stand.clear();
  lines.length = 0;
});

describe('tmpfiles.create (real systemd-tmpfiles)', () => {
  it('creates the directories of the planned file now, with their owner and mode; a second run changes nothing', async () => {
    const sockets = join(dir, 'run-demo');
    const conf = join(dir, 'keelson-demo.conf');
    await writeFile(conf, `d ${sockets} 0770 root nogroup -\n`);
    const a: ActionOf<'tmpfiles.create'> = { kind: 'tmpfiles.create', description: 'create', path: conf };
    expect(await tmpfilesCreate(a, ctx())).toBe('done');
    const s = await stat(sockets);
    const nogroup = Number(execFileSync('getent', ['group', 'nogroup'], { encoding: 'utf8' }).split(':')[2]);
    expect([s.isDirectory(), s.mode & 0o7777, s.uid, s.gid]).toEqual([true, 0o770, 0, nogroup]);
    expect(await tmpfilesCreate(a, ctx())).toBe('done');
  });

  it('a file systemd-tmpfiles refuses stops the apply with its words', async () => {
    const conf = join(dir, 'broken.conf');
    await writeFile(conf, `d ${join(dir, 'x')} 0770 no-such-user-kt root -\n`);
    await expect(tmpfilesCreate({ kind: 'tmpfiles.create', description: 'create', path: conf }, ctx())).rejects.toThrow(/no-such-user-kt/);
  });
});

describe('systemd in a scope', () => {
  it('daemon-reload and units: the user manager as its user (systemctl --user, its runtime dir), --no-block when planned, enable --now for enable-now', async () => {
    await daemonReload({ kind: 'systemd.daemon-reload', description: 'reload', target: user }, ctx());
    await systemdUnit({ kind: 'systemd.unit', description: 'start', target: user, verb: 'enable-now', unit: 'demo.target', noBlock: true }, ctx());
    await systemdUnit({ kind: 'systemd.unit', description: 'restart', target: { scope: 'system' }, verb: 'restart', unit: 'web.service' }, ctx());
    expect(await argvs()).toEqual([
      ['systemctl', '--user', 'daemon-reload'],
      ['systemctl', '--user', 'enable', '--now', '--no-block', '--', 'demo.target'],
      ['systemctl', 'restart', '--', 'web.service'],
    ]);
    expect((await stand.calls()).map((c) => [c.user, c.env.XDG_RUNTIME_DIR])).toEqual([['nobody', NOBODY_RUNTIME], ['nobody', NOBODY_RUNTIME], ['root', '']]);
  });

  it('a unit that does not start stops the apply with systemctl\'s words', async () => {
    await stand.rules('systemctl', [{ args: 'start *', exit: 1, stdout: 'Job for web.service failed because the control process exited with error code.\n' }]);
    await expect(systemdUnit({ kind: 'systemd.unit', description: 'start', target: { scope: 'system' }, verb: 'start', unit: 'web.service' }, ctx())).rejects.toThrow(/Job for web\.service failed/);
  });
});

describe('systemd.signal', () => {
  const hup: ActionOf<'systemd.signal'> = { kind: 'systemd.signal', description: 'reload auditd', target: { scope: 'system' }, unit: 'auditd.service', signal: 'SIGHUP' };

  it('asks whether the unit runs, then signals its main process only', async () => {
    expect(await systemdSignal(hup, ctx())).toBe('done');
    expect(await argvs()).toEqual([
      ['systemctl', 'is-active', '--quiet', '--', 'auditd.service'],
      ['systemctl', 'kill', '--kill-who=main', '--signal=SIGHUP', '--', 'auditd.service'],
    ]);
  });

  it('a unit that is not running is not signalled, and the error says to start it', async () => {
    await stand.rules('systemctl', [{ args: 'is-active *', exit: 3 }]);
    await expect(systemdSignal(hup, ctx())).rejects.toThrow('auditd.service is not running, so it cannot reread its configuration: start it (systemctl start auditd.service) and run apply again.');
    expect((await argvs()).map((a) => a[1])).toEqual(['is-active']);
  });
});

describe('package.install', () => {
  it('apt: non-interactive, no recommends, names after "--", each output line streamed', async () => {
    await stand.rules('apt-get', [{ args: 'install *', stdout: 'Setting up podman (5.4.2+ds1-2) ...\n' }]);
    await packageInstall({ kind: 'package.install', description: 'install', manager: 'apt', packages: ['podman', 'crun'] }, ctx());
    const [call] = await stand.calls();
    expect([call?.program, ...(call?.args ?? [])]).toEqual(['apt-get', 'install', '-y', '--no-install-recommends', '--', 'podman', 'crun']);
    expect([call?.user, call?.env.DEBIAN_FRONTEND]).toEqual(['root', 'noninteractive']);
    expect(lines).toEqual(['Setting up podman (5.4.2+ds1-2) ...']);
  });

  it('dnf: -y, names after "--"; a failure carries the package manager\'s words', async () => {
    await packageInstall({ kind: 'package.install', description: 'install', manager: 'dnf', packages: ['podman'] }, ctx());
    expect(await argvs()).toEqual([['dnf', 'install', '-y', '--', 'podman']]);
    await stand.rules('apt-get', [{ args: 'install *', exit: 100, stdout: 'E: Unable to locate package podman\n' }]);
    await expect(packageInstall({ kind: 'package.install', description: 'install', manager: 'apt', packages: ['podman'] }, ctx())).rejects.toThrow(/Unable to locate package podman/);
  });
});

describe('linger.enable', () => {
  it('loginctl enable-linger for the owner, the name after "--"', async () => {
    expect(await lingerEnable({ kind: 'linger.enable', description: 'linger', user: 'keelson-demo' }, ctx())).toBe('done');
    expect(await argvs()).toEqual([['loginctl', 'enable-linger', '--', 'keelson-demo']]);
  });
});
