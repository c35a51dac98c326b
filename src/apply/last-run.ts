// How the last run on a host ended, read from its journal: finished, failed, or interrupted (no run-end) —
// and what a roll back could restore. One round trip: the newest journal and its roll-back mark together.
import { randomBytes } from 'node:crypto';
import type { Fact } from '../facts/fact.js';
import type { Host } from '../host/host.js';
import { CommandFailedError } from '../host/host-error.js';
import { journalDir, KEELSON_STATE_DIR, parseJournal, type JournalEntry } from './journal.js';

/** A roll back leaves this mark, so the same run is not offered again. */
export const rollbackDir = `${KEELSON_STATE_DIR}/rollbacks`;
export const rollbackMark = (runId: string) => `${rollbackDir}/${runId}.json`;

export interface JournaledRun {
  readonly runId: string;
  readonly journalPath: string;
  readonly stack: string;
  readonly startedAt: string;
  readonly state: 'ok' | 'failed' | 'interrupted';
  readonly rolledBack: boolean;
  readonly actions: number;
  readonly finished: number;
  readonly stoppedAt?: { readonly index: number; readonly description: string; readonly error?: string };
  readonly backups: readonly { readonly path: string; readonly backup: string }[];
  /** Descriptions of actions that finished without replacing a file: a roll back leaves them in place. */
  readonly created: readonly string[];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : -1);

/** Pure: a journal's entries → what happened. Null when it has no run-start (not a journal of ours). */
export const summarizeJournal = (journalPath: string, entries: readonly JournalEntry[], rolledBack = false): JournaledRun | null => {
  const start = entries.find((e) => e.event === 'run-start');
  if (start === undefined) return null;
  const begun = new Map<number, string>();
  const done = new Map<number, boolean>(); // index → skipped
  const backups: { path: string; backup: string }[] = [];
  const backedUp = new Set<number>();
  let failed: { index: number; error: string } | undefined;
  let end: boolean | undefined;
  let stoppedBefore: { index: number; next: string } | undefined;
  for (const e of entries) {
    if (e.event === 'begin') begun.set(num(e.index), str(e.description));
    else if (e.event === 'done') done.set(num(e.index), e.skipped === true);
    else if (e.event === 'backup') {
      backups.push({ path: str(e.path), backup: str(e.backup) });
      backedUp.add(num(e.index));
    } else if (e.event === 'failed') failed = { index: num(e.index), error: str(e.error) };
    else if (e.event === 'run-end') {
      end = e.ok === true;
      if (e.stopped === true) stoppedBefore = { index: num(e.before), next: str(e.next) };
    }
  }
  // Stopped by the operator between actions: as unfinished as an interruption, and resumed the same way.
  const state = end === undefined || stoppedBefore !== undefined ? 'interrupted' : end ? 'ok' : 'failed';
  const unfinished = [...begun.keys()].filter((i) => !done.has(i)).sort((a, b) => a - b)[0];
  const stoppedIndex = failed?.index ?? unfinished ?? stoppedBefore?.index;
  const created = [...done.entries()].filter(([i, skipped]) => !skipped && !backedUp.has(i)).map(([i]) => begun.get(i) ?? `action ${i + 1}`);
  return {
    runId: str(start.runId),
    journalPath,
    stack: str(start.stack),
    startedAt: start.at,
    state,
    rolledBack,
    actions: num(start.actions),
    finished: done.size,
    ...(stoppedIndex === undefined
      ? {}
      : { stoppedAt: { index: stoppedIndex, description: begun.get(stoppedIndex) ?? stoppedBefore?.next ?? '', ...(failed === undefined ? {} : { error: failed.error }) } }),
    backups,
    created,
  };
};

// "$1" journal directory, "$2" roll-back marks: prints the newest journal's path, whether it was rolled back, then it.
const NEWEST = [
  'f=$(ls -1t -- "$1"/*.jsonl 2>/dev/null | head -n 1)',
  '[ -n "$f" ] || exit 0',
  'id=$(basename -- "$f" .jsonl)',
  'if [ -e "$2/$id.json" ]; then m=1; else m=0; fi',
  'printf "%s\\n%s\\n" "$f" "$m"',
  'cat -- "$f"',
].join('\n');

const parseNewest = (stdout: string): JournaledRun | null => {
  const [path = '', mark = '0', ...rest] = stdout.split('\n');
  if (path === '') return null;
  return summarizeJournal(path, parseJournal(rest.join('\n')), mark === '1');
};

/** The same read as a fact, for a batch that gathers it with others (doctor). */
export const lastRunFact: Fact<JournaledRun | null> = {
  id: 'last-run',
  probe: { sh: NEWEST, args: [journalDir, rollbackDir] },
  parse: (o) => (o.exitCode === 0 ? parseNewest(o.stdout) : null),
  volatile: true,
};

export const readLastRun = async (host: Host): Promise<JournaledRun | null> => {
  const r = await host.run(['sh', '-c', NEWEST, 'keelson-last-run', journalDir, rollbackDir]);
  if (r.exitCode !== 0) throw new CommandFailedError(['read the newest journal in', journalDir], r.exitCode, r.stderr);
  return parseNewest(r.stdout);
};

// "$3" a file, "$4" a line that ends it: prints "present" and the file, or "absent"; then the newest journal as above.
const WITH_FILE = ['if [ -e "$3" ]; then printf \'present\\n\'; cat -- "$3"; printf \'\\n\'; else printf \'absent\\n\'; fi', 'printf \'%s\\n\' "$4"', NEWEST].join('\n');

/** The newest run and one file (the deployment record) in ONE round trip: what the wizard learns on connect. */
export const readLastRunAndFile = async (host: Host, path: string): Promise<{ readonly run: JournaledRun | null; readonly file: string | null }> => {
  const end = `@@keelson-end-${randomBytes(8).toString('hex')}`;
  const r = await host.run(['sh', '-c', WITH_FILE, 'keelson-last-run', journalDir, rollbackDir, path, end]);
  if (r.exitCode !== 0) throw new CommandFailedError(['read the newest journal in', journalDir, 'and', path], r.exitCode, r.stderr);
  const at = r.stdout.indexOf(`\n${end}\n`);
  if (at < 0) throw new CommandFailedError(['read', path, 'and the newest journal in', journalDir], r.exitCode, 'the answer was cut short');
  const [kind = '', ...content] = r.stdout.slice(0, at).split('\n');
  return { run: parseNewest(r.stdout.slice(at + end.length + 2)), file: kind === 'present' ? content.join('\n') : null };
};
