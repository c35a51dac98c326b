// The YAML parser recurses once per nested [ or {: a file of 100,000 "[" takes seconds and then overflows the stack.
// A manifest nests a few levels; this linear scan refuses a deep one before the parser sees it.

/** Deeper than any manifest needs (containers[0].health.cmd is four). */
export const MAX_FLOW_DEPTH = 32;

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === undefined;

/**
 * The offset of the first "[" or "{" that opens a collection nested deeper than `max`, or -1. Quotes and comments
 * are skipped; outside a flow collection only a bracket where a value starts opens one ("a[b" is plain text).
 */
export const tooDeepAt = (text: string, max = MAX_FLOW_DEPTH): number => {
  let depth = 0;
  let valueStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      valueStart = true;
      continue;
    }
    if (c === '#' && isSpace(text[i - 1])) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return -1;
      i = nl - 1;
      continue;
    }
    if ((c === '"' || c === "'") && (valueStart || depth > 0)) {
      i = closingQuote(text, i, c);
      if (i < 0) return -1;
      valueStart = false;
      continue;
    }
    if ((c === '[' || c === '{') && (valueStart || depth > 0)) {
      depth += 1;
      if (depth > max) return i;
      valueStart = true;
      continue;
    }
    if ((c === ']' || c === '}') && depth > 0) depth -= 1;
    if (c === ' ' || c === '\t') continue;
    // After ": ", "- ", "," or "?" a value may start; anything else is inside a scalar.
    valueStart = (c === ':' || c === '-' || c === ',' || c === '?') && (isSpace(text[i + 1]) || (depth > 0 && c === ','));
  }
  return -1;
};

const closingQuote = (text: string, from: number, quote: string): number => {
  for (let i = from + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i += 1;
    else if (text[i] === quote) {
      if (quote === "'" && text[i + 1] === "'") i += 1;
      else return i;
    }
  }
  return -1;
};
