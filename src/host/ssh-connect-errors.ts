// ssh2 reports why a connection failed through error codes and "levels"; operators need one clear sentence and a
// next step for each distinct cause.

import { HostError, type OperatorInputs } from './host-error.js';

interface Ssh2Error {
  readonly message: string;
  readonly code?: string;
  readonly level?: string;
}

export interface ConnectContext {
  readonly where: string;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly connectTimeoutMs: number;
  readonly tried: readonly string[];
  readonly skipped: readonly string[];
  readonly inputs: OperatorInputs;
}

export function connectError(error: unknown, ctx: ConnectContext): HostError {
  if (error instanceof HostError) return error;
  const e: Ssh2Error = error instanceof Error ? error : { message: String(error) };
  const cause = { cause: error };
  switch (e.code ?? '') {
    case 'ECONNREFUSED':
      return new HostError('connection-refused', `${ctx.where} refused the connection: nothing listens on port ${ctx.port}`,
        `Check that sshd runs on the host and that port ${ctx.port} is the right one (${ctx.inputs.hostAddress}).`, cause);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new HostError('host-not-found', `The host name ${ctx.host} could not be resolved (${e.code})`,
        'Check the spelling of the host name, or use its IP address.', cause);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new HostError('host-unreachable', `${ctx.where} cannot be reached from here (${e.code})`,
        'Check the network route and any firewall between this machine and the host.', cause);
    case 'ETIMEDOUT':
      return timedOut(ctx, cause);
    default:
      break;
  }
  if (e.level === 'client-timeout') return timedOut(ctx, cause);
  if (e.level === 'client-authentication') {
    const tried = ctx.tried.length > 0 ? ctx.tried.join(', ') : 'nothing';
    const skipped = ctx.skipped.length > 0 ? `; not offered: ${ctx.skipped.join('; ')}` : '';
    return new HostError('auth-failed', `${ctx.where} refused every key keelson offered as ${ctx.username} (tried: ${tried}${skipped})`,
      `Install your public key in ~${ctx.username}/.ssh/authorized_keys on the host (ssh-copy-id), or give the right private key (${ctx.inputs.keyFile}).`, cause);
  }
  return new HostError('connection-lost', `The SSH connection to ${ctx.where} failed: ${e.message}`,
    'Check that the host runs OpenSSH and is reachable, then try again.', cause);
}

function timedOut(ctx: ConnectContext, options: { cause: unknown }): HostError {
  return new HostError('connection-timeout', `${ctx.where} did not complete an SSH handshake within ${ctx.connectTimeoutMs} ms`,
    `Check that the address and port are right and that no firewall drops the traffic; a slow link or a busy host needs a longer handshake time (${ctx.inputs.connectTimeout}).`, options);
}
