// Keys of a select: ↑↓ (or k/j) move, enter chooses. Bindings, so the screen's frame shows and handles them with
// the rest of its keys.
import { bind, type Binding } from '../../keys/bindings.js';
import type { SelectState } from './use-select-state.js';

export const selectBindings = <V extends string>(state: SelectState<V>, onChoose: (value: V) => void, choose = 'choose'): Binding[] => [
  bind('↑↓', 'move', ['up', 'down'], (i) => { if (i === 'up') state.previous(); else state.next(); }, { help: 'move between the choices' }),
  bind('enter', choose, 'enter', () => { if (state.focusedValue !== undefined) onChoose(state.focusedValue); }),
];
