// The test host itself: what every later scenario relies on, asserted from inside the VM over SSH.
import { describe, expect, it } from 'vitest';
import { runGuestScript } from '../host-vm/guest-scripts.js';
import { useVm } from './support/use-vm.js';

describe('test VM (debootstrapped trixie under qemu)', () => {
  const booted = useVm({ name: 'smoke' });

  it('finishes booting as running or degraded', async () => {
    const vm = booted();
    // --wait: SSH answers before the boot transaction is over.
    const state = (await vm.ssh('systemctl is-system-running --wait')).stdout.trim();
    if (state === 'degraded') {
      console.warn(`[vm-smoke] degraded; failed units:\n${(await vm.ssh('systemctl --failed --no-legend --plain')).stdout}`);
    }
    expect(['running', 'degraded']).toContain(state);
    console.info(`[vm-smoke] ${(await vm.ssh('systemd-analyze time')).stdout.trim()}`);
  });

  it('has the identity the harness promises', async () => {
    const vm = booted();
    expect((await vm.sshOk('hostname')).trim()).toBe(vm.image.hostname);
    // The fingerprint the harness reports is the one the guest's sshd really has.
    const fp = await vm.sshOk('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
    expect(fp.split(' ')[1]).toBe(vm.hostKeyFingerprint);
    expect(vm.knownHostsLine).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${vm.port} ssh-ed25519 `));
  });

  it('has Podman 5 with the Quadlet generator', async () => {
    const vm = booted();
    const version = (await vm.sshOk("podman version --format '{{.Client.Version}}'")).trim();
    expect(Number(version.split('.')[0])).toBeGreaterThanOrEqual(5);
    expect((await vm.ssh('test -x /usr/libexec/podman/quadlet')).code).toBe(0);
  });

  it('reaches a lingering user manager from root with systemctl --user -M', async () => {
    const vm = booted();
    await vm.sshOk('loginctl enable-linger admin');
    // enable-linger starts user@UID.service asynchronously; wait for it before asking the manager.
    await vm.sshOk('systemctl start user@$(id -u admin).service');
    const r = await vm.ssh('systemctl --user -M admin@ is-system-running --wait');
    expect(r.stderr).toBe('');
    expect(['running', 'degraded']).toContain(r.stdout.trim());
    expect((await vm.sshOk('loginctl show-user admin -p Linger')).trim()).toBe('Linger=yes');
  });

  it('imports busybox offline and runs it rootful', async () => {
    const vm = booted();
    await runGuestScript(vm, 'import-busybox.sh', ['localhost/busybox:smoke']);
    const r = await vm.ssh('podman run --rm localhost/busybox:smoke /bin/busybox echo ok');
    expect(r).toMatchObject({ code: 0, stdout: 'ok\n' });
  });

  it('imports busybox offline and runs it rootless as admin', async () => {
    const vm = booted();
    await runGuestScript(vm, 'import-busybox.sh', ['localhost/busybox:smoke'], { user: 'admin' });
    const r = await vm.ssh('podman run --rm localhost/busybox:smoke /bin/busybox id -u', { user: 'admin' });
    expect(r).toMatchObject({ code: 0, stdout: '0\n' });
  });

  it('gives admin passwordless sudo', async () => {
    const vm = booted();
    expect((await vm.ssh('sudo -n true', { user: 'admin' })).code).toBe(0);
    expect((await vm.sshOk('sudo -n id -u', { user: 'admin' })).trim()).toBe('0');
  });
});
