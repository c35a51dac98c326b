// Stack: one bundled with keelson, a manifest file, or a signed stack archive (verified by the controller on load). A manifest with errors shows them all, with line numbers,
// and the operator picks again.
import { useEffect, useReducer, useRef, useState, type ReactNode } from 'react';
import { Box, type Key } from 'ink';
import { useController, type StackChoice, type StackInfo } from '../controller.js';
import { Frame } from '../components/frame/frame.js';
import { useLayout } from '../components/frame/use-layout.js';
import { LineView } from '../components/line-view/line-view.js';
import { ScrollView } from '../components/scroll-view/scroll-view.js';
import { useScrollState } from '../components/scroll-view/use-scroll-state.js';
import { ChoiceView } from '../components/select/select.js';
import { selectBindings } from '../components/select/use-select.js';
import { useSelectState, type SelectOption } from '../components/select/use-select-state.js';
import { Spinner } from '../components/spinner/spinner.js';
import { TextInput } from '../components/text-input/text-input.js';
import { textInputInit, textInputReducer } from '../components/text-input/text-input-state.js';
import { textKey } from '../components/text-input/use-text-input.js';
import { errorText, type ErrorText } from '../common/error-text.js';
import type { ScreenProps } from '../common/screen-props.js';
import { bind, scrollBinding, TEXT_FIELD_KEYS, type Binding } from '../keys/bindings.js';
import { blank, line, seg, wrapped, type Line } from '../lines/line.js';

export interface StackScreenProps extends ScreenProps {
  /** Load this one on arrival (--stack, a saved wizard, or the stack of a run being resumed). */
  readonly autoRef: string | null;
  readonly current: StackInfo | null;
  readonly onLoaded: (stack: StackInfo) => void;
  readonly onBack: () => void;
  /** The frame's title and the question above the list (the Upgrade asks for the new version with this screen). */
  readonly title?: string;
  readonly heading?: string;
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
  { value: FILE, label: 'A manifest file or stack archive…', hint: 'a stack manifest (YAML), or a signed FILE.keelson checked against your trusted key, on this workstation' },
];

export const errorLines = (ref: string, error: ErrorText, width: number): Line[] => [
  [seg('✗ ', { tone: 'bad', bold: true }), seg(`The stack ${ref} could not be used:`, { bold: true })],
  ...error.message.split('\n').flatMap((l) => wrapped(l, width, { tone: 'bad' }, seg('  '), '    ')),
  ...(error.remedy === undefined ? [] : [blank, ...wrapped(error.remedy, width, { tone: 'accent' }, seg('→ ', { tone: 'accent' }), '  ')]),
];


export const StackScreen = ({ active, context, autoRef, current, onLoaded, onBack, onHelp, onQuit, title = 'Stack', heading = 'Which stack?' }: StackScreenProps) => {
  const controller = useController();
  const [choices, setChoices] = useState<readonly StackChoice[]>([]);
  const [mode, setMode] = useState<Mode>(autoRef !== null ? { kind: 'loading', ref: autoRef, startedAt: controller.now() } : { kind: 'listing' });
  const [path, editPath] = useReducer(textInputReducer, current !== null && !/^[a-z][a-z0-9-]*$/.test(current.ref) ? current.ref : '', textInputInit);
  const alive = useRef(true);
  const options = stackOptions(choices);
  const select = useSelectState(options, current?.ref);

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

  const quit = bind('q', 'quit', 'quit', onQuit);
  const toChooser = (ref: string) => { setMode(/^[a-z][a-z0-9-]*$/.test(ref) || ref === 'list' ? { kind: 'choose' } : { kind: 'file' }); };
  // The keys of each mode: the footer, the help and what they do come from this one list. Handlers run on a key
  // press, after this render has made the state they use.
  let bindings: Binding[];
  switch (mode.kind) {
    case 'choose':
      bindings = [...selectBindings(select, (v) => { if (v === FILE) setMode({ kind: 'file' }); else load(v); }), bind('b', 'back', 'back', onBack), quit];
      break;
    case 'file':
      bindings = [
        TEXT_FIELD_KEYS,
        bind('enter', 'load', 'enter', () => { if (path.value.trim() !== '') load(path.value.trim()); }, { help: 'read and check the manifest' }),
        bind('esc', 'back', 'back', () => { setMode({ kind: 'choose' }); }),
        bind('ctrl+c', 'quit', 'quit', onQuit),
      ];
      break;
    case 'error': {
      const ref = mode.ref;
      bindings = [
        scrollBinding((i) => { scroll.move(i); }),
        bind('enter', 'choose again', ['enter', 'back'], () => { toChooser(ref); }),
        bind('r', 'read again', 'recheck', () => { load(ref); }, { help: 'read the manifest again (after you fixed it)' }),
        quit,
      ];
      break;
    }
    case 'listing':
    case 'loading':
      bindings = [bind('ctrl+c', 'quit', 'quit', onQuit)];
      break;
  }
  const frame = { title, context, bindings, textEntry: mode.kind === 'file', ...(mode.kind === 'choose' || mode.kind === 'error' ? { onHelp } : {}) };
  const { width, bodyRows } = useLayout(frame);
  const lines = mode.kind === 'error' ? errorLines(mode.ref, mode.error, width) : [];
  const scroll = useScrollState(lines.length, bodyRows);
  const onRaw = (input: string, key: Key): boolean => {
    if (mode.kind !== 'file') return false;
    const edit = textKey(input, key);
    if (edit === null) return false;
    editPath(edit);
    return true;
  };

  let body: ReactNode;
  switch (mode.kind) {
    case 'listing':
      body = <Spinner label="Looking for bundled stacks…" />;
      break;
    case 'choose':
      body = <ChoiceView head={[...wrapped(heading, width, { bold: true }), blank]} options={options} focused={select.focused} width={width} height={bodyRows} />;
      break;
    case 'file':
      body = (
        <Box flexDirection="column" width={width}>
          <LineView lines={[line('› Manifest file or stack archive', { bold: true })]} width={width} />
          <Box paddingLeft={4} width={width}>
            <TextInput state={path} focused placeholder="./stack/manifest.yaml" width={width - 4} />
          </Box>
          <LineView lines={[blank, ...wrapped('A path relative to the directory keelson was started in, or absolute. A stack archive (.keelson) is verified whole against the trusted key (keelson wizard --trust KEY, or ~/.config/keelson/trusted.pub) before any host sees it.', width, { tone: 'muted' })]} width={width} />
        </Box>
      );
      break;
    case 'loading':
      body = <Spinner label={`Reading the stack ${mode.ref}…`} startedAt={mode.startedAt} now={controller.now} />;
      break;
    case 'error':
      body = <ScrollView lines={lines} offset={scroll.offset} height={bodyRows} width={width} />;
      break;
  }
  return (
    <Frame {...frame} active={active} onRaw={onRaw}>
      {body}
    </Frame>
  );
};
