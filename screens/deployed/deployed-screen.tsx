// The host already has a stack keelson deployed: what does the operator want to do? Troubleshoot it (read-only,
// keelson doctor), install / reinstall / repair it (the install path: what already matches is found done), or
// upgrade it (the Upgrade screen: keelson upgrade's summary, a typed yes, the automatic rollback), or uninstall it.
import { useState } from 'react';
import { useController, type HostRecord } from '../controller.js';
import { Frame } from '../components/frame/frame.js';
import { useLayout } from '../components/frame/use-layout.js';
import { ChoiceView } from '../components/select/select.js';
import { ScrollView } from '../components/scroll-view/scroll-view.js';
import { useScrollState } from '../components/scroll-view/use-scroll-state.js';
import { selectBindings } from '../components/select/use-select.js';
import { useSelectState, type SelectOption } from '../components/select/use-select-state.js';
import type { ScreenProps } from '../common/screen-props.js';
import { bind, scrollBinding, type Binding } from '../keys/bindings.js';
import { blank, seg, wrapped, type Line } from '../lines/line.js';

export interface DeployedScreenProps extends ScreenProps {
  readonly record: Exclude<HostRecord, { kind: 'none' }>;
  readonly onChosen: (choice: 'troubleshoot' | 'install' | 'upgrade' | 'uninstall') => void;
  readonly onBack: () => void;
}

export type DeployedChoice = 'troubleshoot' | 'install' | 'upgrade' | 'uninstall';

export const DEPLOYED_OPTIONS: readonly SelectOption<DeployedChoice>[] = [
  { value: 'troubleshoot', label: 'Troubleshoot', hint: "read-only: keelson doctor's checks, failures first, each with what it saw and a remedy to copy; nothing on the host changes" },
  { value: 'install', label: 'Install / Reinstall / Repair', hint: 'plan the stack against the host as it is: what already matches is found done, only what differs is changed, after your Review' },
  { value: 'upgrade', label: 'Upgrade', hint: "to a new version (bundled, a manifest file or a stack archive): keelson upgrade's summary first — diffs, restarts, backups — only the new questions, then you type yes; a failure after the first change rolls back by itself" },
  { value: 'uninstall', label: 'Uninstall', hint: 'remove a stack, keeping its data (or purge it): the plan of what goes and what stays first, then you type to confirm' },
];

/** What the record says, above the choices; a failed mark and an unreadable record in the words that say what to do. */
export const recordLines = (record: DeployedScreenProps['record'], width: number): Line[] => {
  if (record.kind === 'unreadable') {
    return [
      ...wrapped("keelson's deployment record on this host cannot be read:", width, { bold: true }, seg('! ', { tone: 'warn', bold: true })),
      ...wrapped(record.why, width, { tone: 'bad' }, seg('  ')),
      blank,
      ...wrapped('Troubleshoot shows what else doctor finds; an install writes the record again.', width, { tone: 'muted' }),
      blank,
    ];
  }
  return [
    ...wrapped(`keelson deployed ${record.stacks.length === 1 ? 'this stack' : 'these stacks'} on the host:`, width, { bold: true }),
    ...record.stacks.flatMap((s) => [
      ...wrapped(`${s.name} ${s.version} (${s.mode})`, width, {}, seg('  ')),
      ...(s.failed === null
        ? []
        : wrapped(`marked FAILED since ${s.failed.at}: ${s.failed.reason}. keelson apply and upgrade refuse it until the mark is cleared (--clear-failed, after reading why).`, width, { tone: 'bad' }, seg('    ✗ ', { tone: 'bad', bold: true }))),
    ]),
    blank,
    ...wrapped('What do you want to do?', width, { bold: true }),
    blank,
  ];
};

const stackNames = (record: DeployedScreenProps['record']): string[] => (record.kind === 'stacks' ? record.stacks.map((s) => s.name) : []);

/** The headless commands for what the wizard cannot do while the record cannot be read (upgrade, uninstall), to paste. */
export const commandLines = (choice: 'upgrade' | 'uninstall', record: DeployedScreenProps['record'], commandFor: (args: readonly string[]) => string, width: number): Line[] => {
  const cmd = (args: readonly string[]) => wrapped(commandFor(args), width, { tone: 'accent' }, seg('    '), '  ');
  const note = (text: string) => wrapped(text, width, { tone: 'muted' }, seg('  '));
  if (choice === 'upgrade') {
    return [
      ...wrapped("keelson cannot plan an upgrade while it cannot read the deployment record: the installed version and its answers are in it. Troubleshoot shows what else doctor finds; once the record reads again, Upgrade here, or from a shell:", width, { bold: true }),
      blank,
      ...note('What it would change and restart, read-only:'),
      ...cmd(['upgrade', '--stack', 'FILE', '--check']),
      blank,
      ...note('Then the upgrade itself (it shows the same summary and asks before it changes anything):'),
      ...cmd(['upgrade', '--stack', 'FILE']),
      blank,
      ...note("FILE: the new version's manifest, a stack archive (.keelson, with --trust KEY), or a bundled stack's name. The answers given at install are kept; only new questions are asked."),
    ];
  }
  const names = stackNames(record);
  const stacks = names.length === 0 ? [[] as string[]] : names.map((n) => ['--stack', n]);
  return [
    ...wrapped("keelson cannot plan an uninstall while it cannot read the deployment record: it removes only what the record names. Troubleshoot shows what else doctor finds; once the record reads again, Uninstall here, or from a shell:", width, { bold: true }),
    blank,
    ...note('It prints what goes and what stays (volumes, data, secrets, users), and asks you to type yes before it changes anything:'),
    ...stacks.flatMap((s) => cmd(['uninstall', ...s])),
    blank,
    ...note('The data is kept; --purge also deletes volumes, secrets, images and the accounts keelson created.'),
  ];
};

export const DeployedScreen = ({ active, context, record, onChosen, onBack, onHelp, onQuit }: DeployedScreenProps) => {
  const controller = useController();
  const [shown, setShown] = useState<'upgrade' | 'uninstall' | null>(null);
  const select = useSelectState(DEPLOYED_OPTIONS);
  const quit = bind('q', 'quit', 'quit', onQuit);
  const bindings: Binding[] =
    shown === null
      ? [
          ...selectBindings(select, (v) => {
            controller.log(`deployed: operator chose ${v}`);
            // Both start from what the record names: with a record it cannot read, the screen says so instead.
            if ((v === 'upgrade' || v === 'uninstall') && record.kind === 'unreadable') setShown(v);
            else onChosen(v);
          }),
          bind('b', 'back', 'back', onBack, { help: 'back, to change the target' }),
          quit,
        ]
      : [scrollBinding((i) => { scroll.move(i); }), bind('b', 'back', ['back', 'enter'], () => { setShown(null); }, { help: 'back to the choices' }), quit];
  const frame = { title: 'On this host', context, bindings, onHelp };
  const { width, bodyRows } = useLayout(frame);
  const lines = shown === null ? [] : commandLines(shown, record, (a) => controller.commandFor(a), width);
  const scroll = useScrollState(lines.length, bodyRows);
  return (
    <Frame {...frame} active={active}>
      {shown === null ? (
        <ChoiceView head={recordLines(record, width)} options={DEPLOYED_OPTIONS} focused={select.focused} width={width} height={bodyRows} />
      ) : (
        <ScrollView lines={lines} offset={scroll.offset} height={bodyRows} width={width} />
      )}
    </Frame>
  );
};
