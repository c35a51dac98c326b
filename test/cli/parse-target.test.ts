import { describe, expect, it } from 'vitest';
import { parseTarget } from '../../src/cli/parse-target.js';

describe('--host parsing', () => {
  it.each([
    ['admin@192.0.2.10', { username: 'admin', host: '192.0.2.10', port: 22 }],
    ['root@127.0.0.1:2222', { username: 'root', host: '127.0.0.1', port: 2222 }],
    ['root@[::1]:2222', { username: 'root', host: '::1', port: 2222 }],
    ['host.example.org', { username: 'root', host: 'host.example.org', port: 22 }],
  ])('%s', (text, expected) => {
    expect(parseTarget(text)).toEqual(expected);
  });

  it.each(['root@', '@host', 'root@host:99999', 'root@ho st', 'ro;ot@host', 'root@$(reboot)', 'root@host:22:33', '-oProxyCommand=x'])(
    'refuses %s with a usage error',
    (text) => {
      expect(() => parseTarget(text)).toThrow(/--host/);
    },
  );
});
