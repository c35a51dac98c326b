// The answers an upgrade runs with: every answer given at install is kept (the record has them), only questions the
// new version adds are asked (headless: from --answers, else their default), and questions it removed are dropped.
// An answer given in --answers wins over the kept one: that is how an operator changes it. Pure.
import { RESERVED_PREFIX, validateAnswer, type AnswerProblem } from '../../engine/answers.js';
import type { Answers } from '../../engine/step.js';
import type { Manifest } from '../../manifest/schema.js';

export interface UpgradeAnswers {
  readonly answers: Answers;
  /** Question ids answered from the record. */
  readonly kept: readonly string[];
  /** New questions, answered from --answers or their default. */
  readonly asked: readonly string[];
  /** Answers in the record whose question the new version no longer has. */
  readonly dropped: readonly string[];
}

export const upgradeAnswers = (
  manifest: Manifest,
  recorded: Readonly<Record<string, string>> | null,
  provided: Readonly<Record<string, string>>,
): { readonly ok: true; readonly value: UpgradeAnswers } | { readonly ok: false; readonly problems: readonly AnswerProblem[] } => {
  const previous = recorded ?? {};
  const known = new Set(manifest.questions.map((q) => q.id));
  const answers: Record<string, string> = {};
  const problems: AnswerProblem[] = [];
  const kept: string[] = [];
  const asked: string[] = [];
  for (const [id, value] of Object.entries(provided)) {
    if (id.startsWith(RESERVED_PREFIX)) answers[id] = value;
    else if (!known.has(id)) problems.push({ id, message: `is not a question of stack ${manifest.stack} ${manifest.version}` });
  }
  for (const q of manifest.questions) {
    const was = previous[q.id];
    const value = provided[q.id] ?? was ?? q.default;
    if (value === undefined) {
      problems.push({ id: q.id, message: `is a new question (${q.prompt}) without a default: add it to the answers file (--answers FILE)` });
      continue;
    }
    if (provided[q.id] === undefined && was !== undefined) kept.push(q.id);
    else if (was === undefined) asked.push(q.id);
    const why = validateAnswer(q, value);
    if (why === null) answers[q.id] = value;
    else problems.push({ id: q.id, message: provided[q.id] === undefined && was !== undefined ? `the answer kept from the install ${why} in ${manifest.version}: give a new one in --answers FILE` : why });
  }
  if (problems.length > 0) return { ok: false, problems };
  const dropped = Object.keys(previous).filter((id) => !known.has(id)).sort();
  return { ok: true, value: { answers, kept, asked, dropped } };
};

/**
 * The questions the wizard asks before an upgrade: those the record has no answer for (new in this version), and
 * those whose kept answer this version no longer accepts — exactly the ones upgradeAnswers would need from --answers.
 */
export const questionsToAsk = (manifest: Manifest, recorded: Readonly<Record<string, string>> | null): Manifest['questions'] =>
  manifest.questions.filter((q) => {
    const was = recorded?.[q.id];
    return was === undefined || validateAnswer(q, was) !== null;
  });
