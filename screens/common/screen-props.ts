// What every screen gets from the App: whether its keys are live (not while help is open), the frame's context
// line, and the two keys that mean the same everywhere. onHelp gets the keys of the screen as it is at that moment.
import type { Binding } from '../keys/bindings.js';

export interface ScreenProps {
  readonly active: boolean;
  readonly context: string;
  readonly onHelp: (keys: readonly Binding[]) => void;
  readonly onQuit: () => void;
}
