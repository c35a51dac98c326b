import { describe, expect, it } from 'vitest';
import { renderPlanText } from '../../src/engine/render-plan.js';
import { PLAN_FORMAT, planSchema, planVerdict, type Plan } from '../../src/engine/plan.js';
import { readPlan } from '../../src/engine/read-plan.js';

const plan = (steps: Plan['steps']): Plan => ({
  format: PLAN_FORMAT,
  ...planVerdict(steps),
  keelsonVersion: '0.1.0',
  createdAt: '2026-11-22T00:00:00.000Z',
  host: 'test host',
  stack: { name: 'demo', version: '1.0.0', mode: 'rootless' },
  factsHash: 'x',
  factDigests: {},
  inputs: { manifest: {}, answers: {} },
  roundTrips: 1,
  validationRoundTrips: 0,
  steps,
});

describe('plan text', () => {
  it('marks create, change, remove and run, and shows a unified diff for file changes', () => {
    const text = renderPlanText(
      plan([
        {
          id: 's',
          title: 'Step',
          findings: [
            { severity: 'info', code: 'i', message: 'an info', remedy: '' },
            { severity: 'blocker', code: 'b', message: 'a blocker', remedy: 'do this' },
          ],
          actions: [
            { kind: 'file.write', description: 'write /etc/new.conf', path: '/etc/new.conf', content: 'a=1\n', mode: '0644', owner: 'root', group: 'root', before: null },
            { kind: 'file.write', description: 'change /etc/old.conf', path: '/etc/old.conf', content: 'x=2\ny=1\n', mode: '0644', owner: 'root', group: 'root', before: 'x=1\ny=1\n' },
            { kind: 'file.remove', description: 'remove /etc/gone.conf', path: '/etc/gone.conf', before: 'z\n' },
            { kind: 'systemd.daemon-reload', description: 'reload systemd', target: { scope: 'system' } },
            { kind: 'podman.secret', description: 'create secret db-password', target: { scope: 'user', user: 'demo' }, name: 'db-password', source: { from: 'generate', length: 32 } },
          ],
        },
      ]),
    );
    expect(text).toContain('+ write /etc/new.conf');
    expect(text).toContain('~ change /etc/old.conf');
    expect(text).toContain('- remove /etc/gone.conf');
    expect(text).toContain('> reload systemd');
    expect(text).toMatch(/-x=1\n\s+\+x=2/);
    expect(text).toContain('+a=1');
    // Blockers come first and carry their remedy; the summary says nothing will be applied.
    expect(text.indexOf('a blocker')).toBeLessThan(text.indexOf('an info'));
    expect(text).toContain('→ do this');
    expect(text).toMatch(/1 blocker: nothing can be applied/);
  });

  it('ends a blocked plan with the list of its blockers: step, message, remedy', () => {
    const diff = { kind: 'file.write' as const, description: 'write /etc/big.conf', path: '/etc/big.conf', content: Array.from({ length: 300 }, (_, i) => `line ${i}`).join('\n'), mode: '0644', owner: 'root', group: 'root', before: null };
    const text = renderPlanText(
      plan([
        { id: 'storage', title: 'Storage: encrypted data mount, audit partition, auditd', findings: [{ severity: 'blocker', code: 'b1', message: '/home is not encrypted.', remedy: 'Put /home on LUKS2.' }], actions: [] },
        { id: 'quadlet', title: 'Quadlet units: containers', findings: [{ severity: 'warning', code: 'w', message: 'a warning', remedy: 'look' }, { severity: 'blocker', code: 'b2', message: 'Podman is too old.', remedy: '' }], actions: [diff] },
      ]),
    );
    const tail = text.slice(text.lastIndexOf('line 299'));
    expect(tail).toContain(
      [
        '2 blockers: nothing can be applied until they are fixed:',
        '  1. Storage: /home is not encrypted.',
        '       → Put /home on LUKS2.',
        '  2. Quadlet units: Podman is too old.',
        '',
      ].join('\n'),
    );
    expect(tail).not.toContain('a warning');
  });

  it('says so when there is nothing to do', () => {
    expect(renderPlanText(plan([{ id: 's', title: 'Step', findings: [], actions: [] }]))).toContain('Nothing to do');
  });
});

describe('the plan as JSON', () => {
  it('carries a top-level verdict a script can read first, and the schema refuses one that contradicts the steps', () => {
    const blocked = plan([{ id: 's', title: 'Step', findings: [{ severity: 'blocker', code: 'b', message: 'm', remedy: 'r' }, { severity: 'blocker', code: 'c', message: 'n', remedy: '' }], actions: [] }]);
    expect(Object.keys(JSON.parse(JSON.stringify(blocked)) as object).slice(0, 3)).toEqual(['format', 'blocked', 'blockerCount']);
    expect(planSchema.parse(blocked)).toMatchObject({ blocked: true, blockerCount: 2 });
    expect(planSchema.safeParse({ ...blocked, blocked: false, blockerCount: 0 }).success).toBe(false);
  });
});

describe('readPlan', () => {
  // A plan saved by keelson before the verdict existed, written out by hand as that version wrote it.
  const v1 = {
    format: 'keelson-plan/1',
    keelsonVersion: '0.1.0',
    createdAt: '2026-01-02T03:04:05.000Z',
    host: 'ssh root@192.0.2.10:22',
    stack: { name: 'demo', version: '1.0.0', mode: 'rootless' },
    factsHash: 'a'.repeat(64),
    factDigests: { 'os-release': '0123456789abcdef' },
    inputs: { manifest: { stack: 'demo' }, answers: { greeting: 'hi' } },
    roundTrips: 1,
    validationRoundTrips: 1,
    steps: [
      { id: 'preflight', title: 'Preflight', findings: [{ severity: 'info', code: 'os', message: 'Debian', remedy: '' }], actions: [{ kind: 'systemd.daemon-reload', description: 'reload', target: { scope: 'system' } }] },
      { id: 'storage', title: 'Storage', findings: [{ severity: 'blocker', code: 'data-not-encrypted', message: 'clear', remedy: 'encrypt' }], actions: [] },
    ],
  };

  it('still reads a saved format-1 plan, with its verdict brought forward from its steps', () => {
    const r = readPlan(v1);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.plan).toMatchObject({ format: PLAN_FORMAT, blocked: true, blockerCount: 1, factsHash: 'a'.repeat(64) });
    expect(planSchema.parse(r.plan).steps).toHaveLength(2);
  });

  it('refuses a plan of an unknown format, and says which it reads', () => {
    expect(readPlan({ ...v1, format: 'keelson-plan/9' })).toEqual({ ok: false, why: `format "keelson-plan/9": this keelson reads keelson-plan/1 and ${PLAN_FORMAT}` });
    expect(readPlan({ ...v1, steps: 'none' })).toMatchObject({ ok: false, why: expect.stringContaining('steps') as unknown });
  });
});
