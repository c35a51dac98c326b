// Waits until the guest's sshd answers a fresh login. Past the soft deadline the wait goes on only while the serial
// console still moves (a slow boot on a loaded machine is still a boot), up to the hard deadline.
import { availableParallelism, loadavg } from 'node:os';
import type { Accel } from './accel.js';
import { VM_HOST, type SshOptions, type SshResult } from './guest-ssh.js';
import { consoleSize, consoleTail, type QemuProcess } from './qemu.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface SshWait {
  readonly ssh: (cmd: string, opts?: SshOptions) => Promise<SshResult>;
  readonly qemu: QemuProcess;
  readonly consolePath: string;
  readonly port: () => number;
  readonly accel: Accel;
  readonly softMs: number;
  readonly hardMs: number;
}

export async function waitForSsh(w: SshWait): Promise<void> {
  const started = Date.now();
  let last: SshResult | undefined;
  let lastSize = consoleSize(w.consolePath);
  let lastGrowth = Date.now();
  const keepWaiting = (): boolean => {
    const now = Date.now();
    const size = consoleSize(w.consolePath);
    if (size !== lastSize) {
      lastSize = size;
      lastGrowth = now;
    }
    if (now - started < w.softMs) return true;
    return now - started < w.hardMs && now - lastGrowth < 60_000;
  };
  while (keepWaiting()) {
    if (w.qemu.hasExited()) {
      throw new Error(`qemu exited while waiting for SSH (${w.qemu.exitDescription()}): ${w.qemu.stderr()}\n--- console (last 60 lines) ---\n${consoleTail(w.consolePath)}`);
    }
    try {
      last = await w.ssh('true', { timeoutMs: 30_000 });
      if (last.code === 0) return;
    } catch {
      // a hung handshake while sshd starts under emulation: try again
    }
    await sleep(1000);
  }
  throw new Error(
    `no SSH on ${VM_HOST}:${w.port()} after ${Math.round((Date.now() - started) / 1000)} s (accel ${w.accel}, ` +
      `host load ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} CPUs); ` +
      `last ssh said: ${last?.stderr.trim() ?? '-'}\n` +
      `--- console (last 60 lines) ---\n${consoleTail(w.consolePath)}`,
  );
}
