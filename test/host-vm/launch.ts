// Starts a VM (cold boot or restore) and builds its handle. The two differ only in how qemu starts (-incoming
// from the snapshot's stream, then "cont") and in what is proven before the handle is returned.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chooseAccel, kvmMemo, type Accel } from './accel.js';
import { newWorkDir, track } from './cleanup.js';
import { closeMasters, guestSsh, shQuote, VM_HOST } from './guest-ssh.js';
import { ensureImage, fingerprintOf } from './image.js';
import { Qmp } from './qmp.js';
import { consoleTail, qemuArgs, QemuProcess, type ExtraDisk, type Hardware, type QemuFiles } from './qemu.js';
import { GUEST_PROBE, parseGuestProbe, resumedProblems, snapshotFiles, writeSnapshotMeta, type Snapshot } from './snapshot.js';
import { waitForSsh } from './wait-ssh.js';
import type { BootOptions, Vm } from './vm.js';

const execFileAsync = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const hardwareOf = (o: BootOptions): Hardware => ({
  cpus: o.cpus ?? 1,
  memoryMiB: o.memoryMiB ?? 2048,
  network: o.network ?? 'isolated',
  disks: o.extraDisks ?? [],
});

const checkDisks = (disks: readonly ExtraDisk[]): void => {
  const seen = new Set<string>();
  for (const d of disks) {
    // The virtio-blk serial is at most 20 bytes; by-id names come from it.
    if (!/^[a-z0-9][a-z0-9-]{0,19}$/.test(d.id)) throw new Error(`extra disk id "${d.id}": use [a-z0-9-], at most 20`);
    if (seen.has(d.id)) throw new Error(`extra disk id "${d.id}" given twice`);
    seen.add(d.id);
  }
};

const overlayOn = (backing: string, file: string) => execFileAsync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', backing, file]);

type Start = { readonly kind: 'boot' } | { readonly kind: 'restore'; readonly snapshot: Snapshot };

export async function launch(start: Start, options: BootOptions): Promise<Vm> {
  const image = await ensureImage();
  const requested = options.accel ?? (process.env.KEELSON_VM_ACCEL as Accel | 'auto' | undefined) ?? 'auto';
  if (!['auto', 'kvm', 'tcg'].includes(requested)) throw new Error(`KEELSON_VM_ACCEL must be auto, kvm or tcg`);
  if (start.kind === 'restore' && start.snapshot.imageKey !== image.key) throw new Error(`snapshot ${start.snapshot.name} was made from image ${start.snapshot.imageKey}, not ${image.key}`);
  let accel = await chooseAccel(requested, image);
  const hardware = hardwareOf(options);
  checkDisks(hardware.disks);
  const name = options.name ?? 'vm';
  const workDir = await newWorkDir(name);
  const files: QemuFiles = {
    overlay: join(workDir, 'overlay.qcow2'),
    disks: hardware.disks.map((d) => ({ id: d.id, file: join(workDir, `disk-${d.id}.qcow2`) })),
    console: join(workDir, 'console.log'),
    qmp: join(workDir, 'qmp.sock'),
    log: join(workDir, 'qemu.log'),
  };
  const qemu = new QemuProcess(files);
  const untrack = track({ pid: () => qemu.pid, workDir });
  const knownHostsFile = join(workDir, 'known_hosts');
  let knownHostsLine = '';
  const ssh = guestSsh({ workDir, identityFile: image.identityFile, knownHostsFile, port: () => qemu.port });
  const bootTimesMs: number[] = [];
  const sshDeadlineMs = options.sshDeadlineMs ?? Number(process.env.KEELSON_VM_SSH_DEADLINE_MS ?? 240_000);
  const sshHardDeadlineMs = Math.max(sshDeadlineMs, options.sshHardDeadlineMs ?? 900_000);

  const makeDisks = async (): Promise<void> => {
    if (start.kind === 'restore') {
      const snap = snapshotFiles(start.snapshot.dir);
      await overlayOn(snap.root, files.overlay);
      for (const d of files.disks) await overlayOn(snap.disk(d.id), d.file);
      return;
    }
    await overlayOn(image.base, files.overlay);
    for (const [i, d] of files.disks.entries()) await execFileAsync('qemu-img', ['create', '-q', '-f', 'qcow2', d.file, `${hardware.disks[i]?.sizeMiB ?? 0}M`]);
  };

  const startQemu = async (incoming?: string): Promise<void> => {
    await rm(files.qmp, { force: true });
    await qemu.start((port) => qemuArgs({ image, accel, hardware, files, name, port, ...(incoming !== undefined ? { incoming } : {}) }));
    knownHostsLine = `[${VM_HOST}]:${qemu.port} ${image.hostPublicKey.split(/\s+/).slice(0, 2).join(' ')}`;
    await writeFile(knownHostsFile, `${knownHostsLine}\n`);
  };
  const awaitSsh = (softMs: number, hardMs: number) => waitForSsh({ ssh, qemu, consolePath: files.console, port: () => qemu.port, accel, softMs, hardMs });

  const bootOnce = async (): Promise<void> => {
    const t0 = Date.now();
    await startQemu();
    await awaitSsh(sshDeadlineMs, sshHardDeadlineMs);
    bootTimesMs.push(Date.now() - t0);
  };

  const restoreOnce = async (snapshot: Snapshot): Promise<void> => {
    const t0 = Date.now();
    await startQemu(`exec:zstd -dcq ${shQuote(snapshotFiles(snapshot.dir).state)}`);
    const qmp = await Qmp.open(files.qmp);
    try {
      // A guest saved paused comes in paused: it runs from "cont" on, so no SSH attempt queues up before that.
      const status = await qmp.waitStatusNot('inmigrate', 5 * 60_000);
      if (status === 'paused' || status === 'postmigrate' || status === 'prelaunch') await qmp.execute('cont');
    } finally {
      qmp.close();
    }
    await awaitSsh(Math.min(sshDeadlineMs, 180_000), Math.min(sshHardDeadlineMs, 600_000));
    // As a resume from suspend does: the system clock from the RTC, which qemu keeps at the host's time.
    await ssh('date -u -s "@$(cat /sys/class/rtc/rtc0/since_epoch)" >/dev/null', { timeoutMs: 60_000 });
    // Clones of one snapshot start with the same kernel RNG state (this kernel has no vmgenid): mix in new entropy.
    await ssh('cat > /dev/urandom', { input: randomBytes(512), timeoutMs: 60_000 });
    const before = Date.now() / 1000;
    const probe = parseGuestProbe((await ssh(GUEST_PROBE, { timeoutMs: 60_000 })).stdout);
    const hostEpoch = (before + Date.now() / 1000) / 2;
    const problems = resumedProblems(snapshot.guest, probe, hostEpoch);
    if (problems.length > 0) throw new Error(`the VM restored from snapshot ${snapshot.name} is not the saved host running now: ${problems.join('; ')}`);
    bootTimesMs.push(Date.now() - t0);
  };

  try {
    await makeDisks();
    if (start.kind === 'restore') {
      await restoreOnce(start.snapshot);
    } else {
      try {
        await bootOnce();
      } catch (error) {
        // KVM chosen by probe but the real boot failed: note it for this host boot and fall back to TCG once.
        if (requested !== 'auto' || accel !== 'kvm') throw error;
        console.warn(`[keelson-vm] boot under KVM failed, falling back to TCG: ${String(error).split('\n')[0] ?? ''}`);
        await writeFile(kvmMemo(image), 'no\n').catch(() => undefined);
        await qemu.kill();
        accel = 'tcg';
        await rm(files.overlay, { force: true });
        await overlayOn(image.base, files.overlay);
        await bootOnce();
      }
    }
  } catch (error) {
    await qemu.kill();
    untrack();
    if (!process.env.KEELSON_VM_KEEP) await rm(workDir, { recursive: true, force: true });
    throw error;
  }

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await closeMasters(workDir);
    await qemu.kill();
    untrack();
    if (process.env.KEELSON_VM_KEEP) {
      // Keep console and logs for a post-mortem, never the disks.
      for (const f of [files.overlay, ...files.disks.map((d) => d.file)]) await rm(f, { force: true });
    } else {
      await rm(workDir, { recursive: true, force: true });
    }
  };

  const vm: Vm = {
    host: VM_HOST,
    get port() {
      return qemu.port;
    },
    root: { user: 'root', identityFile: image.identityFile },
    admin: { user: 'admin', identityFile: image.identityFile },
    hostKeyFingerprint: fingerprintOf(image.hostPublicKey),
    get knownHostsLine() {
      return knownHostsLine;
    },
    knownHostsFile,
    get accel() {
      return accel;
    },
    image,
    hardware,
    workDir,
    restoredFrom: start.kind === 'restore' ? start.snapshot.name : null,
    bootTimesMs,
    ssh,
    async sshOk(cmd, opts) {
      const r = await ssh(cmd, opts);
      if (r.code !== 0) throw new Error(`guest command failed (exit ${r.code}): ${cmd}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`);
      return r.stdout;
    },
    async putFile(remotePath, content, mode = '0644') {
      const q = shQuote(remotePath);
      await vm.sshOk(`umask 077 && cat > ${q}.tmp && chmod ${mode} ${q}.tmp && mv -f ${q}.tmp ${q}`, { input: content });
    },
    async reboot() {
      // poweroff rather than reboot: qemu exits, proving the guest shut down cleanly, and we boot it anew.
      await ssh('systemctl poweroff', { timeoutMs: 60_000 }).catch(() => undefined);
      await closeMasters(workDir);
      await Promise.race([qemu.exited(), sleep(180_000)]);
      if (!qemu.hasExited()) {
        await qemu.kill();
        throw new Error(`guest did not power off within 180 s\n--- console (last 60 lines) ---\n${consoleTail(files.console)}`);
      }
      await bootOnce();
    },
    saveSnapshot: (dir, snapshotName) => save({ dir, name: snapshotName, ssh, qemu, files, workDir, image: image.key, accel, hardware, parent: start.kind === 'restore' ? start.snapshot.name : null, stop }),
    stop,
    consoleLog: () => files.console,
    consoleTail: (lines) => consoleTail(files.console, lines),
  };
  return vm;
}

interface SaveInput {
  dir: string;
  name: string;
  ssh: ReturnType<typeof guestSsh>;
  qemu: QemuProcess;
  files: QemuFiles;
  workDir: string;
  image: string;
  accel: Accel;
  hardware: Hardware;
  parent: string | null;
  stop: () => Promise<void>;
}

async function save(i: SaveInput): Promise<Snapshot> {
  const t0 = Date.now();
  const r = await i.ssh(`systemctl is-system-running --wait >/dev/null; sync; ${GUEST_PROBE}`, { timeoutMs: 10 * 60_000 });
  const probe = parseGuestProbe(r.stdout);
  // No TCP connection of ours may be open in the saved guest: its other end would be gone in every restore.
  await closeMasters(i.workDir);
  const snap = snapshotFiles(i.dir);
  const qmp = await Qmp.open(i.files.qmp);
  try {
    await qmp.execute('stop');
    // The guest is paused, so all of it is downtime anyway: no bandwidth cap.
    await qmp.execute('migrate-set-parameters', { 'max-bandwidth': 8 * 1024 ** 3 });
    await qmp.execute('migrate', { uri: `exec:zstd -1 -q -o ${shQuote(snap.state)}` });
    await qmp.waitMigration(10 * 60_000);
    await qmp.execute('quit').catch(() => undefined);
  } finally {
    qmp.close();
  }
  await Promise.race([i.qemu.exited(), sleep(30_000)]);
  await i.qemu.kill();
  // The disks as the guest left them become the snapshot's; the VM is over.
  await rename(i.files.overlay, snap.root);
  for (const d of i.files.disks) await rename(d.file, snap.disk(d.id));
  await i.stop();
  const snapshot: Snapshot = {
    name: i.name,
    dir: i.dir,
    imageKey: i.image,
    accel: i.accel,
    hardware: i.hardware,
    guest: { bootId: probe.bootId, systemState: probe.systemState, uptimeSeconds: probe.uptimeSeconds, savedAt: new Date().toISOString() },
    parent: i.parent,
    saveMs: Date.now() - t0,
    stateBytes: statSync(snap.state).size,
  };
  await writeSnapshotMeta(snapshot);
  return snapshot;
}
