// Keys of a text field. Returns true for keys it used, so the screen's own keys (↑↓ enter esc) still work.
import type { Key } from 'ink';
import type { TextEdit } from './text-input-state.js';

export const textKey = (input: string, key: Key): TextEdit | null => {
  // Terminals send DEL (0x7f) for Backspace; Ink names it "delete". Either one deletes backwards.
  if (key.backspace || key.delete) return { type: 'delete-back' };
  if (key.leftArrow) return { type: 'left' };
  if (key.rightArrow) return { type: 'right' };
  if (key.ctrl && input === 'a') return { type: 'home' };
  if (key.ctrl && input === 'e') return { type: 'end' };
  if (key.ctrl && input === 'u') return { type: 'clear' };
  if (key.home) return { type: 'home' };
  if (key.end) return { type: 'end' };
  if (key.ctrl || key.meta || key.return || key.escape || key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown) return null;
  return input === '' ? null : { type: 'insert', text: input };
};
