// Vitest global setup: the transport tests need a real OpenSSH server. On a fresh Debian machine (root), install it,
// so the README's one test command is enough; otherwise say exactly what is missing.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export default function ensureSshd(): void {
  if (existsSync('/usr/sbin/sshd')) return;
  if (process.getuid?.() !== 0) {
    throw new Error('the SSH tests need /usr/sbin/sshd: run "apt-get install openssh-server" as root, then npm test again');
  }
  process.stderr.write('npm test: installing openssh-server for the real-SSH tests (apt-get)\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'openssh-server', 'sudo'], { stdio: 'inherit', env });
}
