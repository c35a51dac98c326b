// A saved running guest: its memory and devices (a QEMU migration stream, zstd-compressed) and its disks (the qcow2
// overlays it was writing, frozen). A restore starts a NEW overlay on each frozen disk and loads the stream into a
// qemu with the same hardware, so any number of scenarios resume the same host independently, in seconds, and the
// snapshot itself is never written again. Made in the same run by the code under test (test/e2e/support/
// prepared-states.ts), never cached across runs.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Accel } from './accel.js';
import type { Hardware } from './qemu.js';

/** What the guest was when it was saved: a restore must come back as the same running system. */
export interface GuestAtSave {
  readonly bootId: string;
  readonly systemState: string;
  readonly uptimeSeconds: number;
  readonly savedAt: string;
}

export interface Snapshot {
  readonly name: string;
  readonly dir: string;
  readonly imageKey: string;
  readonly accel: Accel;
  readonly hardware: Hardware;
  readonly guest: GuestAtSave;
  /** The snapshot the saved VM had itself been restored from (null: a cold boot). */
  readonly parent: string | null;
  readonly saveMs: number;
  readonly stateBytes: number;
}

export const snapshotFiles = (dir: string) => ({
  meta: join(dir, 'snapshot.json'),
  state: join(dir, 'state.zst'),
  root: join(dir, 'root.qcow2'),
  disk: (id: string) => join(dir, `disk-${id}.qcow2`),
});

export const writeSnapshotMeta = (s: Snapshot): Promise<void> => writeFile(snapshotFiles(s.dir).meta, `${JSON.stringify(s, null, 2)}\n`);

export const readSnapshot = async (dir: string): Promise<Snapshot> => JSON.parse(await readFile(snapshotFiles(dir).meta, 'utf8')) as Snapshot;

/** One guest command that reports what a restore is compared with. Output: boot id, state, epoch, uptime. */
export const GUEST_PROBE = 'cat /proc/sys/kernel/random/boot_id; systemctl is-system-running || true; date +%s.%N; cut -d" " -f1 /proc/uptime';

export const parseGuestProbe = (out: string): { bootId: string; systemState: string; epoch: number; uptimeSeconds: number } => {
  const [bootId = '', systemState = '', epoch = '', uptime = ''] = out.trim().split('\n').map((l) => l.trim());
  return { bootId, systemState, epoch: Number(epoch), uptimeSeconds: Number(uptime) };
};

/**
 * Whether a restored guest is the saved host, running now: the same boot (boot id) further on (uptime), the same
 * systemd state, its clock set to now (from its RTC, as a resume from suspend does). Returns the problems found.
 */
export const resumedProblems = (saved: GuestAtSave, now: ReturnType<typeof parseGuestProbe>, hostEpoch: number): string[] => {
  const problems: string[] = [];
  if (now.bootId !== saved.bootId) problems.push(`boot id ${now.bootId} is not the saved ${saved.bootId} (the guest rebooted instead of resuming)`);
  if (!(now.uptimeSeconds >= saved.uptimeSeconds)) problems.push(`uptime ${now.uptimeSeconds} s is below the saved ${saved.uptimeSeconds} s`);
  if (now.systemState !== saved.systemState) problems.push(`systemd is "${now.systemState}", it was "${saved.systemState}" when saved`);
  if (!(Math.abs(now.epoch - hostEpoch) < 5)) problems.push(`the guest clock is ${(now.epoch - hostEpoch).toFixed(1)} s off the host's`);
  return problems;
};
