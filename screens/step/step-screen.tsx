// One screen per step: while the facts are gathered (one round trip for all steps) a spinner; then the step's
// findings, blockers first with their remedy, and the actions it plans, file changes with their diff.
import { useState, type ReactNode } from 'react';
import { useController, type Answers } from '../controller.js';
import { Frame } from '../components/frame/frame.js';
import { useLayout } from '../components/frame/use-layout.js';
import { LineView } from '../components/line-view/line-view.js';
import { ScrollView } from '../components/scroll-view/scroll-view.js';
import { useScrollState } from '../components/scroll-view/use-scroll-state.js';
import { Spinner } from '../components/spinner/spinner.js';
import { bind, scrollBinding, type Binding } from '../keys/bindings.js';
import type { ScreenProps } from '../common/screen-props.js';
import type { ScrollIntent } from '../keys/use-keys.js';
import { blank, seg, wrapped } from '../lines/line.js';
import { stepCounts, stepLines } from '../lines/plan-lines.js';
import type { PlanState } from '../app/wizard-state.js';
import { includeRefusal, skipRefusal } from '../../src/engine/skip-steps.js';
import { useTerminalSize } from '../terminal/use-terminal-size.js';
import { luksOfferLines, useLuksPanel } from '../luks/luks-panel.js';
import { luksOffer, requestedLuks, type LuksRequest } from '../luks/luks-request.js';

export interface StepScreenProps extends ScreenProps {
  readonly plan: PlanState;
  readonly stepIndex: number;
  readonly skipped: readonly string[];
  readonly hostLabel: string;
  readonly onNext: () => void;
  readonly onSkip: () => void;
  readonly onRecheck: () => void;
  readonly onBack: () => void;
  /** The answers the plan was made with (a LUKS setup asked for is among them) and the stack's data mount. */
  readonly answers: Answers;
  readonly dataMount: string;
  /** The storage step's LUKS setup asked for, changed or dropped (null): the App plans again. */
  readonly onLuks: (request: LuksRequest | null) => void;
}

/** The keys of each state of the Step screen: what the footer shows and the help lists is what they do. */
const stepBindings = (p: StepScreenProps, state: { refusal: string | null; isSkipped: boolean; total: number; luks: 'set-up' | 'change' | null; openLuks: () => void; reset: () => void; scroll: (i: ScrollIntent) => void }): Binding[] => {
  const back = bind('b', 'back', 'back', () => { state.reset(); p.onBack(); }, { help: p.stepIndex > 0 ? 'the step before' : 'back to the stack and its questions' });
  const quit = bind('q', 'quit', 'quit', p.onQuit, { help: 'quit (your place is kept for next time)' });
  switch (p.plan.status) {
    case 'idle':
    case 'running':
      return [back, quit];
    case 'failed':
      return [scrollBinding(state.scroll), bind('r enter', 'try again', ['recheck', 'enter'], p.onRecheck, { help: 'gather the facts again' }), back, quit];
    case 'ready': {
      const last = p.stepIndex + 1 >= state.total;
      return [
        scrollBinding(state.scroll),
        bind('enter', last ? 'review' : 'next step', 'enter', () => { state.reset(); p.onNext(); }, { help: last ? 'the Review: the whole plan' : 'the next step' }),
        ...(state.refusal !== null
          ? []
          : [bind('s', state.isSkipped ? 'include' : 'skip', 'skip', () => { state.reset(); p.onSkip(); }, { help: state.isSkipped ? 'include this step again: its actions are applied' : 'skip this step: its actions are left out of the apply (s again includes it)' })]),
        ...(state.luks === null
          ? []
          : [bind('l', state.luks === 'set-up' ? 'set up LUKS…' : 'change LUKS…', 'luks', state.openLuks, { help: state.luks === 'set-up' ? `encrypt an empty disk for ${p.dataMount} (LUKS2): name it, type it again to confirm; a new plan shows what would happen` : 'change the disk of the LUKS setup, or plan without it' })]),
        bind('r', 're-check', 'recheck', p.onRecheck, { help: 'gather the facts again (after you fixed something on the host)' }),
        back,
        quit,
      ];
    }
  }
};

export const StepScreen = (props: StepScreenProps) => {
  const { active, context, plan, stepIndex, skipped, hostLabel, onHelp, answers, dataMount } = props;
  const controller = useController();
  const [luksOpen, setLuksOpen] = useState(false);
  const step = plan.status === 'ready' ? plan.planned.plan.steps[stepIndex] : undefined;
  const total = plan.status === 'ready' ? plan.planned.plan.steps.length : 0;
  const isSkipped = step !== undefined && skipped.includes(step.id);
  const blocked = step !== undefined && stepCounts(step).blockers > 0;
  // Why s does nothing here: later steps build on this one's actions (or it builds on a step still skipped).
  const refusal = plan.status !== 'ready' || step === undefined ? null : (isSkipped ? includeRefusal : skipRefusal)(plan.planned.plan, skipped, step.id);
  const offer = plan.status === 'ready' ? luksOffer(step, answers) : null;
  const { columns } = useTerminalSize();
  const luks = useLuksPanel({
    dataMount,
    current: requestedLuks(answers),
    width: columns,
    onRequest: (request) => {
      setLuksOpen(false);
      props.onLuks(request);
    },
    onCancel: () => { setLuksOpen(false); },
    onQuit: props.onQuit,
  });
  const panel = luksOpen && offer !== null;
  const title = plan.status === 'ready' && step !== undefined ? `Step ${stepIndex + 1} of ${total} · ${step.title}` : 'Steps';
  // The handlers run on a key press, after this render has made the scroll state they use.
  const frame = {
    title,
    context,
    ...(panel ? { textEntry: true } : { onHelp }),
    bindings: panel
      ? luks.bindings
      : stepBindings(props, { refusal, isSkipped, total, luks: offer, openLuks: () => { setLuksOpen(true); }, reset: () => { scroll.setOffset(0); }, scroll: (i) => { scroll.move(i); } }),
  };
  const { width, bodyRows } = useLayout(frame);
  const offerLines = offer === 'set-up' ? luksOfferLines(dataMount, width) : [];
  const lines =
    plan.status === 'failed'
      ? [
          ...wrapped(`The facts could not be gathered: ${plan.message}`, width, { tone: 'bad' }, seg('✗ ', { tone: 'bad', bold: true }), '  '),
          blank,
          ...wrapped('Check the connection and the host, then press r to try again. The log has the details.', width, { tone: 'accent' }),
        ]
      : step === undefined
        ? []
        : [...offerLines, ...stepLines(step, width, isSkipped, blocked ? null : refusal)];
  const scroll = useScrollState(lines.length, bodyRows);

  let body: ReactNode;
  switch (plan.status) {
    case 'idle':
    case 'running':
      body = (
        <>
          <Spinner
            label={plan.status === 'running' && plan.phase === 'planning' ? 'Planning…' : `Gathering facts from ${hostLabel} (one round trip)…`}
            startedAt={plan.status === 'running' ? plan.startedAt : undefined}
            now={controller.now}
          />
          <LineView lines={[blank, ...wrapped('Reading only: nothing changes on the host until you confirm the Review.', width, { tone: 'muted' })]} width={width} />
        </>
      );
      break;
    case 'failed':
    case 'ready':
      body = panel ? luks.body : <ScrollView lines={lines} offset={scroll.offset} height={bodyRows} width={width} />;
      break;
  }
  return (
    <Frame {...frame} active={active} {...(panel ? { onRaw: luks.onRaw } : {})}>
      {body}
    </Frame>
  );
};
