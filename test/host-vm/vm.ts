// A real test host: the cached Debian trixie image under qemu, booted cold or restored from a snapshot saved
// earlier in the same run. Each VM gets its own work dir (qcow2 overlays, serial console, known_hosts) and its own
// loopback port; nothing is shared but read-only backing files. vm.ssh() is the tests' independent view from inside
// the VM (the system OpenSSH client), never keelson's code.
import type { Accel } from './accel.js';
import { shQuote, VM_HOST, type SshOptions, type SshResult } from './guest-ssh.js';
import { ensureImage, fingerprintOf, type ImageInfo } from './image.js';
import { launch } from './launch.js';
import type { ExtraDisk, Hardware } from './qemu.js';
import type { Snapshot } from './snapshot.js';

export { ensureImage, fingerprintOf, shQuote, VM_HOST };
export { probeKvm } from './accel.js';
export type { Accel, ExtraDisk, Hardware, ImageInfo, Snapshot, SshOptions, SshResult };

export interface BootOptions {
  extraDisks?: ExtraDisk[];
  memoryMiB?: number;
  cpus?: number;
  /**
   * How long to wait for SSH after qemu starts (default 240 s; env KEELSON_VM_SSH_DEADLINE_MS). Past it, the wait
   * goes on only while the serial console still shows progress, up to sshHardDeadlineMs: on a machine shared with
   * other emulated guests a boot can be slow yet healthy.
   */
  sshDeadlineMs?: number;
  /** Absolute limit for the SSH wait (default 900 s, never below sshDeadlineMs). */
  sshHardDeadlineMs?: number;
  /** 'auto' tries KVM (probed once per host boot) and falls back to TCG. Env: KEELSON_VM_ACCEL. */
  accel?: Accel | 'auto';
  /** 'isolated' (default): qemu's restrict=on, the guest reaches nothing outside. 'nat': it may reach what the host reaches. */
  network?: 'isolated' | 'nat';
  /** Shows up in the work dir name and in errors. */
  name?: string;
}

export interface VmUser {
  user: string;
  identityFile: string;
}

export interface Vm {
  readonly host: string;
  readonly port: number;
  readonly root: VmUser;
  readonly admin: VmUser;
  /** The guest's ed25519 host key fingerprint, OpenSSH form (SHA256:…). */
  readonly hostKeyFingerprint: string;
  /** `[127.0.0.1]:PORT ssh-ed25519 AAAA…` */
  readonly knownHostsLine: string;
  /** A file holding knownHostsLine, for ssh -o UserKnownHostsFile=. */
  readonly knownHostsFile: string;
  readonly accel: Accel;
  readonly image: ImageInfo;
  readonly hardware: Hardware;
  readonly workDir: string;
  /** The snapshot this VM was restored from; null when it booted cold. */
  readonly restoredFrom: string | null;
  /** Wall time of each start until SSH answered, in ms (the first boot or restore, then one per reboot). */
  readonly bootTimesMs: readonly number[];
  /** Runs `cmd` through the guest user's shell over SSH. Never throws on a non-zero exit. */
  ssh(cmd: string, options?: SshOptions): Promise<SshResult>;
  /** Like ssh(), but throws with the output when the exit code is not 0. Returns stdout. */
  sshOk(cmd: string, options?: SshOptions): Promise<string>;
  /** Writes a file in the guest (via stdin), as root unless told otherwise. */
  putFile(remotePath: string, content: string | Buffer, mode?: string): Promise<void>;
  /** Guest poweroff, then the same overlay and disks booted again (cold); resolves once SSH answers. */
  reboot(): Promise<void>;
  /**
   * Pauses the guest and saves it into `dir` (memory and devices, and its disks as they are), then ends this VM:
   * its disks now belong to the snapshot. Close every SSH connection of your own to the guest first.
   */
  saveSnapshot(dir: string, name: string): Promise<Snapshot>;
  /** Kills qemu and removes the work dir (overlay, disks). Safe to call twice. */
  stop(): Promise<void>;
  consoleLog(): string;
  consoleTail(lines?: number): string;
}

/** Boots the cached image cold, with blank extra disks. */
export async function bootVm(options: BootOptions = {}): Promise<Vm> {
  return launch({ kind: 'boot' }, options);
}

/**
 * Resumes a saved guest on new overlays (the snapshot stays as it is), then proves it is the saved host running
 * now: a fresh SSH connection, the same boot further on, the same systemd state, and its clock set from its RTC.
 */
export async function restoreVm(snapshot: Snapshot, options: Pick<BootOptions, 'name' | 'sshDeadlineMs' | 'sshHardDeadlineMs'> = {}): Promise<Vm> {
  return launch({ kind: 'restore', snapshot }, { ...options, ...snapshot.hardware, extraDisks: [...snapshot.hardware.disks], accel: snapshot.accel });
}
