// The frame's arithmetic: the title block, the body and the footer together stay one row short of the terminal, so
// Ink redraws in place. The title, the context line and the keys wrap (never cut): the body gets the rows left over.
import type { Binding } from '../../keys/bindings.js';
import { seg, wrapped, type Line } from '../../lines/line.js';

export interface Layout {
  readonly width: number;
  readonly bodyRows: number;
}

export interface Chrome {
  readonly title: string;
  /** Stack and target, once known: "demo 1.0.0 → ssh admin@host:22 (sudo)". */
  readonly context?: string;
  readonly bindings: readonly Binding[];
  /** Replaces the key hints (a question the footer asks, e.g. "Quit now? y/n"). */
  readonly prompt?: Line;
  /** "?" opens the help with this state's keys (absent: no help here, e.g. on the help screen itself). */
  readonly onHelp?: (keys: readonly Binding[]) => void;
  /** Letters are text here: "?" types a "?", so there is no help key. */
  readonly textEntry?: boolean;
}

/** This state's keys, the help key last when there is one. */
export const chromeBindings = (c: Chrome): Binding[] => {
  const help: Binding[] =
    c.onHelp === undefined || c.textEntry === true
      ? []
      : [{ key: '?', label: 'help', help: 'this help: every key of the screen as it is now', on: ['help'], run: () => { c.onHelp?.(all); } }];
  const all: Binding[] = [...c.bindings, ...help];
  return all;
};

/** Key hints packed into rows, a hint never split across two. */
export const keyLines = (bindings: readonly Binding[], width: number): Line[] => {
  const rows: { line: Line; used: number }[] = [];
  for (const b of bindings.filter((x) => x.footer !== false)) {
    const hint: Line = [seg(b.key, { bold: true }), seg(` ${b.label}`, { tone: 'muted' })];
    const size = b.key.length + 1 + b.label.length;
    const last = rows.at(-1);
    if (last !== undefined && last.used + 2 + size <= width) {
      last.line = [...last.line, seg('  '), ...hint];
      last.used += 2 + size;
    } else rows.push({ line: hint, used: size });
  }
  return rows.length === 0 ? [[seg('')]] : rows.map((r) => r.line);
};

const promptLines = (prompt: Line, width: number): Line[] => {
  // A prompt's parts keep their styles; it wraps as one text (it is short: a question and its keys).
  const text = prompt.map((s) => s.text).join('');
  return text.length <= width ? [prompt] : wrapped(text, width, { bold: true, tone: 'warn' });
};

export const frameChrome = (width: number, c: Chrome): { header: Line[]; footer: Line[] } => ({
  header: [
    ...wrapped(c.title, width, { bold: true }, seg('keelson  ', { bold: true, tone: 'accent' }), ''),
    ...(c.context === undefined || c.context === '' ? [[seg('')]] : wrapped(c.context, width, { tone: 'muted' })),
  ],
  footer: c.prompt !== undefined ? promptLines(c.prompt, width) : keyLines(chromeBindings(c), width),
});

/** Two rules (under the header, over the footer) and one spare row besides the header and footer lines. */
export const layoutFor = (columns: number, rows: number, c: Chrome): Layout => {
  const { header, footer } = frameChrome(columns, c);
  return { width: columns, bodyRows: Math.max(3, rows - 1 - header.length - footer.length - 2) };
};

