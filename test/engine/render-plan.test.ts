import { describe, expect, it } from 'vitest';
import { renderPlanText } from '../../src/engine/render-plan.js';
import type { Plan } from '../../src/engine/plan.js';

const plan = (steps: Plan['steps']): Plan => ({
  format: 'keelson-plan/1',
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

  it('says so when there is nothing to do', () => {
    expect(renderPlanText(plan([{ id: 's', title: 'Step', findings: [], actions: [] }]))).toContain('Nothing to do');
  });
});
