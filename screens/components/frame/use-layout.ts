import { useTerminalSize } from '../../terminal/use-terminal-size.js';
import { layoutFor, type Layout } from './layout.js';

export const useLayout = (): Layout => {
  const { columns, rows } = useTerminalSize();
  return layoutFor(columns, rows);
};
