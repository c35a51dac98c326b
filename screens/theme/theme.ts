// Colours go through one place so NO_COLOR can take them all away (chalk 5, under Ink, does not read NO_COLOR).
// Meaning never rides on colour alone: every state also has a sign (✓ ✗ ! ›) that survives without it.
import { createContext, useContext } from 'react';

export type Tone = 'accent' | 'ok' | 'warn' | 'bad' | 'muted' | 'add' | 'remove';

export interface Theme {
  readonly noColor: boolean;
  /** The Ink colour for a tone, or undefined when colours are off. */
  color(tone: Tone | undefined): string | undefined;
}

const COLORS: Record<Tone, string> = {
  accent: 'cyan',
  ok: 'green',
  warn: 'yellow',
  bad: 'red',
  muted: 'gray',
  add: 'green',
  remove: 'red',
};

export const makeTheme = (noColor: boolean): Theme => ({
  noColor,
  color: (tone) => (noColor || tone === undefined ? undefined : COLORS[tone]),
});

/** no-color.org: NO_COLOR present and not empty turns colour off, whatever its value. */
export const noColorFromEnv = (env: Readonly<Record<string, string | undefined>>): boolean =>
  env.NO_COLOR !== undefined && env.NO_COLOR !== '';

export const ThemeContext = createContext<Theme>(makeTheme(false));

export const useTheme = (): Theme => useContext(ThemeContext);
