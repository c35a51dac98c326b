// Summary: what runs, where, how to reach it, where the log is. The last screen; enter or q ends the wizard.
import { useState } from 'react';
import { useController, type Answers, type SavedAnswers } from '../controller.js';
import { Frame } from '../components/frame/frame.js';
import { useLayout } from '../components/frame/use-layout.js';
import { ScrollView } from '../components/scroll-view/scroll-view.js';
import { useScrollState } from '../components/scroll-view/use-scroll-state.js';
import { hints } from '../common/keys-help.js';
import type { ScreenProps } from '../common/screen-props.js';
import { isScrollIntent, useKeys } from '../keys/use-keys.js';
import { SaveAnswersPanel } from '../save-answers/save-answers-panel.js';
import { summaryLines, type SummaryInput } from './summary-lines.js';

export interface SummaryScreenProps extends ScreenProps, Omit<SummaryInput, 'keelson'> {
  readonly answers: Answers;
  readonly onSaved: (saved: SavedAnswers) => void;
  readonly onReplan: () => void;
}

export const SummaryScreen = (props: SummaryScreenProps) => {
  const { active, context, answers, onSaved, onReplan, onHelp, onQuit } = props;
  const { width, bodyRows } = useLayout();
  const [saving, setSaving] = useState(false);
  const controller = useController();
  const lines = summaryLines({ ...props, keelson: controller.keelson }, width);
  const scroll = useScrollState(lines.length, bodyRows);
  const failed = props.outcome !== null && !props.outcome.ok;

  useKeys(
    (intent) => {
      if (intent === 'enter' || intent === 'quit') onQuit();
      else if (intent === 'help') onHelp();
      else if (intent === 'save') setSaving(true);
      else if (intent === 'recheck') onReplan();
      else if (isScrollIntent(intent)) scroll.move(intent);
    },
    { isActive: active && !saving },
  );

  return (
    <Frame
      title={failed ? 'Summary · apply did not finish' : 'Summary'}
      context={context}
      keys={saving ? hints(['enter', 'save'], ['esc', 'cancel']) : hints(['↑↓', 'scroll'], ['w', 'save answers'], ['r', 'plan again'], ['enter q', 'quit'], ['?', 'help'])}
    >
      {saving ? (
        <SaveAnswersPanel
          active={active}
          stack={props.stack}
          answers={answers}
          width={width}
          onSaved={(s) => {
            setSaving(false);
            onSaved(s);
          }}
          onCancel={() => {
            setSaving(false);
          }}
        />
      ) : (
        <ScrollView lines={lines} offset={scroll.offset} height={bodyRows} width={width} />
      )}
    </Frame>
  );
};
