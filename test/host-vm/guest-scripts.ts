// Runs the shell scripts in test/host-vm/guest/ inside a test VM: how scenarios set a host up
// (LUKS /home, a separate audit filesystem, an offline busybox image) before keelson looks at it.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shQuote, type SshOptions, type SshResult, type Vm } from './vm.js';

const guestDir = join(dirname(fileURLToPath(import.meta.url)), 'guest');

/** Where the scripts land in the guest: outside any directory a scenario might remount. */
export const GUEST_SCRIPT_DIR = '/usr/local/lib/keelson-test';

export type GuestScript = 'import-busybox.sh' | 'setup-luks.sh' | 'setup-ext4-mount.sh';

/**
 * Copies the script into the guest (as root) and runs it as `options.user` (root by default).
 * Secrets go in `options.input` (stdin). Throws with the script's output when it fails.
 */
export async function runGuestScript(
  vm: Vm,
  script: GuestScript,
  args: readonly string[] = [],
  options: SshOptions = {},
): Promise<SshResult> {
  const remote = `${GUEST_SCRIPT_DIR}/${script}`;
  await vm.sshOk(`mkdir -p ${GUEST_SCRIPT_DIR}`);
  await vm.putFile(remote, await readFile(join(guestDir, script)), '0755');
  const cmd = [remote, ...args].map(shQuote).join(' ');
  const result = await vm.ssh(cmd, options);
  if (result.code !== 0) {
    throw new Error(`${script} ${args.join(' ')} failed (exit ${result.code})\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
  }
  return result;
}
