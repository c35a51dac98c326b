// A real terminal for end-to-end tests: tmux on its own socket, one window per program run. Keys go in one
// `send-keys` per key, as a person types them; the screen comes back with `capture-pane -p` (text only, as the
// operator reads it). Every wait has a deadline and fails with the last screen it saw.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TmuxWindowOptions {
  /** The window's name: how the other calls address it. */
  readonly name: string;
  readonly cwd: string;
  /** The whole environment of the program (tmux's own server environment is not inherited). */
  readonly env: Readonly<Record<string, string>>;
  readonly argv: readonly string[];
}

export interface WaitOptions {
  readonly timeoutMs: number;
  /** What is waited for, for the failure message. */
  readonly what: string;
  readonly pollMs?: number;
}

/** A POSIX shell word: tmux runs the window's command through /bin/sh. */
const word = (s: string): string => (/^[A-Za-z0-9@%+=:,./_-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Tmux {
  /** The `-L` socket name: unique per test process, so a kill-server never touches anyone else's tmux. */
  readonly socket: string;
  private readonly session: string;
  private started = false;
  private socketPath: string | null = null;
  private readonly cols: number;
  private readonly rows: number;

  constructor(o: { readonly socket: string; readonly cols: number; readonly rows: number }) {
    this.socket = o.socket;
    this.session = 'e2e';
    this.cols = o.cols;
    this.rows = o.rows;
  }

  async tmux(...args: string[]): Promise<string> {
    const r = await run('tmux', ['-L', this.socket, ...args], { maxBuffer: 16 << 20 });
    return r.stdout;
  }

  /** Starts the program in a new window (the first one creates the session) and returns the program's pid. */
  async open(o: TmuxWindowOptions): Promise<number> {
    // exec: the pane's process is the program itself, so its pid is the pane's pid.
    const command = `exec env -i ${Object.entries(o.env).map(([k, v]) => word(`${k}=${v}`)).join(' ')} ${o.argv.map(word).join(' ')}`;
    if (!this.started) {
      await this.tmux('-f', '/dev/null', 'new-session', '-d', '-s', this.session, '-x', String(this.cols), '-y', String(this.rows), '-n', o.name, '-c', o.cwd, command);
      this.started = true;
      // Keep a pane whose program ended, so its last words (printed after the wizard lets go) can be read.
      await this.tmux('set-option', '-g', 'remain-on-exit', 'on');
      this.socketPath = (await this.tmux('display-message', '-p', '#{socket_path}')).trim();
    } else {
      await this.tmux('new-window', '-d', '-t', `${this.session}:`, '-n', o.name, '-c', o.cwd, command);
      await this.resize(o.name, this.cols, this.rows);
    }
    return Number((await this.tmux('display-message', '-p', '-t', this.target(o.name), '#{pane_pid}')).trim());
  }

  private target(name: string): string {
    return `${this.session}:${name}`;
  }

  /** One key, as tmux names it: "Enter", "Down", "Escape", "C-u", or a single character. */
  async key(name: string, key: string): Promise<void> {
    if (key.length === 1) await this.tmux('send-keys', '-t', this.target(name), '-l', key);
    else await this.tmux('send-keys', '-t', this.target(name), key);
  }

  /** Types text one character per send-keys, with a short pause, as a person would. */
  async type(name: string, text: string): Promise<void> {
    for (const ch of text) {
      await this.key(name, ch);
      await sleep(40);
    }
  }

  async capture(name: string): Promise<string> {
    return this.tmux('capture-pane', '-p', '-t', this.target(name));
  }

  /** The screen with lines the terminal wrapped joined again (a long path stays one line). */
  async captureJoined(name: string): Promise<string> {
    return this.tmux('capture-pane', '-p', '-J', '-t', this.target(name));
  }

  async resize(name: string, cols: number, rows: number): Promise<void> {
    await this.tmux('resize-window', '-t', this.target(name), '-x', String(cols), '-y', String(rows));
  }

  /** Whether the window's program has ended (remain-on-exit keeps the pane). */
  async dead(name: string): Promise<boolean> {
    return (await this.tmux('display-message', '-p', '-t', this.target(name), '#{pane_dead}')).trim() === '1';
  }

  /** Waits until the window's program ends; returns its exit status. Throws with the last screen at the deadline. */
  async waitExit(name: string, o: WaitOptions): Promise<number> {
    const until = performance.now() + o.timeoutMs;
    while (!(await this.dead(name))) {
      if (performance.now() >= until) {
        throw new Error(`waited ${Math.round(o.timeoutMs / 1000)} s for ${o.what}; the program still runs. The last screen of window ${name}:\n${await this.capture(name)}`);
      }
      await sleep(o.pollMs ?? 500);
    }
    return Number((await this.tmux('display-message', '-p', '-t', this.target(name), '#{pane_dead_status}')).trim());
  }

  /**
   * Closes the window like a terminal that goes away: tmux closes the pane's pty, and the kernel hangs up the
   * program's terminal (SIGHUP). The last window takes the session and the server with it; the next open()
   * starts them again.
   */
  async killWindow(name: string): Promise<void> {
    await this.tmux('kill-window', '-t', this.target(name));
    if (!(await this.tmux('has-session', '-t', this.session).then(() => true, () => false))) this.started = false;
  }

  /** Polls the screen until `pattern` shows; returns that screen. Throws with the last screen at the deadline. */
  async waitFor(name: string, pattern: RegExp, o: WaitOptions): Promise<string> {
    const until = performance.now() + o.timeoutMs;
    let screen: string;
    for (;;) {
      try {
        screen = await this.capture(name);
      } catch (e) {
        screen = `(capture-pane failed: ${e instanceof Error ? e.message : String(e)})`;
      }
      if (pattern.test(screen)) return screen;
      if (performance.now() >= until) {
        throw new Error(`waited ${Math.round(o.timeoutMs / 1000)} s for ${o.what} (${String(pattern)}); the last screen of window ${name}:\n${screen}`);
      }
      await sleep(o.pollMs ?? 500);
    }
  }

  /** Ends the tmux server of this socket (and every program in it). Safe to call twice. */
  async killServer(): Promise<void> {
    if (!this.started) {
      if (this.socketPath !== null) rmSync(this.socketPath, { force: true });
      return;
    }
    this.started = false;
    await this.tmux('kill-server').catch(() => undefined);
    // tmux leaves its socket file behind.
    if (this.socketPath !== null) rmSync(this.socketPath, { force: true });
  }
}
