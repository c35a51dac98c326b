// Identity and sockets on a real host (the run's "booted" state, restored), rootless and rootful. That they survive
// a reboot is proven by quadlet-demo's reboot test, whose two stacks have an owner, users and socket directories too.
// keelson plans and applies through its engine with only the identity and sockets steps, so the scenario does not
// depend on storage or Quadlet. Every assertion about the host is made from inside the VM over the harness's own SSH,
// never from keelson's report.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { planHost } from '../../src/engine/plan-host.js';
import { planActions, planBlockers, type Plan } from '../../src/engine/plan.js';
import { renderPlanText } from '../../src/engine/render-plan.js';
import type { Host } from '../../src/host/host.js';
import { parseManifest } from '../../src/manifest/load-manifest.js';
import type { Manifest } from '../../src/manifest/schema.js';
import { identityStep } from '../../steps/identity.js';
import { socketsStep } from '../../steps/sockets.js';
import { shQuote } from '../host-vm/vm.js';
import { connectRoot } from './support/connect.js';
import { useVmFrom } from './support/prepared-states.js';
import { useTimings } from './support/timings.js';

const here = dirname(fileURLToPath(import.meta.url));
const stack = (name: string): Manifest => {
  const file = join(here, '..', 'fixtures', 'stacks', `${name}.yaml`);
  const parsed = parseManifest(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.errors)}`);
  return parsed.manifest;
};

const rootless = stack('identity-rootless');
const rootful = stack('identity-rootful');
const denied = stack('identity-rootful-denied');
const steps = [identityStep, socketsStep];
/** Per test: applies and a reboot under software emulation on a machine shared with other VMs. */
const SLOW = 30 * 60_000;
const timer = useTimings(import.meta.url);

/** A container the test itself runs in the VM: write, read back and remove a file in DIR. */
const touchScript = (dir: string) => `echo e2e >${dir}/.e2e && cat ${dir}/.e2e && rm ${dir}/.e2e`;

describe('identity and sockets on the test VM', () => {
  const theVm = useVmFrom('booted', 'identity', timer);
  let host: Host | undefined;

  const theHost = (): Host => {
    if (host === undefined) throw new Error('no connection to the VM');
    return host;
  };
  const connect = async () => {
    const v = theVm();
    host = await connectRoot(v);
  };
  const plan = async (m: Manifest): Promise<Plan> => (await timer.time('keelson', `plan ${m.stack}`, () => planHost(theHost(), steps, m, {}))).plan;
  const apply = async (m: Manifest) => {
    const p = await plan(m);
    expect(planBlockers(p), renderPlanText(p)).toEqual([]);
    return { plan: p, result: await timer.time('keelson', `apply ${m.stack}`, () => applyPlan(theHost(), p)) };
  };
  const uidOf = async (user: string) => Number((await theVm().sshOk(`id -u ${user}`)).trim());
  const gidOf = async (group: string) => Number((await theVm().sshOk(`getent group ${group} | cut -d: -f3`)).trim());

  beforeAll(async () => {
    await connect();
  });

  afterAll(async () => {
    await host?.close();
  }, SLOW);

  it('rootless: owner, client group, subordinate IDs, linger, socket directory, and a container that uses it', async () => {
    const { result } = await apply(rootless);
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });

    // `id` shows the client group.
    expect((await theVm().sshOk('id -nG idless')).trim().split(' ')).toContain('idless-clients');
    expect((await theVm().sshOk('getent passwd idless | cut -d: -f6,7')).trim()).toBe('/home/idless:/usr/sbin/nologin');

    // One range for idless in each file, overlapping no other range and no real ID.
    for (const file of ['/etc/subuid', '/etc/subgid']) {
      const ranges = (await theVm().sshOk(`cat ${file}`)).trim().split('\n').map((l) => l.split(':'));
      const mine = ranges.filter(([owner]) => owner === 'idless').map(([, s, c]) => ({ start: Number(s), end: Number(s) + Number(c) - 1 }));
      expect(mine, file).toHaveLength(1);
      const [r] = mine;
      if (r === undefined) continue;
      expect(r.end - r.start + 1).toBe(65536);
      for (const [owner, s, c] of ranges.filter(([o]) => o !== 'idless')) {
        expect(r.end < Number(s) || r.start > Number(s) + Number(c) - 1, `${file}: overlaps ${owner}`).toBe(true);
      }
      const ids = (await theVm().sshOk('{ getent passwd; getent group; } | cut -d: -f3')).trim().split('\n').map(Number);
      expect(ids.filter((id) => id >= r.start && id <= r.end)).toEqual([]);
    }

    // Linger on, the user manager running.
    const uid = await uidOf('idless');
    expect((await theVm().sshOk('loginctl show-user idless -p Linger')).trim()).toBe('Linger=yes');
    expect((await theVm().ssh(`systemctl is-active user@${uid}.service`)).stdout.trim()).toBe('active');

    // The 0770 directory, group-owned by the client group.
    expect((await theVm().sshOk('stat -c "%U %G %a" /run/idless')).trim()).toBe('idless idless-clients 770');

    // Our own container, run as the stack's will be (in idless's manager, keep-groups), writes and reads a file there.
    const run = `systemd-run --user -M idless@ --wait --pipe --quiet --collect -- podman run --rm --user 1000:1000 --group-add keep-groups --volume /run/idless:/run/idless:z localhost/keelson-probe:1 /bin/sh -c ${shQuote(touchScript('/run/idless'))}`;
    expect(await theVm().ssh(run)).toMatchObject({ code: 0, stdout: 'e2e\n' });
    // …and without keep-groups it cannot: the group really is what grants access.
    const without = run.replace(' --group-add keep-groups', '');
    expect((await theVm().ssh(without)).code).not.toBe(0);

    // A second plan has nothing to do.
    const again = await plan(rootless);
    expect(planBlockers(again)).toEqual([]);
    expect(planActions(again), renderPlanText(again)).toEqual([]);
  }, SLOW);

  it('rootful: dedicated system users, the client group, --user UID:GID --group-add GID reaches the directory', async () => {
    const { result } = await apply(rootful);
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });

    expect((await theVm().sshOk('id -nG idful-app')).trim().split(' ')).toContain('idful-clients');
    const appUid = await uidOf('idful-app');
    expect(appUid).toBeLessThan(1000); // a system account
    expect((await theVm().sshOk('getent passwd idful-app | cut -d: -f7')).trim()).toBe('/usr/sbin/nologin');
    expect((await theVm().sshOk('stat -c "%U %G %a" /run/idful-db')).trim()).toBe('idful-db idful-clients 770');
    expect((await theVm().sshOk('grep -c "^idful" /etc/subuid || true')).trim()).toBe('0');

    const gid = await gidOf('idful-clients');
    const appGid = await gidOf('idful-app');
    const run = (groups: string) =>
      `podman run --rm --user ${appUid}:${appGid} ${groups} --volume /run/idful-db:/run/idful-db:z localhost/keelson-probe:1 /bin/sh -c ${shQuote(touchScript('/run/idful-db'))}`;
    expect(await theVm().ssh(run(`--group-add ${gid}`))).toMatchObject({ code: 0, stdout: 'e2e\n' });
    expect((await theVm().ssh(run(''))).code).not.toBe(0);

    const again = await plan(rootful);
    expect(planActions(again), renderPlanText(again)).toEqual([]);
  }, SLOW);

  it('rootful, the directory\'s mode withholds group write: the probe fails the apply and the next plan has a blocker', async () => {
    const { result } = await apply(denied);
    expect(result.ok).toBe(false);
    expect(result.failed?.action.kind).toBe('probe.socket-access');
    expect(result.failed?.error).toMatch(/Permission denied/);

    // Independently: the account is in the group, the mode really withholds group write, and a container run as it
    // with that group really cannot write there.
    expect((await theVm().sshOk('id -nG iddeny-app')).trim().split(' ')).toContain('iddeny-clients');
    expect((await theVm().sshOk('stat -c "%a %G" /run/iddeny')).trim()).toBe('750 iddeny-clients');
    const uid = await uidOf('iddeny-app');
    const gid = await gidOf('iddeny-clients');
    const r = await theVm().ssh(`podman run --rm --user ${uid}:${uid} --group-add ${gid} --volume /run/iddeny:/run/iddeny:z localhost/keelson-probe:1 /bin/sh -c ${shQuote(touchScript('/run/iddeny'))}`);
    expect(r.code).not.toBe(0);

    const again = await plan(denied);
    const blockers = planBlockers(again);
    expect(blockers.map((b) => b.code)).toEqual(['probe-failed']);
    expect(blockers[0]?.message).toMatch(/Permission denied/);
  }, SLOW);

  // After a reboot, the user manager through linger, the socket directories through tmpfiles and nothing to do are
  // asserted in quadlet-demo's reboot test, on both demo stacks (a reboot is minutes under emulation; one proves both).
});
