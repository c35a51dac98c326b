// The terminal's size, kept current: a resize re-renders the screens with the new viewport.
import { useEffect, useState } from 'react';
import { useStdout } from 'ink';

export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

// Below this the wizard cannot lay out its frame; it still renders, truncated.
const MIN = { columns: 40, rows: 12 } as const;

const read = (stdout: NodeJS.WriteStream): TerminalSize => ({
  columns: Math.max(MIN.columns, stdout.columns > 0 ? stdout.columns : 80),
  rows: Math.max(MIN.rows, stdout.rows > 0 ? stdout.rows : 24),
});

export const useTerminalSize = (): TerminalSize => {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => read(stdout));
  useEffect(() => {
    const onResize = () => {
      setSize(read(stdout));
    };
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
};
