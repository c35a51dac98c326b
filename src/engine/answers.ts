// The stack's questions answered: from a replayed answers file, else the question's default. Pure, so the
// wizard (as you type) and the headless CLI (all at once) validate the same way.
import { matchesPattern } from '../manifest/answer-pattern.js';
import type { Manifest } from '../manifest/schema.js';
import { hasInvisible } from './visible-text.js';
import type { Answers } from './step.js';

/** Answers under this prefix are keelson's own options, never a stack question (question ids cannot contain "."). */
export const RESERVED_PREFIX = 'keelson.';

export interface AnswerProblem {
  readonly id: string;
  readonly message: string;
}

/** Longer than any answer a question needs; a pasted file is a mistake. */
export const MAX_ANSWER_LENGTH = 1024;

export const validateAnswer = (question: Manifest['questions'][number], value: string): string | null => {
  if (/\p{Cc}/u.test(value)) return 'must be one line without control characters';
  if (hasInvisible(value)) return 'must not contain bidi controls or invisible characters';
  if (value.length > MAX_ANSWER_LENGTH) return `must be at most ${String(MAX_ANSWER_LENGTH)} characters long`;
  // RE2: linear in the answer's length, so no pattern can freeze the wizard or the plan.
  if (question.pattern !== undefined && !matchesPattern(question.pattern, value)) {
    return `must match ${question.pattern}`;
  }
  return null;
};

export const resolveAnswers = (
  manifest: Manifest,
  provided: Readonly<Record<string, string>>,
): { ok: true; answers: Answers } | { ok: false; problems: AnswerProblem[] } => {
  const answers: Record<string, string> = {};
  const problems: AnswerProblem[] = [];
  const known = new Set(manifest.questions.map((q) => q.id));
  for (const [id, value] of Object.entries(provided)) {
    // keelson's own requests (e.g. keelson.luks-device) ride with the answers so a saved plan keeps them.
    if (id.startsWith(RESERVED_PREFIX)) answers[id] = value;
    else if (!known.has(id)) problems.push({ id, message: `is not a question of stack ${manifest.stack}` });
  }
  for (const q of manifest.questions) {
    const value = provided[q.id] ?? q.default;
    if (value === undefined) {
      problems.push({ id: q.id, message: `has no answer (${q.prompt}): add it to the answers file` });
      continue;
    }
    const why = validateAnswer(q, value);
    if (why !== null) problems.push({ id: q.id, message: why });
    else answers[q.id] = value;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, answers };
};
