// keelson uninstall on a real host: the demo as keelson installed it in this run (the "demo-installed" state).
// - A marker goes into the demo's volume. `uninstall` without --yes prints the plan and changes nothing (files and
//   unit states hashed from inside the VM before and after).
// - `uninstall --yes` killed (SIGKILL) right after it removed the first unit file: some unit files gone, the record
//   still names the stack, status says the last run was interrupted.
// - `uninstall --yes` again finishes it: no keelson unit left in the owner's manager or the system's (list-units and list-unit-files),
//   the unit files and tmpfiles entry gone, the record without the stack (history kept), doctor says no stack; the
//   volume with the marker, the secret, the image and the owner (same UID) are still there.
// - `apply --stack demo --yes` installs it again: the same page, the marker still there, the same UID.
// - `uninstall --purge --yes --confirm-stack demo` (refused without --confirm-stack): the volume archive on the data
//   mount holds the marker and its sha256 checks; units, files, volumes, secrets, images (the owner's home with its
//   Podman storage), the owner and its groups, subuid/subgid lines, linger, tmpfiles, socket directory, the created-
//   account markers and the record's entry are gone; a second run says nothing to do.
import { describe, expect, it } from 'vitest';
import { keelsonCli } from './support/keelson-cli.js';
import { DEMO_GREETING, DEMO_UNITS, pageOf, useVmFrom } from './support/prepared-states.js';
import { useTimings } from './support/timings.js';

const SLOW = 30 * 60_000;
const timer = useTimings(import.meta.url);
const OWNER = 'keelson-demo';
const USER_SYSTEMCTL = `systemctl --user -M ${OWNER}@`;
const HOME = `/home/${OWNER}`;
const QUADLET_DIR = `${HOME}/.config/containers/systemd`;
const UNIT_FILES = ['api.container', 'web.container', 'page.container', 'demo-backend.network', 'demo-edge.network', 'demo-content.volume'].map((f) => `${QUADLET_DIR}/${f}`);
const TARGET_FILE = `${HOME}/.config/systemd/user/demo.target`;
const TMPFILES = '/etc/tmpfiles.d/keelson-demo.conf';
const MARKER = 'keelson-e2e-marker 42';
const AS_OWNER = `runuser -u ${OWNER} -- sh -c 'cd; export XDG_RUNTIME_DIR=/run/user/$(id -u); exec "$@"' keelson-e2e`;
const MOUNTPOINT = `$(${AS_OWNER} podman volume inspect --format '{{.Mountpoint}}' demo-content)`;

const FINGERPRINT = [
  `find /etc ${HOME}/.config /var/lib/keelson /run/keelson-demo -xdev \\( -type f -o -type d -o -type l \\) -printf '%p %m %U %G %s\\n' 2>/dev/null | sort | sha256sum`,
  `${USER_SYSTEMCTL} show -p Id -p ActiveState -p SubState -p UnitFileState ${DEMO_UNITS}`,
].join('; ');

interface HostRecordJson {
  readonly stacks: Readonly<Record<string, unknown>>;
  readonly uninstalled?: Readonly<Record<string, { history: { kind: string; to: string }[]; purged: boolean }>>;
}

describe('keelson uninstall on the demo as keelson installed it', () => {
  const theVm = useVmFrom('demo-installed', 'uninstall', timer);
  const sh = (cmd: string) => theVm().sshOk(cmd, { timeoutMs: 10 * 60_000 });
  const cli = (label: string, ...args: string[]) => keelsonCli(theVm(), args, { timer, label });
  const record = async (): Promise<HostRecordJson> => JSON.parse(await sh('cat /var/lib/keelson/state.json')) as HostRecordJson;
  const noUnits = async (): Promise<void> => {
    // Quadlet's oneshots for the networks and the volume too: one left "active (exited)" is never run again, and the
    // re-install then starts api without its network (the VM showed it).
    const names = `${DEMO_UNITS} demo-backend-network.service demo-edge-network.service demo-content-volume.service`;
    expect(await sh(`${USER_SYSTEMCTL} list-units --all --plain --no-legend ${names}`)).toBe('');
    expect(await sh(`${USER_SYSTEMCTL} list-unit-files --no-legend ${names} || true`)).toBe('');
    expect(await sh(`systemctl list-units --all --plain --no-legend ${names}`)).toBe('');
    expect(await sh(`systemctl list-unit-files --no-legend ${names} || true`)).toBe('');
  };
  let uid = '';

  it('without --yes: the plan (what goes, what stays), and nothing changes', async () => {
    uid = (await sh(`id -u ${OWNER}`)).trim();
    await sh(`${AS_OWNER} podman unshare sh -c 'printf "%s\\n" "$1" > "$2/marker.txt"' keelson-e2e '${MARKER}' "${MOUNTPOINT}"`);
    const before = await sh(FINGERPRINT);
    const r = await cli('uninstall, no --yes', 'uninstall');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^Goes:$/m);
    expect(r.stdout).toContain('volumes and the data in them: demo-content');
    expect(r.stdout).toContain(`user ${OWNER} (UID ${uid}`);
    expect(r.stderr).toContain('Nothing was changed');
    expect(await sh(FINGERPRINT)).toBe(before);
  }, SLOW);

  it('--yes, killed (SIGKILL) right after the first unit file went: the stack half-removed, still in the record', async () => {
    let removing: string | undefined;
    let killed = false;
    const r = await keelsonCli(theVm(), ['uninstall', '--yes'], {
      timer,
      label: 'uninstall --yes (killed)',
      onLine: (line, child) => {
        if (removing === undefined) removing = /^(\[[0-9]+\/[0-9]+\]) remove \S+\.container\b/.exec(line)?.[1];
        else if (!killed && line.startsWith(`${removing} done`)) killed = child.kill('SIGKILL');
      },
    });
    expect(killed, r.stderr).toBe(true);
    expect(r.code).toBe(-1);
    const present = await sh(`for f in ${UNIT_FILES.join(' ')}; do [ -e "$f" ] && echo "$f"; done; true`);
    expect(present.trim().split('\n').length, present).toBeLessThan(UNIT_FILES.length);
    expect(present.trim(), present).not.toBe('');
    expect(Object.keys((await record()).stacks)).toEqual(['demo']);
    const status = await cli('status (uninstall interrupted)', 'status');
    expect(status.stdout).toMatch(/^ {2}last run: INTERRUPTED /m);
  }, SLOW);

  it('--yes again finishes it: no unit, no unit file, no record entry; the data, secret, image and owner stay', async () => {
    const r = await cli('uninstall --yes (re-run)', 'uninstall', '--yes');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    await noUnits();
    expect(await sh(`for f in ${[...UNIT_FILES, TARGET_FILE, TMPFILES].join(' ')}; do [ -e "$f" ] && echo "$f"; done; true`)).toBe('');
    expect(await sh('test -e /run/keelson-demo && echo there || true')).toBe('');
    const rec = await record();
    expect(Object.keys(rec.stacks)).toEqual([]);
    expect(rec.uninstalled?.demo?.history.at(-1)).toMatchObject({ kind: 'uninstall', to: 'uninstalled' });
    expect((await sh(`cat "${MOUNTPOINT}/marker.txt"`)).trim()).toBe(MARKER);
    expect((await sh(`${AS_OWNER} podman secret ls --format '{{.Name}}'`)).trim()).toBe('demo-token');
    expect(await sh(`${AS_OWNER} podman images --format '{{.Repository}}:{{.Tag}}'`)).toContain('localhost/keelson-demo:1');
    expect((await sh(`id -u ${OWNER}`)).trim()).toBe(uid);
    const doctor = await cli('doctor after uninstall', 'doctor', '--json', '--only', 'record');
    expect(doctor.code, doctor.stderr + doctor.stdout).toBe(0);
    expect((JSON.parse(doctor.stdout) as { stacks: string[] }).stacks).toEqual([]);
    const status = await cli('status after uninstall', 'status');
    expect(status.stdout).toContain('nothing deployed by keelson');
  }, SLOW);

  it('apply again: the same page, the marker and the UID kept', async () => {
    const r = await cli('re-install', 'apply', '--stack', 'demo', '--yes');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(await pageOf(theVm(), 18080, 3 * 60_000)).toContain(`<h1>${DEMO_GREETING}</h1>`);
    expect((await sh(`cat "${MOUNTPOINT}/marker.txt"`)).trim()).toBe(MARKER);
    expect((await sh(`id -u ${OWNER}`)).trim()).toBe(uid);
    const rec = await record();
    expect(Object.keys(rec.stacks)).toEqual(['demo']);
    expect(rec.uninstalled).toBeUndefined();
  }, SLOW);

  it('--purge: the volume archived first, then nothing of the stack is left; a second run has nothing to do', async () => {
    const refused = await cli('purge without --confirm-stack', 'uninstall', '--purge', '--yes');
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain('--confirm-stack demo');
    const r = await cli('uninstall --purge', 'uninstall', '--purge', '--yes', '--confirm-stack', 'demo', '--json');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const out = JSON.parse(r.stdout) as { backupDir: string; result: { ok: boolean } };
    expect(out.result.ok).toBe(true);
    expect(out.backupDir).toMatch(/^\/home\/keelson-backups\/demo-/);
    await sh(`cd ${out.backupDir} && sha256sum -c demo-content.tar.sha256`);
    expect(await sh(`tar -xOf ${out.backupDir}/demo-content.tar ./marker.txt 2>/dev/null || tar -xOf ${out.backupDir}/demo-content.tar marker.txt`)).toContain(MARKER);
    await noUnits().catch(async () => {
      // The owner's manager is gone with the owner: only the system's can still be asked.
      expect(await sh(`systemctl list-units --all --plain --no-legend ${DEMO_UNITS} user@${uid}.service`)).toBe('');
    });
    const left = await sh([
      `getent passwd ${OWNER} && echo user`,
      `getent group ${OWNER} && echo owner-group`,
      'getent group demo-clients && echo clients-group',
      `grep -E '^(${OWNER}|${uid}):' /etc/subuid /etc/subgid`,
      `test -e /var/lib/systemd/linger/${OWNER} && echo linger`,
      `test -e ${HOME} && echo home`,
      `test -e ${TMPFILES} && echo tmpfiles`,
      'test -e /run/keelson-demo && echo socket-dir',
      'ls /var/lib/keelson/accounts/ 2>/dev/null',
      "podman volume ls -q | grep demo; podman secret ls --format '{{.Name}}' | grep demo; podman images -q localhost/keelson-demo",
      'true',
    ].join('; '));
    expect(left).toBe('');
    const rec = await record();
    expect(Object.keys(rec.stacks)).toEqual([]);
    expect(rec.uninstalled?.demo).toMatchObject({ purged: true });
    const again = await cli('uninstall --purge, again', 'uninstall', '--purge', '--yes', '--confirm-stack', 'demo');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^Nothing to do/);
  }, SLOW);
});
