// LUKS2 on an empty disk for the data mount. The key is made here, at apply time, written only to the key file
// the plan names (0400 root) and shown once through the live output; it never reaches a plan, the journal or a
// command line (cryptsetup reads it from the key file). Each phase checks whether it already happened, so an
// interrupted apply re-run continues where it stopped — and never formats a disk that is not empty or not ours.
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { Host } from '../../host/host.js';
import type { ActionOf } from '../../engine/action.js';
import type { Executor, ExecutorContext } from '../executor.js';
import { runChecked } from '../run-checked.js';

type Setup = ActionOf<'luks.setup'>;

export class LuksDeviceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LuksDeviceError';
  }
}

/** 32 random bytes, URL-safe base64 (43 characters): 256 bits, and typeable at a console if it ever must be. */
export const generateLuksKey = (): string => randomBytes(32).toString('base64url');

const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter((l) => l !== '');

/** Refuses anything but an empty, unused device: no signature (blkid -p reads the disk itself), no partitions, no holders. */
const assertEmpty = async (host: Host, a: Setup): Promise<void> => {
  const probe = await host.run(['blkid', '-p', '-o', 'export', '--', a.device]);
  // blkid exits 2 when it finds nothing.
  if (probe.exitCode !== 2) {
    const found = lines(probe.stdout).filter((l) => /^(TYPE|PTTYPE)=/.test(l)).join(', ') || probe.stderr.trim() || `blkid exit ${probe.exitCode}`;
    throw new LuksDeviceError(`${a.device} is not empty any more (${found}); nothing was written to it. Run "keelson plan" again.`);
  }
  const tree = await runChecked(host, ['lsblk', '-n', '-r', '-o', 'NAME,MOUNTPOINTS', '--', a.device]);
  if (lines(tree.stdout).length !== 1) {
    throw new LuksDeviceError(`${a.device} has partitions or holders now (${lines(tree.stdout).slice(1).join('; ')}); nothing was written to it.`);
  }
};

const mapperPath = (a: Setup) => `/dev/mapper/${a.name}`;

const exists = async (host: Host, path: string): Promise<boolean> => (await host.run(['test', '-e', path])).exitCode === 0;

/** Shorter than this, an existing key file is no key (an empty one would even be an empty passphrase). */
const MIN_KEY_BYTES = 32;

/** The key file, made once. A re-run reuses it: a new key would lock out a volume already formatted with the old one. */
const ensureKeyFile = async (host: Host, a: Setup): Promise<string | null> => {
  if (await exists(host, a.keyFile)) {
    const size = Number((await runChecked(host, ['stat', '-L', '-c', '%s', '--', a.keyFile])).stdout.trim());
    if (!(size >= MIN_KEY_BYTES)) {
      throw new LuksDeviceError(`${a.keyFile} exists but holds only ${size} bytes: that is no key. Remove it (keelson then makes one) or put a key of ${MIN_KEY_BYTES} bytes or more there, and run apply again.`);
    }
    return null;
  }
  const key = generateLuksKey();
  await runChecked(host, ['install', '-d', '-m', '0700', '-o', 'root', '-g', 'root', '--', posix.dirname(a.keyFile)]);
  await host.writeFile(a.keyFile, key, { mode: 0o400, owner: 'root', group: 'root' });
  return key;
};

const format = async (host: Host, a: Setup): Promise<void> => {
  const uuid = await host.run(['cryptsetup', 'luksUUID', '--', a.device]);
  if (uuid.exitCode === 0 && uuid.stdout.trim() === a.uuid) return; // formatted by an earlier, interrupted run
  await assertEmpty(host, a);
  await runChecked(
    host,
    ['cryptsetup', 'luksFormat', '--batch-mode', '--type', 'luks2', '--cipher', 'aes-xts-plain64', '--key-size', '512',
      '--pbkdf', 'argon2id', '--uuid', a.uuid, '--key-file', a.keyFile, '--', a.device],
    { timeoutMs: 10 * 60_000 },
  );
};

const open = async (host: Host, a: Setup): Promise<void> => {
  if (await exists(host, mapperPath(a))) return;
  await runChecked(host, ['cryptsetup', 'open', '--type', 'luks2', '--key-file', a.keyFile, '--', a.device, a.name], { timeoutMs: 10 * 60_000 });
};

const makeFilesystem = async (host: Host, a: Setup): Promise<void> => {
  const probe = await host.run(['blkid', '-p', '-s', 'TYPE', '-o', 'value', '--', mapperPath(a)]);
  const type = probe.stdout.trim();
  if (type === a.filesystem) return;
  if (type !== '') throw new LuksDeviceError(`${mapperPath(a)} already holds ${type}, not ${a.filesystem}; nothing was formatted. Look at it by hand.`);
  await runChecked(host, ['mkfs.ext4', '-q', '--', mapperPath(a)], { timeoutMs: 10 * 60_000 });
};

/** Where the new filesystem is mounted now (several lines when mounted twice). */
const mountTargets = async (host: Host, a: Setup): Promise<string[]> =>
  lines((await host.run(['findmnt', '-n', '-r', '-o', 'TARGET', '--source', mapperPath(a)])).stdout);

// Copies the mount point's content onto the new filesystem (cp -a keeps owners, modes, times, links, ACLs, xattrs,
// SELinux labels; -x stays on one filesystem), deletes the clear-text originals, then mounts the volume in place.
// The data is always somewhere: on the old directory until the copy finished, on the new volume after.
const MOVE_SCRIPT = `set -eu
dev=$1 mnt=$2 tmp=$3
install -d -m 0755 -- "$mnt"
if ! findmnt -n -r -o TARGET --source "$dev" | grep -qx -- "$tmp"; then
  install -d -m 0700 -- "$tmp"
  mount -- "$dev" "$tmp"
fi
cp -a -x -- "$mnt"/. "$tmp"/
chmod --reference="$mnt" -- "$tmp"
chown --reference="$mnt" -- "$tmp"
find "$mnt" -xdev -mindepth 1 -delete
umount -- "$tmp"
rmdir -- "$tmp"
mount -- "$dev" "$mnt"
if command -v restorecon >/dev/null 2>&1; then restorecon -R -- "$mnt"; fi`;

const moveAndMount = async (host: Host, a: Setup): Promise<void> => {
  const targets = await mountTargets(host, a);
  if (targets.includes(a.mountPoint)) return;
  const tmp = `/run/keelson-luks-${a.name}`;
  if (targets.some((t) => t !== tmp)) {
    throw new LuksDeviceError(`${mapperPath(a)} is mounted at ${targets.join(', ')}; unmount it and run apply again.`);
  }
  await runChecked(host, ['sh', '-c', MOVE_SCRIPT, 'keelson-luks-move', mapperPath(a), a.mountPoint, tmp], { timeoutMs: 60 * 60_000 });
};

const reveal = (ctx: ExecutorContext, a: Setup, key: string): void => {
  // Never through onLine: live output is logged by the wizard. Only the reveal channel sees the key.
  if (ctx.reveal !== undefined) {
    ctx.reveal(`The key of ${a.mountPoint} (LUKS ${a.uuid}) is shown ONCE. Keep a copy off this host:`, key);
  }
  ctx.onLine?.(`The key is in ${a.keyFile} (root only), which opens the volume at boot. Keep a copy off this host.`);
};

export const luksSetup: Executor<'luks.setup'> = async (a, ctx) => {
  const { host } = ctx;
  if (a.mountPoint === '/') throw new LuksDeviceError('the root filesystem cannot be moved onto a new volume');
  const real = await runChecked(host, ['readlink', '-e', '--', a.device]);
  if (real.stdout.trim() !== a.resolvedDevice) {
    throw new LuksDeviceError(`${a.device} now points to ${real.stdout.trim()}, not ${a.resolvedDevice} as planned; nothing was written. Run "keelson plan" again.`);
  }
  const mountedAlready = (await mountTargets(host, a)).includes(a.mountPoint);
  if (mountedAlready && (await host.run(['cryptsetup', 'luksUUID', '--', a.device])).stdout.trim() === a.uuid) return 'skipped';
  // Before the key exists: a device that is neither empty nor ours is refused without leaving anything behind.
  const uuid = await host.run(['cryptsetup', 'luksUUID', '--', a.device]);
  if (!(uuid.exitCode === 0 && uuid.stdout.trim() === a.uuid)) await assertEmpty(host, a);
  const key = await ensureKeyFile(host, a);
  // Shown as soon as it exists: should a later phase fail, the re-run reuses this key and shows nothing new.
  if (key !== null) reveal(ctx, a, key);
  await format(host, a);
  await open(host, a);
  await makeFilesystem(host, a);
  await moveAndMount(host, a);
  return 'done';
};
