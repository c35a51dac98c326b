// Connects to the test sshd with everything injected: its key, a known_hosts file holding its current host key, and a
// private keelson store, so no test reads or writes the operator's own ~/.ssh or ~/.config.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Host } from '../../src/host/host.js';
import { type SshHostOptions, connectSshHost } from '../../src/host/ssh-host.js';
import type { TestSshd } from '../support/sshd.js';

export async function connectToTestSshd(sshd: TestSshd, overrides: Partial<SshHostOptions> = {}): Promise<Host> {
  const knownHosts = join(sshd.dir, 'operator_known_hosts');
  await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
  return connectSshHost({
    host: sshd.host,
    port: sshd.port,
    username: sshd.user,
    identityFiles: [sshd.identityFile],
    agentSocket: null,
    knownHostsFiles: [knownHosts],
    hostKeyStorePath: join(sshd.dir, 'keelson_known_hosts'),
    ...overrides,
  });
}
