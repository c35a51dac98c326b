// "?": the keys of the screen you came from, and the one promise that matters most.
import { Frame } from '../frame/frame.js';
import { LineView } from '../line-view/line-view.js';
import { useLayout } from '../frame/use-layout.js';
import { blank, line, seg, wrapped, type Line } from '../../lines/line.js';
import { useKeys } from '../../keys/use-keys.js';

export interface HelpScreenProps {
  readonly title: string;
  readonly keys: readonly (readonly [string, string])[];
  readonly onClose: () => void;
}

export const helpLines = (keys: readonly (readonly [string, string])[], width: number): Line[] => {
  const keyWidth = Math.min(16, Math.max(...keys.map(([k]) => k.length)) + 2);
  return [
    line('Keys on this screen', { bold: true }),
    ...keys.flatMap(([k, what]) => wrapped(what, width, {}, seg(`  ${k.padEnd(keyWidth)}`, { bold: true }), '')),
    blank,
    ...wrapped('Nothing changes on the host until you confirm the Review. Each run writes a log (secrets redacted); its path is shown at the end.', width, { tone: 'muted' }),
  ];
};

export const HelpScreen = ({ title, keys, onClose }: HelpScreenProps) => {
  const { width, bodyRows } = useLayout();
  useKeys(
    (intent) => {
      if (intent === 'help' || intent === 'back' || intent === 'enter' || intent === 'quit') onClose();
    },
    { isActive: true },
  );
  return (
    <Frame title={`Help · ${title}`} keys={[{ key: '? esc enter', label: 'close help' }]}>
      <LineView lines={helpLines(keys, width).slice(0, bodyRows)} width={width} />
    </Frame>
  );
};
