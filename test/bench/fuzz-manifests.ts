// The hostile tester at scale (not in npm test): `npm run fuzz` runs the generator of test/hostile/fuzz-inputs.ts
// for 100,000 seeded cases (FUZZ_CASES, FUZZ_SEED to change) and prints what became of them.
import { visibleValue } from '../../src/engine/visible-text.js';
import { runFuzz } from '../hostile/fuzz-run.js';

const cases = Number(process.env.FUZZ_CASES ?? 100_000);
const seed = Number(process.env.FUZZ_SEED ?? 12);
const r = runFuzz(seed, cases);
const refused = Object.entries(r.refused).sort(([, a], [, b]) => b - a);
const total = refused.reduce((n, [, c]) => n + c, 0);
const lines = [
  `fuzz: ${String(r.cases)} cases (seed ${String(seed)}) in ${(r.totalMs / 1000).toFixed(1)} s: ${String(r.byKind.manifest)} manifests, ${String(r.byKind.answers)} answers files, ${String(r.byKind.secrets)} secrets files`,
  `  accepted: ${String(r.accepted)}`,
  `  refused:  ${String(total)}`,
  ...refused.map(([field, n]) => `    ${field.padEnd(30)} ${String(n)}`),
  `  crashes:  ${String(r.crashCount)}`,
  ...r.crashes.map((c) => `    ${c.kind}: ${visibleValue(c.why)}\n      ${visibleValue(c.input.slice(0, 300))}`),
  `  slowest:  ${r.slowest.ms.toFixed(1)} ms (${r.slowest.kind}: ${visibleValue(r.slowest.input.slice(0, 80))}…)`,
];
process.stdout.write(`${lines.join('\n')}\n`);
process.exitCode = r.crashCount > 0 || r.slowest.ms >= 1000 ? 1 : 0;
