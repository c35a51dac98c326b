// The stack's questions (and the secrets it asks for, masked), each checked as you type; enter moves on and,
// on the last field with every answer valid, starts the plan.
import { useReducer } from 'react';
import { Box, type Key } from 'ink';
import type { Answers, StackInfo } from '../controller.js';
import { Frame } from '../components/frame/frame.js';
import { useLayout } from '../components/frame/use-layout.js';
import { LineView } from '../components/line-view/line-view.js';
import { TextInput } from '../components/text-input/text-input.js';
import { textKey } from '../components/text-input/use-text-input.js';
import type { ScreenProps } from '../common/screen-props.js';
import { bind, TEXT_FIELD_KEYS } from '../keys/bindings.js';
import { blank, lineWidth, seg, wrapped, type Line } from '../lines/line.js';
import { collect, fieldProblem, fieldsOf, initialValues, questionsReducer } from './questions-state.js';

export interface QuestionsScreenProps extends ScreenProps {
  readonly stack: StackInfo;
  readonly answers: Answers;
  readonly secrets: Readonly<Record<string, string>>;
  readonly onAnswered: (answers: Answers, secrets: Readonly<Record<string, string>>) => void;
  readonly onBack: () => void;
}

export const QuestionsScreen = ({ active, context, stack, answers, secrets, onAnswered, onBack, onQuit }: QuestionsScreenProps) => {
  const fields = fieldsOf(stack.manifest);
  const [state, dispatch] = useReducer(questionsReducer(fields.length), undefined, () => ({ values: initialValues(fields, answers, secrets), focused: 0 }));
  const problems = fields.map((f, i) => fieldProblem(f, state.values[i]?.value ?? ''));

  const last = state.focused === fields.length - 1;
  const bad = problems.filter((p) => p !== null).length;
  const next = () => {
    if (problems[state.focused] !== null) return;
    const firstBad = problems.findIndex((p) => p !== null);
    if (!last) dispatch({ type: 'focus', index: state.focused + 1 });
    else if (firstBad >= 0) dispatch({ type: 'focus', index: firstBad });
    else {
      const { answers: a, secrets: s } = collect(fields, state.values);
      onAnswered(a, s);
    }
  };
  const frame = {
    title: `Questions · ${state.focused + 1} of ${fields.length}`,
    context,
    textEntry: true,
    bindings: [
      TEXT_FIELD_KEYS,
      bind('tab ↑↓', 'field', ['up', 'down'], (i) => { dispatch({ type: 'focus', index: state.focused + (i === 'up' ? -1 : 1) }); }, { help: 'move between the questions' }),
      bind('enter', last ? (bad === 0 ? 'plan' : 'next problem') : 'next', 'enter', next, { help: 'the next question; on the last one, with every answer valid, gather the facts and plan' }),
      bind('esc', 'back', 'back', onBack),
      bind('ctrl+c', 'quit', 'quit', onQuit),
    ],
  };
  const { width, bodyRows } = useLayout(frame);
  const onRaw = (input: string, key: Key): boolean => {
    const edit = textKey(input, key);
    if (edit === null) return false;
    dispatch({ type: 'edit', edit });
    return true;
  };

  const questions = fields.filter((f) => !f.secret).length;
  const asked = fields.length - questions;
  const intro = `${stack.manifest.stack} ${stack.manifest.version} asks ${questions} question${questions === 1 ? '' : 's'}${asked > 0 ? ` and ${asked} secret${asked === 1 ? '' : 's'} (kept in memory; never written unless you save them)` : ''}.`;
  const head = [...wrapped(intro, width, { bold: true }), blank];
  // Each field: its prompt (the id beside it, or under it when both do not fit), its value, what is wrong with it.
  const rowsOf = fields.map((f, i) => {
    const on = i === state.focused;
    const problem = problems[i] ?? null;
    const id = `${f.secret ? 'secret ' : ''}${f.id}`;
    const pointer = seg(on ? '› ' : '  ', { tone: 'accent', bold: true });
    const oneRow: Line = [pointer, seg(f.prompt, { bold: on }), seg(`  ${id}`, { tone: 'muted' })];
    const label = lineWidth(oneRow) <= width ? [oneRow] : [...wrapped(f.prompt, width, { bold: on }, pointer, ''), ...wrapped(id, width, { tone: 'muted' }, seg('  '), '')];
    const check =
      problem === null
        ? f.question?.pattern === undefined
          ? [blank]
          : wrapped(`matches ${f.question.pattern}`, width, { tone: 'ok' }, seg('    ✓ ', { tone: 'ok' }), '')
        : wrapped(problem, width, { tone: 'bad' }, seg('    ✗ ', { tone: 'bad' }), '');
    return { label, check, height: label.length + 1 + check.length };
  });
  // The focused field is always in sight; as many of the others as fit around it.
  const room = bodyRows - head.length;
  let first = 0;
  const used = (from: number, to: number) => rowsOf.slice(from, to + 1).reduce((n, r) => n + r.height, 0);
  while (first < state.focused && used(first, state.focused) > room) first++;
  let end = state.focused;
  while (end + 1 < fields.length && used(first, end + 1) <= room) end++;

  return (
    <Frame {...frame} active={active} onRaw={onRaw}>
      <LineView lines={head} width={width} />
      {fields.slice(first, end + 1).map((f, j) => {
        const i = first + j;
        const value = state.values[i];
        const rows = rowsOf[i];
        return (
          <Box key={f.id} flexDirection="column" width={width}>
            <LineView lines={rows?.label ?? []} width={width} />
            <Box paddingLeft={4} width={width} height={1}>
              {value === undefined ? null : <TextInput state={value} focused={i === state.focused} mask={f.secret} width={width - 4} />}
            </Box>
            <LineView lines={rows?.check ?? []} width={width} />
          </Box>
        );
      })}
    </Frame>
  );
};
