// "?": the keys of the screen you came from, as they are in the state you left it in (the same list its footer
// and its key handling come from), and the one promise that matters most.
import { Frame } from '../frame/frame.js';
import { ScrollView } from '../scroll-view/scroll-view.js';
import { useScrollState } from '../scroll-view/use-scroll-state.js';
import { useLayout } from '../frame/use-layout.js';
import { blank, line, seg, wrapped, type Line } from '../../lines/line.js';
import { bind, scrollBinding, type Binding } from '../../keys/bindings.js';

export interface HelpScreenProps {
  readonly title: string;
  readonly keys: readonly Binding[];
  readonly onClose: () => void;
}

export const helpLines = (keys: readonly Binding[], width: number): Line[] => {
  const keyWidth = Math.min(16, Math.max(...keys.map((k) => k.key.length)) + 2);
  return [
    line('Keys on this screen', { bold: true }),
    ...keys.flatMap((k) => wrapped(k.help ?? k.label, width, {}, seg(`  ${k.key.padEnd(keyWidth)}`, { bold: true }), '')),
    blank,
    ...wrapped('Nothing changes on the host until you confirm the Review. Each run writes a log (secrets redacted); its path is shown at the end.', width, { tone: 'muted' }),
  ];
};

export const HelpScreen = ({ title, keys, onClose }: HelpScreenProps) => {
  // Handlers run on a key press, after this render has made the scroll state they use.
  const frame = {
    title: `Help · ${title}`,
    bindings: [bind('? esc enter', 'close help', ['help', 'back', 'enter', 'quit'], onClose), scrollBinding((i) => { scroll.move(i); })],
  };
  const { width, bodyRows } = useLayout(frame);
  const lines = helpLines(keys, width);
  const scroll = useScrollState(lines.length, bodyRows);
  return (
    <Frame {...frame} active>
      <ScrollView lines={lines} offset={scroll.offset} height={bodyRows} width={width} />
    </Frame>
  );
};
