// keelson logs and keelson support-bundle on a real host: the demo as keelson installed it in this run
// ("demo-installed"). The canary is the demo's own secret, demo-token, given a value with characters that
// URL-encoding and base64 change: the bundle must learn it the way it learns any secret of the stack (by the name the
// record gives, from the owner's Podman), and the host is broken with a drop-in that leaks it into the unit file, the
// unit's environment and its journal, as is, base64 and URL-encoded, next to the VM's address and host name.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/flows/doctor/run-doctor.js';
import { keelsonCli } from './support/keelson-cli.js';
import { useVmFrom } from './support/prepared-states.js';
import { useTimings } from './support/timings.js';

const SLOW = 30 * 60_000;
const timer = useTimings(import.meta.url);
const OWNER = 'keelson-demo';
const USER_SYSTEMCTL = `systemctl --user -M ${OWNER}@`;
const QUADLET_DIR = `/home/${OWNER}/.config/containers/systemd`;
// Everything the bundle could have touched, from inside: file contents and metadata, and the stack's unit states.
const FINGERPRINT = [
  `find /etc /home/${OWNER}/.config /var/lib/keelson -xdev \\( -type f -o -type d -o -type l \\) -printf '%p %m %U %G %s\\n' | sort | sha256sum`,
  `find /etc /home/${OWNER}/.config /var/lib/keelson -xdev -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum`,
  `${USER_SYSTEMCTL} show -p Id -p ActiveState -p SubState -p NRestarts -p Result api.service web.service page.service demo.target`,
].join('; ');

describe('keelson logs and support-bundle on the demo', () => {
  const theVm = useVmFrom('demo-installed', 'support', timer);
  const sh = (cmd: string) => theVm().sshOk(cmd, { timeoutMs: 10 * 60_000 });
  const cli = (label: string, ...args: string[]) => keelsonCli(theVm(), args, { timer, label });
  const CANARY = 'Kc9-canary/Zx+Qw@Rt&Np=7';
  const B64 = Buffer.from(CANARY).toString('base64');
  const URL_FORM = encodeURIComponent(CANARY);
  const grepCount = (dir: string, needle: string): number => {
    try {
      return execFileSync('grep', ['-r', '-F', '-l', '--', needle, dir], { encoding: 'utf8' }).split('\n').filter((l) => l !== '').length;
    } catch (e) {
      if ((e as { status?: number }).status === 1) return 0;
      throw e;
    }
  };

  it('keelson logs web shows that unit\'s journal; an unknown name is a usage error listing the units', async () => {
    const r = await cli('logs web', 'logs', 'web', '--lines', '40');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/web\.service/);
    expect(r.stdout).not.toMatch(/api\.service/);
    const bad = await cli('logs nosuch', 'logs', 'nosuch');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"nosuch" is not a unit or container of the deployed stacks');
    expect(bad.stderr).toContain('  demo:web.service');
  }, SLOW);

  it('support-bundle: no secret form, host name or address of the VM in it; the map only on the workstation, 0600', async () => {
    const hostname = (await sh('hostname')).trim();
    const ip = (await sh("ip -4 -o addr show scope global | awk '{ print $4 }' | cut -d/ -f1 | head -n 1")).trim();
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    await timer.time('wait', 'plant the canary and break the host', async () => {
      await sh(`printf %s '${CANARY}' | runuser -u ${OWNER} -- sh -c 'cd; XDG_RUNTIME_DIR=/run/user/$(id -u) podman secret create --replace demo-token -'`);
      const dropIn = `[Service]\nEnvironment=LEAK=${CANARY}\nExecStartPre=/bin/echo leaked ${CANARY} b64 ${B64} url ${URL_FORM.replaceAll('%', '%%')} peer ${ip} on ${hostname}\n`;
      await sh(`mkdir -p ${QUADLET_DIR}/web.container.d && cat > ${QUADLET_DIR}/web.container.d/leak.conf <<'KEELSON_EOF'\n${dropIn}KEELSON_EOF\nchown -R ${OWNER}: ${QUADLET_DIR}/web.container.d`);
      await sh(`${USER_SYSTEMCTL} daemon-reload && ${USER_SYSTEMCTL} restart web.service`);
      expect(await sh(`journalctl _SYSTEMD_USER_UNIT=web.service -n 20 --no-pager`)).toContain(`leaked ${CANARY}`);
    });
    const before = await sh(FINGERPRINT);

    const list = await cli('support-bundle --list', 'support-bundle', '--list');
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(`stacks/demo/journal/web.service.log  ←  journalctl`);
    expect(list.stdout).toMatch(/secret demo-token of demo: its value, read only to redact it {2}← {2}\(as keelson-demo\) podman secret inspect/);

    const dir = mkdtempSync(join(tmpdir(), 'keelson-bundle-'));
    const out = join(dir, 'case.tar.gz');
    const r = await cli('support-bundle', 'support-bundle', '--out', out);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(await sh(FINGERPRINT)).toBe(before);
    const map = join(dir, 'case.map.json');
    expect(statSync(map).mode & 0o777).toBe(0o600);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const unpacked = join(dir, 'unpacked');
    execFileSync('mkdir', [unpacked]);
    execFileSync('tar', ['-xzf', out, '-C', unpacked]);
    const [top = ''] = readdirSync(unpacked);
    const names = execFileSync('tar', ['-tzf', out], { encoding: 'utf8' });
    expect(names).not.toMatch(/map\.json/);
    for (const needle of [CANARY, B64, URL_FORM, hostname, ip]) expect(grepCount(unpacked, needle), needle).toBe(0);
    // Not vacuous: the leaks were collected, and redacted where they stood.
    const journal = readFileSync(join(unpacked, top, 'stacks/demo/journal/web.service.log'), 'utf8');
    expect(journal).toMatch(/leaked <secret:demo-token> b64 <secret:demo-token> url <secret:demo-token> peer ip4-\d+ on host-\d+/);
    expect(readFileSync(join(unpacked, top, 'stacks/demo/files/web.container.d'), 'utf8')).toContain('Environment=LEAK=<secret:demo-token>');
    const doctor = JSON.parse(readFileSync(join(unpacked, top, 'doctor.json'), 'utf8')) as DoctorReport;
    expect(doctor.checks.find((c) => c.id === 'dropins:demo')?.status).toBe('fail');
    const pseudonyms = (JSON.parse(readFileSync(map, 'utf8')) as { pseudonyms: { real: string }[] }).pseudonyms.map((p) => p.real);
    expect(pseudonyms).toEqual(expect.arrayContaining([hostname, ip]));
  }, SLOW);
});
