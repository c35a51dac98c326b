// Which option has the focus; disabled options are passed over.
import { useReducer } from 'react';

export interface SelectOption<V extends string> {
  readonly value: V;
  readonly label: string;
  /** A second, quieter line under the label. */
  readonly hint?: string;
  readonly disabled?: boolean;
}

type Move = { readonly type: 'next' } | { readonly type: 'previous' };

const step = <V extends string>(options: readonly SelectOption<V>[], from: number, delta: 1 | -1): number => {
  for (let i = from + delta; i >= 0 && i < options.length; i += delta) {
    if (options[i]?.disabled !== true) return i;
  }
  return from;
};

export const selectReducer =
  <V extends string>(options: readonly SelectOption<V>[]) =>
  (focused: number, move: Move): number =>
    step(options, focused, move.type === 'next' ? 1 : -1);

export const firstEnabled = <V extends string>(options: readonly SelectOption<V>[], preferred?: V): number => {
  const wanted = options.findIndex((o) => o.value === preferred && o.disabled !== true);
  if (wanted >= 0) return wanted;
  return Math.max(0, options.findIndex((o) => o.disabled !== true));
};

export interface SelectState<V extends string> {
  readonly focused: number;
  readonly focusedValue: V | undefined;
  readonly next: () => void;
  readonly previous: () => void;
}

export const useSelectState = <V extends string>(options: readonly SelectOption<V>[], preferred?: V): SelectState<V> => {
  const [focused, dispatch] = useReducer(selectReducer(options), undefined, () => firstEnabled(options, preferred));
  const index = Math.min(focused, Math.max(0, options.length - 1));
  return {
    focused: index,
    focusedValue: options[index]?.value,
    next: () => {
      dispatch({ type: 'next' });
    },
    previous: () => {
      dispatch({ type: 'previous' });
    },
  };
};
