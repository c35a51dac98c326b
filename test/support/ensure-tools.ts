// Vitest global setup: the programs the tests run (test/support/required-tools.ts), each checked on its own. On a
// fresh Debian machine as root the missing ones are installed with apt-get, so the README's one test command is
// enough; otherwise it says exactly what to install.
import { execFileSync } from 'node:child_process';
import { ensureTools, onThisMachine } from './required-tools.js';

export default function setup(): void {
  ensureTools({
    has: (c) => onThisMachine(c),
    isRoot: process.getuid?.() === 0,
    run: (argv) => {
      const [file = '', ...args] = argv;
      execFileSync(file, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    },
    say: (line) => process.stderr.write(`${line}\n`),
  });
}
