// Issue 12, "must show": a seeded hostile tester in npm test. 2,100 mutated manifests, answers files and secrets files
// from the bundled stacks; each ends in a clear refusal naming a field, or in units that keep the golden files'
// rules. Never a crash, never over a second. test/bench/fuzz-manifests.ts runs the same generator at 100,000.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { checkManifest, sources } from './fuzz-inputs.js';
import { runFuzz } from './fuzz-run.js';

vi.setConfig({ testTimeout: 120_000 });

describe('hostile inputs, generated (seeded)', () => {
  beforeAll(() => {
    // Compile the loader and the renderer once, so the first case is timed like the others.
    for (const s of sources()) checkManifest(s.text);
  });

  it.each([1, 2, 3])('seed %d: 700 cases, each refused with a field or rendered within the golden rules, each under 1 s', (seed) => {
    const report = runFuzz(seed, 700);
    expect(report.crashes, JSON.stringify(report.crashes, null, 2)).toEqual([]);
    expect(report.slowest.ms, report.slowest.input).toBeLessThan(1000);
    // The generator reaches both outcomes and all three kinds of input, or it proves nothing.
    expect(report.accepted).toBeGreaterThan(50);
    expect(Object.values(report.refused).reduce((a, b) => a + b, 0)).toBeGreaterThan(200);
    expect(Math.min(...Object.values(report.byKind))).toBeGreaterThan(50);
  });
});
