// Draws prepared lines, each cut at the frame's width ("…") so nothing ever wraps.
import { Box, Text } from 'ink';
import { useTheme } from '../../theme/theme.js';
import type { Line } from '../../lines/line.js';

export interface LineViewProps {
  readonly lines: readonly Line[];
  readonly width: number;
}

export const LineRow = ({ line, width }: { readonly line: Line; readonly width: number }) => {
  const theme = useTheme();
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
