// The commands doctor's remedies print, written as root runs them on the host (doctor runs as root there too):
// one place for how a stack's manager and journal are reached.
import type { Scope } from '../../engine/action.js';
import { systemctlArgs } from '../../engine/scope.js';

export const systemctlLine = (scope: Scope, ...args: string[]): string => [...systemctlArgs(scope), ...args].join(' ');

/** A user unit's journal, read as root: matched by the owner's UID (journalctl --user-unit would match root's own). */
export const journalLine = (scope: Scope, unit: string): string =>
  scope.scope === 'system'
    ? `journalctl -u ${unit} -n 100 --no-pager`
    : `journalctl -n 100 --no-pager _SYSTEMD_USER_UNIT=${unit} _UID=$(id -u ${scope.user}) + USER_UNIT=${unit} _UID=$(id -u ${scope.user})`;

export const REAPPLY = 'keelson plan --stack MANIFEST shows what keelson would change, and keelson apply --stack MANIFEST puts it back (the current file is backed up first)';
