// Draws prepared lines. Each line is laid out to fit the frame (screens/lines/line.ts); Ink's cut at the width
// ("…") is only a last guard, and a test that gives an OverflowContext hears about every line that needed it.
import { createContext, useContext } from 'react';
import { Box, Text } from 'ink';
import { useTheme } from '../../theme/theme.js';
import { lineText, lineWidth, type Line } from '../../lines/line.js';

/** Told of a line wider than its row (a layout bug: the operator would see it cut). Absent outside tests. */
export const OverflowContext = createContext<((text: string, width: number) => void) | null>(null);

export interface LineViewProps {
  readonly lines: readonly Line[];
  readonly width: number;
}

export const LineRow = ({ line, width }: { readonly line: Line; readonly width: number }) => {
  const theme = useTheme();
  const overflow = useContext(OverflowContext);
  if (overflow !== null && lineWidth(line) > width) overflow(lineText(line), width);
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate-end">
        {line.map((s, i) => (
          <Text key={i} color={theme.color(s.tone)} bold={s.bold} dimColor={s.dim} inverse={s.inverse}>
            {s.text === '' && line.length === 1 ? ' ' : s.text}
          </Text>
        ))}
      </Text>
    </Box>
  );
};

export const LineView = ({ lines, width }: LineViewProps) => (
  <Box flexDirection="column" width={width}>
    {lines.map((l, i) => (
      <LineRow key={i} line={l} width={width} />
    ))}
  </Box>
);
