// What the VM's own sshd saw, counted on the server side: with LogLevel VERBOSE, sshd-session logs one line per
// session channel it starts ("Starting session: command for root from 10.0.2.2 port 40512 id 0" for an exec
// request, "Starting session: subsystem 'sftp' for …" for a file transfer) and one per login ("Accepted publickey
// for root from …"). A window runs from a journal cursor to the count; the harness's own two commands (the cursor
// and the count) are left out by the client port of the connection that ran them ($SSH_CLIENT): every line of one
// connection names it, the login the privileged process logs as well as the sessions its child starts.
import type { Vm } from '../../host-vm/vm.js';

export interface SessionCounts {
  /** Exec requests: one per remote command. */
  readonly exec: number;
  /** Subsystem requests (sftp: Ansible's file transfers without pipelining). */
  readonly subsystem: number;
  /** Logins (SSH connections authenticated). */
  readonly logins: number;
}

/** Sorts first in sshd_config.d, and sshd keeps the first value it reads for a keyword. */
const DROP_IN = '/etc/ssh/sshd_config.d/00-keelson-bench-verbose.conf';

/** sshd logs every session start from now on (new connections read the new LogLevel). */
export const verboseSshd = async (vm: Vm): Promise<void> => {
  await vm.putFile(DROP_IN, '# keelson bench:peer: count the sessions on the server side\nLogLevel VERBOSE\n', '0644');
  await vm.sshOk('systemctl reload ssh.service');
  const level = (await vm.sshOk('sshd -T | grep -i "^loglevel"')).trim();
  if (level.toUpperCase() !== 'LOGLEVEL VERBOSE') throw new Error(`sshd on the VM did not take LogLevel VERBOSE: sshd -T says "${level}"`);
};

export interface Window {
  readonly cursor: string;
  readonly ownPort: string;
}

export const openWindow = async (vm: Vm): Promise<Window> => {
  const [client = '', cursorLine = ''] = (await vm.sshOk('echo $SSH_CLIENT; journalctl -q -n 0 --show-cursor')).trim().split('\n');
  const cursor = cursorLine.replace(/^-- cursor: /, '');
  if (cursor === cursorLine) throw new Error(`journalctl printed no cursor: "${cursorLine}"`);
  return { cursor, ownPort: clientPort(client) };
};

/** "10.0.2.2 40512 22" → "40512" */
const clientPort = (sshClient: string): string => {
  const port = sshClient.trim().split(' ')[1];
  if (port === undefined || !/^\d+$/.test(port)) throw new Error(`SSH_CLIENT on the VM is "${sshClient}", not "ADDRESS PORT PORT"`);
  return port;
};

/** The session lines of sshd-session since the window opened, as `journalctl -o short-unix` prints them. */
export const countSessions = (journal: string, skipPorts: readonly string[]): SessionCounts => {
  let exec = 0;
  let subsystem = 0;
  let logins = 0;
  for (const line of journal.split('\n')) {
    const m = /sshd(?:-session)?\[\d+\]: (.*) port (\d+)(?: id \d+)?(?: ssh2.*)?$/.exec(line);
    if (m === null || skipPorts.includes(m[2] ?? '')) continue;
    const msg = m[1] ?? '';
    if (/^Starting session: (command|forced-command)/.test(msg)) exec++;
    else if (/^Starting session: subsystem /.test(msg)) subsystem++;
    else if (/^Accepted publickey for /.test(msg)) logins++;
  }
  return { exec, subsystem, logins };
};

export const closeWindow = async (vm: Vm, w: Window): Promise<SessionCounts> => {
  // journald may still be writing the last lines sshd sent; a short pause costs nothing against minutes of runs.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const out = await vm.sshOk(`echo $SSH_CLIENT; journalctl -q -o short-unix --after-cursor='${w.cursor}' -t sshd-session -t sshd`);
  const [client = '', ...lines] = out.split('\n');
  return countSessions(lines.join('\n'), [w.ownPort, clientPort(client)]);
};
