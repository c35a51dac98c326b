// Pure scrolling arithmetic: which slice of the lines is on screen, and what a key does to it.
export type ScrollMove = 'up' | 'down' | 'page-up' | 'page-down' | 'home' | 'end';

/** Rows for content: one row is kept for the "more above/below" line when the lines do not fit. */
export const contentRows = (total: number, height: number): number => (total > height ? Math.max(1, height - 1) : height);

export const maxOffset = (total: number, height: number): number => Math.max(0, total - contentRows(total, height));

export const clampOffset = (offset: number, total: number, height: number): number =>
  Math.min(Math.max(0, offset), maxOffset(total, height));

export const scrollBy = (offset: number, move: ScrollMove, total: number, height: number): number => {
  const page = Math.max(1, contentRows(total, height) - 1);
  const next = {
    up: offset - 1,
    down: offset + 1,
    'page-up': offset - page,
    'page-down': offset + page,
    home: 0,
    end: Number.MAX_SAFE_INTEGER,
  }[move];
  return clampOffset(next, total, height);
};

/** The offset that keeps row `index` visible, moving as little as possible. */
export const revealRow = (offset: number, index: number, total: number, height: number): number => {
  const rows = contentRows(total, height);
  if (index < offset) return clampOffset(index, total, height);
  if (index >= offset + rows) return clampOffset(index - rows + 1, total, height);
  return clampOffset(offset, total, height);
};
