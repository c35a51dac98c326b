// The CLI's promise to scripts that call it.
export const EXIT = {
  ok: 0, // done, or nothing to do
  failed: 1, // something went wrong on the way (the message says what)
  usage: 2, // bad usage or bad input (a manifest, an answers file, a flag)
  blocked: 3, // blockers found: nothing was applied
  upgradeAvailable: 4, // upgrade --check: the new version differs from what is deployed (nothing was changed)
} as const;

/** What each exit code means, in the words --help, the man page and the README's table use. */
export const EXIT_MEANINGS: readonly { readonly code: number; readonly meaning: string }[] = [
  { code: EXIT.ok, meaning: 'done, or nothing to do' },
  { code: EXIT.failed, meaning: 'failed (the message says what; the journal on the host says how far it got)' },
  { code: EXIT.usage, meaning: 'bad usage or bad input (a manifest, an answers file, a flag)' },
  { code: EXIT.blocked, meaning: 'blockers found: nothing was applied' },
  { code: EXIT.upgradeAvailable, meaning: 'upgrade --check: an upgrade is available (nothing was changed)' },
];

/** Bad input the operator can fix: exit 2 and a message, never a stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
