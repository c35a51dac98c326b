// The journal lives on the target, beside the backups, so whoever comes next (another workstation, support
// staff) can see what ran, what finished and what was interrupted. One JSON line before and after each action.
import type { Host } from '../host/host.js';
import { CommandFailedError } from '../host/host-error.js';

export const KEELSON_STATE_DIR = '/var/lib/keelson';
export const journalDir = `${KEELSON_STATE_DIR}/journal`;
export const backupDir = (runId: string) => `${KEELSON_STATE_DIR}/backups/${runId}`;

export type JournalEvent =
  | {
      readonly event: 'run-start';
      readonly runId: string;
      readonly stack: string;
      readonly actions: number;
      readonly factsHash: string;
      /** From a stack archive: which one and which key signed it (signedBy null: --allow-unsigned). */
      readonly archive?: { readonly file: string; readonly sumsSha256: string; readonly signedBy: string | null; readonly trustedComment: string | null };
    }
  | { readonly event: 'begin'; readonly index: number; readonly kind: string; readonly description: string }
  | { readonly event: 'done'; readonly index: number; readonly skipped?: boolean }
  | { readonly event: 'backup'; readonly index: number; readonly path: string; readonly backup: string }
  | { readonly event: 'failed'; readonly index: number; readonly error: string }
  | { readonly event: 'run-end'; readonly ok: boolean; readonly stopped?: true; readonly before?: number; readonly next?: string }

// Appends lines; the directory is "$1", the file "$2", the lines "$3"…: values never become shell code. The directory
// is made only when it is missing: a journal line is written before every action, and on a slow host the two
// processes (dirname, mkdir) each line cost were a fifth of what it costs.
/** sh that appends to the journal "$f" in the directory "$d" what `printf ARGS` prints (shared with journaled-host.ts). */
export const journalAppendSh = (printfArgs: string): string => `umask 077; { [ -d "$d" ] || mkdir -p "$d"; } && printf ${printfArgs} >> "$f"`;
export const JOURNAL_APPEND_SH = `d=$1; f=$2; shift 2; ${journalAppendSh('"%s\\n" "$@"')}`;

export class Journal {
  readonly path: string;

  constructor(
    private readonly host: Host,
    readonly runId: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.path = `${journalDir}/${runId}.jsonl`;
  }

  /** One event as its line in the file, for a script on the host that appends it itself (src/apply/guarded-file.ts). */
  line(event: JournalEvent): string {
    return JSON.stringify({ at: this.now().toISOString(), ...event });
  }

  /** Appends the events in one command: what happens back to back (one action's end, the next one's begin) costs one exec. */
  async write(...events: readonly JournalEvent[]): Promise<void> {
    if (events.length === 0) return;
    const lines = events.map((event) => this.line(event));
    const r = await this.host.run(['sh', '-c', JOURNAL_APPEND_SH, 'keelson-journal', journalDir, this.path, ...lines]);
    if (r.exitCode !== 0) throw new CommandFailedError(['journal append', this.path], r.exitCode, r.stderr);
  }
}

export interface JournalEntry {
  readonly at: string;
  readonly event: JournalEvent['event'];
  readonly [key: string]: unknown;
}

/** Parses a journal file; a torn last line (power cut mid-write) is ignored rather than fatal. */
export const parseJournal = (text: string): JournalEntry[] =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as JournalEntry];
      } catch {
        return [];
      }
    });
