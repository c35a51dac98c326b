// Every screen sits in the same frame: where you are, what you are working on, then the body, then the keys. The
// frame owns the keys too: it draws the state's bindings in the footer and hands every key press to them, so the
// footer, the help and what a key does are one list (screens/keys/bindings.ts).
import { useContext, useLayoutEffect, useRef, type ReactNode } from 'react';
import { Box, measureElement, type DOMElement, type Key } from 'ink';
import { LineRow, LineView, OverflowContext } from '../line-view/line-view.js';
import { seg, type Line } from '../../lines/line.js';
import { dispatchIntent } from '../../keys/bindings.js';
import { useKeys } from '../../keys/use-keys.js';
import { chromeBindings, frameChrome, type Chrome } from './layout.js';
import { useLayout } from './use-layout.js';

export interface FrameProps extends Chrome {
  /** Keys are live (not while the help screen is over this one). */
  readonly active: boolean;
  /** A text field's own keys, seen before the bindings (true: taken). */
  readonly onRaw?: (input: string, key: Key) => boolean;
  readonly children: ReactNode;
}

export const Frame = ({ active, onRaw, children, ...chrome }: FrameProps) => {
  const { width, bodyRows } = useLayout(chrome);
  const { header, footer } = frameChrome(width, chrome);
  const bindings = chromeBindings(chrome);
  useKeys(
    (intent) => {
      dispatchIntent(bindings, intent);
    },
    { isActive: active, textEntry: chrome.textEntry === true },
    onRaw,
  );
  const rule: Line = [seg('─'.repeat(width), { tone: 'muted' })];
  // A body taller than its rows would lose its last lines under the footer: a layout bug a test hears of.
  const overflow = useContext(OverflowContext);
  const body = useRef<DOMElement>(null);
  useLayoutEffect(() => {
    if (overflow === null || body.current === null) return;
    const { height } = measureElement(body.current);
    if (height > bodyRows) overflow(`the body of "${chrome.title}" takes ${height} rows of ${bodyRows}`, width);
  });
  return (
    <Box flexDirection="column" width={width}>
      <LineView lines={header} width={width} />
      <LineRow line={rule} width={width} />
      <Box flexDirection="column" height={bodyRows} overflow="hidden">
        <Box ref={body} flexDirection="column" flexShrink={0}>
          {children}
        </Box>
      </Box>
      <LineRow line={rule} width={width} />
      <LineView lines={footer} width={width} />
    </Box>
  );
};
