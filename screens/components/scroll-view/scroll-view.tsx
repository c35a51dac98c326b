// A window onto many lines; says how many more there are and which keys reach them.
import { Box } from 'ink';
import { LineRow } from '../line-view/line-view.js';
import { seg, type Line } from '../../lines/line.js';
import { contentRows } from './scroll-state.js';

export interface ScrollViewProps {
  readonly lines: readonly Line[];
  readonly offset: number;
  readonly height: number;
  readonly width: number;
}

export const moreLine = (above: number, below: number): Line => {
  const parts = [below > 0 ? `↓ ${below} more` : '', above > 0 ? `↑ ${above} above` : ''].filter((p) => p !== '');
  return [seg(`${parts.join(' · ')}  (↑↓ pgup pgdn)`, { tone: 'muted' })];
};

export const ScrollView = ({ lines, offset, height, width }: ScrollViewProps) => {
  const rows = contentRows(lines.length, height);
  const visible = lines.slice(offset, offset + rows);
  const overflow = lines.length > height;
  return (
    <Box flexDirection="column" width={width}>
      {visible.map((l, i) => (
        <LineRow key={offset + i} line={l} width={width} />
      ))}
      {overflow ? <LineRow line={moreLine(offset, Math.max(0, lines.length - offset - rows))} width={width} /> : null}
    </Box>
  );
};
