// Each way a connection can fail gets its own error code and remedy; checked against real sockets and a real sshd.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostError } from '../../src/host/host-error.js';
import { type TestSshd, startSshd } from '../support/sshd.js';
import { connectToTestSshd } from './ssh-fixture.js';

let sshd: TestSshd;
let dir: string;

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function failure(promise: Promise<{ close(): Promise<void> }>): Promise<HostError> {
  const result = await promise.catch((e: unknown) => e as HostError);
  if (!('code' in result)) {
    await result.close();
    throw new Error('expected the connection to fail');
  }
  return result;
}

beforeAll(async () => {
  sshd = await startSshd();
  dir = await mkdtemp(join(tmpdir(), 'keelson-connect-'));
});
afterAll(async () => {
  await sshd.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('connection failures', () => {
  it('says "refused" when nothing listens on the port', async () => {
    const server = createServer();
    const port = await listen(server);
    server.close();
    const error = await failure(connectToTestSshd(sshd, { port }));
    expect(error.code).toBe('connection-refused');
    expect(error.message).toContain(`port ${port}`);
    expect(error.remedy).toMatch(/sshd/);
  });

  it('says "timed out" when the port accepts but never speaks SSH', async () => {
    const sockets: import('node:net').Socket[] = [];
    const server = createServer((socket) => { sockets.push(socket); });
    const port = await listen(server);
    const started = performance.now();
    const error = await failure(connectToTestSshd(sshd, { port, connectTimeoutMs: 500 }));
    expect(error.code).toBe('connection-timeout');
    expect(error.message).toContain('500 ms');
    expect(performance.now() - started).toBeLessThan(3_000);
    for (const socket of sockets) socket.destroy();
    server.close();
  });

  it('says which keys were tried when authentication fails, and shows no key material', async () => {
    const stranger = join(dir, 'stranger');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'stranger', '-f', stranger]);
    const { stdout } = await execa('ssh-keygen', ['-lf', `${stranger}.pub`]);
    const error = await failure(connectToTestSshd(sshd, { identityFiles: [stranger] }));
    expect(error.code).toBe('auth-failed');
    expect(error.message).toContain(`key file ${stranger} (ssh-ed25519 ${stdout.split(' ')[1] ?? ''})`);
    const privateKey = await readFile(stranger, 'utf8');
    const publicBlob = (await readFile(`${stranger}.pub`, 'utf8')).split(' ')[1] ?? '';
    for (const secretLine of privateKey.split('\n').filter((l) => l.length > 20)) expect(error.message).not.toContain(secretLine);
    expect(error.message).not.toContain(publicBlob);
    expect(error.remedy).toMatch(/authorized_keys/);
  });

  it('words its remedy as the front end that asked: a flag headless, the form\'s field in the wizard', async () => {
    const stranger = join(dir, 'stranger-2');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'stranger', '-f', stranger]);
    const headless = await failure(connectToTestSshd(sshd, { identityFiles: [stranger] }));
    expect(headless.remedy).toContain('--identity FILE');
    const wizard = await failure(connectToTestSshd(sshd, { identityFiles: [stranger], inputs: { keyFile: 'the "Private key file" field', hostAddress: 'the "SSH destination" field', connectTimeout: 'keelson --connect-timeout SECONDS' } }));
    expect(wizard.remedy).toContain('the "Private key file" field');
    expect(wizard.remedy).not.toContain('--identity');
  });

  it('explains a passphrase-protected key instead of trying it', async () => {
    const locked = join(dir, 'locked');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret-passphrase', '-f', locked]);
    const error = await failure(connectToTestSshd(sshd, { identityFiles: [locked] }));
    expect(error.code).toBe('auth-failed');
    expect(error.message).toContain('passphrase-protected');
    expect(error.message).not.toContain('secret-passphrase');
    expect(error.remedy).toMatch(/ssh-agent|--identity/);
  });

  it('names a missing identity file', async () => {
    const error = await failure(connectToTestSshd(sshd, { identityFiles: [join(dir, 'nope')] }));
    expect(error.code).toBe('bad-argument');
    expect(error.message).toContain(join(dir, 'nope'));
  });
});

describe('ssh-agent', () => {
  let agent: ChildProcess | undefined;
  const socket = (): string => join(dir, 'agent.sock');

  afterAll(() => { agent?.kill(); });

  it('logs in with a key held by ssh-agent only', async () => {
    agent = spawn('ssh-agent', ['-D', '-a', socket()], { stdio: 'ignore' });
    for (let i = 0; i < 50; i += 1) {
      if (await execa('ssh-add', ['-l'], { env: { SSH_AUTH_SOCK: socket() }, reject: false }).then((r) => r.exitCode === 1)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await execa('ssh-add', ['-q', sshd.identityFile], { env: { SSH_AUTH_SOCK: socket() } });
    const host = await connectToTestSshd(sshd, { identityFiles: [], agentSocket: socket() });
    expect((await host.run(['id', '-un'])).stdout).toBe('root\n');
    await host.close();
  });
});
