// A Scope (the system's manager, or a user's for rootless work) in the two ways commands reach it: run as its user
// (rootless Podman's storage, secrets and images are that user's), and systemctl talking to its manager. One meaning
// of "in the stack's scope" for the fact probes and every executor.
import type { Scope } from './action.js';

/** The scope of a stack whose owner (rootless) is this user; null: rootful, the system's manager. */
export const ownerScope = (owner: string | null): Scope => (owner === null ? { scope: 'system' } : { scope: 'user', user: owner });

/** Run options (a Host's RunOptions, a fact's probe) that run a command as the scope's user; none for the system. */
export const runAs = (scope: Scope): { readonly asUser?: string } => (scope.scope === 'user' ? { asUser: scope.user } : {});

/** systemctl for the scope's manager as an operator types it as root (`--user -M USER@`): remedies and hints. */
export const systemctlArgs = (scope: Scope): string[] => (scope.scope === 'system' ? ['systemctl'] : ['systemctl', '--user', '-M', `${scope.user}@`]);

/**
 * systemctl for the scope's manager as keelson runs it, with the run options that reach that manager: a user's is
 * reached as the user (`systemctl --user` under runuser; the as-user wrapper sets XDG_RUNTIME_DIR and the bus). One
 * process, where `--user -M USER@` from root goes through systemd-run and a stdio bridge: one `show` of the demo's
 * four units took 3.5–6.2 s that way on the emulated test VM, 1.5–2.5 s this way.
 */
export const systemctlCall = (scope: Scope, args: readonly string[]): { readonly argv: string[]; readonly asUser?: string } => ({
  argv: scope.scope === 'system' ? ['systemctl', ...args] : ['systemctl', '--user', ...args],
  ...runAs(scope),
});
