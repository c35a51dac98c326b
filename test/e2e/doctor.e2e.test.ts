// keelson doctor on a real host: the demo as keelson installed it in this run (the "demo-installed" state).
// - Healthy: every check ok, exit 0, one round trip (keelson's own counter over the real SSH transport).
// - Broken seven ways at once (a unit stopped, a container killed, a managed unit file edited, a drop-in added, the
//   socket directory opened to everyone, linger gone, the audit partition nearly full): each is named by its check
//   with its remedy, exit 3, and doctor changed nothing: hashes of /etc, the owner's ~/.config and /var/lib/keelson
//   and the stack's unit states, all read from inside the VM, are the same before and after.
import { describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/flows/doctor/run-doctor.js';
import type { Check } from '../../src/flows/doctor/check.js';
import { keelsonCli } from './support/keelson-cli.js';
import { useVmFrom } from './support/prepared-states.js';
import { useTimings } from './support/timings.js';

const SLOW = 30 * 60_000;
const timer = useTimings(import.meta.url);
const OWNER = 'keelson-demo';
const USER_SYSTEMCTL = `systemctl --user -M ${OWNER}@`;
const QUADLET_DIR = `/home/${OWNER}/.config/containers/systemd`;
const MiB = 1024 * 1024;

// Everything doctor could have touched, from inside: file contents and metadata, and the stack's unit states.
const FILES_FINGERPRINT = [
  `find /etc /home/${OWNER}/.config /var/lib/keelson -xdev \\( -type f -o -type d -o -type l \\) -printf '%p %m %U %G %s\\n' | sort | sha256sum`,
  `find /etc /home/${OWNER}/.config /var/lib/keelson -xdev -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum`,
].join('; ');
const FINGERPRINT = [
  FILES_FINGERPRINT,
  `${USER_SYSTEMCTL} show -p Id -p ActiveState -p SubState -p NRestarts -p Result api.service web.service page.service demo.target`,
  `systemctl show -p ActiveState -p SubState user@$(id -u ${OWNER}).service auditd.service`,
].join('; ');

const parseReport = (stdout: string): DoctorReport => JSON.parse(stdout) as DoctorReport;
const byId = (r: DoctorReport, id: string): Check | undefined => r.checks.find((c) => c.id === id);

describe('keelson doctor on the demo as keelson installed it', () => {
  const theVm = useVmFrom('demo-installed', 'doctor', timer);
  const sh = (cmd: string) => theVm().sshOk(cmd, { timeoutMs: 10 * 60_000 });
  const doctor = (label: string, ...args: string[]) => keelsonCli(theVm(), ['doctor', ...args], { timer, label });

  it('a healthy install: every check ok, exit 0, in one round trip', async () => {
    const r = await doctor('doctor healthy', '--json');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const report = parseReport(r.stdout);
    expect(report.roundTrips).toBe(1);
    expect(report.stacks).toEqual(['demo']);
    expect(report.checks.filter((c) => c.status !== 'ok'), r.stdout).toEqual([]);
    expect(report.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        'record', 'record:last-run', 'unit:demo:api.service', 'unit:demo:web.service', 'unit:demo:page.service', 'unit:demo:demo.target',
        'generator:demo', 'drift:demo', 'dropins:demo', 'socket-dir:demo:/run/keelson-demo', 'socket-client:demo:web', 'images:demo',
        `identity:${OWNER}:linger`, `identity:${OWNER}:user-manager`, `identity:${OWNER}:subids`,
        'storage:data-mount:/home', 'storage:crypttab:/home', 'storage:fstab:/home', 'storage:space:/home', 'storage:audit-mount', 'storage:audit-space', 'storage:auditd',
      ]),
    );
    expect(byId(report, 'unit:demo:web.service')?.summary).toMatch(/active\/running, container healthy/);

    // status reads the same units in its own single round trip, each as doctor judges it.
    const st = await keelsonCli(theVm(), ['status', '--json'], { timer, label: 'status healthy' });
    expect(st.code, st.stderr).toBe(0);
    const live = JSON.parse(st.stdout) as { roundTrips: number; units: { stack: string; manager: string; units: { unit: string; activeState: string; status: string }[] }[] };
    expect(live.roundTrips).toBe(1);
    expect(live.units.map((l) => [l.stack, l.manager, l.units.map((u) => `${u.unit} ${u.activeState} ${u.status}`).sort()])).toEqual([
      ['demo', `user:${OWNER}`, ['api.service active ok', 'demo.target active ok', 'page.service active ok', 'web.service active ok']],
    ]);
  }, SLOW);

  it('broken seven ways: each named with its remedy, exit 3, and nothing on the host changed by doctor', async () => {
    const conf = await sh('grep -E "^(space_left|admin_space_left) *=" /etc/audit/auditd.conf');
    const mib = (key: string) => Number(new RegExp(`^${key} *= *([0-9]+)$`, 'm').exec(conf)?.[1]);
    // Left free: under space_left (auditd's warning) but well over admin_space_left, where auditd would halt the VM.
    const leave = Math.floor((mib('space_left') + mib('admin_space_left')) / 2) * MiB;
    expect(leave, conf).toBeGreaterThan(mib('admin_space_left') * MiB);

    await timer.time('wait', 'break the host', async () => {
      await sh(`${USER_SYSTEMCTL} stop web.service`);
      // The container dies under its unit (SIGKILL): the unit fails, and Restart=on-failure brings it back.
      await sh(`runuser -u ${OWNER} -- sh -c 'cd; XDG_RUNTIME_DIR=/run/user/$(id -u) podman kill --signal KILL api'`);
      await sh(`for i in $(seq 1 120); do [ "$(${USER_SYSTEMCTL} show -p NRestarts --value api.service)" -ge 1 ] && [ "$(${USER_SYSTEMCTL} is-active api.service)" = active ] && exit 0; sleep 2; done; exit 1`);
      await sh(`echo '# a hand edit' >> ${QUADLET_DIR}/web.container`);
      await sh(`mkdir ${QUADLET_DIR}/api.container.d && printf '[Container]\\nEnvironment=DEBUG=1\\n' > ${QUADLET_DIR}/api.container.d/debug.conf && chown -R ${OWNER}: ${QUADLET_DIR}/api.container.d`);
      await sh('chmod 0777 /run/keelson-demo');
      await sh(`avail=$(df -B1 --output=avail /var/log/audit | tail -n 1); fallocate -l $((avail - ${leave})) /var/log/audit/keelson-e2e-fill`);
    });
    const before = await sh(FINGERPRINT);

    const r = await doctor('doctor broken', '--json');
    expect(r.code, r.stderr + r.stdout).toBe(3);
    const report = parseReport(r.stdout);
    expect(report.roundTrips).toBe(1);
    const failing = (id: string): Check => {
      const c = byId(report, id);
      expect(c?.status, `${id}\n${r.stdout}`).toBe('fail');
      return c as Check;
    };
    expect(failing('unit:demo:web.service').remedy).toContain(`${USER_SYSTEMCTL} start web.service`);
    const api = byId(report, 'unit:demo:api.service');
    expect(api?.status).toBe('warn');
    expect(api?.summary).toMatch(/after 1 automatic restart/);
    expect(api?.evidence.filter((e) => e.startsWith('journal: ')).length).toBeGreaterThan(0);
    expect(failing('drift:demo').evidence).toContainEqual(expect.stringMatching(new RegExp(`^modified: ${QUADLET_DIR}/web\\.container `)));
    expect(failing('dropins:demo').evidence).toContain(`${QUADLET_DIR}/api.container.d/debug.conf (changes api.container)`);
    const dir = failing('socket-dir:demo:/run/keelson-demo');
    expect(dir.summary).toBe('/run/keelson-demo is keelson-demo:demo-clients mode 777, planned keelson-demo:demo-clients 0770');
    expect(dir.remedy[0]).toMatch(/^systemd-tmpfiles --create \/etc\/tmpfiles\.d\/keelson-demo\.conf/);
    const audit = failing('storage:audit-space');
    expect(audit.remedy[0]).toMatch(/^du -xsh \/var\/log\/audit/);
    // Nothing else was hurt: the checks not broken on purpose still pass (demo.target goes down with its stopped member).
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.id).sort()).toEqual(
      ['drift:demo', 'dropins:demo', 'socket-dir:demo:/run/keelson-demo', 'storage:audit-space', 'unit:demo:demo.target', 'unit:demo:web.service'].sort(),
    );

    // The text report: the same failures first, each with its remedy after an arrow.
    const text = await doctor('doctor broken, text', '--only', 'unit,socket-dir');
    expect(text.code, text.stderr).toBe(3);
    expect(text.stdout).toMatch(/^FAIL unit:demo:web\.service {2}web\.service is inactive\/dead$/m);
    expect(text.stdout).toContain(`     → ${USER_SYSTEMCTL} start web.service`);
    expect(text.stdout).not.toMatch(/storage:/);

    // status, paged at night: the failing units at the top with what to run next (web, and demo.target with it), then
    // the restarted one as a warning.
    const st = await keelsonCli(theVm(), ['status'], { timer, label: 'status broken' });
    expect(st.code, st.stderr).toBe(0);
    const top = st.stdout.split('\n').slice(1, 4).join('\n');
    expect(top).toMatch(/^ {2}demo: UNIT FAILING — web\.service is inactive\/dead; next: keelson doctor( --host \S+)?, then keelson logs web\.service/m);
    expect(top).toMatch(/^ {2}demo: unit warning — api\.service is active\/running after 1 automatic restart; next: keelson logs api\.service/m);
    expect(st.stdout).toMatch(/^ {6}web\.service {2}inactive\/dead, [0-9]+ restarts? {2}← FAILING$/m);

    expect(await sh(FINGERPRINT)).toBe(before);

    // The seventh break, linger, last and on its own: with linger's file gone, logind stops the owner's manager the
    // next time it collects the user (seen in this scenario's first version, between two doctor runs), and
    // loginctl disable-linger would stop it at once. So across this run only the files are compared.
    await sh(`rm /var/lib/systemd/linger/${OWNER}`);
    const files = await sh(FILES_FINGERPRINT);
    const l = await doctor('doctor without linger', '--json', '--only', 'identity');
    expect(l.code, l.stderr + l.stdout).toBe(3);
    expect(byId(parseReport(l.stdout), `identity:${OWNER}:linger`)?.remedy).toEqual([`loginctl enable-linger ${OWNER}`]);
    expect(await sh(FILES_FINGERPRINT)).toBe(files);
  }, SLOW);
});
