// Runs the generator of fuzz-inputs.ts for N seeded cases and counts what became of them.
import { parseManifest } from '../../src/manifest/load-manifest.js';
import type { Manifest } from '../../src/manifest/schema.js';
import { checkManifest, checkValuesFile, mutatedManifest, rng, sources, valuesFile, type Outcome } from './fuzz-inputs.js';

export interface FuzzReport {
  readonly cases: number;
  readonly byKind: Record<'manifest' | 'answers' | 'secrets', number>;
  readonly accepted: number;
  readonly refused: Record<string, number>;
  /** Exceptions and rule violations, with the input that caused them (first few). */
  readonly crashes: { readonly kind: string; readonly why: string; readonly input: string }[];
  readonly crashCount: number;
  readonly slowest: { readonly ms: number; readonly kind: string; readonly input: string };
  readonly totalMs: number;
}

const manifestOf = (text: string): Manifest => {
  const r = parseManifest(text, 'source.yaml');
  if (!r.ok) throw new Error('a bundled stack does not validate');
  return r.manifest;
};

export const runFuzz = (seed: number, cases: number): FuzzReport => {
  const r = rng(seed);
  const stacks = sources();
  const parsed = stacks.map((s) => manifestOf(s.text));
  const report = { cases, byKind: { manifest: 0, answers: 0, secrets: 0 }, accepted: 0, refused: {} as Record<string, number>, crashes: [] as FuzzReport['crashes'][number][], crashCount: 0, slowest: { ms: 0, kind: '', input: '' }, totalMs: 0 };
  const started = performance.now();
  for (let i = 0; i < cases; i++) {
    const which = r.int(100);
    const kind = which < 70 ? 'manifest' : which < 85 ? 'answers' : 'secrets';
    const s = r.int(stacks.length);
    const m = parsed[s] as Manifest;
    const input =
      kind === 'manifest'
        ? mutatedManifest(r, stacks[s]?.text ?? '')
        : valuesFile(r, kind, kind === 'answers' ? m.questions.map((q) => q.id) : m.secrets.map((x) => x.name));
    const t = performance.now();
    let outcome: Outcome;
    try {
      outcome = kind === 'manifest' ? checkManifest(input) : checkValuesFile(input, kind, m);
    } catch (e) {
      outcome = { kind: 'violation', why: `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` };
    }
    const ms = performance.now() - t;
    report.byKind[kind] += 1;
    if (ms > report.slowest.ms) report.slowest = { ms, kind, input: input.slice(0, 200) };
    if (outcome.kind === 'accepted') report.accepted += 1;
    else if (outcome.kind === 'refused') report.refused[`${kind}:${outcome.field}`] = (report.refused[`${kind}:${outcome.field}`] ?? 0) + 1;
    else {
      report.crashCount += 1;
      if (report.crashes.length < 5) report.crashes.push({ kind, why: outcome.why, input: input.slice(0, 2000) });
    }
  }
  report.totalMs = performance.now() - started;
  return report;
};
