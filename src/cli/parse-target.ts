// "--host USER@HOST[:PORT]" → parts. IPv6 literals go in brackets: root@[::1]:2222.
import { UsageError } from './exit-codes.js';

export interface SshTarget {
  readonly username: string;
  readonly host: string;
  readonly port: number;
}

const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
const USER = /^[a-z_][a-z0-9_.-]{0,31}$/;

export const parseTarget = (text: string, defaultUser = 'root'): SshTarget => {
  const m = /^(?:([^@]+)@)?(\[[0-9A-Fa-f:.]+\]|[^:@[\]]+)(?::([0-9]{1,5}))?$/.exec(text);
  const bad = () => new UsageError(`--host "${text}" is not USER@HOST[:PORT] (e.g. admin@192.0.2.10:22, root@[::1]:2222)`);
  if (m === null) throw bad();
  const [, user = defaultUser, rawHost = '', rawPort] = m;
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  if (!USER.test(user)) throw new UsageError(`--host: "${user}" is not a valid login name`);
  if (!rawHost.startsWith('[') && !HOSTNAME.test(host)) throw bad();
  const port = rawPort === undefined ? 22 : Number(rawPort);
  if (port < 1 || port > 65535) throw new UsageError(`--host: port ${port} is out of range (1-65535)`);
  return { username: user, host, port };
};
