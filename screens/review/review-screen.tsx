// Review: the whole plan as it will be applied, scrollable. Enter asks once more; only "y" there changes the host.
import { useState, type ReactNode } from 'react';
import type { Answers, HostRun, Plan, SavedAnswers, StackInfo } from '../controller.js';
import { Frame, type KeyHint } from '../components/frame/frame.js';
import { useLayout } from '../components/frame/use-layout.js';
import { LineView } from '../components/line-view/line-view.js';
import { ScrollView } from '../components/scroll-view/scroll-view.js';
import { useScrollState } from '../components/scroll-view/use-scroll-state.js';
import { hints } from '../common/keys-help.js';
import type { ScreenProps } from '../common/screen-props.js';
import { isScrollIntent, useKeys } from '../keys/use-keys.js';
import { blank, line, seg, type Line } from '../lines/line.js';
import { effectivePlan, planLines } from '../lines/plan-lines.js';
import { SaveAnswersPanel, savedLines } from '../save-answers/save-answers-panel.js';
import { planActions, planBlockers } from '../../src/engine/plan.js';

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

export const reviewHeadline = (plan: Plan, skipped: readonly string[], hostLabel: string): Line => {
  const blockers = planBlockers(plan).length;
  const actions = planActions(effectivePlan(plan, skipped)).length;
  if (blockers > 0) return [seg('✗ ', { tone: 'bad', bold: true }), seg(`${plural(blockers, 'blocker')}: nothing can be applied until ${blockers === 1 ? 'it is' : 'they are'} fixed.`, { tone: 'bad', bold: true })];
  if (actions === 0) return [seg('✓ ', { tone: 'ok', bold: true }), seg(`Nothing to do: ${hostLabel} already matches the stack.`, { bold: true })];
  const skippedNote = skipped.length > 0 ? ` · ${plural(skipped.length, 'step')} skipped by you` : '';
  return [seg(`${plural(actions, 'action')} to apply on ${hostLabel}${skippedNote}`, { bold: true })];
};

type Mode = 'browse' | 'confirm' | 'save';

export const ReviewScreen = (props: ReviewScreenProps) => {
  const { active, context, plan, skipped, hostLabel, stack, answers, resumingRun, saved, onConfirm, onNothingToDo, onSaved, onBack, onHelp, onQuit } = props;
  const { width, bodyRows } = useLayout();
  const [mode, setMode] = useState<Mode>('browse');
  const head: Line[] = [
    reviewHeadline(plan, skipped, hostLabel),
    ...(resumingRun === null ? [] : [line(`Resuming run ${resumingRun.runId}: what it finished is already so and is not planned again.`, { tone: 'muted' })]),
    ...(saved === null ? [] : savedLines(saved, width)),
    blank,
  ];
  const lines = planLines(plan, skipped, width);
  const height = Math.max(3, bodyRows - head.length);
  const scroll = useScrollState(lines.length, height);
  const blockers = planBlockers(plan).length;
  const actions = planActions(effectivePlan(plan, skipped)).length;

  useKeys(
    (intent) => {
      if (mode === 'confirm') {
        if (intent === 'yes') onConfirm();
        else if (intent === 'no' || intent === 'back' || intent === 'quit') setMode('browse');
        return;
      }
      if (intent === 'enter') {
        if (blockers > 0) return;
        if (actions === 0) onNothingToDo();
        else setMode('confirm');
      } else if (intent === 'save') setMode('save');
      else if (intent === 'back') onBack();
      else if (intent === 'quit') onQuit();
      else if (intent === 'help') onHelp();
      else if (isScrollIntent(intent)) scroll.move(intent);
    },
    { isActive: active && mode !== 'save' },
  );

  let keys: KeyHint[];
  let prompt: Line | undefined;
  let body: ReactNode;
  if (mode === 'save') {
    keys = hints(['enter', 'save'], ['esc', 'cancel']);
    body = (
      <SaveAnswersPanel
        active={active}
        stack={stack}
        answers={answers}
        width={width}
        onSaved={(s) => {
          setMode('browse');
          onSaved(s);
        }}
        onCancel={() => {
          setMode('browse');
        }}
      />
    );
  } else {
    keys =
      blockers > 0
        ? hints(['↑↓', 'scroll'], ['w', 'save answers'], ['b', 'back to fix'], ['q', 'quit'], ['?', 'help'])
        : hints(['↑↓', 'scroll'], ['enter', actions === 0 ? 'finish' : 'apply…'], ['w', 'save answers'], ['b', 'back'], ['q', 'quit'], ['?', 'help']);
    if (mode === 'confirm') {
      prompt = [seg(`Apply ${plural(actions, 'action')} to ${hostLabel}? `, { bold: true, tone: 'warn' }), seg('y', { bold: true }), seg(' apply  '), seg('n', { bold: true }), seg(' not yet')];
    }
    body = (
      <>
        <LineView lines={head} width={width} />
        <ScrollView lines={lines} offset={scroll.offset} height={height} width={width} />
      </>
    );
  }
  return (
    <Frame title="Review" context={context} keys={keys} {...(prompt === undefined ? {} : { prompt })}>
      {body}
    </Frame>
  );
};
