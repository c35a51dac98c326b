// One screen per step: while the facts are gathered (one round trip for all steps) a spinner; then the step's
// findings, blockers first with their remedy, and the actions it plans, file changes with their diff.
import type { ReactNode } from 'react';
import { useController } from '../controller.js';
import { Frame, type KeyHint } from '../components/frame/frame.js';
import { useLayout } from '../components/frame/use-layout.js';
import { LineView } from '../components/line-view/line-view.js';
import { ScrollView } from '../components/scroll-view/scroll-view.js';
import { useScrollState } from '../components/scroll-view/use-scroll-state.js';
import { Spinner } from '../components/spinner/spinner.js';
import { hints } from '../common/keys-help.js';
import type { ScreenProps } from '../common/screen-props.js';
import { isScrollIntent, useKeys } from '../keys/use-keys.js';
import { blank, seg, wrapped } from '../lines/line.js';
import { stepCounts, stepLines } from '../lines/plan-lines.js';
import type { PlanState } from '../app/wizard-state.js';
import { includeRefusal, skipRefusal } from '../../src/engine/skip-steps.js';

export interface StepScreenProps extends ScreenProps {
  readonly plan: PlanState;
  readonly stepIndex: number;
  readonly skipped: readonly string[];
  readonly hostLabel: string;
  readonly onNext: () => void;
  readonly onSkip: () => void;
  readonly onRecheck: () => void;
  readonly onBack: () => void;
}

export const StepScreen = ({ active, context, plan, stepIndex, skipped, hostLabel, onNext, onSkip, onRecheck, onBack, onHelp, onQuit }: StepScreenProps) => {
  const controller = useController();
  const { width, bodyRows } = useLayout();
  const step = plan.status === 'ready' ? plan.planned.plan.steps[stepIndex] : undefined;
  const total = plan.status === 'ready' ? plan.planned.plan.steps.length : 0;
  const isSkipped = step !== undefined && skipped.includes(step.id);
  const blocked = step !== undefined && stepCounts(step).blockers > 0;
  // Why s does nothing here: later steps build on this one's actions (or it builds on a step still skipped).
  const refusal = plan.status !== 'ready' || step === undefined ? null : (isSkipped ? includeRefusal : skipRefusal)(plan.planned.plan, skipped, step.id);
  const lines = step === undefined ? [] : stepLines(step, width, isSkipped, blocked ? null : refusal);
  const scroll = useScrollState(lines.length, bodyRows);

  useKeys(
    (intent) => {
      if (intent === 'quit') onQuit();
      else if (intent === 'help') onHelp();
      else if (intent === 'back') {
        scroll.setOffset(0);
        onBack();
      } else if (intent === 'recheck') {
        if (plan.status !== 'running') onRecheck();
      } else if (intent === 'enter') {
        if (plan.status === 'ready') {
          scroll.setOffset(0);
          onNext();
        } else if (plan.status === 'failed') onRecheck();
      } else if (intent === 'skip') {
        if (plan.status === 'ready' && refusal === null) {
          scroll.setOffset(0);
          onSkip();
        }
      } else if (isScrollIntent(intent)) scroll.move(intent);
    },
    { isActive: active },
  );

  let title = 'Steps';
  let body: ReactNode;
  let keys: KeyHint[];
  switch (plan.status) {
    case 'idle':
    case 'running':
      keys = hints(['b', 'back'], ['q', 'quit']);
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
      keys = hints(['r', 'try again'], ['b', 'back'], ['q', 'quit']);
      body = (
        <LineView
          lines={[
            ...wrapped(`The facts could not be gathered: ${plan.message}`, width, { tone: 'bad' }, seg('✗ ', { tone: 'bad', bold: true }), '  '),
            blank,
            ...wrapped('Check the connection and the host, then press r to try again. The log has the details.', width, { tone: 'accent' }),
          ].slice(0, bodyRows)}
          width={width}
        />
      );
      break;
    case 'ready':
      title = step === undefined ? 'Steps' : `Step ${stepIndex + 1} of ${total} · ${step.title}`;
      keys = hints(
        ['↑↓', 'scroll'],
        ['enter', stepIndex + 1 < total ? 'next step' : 'review'],
        ...(refusal !== null ? [] : [['s', isSkipped ? 'include' : 'skip'] as [string, string]]),
        ['r', 're-check'],
        ['b', 'back'],
        ['q', 'quit'],
        ['?', 'help'],
      );
      body = <ScrollView lines={lines} offset={scroll.offset} height={bodyRows} width={width} />;
      break;
  }
  return (
    <Frame title={title} context={context} keys={keys}>
      {body}
    </Frame>
  );
};
