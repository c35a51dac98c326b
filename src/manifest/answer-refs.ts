// `{{ answers.ID }}` in a manifest: replaced by the operator's answer, in containers[].env values only. Anything that
// looks like a reference elsewhere, or a reference that is not of that exact form, would reach a unit file as it
// is written: refused at load, with the field.

/** The one form of a reference; ID is a question's id. */
export const ANSWER_REF = /\{\{\s*answers\.([a-z][a-z0-9-]{0,30})\s*\}\}/g;
const LOOKS_LIKE_REF = /\{\{\s*answers\b/i;

export interface RefIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

type Json = unknown;

/** Every string in `value` with its path (keys of mappings are not values). */
function* strings(value: Json, path: (string | number)[]): Generator<{ path: (string | number)[]; text: string }> {
  if (typeof value === 'string') yield { path, text: value };
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, [...path, i]);
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) yield* strings(v, [...path, k]);
}

const isEnvValue = (path: readonly (string | number)[]) => path.length === 4 && path[0] === 'containers' && path[2] === 'env';

export const answerRefIssues = (manifest: Json, questionIds: ReadonlySet<string>): RefIssue[] => {
  const issues: RefIssue[] = [];
  for (const { path, text } of strings(manifest, [])) {
    if (!text.includes('{{')) continue;
    if (!isEnvValue(path)) {
      if (LOOKS_LIKE_REF.test(text)) issues.push({ path, message: 'answers are substituted only in containers[].env values: here "{{ answers.… }}" would reach the host as it is written' });
      continue;
    }
    for (const m of text.matchAll(ANSWER_REF)) {
      const id = m[1] ?? '';
      if (!questionIds.has(id)) issues.push({ path, message: `refers to the answer "${id}", but no question has that id: add it under questions, or fix the name` });
    }
    if (LOOKS_LIKE_REF.test(text.replace(ANSWER_REF, ''))) {
      issues.push({ path, message: 'has a malformed answer reference: write {{ answers.ID }} with the id of a question (lower-case letters, digits and "-")' });
    }
  }
  return issues;
};
