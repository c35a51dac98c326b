// Flags → a Host. No --host means this machine; otherwise SSH with verified host keys. Headless first contact
// needs --accept-new-host-key (or a pinned --host-key): keelson never trusts a key nobody looked at.
import type { Host } from '../host/host.js';
import type { OperatorInputs } from '../host/host-error.js';
import { createLocalHost } from '../host/local-host.js';
import { connectSshHost, type NewHostKey } from '../host/ssh-host.js';
import { UsageError } from './exit-codes.js';
import { parseTarget } from './parse-target.js';

export interface HostFlags {
  readonly host?: string;
  readonly identity?: string;
  readonly acceptNewHostKey?: boolean;
  readonly hostKey?: string;
  readonly knownHosts?: string;
  /** Whole seconds, as typed. */
  readonly connectTimeout?: string;
}

export interface OpenHostHooks {
  /** The wizard asks the operator; headless answers with --accept-new-host-key. */
  readonly confirmNewHostKey?: (key: NewHostKey) => Promise<boolean>;
  /** Tests and the wizard point keelson's own key store somewhere else. */
  readonly hostKeyStorePath?: string;
  /** How remedies name what the operator gives: the wizard's fields; the flags when absent. */
  readonly inputs?: OperatorInputs;
}

export const openHost = async (flags: HostFlags, hooks: OpenHostHooks = {}): Promise<Host> => {
  if (flags.host === undefined) {
    if (flags.identity !== undefined || flags.hostKey !== undefined) throw new UsageError('--identity and --host-key need --host');
    return createLocalHost();
  }
  if (flags.hostKey !== undefined && !/^SHA256:[A-Za-z0-9+/]{43}$/.test(flags.hostKey)) {
    throw new UsageError(`--host-key "${flags.hostKey}" is not an OpenSSH SHA256 fingerprint (ssh-keygen -lf KEY prints one)`);
  }
  if (flags.connectTimeout !== undefined && !/^[1-9][0-9]{0,2}$/.test(flags.connectTimeout)) {
    throw new UsageError(`--connect-timeout "${flags.connectTimeout}" is not a number of seconds from 1 to 999 (e.g. --connect-timeout 60)`);
  }
  const connectTimeoutMs = flags.connectTimeout !== undefined ? Number(flags.connectTimeout) * 1000 : undefined;
  const target = parseTarget(flags.host);
  const confirm = hooks.confirmNewHostKey ?? (flags.acceptNewHostKey === true ? () => Promise.resolve(true) : undefined);
  return connectSshHost({
    host: target.host,
    port: target.port,
    username: target.username,
    ...(flags.identity !== undefined ? { identityFiles: [flags.identity] } : {}),
    ...(flags.knownHosts !== undefined ? { knownHostsFiles: [flags.knownHosts] } : {}),
    ...(flags.hostKey !== undefined ? { expectedFingerprint: flags.hostKey } : {}),
    ...(hooks.hostKeyStorePath !== undefined ? { hostKeyStorePath: hooks.hostKeyStorePath } : {}),
    ...(connectTimeoutMs !== undefined ? { connectTimeoutMs } : {}),
    ...(confirm !== undefined ? { confirmNewHostKey: confirm } : {}),
    ...(hooks.inputs !== undefined ? { inputs: hooks.inputs } : {}),
  });
};
