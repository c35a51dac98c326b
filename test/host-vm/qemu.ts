// One qemu process: the command line for a VM's hardware (the same for a boot and for a restore, which must match
// the saved machine exactly), its start with a free loopback port (retried when another process takes it), and its
// end. Also the serial console, read for errors and for "still booting" while SSH is awaited.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Accel } from './accel.js';
import { VM_HOST } from './guest-ssh.js';
import type { ImageInfo } from './image.js';

export interface ExtraDisk {
  /** Becomes the virtio serial, so the disk shows up as /dev/disk/by-id/virtio-<id>. */
  id: string;
  sizeMiB: number;
}

/** What the guest sees. A snapshot records it; its restore runs on the same. */
export interface Hardware {
  readonly cpus: number;
  readonly memoryMiB: number;
  readonly network: 'isolated' | 'nat';
  readonly disks: readonly ExtraDisk[];
}

export interface QemuFiles {
  readonly overlay: string;
  readonly disks: readonly { readonly id: string; readonly file: string }[];
  readonly console: string;
  readonly qmp: string;
  readonly log: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const qemuArgs = (o: { image: ImageInfo; accel: Accel; hardware: Hardware; files: QemuFiles; name: string; port: number; incoming?: string }): string[] => {
  const { image, accel, hardware: hw, files } = o;
  const args = [
    '--pdeathsig', 'SIGKILL', '--', // qemu dies with this process even on SIGKILL
    'qemu-system-x86_64',
    '-name', `keelson-${o.name}`,
    '-machine', 'q35',
    '-accel', accel,
    ...(accel === 'kvm' ? ['-cpu', 'host'] : []),
    '-smp', String(hw.cpus),
    '-m', String(hw.memoryMiB),
    '-nodefaults', '-no-user-config', '-display', 'none', '-monitor', 'none',
    '-qmp', `unix:${files.qmp},server=on,wait=off`,
    '-chardev', `file,id=console,path=${files.console},append=on`,
    '-serial', 'chardev:console',
    '-kernel', image.kernel,
    '-initrd', image.initrd,
    // KEELSON_VM_APPEND: extra kernel arguments, for experiments without rebuilding the image.
    '-append', [image.cmdline, process.env.KEELSON_VM_APPEND ?? ''].join(' ').trim(),
    '-drive', `file=${files.overlay},if=none,id=root,format=qcow2,discard=unmap`,
    '-device', 'virtio-blk-pci,drive=root',
  ];
  for (const d of files.disks) {
    args.push('-drive', `file=${d.file},if=none,id=disk-${d.id},format=qcow2,discard=unmap`);
    args.push('-device', `virtio-blk-pci,drive=disk-${d.id},serial=${d.id}`);
  }
  const restrict = hw.network === 'isolated' ? ',restrict=on' : '';
  args.push('-netdev', `user,id=net0${restrict},hostfwd=tcp:${VM_HOST}:${o.port}-:22`);
  args.push('-device', 'virtio-net-pci,netdev=net0');
  args.push('-device', 'virtio-rng-pci');
  if (o.incoming !== undefined) args.push('-incoming', o.incoming);
  return args;
};

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

export class QemuProcess {
  port = 0;
  private child: ChildProcess | undefined;
  private exitInfo: { code: number | null; signal: string | null } | undefined;
  private exitedPromise: Promise<void> = Promise.resolve();

  constructor(private readonly files: QemuFiles) {}

  get pid(): number | undefined {
    return this.child && this.exitInfo === undefined ? this.child.pid : undefined;
  }

  hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  exitDescription(): string {
    return JSON.stringify(this.exitInfo);
  }

  exited(): Promise<void> {
    return this.exitedPromise;
  }

  /** Starts qemu; another process can take the port between our probe and qemu's bind, so a taken port is retried. */
  async start(argsFor: (port: number) => string[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      this.port = this.port || (await freeLoopbackPort());
      await writeFile(this.files.log, '');
      this.exitInfo = undefined;
      const proc = spawn('setpriv', argsFor(this.port), { stdio: ['ignore', 'ignore', 'pipe'] });
      this.child = proc;
      const errChunks: string[] = [];
      proc.stderr.setEncoding('utf8').on('data', (d: string) => {
        errChunks.push(d);
        void writeFile(this.files.log, errChunks.join(''));
      });
      this.exitedPromise = new Promise((resolve) => {
        proc.on('exit', (code, signal) => {
          this.exitInfo = { code, signal };
          resolve();
        });
      });
      // qemu fails fast on a taken port or a bad argument; give it a moment to do so.
      await Promise.race([this.exitedPromise, sleep(1500)]);
      if (!this.hasExited()) return;
      const err = errChunks.join('');
      if (/host forwarding rule|Address already in use/i.test(err) && attempt < 5) {
        this.port = 0;
        continue;
      }
      throw new Error(`qemu exited at start (${this.exitDescription()}):\n${err}`);
    }
  }

  async kill(): Promise<void> {
    const proc = this.child;
    if (!proc || this.hasExited()) return;
    proc.kill('SIGTERM');
    await Promise.race([this.exitedPromise, sleep(5000)]);
    if (!this.hasExited()) {
      proc.kill('SIGKILL');
      await this.exitedPromise;
    }
  }

  stderr(): string {
    try {
      return readFileSync(this.files.log, 'utf8');
    } catch {
      return '';
    }
  }
}

function tail(text: string, lines: number): string {
  // The serial console carries CRs and terminal escapes; keep it readable in an error message.
  const esc = String.fromCharCode(27);
  const clean = text.replace(/\r/g, '').replaceAll(new RegExp(`${esc}\\[[0-9;?]*[A-Za-z]`, 'g'), '');
  return clean.split('\n').slice(-lines).join('\n');
}

export const consoleTail = (path: string, lines = 60): string => {
  try {
    return tail(readFileSync(path, 'utf8'), lines);
  } catch {
    return '(no console output)';
  }
};

export const consoleSize = (path: string): number => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};
