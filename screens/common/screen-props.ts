// What every screen gets from the App: whether its keys are live (not while help is open), the frame's context
// line, and the two keys that mean the same everywhere.
export interface ScreenProps {
  readonly active: boolean;
  readonly context: string;
  readonly onHelp: () => void;
  readonly onQuit: () => void;
}
