// The whole plan's facts cross to the host once, however many steps and facts there are.
import { describe, expect, it } from 'vitest';
import { createLocalHost } from '../../src/host/local-host.js';
import { planHost } from '../../src/engine/plan-host.js';
import { defineStep } from '../../src/engine/step.js';
import { blocker } from '../../src/engine/finding.js';
import type { Fact } from '../../src/facts/fact.js';
import type { Manifest } from '../../src/manifest/schema.js';
import { preflightStep } from '../../steps/preflight.js';

const manifest = { stack: 'demo', version: '1.0.0', mode: 'rootless', questions: [], containers: [] } as unknown as Manifest;

const echoFact = (i: number): Fact<string> => ({ id: `echo-${i}`, probe: { argv: ['echo', `fact ${i}`] }, parse: (o) => o.stdout.trim() });

const manyFactsStep = defineStep<Record<string, string>>({
  id: 'many',
  title: 'Many facts',
  facts: () => Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, echoFact(i)])),
  check: (facts) => (facts.f39 === 'fact 39' ? [] : [blocker('wrong', `f39 was ${String(facts.f39)}`, '')]),
  plan: () => [],
});

const throwingStep = defineStep<{ x: string }>({
  id: 'throws',
  title: 'A parser that cannot read its answer',
  facts: () => ({ x: { id: 'bad', probe: { argv: ['true'] }, parse: () => { throw new Error('unexpected output'); } } }),
  check: () => [],
  plan: () => [],
});

describe('planHost', () => {
  it('gathers every fact of every step in exactly one round trip', async () => {
    const host = createLocalHost();
    const { plan } = await planHost(host, [preflightStep, manyFactsStep], manifest, {});
    expect(host.roundTrips).toBe(1);
    expect(plan.roundTrips).toBe(1);
    expect(plan.steps.map((s) => s.id)).toEqual(['preflight', 'many']);
    expect(plan.steps[1]?.findings).toEqual([]);
    expect(Object.keys(plan.factDigests)).toContain('echo-39');
  });

  it('turns a fact its parser cannot read into a blocker of that step, not a crash', async () => {
    const { plan } = await planHost(createLocalHost(), [throwingStep], manifest, {});
    expect(plan.steps[0]?.findings[0]).toMatchObject({ severity: 'blocker', code: 'fact-unreadable' });
    expect(plan.steps[0]?.findings[0]?.message).toContain('unexpected output');
    // The verdict a script reads first, at the top of the JSON.
    expect(plan).toMatchObject({ format: 'keelson-plan/2', blocked: true, blockerCount: 1 });
  });

  it('gives the same facts hash twice on an unchanged host', async () => {
    const a = await planHost(createLocalHost(), [preflightStep], manifest, {});
    const b = await planHost(createLocalHost(), [preflightStep], manifest, {});
    expect(a.plan.factsHash).toBe(b.plan.factsHash);
  });
});
