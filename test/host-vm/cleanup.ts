// Process-wide cleanup: no qemu outlives the test process, and work dirs of dead test processes are pruned.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LiveVm {
  pid: () => number | undefined;
  workDir: string;
}

const live = new Set<LiveVm>();
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

export function track(vm: LiveVm): () => void {
  installExitHooks();
  live.add(vm);
  return () => live.delete(vm);
}

export function workRoot(): string {
  return process.env.KEELSON_VM_WORK ?? join(tmpdir(), 'keelson-vm');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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

/** A fresh work dir for one VM, marked with this process as its owner. */
export async function newWorkDir(name: string): Promise<string> {
  const root = workRoot();
  await mkdir(root, { recursive: true });
  pruneStaleWorkDirs(root);
  const safe = name.replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 40);
  const dir = join(root, `${safe}-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'owner.pid'), String(process.pid));
  return dir;
}
