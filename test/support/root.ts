// Tests that need root (real accounts, files owned by other users, sudo). Skipped otherwise, with the reason the skip
// reporter prints, so a non-root run says what it did not prove (and CI, which runs as root, fails on any skip).
import { it, type TestContext } from 'vitest';

export const isRoot = process.getuid?.() === 0;

export const NEEDS_ROOT = 'needs root (creates real accounts, or files owned by other users): run npm test as root';

/** it(), skipped with NEEDS_ROOT when this process is not root. */
export const itAsRoot = (name: string, fn: (ctx: TestContext) => Promise<void> | void, timeout?: number): void => {
  it(
    name,
    async (ctx) => {
      if (!isRoot) ctx.skip(NEEDS_ROOT);
      await fn(ctx);
    },
    timeout,
  );
};
