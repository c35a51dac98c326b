// The commands doctor's remedies print, written as root runs them on the host (doctor runs as root there too):
// one place for how a stack's manager and journal are reached.
import type { Scope } from '../../engine/action.js';
import { systemctlArgs } from '../../engine/scope.js';

export const systemctlLine = (scope: Scope, ...args: string[]): string => [...systemctlArgs(scope), ...args].join(' ');

/** A user unit's journal is read from root with --user-unit (journalctl --user -M needs the user's own journal access). */
export const journalLine = (scope: Scope, unit: string): string =>
  scope.scope === 'system' ? `journalctl -u ${unit} -n 100 --no-pager` : `journalctl --user-unit ${unit} -n 100 --no-pager`;

export const REAPPLY = 'keelson plan --stack MANIFEST shows what keelson would change, and keelson apply --stack MANIFEST puts it back (the current file is backed up first)';
