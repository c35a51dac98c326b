// Target: this machine, or a host over SSH (user@host[:port] and a key). A host never seen before shows its key's
// fingerprint and waits for the operator's yes; then the host's journal (an unfinished run?) and keelson's deployment
// record (a stack deployed?) are read, in one round trip.
import { useEffect, useReducer, useRef, useState, type ReactNode } from 'react';
import { Box, type Key } from 'ink';
import { useController, type HostFindings, type HostKeyPrompt, type TargetSpec } from '../controller.js';
import { Frame } from '../components/frame/frame.js';
import { useLayout } from '../components/frame/use-layout.js';
import { LineView } from '../components/line-view/line-view.js';
import { ChoiceView } from '../components/select/select.js';
import { selectBindings } from '../components/select/use-select.js';
import { useSelectState, type SelectOption } from '../components/select/use-select-state.js';
import { Spinner } from '../components/spinner/spinner.js';
import { TextInput } from '../components/text-input/text-input.js';
import { textInputInit, textInputReducer } from '../components/text-input/text-input-state.js';
import { textKey } from '../components/text-input/use-text-input.js';
import { errorText } from '../common/error-text.js';
import type { ScreenProps } from '../common/screen-props.js';
import { bind, scrollBinding, TEXT_FIELD_KEYS, type Binding } from '../keys/bindings.js';
import { ScrollView } from '../components/scroll-view/scroll-view.js';
import { useScrollState } from '../components/scroll-view/use-scroll-state.js';
import { blank, line, seg, wrapped, type Line } from '../lines/line.js';
import { DESTINATION_FIELD, describeTarget, destinationProblem, KEY_FILE_FIELD, specFromForm, type TargetMode } from './target-state.js';

export interface TargetScreenProps extends ScreenProps {
  /** The target chosen before (going back, or continuing a saved wizard). */
  readonly initial: TargetSpec | null;
  /** Connect to `initial` right away (continuing a saved wizard). */
  readonly autoConnect: boolean;
  readonly onConnected: (target: TargetSpec, label: string, found: HostFindings) => void;
  readonly onBack: () => void;
}

type Where = 'local' | 'ssh';

export const hostKeyLines = (key: HostKeyPrompt, width: number): Line[] => [
  ...wrapped(`First contact with ${key.host}:${key.port}. It presented this ${key.keyType} host key:`, width),
  blank,
  [seg('    '), seg(key.fingerprint, { bold: true })],
  blank,
  ...wrapped(
    'Compare it with the fingerprint the host itself reports (on its console: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) or that its administrator gave you. If they differ, someone may be in between: say no.',
    width,
    { tone: 'muted' },
  ),
  blank,
  line('Trust this key and remember it for this host?', { bold: true }),
];

export const TargetScreen = ({ active, context, initial, autoConnect, onConnected, onBack, onHelp, onQuit }: TargetScreenProps) => {
  const controller = useController();
  const ssh = initial?.kind === 'ssh' ? initial : null;
  const [mode, setMode] = useState<TargetMode>(initial?.kind === 'ssh' && !autoConnect ? { kind: 'form', field: 0 } : { kind: 'choose' });
  const [destination, editDestination] = useReducer(textInputReducer, ssh?.destination ?? '', textInputInit);
  const [identity, editIdentity] = useReducer(textInputReducer, ssh?.identity ?? '', textInputInit);
  const hostKeyAnswer = useRef<((trust: boolean) => void) | null>(null);
  const attempt = useRef(0);

  const options: SelectOption<Where>[] = [
    { value: 'local', label: 'This machine', hint: 'the host keelson runs on (as root, or through sudo -n)' },
    { value: 'ssh', label: 'A host over SSH', hint: 'user@host[:port] with a key or your ssh-agent' },
  ];
  const select = useSelectState(options, initial?.kind);

  const connect = (spec: TargetSpec) => {
    const mine = ++attempt.current;
    const current = () => mine === attempt.current;
    setMode({ kind: 'connecting', spec, startedAt: controller.now(), phase: 'connect' });
    controller.log(`target: connecting to ${describeTarget(spec)}`);
    const confirm = (key: HostKeyPrompt) =>
      new Promise<boolean>((resolve) => {
        hostKeyAnswer.current = (trust) => {
          hostKeyAnswer.current = null;
          controller.log(`target: host key ${key.fingerprint} of ${key.host}:${key.port} ${trust ? 'trusted' : 'refused'} by the operator`);
          setMode({ kind: 'connecting', spec, startedAt: controller.now(), phase: 'connect' });
          resolve(trust);
        };
        if (current()) setMode({ kind: 'hostkey', spec, key });
        else resolve(false);
      });
    controller
      .connect(spec, confirm)
      .then(async (connected) => {
        if (!current()) return;
        setMode({ kind: 'connecting', spec, startedAt: controller.now(), phase: 'journal' });
        const found = await controller.readHost();
        if (current()) onConnected(spec, connected.label, found);
      })
      .catch((e: unknown) => {
        if (!current()) return;
        const error = errorText(e);
        controller.log(`target: could not connect: ${error.message}`);
        setMode({ kind: 'error', spec, error });
      });
  };

  useEffect(() => {
    if (autoConnect && initial !== null) connect(initial);
    return () => {
      attempt.current++; // a late answer for an abandoned attempt is dropped
    };
    // Once, on arrival: continuing a saved wizard connects without asking again.
  }, []);

  const problem = destinationProblem(destination.value);
  const toForm = () => { setMode({ kind: 'form', field: 0 }); };
  const quit = bind('q', 'quit', 'quit', onQuit);
  // The keys of each mode: the footer, the help and what they do come from this one list.
  let bindings: Binding[];
  switch (mode.kind) {
    case 'choose':
      bindings = [...selectBindings(select, (v) => { if (v === 'local') connect({ kind: 'local' }); else toForm(); }), bind('b', 'back', 'back', onBack), quit];
      break;
    case 'form': {
      const field = mode.field;
      bindings = [
        TEXT_FIELD_KEYS,
        bind('tab ↑↓', 'field', ['up', 'down'], () => { setMode({ kind: 'form', field: field === 0 ? 1 : 0 }); }, { help: 'move between the two fields' }),
        bind('enter', field === 0 ? 'next' : 'connect', 'enter', () => {
          if (field === 0 && problem === null) setMode({ kind: 'form', field: 1 });
          else if (problem === null) connect(specFromForm(destination.value, identity.value));
          else toForm();
        }, { help: field === 0 ? 'on to the key file' : 'connect (a host never seen before shows its key first)' }),
        bind('esc', 'back', 'back', () => { setMode({ kind: 'choose' }); }),
        bind('ctrl+c', 'quit', 'quit', onQuit),
      ];
      break;
    }
    case 'connecting':
      bindings = [bind('ctrl+c', 'quit', 'quit', onQuit)];
      break;
    case 'hostkey':
      bindings = [
        scrollBinding((i) => { scroll.move(i); }),
        bind('y', 'trust it', 'yes', () => { hostKeyAnswer.current?.(true); }, { help: 'trust this key and remember it for this host' }),
        bind('n', 'refuse', ['no', 'back'], () => { hostKeyAnswer.current?.(false); }, { help: 'refuse it: nothing is sent to the host' }),
        quit,
      ];
      break;
    case 'error': {
      const spec = mode.spec;
      bindings = [
        scrollBinding((i) => { scroll.move(i); }),
        bind('enter', 'try again', ['enter', 'recheck'], () => { connect(spec); }),
        bind('b', 'back', 'back', () => { setMode(spec.kind === 'ssh' ? { kind: 'form', field: 0 } : { kind: 'choose' }); }, { help: 'back, to change the target' }),
        quit,
      ];
      break;
    }
  }
  const textEntry = mode.kind === 'form';
  const frame = { title: 'Target', context, bindings, textEntry, ...(mode.kind === 'choose' || mode.kind === 'error' ? { onHelp } : {}) };
  const { width, bodyRows } = useLayout(frame);
  const lines =
    mode.kind === 'hostkey'
      ? hostKeyLines(mode.key, width)
      : mode.kind === 'error'
        ? [
            ...wrapped(mode.error.message, width, { tone: 'bad' }, seg('✗ ', { tone: 'bad', bold: true }), '  '),
            ...(mode.error.remedy === undefined ? [] : [blank, ...wrapped(mode.error.remedy, width, { tone: 'accent' }, seg('→ ', { tone: 'accent' }), '  ')]),
          ]
        : [];
  const scroll = useScrollState(lines.length, bodyRows);
  const onRaw = (input: string, key: Key): boolean => {
    if (mode.kind !== 'form') return false;
    const edit = textKey(input, key);
    if (edit === null) return false;
    if (mode.field === 0) editDestination(edit);
    else editIdentity(edit);
    return true;
  };

  let body: ReactNode;
  switch (mode.kind) {
    case 'choose':
      body = <ChoiceView head={[line('Where should the stack go?', { bold: true }), blank]} options={options} focused={select.focused} width={width} height={bodyRows} />;
      break;
    case 'form': {
      const label = (text: string, on: boolean) => <LineView lines={wrapped(text, width, { bold: on }, seg(on ? '› ' : '  ', { bold: on }), '')} width={width} />;
      body = (
        <Box flexDirection="column" width={width}>
          {label(`${DESTINATION_FIELD} (user@host[:port])`, mode.field === 0)}
          <Box paddingLeft={4} width={width}>
            <TextInput state={destination} focused={mode.field === 0} placeholder="admin@192.0.2.10" width={width - 4} />
          </Box>
          <LineView lines={problem !== null && destination.value !== '' ? wrapped(problem, width, { tone: 'bad' }, seg('    ✗ ', { tone: 'bad' }), '') : [blank]} width={width} />
          {label(`${KEY_FILE_FIELD} (empty: ssh-agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa)`, mode.field === 1)}
          <Box paddingLeft={4} width={width}>
            <TextInput state={identity} focused={mode.field === 1} placeholder="~/.ssh/id_ed25519" width={width - 4} />
          </Box>
          <LineView lines={[blank, ...wrapped('A host never seen before shows its key fingerprint for you to confirm.', width, { tone: 'muted' })]} width={width} />
        </Box>
      );
      break;
    }
    case 'connecting':
      body = (
        <Spinner
          label={mode.phase === 'connect' ? `Connecting to ${describeTarget(mode.spec)}…` : "Reading the host's journal and keelson's deployment record…"}
          startedAt={mode.startedAt}
          now={controller.now}
        />
      );
      break;
    case 'hostkey':
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
