// Screens draw text as lines of styled segments, laid out and cut to the terminal width by us, never wrapped by
// the terminal: at 80 columns a wrapped line would push the frame off the screen.
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

const wrapParagraph = (paragraph: string, room: number, indent: string): string[] => {
  const rows: string[] = [];
  const cap = () => (rows.length === 0 ? room : Math.max(1, room - indent.length));
  let current = '';
  for (const original of paragraph.split(/ +/).filter((w) => w !== '')) {
    let word = original;
    for (;;) {
      const candidate = current === '' ? word : `${current} ${word}`;
      if (candidate.length <= cap()) {
        current = candidate;
        break;
      }
      if (current !== '') {
        rows.push(current);
        current = '';
        continue;
      }
      // One word longer than a line (a path, a hash): cut it where the line ends.
      rows.push(word.slice(0, cap()));
      word = word.slice(cap());
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
  const prefixWidth = prefix?.text.length ?? 0;
  const rows = wrapText(text, width - prefixWidth, indent);
  return rows.map((r, i) =>
    i === 0 && prefix !== undefined ? [prefix, seg(r, style)] : [seg(`${' '.repeat(prefixWidth)}${r}`, style)],
  );
};
