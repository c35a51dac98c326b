// KVM or TCG. /dev/kvm can exist and still hang the guest (it does on the machine this was written on), so KVM is
// probed once per host boot: the kernel booted with no root disk must reach its "no root" panic in time.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ImageInfo } from './image.js';

export type Accel = 'kvm' | 'tcg';

let kvmProbe: Promise<boolean> | undefined;

export function kvmMemo(image: ImageInfo, bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()): string {
  return join(dirname(image.dir), `kvm-probe-${bootId}`);
}

/** Whether KVM really runs a guest here; the answer is remembered in the cache per host boot. */
export function probeKvm(image: ImageInfo): Promise<boolean> {
  kvmProbe ??= (async () => {
    if (!existsSync('/dev/kvm')) return false;
    const memo = kvmMemo(image);
    if (existsSync(memo)) return readFileSync(memo, 'utf8').trim() === 'yes';
    const out: string[] = [];
    const child = spawn(
      'qemu-system-x86_64',
      ['-accel', 'kvm', '-cpu', 'host', '-m', '256', '-nodefaults', '-no-user-config', '-display', 'none',
        '-no-reboot', '-serial', 'stdio', '-kernel', image.kernel, '-append', 'console=ttyS0 panic=-1 root=/dev/null'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout.setEncoding('utf8').on('data', (d: string) => out.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => out.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await new Promise((r) => child.on('close', r));
    clearTimeout(timer);
    const works = /Kernel panic|VFS: Unable to mount root/.test(out.join(''));
    await writeFile(memo, works ? 'yes\n' : 'no\n').catch(() => undefined);
    return works;
  })();
  return kvmProbe;
}

export async function chooseAccel(requested: Accel | 'auto', image: ImageInfo): Promise<Accel> {
  if (requested !== 'auto') return requested;
  return (await probeKvm(image)) ? 'kvm' : 'tcg';
}
