// Storage on a real host (the run's "booted" state, restored, with its blank disks; plus one reboot): an unencrypted /home is a blocker and nothing is applied;
// the LUKS setup refuses a disk that holds a filesystem, sets up an empty one and moves /home across; auditd gets
// the halt settings and rereads them; all of it survives a reboot; and a full audit partition really stops the host.
// Every assertion about the host is made from inside the VM over the harness's own SSH, never from keelson's report.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type ApplyEvent } from '../../src/apply/apply-plan.js';
import { planHost } from '../../src/engine/plan-host.js';
import { planActions, planBlockers, planSchema, type Plan } from '../../src/engine/plan.js';
import { renderPlanText } from '../../src/engine/render-plan.js';
import type { Host } from '../../src/host/host.js';
import { parseManifest } from '../../src/manifest/load-manifest.js';
import { storageStep } from '../../steps/storage.js';
import { LUKS_DEVICE_ANSWER } from '../../steps/storage/setup-request.js';
import { emptyPassphraseCachePath } from '../../steps/storage/empty-passphrase-cache.js';
import { runGuestScript } from '../host-vm/guest-scripts.js';
import { shQuote } from '../host-vm/vm.js';
import { connectRoot } from './support/connect.js';
import { keelsonCli, REPO_ROOT } from './support/keelson-cli.js';
import { AUDIT_DISK, HOME_DISK, SPARE_DISK, useVmFrom } from './support/prepared-states.js';
import { useTimings } from './support/timings.js';

/** Per test: a LUKS format and a reboot under software emulation on a machine shared with other VMs. */
const SLOW = 30 * 60_000;
const timer = useTimings(import.meta.url);

const demo = (() => {
  const file = join(REPO_ROOT, 'assets', 'stacks', 'demo', 'manifest.yaml');
  const parsed = parseManifest(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.errors)}`);
  return parsed.manifest;
})();

const codes = (p: Plan, severity: string) =>
  p.steps.flatMap((s) => s.findings.filter((f) => f.severity === severity).map((f) => f.code));

describe('storage on the test VM', () => {
  const theVm = useVmFrom('booted', 'storage', timer);
  let host: Host | undefined;
  const theHost = (): Host => {
    if (host === undefined) throw new Error('no connection to the VM');
    return host;
  };
  const connect = async () => {
    await host?.close();
    host = await connectRoot(theVm());
  };
  const plan = async (answers: Record<string, string> = {}): Promise<Plan> =>
    (await timer.time('keelson', 'plan (storage step)', () => planHost(theHost(), [storageStep], demo, { greeting: 'hi', ...answers }))).plan;
  /** The headless CLI, as an operator runs it. Never throws: the exit code is the point. */
  const keelson = (...args: string[]) => keelsonCli(theVm(), args, { timer });
  const sh = (cmd: string) => theVm().sshOk(cmd);
  /** The harness's own sha256 of the LUKS header: the name keelson must remember its empty-passphrase test by. */
  const headerDigest = async () =>
    (await sh(`rm -f /root/hdr && cryptsetup luksHeaderBackup --header-backup-file /root/hdr ${HOME_DISK} && sha256sum </root/hdr && rm -f /root/hdr`)).split(' ')[0] ?? '';

  beforeAll(async () => {
    await connect();
  }, SLOW);

  afterAll(async () => {
    await host?.close();
  }, SLOW);

  it('unencrypted /home and audit on /: blockers, exit code 3, and nothing applied', async () => {
    const conf = await sh('sha256sum /etc/audit/auditd.conf');
    const planned = await keelson('plan', '--stack', 'demo', '--json');
    expect(planned.code, planned.stderr).toBe(3);
    const p = planSchema.parse(JSON.parse(planned.stdout));
    const storage = p.steps.find((s) => s.id === 'storage');
    expect(storage?.findings.filter((f) => f.severity === 'blocker').map((f) => f.code)).toEqual(['data-not-encrypted', 'audit-on-root']);

    // The JSON plan says it is blocked, and how many blockers there are in all.
    expect([p.blocked, p.blockerCount]).toEqual([true, planBlockers(p).length]);

    const applied = await keelson('apply', '--stack', 'demo', '--yes');
    expect(applied.code, applied.stderr).toBe(3);
    // The text plan ends with the list of what blocks it, each with its remedy, not only a count after the diffs.
    const tail = applied.stdout.trimEnd().split('\n');
    const listAt = tail.findIndex((l) => /^\d+ blockers?: nothing can be applied until/.test(l));
    expect(listAt, applied.stdout).toBeGreaterThan(0);
    expect(tail.slice(listAt).join('\n')).toMatch(/^ {2}1\. .+\n {7}→ /m);
    expect(tail.slice(listAt).filter((l) => /^ {2}\d+\. /.test(l))).toHaveLength(p.blockerCount);
    // From inside: the config is as it was and no run was ever journaled.
    expect(await sh('sha256sum /etc/audit/auditd.conf')).toBe(conf);
    expect((await theVm().ssh('ls /var/lib/keelson/journal')).code).not.toBe(0);
    expect((await sh('findmnt -n -o SOURCE --target /home')).trim()).toMatch(/^\/dev\/vda/);
  }, SLOW);

  it('refuses to set up LUKS on a disk that holds a filesystem, and leaves it alone', async () => {
    await sh(`mkfs.ext4 -q -L spare ${SPARE_DISK}`);
    const before = (await sh(`blkid -p -s UUID -o value ${SPARE_DISK}`)).trim();
    const p = await plan({ [LUKS_DEVICE_ANSWER]: SPARE_DISK });
    expect(codes(p, 'blocker'), renderPlanText(p)).toContain('luks-device-not-empty');
    expect(planActions(p).map((a) => a.kind)).not.toContain('luks.setup');
    await expect(applyPlan(theHost(), p)).rejects.toThrow(/blocker/);
    expect((await sh(`blkid -p -s UUID -o value ${SPARE_DISK}`)).trim()).toBe(before);
  }, SLOW);

  it('sets up LUKS2 on the empty disk, moves /home across, and reloads auditd with the halt settings', async () => {
    await runGuestScript(theVm(), 'setup-ext4-mount.sh', ['--device', AUDIT_DISK, '--mount', '/var/log/audit', '--label', 'audit']);
    await sh('echo keelson-e2e >/home/admin/marker && chown admin:admin /home/admin/marker && chmod 0640 /home/admin/marker');

    const p = await plan({ [LUKS_DEVICE_ANSWER]: HOME_DISK });
    expect(planBlockers(p), renderPlanText(p)).toEqual([]);
    expect(planActions(p).map((a) => a.kind)).toEqual(['luks.setup', 'file.write', 'file.write', 'systemd.daemon-reload', 'file.write', 'systemd.signal', 'state.write']);

    const since = (await sh('date +%s')).trim();
    const lines: string[] = [];
    const revealed: string[] = [];
    const result = await timer.time('keelson', 'apply (LUKS, auditd)', () => applyPlan(theHost(), p, {
      onEvent: (e: ApplyEvent) => (e.type === 'line' ? lines.push(e.line) : undefined),
      onReveal: (_message, secret) => revealed.push(secret),
    }));
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true, done: 7 });

    // The key was shown once, and it is the key: it opens the volume (fed on stdin, never as an argument).
    expect(revealed).toHaveLength(1);
    const key = revealed[0] ?? '';
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(lines.some((l) => l.includes(key))).toBe(false);
    expect((await theVm().ssh(`cryptsetup open --test-passphrase --key-file - ${HOME_DISK}`, { input: key })).code).toBe(0);
    expect((await theVm().ssh(`grep -rlF ${shQuote(key)} /var/lib/keelson /etc/crypttab /etc/fstab`)).stdout).toBe('');
    expect((await sh('stat -c "%a %U" /etc/cryptsetup-keys.d/home.key')).trim()).toBe('400 root');

    // /home is the LUKS2 volume, with argon2id and AES-XTS-512, and its content came across with owner and mode.
    expect((await sh('findmnt -n -o SOURCE --target /home')).trim()).toBe('/dev/mapper/home');
    const meta = JSON.parse(await sh(`cryptsetup luksDump --dump-json-metadata ${HOME_DISK}`)) as {
      keyslots: Record<string, { kdf: { type: string }; key_size: number }>;
      segments: Record<string, { encryption: string }>;
    };
    expect(Object.values(meta.keyslots).map((k) => [k.kdf.type, k.key_size])).toEqual([['argon2id', 64]]);
    expect(meta.segments['0']?.encryption).toBe('aes-xts-plain64');
    expect((await sh('cat /home/admin/marker; stat -c "%U %a" /home/admin/marker')).trim()).toBe('keelson-e2e\nadmin 640');
    // The clear-text originals are gone from the root filesystem underneath.
    expect((await sh('mkdir -p /mnt/rootfs && mount --bind / /mnt/rootfs && ls -A /mnt/rootfs/home; umount /mnt/rootfs')).trim()).toBe('');

    // auditd: the file says HALT, and the running daemon reread it after the apply started.
    expect((await sh("grep -E '^(disk_full|disk_error|admin_space_left)_action' /etc/audit/auditd.conf")).trim().split('\n')).toEqual([
      'admin_space_left_action = HALT',
      'disk_full_action = HALT',
      'disk_error_action = HALT',
    ]);
    expect((await sh('systemctl is-active auditd')).trim()).toBe('active');
    // auditd logs a DAEMON_CONFIG record each time it rereads its configuration: one must be newer than the apply.
    const reconfigured = (await sh("grep -h 'type=DAEMON_CONFIG.*op=reconfigure state=changed' /var/log/audit/audit.log* || true"))
      .split('\n')
      .map((l) => Number(/msg=audit\(([0-9]+)\./.exec(l)?.[1] ?? 0));
    expect(Math.max(0, ...reconfigured)).toBeGreaterThanOrEqual(Number(since));

    // Converged: a second plan only remembers that the new header refuses an empty passphrase (tested now, the first
    // plan to see that header); applied, the plan after the reboot below has nothing to do, and does not test it again.
    const again = await plan();
    expect(planBlockers(again), renderPlanText(again)).toEqual([]);
    expect(planActions(again).map((a) => `${a.kind} ${'path' in a ? a.path : ''}`)).toEqual([`state.write ${emptyPassphraseCachePath(await headerDigest())}`]);
    expect(await applyPlan(theHost(), again)).toMatchObject({ ok: true, done: 1 });
  }, SLOW);

  it('comes back after a reboot with /home open and mounted, and still nothing to do', async () => {
    await host?.close();
    host = undefined;
    await timer.time('start', 'reboot', () => theVm().reboot());
    await timer.time('wait', 'systemd done starting', () => sh('systemctl is-system-running --wait || true'));
    expect((await sh('findmnt -n -o SOURCE --target /home')).trim()).toBe('/dev/mapper/home');
    expect(await sh('cryptsetup status home')).toMatch(/type:\s+LUKS2/);
    expect((await sh('cat /home/admin/marker')).trim()).toBe('keelson-e2e');
    expect((await sh(`findmnt -n -o SOURCE --target /var/log/audit`)).trim()).toBe((await sh(`readlink -f ${AUDIT_DISK}`)).trim());
    expect((await sh('systemctl is-active auditd')).trim()).toBe('active');
    await connect();
    const p = await plan();
    expect(planBlockers(p), renderPlanText(p)).toEqual([]);
    // Nothing to do means the header was remembered too: a header tested afresh would plan remembering it.
    expect(planActions(p)).toEqual([]);
  }, SLOW);

  it('halts the host when the audit partition runs out of space', async () => {
    await host?.close();
    host = undefined;
    // Leave less than admin_space_left (50 MiB) free, then make auditd write.
    await theVm().ssh(
      'avail=$(df -B1 --output=avail /var/log/audit | tail -n 1); fallocate -l $((avail - 30 * 1024 * 1024)) /var/log/audit/e2e-fill; ' +
        'for i in 1 2 3 4 5; do auditctl -m "keelson e2e fill $i"; sleep 1; done',
      { timeoutMs: 120_000 },
    ).catch(() => undefined); // the connection may drop as the host goes down
    const deadline = Date.now() + 10 * 60_000;
    while (!/reboot: Power down/.test(theVm().consoleTail(40)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5000));
    expect(theVm().consoleTail(40)).toMatch(/reboot: Power down/);
  }, SLOW);
});
