// A TCP relay on 127.0.0.1 between keelson and the test VM's SSH port that a scenario can cut: every connection
// through it is destroyed at once, both ways, as a dropped link would be (keelson sees its SSH connection lost, the
// guest's sshd its client gone, and hangs up the session's commands). SSH itself is untouched: keelson's own
// transport, keys and host-key check, against a known_hosts entry for the relay's port (the VM's key).
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import type { Vm } from '../../host-vm/vm.js';
import { HANDSHAKE_SECONDS } from './keelson-cli.js';

export interface Relay {
  /** keelson's --host and friends, through the relay. */
  readonly flags: readonly string[];
  /** Destroys every connection now open through the relay; new ones are relayed again. */
  cut(): number;
  close(): Promise<void>;
}

export const startRelay = async (vm: Vm, knownHostsFile: string): Promise<Relay> => {
  const open = new Set<Socket>();
  const track = (s: Socket) => {
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => undefined);
  };
  const server = createServer((client) => {
    const upstream = connect(vm.port, vm.host);
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  // The VM's host key, under the relay's address: keelson checks it exactly as it would the VM's.
  const known = readFileSync(vm.knownHostsFile, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const key = known.map((l) => l.split(' ').slice(1).join(' ')).find((k) => k !== '');
  if (key === undefined) throw new Error(`${vm.knownHostsFile} holds no host key`);
  writeFileSync(knownHostsFile, `[127.0.0.1]:${String(port)} ${key}\n`);
  return {
    flags: ['--host', `root@127.0.0.1:${String(port)}`, '--identity', vm.root.identityFile, '--known-hosts', knownHostsFile, '--connect-timeout', HANDSHAKE_SECONDS],
    cut: () => {
      const n = open.size;
      for (const s of open) s.destroy();
      return n;
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of open) s.destroy();
      server.close(() => {
        resolve();
      });
    }),
  };
};
