import { describe, expect, it } from 'vitest';
import { renderTimings, slowestProbes } from '../../src/engine/render-timings.js';

const timings = { gatherMs: 41_230, validationMs: 3_100, probeMs: { 'storage-volume:/home': 20_310, 'quadlet-state:demo': 6_020, tools: 40, os: 40, lsblk: 10 } };

describe('the --timings view', () => {
  it('names the slowest probes first, ties in id order', () => {
    expect(slowestProbes(timings).map(([id]) => id)).toEqual(['storage-volume:/home', 'quadlet-state:demo', 'os', 'tools', 'lsblk']);
  });

  it("says the round trip, the probes' own sum, and the slowest, the rest summed", () => {
    expect(renderTimings(timings, 3)).toBe(
      [
        "Facts: 41.23 s for the fact script's round trip, 3.10 s for validation.",
        "Probes: 5, 26.42 s of their own time in all (the rest is the connection and the script's framing).",
        'Slowest probes:',
        '  20.31 s  storage-volume:/home',
        '   6.02 s  quadlet-state:demo',
        '   0.04 s  os',
        '  … 2 more, 0.05 s together',
        '',
      ].join('\n'),
    );
  });

  it('says so when a saved plan carries no timings', () => {
    expect(renderTimings(undefined)).toMatch(/^No timings in this plan/);
  });
});
