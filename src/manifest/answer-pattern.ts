// A question's `pattern`, matched in time linear in the answer's length. JavaScript's own engine backtracks:
// `(a+)+` against 34 "a"s and a "!" never returns, and the wizard checks every key press. RE2 (re2js, a pure
// JavaScript port, no native build) has no backreferences or lookaround, and never backtracks.
import { RE2JS } from 're2js';

/** A pattern is a line of a manifest, not a program: long ones are refused before RE2 compiles them. */
export const MAX_PATTERN_LENGTH = 256;

export type CompiledPattern =
  | { readonly ok: true; readonly matches: (answer: string) => boolean }
  | { readonly ok: false; readonly why: string };

// The wizard asks at every key press: compile each pattern once.
const cache = new Map<string, CompiledPattern>();

const compile = (pattern: string): CompiledPattern => {
  if (pattern.length > MAX_PATTERN_LENGTH) return { ok: false, why: `is longer than ${String(MAX_PATTERN_LENGTH)} characters` };
  try {
    const re = RE2JS.compile(pattern);
    // The whole answer must match: matches() is anchored at both ends, so "a)|(b" cannot escape a wrapper.
    return { ok: true, matches: (answer) => re.matches(answer) };
  } catch (e) {
    const detail = e instanceof Error ? e.message.replace(/^error parsing regexp: /, '') : String(e);
    return { ok: false, why: `is not a regular expression keelson accepts (RE2 syntax: no backreferences or lookaround): ${detail}` };
  }
};

export const compilePattern = (pattern: string): CompiledPattern => {
  const known = cache.get(pattern);
  if (known !== undefined) return known;
  const compiled = compile(pattern);
  if (cache.size > 1000) cache.clear();
  cache.set(pattern, compiled);
  return compiled;
};

/** Whether `answer` matches `pattern` in full; a pattern that does not compile matches nothing. */
export const matchesPattern = (pattern: string, answer: string): boolean => {
  const c = compilePattern(pattern);
  return c.ok && c.matches(answer);
};
