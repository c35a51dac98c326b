// Something is happening: a turning sign, what it is, and for how long; the label wraps rather than being cut.
import { LineView } from '../line-view/line-view.js';
import { seg, wrapped, type Line } from '../../lines/line.js';
import { useTerminalSize } from '../../terminal/use-terminal-size.js';
import { useTicker } from './use-ticker.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;

export const formatSeconds = (ms: number): string => `${(Math.max(0, ms) / 1000).toFixed(1)} s`;

export interface SpinnerProps {
  readonly label: string;
  /** When the work began and the clock now, for the elapsed time. */
  readonly startedAt?: number;
  readonly now?: () => number;
  /** Columns for the label (default: the terminal's). */
  readonly width?: number;
}

export const spinnerLines = (frame: string, label: string, elapsed: string, width: number): Line[] => {
  const rows = wrapped(label, width - elapsed.length, {}, seg(`${frame} `, { tone: 'accent' }), '');
  const last = rows.at(-1) ?? [];
  return elapsed === '' ? rows : [...rows.slice(0, -1), [...last, seg(elapsed, { tone: 'muted' })]];
};

export const Spinner = ({ label, startedAt, now, width }: SpinnerProps) => {
  const tick = useTicker(100, true);
  const { columns } = useTerminalSize();
  const elapsed = startedAt !== undefined && now !== undefined ? `  ${formatSeconds(now() - startedAt)}` : '';
  const cols = width ?? columns;
  return <LineView lines={spinnerLines(FRAMES[tick % FRAMES.length] ?? '', label, elapsed, cols)} width={cols} />;
};
