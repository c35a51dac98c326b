// Something is happening: a turning sign, what it is, and for how long.
import { Text } from 'ink';
import { useTheme } from '../../theme/theme.js';
import { useTicker } from './use-ticker.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;

export const formatSeconds = (ms: number): string => `${(Math.max(0, ms) / 1000).toFixed(1)} s`;

export interface SpinnerProps {
  readonly label: string;
  /** When the work began and the clock now, for the elapsed time. */
  readonly startedAt?: number;
  readonly now?: () => number;
}

export const Spinner = ({ label, startedAt, now }: SpinnerProps) => {
  const theme = useTheme();
  const tick = useTicker(100, true);
  const elapsed = startedAt !== undefined && now !== undefined ? `  ${formatSeconds(now() - startedAt)}` : '';
  return (
    <Text wrap="truncate-end">
      <Text color={theme.color('accent')}>{FRAMES[tick % FRAMES.length]}</Text>
      {` ${label}`}
      <Text color={theme.color('muted')}>{elapsed}</Text>
    </Text>
  );
};
