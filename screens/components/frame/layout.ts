// The frame's arithmetic: a title block, a body and a footer that together stay one row short of the terminal,
// so Ink redraws in place instead of clearing the whole screen on every frame.
export const HEADER_ROWS = 3; // title, context, rule
export const FOOTER_ROWS = 2; // rule, keys

export interface Layout {
  readonly width: number;
  readonly bodyRows: number;
}

export const layoutFor = (columns: number, rows: number): Layout => ({
  width: columns,
  bodyRows: Math.max(3, rows - 1 - HEADER_ROWS - FOOTER_ROWS),
});
