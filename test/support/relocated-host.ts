// This machine as a test host whose keelson state directory (/var/lib/keelson: journal, backups, state) is moved
// under a temp directory, so tests that really apply leave this machine's own state alone.
import { KEELSON_STATE_DIR as STATE } from '../../src/apply/journal.js';
import type { Fact } from '../../src/facts/fact.js';
import type { Host } from '../../src/host/host.js';

/** `inner` with every argument and path that starts with /var/lib/keelson moved under `root`. */
export const relocated = (inner: Host, root: string): Host => {
  const move = (s: string) => (s.startsWith(STATE) ? `${root}${s}` : s);
  return {
    label: inner.label,
    get roundTrips() {
      return inner.roundTrips;
    },
    run: (argv, options) => inner.run(argv.map(move), options),
    writeFile: (path, content, options) => inner.writeFile(move(path), content, options),
    readFile: (path) => inner.readFile(move(path)),
    ...(inner.hold === undefined ? {} : { hold: (argv: readonly string[], options?: Parameters<NonNullable<Host['hold']>>[1]) => (inner.hold as NonNullable<Host['hold']>).call(inner, argv.map(move), options) }),
    close: () => inner.close(),
  };
};

/**
 * A fact whose probe's arguments under /var/lib/keelson are moved under `root`. A fact script travels on stdin, where
 * `relocated` does not look; the id stays, so the answer is parsed as the original's.
 */
export const relocatedFact = <T>(f: Fact<T>, root: string): Fact<T> => {
  const move = (s: string) => (s.startsWith(STATE) ? `${root}${s}` : s);
  const p = f.probe;
  return { ...f, probe: 'argv' in p ? { ...p, argv: p.argv.map(move) } : { ...p, args: (p.args ?? []).map(move) } };
};
