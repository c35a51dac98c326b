// A real test host: boots the cached Debian trixie image under qemu for end-to-end scenarios.
//
// Each bootVm() gets its own work dir (qcow2 overlay over the cached base, blank extra disks, serial
// console log, known_hosts) and its own loopback port. Nothing but the base image is shared.
// The ssh() helper is the tests' independent view from inside the VM: it uses the system OpenSSH
// client, never keelson's code.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

export const VM_HOST = '127.0.0.1';

export interface ExtraDisk {
  /** Becomes the virtio serial, so the disk shows up as /dev/disk/by-id/virtio-<id>. */
  id: string;
  sizeMiB: number;
}

export type Accel = 'kvm' | 'tcg';

export interface BootOptions {
  extraDisks?: ExtraDisk[];
  memoryMiB?: number;
  cpus?: number;
  /**
   * How long to wait for SSH after qemu starts (default 240 s; env KEELSON_VM_SSH_DEADLINE_MS).
   * Past it, the wait goes on only while the serial console still shows progress, up to
   * sshHardDeadlineMs: on a machine shared with other emulated guests a boot can be slow yet healthy.
   */
  sshDeadlineMs?: number;
  /** Absolute limit for the SSH wait (default 900 s, never below sshDeadlineMs). */
  sshHardDeadlineMs?: number;
  /** 'auto' tries KVM (probed once per process) and falls back to TCG. Env: KEELSON_VM_ACCEL. */
  accel?: Accel | 'auto';
  /**
   * 'isolated' (default): qemu's restrict=on — the guest reaches nothing outside, only the port
   * forward reaches it. 'nat': the guest may reach what the host reaches (e.g. Debian's mirror).
   */
  network?: 'isolated' | 'nat';
  /** Shows up in the work dir name and in errors. */
  name?: string;
}

export interface SshResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface SshOptions {
  user?: 'root' | 'admin';
  /** Fed on stdin: how secrets reach the guest (never on a command line). */
  input?: string | Buffer;
  timeoutMs?: number;
}

export interface VmUser {
  user: string;
  identityFile: string;
}

export interface ImageInfo {
  dir: string;
  key: string;
  kernelPackage: string;
  kernelVersion: string;
  cmdline: string;
  hostname: string;
  kernel: string;
  initrd: string;
  base: string;
  identityFile: string;
  hostPublicKey: string;
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
  readonly workDir: string;
  /** Wall time of each boot until SSH answered, in ms (first boot, then one per reboot). */
  readonly bootTimesMs: readonly number[];
  /** Runs `cmd` through the guest user's shell over SSH. Never throws on a non-zero exit. */
  ssh(cmd: string, options?: SshOptions): Promise<SshResult>;
  /** Like ssh(), but throws with the output when the exit code is not 0. Returns stdout. */
  sshOk(cmd: string, options?: SshOptions): Promise<string>;
  /** Writes a file in the guest (via stdin), as root unless told otherwise. */
  putFile(remotePath: string, content: string | Buffer, mode?: string): Promise<void>;
  /** Guest poweroff, then the same overlay and disks booted again; resolves once SSH answers. */
  reboot(): Promise<void>;
  /** Kills qemu and removes the work dir (overlay, disks). Safe to call twice. */
  stop(): Promise<void>;
  consoleLog(): string;
  consoleTail(lines?: number): string;
}

/** POSIX shell single-quoting, for building guest command strings in tests. */
export function shQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

// ---------------------------------------------------------------------------------------------
// Image

let imagePromise: Promise<ImageInfo> | undefined;

/** Builds the base image if needed (cached; instant when present) and describes it. */
export function ensureImage(): Promise<ImageInfo> {
  imagePromise ??= buildImage();
  return imagePromise;
}

async function buildImage(): Promise<ImageInfo> {
  const script = join(here, 'build-image.sh');
  const stdout = await new Promise<string>((resolve, reject) => {
    // stderr goes straight through: a cold build takes minutes and its progress should be visible.
    const child = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`build-image.sh failed (exit ${String(code)})`));
    });
  });
  const dir = stdout.trim().split('\n').at(-1) ?? '';
  if (!dir || !existsSync(join(dir, 'image.json'))) throw new Error(`build-image.sh printed no image dir: ${stdout}`);
  const meta = JSON.parse(await readFile(join(dir, 'image.json'), 'utf8')) as Record<string, string>;
  return {
    dir,
    key: String(meta.key),
    kernelPackage: String(meta.kernelPackage),
    kernelVersion: String(meta.kernelVersion),
    cmdline: (await readFile(join(dir, 'cmdline'), 'utf8')).trim(),
    hostname: String(meta.hostname),
    kernel: join(dir, 'vmlinuz'),
    initrd: join(dir, 'initrd.img'),
    base: join(dir, 'base.qcow2'),
    identityFile: join(dir, 'id_ed25519'),
    hostPublicKey: (await readFile(join(dir, 'ssh_host_ed25519_key.pub'), 'utf8')).trim(),
  };
}

/** `SHA256:…` as `ssh-keygen -l` prints it: unpadded base64 of the key blob's SHA-256. */
export function fingerprintOf(publicKeyLine: string): string {
  const blob = publicKeyLine.split(/\s+/)[1];
  if (!blob) throw new Error(`not an OpenSSH public key: ${publicKeyLine}`);
  const digest = createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

// ---------------------------------------------------------------------------------------------
// Acceleration

let kvmProbe: Promise<boolean> | undefined;

/**
 * Whether KVM really runs a guest here: the device node can exist and still hang the guest (it does on
 * the machine this was written on). Boots the kernel with no root disk under KVM; reaching the
 * "no root" panic in time means it works. The answer is remembered in the cache per host boot.
 */
export function probeKvm(image: ImageInfo): Promise<boolean> {
  kvmProbe ??= (async () => {
    if (!existsSync('/dev/kvm')) return false;
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const memo = kvmMemo(image, bootId);
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

function kvmMemo(image: ImageInfo, bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()): string {
  return join(dirname(image.dir), `kvm-probe-${bootId}`);
}

async function chooseAccel(requested: Accel | 'auto', image: ImageInfo): Promise<Accel> {
  if (requested !== 'auto') return requested;
  return (await probeKvm(image)) ? 'kvm' : 'tcg';
}

// ---------------------------------------------------------------------------------------------
// Process-wide cleanup: no qemu outlives the test process.

const live = new Set<{ pid: () => number | undefined; workDir: string }>();
let hooksInstalled = false;

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const killAll = (): void => {
    for (const vm of live) {
      const pid = vm.pid();
      if (pid) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      rmSync(vm.workDir, { recursive: true, force: true });
    }
    live.clear();
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      killAll();
      process.off(sig, handler);
      process.kill(process.pid, sig); // keep the default meaning of the signal
    };
    process.on(sig, handler);
  }
}

function workRoot(): string {
  return process.env.KEELSON_VM_WORK ?? join(tmpdir(), 'keelson-vm');
}

/** Work dirs left by a test process that was SIGKILLed (its qemu died with it via pdeathsig). */
function pruneStaleWorkDirs(root: string): void {
  if (!existsSync(root)) return;
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    let owner: number;
    try {
      owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
    } catch {
      continue;
    }
    if (!isAlive(owner)) rmSync(dir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, VM_HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function tail(text: string, lines: number): string {
  // The serial console carries CRs and terminal escapes; keep it readable in an error message.
  const esc = String.fromCharCode(27);
  const clean = text.replace(/\r/g, '').replaceAll(new RegExp(`${esc}\\[[0-9;?]*[A-Za-z]`, 'g'), '');
  return clean.split('\n').slice(-lines).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Boot

export async function bootVm(options: BootOptions = {}): Promise<Vm> {
  const image = await ensureImage();
  const requested = options.accel ?? (process.env.KEELSON_VM_ACCEL as Accel | 'auto' | undefined) ?? 'auto';
  if (!['auto', 'kvm', 'tcg'].includes(requested)) throw new Error(`KEELSON_VM_ACCEL must be auto, kvm or tcg`);
  let accel = await chooseAccel(requested, image);
  const root = workRoot();
  await mkdir(root, { recursive: true });
  pruneStaleWorkDirs(root);
  const name = (options.name ?? 'vm').replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 40);
  const workDir = join(root, `${name}-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(workDir, { recursive: true });
  await writeFile(join(workDir, 'owner.pid'), String(process.pid));
  installExitHooks();

  let child: ChildProcess | undefined;
  const entry = { pid: () => (child && child.exitCode === null ? child.pid : undefined), workDir };
  live.add(entry);

  try {
    const overlay = join(workDir, 'overlay.qcow2');
    await execFileAsync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', image.base, overlay]);
    const disks: { id: string; file: string }[] = [];
    for (const disk of options.extraDisks ?? []) {
      // The virtio-blk serial is at most 20 bytes; by-id names come from it.
      if (!/^[a-z0-9][a-z0-9-]{0,19}$/.test(disk.id)) throw new Error(`extra disk id "${disk.id}": use [a-z0-9-], at most 20`);
      if (disks.some((d) => d.id === disk.id)) throw new Error(`extra disk id "${disk.id}" given twice`);
      const file = join(workDir, `disk-${disk.id}.qcow2`);
      await execFileAsync('qemu-img', ['create', '-q', '-f', 'qcow2', file, `${disk.sizeMiB}M`]);
      disks.push({ id: disk.id, file });
    }
    const consolePath = join(workDir, 'console.log');
    const qemuLog = join(workDir, 'qemu.log');
    const knownHostsFile = join(workDir, 'known_hosts');
    const machineName = `keelson-${name}`;
    const network = options.network ?? 'isolated';

    let port = 0;
    let knownHostsLine = '';
    const bootTimesMs: number[] = [];
    let exitInfo: { code: number | null; signal: string | null } | undefined;
    // Read through a function: exitInfo is set from an event callback, which TS's narrowing cannot see.
    const hasExited = (): boolean => exitInfo !== undefined;
    let exited: Promise<void> = Promise.resolve();

    const qemuArgs = (p: number): string[] => {
      const args = [
        '--pdeathsig', 'SIGKILL', '--', // qemu dies with this process even on SIGKILL
        'qemu-system-x86_64',
        '-name', machineName,
        '-machine', 'q35',
        '-accel', accel,
        ...(accel === 'kvm' ? ['-cpu', 'host'] : []),
        '-smp', String(options.cpus ?? 1),
        '-m', String(options.memoryMiB ?? 2048),
        '-nodefaults', '-no-user-config', '-display', 'none', '-monitor', 'none',
        '-chardev', `file,id=console,path=${consolePath},append=on`,
        '-serial', 'chardev:console',
        '-kernel', image.kernel,
        '-initrd', image.initrd,
        // KEELSON_VM_APPEND: extra kernel arguments, for experiments without rebuilding the image.
        '-append', [image.cmdline, process.env.KEELSON_VM_APPEND ?? ''].join(' ').trim(),
        '-drive', `file=${overlay},if=none,id=root,format=qcow2,discard=unmap`,
        '-device', 'virtio-blk-pci,drive=root',
      ];
      for (const d of disks) {
        args.push('-drive', `file=${d.file},if=none,id=disk-${d.id},format=qcow2,discard=unmap`);
        args.push('-device', `virtio-blk-pci,drive=disk-${d.id},serial=${d.id}`);
      }
      const restrict = network === 'isolated' ? ',restrict=on' : '';
      args.push('-netdev', `user,id=net0${restrict},hostfwd=tcp:${VM_HOST}:${p}-:22`);
      args.push('-device', 'virtio-net-pci,netdev=net0');
      args.push('-device', 'virtio-rng-pci');
      return args;
    };

    const startQemu = async (): Promise<void> => {
      // Another process can take the port between our probe and qemu's bind: retry with a new one.
      for (let attempt = 1; ; attempt++) {
        port = port || (await freeLoopbackPort());
        await writeFile(qemuLog, '');
        exitInfo = undefined;
        const proc = spawn('setpriv', qemuArgs(port), { stdio: ['ignore', 'ignore', 'pipe'] });
        child = proc;
        const errChunks: string[] = [];
        proc.stderr.setEncoding('utf8').on('data', (d: string) => {
          errChunks.push(d);
          void writeFile(qemuLog, errChunks.join(''));
        });
        exited = new Promise((resolve) => {
          proc.on('exit', (code, signal) => {
            exitInfo = { code, signal };
            resolve();
          });
        });
        // qemu fails fast on a taken port or a bad argument; give it a moment to do so.
        await Promise.race([exited, sleep(1500)]);
        if (!hasExited()) break;
        const err = errChunks.join('');
        if (/host forwarding rule|Address already in use/i.test(err) && attempt < 5) {
          port = 0;
          continue;
        }
        throw new Error(`qemu exited at start (${JSON.stringify(exitInfo)}):\n${err}`);
      }
      knownHostsLine = `[${VM_HOST}]:${port} ${image.hostPublicKey.split(/\s+/).slice(0, 2).join(' ')}`;
      await writeFile(knownHostsFile, `${knownHostsLine}\n`);
    };

    const sshArgs = (user: string, cmd: string): string[] => [
      '-F', '/dev/null', // neither ~/.ssh/config nor /etc/ssh/ssh_config (SendEnv LANG and friends)
      '-i', image.identityFile,
      '-o', 'IdentitiesOnly=yes',
      '-o', 'BatchMode=yes',
      '-o', 'StrictHostKeyChecking=yes',
      '-o', `UserKnownHostsFile=${knownHostsFile}`,
      '-o', 'GlobalKnownHostsFile=/dev/null',
      '-o', 'HostKeyAlgorithms=ssh-ed25519',
      '-o', 'ConnectTimeout=10',
      // Generous: a guest starved of CPU under emulation can stall for tens of seconds.
      '-o', 'ServerAliveInterval=10',
      '-o', 'ServerAliveCountMax=18',
      // One connection per user, reused: a fresh SSH login costs seconds under emulation.
      '-o', 'ControlMaster=auto',
      '-o', `ControlPath=${join(workDir, 'ssh-%r.sock')}`,
      '-o', 'ControlPersist=300',
      '-o', 'LogLevel=ERROR',
      '-p', String(port),
      `${user}@${VM_HOST}`,
      '--',
      cmd,
    ];

    const ssh = (cmd: string, opts: SshOptions = {}): Promise<SshResult> =>
      new Promise((resolve, reject) => {
        const user = opts.user ?? 'root';
        const proc = spawn('ssh', sshArgs(user, cmd), { stdio: ['pipe', 'pipe', 'pipe'] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        proc.stdout.on('data', (d: Buffer) => out.push(d));
        proc.stderr.on('data', (d: Buffer) => err.push(d));
        const timeoutMs = opts.timeoutMs ?? 10 * 60_000;
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          proc.kill('SIGKILL');
        }, timeoutMs);
        proc.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        proc.on('close', (code) => {
          clearTimeout(timer);
          const result = { code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
          if (timedOut) reject(new Error(`ssh ${user}@vm timed out after ${timeoutMs} ms: ${cmd}\n${result.stdout}${result.stderr}`));
          else resolve(result);
        });
        proc.stdin.on('error', () => undefined); // the remote may not read its stdin
        proc.stdin.end(opts.input ?? '');
      });

    const consoleTail = (lines = 60): string => {
      try {
        return tail(readFileSync(consolePath, 'utf8'), lines);
      } catch {
        return '(no console output)';
      }
    };

    const consoleSize = (): number => {
      try {
        return statSync(consolePath).size;
      } catch {
        return 0;
      }
    };

    const waitForSsh = async (deadlineMs: number, hardDeadlineMs: number): Promise<void> => {
      const started = Date.now();
      let last: SshResult | undefined;
      let lastSize = consoleSize();
      let lastGrowth = Date.now();
      const keepWaiting = (): boolean => {
        const now = Date.now();
        const size = consoleSize();
        if (size !== lastSize) {
          lastSize = size;
          lastGrowth = now;
        }
        if (now - started < deadlineMs) return true;
        // Past the soft deadline: still booting (console moving in the last minute) is worth waiting for.
        return now - started < hardDeadlineMs && now - lastGrowth < 60_000;
      };
      while (keepWaiting()) {
        if (hasExited()) {
          throw new Error(`qemu exited while waiting for SSH (${JSON.stringify(exitInfo)}).\n--- console (last 60 lines) ---\n${consoleTail(60)}`);
        }
        try {
          last = await ssh('true', { timeoutMs: 30_000 });
          if (last.code === 0) return;
        } catch {
          // a hung handshake while sshd starts under emulation: try again
        }
        await sleep(2000);
      }
      throw new Error(
        `no SSH on ${VM_HOST}:${port} after ${Math.round((Date.now() - started) / 1000)} s (accel ${accel}, ` +
          `host load ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} CPUs); ` +
          `last ssh said: ${last?.stderr.trim() ?? '-'}\n` +
          `--- console (last 60 lines) ---\n${consoleTail(60)}`,
      );
    };

    // ControlPersist masters live on their own; end them with the VM rather than leave them waiting.
    const closeMasters = async (): Promise<void> => {
      const sockets = readdirSync(workDir).filter((f) => /^ssh-.*\.sock$/.test(f));
      await Promise.all(
        sockets.map((sock) =>
          execFileAsync('ssh', ['-F', '/dev/null', '-o', `ControlPath=${join(workDir, sock)}`, '-O', 'exit', VM_HOST], { timeout: 5000 }).catch(
            () => undefined,
          ),
        ),
      );
    };

    const killQemu = async (): Promise<void> => {
      const proc = child;
      if (!proc || hasExited()) return;
      proc.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (!hasExited()) {
        proc.kill('SIGKILL');
        await exited;
      }
    };

    const sshDeadlineMs = options.sshDeadlineMs ?? Number(process.env.KEELSON_VM_SSH_DEADLINE_MS ?? 240_000);
    const sshHardDeadlineMs = Math.max(sshDeadlineMs, options.sshHardDeadlineMs ?? 900_000);
    const bootOnce = async (): Promise<void> => {
      const t0 = Date.now();
      await startQemu();
      await waitForSsh(sshDeadlineMs, sshHardDeadlineMs);
      bootTimesMs.push(Date.now() - t0);
    };

    try {
      await bootOnce();
    } catch (error) {
      // KVM chosen by probe but the real boot failed: note it for this host boot and fall back to TCG once.
      if (requested !== 'auto' || accel !== 'kvm') throw error;
      console.warn(`[keelson-vm] boot under KVM failed, falling back to TCG: ${String(error).split('\n')[0] ?? ''}`);
      await writeFile(kvmMemo(image), 'no\n').catch(() => undefined);
      await killQemu();
      accel = 'tcg';
      await rm(overlay, { force: true });
      await execFileAsync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', image.base, overlay]);
      await bootOnce();
    }

    let stopped = false;
    const vm: Vm = {
      host: VM_HOST,
      get port() {
        return port;
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
      workDir,
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
        await Promise.race([exited, sleep(180_000)]);
        if (!hasExited()) {
          await killQemu();
          throw new Error(`guest did not power off within 180 s\n--- console (last 60 lines) ---\n${consoleTail(60)}`);
        }
        await bootOnce();
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await closeMasters();
        await killQemu();
        live.delete(entry);
        if (process.env.KEELSON_VM_KEEP) {
          // Keep console and logs for a post-mortem, never the disks.
          for (const f of [overlay, ...disks.map((d) => d.file)]) await rm(f, { force: true });
        } else {
          await rm(workDir, { recursive: true, force: true });
        }
      },
      consoleLog: () => consolePath,
      consoleTail,
    };
    return vm;
  } catch (error) {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    live.delete(entry);
    if (!process.env.KEELSON_VM_KEEP) await rm(workDir, { recursive: true, force: true });
    throw error;
  }
}
