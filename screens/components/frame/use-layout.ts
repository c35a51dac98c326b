import { useTerminalSize } from '../../terminal/use-terminal-size.js';
import { layoutFor, type Chrome, type Layout } from './layout.js';

/** The body's width and rows for a frame with this title, context and keys (they wrap, and take rows from the body). */
export const useLayout = (chrome: Chrome): Layout => {
  const { columns, rows } = useTerminalSize();
  return layoutFor(columns, rows, chrome);
};
