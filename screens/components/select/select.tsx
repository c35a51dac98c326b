// A list of choices; the focused one carries "›" (visible without colour) and the accent colour. Labels and hints
// wrap under their choice, never cut.
import { Box } from 'ink';
import { LineView } from '../line-view/line-view.js';
import { revealRow } from '../scroll-view/scroll-state.js';
import { ScrollView } from '../scroll-view/scroll-view.js';
import { seg, wrapped, type Line } from '../../lines/line.js';
import type { SelectOption } from './use-select-state.js';

export interface SelectProps<V extends string> {
  readonly options: readonly SelectOption<V>[];
  readonly focused: number;
  readonly width: number;
}

export const optionLines = <V extends string>(o: SelectOption<V>, on: boolean, width: number): Line[] => {
  const style = o.disabled === true ? { dim: true } : on ? { tone: 'accent' as const, bold: true } : {};
  return [
    ...wrapped(o.label, width, style, seg(on ? ' › ' : '   ', { tone: 'accent', bold: true }), ''),
    ...(o.hint === undefined ? [] : wrapped(o.hint, width, { tone: 'muted' }, seg('   '), '')),
  ];
};

export const Select = <V extends string>({ options, focused, width }: SelectProps<V>) => (
  <Box flexDirection="column" width={width}>
    {options.map((o, i) => (
      <LineView key={o.value} lines={optionLines(o, i === focused, width)} width={width} />
    ))}
  </Box>
);

/**
 * Text above a list of choices, scrolled as one when they do not fit: the focused choice is always in sight (on a
 * small terminal the text above scrolls away first).
 */
export const ChoiceView = <V extends string>({ head, options, focused, width, height }: SelectProps<V> & { readonly head: readonly Line[]; readonly height: number }) => {
  const rows = options.map((o, i) => optionLines(o, i === focused, width));
  const lines = [...head, ...rows.flat()];
  const start = head.length + rows.slice(0, focused).flat().length;
  const end = start + (rows[focused]?.length ?? 1) - 1;
  // Its end first, then its start: a choice taller than the view shows from its label down.
  const offset = revealRow(revealRow(0, end, lines.length, height), start, lines.length, height);
  return <ScrollView lines={lines} offset={offset} height={height} width={width} />;
};
