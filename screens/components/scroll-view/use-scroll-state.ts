// The scroll offset of one view, clamped whenever the content or the terminal changes size.
import { useCallback, useState } from 'react';
import { clampOffset, scrollBy, type ScrollMove } from './scroll-state.js';

export interface ScrollState {
  readonly offset: number;
  readonly move: (move: ScrollMove) => void;
  readonly setOffset: (offset: number) => void;
}

export const useScrollState = (total: number, height: number): ScrollState => {
  const [raw, setRaw] = useState(0);
  const offset = clampOffset(raw, total, height);
  const move = useCallback(
    (m: ScrollMove) => {
      setRaw((o) => scrollBy(clampOffset(o, total, height), m, total, height));
    },
    [total, height],
  );
  return { offset, move, setOffset: setRaw };
};
