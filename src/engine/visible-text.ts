// Text from a manifest, an answers file or a host reaches the operator's terminal. A terminal obeys what it is sent:
// ESC[2J clears the screen, a carriage return overwrites the line, and bidi overrides or zero-width characters make
// the text read differently from what it is (Trojan Source). Every such character is shown as an escape instead.
// The one place that knows these characters: the manifest refuses them in values, printers make them visible.

// Bidi embeddings, overrides, isolates and marks (U+061C, U+200E/F, U+202A-E, U+2066-9), zero-width and invisible
// formatting characters (U+180E, U+200B-D, U+2060-4, U+FEFF) and the Unicode line and paragraph separators.
const INVISIBLE_CLASS = '\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff';
// C0 controls, DEL and the C1 controls (U+009B is a one-character CSI on many terminals).
const CONTROL_CLASS = '\\u0000-\\u001f\\u007f-\\u009f';

const INVISIBLE = new RegExp(`[${INVISIBLE_CLASS}]`, 'u');
const UNSAFE_ALL = new RegExp(`[${CONTROL_CLASS}${INVISIBLE_CLASS}]`, 'gu');
const UNSAFE_IN_LINES = new RegExp(`(?![\\n\\t])[${CONTROL_CLASS}${INVISIBLE_CLASS}]`, 'gu');

/** True when `text` holds a bidi control or an invisible formatting character (refused in manifest values). */
export const hasInvisible = (text: string): boolean => INVISIBLE.test(text);

/** The first bidi or invisible character of `text`, as an escape ("\u202e"), for an error message. */
export const firstInvisible = (text: string): string | undefined => {
  const m = new RegExp(INVISIBLE.source, 'u').exec(text);
  return m === null ? undefined : escapeChar(m[0]);
};

export const escapeChar = (c: string): string => {
  switch (c) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default:
      return `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
  }
};

/** One value inside a message: every control and invisible character, newlines and tabs too, made visible. */
export const visibleValue = (text: string): string => text.replace(UNSAFE_ALL, escapeChar);

/**
 * Text about to be printed (a plan, an error, a wizard line, a host's output): newlines and tabs are its own layout
 * and stay; every other control or invisible character is made visible.
 */
export const visibleText = (text: string): string => text.replace(UNSAFE_IN_LINES, escapeChar);
