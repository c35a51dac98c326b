// Screens draw text as lines of styled segments, laid out to the terminal width by us, never wrapped or cut by the
// terminal or by Ink: a line wider than the frame would push it off the screen, and a cut one hides what the
// operator approves. Widths are display columns (a CJK character takes two), not string lengths.
import stringWidth from 'string-width';
import { visibleText } from '../../src/engine/visible-text.js';
import type { Tone } from '../theme/theme.js';

export interface Segment {
  readonly text: string;
  readonly tone?: Tone;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly inverse?: boolean;
}

export type Line = readonly Segment[];

/** Every segment's text has its control and invisible characters made visible: a line comes from manifests and hosts. */
export const seg = (text: string, style: Omit<Segment, 'text'> = {}): Segment => ({ text: visibleText(text), ...style });
export const line = (text: string, style: Omit<Segment, 'text'> = {}): Line => [seg(text, style)];
export const blank: Line = [seg('')];

export const lineText = (l: Line): string => l.map((s) => s.text).join('');

/** Columns the text takes on a terminal. */
export const textWidth = (s: string): number => stringWidth(s);
export const lineWidth = (l: Line): number => textWidth(lineText(l));

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The longest start of `s` that fits in `cols` columns (at least one character, so every cut makes progress). */
export const cutAt = (s: string, cols: number): [string, string] => {
  let used = 0;
  let end = 0;
  for (const { segment, index } of graphemes.segment(s)) {
    const w = textWidth(segment);
    if (used + w > cols && end > 0) break;
    used += w;
    end = index + segment.length;
  }
  return [s.slice(0, end), s.slice(end)];
};

// Where a word too long for a line may break: after a path's "/" first (a file name stays whole), else after one of
// - _ . , : = @ (between a name's parts).
const BREAK_AFTER = [/\//, /[-_.,:=@]/];

/** Where `word` may break within `cols` columns, after the last break character that fits (null: nowhere). */
const breakPoint = (word: string, cols: number): number | null => {
  const [fits] = cutAt(word, cols);
  for (const chars of BREAK_AFTER) {
    for (let i = Math.min(fits.length, word.length - 1) - 1; i > 0; i--) {
      if (chars.test(fits[i] ?? '')) return i + 1;
    }
  }
  return null;
};

/** Splits a word longer than `cols`: at a break point, else (a hash, nothing to break at) where the line ends. */
const breakWord = (word: string, cols: number): [string, string] => {
  const at = breakPoint(word, cols) ?? cutAt(word, cols)[0].length;
  return [word.slice(0, at), word.slice(at)];
};

/** Words with the spaces that came before each (kept as they were inside a row; a row break takes them). */
const words = (paragraph: string): { gap: string; word: string }[] => {
  const parts = paragraph.split(/( +)/);
  const out: { gap: string; word: string }[] = [];
  let gap = '';
  for (const [i, p] of parts.entries()) {
    if (i % 2 === 1) gap = p;
    else if (p !== '') {
      out.push({ gap: out.length === 0 ? '' : gap, word: out.length === 0 ? `${gap}${p}` : p });
      gap = '';
    }
  }
  return out;
};

const wrapParagraph = (paragraph: string, room: number, indent: string): string[] => {
  const rows: string[] = [];
  const cap = () => (rows.length === 0 ? room : Math.max(1, room - textWidth(indent)));
  let current = '';
  for (const { gap, word: original } of words(paragraph)) {
    let word = original;
    let sep = gap;
    for (;;) {
      const candidate = current === '' ? word : `${current}${sep}${word}`;
      if (textWidth(candidate) <= cap()) {
        current = candidate;
        break;
      }
      if (current !== '') {
        // A word that needs breaking anyway starts on this row when it has a break point that fits here.
        const rest = cap() - textWidth(current) - textWidth(sep);
        const at = textWidth(word) > Math.max(1, room - textWidth(indent)) && rest > 0 ? breakPoint(word, rest) : null;
        rows.push(at === null ? current : `${current}${sep}${word.slice(0, at)}`);
        current = '';
        sep = '';
        if (at !== null) word = word.slice(at);
        continue;
      }
      // One word longer than a line (a path, a hash): broken after a "/" or "-" where it can be, never mid-name.
      const [head, rest] = breakWord(word, cap());
      rows.push(head);
      word = rest;
      if (word === '') break;
    }
  }
  if (current !== '' || rows.length === 0) rows.push(current);
  return rows.map((r, i) => (i === 0 ? r : `${indent}${r}`));
};

/** Word-wraps plain text to `width` columns; lines after the first of each paragraph get `indent`. */
export const wrapText = (text: string, width: number, indent = ''): string[] =>
  text.split('\n').flatMap((p) => wrapParagraph(p, Math.max(8, width), indent));

/** A line of text wrapped into several lines of one style; the first one may carry a styled prefix. */
export const wrapped = (text: string, width: number, style: Omit<Segment, 'text'> = {}, prefix?: Segment, indent = ''): Line[] => {
  const prefixWidth = prefix === undefined ? 0 : textWidth(prefix.text);
  const rows = wrapText(text, width - prefixWidth, indent);
  return rows.map((r, i) =>
    i === 0 && prefix !== undefined ? [prefix, seg(r, style)] : [seg(`${' '.repeat(prefixWidth)}${r}`, style)],
  );
};

/** Marks a row that continues the line above (a file's line too long for the terminal): never part of the file. */
export const CONTINUED = '↪';

/**
 * A line of a file, wrapped exactly at the width (no word is moved: the rows put together are the line, byte for
 * byte). Rows after the first start with ↪ under the line's first column, where a diff's +/- sign stands.
 */
export const wrapExact = (text: string, width: number, indent: string, style: Omit<Segment, 'text'> = {}): Line[] => {
  const room = Math.max(4, width - textWidth(indent));
  const rows: Line[] = [];
  let [head, rest] = cutAt(text, room);
  rows.push([seg(`${indent}${head}`, style)]);
  while (rest !== '') {
    [head, rest] = cutAt(rest, room - 1);
    rows.push([seg(indent), seg(CONTINUED, { tone: 'muted' }), seg(head, style)]);
  }
  return rows;
};

/** A line of several styles wrapped like wrapped(): each row keeps the styles of the text it holds. */
export const wrapLine = (l: Line, width: number, indent = ''): Line[] => {
  const text = lineText(l);
  if (textWidth(text) <= width) return [l];
  // Which segment each character came from.
  const owner: number[] = l.flatMap((s, i) => Array.from({ length: s.text.length }, () => i));
  let at = 0;
  return wrapText(text, width, indent).map((row, r) => {
    const body = r === 0 ? row : row.slice(indent.length);
    while (text.startsWith(' ', at) && !text.startsWith(body, at)) at++;
    const out: Segment[] = r === 0 || indent === '' ? [] : [seg(indent)];
    for (let i = at; i < at + body.length; ) {
      const s = owner[i] ?? 0;
      let j = i;
      while (j < at + body.length && owner[j] === s) j++;
      out.push({ ...l[s], text: text.slice(i, j) });
      i = j;
    }
    at += body.length;
    return out;
  });
};
