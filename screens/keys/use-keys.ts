// One place turns key presses into the wizard's intents. The handler is kept in a ref so the Ink listener is
// registered once per activation: re-registering on every render would drop keys typed in between.
import { useCallback, useLayoutEffect, useRef } from 'react';
import { useInput, type Key } from 'ink';

export type Intent =
  | 'up'
  | 'down'
  | 'page-up'
  | 'page-down'
  | 'home'
  | 'end'
  | 'enter'
  | 'back'
  | 'skip'
  | 'quit'
  | 'help'
  | 'recheck'
  | 'save'
  | 'luks'
  | 'yes'
  | 'no';

export type ScrollIntent = Extract<Intent, 'up' | 'down' | 'page-up' | 'page-down' | 'home' | 'end'>;

export const isScrollIntent = (i: Intent): i is ScrollIntent =>
  i === 'up' || i === 'down' || i === 'page-up' || i === 'page-down' || i === 'home' || i === 'end';

/** In text entry, letters are text: only keys that cannot be typed act (esc for back, ctrl+c for quit). */
export const intentOf = (input: string, key: Key, textEntry: boolean): Intent | null => {
  if (key.ctrl && input === 'c') return 'quit';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.pageUp) return 'page-up';
  if (key.pageDown) return 'page-down';
  if (key.return) return 'enter';
  if (key.escape) return 'back';
  if (textEntry) return key.tab ? (key.shift ? 'up' : 'down') : null;
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (input === ' ') return 'page-down';
  switch (input) {
    case 'k':
      return 'up';
    case 'j':
      return 'down';
    case 'b':
      return 'back';
    case 's':
      return 'skip';
    case 'q':
      return 'quit';
    case '?':
      return 'help';
    case 'r':
      return 'recheck';
    case 'w':
      return 'save';
    case 'l':
      return 'luks';
    case 'y':
      return 'yes';
    case 'n':
      return 'no';
    default:
      return null;
  }
};

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/**
 * Ink hands over a chunk of plain text with control characters in it as ONE input ("abc\r" from a paste, or from
 * tmux send-keys "abc" Enter). Split it back into the keys a person would have pressed.
 */
export const splitChunk = (input: string): [string, Key][] => {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
  const pieces = input.match(/[^\u0000-\u001f\u007f]+|[\u0000-\u001f\u007f]/g) ?? [];
  return pieces.map((p): [string, Key] => {
    const code = p.length === 1 ? p.charCodeAt(0) : -1;
    if (p === '\r' || p === '\n') return ['', { ...NO_KEY, return: true }];
    if (p === '\t') return ['', { ...NO_KEY, tab: true }];
    if (p === '\u007f') return ['', { ...NO_KEY, delete: true }];
    if (p === '\b') return ['', { ...NO_KEY, backspace: true }];
    if (code >= 1 && code <= 26) return [String.fromCharCode(code + 96), { ...NO_KEY, ctrl: true }];
    return [p, NO_KEY];
  });
};

const isMixedChunk = (input: string): boolean =>
  // eslint-disable-next-line no-control-regex -- see splitChunk
  input.length > 1 && !input.startsWith('\u001b') && /[\u0000-\u001f\u007f]/.test(input);

export interface KeyOptions {
  readonly isActive: boolean;
  readonly textEntry?: boolean;
}

/** Calls `onIntent` for keys that mean something; `onRaw` (text fields) sees every key first. */
export const useKeys = (
  onIntent: (intent: Intent) => void,
  options: KeyOptions,
  onRaw?: (input: string, key: Key) => boolean,
): void => {
  const intentRef = useRef(onIntent);
  const rawRef = useRef(onRaw);
  const textRef = useRef(options.textEntry === true);
  const commits = useRef(0);
  // A layout effect runs in the commit itself, so a key that arrives right after a render sees the new handler.
  useLayoutEffect(() => {
    intentRef.current = onIntent;
    rawRef.current = onRaw;
    textRef.current = options.textEntry === true;
    commits.current++;
  });
  const handler = useCallback((input: string, key: Key) => {
    const one = (i: string, k: Key) => {
      if (rawRef.current?.(i, k) === true) return;
      const intent = intentOf(i, k, textRef.current);
      if (intent !== null) intentRef.current(intent);
    };
    if (!isMixedChunk(input)) {
      one(input, key);
      return;
    }
    // One key at a time, each after the render the previous one caused has committed, so handlers that read
    // state (the text typed so far) see it. A key that changes nothing renders nothing: give up waiting soon.
    const feed = (rest: [string, Key][]) => {
      const [first, ...more] = rest;
      if (first === undefined) return;
      const before = commits.current;
      one(...first);
      const next = (tries: number) => {
        if (commits.current !== before || tries === 0) feed(more);
        else setImmediate(() => { next(tries - 1); });
      };
      if (more.length > 0) setImmediate(() => { next(20); });
    };
    feed(splitChunk(input));
  }, []);
  useInput(handler, { isActive: options.isActive });
};
