// Which option has the focus; disabled options are passed over.
import { useState } from 'react';

export interface SelectOption<V extends string> {
  readonly value: V;
  readonly label: string;
  /** A second, quieter line under the label. */
  readonly hint?: string;
  readonly disabled?: boolean;
}

const step = <V extends string>(options: readonly SelectOption<V>[], from: number, delta: 1 | -1): number => {
  for (let i = from + delta; i >= 0 && i < options.length; i += delta) {
    if (options[i]?.disabled !== true) return i;
  }
  return from;
};

export const firstEnabled = <V extends string>(options: readonly SelectOption<V>[], preferred?: V): number => {
  const wanted = options.findIndex((o) => o.value === preferred && o.disabled !== true);
  if (wanted >= 0) return wanted;
  return Math.max(0, options.findIndex((o) => o.disabled !== true));
};

/** Where the focus is: on the value chosen last while it is still offered, else the preferred one, else the first. */
export const focusIndex = <V extends string>(options: readonly SelectOption<V>[], chosen: V | null, preferred?: V): number => {
  const i = chosen === null ? -1 : options.findIndex((o) => o.value === chosen && o.disabled !== true);
  return i >= 0 ? i : firstEnabled(options, preferred);
};

export interface SelectState<V extends string> {
  readonly focused: number;
  readonly focusedValue: V | undefined;
  readonly next: () => void;
  readonly previous: () => void;
}

/** The focus is kept as a value, not a place: options that arrive later (a list loaded) keep the preferred one in focus. */
export const useSelectState = <V extends string>(options: readonly SelectOption<V>[], preferred?: V): SelectState<V> => {
  const [chosen, setChosen] = useState<V | null>(null);
  const index = focusIndex(options, chosen, preferred);
  const move = (delta: 1 | -1) => {
    setChosen((c) => options[step(options, focusIndex(options, c, preferred), delta)]?.value ?? c);
  };
  return {
    focused: index,
    focusedValue: options[index]?.value,
    next: () => { move(1); },
    previous: () => { move(-1); },
  };
};
