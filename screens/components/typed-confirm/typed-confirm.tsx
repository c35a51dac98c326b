// The plan the operator reads (scrolled), the prompt that says which word to type, and the field to type it in: how
// Uninstall and Upgrade ask before they change a host. The field keeps its rows; the plan scrolls above them.
import { Box } from 'ink';
import { LineView } from '../line-view/line-view.js';
import { ScrollView } from '../scroll-view/scroll-view.js';
import { TextInput } from '../text-input/text-input.js';
import type { TextInputState } from '../text-input/text-input-state.js';
import type { Line } from '../../lines/line.js';

export interface TypedConfirmProps {
  readonly lines: readonly Line[];
  readonly offset: number;
  /** Rows for the whole body: the plan gets what the prompt and the field leave. */
  readonly bodyRows: number;
  readonly prompt: readonly Line[];
  readonly typed: TextInputState;
  readonly focused: boolean;
  readonly width: number;
}

export const TypedConfirm = (p: TypedConfirmProps) => (
  <Box flexDirection="column" width={p.width}>
    <ScrollView lines={p.lines} offset={p.offset} height={Math.max(1, p.bodyRows - p.prompt.length - 1)} width={p.width} />
    <LineView lines={p.prompt} width={p.width} />
    <Box paddingLeft={2} width={p.width}>
      <TextInput state={p.typed} focused={p.focused} width={p.width - 2} />
    </Box>
  </Box>
);
