// Keys of a select: ↑↓ (or k/j) move, enter chooses.
import { useKeys } from '../../keys/use-keys.js';
import type { SelectState } from './use-select-state.js';

export const useSelect = <V extends string>(state: SelectState<V>, onChoose: (value: V) => void, isActive: boolean): void => {
  useKeys(
    (intent) => {
      if (intent === 'up') state.previous();
      else if (intent === 'down') state.next();
      else if (intent === 'enter' && state.focusedValue !== undefined) onChoose(state.focusedValue);
    },
    { isActive },
  );
};
