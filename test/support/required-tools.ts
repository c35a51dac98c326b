// The programs the unit and real-SSH tests run, each with the Debian package that brings it. Checked one by one, so a
// machine that has sshd but not sudo (or sudo but no ssh client) gets exactly what it lacks.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface Tool {
  /** A program name looked up on PATH (and in the sbin directories a non-root PATH leaves out), or an absolute path. */
  readonly command: string;
  readonly pkg: string;
  readonly why: string;
}

export const TOOLS: readonly Tool[] = [
  { command: '/usr/sbin/sshd', pkg: 'openssh-server', why: 'the real SSH server the transport tests start on 127.0.0.1' },
  { command: 'ssh-keygen', pkg: 'openssh-client', why: 'host and client keys for that server' },
  { command: 'ssh-agent', pkg: 'openssh-client', why: 'the agent the SSH tests authenticate through' },
  { command: 'ssh-add', pkg: 'openssh-client', why: 'loading a key into that agent' },
  { command: 'sudo', pkg: 'sudo', why: 'keelson reaches root through sudo -n for a non-root login' },
  { command: 'visudo', pkg: 'sudo', why: 'checking the test sudoers file' },
  { command: 'runuser', pkg: 'util-linux', why: 'rootless work runs as the stack owner' },
  { command: 'useradd', pkg: 'passwd', why: 'the accounts executors and the sudo tests create real accounts' },
  { command: 'groupadd', pkg: 'passwd', why: 'the accounts executor creates real groups' },
  { command: 'getent', pkg: 'libc-bin', why: 'account facts and the accounts executor read the user database' },
  { command: 'systemd-tmpfiles', pkg: 'systemd', why: 'the tmpfiles executor creates socket directories for real' },
  { command: 'busybox', pkg: 'busybox-static', why: 'the image executor builds its image from a real busybox' },
  { command: 'setpriv', pkg: 'util-linux', why: 'the installed package runs as a user who cannot write it' },
  { command: 'unshare', pkg: 'util-linux', why: 'the installed package runs as root from a read-only mount' },
  { command: 'zsh', pkg: 'zsh', why: "keelson's zsh completion script is checked by zsh" },
  { command: 'fish', pkg: 'fish', why: "keelson's fish completions are completed by the real fish" },
  { command: 'groff', pkg: 'groff-base', why: "keelson's manual page is rendered by groff" },
  { command: 'minisign', pkg: 'minisign', why: 'stack archives: keelson and the real minisign check each other' },
];

const SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** Is `command` an executable file here? */
export const onThisMachine = (command: string, path: string = process.env.PATH ?? ''): boolean => {
  const candidates = command.startsWith('/') ? [command] : [...path.split(delimiter).filter((d) => d !== ''), ...SBIN].map((d) => join(d, command));
  return candidates.some((c) => {
    try {
      accessSync(c, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
};

/** The packages that bring what is missing, each once, in TOOLS order. */
export const missingPackages = (has: (command: string) => boolean): string[] => [...new Set(TOOLS.filter((t) => !has(t.command)).map((t) => t.pkg))];

export interface EnsureIo {
  readonly has: (command: string) => boolean;
  readonly isRoot: boolean;
  /** Runs a command (apt-get) with its output on the terminal; throws when it fails. */
  readonly run: (argv: readonly string[]) => void;
  readonly say: (line: string) => void;
}

/** Installs what is missing with apt-get as root; otherwise throws with the exact command to run. */
export const ensureTools = (io: EnsureIo): void => {
  const pkgs = missingPackages(io.has);
  if (pkgs.length === 0) return;
  const missing = TOOLS.filter((t) => !io.has(t.command)).map((t) => `${t.command} (${t.pkg}: ${t.why})`);
  const install = ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...pkgs];
  if (!io.isRoot) {
    throw new Error(`the tests need programs this machine lacks:\n  ${missing.join('\n  ')}\nRun as root: apt-get install ${pkgs.join(' ')}\nthen npm test again.`);
  }
  io.say(`npm test: installing ${pkgs.join(', ')} for the tests (apt-get), because these are missing:\n  ${missing.join('\n  ')}`);
  io.run(['apt-get', 'update', '-qq']);
  io.run(install);
  const still = TOOLS.filter((t) => !io.has(t.command)).map((t) => t.command);
  if (still.length > 0) throw new Error(`apt-get installed ${pkgs.join(' ')}, yet ${still.join(', ')} is still missing: check the package sources (apt-cache policy ${pkgs.join(' ')})`);
};
