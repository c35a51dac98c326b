// A Scope (the system's manager, or a user's for rootless work) in the two ways commands reach it: run as its user
// (rootless Podman's storage, secrets and images are that user's), and systemctl talking to its manager. One meaning
// of "in the stack's scope" for the fact probes and every executor.
import type { Scope } from './action.js';

/** Run options (a Host's RunOptions, a fact's probe) that run a command as the scope's user; none for the system. */
export const runAs = (scope: Scope): { readonly asUser?: string } => (scope.scope === 'user' ? { asUser: scope.user } : {});

/** systemctl for the scope's manager: a user's manager is reached from root with `--user -M USER@`. */
export const systemctlArgs = (scope: Scope): string[] => (scope.scope === 'system' ? ['systemctl'] : ['systemctl', '--user', '-M', `${scope.user}@`]);
