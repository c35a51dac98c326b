// The journal lines due before an action (the previous action's end, this one's begin) ride on the action's first
// command instead of an exec of their own: on a slow host one exec is a new channel and a new shell, and every action
// paid one just for its journal line. The lines are still appended on the host before the action's command runs, by
// the same append (journalAppendSh), and a failed append stops there: the command does not run.
//
// Only a command keelson runs as root with no environment of its own is prefixed: one run as another user is
// wrapped by the Host (runuser, sudo -u) around the whole argv, and the journal is root's. Any other first use of
// the host (such a command, a file read or write) sends the lines on their own first, as before. No executor holds a
// command (only the apply lock does, outside any action), so this Host has no hold().
import type { Host, RunOptions } from '../host/host.js';
import { journalAppendSh, journalDir, type Journal, type JournalEvent } from './journal.js';

/** The exit code of a prefixed command whose journal lines could not be appended (nothing else ran). */
export const JOURNAL_FAILED_EXIT = 86;

// "$1" the journal directory, "$2" the file, "$3" how many lines follow, then those lines, then the command.
const PREFIX_SH = `d=$1; f=$2; n=$3; shift 3
k_l=''; k_i=0
while [ "$k_i" -lt "$n" ]; do k_l="$k_l$1
"; shift; k_i=$((k_i + 1)); done
( ${journalAppendSh(`'%s' "$k_l"`)} ) || { echo "keelson: could not append to the journal $f" >&2; exit ${String(JOURNAL_FAILED_EXIT)}; }
exec "$@"`;

export interface JournaledHost {
  readonly host: Host;
  /** The lines not yet sent (the action used no host at all): for the next append. */
  unsent(): readonly JournalEvent[];
}

const foldable = (options: RunOptions | undefined): boolean => options?.asUser === undefined && options?.env === undefined;

/** `inner`, whose first use sends `events` to the journal first: folded into that command when it can be. */
export const journaledHost = (inner: Host, journal: Journal, events: readonly JournalEvent[]): JournaledHost => {
  let due: readonly JournalEvent[] = events;
  const take = (): readonly JournalEvent[] => {
    const lines = due;
    due = [];
    return lines;
  };
  const first = async (): Promise<void> => {
    const lines = take();
    if (lines.length > 0) await journal.write(...lines);
  };
  const host: Host = {
    label: inner.label,
    get roundTrips() {
      return inner.roundTrips;
    },
    run: async (argv, options) => {
      if (due.length > 0 && foldable(options)) {
        const lines = take().map((e) => journal.line(e));
        return inner.run(['sh', '-c', PREFIX_SH, 'keelson-journaled', journalDir, journal.path, String(lines.length), ...lines, ...argv], options);
      }
      await first();
      return inner.run(argv, options);
    },
    writeFile: async (path, content, options) => {
      await first();
      return inner.writeFile(path, content, options);
    },
    readFile: async (path) => {
      await first();
      return inner.readFile(path);
    },
    close: () => inner.close(),
  };
  return { host, unsent: () => due };
};

/** A command as journaledHost sent it: the journal lines it carried and the command itself (for what reads argv). */
export const splitJournaled = (argv: readonly string[]): { readonly lines: readonly string[]; readonly argv: readonly string[] } => {
  if (argv[0] !== 'sh' || argv[2] !== PREFIX_SH) return { lines: [], argv };
  const n = Number(argv[6]);
  return { lines: argv.slice(7, 7 + n), argv: argv.slice(7 + n) };
};
