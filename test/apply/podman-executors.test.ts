// The Podman executors (secret, load, pull, image-build and the probe's image) over the real test sshd, as root,
// in a rootless scope (the real account "nobody"). Podman itself is a recording stand-in (this machine has none): what
// is proven here is what reaches it through SSH, runuser and timeout — the argv, the user and runtime directory, and
// that a secret's value arrives on stdin and never in an argument — and, for the image builders, the real image
// tarball they make from the real static busybox. That Podman then really imports, loads, pulls and stores the
// secret is proven on the test VM (test/e2e/quadlet-demo.e2e.test.ts).
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ActionOf, Scope } from '../../src/engine/action.js';
import type { ExecutorContext } from '../../src/apply/executor.js';
import { podmanImageBuild } from '../../src/apply/executors/image-build.js';
import { podmanImageLoad, podmanImagePull, podmanSecret } from '../../src/apply/executors/podman.js';
import { probeImage } from '../../src/apply/executors/probe.js';
import { Journal } from '../../src/apply/journal.js';
import type { Host } from '../../src/host/host.js';
import { connectToTestSshd } from '../host/ssh-fixture.js';
import { startSshd, type TestSshd } from '../support/sshd.js';
import { makeStandIns, pathWith, type StandIns } from '../support/stand-ins.js';

const nobody: Scope = { scope: 'user', user: 'nobody' };
const NOBODY_RUNTIME = `/run/user/${execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim()}`;

let stand: StandIns;
let sshd: TestSshd;
let host: Host;
const lines: string[] = [];
const ctx = (secretAnswers: Record<string, string> = {}): ExecutorContext => ({ host, journal: new Journal(host, 'r1'), index: 0, runId: 'r1', secretAnswers, onLine: (l) => lines.push(l) });

beforeAll(async () => {
  stand = await makeStandIns(['podman']);
  sshd = await startSshd({ env: { PATH: pathWith(stand) } });
  host = await connectToTestSshd(sshd);
});
afterAll(async () => {
  await host.close();
  await sshd.stop();
  await stand.remove();
});
beforeEach(async () => {
  await stand.clear();
  lines.length = 0;
});

const asNobody = { program: 'podman', user: 'nobody', env: { XDG_RUNTIME_DIR: NOBODY_RUNTIME, DEBIAN_FRONTEND: '' } };

describe('podman.secret', () => {
  const generated: ActionOf<'podman.secret'> = { kind: 'podman.secret', description: 'secret', target: nobody, name: 'demo-token', source: { from: 'generate', length: 32 } };

  it('a generated value of the planned length reaches `podman secret create NAME -` on stdin only, as the owner', async () => {
    await stand.rules('podman', [{ args: 'secret exists *', exit: 1 }, { args: 'secret create *', stdin: true }]);
    expect(await podmanSecret(generated, ctx())).toBe('done');
    const calls = await stand.calls();
    expect(calls.map((c) => ({ ...c, stdin: undefined }))).toEqual([
      { ...asNobody, args: ['secret', 'exists', 'demo-token'], stdin: undefined },
      { ...asNobody, args: ['secret', 'create', 'demo-token', '-'], stdin: undefined },
    ]);
    const value = calls[1]?.stdin ?? '';
    expect(value).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(calls.flatMap((c) => c.args).join(' ')).not.toContain(value);
  });

  it('an answered secret arrives byte for byte; an existing one is left alone', async () => {
    await stand.rules('podman', [{ args: 'secret exists *', exit: 1 }, { args: 'secret create *', stdin: true }]);
    const answered: ActionOf<'podman.secret'> = { ...generated, name: 'demo-db', source: { from: 'answer', id: 'db-password' } };
    const value = "it's a 'quoted' $value; with `ticks`\n";
    expect(await podmanSecret(answered, ctx({ 'db-password': value }))).toBe('done');
    expect((await stand.calls())[1]?.stdin).toBe(value);
    await stand.clear();
    await stand.rules('podman', [{ args: 'secret exists *', exit: 0 }]);
    expect(await podmanSecret(answered, ctx({ 'db-password': value }))).toBe('skipped');
    expect((await stand.calls()).map((c) => c.args[1])).toEqual(['exists']);
  });

  it('a missing answer stops before anything is created; a refused create carries Podman\'s words', async () => {
    await stand.rules('podman', [{ args: 'secret exists *', exit: 1 }, { args: 'secret create *', stdin: true, exit: 125, stdout: 'Error: secret name in use\n' }]);
    const answered: ActionOf<'podman.secret'> = { ...generated, source: { from: 'answer', id: 'db-password' } };
    await expect(podmanSecret(answered, ctx())).rejects.toThrow(/the answer for secret "demo-token" is missing/);
    expect((await stand.calls()).map((c) => c.args[1])).toEqual(['exists']);
    await expect(podmanSecret(generated, ctx())).rejects.toThrow(/secret name in use/);
  });
});

describe('podman.image-load and podman.image-pull', () => {
  it('load: `podman load --input ARCHIVE` as the owner, unless the image is there', async () => {
    const load: ActionOf<'podman.image-load'> = { kind: 'podman.image-load', description: 'load', target: nobody, archive: '/srv/images/demo.tar', image: 'localhost/demo:1' };
    await stand.rules('podman', [{ args: 'image exists *', exit: 1 }]);
    expect(await podmanImageLoad(load, ctx())).toBe('done');
    expect(await stand.calls()).toEqual([
      { ...asNobody, args: ['image', 'exists', 'localhost/demo:1'] },
      { ...asNobody, args: ['load', '--input', '/srv/images/demo.tar'] },
    ]);
    await stand.clear();
    await stand.rules('podman', [{ args: 'image exists *', exit: 0 }]);
    expect(await podmanImageLoad(load, ctx())).toBe('skipped');
    expect(await stand.calls()).toHaveLength(1);
  });

  it('pull: as root in the system scope, with Podman\'s progress lines streamed', async () => {
    const pull: ActionOf<'podman.image-pull'> = { kind: 'podman.image-pull', description: 'pull', target: { scope: 'system' }, image: 'docker.io/library/nginx:1.27' };
    await stand.rules('podman', [{ args: 'image exists *', exit: 1 }, { args: 'pull *', stdout: 'Trying to pull docker.io/library/nginx:1.27...\nWriting manifest to image destination\n' }]);
    expect(await podmanImagePull(pull, ctx())).toBe('done');
    expect((await stand.calls()).map((c) => [c.user, ...c.args])).toEqual([
      ['root', 'image', 'exists', 'docker.io/library/nginx:1.27'],
      ['root', 'pull', '--', 'docker.io/library/nginx:1.27'],
    ]);
    expect(lines).toEqual(['Trying to pull docker.io/library/nginx:1.27...', 'Writing manifest to image destination']);
  });
});

describe('images built from the host\'s static busybox', () => {
  const busybox = execFileSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).trim();
  const build: ActionOf<'podman.image-build'> = { kind: 'podman.image-build', description: 'build', target: nobody, image: 'localhost/keelson-demo:1', from: 'busybox', busybox };
  const probe: ActionOf<'probe.image'> = { kind: 'probe.image', description: 'probe image', target: nobody, image: 'localhost/keelson-probe:1', busybox };
  const tarList = (file: string) => execFileSync('tar', ['-tvf', file], { encoding: 'utf8' }).trim().split('\n');

  it.each([
    ['podman.image-build', () => podmanImageBuild(build, ctx()), build.image],
    ['probe.image', () => probeImage(probe, ctx()), probe.image],
  ])('%s: as the owner, `podman import` of a tarball holding busybox, its applets, /etc and a sticky /tmp', async (_kind, run, image) => {
    await stand.rules('podman', [{ args: 'image exists *', exit: 1 }, { args: 'import *', save: 5 }]);
    expect(await run()).toBe('done');
    const calls = await stand.calls();
    expect(calls.map((c) => ({ ...c, args: c.args.map((a) => (a.endsWith('/image.tar') ? 'TAR' : a)) }))).toEqual([
      { ...asNobody, args: ['image', 'exists', image] },
      { ...asNobody, args: ['import', '--quiet', '--change', 'CMD ["/bin/sh"]', 'TAR', image] },
    ]);
    const entries = tarList(stand.saved('podman', 5));
    const entry = (name: string) => entries.find((e) => e.endsWith(` ${name}`) || e.includes(` ${name} -> `)) ?? '';
    expect(entry('./bin/busybox')).toMatch(/^-rwxr-xr-x /);
    expect(entry('./bin/sh')).toMatch(/^lrwxrwxrwx .* \.\/bin\/sh -> busybox$/);
    expect(entry('./tmp/')).toMatch(/^drwxrwxrwt /);
    expect(entry('./etc/')).toMatch(/^drwx/);
    const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' }).trim().split('\n').filter((a) => a !== 'busybox');
    expect(entries.filter((e) => / -> busybox$/.test(e))).toHaveLength(applets.length);
    expect(lines).toEqual([`built ${image}`]);
  });

  it('an image already in the owner\'s storage is not built again; a busybox that is not there says what to install', async () => {
    await stand.rules('podman', [{ args: 'image exists *', exit: 0 }]);
    expect(await podmanImageBuild(build, ctx())).toBe('skipped');
    await stand.rules('podman', [{ args: 'image exists *', exit: 1 }]);
    await expect(podmanImageBuild({ ...build, busybox: '/nonexistent/busybox' }, ctx())).rejects.toThrow(/no busybox at \/nonexistent\/busybox: install busybox-static/);
    expect((await stand.calls()).map((c) => c.args[0])).toEqual(['image', 'image']);
  });
});
