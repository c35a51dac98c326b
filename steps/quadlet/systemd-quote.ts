// Quoting values for Quadlet files. A [Container] value travels twice: Quadlet splits it (systemd word rules:
// quotes and C escapes undone, see podman pkg/systemd/parser LookupLastArgs), then re-quotes each word into the
// generated ExecStart= — but it leaves `%` and `$` alone, and systemd expands `%` specifiers and `$VAR` there.
// So a literal `%` must be written `%%` and a literal `$` `$$`, and a word with blanks, quotes or backslashes is
// wrapped in double quotes with `\\` and `\"` escaped (systemd.syntax(7)).

export class QuoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuoteError';
  }
}

// C0 and C1 controls, DEL: a newline would end the line (and is refused by the manifest schema anyway); the others
// come out of Quadlet's re-quoting as \xNN escapes, which for U+0080–U+009F would be invalid UTF-8.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const NEEDS_QUOTES = /[\s"'\\]/;

/** Refuses what no quoting can carry through a unit file. */
export const assertOneLine = (value: string, what: string): void => {
  if (CONTROL.test(value)) {
    throw new QuoteError(`${what} contains a newline or control character, which a unit file cannot carry: ${JSON.stringify(value)}`);
  }
};

/** `%` → `%%`: for any value systemd expands specifiers in (Description=, Exec lines…). */
export const escapeSpecifiers = (value: string): string => value.replaceAll('%', '%%');

/** `%` → `%%` and `$` → `$$`: for anything that ends up on the generated ExecStart= line. */
export const escapeExpansions = (value: string): string => escapeSpecifiers(value).replaceAll('$', () => '$$');

/** One word of an Exec=-like value (Exec=, Environment=, PodmanArgs=), so that it arrives in the container unchanged. */
export const quoteWord = (word: string, what = 'an argument'): string => {
  assertOneLine(word, what);
  // Quadlet's splitter (a port of systemd's extract_first_word) drops an empty word and everything after it.
  if (word === '') throw new QuoteError(`${what} is empty; Quadlet cannot pass an empty argument: leave it out or wrap the command in sh -c`);
  // Quadlet never quotes a lone ";" into ExecStart=, where systemd takes it as a command separator.
  if (word === ';') throw new QuoteError(`${what} is a lone ";", which systemd reads as a command separator: wrap the command in sh -c`);
  const escaped = escapeExpansions(word);
  if (!NEEDS_QUOTES.test(escaped)) return escaped;
  return `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
};

/** A whole argv for Exec=: each word quoted on its own, joined by single spaces. */
export const quoteWords = (words: readonly string[], what = 'Exec'): string =>
  words.map((w, i) => quoteWord(w, `${what} argument ${i + 1}`)).join(' ');

/**
 * HealthCmd= is not split by Quadlet: it passes the raw value to `--health-cmd`, which reads a JSON array as
 * the exec form (no shell). JSON needs no systemd quoting here, only the `%`/`$` escapes for ExecStart=.
 */
export const healthCmdValue = (argv: readonly string[]): string => {
  argv.forEach((a, i) => {
    assertOneLine(a, `health command argument ${i + 1}`);
  });
  return escapeExpansions(JSON.stringify(argv));
};
