// The host's journal says the last run did not finish. Offer: resume (plan again and apply what is left —
// finished actions are found done and skipped), roll back (put back the files it replaced), or leave it.
import { useState, type ReactNode } from 'react';
import { useController, type HostRun, type RollbackOutcome } from '../controller.js';
import { Frame } from '../components/frame/frame.js';
import { useLayout } from '../components/frame/use-layout.js';
import { LineView } from '../components/line-view/line-view.js';
import { ChoiceView } from '../components/select/select.js';
import { ScrollView } from '../components/scroll-view/scroll-view.js';
import { useScrollState } from '../components/scroll-view/use-scroll-state.js';
import { selectBindings } from '../components/select/use-select.js';
import { useSelectState, type SelectOption } from '../components/select/use-select-state.js';
import { Spinner } from '../components/spinner/spinner.js';
import { errorText, type ErrorText } from '../common/error-text.js';
import type { ScreenProps } from '../common/screen-props.js';
import { bind, scrollBinding, type Binding } from '../keys/bindings.js';
import { blank, seg, wrapped, type Line } from '../lines/line.js';

export interface HostRunScreenProps extends ScreenProps {
  readonly run: HostRun;
  readonly onResolved: (choice: 'resume' | 'leave' | 'rolled-back') => void;
  readonly onBack: () => void;
  /** Where leaving or rolling back goes on to, for people: "the stack", or the choices on a host with a stack. */
  readonly onward?: string;
}

type Choice = 'resume' | 'rollback' | 'leave';

type Mode =
  | { readonly kind: 'choose' }
  | { readonly kind: 'rolling-back'; readonly startedAt: number; readonly restored: readonly string[] }
  | { readonly kind: 'rolled-back'; readonly outcome: RollbackOutcome }
  | { readonly kind: 'error'; readonly error: ErrorText };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const runLines = (run: HostRun, width: number): Line[] => {
  const state = run.state === 'interrupted' ? 'was interrupted' : 'failed';
  const out: Line[] = [
    ...wrapped(`The last keelson run on this host ${state}.`, width, { bold: true }, seg('! ', { tone: 'warn', bold: true }), '  '),
    blank,
    ...wrapped(`stack ${run.stack}, run ${run.runId}, started ${run.startedAt.replace('T', ' ').slice(0, 19)}`, width, {}, seg('  '), '    '),
    ...wrapped(`${run.finished} of ${plural(run.actions, 'action')} finished; ${plural(run.backups.length, 'file')} backed up before being replaced`, width, {}, seg('  '), '    '),
  ];
  if (run.stoppedAt !== undefined) {
    out.push(...wrapped(`stopped at ${run.stoppedAt.index + 1}: ${run.stoppedAt.description}`, width, {}, seg('  '), '    '));
    if (run.stoppedAt.error !== undefined) out.push(...wrapped(run.stoppedAt.error, width, { tone: 'bad' }, seg('  ✗ ', { tone: 'bad' }), '    '));
  }
  out.push(...wrapped(`journal: ${run.journalPath}`, width, { tone: 'muted' }, seg('  '), '    '), blank);
  return out;
};

export const rollbackLines = (o: RollbackOutcome, width: number): Line[] => [
  ...wrapped(`Restored ${plural(o.restored.length, 'file')} from their backups.`, width, { bold: true }, seg(o.failed.length === 0 ? '✓ ' : '✗ ', { tone: o.failed.length === 0 ? 'ok' : 'bad', bold: true }), '  '),
  ...o.restored.flatMap((p) => wrapped(p, width, {}, seg('    '), '')),
  ...o.failed.flatMap((f) => wrapped(`${f.path}: ${f.error}`, width, { tone: 'bad' }, seg('  ✗ ', { tone: 'bad' }), '    ')),
  ...(o.leftInPlace.length === 0
    ? []
    : [blank, ...wrapped('Left in place (a roll back restores replaced files; it does not remove what the run created):', width, { tone: 'warn' }), ...o.leftInPlace.flatMap((d) => wrapped(d, width, { tone: 'muted' }, seg('    '), ''))]),
];

export const HostRunScreen = ({ active, context, run, onResolved, onBack, onHelp, onQuit, onward = 'the stack' }: HostRunScreenProps) => {
  const controller = useController();
  const [mode, setMode] = useState<Mode>({ kind: 'choose' });
  const options: SelectOption<Choice>[] = [
    { value: 'resume', label: 'Resume', hint: 'plan again and apply what is left; finished actions are skipped' },
    run.backups.length > 0
      ? { value: 'rollback', label: 'Roll back', hint: `put back the ${plural(run.backups.length, 'file')} the run replaced, from their backups` }
      : { value: 'rollback', label: 'Roll back', hint: 'nothing to restore: the run replaced no file', disabled: true },
    { value: 'leave', label: 'Leave it', hint: 'go on without resuming or rolling back' },
  ];
  const select = useSelectState(options);

  const rollback = () => {
    setMode({ kind: 'rolling-back', startedAt: controller.now(), restored: [] });
    controller
      .rollback(run, (path) => {
        setMode((m) => (m.kind === 'rolling-back' ? { ...m, restored: [...m.restored, path] } : m));
      })
      .then((outcome) => {
        setMode({ kind: 'rolled-back', outcome });
      })
      .catch((e: unknown) => {
        setMode({ kind: 'error', error: errorText(e) });
      });
  };

  // The keys of each mode: the footer, the help and what they do come from this one list.
  let bindings: Binding[];
  switch (mode.kind) {
    case 'choose':
      bindings = [
        ...selectBindings(select, (v) => {
          controller.log(`host-run: operator chose ${v} for run ${run.runId}`);
          if (v === 'rollback') rollback();
          else onResolved(v);
        }),
        bind('b', 'back', 'back', onBack),
        bind('q', 'quit', 'quit', onQuit),
      ];
      break;
    case 'rolling-back':
      bindings = [];
      break;
    case 'rolled-back':
      bindings = [scrollBinding((i) => { scroll.move(i); }), bind('enter', `continue to ${onward}`, 'enter', () => { onResolved('rolled-back'); }), bind('q', 'quit', 'quit', onQuit)];
      break;
    case 'error':
      bindings = [scrollBinding((i) => { scroll.move(i); }), bind('enter', 'go on', 'enter', () => { onResolved('leave'); }, { help: `go on to ${onward}, leaving the run as it is` }), bind('q', 'quit', 'quit', onQuit)];
      break;
  }
  const frame = { title: 'Unfinished run on the host', context, bindings, ...(mode.kind === 'rolling-back' ? {} : { onHelp }) };
  const { width, bodyRows } = useLayout(frame);

  const head = runLines(run, width);
  const lines =
    mode.kind === 'rolled-back'
        ? rollbackLines(mode.outcome, width)
        : mode.kind === 'error'
          ? [
              ...wrapped(`The roll back stopped: ${mode.error.message}`, width, { tone: 'bad' }, seg('✗ ', { tone: 'bad' }), '  '),
              ...(mode.error.remedy === undefined ? [] : wrapped(mode.error.remedy, width, { tone: 'accent' }, seg('→ ', { tone: 'accent' }), '  ')),
            ]
          : [];
  const scroll = useScrollState(lines.length, bodyRows);

  let body: ReactNode;
  switch (mode.kind) {
    case 'choose':
      body = <ChoiceView head={head} options={options} focused={select.focused} width={width} height={bodyRows} />;
      break;
    case 'rolled-back':
    case 'error':
      body = <ScrollView lines={lines} offset={scroll.offset} height={bodyRows} width={width} />;
      break;
    case 'rolling-back':
      body = (
        <>
          <Spinner label={`Restoring backups (${mode.restored.length} of ${run.backups.length})…`} startedAt={mode.startedAt} now={controller.now} />
          <LineView lines={mode.restored.flatMap((p) => wrapped(p, width, { tone: 'ok' }, seg('  ✓ ', { tone: 'ok' }), '')).slice(-(bodyRows - 2))} width={width} />
        </>
      );
      break;
  }
  return (
    <Frame {...frame} active={active && mode.kind !== 'rolling-back'}>
      {body}
    </Frame>
  );
};
