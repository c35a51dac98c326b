// Review: the whole plan as it will be applied, scrollable. Enter asks once more; only "y" there changes the host.
import { useState } from 'react';
import { useController, type Answers, type HostRun, type Plan, type SavedAnswers, type StackInfo } from '../controller.js';
import { Frame } from '../components/frame/frame.js';
import { useLayout } from '../components/frame/use-layout.js';
import { LineView } from '../components/line-view/line-view.js';
import { ScrollView } from '../components/scroll-view/scroll-view.js';
import { useScrollState } from '../components/scroll-view/use-scroll-state.js';
import { bind, scrollBinding, type Binding } from '../keys/bindings.js';
import { useTerminalSize } from '../terminal/use-terminal-size.js';
import type { ScreenProps } from '../common/screen-props.js';
import { blank, seg, wrapped, type Line } from '../lines/line.js';
import { effectivePlan, planLines } from '../lines/plan-lines.js';
import { savedLines, useSaveAnswers } from '../save-answers/save-answers-panel.js';
import { planActions, planBlockers } from '../../src/engine/plan-queries.js';

export interface ReviewScreenProps extends ScreenProps {
  readonly plan: Plan;
  readonly skipped: readonly string[];
  readonly hostLabel: string;
  readonly stack: StackInfo;
  readonly answers: Answers;
  readonly resumingRun: HostRun | null;
  readonly saved: SavedAnswers | null;
  readonly onConfirm: () => void;
  readonly onNothingToDo: () => void;
  readonly onSaved: (saved: SavedAnswers) => void;
  readonly onBack: () => void;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const reviewHeadline = (plan: Plan, skipped: readonly string[], hostLabel: string, width: number): Line[] => {
  const blockers = planBlockers(plan).length;
  const actions = planActions(effectivePlan(plan, skipped)).length;
  if (blockers > 0) return wrapped(`${plural(blockers, 'blocker')}: nothing can be applied until ${blockers === 1 ? 'it is' : 'they are'} fixed.`, width, { tone: 'bad', bold: true }, seg('✗ ', { tone: 'bad', bold: true }), '  ');
  if (actions === 0) return wrapped(`Nothing to do: ${hostLabel} already matches the stack.`, width, { bold: true }, seg('✓ ', { tone: 'ok', bold: true }), '  ');
  const skippedNote = skipped.length > 0 ? ` · ${plural(skipped.length, 'step')} skipped by you` : '';
  return wrapped(`${plural(actions, 'action')} to apply on ${hostLabel}${skippedNote}`, width, { bold: true });
};

type Mode = 'browse' | 'confirm' | 'save';

export const ReviewScreen = (props: ReviewScreenProps) => {
  const { active, context, plan, skipped, hostLabel, stack, answers, resumingRun, saved, onConfirm, onNothingToDo, onSaved, onBack, onHelp, onQuit } = props;
  const controller = useController();
  const [mode, setMode] = useState<Mode>('browse');
  const blockers = planBlockers(plan).length;
  const actions = planActions(effectivePlan(plan, skipped)).length;
  const browse = () => { setMode('browse'); };
  const { columns } = useTerminalSize();
  const save = useSaveAnswers({ stack, answers, width: columns, onSaved: (s) => { browse(); onSaved(s); }, onCancel: browse });

  // The keys of each mode. A blocked plan has no enter: there is nothing it could do.
  let bindings: Binding[];
  let prompt: Line | undefined;
  if (mode === 'save') bindings = save.bindings;
  else if (mode === 'confirm') {
    bindings = [bind('y', 'apply', 'yes', onConfirm), bind('n esc', 'not yet', ['no', 'back', 'quit'], browse)];
    prompt = [seg(`Apply ${plural(actions, 'action')} to ${hostLabel}? `, { bold: true, tone: 'warn' }), seg('y', { bold: true }), seg(' apply  '), seg('n', { bold: true }), seg(' not yet')];
  } else {
    bindings = [
      scrollBinding((i) => { scroll.move(i); }, 'scroll the whole plan (pgup pgdn, space, home end)'),
      ...(blockers > 0
        ? []
        : [
            actions === 0
              ? bind('enter', 'finish', 'enter', onNothingToDo, { help: 'finish: the host already matches the stack, nothing is applied' })
              : bind('enter', 'apply…', 'enter', () => { setMode('confirm'); }, { help: 'apply the plan: asks once more, and only y changes the host' }),
          ]),
      bind('w', 'save answers', 'save', () => { setMode('save'); }, { help: `save the answers to a file for "${controller.keelson} apply --answers FILE"` }),
      bind('b', blockers > 0 ? 'back to fix' : 'back', 'back', onBack, { help: blockers > 0 ? 'back to the steps: fix the blockers on the host, then r checks again' : 'back to the last step' }),
      bind('q', 'quit', 'quit', onQuit, { help: 'quit (your place is kept for next time)' }),
    ];
  }
  const frame = { title: 'Review', context, bindings, ...(prompt === undefined ? {} : { prompt }), ...(mode === 'browse' ? { onHelp } : {}), textEntry: mode === 'save' };
  const { width, bodyRows } = useLayout(frame);
  const head: Line[] = [
    ...reviewHeadline(plan, skipped, hostLabel, width),
    ...(resumingRun === null ? [] : wrapped(`Resuming run ${resumingRun.runId}: what it finished is already so and is not planned again.`, width, { tone: 'muted' })),
    ...(saved === null ? [] : savedLines(saved, width)),
    blank,
  ];
  const lines = planLines(plan, skipped, width);
  const height = Math.max(3, bodyRows - head.length);
  const scroll = useScrollState(lines.length, height);

  return (
    <Frame {...frame} active={active} {...(mode === 'save' ? { onRaw: save.onRaw } : {})}>
      {mode === 'save' ? (
        save.body
      ) : (
        <>
          <LineView lines={head} width={width} />
          <ScrollView lines={lines} offset={scroll.offset} height={height} width={width} />
        </>
      )}
    </Frame>
  );
};
