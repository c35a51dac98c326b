// Summary: what runs, where, how to reach it, where the log is. The last screen; enter or q ends the wizard.
import { useState } from 'react';
import { useController, type Answers, type SavedAnswers } from '../controller.js';
import { Frame } from '../components/frame/frame.js';
import { useLayout } from '../components/frame/use-layout.js';
import { ScrollView } from '../components/scroll-view/scroll-view.js';
import { useScrollState } from '../components/scroll-view/use-scroll-state.js';
import type { ScreenProps } from '../common/screen-props.js';
import { bind, scrollBinding } from '../keys/bindings.js';
import { useTerminalSize } from '../terminal/use-terminal-size.js';
import { useSaveAnswers } from '../save-answers/save-answers-panel.js';
import { summaryLines, type SummaryInput } from './summary-lines.js';

export interface SummaryScreenProps extends ScreenProps, Omit<SummaryInput, 'keelson'> {
  readonly answers: Answers;
  readonly onSaved: (saved: SavedAnswers) => void;
  readonly onReplan: () => void;
}

export const SummaryScreen = (props: SummaryScreenProps) => {
  const { active, context, answers, onSaved, onReplan, onHelp, onQuit } = props;
  const controller = useController();
  const [saving, setSaving] = useState(false);
  const { columns } = useTerminalSize();
  const save = useSaveAnswers({ stack: props.stack, answers, width: columns, onSaved: (s) => { setSaving(false); onSaved(s); }, onCancel: () => { setSaving(false); } });
  const failed = props.outcome !== null && !props.outcome.ok;
  const frame = {
    title: failed ? 'Summary · apply did not finish' : 'Summary',
    context,
    textEntry: saving,
    ...(saving ? {} : { onHelp }),
    // Handlers run on a key press, after this render has made the scroll state they use.
    bindings: saving
      ? save.bindings
      : [
          scrollBinding((i) => { scroll.move(i); }),
          bind('w', 'save answers', 'save', () => { setSaving(true); }, { help: `save the answers to a file for "${controller.keelson} apply --answers FILE"` }),
          bind('r', 'plan again', 'recheck', onReplan, { help: 'gather the facts and plan again (after a failure: apply what is left)' }),
          bind('enter q', 'quit', ['enter', 'quit'], onQuit, { help: 'end the wizard' }),
        ],
  };
  const { width, bodyRows } = useLayout(frame);
  const lines = summaryLines({ ...props, keelson: controller.keelson }, width);
  const scroll = useScrollState(lines.length, bodyRows);

  return (
    <Frame {...frame} active={active} {...(saving ? { onRaw: save.onRaw } : {})}>
      {saving ? save.body : <ScrollView lines={lines} offset={scroll.offset} height={bodyRows} width={width} />}
    </Frame>
  );
};
