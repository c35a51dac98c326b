// A host that answers the LUKS setup's commands as the test VM does, and remembers every command and write: for the
// executor's own test and for the wizard controller's (the key shown once, never logged).
import { splitJournaled } from '../../../src/apply/journaled-host.js';
import type { ActionOf } from '../../../src/engine/action.js';
import type { Host, RunOptions, RunResult, WriteFileOptions } from '../../../src/host/host.js';

export const action: ActionOf<'luks.setup'> = {
  kind: 'luks.setup',
  description: 'encrypt',
  device: '/dev/disk/by-id/virtio-home',
  resolvedDevice: '/dev/vdb',
  uuid: '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f',
  name: 'home',
  keyFile: '/etc/cryptsetup-keys.d/home.key',
  mountPoint: '/home',
  filesystem: 'ext4',
};

export interface State {
  luksUuid: string | null;
  signature: string | null;
  keyFile: string | null;
  mapperOpen: boolean;
  fs: string;
  mountedAt: string[];
}

/** A host that answers like the VM does, and remembers every command and write. */
export const scriptedHost = (state: State) => {
  const calls: string[][] = [];
  const writes: { path: string; content: string; options: WriteFileOptions }[] = [];
  const ok = (stdout = ''): RunResult => ({ exitCode: 0, stdout, stderr: '' });
  const fail = (exitCode: number, stderr = ''): RunResult => ({ exitCode, stdout: '', stderr });
  const answer = (sent: readonly string[]): RunResult => {
    // An action's first command carries its journal lines in front (src/apply/journaled-host.ts).
    const { argv } = splitJournaled(sent);
    const [cmd, ...rest] = argv;
    const line = argv.join(' ');
    switch (cmd) {
      case 'readlink':
        return ok('/dev/vdb\n');
      case 'findmnt':
        return ok(state.mountedAt.map((m) => `${m}\n`).join(''));
      case 'test':
        if (rest[1] === action.keyFile) return state.keyFile === null ? fail(1) : ok();
        if (rest[1] === '/dev/mapper/home') return state.mapperOpen ? ok() : fail(1);
        return fail(1);
      case 'stat':
        return ok(`${state.keyFile?.length ?? 0}\n`);
      case 'cryptsetup':
        if (rest[0] === 'luksUUID') return state.luksUuid === null ? fail(1, 'not a valid LUKS device') : ok(`${state.luksUuid}\n`);
        if (rest[0] === 'luksFormat') {
          state.luksUuid = action.uuid;
          return ok();
        }
        if (rest[0] === 'open') {
          state.mapperOpen = true;
          return ok();
        }
        return fail(1);
      case 'blkid':
        if (line.includes('/dev/mapper/home')) return ok(state.fs);
        return state.signature === null ? fail(2) : ok(`DEVNAME=/dev/vdb\nTYPE=${state.signature}\n`);
      case 'lsblk':
        return ok('vdb \n');
      case 'mkfs.ext4':
        state.fs = 'ext4\n';
        return ok();
      case 'sh':
        // The move-and-mount script mounts the volume; any other script (the journal's append) changes nothing here.
        if (rest.includes('keelson-luks-move')) state.mountedAt = ['/home'];
        return ok();
      case undefined:
      default:
        return ok();
    }
  };
  const host: Host = {
    label: 'scripted',
    roundTrips: 0,
    run: (argv: readonly string[], _options?: RunOptions) => {
      calls.push([...argv]);
      return Promise.resolve(answer(argv));
    },
    writeFile: (path: string, content: string | Uint8Array, options: WriteFileOptions) => {
      writes.push({ path, content: String(content), options });
      if (path === action.keyFile) state.keyFile = String(content);
      return Promise.resolve();
    },
    readFile: () => Promise.resolve({ kind: 'absent' }),
    close: () => Promise.resolve(),
  };
  return { host, calls, writes };
};

