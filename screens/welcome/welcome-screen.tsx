// Welcome: what the wizard will do, that nothing changes before the Review, and — when an earlier wizard did not
// finish — the offer to continue where it stopped.
import type { WizardProgress } from '../controller.js';
import { Frame } from '../components/frame/frame.js';
import { useLayout } from '../components/frame/use-layout.js';
import { ChoiceView } from '../components/select/select.js';
import { selectBindings } from '../components/select/use-select.js';
import { useSelectState, type SelectOption } from '../components/select/use-select-state.js';
import type { ScreenProps } from '../common/screen-props.js';
import { bind } from '../keys/bindings.js';
import { blank, seg, wrapped, type Line } from '../lines/line.js';

export interface WelcomeScreenProps extends ScreenProps {
  readonly offer: WizardProgress | null;
  readonly onStart: (continueSaved: boolean) => void;
}

type Choice = 'continue' | 'fresh';

const targetText = (p: WizardProgress): string =>
  p.target === null ? 'no target yet' : p.target.kind === 'local' ? 'this machine' : `ssh ${p.target.destination}`;

export const offerText = (p: WizardProgress): string => {
  const where = p.screen === 'step' ? `step ${p.stepIndex + 1}` : p.screen;
  return `${p.stackRef ?? 'no stack yet'} on ${targetText(p)}, at ${where} (saved ${p.savedAt.replace('T', ' ').slice(0, 16)})`;
};

const STAGES: readonly (readonly [string, string])[] = [
  ['1. Target', 'where the stack goes'],
  ['2. Stack', 'which stack, and its questions'],
  ['3. Steps', 'the host checked step by step, each with its planned changes'],
  ['4. Review', 'the whole plan; nothing changes on the host before you confirm it'],
  ['5. Apply', 'the changes, with live output; then a summary'],
];

/** What the wizard does, in its five stages; each stage's words wrap under themselves, never cut. */
export const introLines = (width: number): Line[] => [
  ...wrapped('This wizard brings a hardened Podman Quadlet stack onto a Linux host: this machine, or one over SSH.', width),
  blank,
  ...STAGES.flatMap(([stage, what]) => wrapped(what, width, {}, seg(`  ${stage.padEnd(12)}`), '')),
  blank,
];

export const WelcomeScreen = ({ active, context, offer, onStart, onHelp, onQuit }: WelcomeScreenProps) => {
  const options: SelectOption<Choice>[] =
    offer === null
      ? [{ value: 'fresh', label: 'Start' }]
      : [
          { value: 'continue', label: 'Continue where you stopped', hint: offerText(offer) },
          { value: 'fresh', label: 'Start over' },
        ];
  const select = useSelectState(options);
  const frame = {
    title: 'Welcome',
    context,
    onHelp,
    bindings: [...selectBindings(select, (v) => { onStart(v === 'continue'); }), bind('q', 'quit', 'quit', onQuit)],
  };
  const { width, bodyRows } = useLayout(frame);
  return (
    <Frame {...frame} active={active}>
      <ChoiceView head={introLines(width)} options={options} focused={select.focused} width={width} height={bodyRows} />
    </Frame>
  );
};
