// A list of choices; the focused one carries "›" (visible without colour) and the accent colour.
import { Box } from 'ink';
import { LineRow } from '../line-view/line-view.js';
import { seg } from '../../lines/line.js';
import type { SelectOption } from './use-select-state.js';

export interface SelectProps<V extends string> {
  readonly options: readonly SelectOption<V>[];
  readonly focused: number;
  readonly width: number;
}

export const Select = <V extends string>({ options, focused, width }: SelectProps<V>) => (
  <Box flexDirection="column" width={width}>
    {options.map((o, i) => {
      const on = i === focused;
      const style = o.disabled === true ? { dim: true } : on ? { tone: 'accent' as const, bold: true } : {};
      return (
        <Box key={o.value} flexDirection="column">
          <LineRow line={[seg(on ? ' › ' : '   ', { tone: 'accent', bold: true }), seg(o.label, style)]} width={width} />
          {o.hint === undefined ? null : <LineRow line={[seg(`   ${o.hint}`, { tone: 'muted' })]} width={width} />}
        </Box>
      );
    })}
  </Box>
);
