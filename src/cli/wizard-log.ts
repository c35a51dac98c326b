// The wizard's log: one file per run under $XDG_STATE_HOME/keelson/logs (0600, directory 0700), every line
// timestamped and passed through the redactor. Synchronous appends: lines stay in order and survive a crash.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Redactor } from './wizard-redactor.js';

export interface WizardLog {
  readonly path: string;
  write(text: string): void;
  close(): void;
}

export const defaultLogDir = (env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string => {
  const state = env.XDG_STATE_HOME !== undefined && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(home, '.local', 'state');
  return join(state, 'keelson', 'logs');
};

export const logFileName = (now: Date, pid: number): string =>
  `wizard-${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${pid}.log`;

export const openWizardLog = (dir: string, redactor: Redactor, now: () => Date = () => new Date(), pid: number = process.pid): WizardLog => {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, logFileName(now(), pid));
  let fd: number | null = openSync(path, 'a', 0o600);
  return {
    path,
    write(text) {
      if (fd === null) return;
      const at = now().toISOString();
      const lines = redactor.redact(text).split('\n').map((l) => `${at} ${l}\n`);
      writeSync(fd, lines.join(''));
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
};
