// Host over SSH on node-ssh (ssh2). Commands go through execCommand with the exit code checked (null = the
// channel died); node-ssh's exec is never used (it throws on any stderr). The host key is verified before any
// credential is sent: known → go on, changed → hard stop, unknown → the operator decides, with no clock running.

import { Readable } from 'node:stream';
import { NodeSSH, type Config } from 'node-ssh';
import type { ClientChannel, ServerHostKeyAlgorithm } from 'ssh2';
import type { Privilege } from './command-wrap.js';
import { fingerprintOf, keyTypeOf, normalizeFingerprint } from './fingerprint.js';
import { CLI_INPUTS, HostError, type OperatorInputs } from './host-error.js';
import { type HostKeyVerdict, hostKeyError, judgeHostKey, knownKeyTypes } from './host-key-policy.js';
import { HostKeyStore, defaultKnownHostsFiles, readKnownHostsFiles } from './host-key-store.js';
import type { Host } from './host.js';
import { type ConnectContext, connectError } from './ssh-connect-errors.js';
import { loadIdentities } from './ssh-identities.js';
import { shellQuote } from './shell-quote.js';
import type { Transport, TransportExit, TransportIo } from './transport.js';
import { TransportHost } from './transport-host.js';

/** What the operator is asked to confirm on first contact (the wizard asks; headless answers --accept-new-host-key). */
export interface NewHostKey {
  readonly host: string;
  readonly port: number;
  readonly keyType: string;
  readonly fingerprint: string;
}

export interface SshHostOptions {
  readonly host: string;
  /** Default 22. */
  readonly port?: number;
  readonly username: string;
  /** Private key files to offer; default: ~/.ssh/id_ed25519, id_ecdsa, id_rsa that exist. */
  readonly identityFiles?: readonly string[];
  /** ssh-agent socket; default $SSH_AUTH_SOCK; null disables the agent. */
  readonly agentSocket?: string | null;
  /** TCP connect + handshake + login, in ms. Default 20 000. */
  readonly connectTimeoutMs?: number;
  /** Keepalive probe interval in ms (default 15 000) and unanswered probes before giving up (default 4). */
  readonly keepaliveIntervalMs?: number;
  readonly keepaliveCountMax?: number;
  /** OpenSSH files to trust, read only. Default: ~/.ssh/known_hosts, ~/.ssh/known_hosts2, /etc/ssh/ssh_known_hosts. */
  readonly knownHostsFiles?: readonly string[];
  /** keelson's own store, where accepted keys are added. Default: defaultHostKeyStorePath(). */
  readonly hostKeyStorePath?: string;
  /** "SHA256:…": accept exactly this host key and no other (headless --host-key). */
  readonly expectedFingerprint?: string;
  /** Asked when the host is not known. Missing, or false: the connection is refused (host-key-unknown). */
  readonly confirmNewHostKey?: (key: NewHostKey) => Promise<boolean>;
  /** Default: 'root' when logging in as root, else 'sudo' (`sudo -n`, never a password prompt). */
  readonly privilege?: Privilege;
  /** How remedies name what the operator gives (a flag, a wizard field); the command line's flags by default. */
  readonly inputs?: OperatorInputs;
}

// ssh2's own default order; host key algorithms the host is already known by are moved to the front.
const HOST_KEY_ALGORITHMS: readonly ServerHostKeyAlgorithm[] = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521',
  'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

function algorithmsFor(keyTypes: readonly string[]): ServerHostKeyAlgorithm[] | undefined {
  if (keyTypes.length === 0) return undefined;
  const preferred = keyTypes.flatMap((t) => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t]))
    .flatMap((a) => HOST_KEY_ALGORITHMS.filter((known) => known === a));
  return [...new Set([...preferred, ...HOST_KEY_ALGORITHMS])];
}

type Attempt =
  | { readonly kind: 'connected'; readonly ssh: NodeSSH; readonly keyBlob: Buffer }
  | { readonly kind: 'unknown'; readonly keyBlob: Buffer };

async function attempt(config: Config, ctx: ConnectContext, judge: (keyBlob: Buffer) => HostKeyVerdict): Promise<Attempt> {
  const ssh = new NodeSSH();
  let presented: { keyBlob: Buffer; verdict: HostKeyVerdict } | undefined;
  const hostVerifier = (keyBlob: Buffer): boolean => {
    const verdict = judge(keyBlob);
    presented = { keyBlob, verdict };
    return verdict.kind === 'trusted' || verdict.kind === 'pinned';
  };
  try {
    await ssh.connect({ ...config, hostVerifier });
  } catch (error) {
    ssh.dispose();
    if (presented) {
      if (presented.verdict.kind === 'unknown') return { kind: 'unknown', keyBlob: presented.keyBlob };
      const refusal = hostKeyError(presented.verdict, ctx.host, ctx.port, presented.keyBlob);
      if (refusal) throw refusal;
    }
    throw connectError(error, ctx);
  }
  if (!presented) throw new Error('ssh2 connected without verifying the host key');
  return { kind: 'connected', ssh, keyBlob: presented.keyBlob };
}

function sshTransport(ssh: NodeSSH, label: string): Transport {
  const connection = ssh.connection;
  let lastError: Error | undefined;
  // After login node-ssh listens for no connection errors; without this one a dropped link would crash the process.
  connection?.on('error', (error: Error) => { lastError = error; });

  const lost = (what: string, cause?: unknown): HostError => new HostError('connection-lost',
    `The SSH connection to ${label} was lost ${what}${lastError ? ` (${lastError.message})` : ''}`,
    'Check the network path and the host\'s sshd, then run keelson again; the command may or may not have run.',
    { cause: cause ?? lastError });

  return {
    label,
    async exec(argv: readonly string[], io: TransportIo): Promise<TransportExit> {
      const command = shellQuote(argv);
      if (!ssh.isConnected()) throw lost('before the command could start');
      let channel: ClientChannel | undefined;
      let timer: NodeJS.Timeout | undefined;
      // A last resort, after the in-band `timeout` should have ended the command: stop waiting for a channel that
      // does not close (sshd keeps it open while any process still holds its output).
      const abandon = new Promise<'abandoned'>((resolve) => {
        if (io.abandonAfterMs !== undefined) timer = setTimeout(() => { resolve('abandoned'); }, io.abandonAfterMs);
      });
      const running = ssh.execCommand(command, {
        ...(io.stdinStream !== undefined ? { stdin: io.stdinStream } : io.stdin === undefined ? {} : { stdin: Readable.from([Buffer.from(io.stdin)]) }),
        noTrim: true,
        onChannel: (c) => { channel = c; },
        onStdout: (chunk) => { io.onStdout(chunk); },
        onStderr: (chunk) => { io.onStderr(chunk); },
      });
      try {
        const response = await Promise.race([running, abandon]);
        if (response === 'abandoned') {
          running.catch(() => undefined);
          channel?.signal('KILL');
          channel?.close();
          return { kind: 'abandoned' };
        }
        if (response.code !== null) return { kind: 'exited', code: response.code };
        if (response.signal !== null) return { kind: 'signaled', signal: response.signal };
        throw lost('before the command reported an exit status');
      } catch (error) {
        if (error instanceof HostError) throw error;
        throw lost('while running a command', error);
      } finally {
        clearTimeout(timer);
      }
    },
    async close(): Promise<void> {
      if (!connection || !ssh.isConnected()) return;
      await new Promise<void>((resolve) => {
        connection.once('close', () => { resolve(); });
        setTimeout(resolve, 2_000).unref();
        connection.end();
      });
    },
  };
}

export async function connectSshHost(options: SshHostOptions): Promise<Host> {
  const { host, username } = options;
  const port = options.port ?? 22;
  if (host === '' || !Number.isInteger(port) || port < 1 || port > 65535 || username === '') {
    throw new HostError('bad-argument', `"${username}@${host}:${String(port)}" is not a usable SSH address`,
      'Give the host as USER@HOST or USER@HOST:PORT.');
  }
  const pinned = options.expectedFingerprint === undefined ? undefined : normalizeFingerprint(options.expectedFingerprint);
  if (options.expectedFingerprint !== undefined && pinned === undefined) {
    throw new HostError('bad-argument', `${JSON.stringify(options.expectedFingerprint)} is not an OpenSSH SHA256 fingerprint`,
      'Pass the fingerprint as ssh-keygen -lf prints it, e.g. SHA256:Xx…(43 characters).');
  }
  const connectTimeoutMs = options.connectTimeoutMs ?? 20_000;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const privilege: Privilege = options.privilege ?? (username === 'root' ? 'root' : 'sudo');
  const label = `ssh ${username}@${where}${privilege === 'sudo' ? ' (sudo)' : ''}`;

  const inputs = options.inputs ?? CLI_INPUTS;
  const identities = await loadIdentities({
    username,
    inputs,
    ...(options.identityFiles === undefined ? {} : { identityFiles: options.identityFiles }),
    ...(options.agentSocket === undefined ? {} : { agentSocket: options.agentSocket }),
  });
  const store = new HostKeyStore(options.hostKeyStorePath);
  const entries = [
    ...await readKnownHostsFiles(options.knownHostsFiles ?? defaultKnownHostsFiles()),
    ...await store.entries(),
  ];
  const serverHostKey = algorithmsFor(knownKeyTypes(entries, host, port));
  const config: Config = {
    host,
    port,
    username,
    authHandler: identities.methods,
    readyTimeout: connectTimeoutMs,
    keepaliveInterval: options.keepaliveIntervalMs ?? 15_000,
    keepaliveCountMax: options.keepaliveCountMax ?? 4,
    ...(serverHostKey === undefined ? {} : { algorithms: { serverHostKey } }),
  };
  const ctx: ConnectContext = { where, host, port, username, connectTimeoutMs, tried: identities.tried, skipped: identities.skipped, inputs };

  const first = await attempt(config, ctx, (keyBlob) => judgeHostKey(entries, host, port, keyBlob, pinned));
  if (first.kind === 'connected') {
    // A pinned key for a host keelson had never seen is remembered, so the next run needs no pin.
    if (pinned !== undefined && judgeHostKey(entries, host, port, first.keyBlob).kind === 'unknown') {
      await store.add(host, port, first.keyBlob);
    }
    return new TransportHost(sshTransport(first.ssh, label), privilege);
  }

  // First contact. The probe connection is already closed, so the operator can take all the time they need.
  const keyBlob = first.keyBlob;
  const newKey: NewHostKey = { host, port, keyType: keyTypeOf(keyBlob) ?? 'unknown', fingerprint: fingerprintOf(keyBlob) };
  const accepted = options.confirmNewHostKey ? await options.confirmNewHostKey(newKey) : false;
  if (!accepted) {
    throw hostKeyError({ kind: 'unknown' }, host, port, keyBlob) ?? new Error('unreachable');
  }
  await store.add(host, port, keyBlob);
  // The second connection must present exactly the key the operator accepted.
  const second = await attempt(config, ctx, (presented) => (presented.equals(keyBlob)
    ? { kind: 'trusted', source: store.path }
    : { kind: 'mismatch', expected: [{ keyType: newKey.keyType, fingerprint: newKey.fingerprint, source: `${store.path} (just accepted)` }] }));
  if (second.kind !== 'connected') throw new Error('unreachable: the accepted key is judged trusted or mismatch');
  return new TransportHost(sshTransport(second.ssh, label), privilege);
}
