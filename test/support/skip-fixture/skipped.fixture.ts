// Not part of the suite: test/support/skip-reporter.test.ts runs vitest on this file to see the skip reporter work.
import { expect, it } from 'vitest';

it('runs', () => {
  expect(1).toBe(1);
});

it('is skipped with a reason', (ctx) => {
  ctx.skip('needs something this machine lacks');
});
