// A screen's keys in one list: what each key does in this state, and what the footer and the help screen say about
// it. The Frame draws the footer from the list and hands every key press to it, and "?" shows the same list: a key
// that the footer or the help names does what they say, and a key they do not name does nothing.
import type { Intent, ScrollIntent } from './use-keys.js';

export interface Binding {
  /** As the operator reads it: "enter", "↑↓", "ctrl+c". */
  readonly key: string;
  /** In the footer: "apply…". */
  readonly label: string;
  /** On the help screen, when it needs more words than the footer has room for. */
  readonly help?: string;
  /** The intents (use-keys.ts) that trigger it. */
  readonly on: readonly Intent[];
  /** Absent: keys a text field takes itself (typing, ← →), listed so the help names them. */
  readonly run?: (intent: Intent) => void;
  /** false: on the help screen only. */
  readonly footer?: boolean;
}

export const bind = (key: string, label: string, on: Intent | readonly Intent[], run: (intent: Intent) => void, more: Pick<Binding, 'help' | 'footer'> = {}): Binding => ({
  key,
  label,
  on: typeof on === 'string' ? [on] : on,
  run,
  ...more,
});

export const SCROLL_INTENTS: readonly ScrollIntent[] = ['up', 'down', 'page-up', 'page-down', 'home', 'end'];

/** ↑↓ (and pgup pgdn home end space) over a scrolled view. */
export const scrollBinding = (move: (intent: ScrollIntent) => void, help = 'scroll (pgup pgdn, space, home end)'): Binding =>
  bind('↑↓', 'scroll', SCROLL_INTENTS, (i) => { move(i as ScrollIntent); }, { help });

/** What a text field does with the keys it takes: named on the help screen, handled by the field. */
export const TEXT_FIELD_KEYS: Binding = { key: 'type', label: 'edit', help: 'type to edit (← → move, ctrl+a ctrl+e ends, ctrl+u clears)', on: [], footer: false };

/** Runs the binding the intent belongs to; false when no binding of this state takes it. */
export const dispatchIntent = (bindings: readonly Binding[], intent: Intent): boolean => {
  const b = bindings.find((x) => x.on.includes(intent) && x.run !== undefined);
  b?.run?.(intent);
  return b !== undefined;
};
