// Stack: one bundled with keelson, or a manifest file. A manifest with errors shows them all, with line numbers,
// and the operator picks again.
import { useEffect, useReducer, useRef, useState, type ReactNode } from 'react';
import { Box, Text } from 'ink';
import { useController, type StackChoice, type StackInfo } from '../controller.js';
import { Frame, type KeyHint } from '../components/frame/frame.js';
import { useLayout } from '../components/frame/use-layout.js';
import { LineView } from '../components/line-view/line-view.js';
import { ScrollView } from '../components/scroll-view/scroll-view.js';
import { useScrollState } from '../components/scroll-view/use-scroll-state.js';
import { Select } from '../components/select/select.js';
import { useSelect } from '../components/select/use-select.js';
import { useSelectState, type SelectOption } from '../components/select/use-select-state.js';
import { Spinner } from '../components/spinner/spinner.js';
import { TextInput } from '../components/text-input/text-input.js';
import { textInputInit, textInputReducer } from '../components/text-input/text-input-state.js';
import { textKey } from '../components/text-input/use-text-input.js';
import { errorText, type ErrorText } from '../common/error-text.js';
import { hints } from '../common/keys-help.js';
import type { ScreenProps } from '../common/screen-props.js';
import { isScrollIntent, useKeys } from '../keys/use-keys.js';
import { blank, line, seg, wrapped, type Line } from '../lines/line.js';

export interface StackScreenProps extends ScreenProps {
  /** Load this one on arrival (--stack, a saved wizard, or the stack of a run being resumed). */
  readonly autoRef: string | null;
  readonly current: StackInfo | null;
  readonly onLoaded: (stack: StackInfo) => void;
  readonly onBack: () => void;
}

const FILE = '\u0000file';

type Mode =
  | { readonly kind: 'listing' }
  | { readonly kind: 'choose' }
  | { readonly kind: 'file' }
  | { readonly kind: 'loading'; readonly ref: string; readonly startedAt: number }
  | { readonly kind: 'error'; readonly ref: string; readonly error: ErrorText };

export const stackOptions = (choices: readonly StackChoice[]): SelectOption<string>[] => [
  ...choices.map((c) => ({ value: c.ref, label: `${c.name} ${c.version}`, ...(c.description === undefined ? {} : { hint: c.description }) })),
  { value: FILE, label: 'A manifest file…', hint: 'a stack manifest (YAML) on this workstation' },
];

export const errorLines = (ref: string, error: ErrorText, width: number): Line[] => [
  [seg('✗ ', { tone: 'bad', bold: true }), seg(`The stack ${ref} could not be used:`, { bold: true })],
  ...error.message.split('\n').flatMap((l) => wrapped(l, width, { tone: 'bad' }, seg('  '), '    ')),
  ...(error.remedy === undefined ? [] : [blank, ...wrapped(error.remedy, width, { tone: 'accent' }, seg('→ ', { tone: 'accent' }), '  ')]),
];

/** Mounted once the list is known, so the focus can start on the stack chosen before. */
const ChooseStack = (props: {
  readonly choices: readonly StackChoice[];
  readonly preferred: string | undefined;
  readonly active: boolean;
  readonly width: number;
  readonly onChoose: (value: string) => void;
}) => {
  const options = stackOptions(props.choices);
  const select = useSelectState(options, props.preferred);
  useSelect(select, props.onChoose, props.active);
  return (
    <>
      <LineView lines={[line('Which stack?', { bold: true }), blank]} width={props.width} />
      <Select options={options} focused={select.focused} width={props.width} />
    </>
  );
};

export const StackScreen = ({ active, context, autoRef, current, onLoaded, onBack, onHelp, onQuit }: StackScreenProps) => {
  const controller = useController();
  const { width, bodyRows } = useLayout();
  const [choices, setChoices] = useState<readonly StackChoice[]>([]);
  const [mode, setMode] = useState<Mode>(autoRef !== null ? { kind: 'loading', ref: autoRef, startedAt: controller.now() } : { kind: 'listing' });
  const [path, editPath] = useReducer(textInputReducer, current !== null && !/^[a-z][a-z0-9-]*$/.test(current.ref) ? current.ref : '', textInputInit);
  const alive = useRef(true);

  const load = (ref: string) => {
    setMode({ kind: 'loading', ref, startedAt: controller.now() });
    controller
      .loadStack(ref)
      .then((stack) => {
        if (!alive.current) return;
        controller.log(`stack: ${stack.manifest.stack} ${stack.manifest.version} from ${stack.source}`);
        onLoaded(stack);
      })
      .catch((e: unknown) => {
        if (!alive.current) return;
        const error = errorText(e);
        controller.log(`stack: ${ref} refused: ${error.message}`);
        setMode({ kind: 'error', ref, error });
      });
  };

  useEffect(() => {
    alive.current = true;
    controller
      .listStacks()
      .then((list) => {
        if (!alive.current) return;
        setChoices(list);
        setMode((m) => (m.kind === 'listing' ? { kind: 'choose' } : m));
      })
      .catch((e: unknown) => {
        if (alive.current) setMode((m) => (m.kind === 'listing' ? { kind: 'error', ref: 'list', error: errorText(e) } : m));
      });
    if (autoRef !== null) load(autoRef);
    return () => {
      alive.current = false;
    };
    // Once, on arrival.
  }, []);

  const lines = mode.kind === 'error' ? errorLines(mode.ref, mode.error, width) : [];
  const scroll = useScrollState(lines.length, bodyRows);

  useKeys(
    (intent) => {
      switch (mode.kind) {
        case 'choose':
          if (intent === 'back') onBack();
          else if (intent === 'quit') onQuit();
          else if (intent === 'help') onHelp();
          break;
        case 'file':
          if (intent === 'back') setMode({ kind: 'choose' });
          else if (intent === 'quit') onQuit();
          else if (intent === 'enter' && path.value.trim() !== '') load(path.value.trim());
          break;
        case 'error':
          if (intent === 'back' || intent === 'enter') setMode(/^[a-z][a-z0-9-]*$/.test(mode.ref) || mode.ref === 'list' ? { kind: 'choose' } : { kind: 'file' });
          else if (intent === 'recheck') load(mode.ref);
          else if (intent === 'quit') onQuit();
          else if (intent === 'help') onHelp();
          else if (isScrollIntent(intent)) scroll.move(intent);
          break;
        case 'listing':
        case 'loading':
          if (intent === 'quit') onQuit();
          break;
      }
    },
    { isActive: active, textEntry: mode.kind === 'file' },
    (input, key) => {
      if (mode.kind !== 'file') return false;
      const edit = textKey(input, key);
      if (edit === null) return false;
      editPath(edit);
      return true;
    },
  );

  let body: ReactNode;
  let keys: KeyHint[];
  switch (mode.kind) {
    case 'listing':
      keys = hints(['ctrl+c', 'quit']);
      body = <Spinner label="Looking for bundled stacks…" />;
      break;
    case 'choose':
      keys = hints(['↑↓', 'move'], ['enter', 'choose'], ['b', 'back'], ['q', 'quit'], ['?', 'help']);
      body = (
        <ChooseStack
          choices={choices}
          preferred={current?.ref}
          active={active}
          width={width}
          onChoose={(v) => {
            if (v === FILE) setMode({ kind: 'file' });
            else load(v);
          }}
        />
      );
      break;
    case 'file':
      keys = hints(['enter', 'load'], ['esc', 'back'], ['ctrl+c', 'quit']);
      body = (
        <Box flexDirection="column" width={width}>
          <Text bold>› Manifest file</Text>
          <Box paddingLeft={4} width={width}>
            <TextInput state={path} focused placeholder="./stack/manifest.yaml" width={width - 4} />
          </Box>
          <LineView lines={[blank, ...wrapped('A path relative to the directory keelson was started in, or absolute.', width, { tone: 'muted' })]} width={width} />
        </Box>
      );
      break;
    case 'loading':
      keys = hints(['ctrl+c', 'quit']);
      body = <Spinner label={`Reading the stack ${mode.ref}…`} startedAt={mode.startedAt} now={controller.now} />;
      break;
    case 'error':
      keys = hints(['enter', 'choose again'], ['r', 'read again'], ['↑↓', 'scroll'], ['q', 'quit']);
      body = <ScrollView lines={lines} offset={scroll.offset} height={bodyRows} width={width} />;
      break;
  }
  return (
    <Frame title="Stack" context={context} keys={keys}>
      {body}
    </Frame>
  );
};
