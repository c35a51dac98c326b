// "w": the answers to a YAML file that `keelson plan|apply --answers FILE` replays; asked secrets apart, in a
// 0600 file beside it. The operator picks the path; the controller writes.
import { useReducer, useState } from 'react';
import { Box, Text } from 'ink';
import { useController, type Answers, type SavedAnswers, type StackInfo } from '../controller.js';
import { LineView } from '../components/line-view/line-view.js';
import { Spinner } from '../components/spinner/spinner.js';
import { TextInput } from '../components/text-input/text-input.js';
import { textInputInit, textInputReducer } from '../components/text-input/text-input-state.js';
import { textKey } from '../components/text-input/use-text-input.js';
import { errorText } from '../common/error-text.js';
import { useKeys } from '../keys/use-keys.js';
import { blank, line, seg, wrapped, type Line } from '../lines/line.js';

export interface SaveAnswersPanelProps {
  readonly active: boolean;
  readonly stack: StackInfo;
  readonly answers: Answers;
  readonly width: number;
  readonly onSaved: (saved: SavedAnswers) => void;
  readonly onCancel: () => void;
}

export const savedLines = (saved: SavedAnswers, width: number): Line[] => [
  [seg('✓ ', { tone: 'ok', bold: true }), seg(`Answers saved to ${saved.answersPath}`)],
  ...(saved.secretsPath === null ? [] : [[seg('✓ ', { tone: 'ok', bold: true }), seg(`Secrets saved to ${saved.secretsPath} (mode 0600)`)] as Line]),
  ...wrapped(`Replay: ${saved.replay}`, width, { tone: 'muted' }, seg('  '), '    '),
];

export const SaveAnswersPanel = ({ active, stack, answers, width, onSaved, onCancel }: SaveAnswersPanelProps) => {
  const controller = useController();
  const [path, edit] = useReducer(textInputReducer, controller.defaultAnswersPath(stack), textInputInit);
  const [state, setState] = useState<{ kind: 'edit' } | { kind: 'saving' } | { kind: 'error'; message: string }>({ kind: 'edit' });
  const secrets = stack.manifest.secrets.filter((s) => s.ask !== undefined).length;

  useKeys(
    (intent) => {
      if (intent === 'back') onCancel();
      else if (intent === 'enter' && path.value.trim() !== '' && state.kind !== 'saving') {
        setState({ kind: 'saving' });
        controller
          .saveAnswers(path.value.trim(), stack, answers)
          .then(onSaved)
          .catch((e: unknown) => {
            setState({ kind: 'error', message: errorText(e).message });
          });
      }
    },
    { isActive: active, textEntry: true },
    (input, key) => {
      const e = textKey(input, key);
      if (e === null) return false;
      edit(e);
      return true;
    },
  );

  return (
    <Box flexDirection="column" width={width}>
      <Text bold>› Save the answers to</Text>
      <Box paddingLeft={4} width={width}>
        <TextInput state={path} focused={state.kind !== 'saving'} width={width - 4} />
      </Box>
      <LineView
        lines={[
          blank,
          ...wrapped(
            secrets > 0
              ? `The ${secrets} asked secret${secrets === 1 ? ' goes' : 's go'} to a separate file beside it, readable only by you (0600); keep it as safe as the secrets.`
              : 'The stack asks no secrets: one file is written.',
            width,
            { tone: 'muted' },
          ),
          ...(state.kind === 'error' ? [blank, ...wrapped(state.message, width, { tone: 'bad' }, seg('✗ ', { tone: 'bad' }), '  ')] : []),
          ...(state.kind === 'edit' ? [blank, line('enter save · esc cancel', { tone: 'muted' })] : []),
        ]}
        width={width}
      />
      {state.kind === 'saving' ? <Spinner label="Saving…" /> : null}
    </Box>
  );
};
