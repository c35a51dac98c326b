// Test-only models of the three programs a [Container] value passes through, to prove keelson's quoting:
// 1. Quadlet's splitter (podman pkg/systemd/parser/split.go, a port of systemd's extract_first_word with
//    SPLIT_RELAX|SPLIT_UNQUOTE|SPLIT_CUNESCAPE), which drops an empty word and everything after it;
// 2. Quadlet's escapeWords, which re-quotes each word into ExecStart= (it escapes blanks, quotes, backslashes and
//    controls, never % or $);
// 3. systemd reading ExecStart=: specifiers (%%) first, the same word splitting, then $-expansion per word.
// Small and strict: anything these models do not understand throws, so a test cannot pass by accident.

const WHITESPACE = ' \t\n\r';

const SIMPLE: Record<string, string> = { a: '\u0007', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'", s: ' ' };

/** One C escape after a backslash at s[i]; returns the decoded text and how many characters it used. */
const cUnescape = (s: string, i: number): [string, number] => {
  const c = s[i];
  if (c === undefined) throw new Error('unbalanced escape');
  const simple = SIMPLE[c];
  if (simple !== undefined) return [simple, 1];
  if (c === 'x') {
    const hex = s.slice(i + 1, i + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Error(`bad \\x escape "${hex}"`);
    return [String.fromCharCode(parseInt(hex, 16)), 3];
  }
  if (/[0-7]/.test(c)) {
    const oct = s.slice(i, i + 3);
    if (!/^[0-7]{3}$/.test(oct)) throw new Error(`bad octal escape "${oct}"`);
    return [String.fromCharCode(parseInt(oct, 8)), 3];
  }
  throw new Error(`unsupported escape "\\${c}"`);
};

/** systemd's word splitting with unquoting and C unescaping (Quadlet's Go port: empty words end the list). */
export const splitWords = (line: string): string[] => {
  const words: string[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && WHITESPACE.includes(line[i] ?? '')) i++;
    if (i >= line.length) return words;
    let word = '';
    let quote: '"' | "'" | null = null;
    for (; i < line.length; i++) {
      const c = line[i] ?? '';
      if (c === '\\') {
        const [text, used] = cUnescape(line, i + 1);
        word += text;
        i += used;
      } else if (quote !== null) {
        if (c === quote) quote = null;
        else word += c;
      } else if (c === '"' || c === "'") {
        quote = c;
      } else if (WHITESPACE.includes(c)) {
        break;
      } else {
        word += c;
      }
    }
    if (quote !== null) throw new Error('unbalanced quotes');
    if (word === '') return words; // split.go: "if s.Len() == 0 { return "", "", false, nil }"
    words.push(word);
  }
};

// Code point by code point, as Go ranges over a string.
const needsEscape = (word: string): boolean => Array.from(word).some((c) => (c.codePointAt(0) ?? 0) <= 128 && /[\s\p{Cc}"'\\]/u.test(c));

/** Quadlet's escapeWords: each word that needs it in double quotes, with C escapes. */
export const quadletEscapeWords = (words: readonly string[]): string =>
  words
    .map((w) => {
      if (!needsEscape(w)) return w;
      let out = '';
      for (const c of w) {
        const code = c.codePointAt(0) ?? 0;
        if (code > 128 || !/[\s\p{Cc}"'\\]/u.test(c)) out += c;
        else if (c === '\\') out += '\\\\';
        else if (c === '"') out += '\\"';
        else if (c === "'") out += "'";
        else if (c === ' ') out += '\\x20';
        else if (c === '\t') out += '\\t';
        else out += `\\x${code.toString(16).padStart(2, '0')}`;
      }
      return `"${out}"`;
    })
    .join(' ');

/** systemd's specifier pass: "%%" is a literal "%", anything else would be expanded, which keelson never wants. */
export const expandSpecifiers = (line: string): string =>
  line.replace(/%(.?)/g, (_all, c: string) => {
    if (c === '%') return '%';
    throw new Error(`systemd would expand the specifier "%${c}"`);
  });

/** systemd's $-expansion of one ExecStart word: "$$" is a literal "$", any other "$" would be expanded. */
export const expandDollars = (word: string): string =>
  word.replace(/\$(.?)/g, (_all, c: string) => {
    if (c === '$') return '$';
    throw new Error(`systemd would expand the variable at "$${c}"`);
  });

/** What the container finally receives for an Exec= value: Quadlet, then systemd. */
export const throughQuadletAndSystemd = (execValue: string): string[] => {
  const execStart = quadletEscapeWords(splitWords(execValue));
  return splitWords(expandSpecifiers(execStart)).map(expandDollars);
};
