// The stack's questions, then the secrets it asks for, as fields with their problems known as you type.
import { validateAnswer } from '../../src/engine/answers.js';
import type { Manifest } from '../../src/manifest/schema.js';
import { textInputInit, textInputReducer, type TextEdit, type TextInputState } from '../components/text-input/text-input-state.js';

export interface Field {
  readonly id: string;
  readonly prompt: string;
  readonly secret: boolean;
  readonly question?: Manifest['questions'][number];
}

export interface QuestionsState {
  readonly values: readonly TextInputState[];
  readonly focused: number;
}

export type QuestionsEvent =
  | { readonly type: 'edit'; readonly edit: TextEdit }
  | { readonly type: 'focus'; readonly index: number };

export const fieldsOf = (manifest: Manifest): Field[] => [
  ...manifest.questions.map((q) => ({ id: q.id, prompt: q.prompt, secret: false, question: q })),
  ...manifest.secrets.flatMap((s) => (s.ask === undefined ? [] : [{ id: s.name, prompt: s.ask, secret: true }])),
];

export const initialValues = (fields: readonly Field[], answers: Readonly<Record<string, string>>, secrets: Readonly<Record<string, string>>): TextInputState[] =>
  fields.map((f) => textInputInit((f.secret ? secrets[f.id] : (answers[f.id] ?? f.question?.default)) ?? ''));

export const fieldProblem = (field: Field, value: string): string | null => {
  if (value === '') return field.question?.default === undefined ? 'needs an answer' : `needs an answer (the default was ${field.question.default})`;
  if (field.question !== undefined) return validateAnswer(field.question, value);
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  return /[\u0000-\u001f\u007f]/.test(value) ? 'must be one line without control characters' : null;
};

export const questionsReducer = (count: number) => (s: QuestionsState, e: QuestionsEvent): QuestionsState => {
  switch (e.type) {
    case 'edit':
      return { ...s, values: s.values.map((v, i) => (i === s.focused ? textInputReducer(v, e.edit) : v)) };
    case 'focus':
      return { ...s, focused: ((e.index % count) + count) % count };
  }
};

export const collect = (fields: readonly Field[], values: readonly TextInputState[]) => {
  const answers: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  fields.forEach((f, i) => {
    const v = values[i]?.value ?? '';
    if (f.secret) secrets[f.id] = v;
    else answers[f.id] = v;
  });
  return { answers, secrets };
};
