// The fact answers recorded from the test VM (test/fixtures/hosts/, made by test/host-vm/record-host-fixtures.ts),
// read back for the steps' table tests: real answers through the real parsers, so a change in a parser, a renderer
// or a step's comparison shows as a failing test instead of agreeing with itself.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { makeStepPlans, stepInputs, type StepInput } from '../../src/engine/make-plan.js';
import type { Answers } from '../../src/engine/step.js';
import type { ProbeOutput } from '../../src/facts/fact.js';
import { parseManifest } from '../../src/manifest/load-manifest.js';
import type { Manifest } from '../../src/manifest/schema.js';
import { allSteps } from '../../steps/index.js';

const root = join(import.meta.dirname, '..', '..');

const fixtureSchema = z.object({
  recorded: z.object({ what: z.string(), by: z.string() }).loose(),
  stack: z.string(),
  answers: z.record(z.string(), z.string()),
  facts: z.record(z.string(), z.object({ exitCode: z.number().int(), stdout: z.string(), stderr: z.string() })),
});

export interface RecordedHost {
  readonly name: string;
  readonly manifest: Manifest;
  readonly answers: Answers;
  readonly raw: ReadonlyMap<string, ProbeOutput>;
}

/** test/fixtures/hosts/NAME.json, with the manifest it was recorded for (as the loader reads it today). */
export const recordedHost = (name: string): RecordedHost => {
  const doc = fixtureSchema.parse(JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'hosts', `${name}.json`), 'utf8')));
  const file = join(root, doc.stack);
  const parsed = parseManifest(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) throw new Error(`${doc.stack}: ${JSON.stringify(parsed.errors)}`);
  return { name, manifest: parsed.manifest, answers: doc.answers, raw: new Map(Object.entries(doc.facts)) };
};

/** Every step's plan from the recorded answers (some replaced), as `keelson plan` makes it before validation. */
export const recordedPlans = (h: RecordedHost, raw: Readonly<Record<string, ProbeOutput>> = {}) =>
  makeStepPlans(allSteps, h.manifest, h.answers, new Map([...h.raw, ...Object.entries(raw)])).plans;

/** One step's parsed facts and context from the recorded answers; `raw` may replace some answers first. */
export const recordedStep = (h: RecordedHost, id: string, raw: Readonly<Record<string, ProbeOutput>> = {}): StepInput => {
  const answers = new Map([...h.raw, ...Object.entries(raw)]);
  for (const input of stepInputs(allSteps, h.manifest, h.answers, answers)) {
    if (input.step.id !== id) continue;
    if (input.errors.length > 0) throw new Error(`${h.name}: the ${id} step's facts do not parse: ${input.errors.map((e) => e.message).join('; ')}`);
    return input;
  }
  throw new Error(`no step ${id}`);
};
