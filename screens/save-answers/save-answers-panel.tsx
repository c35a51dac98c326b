// "w": the answers to a YAML file that `keelson plan|apply --answers FILE` replays; asked secrets apart, in a
// 0600 file beside it. The operator picks the path; the controller writes. A hook, not a component with keys of its
// own: the screen that opens it puts its bindings in its frame, so the footer and the help say what they do.
import { useReducer, useState, type ReactNode } from 'react';
import { Box, type Key } from 'ink';
import { useController, type Answers, type SavedAnswers, type StackInfo } from '../controller.js';
import { LineView } from '../components/line-view/line-view.js';
import { Spinner } from '../components/spinner/spinner.js';
import { TextInput } from '../components/text-input/text-input.js';
import { textInputInit, textInputReducer } from '../components/text-input/text-input-state.js';
import { textKey } from '../components/text-input/use-text-input.js';
import { errorText } from '../common/error-text.js';
import { bind, TEXT_FIELD_KEYS, type Binding } from '../keys/bindings.js';
import { blank, line, seg, wrapped, type Line } from '../lines/line.js';

export interface SaveAnswersOptions {
  readonly stack: StackInfo;
  readonly answers: Answers;
  readonly width: number;
  readonly onSaved: (saved: SavedAnswers) => void;
  readonly onCancel: () => void;
}

export interface SaveAnswersPanel {
  readonly bindings: Binding[];
  readonly onRaw: (input: string, key: Key) => boolean;
  readonly body: ReactNode;
}

export const savedLines = (saved: SavedAnswers, width: number): Line[] => [
  ...wrapped(`Answers saved to ${saved.answersPath}`, width, {}, seg('✓ ', { tone: 'ok', bold: true }), '  '),
  ...(saved.secretsPath === null ? [] : wrapped(`Secrets saved to ${saved.secretsPath} (mode 0600)`, width, {}, seg('✓ ', { tone: 'ok', bold: true }), '  ')),
  ...wrapped(`Replay: ${saved.replay}`, width, { tone: 'muted' }, seg('  '), '    '),
];

export const useSaveAnswers = ({ stack, answers, width, onSaved, onCancel }: SaveAnswersOptions): SaveAnswersPanel => {
  const controller = useController();
  const [path, edit] = useReducer(textInputReducer, controller.defaultAnswersPath(stack), textInputInit);
  const [state, setState] = useState<{ kind: 'edit' } | { kind: 'saving' } | { kind: 'error'; message: string }>({ kind: 'edit' });
  const secrets = stack.manifest.secrets.filter((s) => s.ask !== undefined).length;
  const save = () => {
    if (path.value.trim() === '' || state.kind === 'saving') return;
    setState({ kind: 'saving' });
    controller
      .saveAnswers(path.value.trim(), stack, answers)
      .then((saved) => {
        setState({ kind: 'edit' });
        onSaved(saved);
      })
      .catch((e: unknown) => {
        setState({ kind: 'error', message: errorText(e).message });
      });
  };
  const bindings =
    state.kind === 'saving'
      ? []
      : [TEXT_FIELD_KEYS, bind('enter', 'save', 'enter', save, { help: 'write the answers file (and the secrets file beside it)' }), bind('esc', 'cancel', 'back', () => { setState({ kind: 'edit' }); onCancel(); }, { help: 'back, without saving' })];
  const onRaw = (input: string, key: Key): boolean => {
    const e = state.kind === 'saving' ? null : textKey(input, key);
    if (e === null) return false;
    edit(e);
    return true;
  };
  const body = (
    <Box flexDirection="column" width={width}>
      <LineView lines={[line('› Save the answers to', { bold: true })]} width={width} />
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
        ]}
        width={width}
      />
      {state.kind === 'saving' ? <Spinner label="Saving…" /> : null}
    </Box>
  );
  return { bindings, onRaw, body };
};
