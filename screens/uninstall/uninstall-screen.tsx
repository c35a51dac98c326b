// Uninstall from the wizard: which stack, keep the data or purge, then the plan exactly as `keelson uninstall` prints
// it (what goes, what stays, the commands for later) and a typed confirmation — "yes", or the stack's name to purge.
// Nothing on the host changes before that; esc goes back until then. Then the run (uninstall-run.tsx).
import { useEffect, useReducer, type ReactNode } from 'react';
import type { Key } from 'ink';
import { useController, type ApplyOutcome } from '../controller.js';
import { Frame } from '../components/frame/frame.js';
import { useLayout } from '../components/frame/use-layout.js';
import { LineView } from '../components/line-view/line-view.js';
import { ChoiceView } from '../components/select/select.js';
import { useScrollState } from '../components/scroll-view/use-scroll-state.js';
import { selectBindings } from '../components/select/use-select.js';
import { useSelectState, type SelectOption } from '../components/select/use-select-state.js';
import { Spinner } from '../components/spinner/spinner.js';
import { TypedConfirm } from '../components/typed-confirm/typed-confirm.js';
import { textInputInit, textInputReducer } from '../components/text-input/text-input-state.js';
import { textKey } from '../components/text-input/use-text-input.js';
import { errorText } from '../common/error-text.js';
import type { ScreenProps } from '../common/screen-props.js';
import { bind, scrollBinding, TEXT_FIELD_KEYS, type Binding } from '../keys/bindings.js';
import { blank, line, wrapLine, wrapped, type Line } from '../lines/line.js';
import { initialUninstall, uninstallBack, uninstallReducer } from './uninstall-state.js';
import { UninstallRun } from './uninstall-run.js';

export interface UninstallScreenProps extends ScreenProps {
  readonly stacks: readonly string[];
  readonly hostLabel: string;
  /** Back to the host's choices (only before the confirmation). */
  readonly onBack: () => void;
  readonly onFinished?: (outcome: ApplyOutcome) => void;
}

export const MODE_OPTIONS: readonly SelectOption<'keep' | 'purge'>[] = [
  { value: 'keep', label: 'Uninstall, keep the data', hint: "units, targets, networks, tmpfiles entries and keelson's drop-ins go; volumes, the data, secrets, users and images stay, for a re-install to adopt. You confirm by typing yes." },
  { value: 'purge', label: 'Uninstall and PURGE the data', hint: 'also deletes the volumes (archived on the host first), secrets, images and the accounts keelson created. You confirm by typing the stack’s name.' },
];

/** The plan as the headless command prints it, line by line, each wrapped under its own indent. */
export const planTextLines = (text: string, width: number): Line[] =>
  text.replace(/\n$/, '').split('\n').flatMap((l) => (l === '' ? [blank] : wrapLine(line(l), width, ' '.repeat(l.length - l.trimStart().length))));

export const UninstallScreen = ({ active, context, stacks, hostLabel, onBack, onFinished, onHelp, onQuit }: UninstallScreenProps) => {
  const controller = useController();
  const [stage, dispatch] = useReducer(uninstallReducer, stacks, initialUninstall);
  const [typed, edit] = useReducer(textInputReducer, '', textInputInit);
  const stackSelect = useSelectState(stacks.map((s) => ({ value: s, label: s })));
  const modeSelect = useSelectState(MODE_OPTIONS);

  useEffect(() => {
    if (stage.kind !== 'planning') return;
    controller
      .uninstallPlan(stage.stack, stage.purge)
      .then((planned) => { dispatch({ type: 'planned', planned }); })
      .catch((e: unknown) => { dispatch({ type: 'plan-failed', message: errorText(e).message }); });
  }, [stage.kind]);

  const back = () => {
    edit({ type: 'clear' });
    if (uninstallBack(stage, stacks) === null) onBack();
    else dispatch({ type: 'back', stacks });
  };
  const quit = bind('q', 'quit', 'quit', onQuit);
  const backKey = bind('b', 'back', 'back', back);
  let bindings: Binding[];
  switch (stage.kind) {
    case 'stack':
      bindings = [...selectBindings(stackSelect, (v) => { dispatch({ type: 'stack-chosen', stack: v }); }), backKey, quit];
      break;
    case 'mode':
      bindings = [...selectBindings(modeSelect, (v) => { controller.log(`uninstall: ${stage.stack}: operator chose ${v}`); dispatch({ type: 'mode-chosen', purge: v === 'purge' }); }), backKey, quit];
      break;
    case 'planning':
      bindings = [bind('esc', 'back', 'back', back), bind('ctrl+c', 'quit', 'quit', onQuit)];
      break;
    case 'said':
      bindings = [bind('enter', 'back', ['enter', 'back'], back), quit];
      break;
    case 'plan': {
      const go = () => {
        controller.log(typed.value.trim() === stage.planned.confirmWord ? 'uninstall: the typed confirmation matches' : 'uninstall: the typed confirmation does not match: nothing changed');
        dispatch({ type: 'typed', text: typed.value });
        edit({ type: 'clear' });
      };
      bindings = [TEXT_FIELD_KEYS, scrollBinding((i) => { scroll.move(i); }, 'scroll the plan (↑↓ pgup pgdn)'), bind('enter', 'confirm', 'enter', go, { help: `type ${stage.planned.confirmWord} and press enter to uninstall` }), bind('esc', 'back', 'back', back, { help: 'back: nothing has changed on the host' }), bind('ctrl+c', 'quit', 'quit', onQuit)];
      break;
    }
    case 'running':
    case 'finished':
      bindings = []; // the run's own frame has its keys
  }
  const frame = { title: 'Uninstall', context, bindings, textEntry: stage.kind === 'plan', ...(stage.kind === 'plan' ? {} : { onHelp }) };
  const { width, bodyRows } = useLayout(frame);
  const prompt: Line[] = stage.kind !== 'plan' ? [] : [
    blank,
    ...(stage.wrong === null ? [] : wrapped(`"${stage.wrong}" is not "${stage.planned.confirmWord}": nothing was changed. Type it exactly, or esc to go back.`, width, { tone: 'bad' })),
    ...wrapped(`${stage.planned.purge ? 'This DELETES the data. ' : ''}Type "${stage.planned.confirmWord}" and press enter to uninstall ${stage.planned.stack}:`, width, { bold: true, ...(stage.planned.purge ? { tone: 'warn' as const } : {}) }),
  ];
  const lines = stage.kind === 'plan' ? planTextLines(stage.planned.text, width) : stage.kind === 'said' ? wrapped(stage.message, width, { tone: stage.tone, bold: true }) : [];
  const scroll = useScrollState(lines.length, Math.max(1, bodyRows - prompt.length - 1));
  const onRaw = (input: string, key: Key): boolean => {
    if (stage.kind !== 'plan') return false;
    const e = textKey(input, key);
    if (e === null) return false;
    edit(e);
    return true;
  };
  // After every hook: the run has a frame of its own.
  if (stage.kind === 'running' || stage.kind === 'finished') {
    const finished = (o: ApplyOutcome) => {
      dispatch({ type: 'finished', outcome: o });
      onFinished?.(o);
    };
    return <UninstallRun active={active} context={context} onHelp={onHelp} onQuit={onQuit} planned={stage.planned} hostLabel={hostLabel} onFinished={finished} />;
  }
  let body: ReactNode;
  switch (stage.kind) {
    case 'stack':
      body = <ChoiceView head={[line('Which stack do you want to uninstall?', { bold: true }), blank]} options={stacks.map((s) => ({ value: s, label: s }))} focused={stackSelect.focused} width={width} height={bodyRows} />;
      break;
    case 'mode':
      body = <ChoiceView head={[line(`Uninstall ${stage.stack}: keep its data, or purge it?`, { bold: true }), blank]} options={MODE_OPTIONS} focused={modeSelect.focused} width={width} height={bodyRows} />;
      break;
    case 'planning':
      body = <Spinner label={`Reading what ${stage.stack} has on the host (nothing changes)…`} width={width} />;
      break;
    case 'said':
      body = <LineView lines={[...lines, blank, ...wrapped('Nothing was changed on the host. enter goes back.', width, { tone: 'muted' })]} width={width} />;
      break;
    case 'plan':
      body = <TypedConfirm lines={lines} offset={scroll.offset} bodyRows={bodyRows} prompt={prompt} typed={typed} focused={active} width={width} />;
      break;
  }
  return (
    <Frame {...frame} active={active} onRaw={onRaw}>
      {body}
    </Frame>
  );
};
