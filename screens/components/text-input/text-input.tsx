// A field's value with its cursor (inverse), masked for secrets, a placeholder when empty.
import { Text } from 'ink';
import { useTheme } from '../../theme/theme.js';
import type { TextInputState } from './text-input-state.js';

export interface TextInputProps {
  readonly state: TextInputState;
  readonly focused: boolean;
  readonly mask?: boolean;
  readonly placeholder?: string;
  /** Columns available: a long value scrolls so the cursor stays in sight. */
  readonly width: number;
}

export const visibleWindow = (value: string, cursor: number, width: number): { text: string; cursor: number } => {
  const room = Math.max(4, width - 1);
  const start = Math.max(0, cursor - room + 1);
  return { text: value.slice(start, start + room), cursor: cursor - start };
};

export const TextInput = ({ state, focused, mask = false, placeholder, width }: TextInputProps) => {
  const theme = useTheme();
  const shown = mask ? '•'.repeat(state.value.length) : state.value;
  if (shown === '' && placeholder !== undefined && !focused) {
    return <Text color={theme.color('muted')}>{placeholder}</Text>;
  }
  if (!focused) return <Text wrap="truncate-end">{shown}</Text>;
  const { text, cursor } = visibleWindow(shown, state.cursor, width);
  const at = text[cursor] ?? ' ';
  return (
    <Text wrap="truncate-end">
      {text.slice(0, cursor)}
      <Text inverse>{at}</Text>
      {text.slice(cursor + 1)}
      {shown === '' && placeholder !== undefined ? <Text color={theme.color('muted')}>{` ${placeholder}`}</Text> : null}
    </Text>
  );
};
