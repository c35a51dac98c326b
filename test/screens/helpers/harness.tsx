// Driving Ink screens from tests the Shopify cli-kit way: write a key, then wait for the frame that answers it;
// never sleep a guessed time. Also a terminal of any size (ink-testing-library's is 100 columns, no rows).
import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import type { ReactNode } from 'react';
import { render as inkRender } from 'ink';
import { render as libRender } from 'ink-testing-library';
import { ControllerContext, type WizardController } from '../../../screens/controller.js';
import { makeTheme, ThemeContext } from '../../../screens/theme/theme.js';

export const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  pageDown: '\u001B[6~',
  enter: '\r',
  esc: '\u001B',
  tab: '\t',
  backspace: '\u007F',
  ctrlC: '\u0003',
} as const;

export interface Rendered {
  readonly stdin: { write(data: string): void };
  readonly frames: readonly string[];
  lastFrame(): string | undefined;
  unmount(): void;
}

export const withProviders = (tree: ReactNode, controller: WizardController, noColor = false): ReactNode => (
  <ThemeContext.Provider value={makeTheme(noColor)}>
    <ControllerContext.Provider value={controller}>{tree}</ControllerContext.Provider>
  </ThemeContext.Provider>
);

/** ink-testing-library's render (100 columns), with the controller and theme around the tree. */
export const renderScreen = (tree: ReactNode, controller: WizardController, noColor = false): Rendered =>
  libRender(<>{withProviders(tree, controller, noColor)}</>);

class SizedStdout extends EventEmitter {
  readonly isTTY = true;
  readonly frames: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string): boolean => {
    this.frames.push(frame);
    return true;
  };
}

class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  private data: string | null = null;
  write = (data: string): void => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };
  read = (): string | null => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export interface SizedRendered extends Rendered {
  resize(columns: number, rows: number): void;
}

/** A terminal of a given size, that can be resized like a real one (stdout emits "resize"). */
export const renderSized = (tree: ReactNode, size: { columns: number; rows: number }): SizedRendered => {
  const stdout = new SizedStdout(size.columns, size.rows);
  const stdin = new FakeStdin();
  const instance = inkRender(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: new SizedStdout(size.columns, size.rows) as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    stdin,
    frames: stdout.frames,
    lastFrame: () => stdout.frames.at(-1),
    unmount: () => {
      instance.unmount();
      instance.cleanup();
    },
    resize: (columns, rows) => {
      stdout.columns = columns;
      stdout.rows = rows;
      stdout.emit('resize');
    },
  };
};

export const plain = (frame: string | undefined): string => stripVTControlCharacters(frame ?? '');

/** Let React run its passive effects (Ink attaches key listeners in them) before the next key. */
export const settle = async (): Promise<void> => {
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
};

type Expect = string | RegExp | ((frame: string) => boolean);

const matches = (frame: string, expect: Expect): boolean =>
  typeof expect === 'string' ? frame.includes(expect) : expect instanceof RegExp ? expect.test(frame) : expect(frame);

/** Waits until a frame after the `after`-th (ANSI stripped) shows `expect`; fails with that frame, not a bare timeout. */
export const waitForFrame = async (r: Rendered, expect: Expect, timeoutMs = 4000, after = 0): Promise<string> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = plain(r.lastFrame());
    if (r.frames.length > after && matches(frame, expect)) {
      await settle();
      return frame;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(expect)}; the last frame was:\n${frame}`);
    await new Promise((res) => setTimeout(res, 5));
  }
};

/** Sends one key, then waits for a new frame that shows its effect. */
export const press = async (r: Rendered, input: string, expect: Expect, timeoutMs?: number): Promise<string> => {
  await settle();
  const before = r.frames.length;
  r.stdin.write(input);
  return waitForFrame(r, expect, timeoutMs, before);
};

/** Sends one key whose effect is a callback, not a new frame (the test then checks the callback). */
export const send = async (r: Rendered, input: string): Promise<void> => {
  await settle();
  r.stdin.write(input);
  await settle();
};

/** Types text one key at a time, as a person would (each key its own input event). */
export const type = async (r: Rendered, text: string): Promise<void> => {
  for (const ch of text) {
    await settle();
    r.stdin.write(ch);
  }
  await settle();
};
