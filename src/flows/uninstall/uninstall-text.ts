// The uninstall plan as the operator reads it before saying yes: what goes, what stays, how to purge or reinstall
// later, then each action in order. Pure.
import type { UninstallPlan } from './uninstall-plan.js';

export const uninstallText = (p: UninstallPlan): string => {
  const actions = p.steps.flatMap((s) => s.actions);
  return [
    `keelson uninstall${p.purge ? ' --purge' : ''}: ${p.stack} ${p.version}`,
    '',
    'Goes:',
    ...p.goes.map((g) => `  - ${g}`),
    '',
    'Stays:',
    ...p.stays.map((s) => `  = ${s}`),
    '',
    'Later:',
    ...p.later.map((l) => `  $ ${l}`),
    '',
    `${actions.length} action${actions.length === 1 ? '' : 's'}:`,
    ...actions.map((a, n) => `  ${n + 1}. ${a.description}`),
    '',
  ].join('\n');
};

/** What the operator types to go on: "yes" keeps the data; a purge takes the stack's name (the command and the wizard). */
export const uninstallConfirmWord = (p: Pick<UninstallPlan, 'purge' | 'stack'>): string => (p.purge ? p.stack : 'yes');

/** A host without the stack (null: without any stack): nothing to uninstall, in the command's words and the wizard's. */
export const nothingToUninstallText = (stack: string | null, host: string): string =>
  `Nothing to do: ${stack === null ? 'no stack' : `stack ${stack} is not`} installed by keelson on ${host}.`;

/** The run's progress line, in the command's words and the wizard's: what it does, to which stack, on which host. */
export const uninstallingText = (p: Pick<UninstallPlan, 'purge' | 'stack'>, host: string): string =>
  `Uninstalling ${p.stack} from ${host}${p.purge ? ' and purging its data' : ', keeping its data'}`;

/** The end of a run that went through, in the command's words and the wizard's. */
export const uninstalledText = (p: Pick<UninstallPlan, 'purge' | 'stack'>): string => `Uninstalled ${p.stack}${p.purge ? ' and purged its data' : '; its data stays'}.`;

/** The uninstall's headline words on the wizard's run screen (screens/apply/apply-lines.ts RunWords). */
export const uninstallWords = (p: Pick<UninstallPlan, 'purge' | 'stack'>, host: string) => ({ running: uninstallingText(p, host), done: 'Uninstalled', run: 'Uninstall' });
