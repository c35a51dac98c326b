// The time from process start to the wizard's first frame, in a real pseudo-terminal (script(1), 80x24 like the
// tmux test), for any way of starting keelson. Shared by the benchmarks; not a test.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

/** A POSIX shell word, for script's command line. */
const word = (s: string): string => (/^[A-Za-z0-9@%+=:,./_-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

/** Milliseconds until Welcome is drawn; the wizard is then told to quit. */
export const firstFrameMs = (argv: readonly string[], cwd: string, home: string): Promise<number> =>
  new Promise((ok, fail) => {
    const started = performance.now();
    // script gives the child a terminal (the wizard refuses to start without one).
    const child = spawn('script', ['-qfec', `stty cols 80 rows 24; exec ${argv.map(word).join(' ')}`, '/dev/null'], {
      cwd,
      env: { ...process.env, XDG_CONFIG_HOME: join(home, 'config'), XDG_STATE_HOME: join(home, 'state'), NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let seen = '';
    let drawn = false;
    // The wizard may be gone before the q arrives.
    child.stdin.on('error', () => undefined);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`no first frame within 120 s; output so far:\n${seen}`));
    }, 120_000);
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const text = stripVTControlCharacters(seen);
      if (!drawn && text.includes('Welcome') && text.includes('q quit')) {
        drawn = true;
        const ms = performance.now() - started;
        clearTimeout(timer);
        child.stdin.write('q');
        child.on('close', () => {
          ok(ms);
        });
        setTimeout(() => child.kill('SIGTERM'), 2_000).unref();
      }
    });
  });

/** The median of the runs. */
export const median = (times: readonly number[]): number => {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
