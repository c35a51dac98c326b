// The CLI's promise to scripts that call it.
export const EXIT = {
  ok: 0, // done, or nothing to do
  failed: 1, // something went wrong on the way (the message says what)
  usage: 2, // bad usage or bad input (a manifest, an answers file, a flag)
  blocked: 3, // blockers found: nothing was applied
  upgradeAvailable: 4, // upgrade --check: the new version differs from what is deployed (nothing was changed)
} as const;

/** Bad input the operator can fix: exit 2 and a message, never a stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
