// The wizard's state machine, event by event: where back goes, what skip may do, which plan answer counts,
// and what is kept for next time (never a secret).
import { describe, expect, it } from 'vitest';
import { initialWizardState, progressOf, wizardReducer, type WizardEvent, type WizardState } from '../../screens/app/wizard-state.js';
import { blockedPlan, demoStack, dependentPlan, makePlan, quietStack } from './helpers/fixtures.js';

const run = (events: WizardEvent[], from: WizardState = initialWizardState(null, null)): WizardState => events.reduce(wizardReducer, from);

const toSteps: WizardEvent[] = [
  { type: 'start', continueSaved: false },
  { type: 'connected', target: { kind: 'local' }, label: 'this machine (root)', hostRun: null },
  { type: 'stack-loaded', stack: demoStack },
  { type: 'answered', answers: { domain: 'a.example', port: '8080' }, secrets: { 'admin-token': 'tok-123' } },
];
const planned = (request: number, plan = makePlan()): WizardEvent => ({ type: 'planned', request, planned: { plan, gatherMs: 5 } });

describe('wizardReducer', () => {
  it('walks Welcome → Target → Stack → Questions → Steps and asks for a plan', () => {
    const s = run(toSteps);
    expect(s.screen).toBe('step');
    expect(s.plan).toMatchObject({ status: 'running', request: 1 });
    expect(s.secrets).toEqual({ 'admin-token': 'tok-123' });
  });

  it('goes straight from Stack to the steps when the stack asks nothing', () => {
    const s = run([...toSteps.slice(0, 2), { type: 'stack-loaded', stack: quietStack }]);
    expect(s.screen).toBe('step');
    expect(s.plan.status).toBe('running');
  });

  it('drops the answer to an older plan request', () => {
    const s = run([...toSteps, { type: 'recheck' }, planned(1)]);
    expect(s.plan).toMatchObject({ status: 'running', request: 2 });
    expect(run([planned(2)], s).plan.status).toBe('ready');
  });

  it('moves through the steps to the Review, and back again one step at a time', () => {
    const s = run([...toSteps, planned(1), { type: 'next-step' }, { type: 'next-step' }, { type: 'next-step' }]);
    expect(s.screen).toBe('review');
    const back = run([{ type: 'back' }], s);
    expect(back).toMatchObject({ screen: 'step', stepIndex: 2 });
    expect(run([{ type: 'back' }, { type: 'back' }, { type: 'back' }], back)).toMatchObject({ screen: 'questions' });
  });

  it('skips a step without blockers (and moves on), and includes it again on a second s', () => {
    const s = run([...toSteps, planned(1), { type: 'skip-step' }]);
    expect(s).toMatchObject({ stepIndex: 1, skipped: ['preflight'] });
    expect(run([{ type: 'back' }, { type: 'skip-step' }], s).skipped).toEqual([]);
  });

  it('refuses to skip a step with a blocker', () => {
    const s = run([...toSteps, planned(1, blockedPlan()), { type: 'skip-step' }]);
    expect(s).toMatchObject({ stepIndex: 0, skipped: [] });
  });

  it('refuses to skip a step whose actions a later step builds on: the units would name a user never created', () => {
    const s = run([...toSteps, planned(1, dependentPlan()), { type: 'next-step' }, { type: 'skip-step' }]);
    expect(s).toMatchObject({ screen: 'step', stepIndex: 1, skipped: [] });
  });

  it('skips such a step once the steps that build on it are skipped, and then will not include those alone again', () => {
    const atUnits = run([...toSteps, planned(1, dependentPlan()), { type: 'next-step' }, { type: 'next-step' }, { type: 'skip-step' }]);
    expect(atUnits.skipped).toEqual(['units']);
    const both = run([{ type: 'back' }, { type: 'back' }, { type: 'skip-step' }], atUnits);
    expect(both).toMatchObject({ stepIndex: 2, skipped: ['units', 'accounts'] });
    // The units again, without the accounts they run as: refused.
    expect(run([{ type: 'skip-step' }], both).skipped).toEqual(['units', 'accounts']);
  });

  it('a new plan includes again a skipped step that a later step now builds on', () => {
    const s = run([...toSteps, planned(1), { type: 'next-step' }, { type: 'skip-step' }]);
    expect(s.skipped).toEqual(['accounts']);
    const replanned = run([{ type: 'recheck' }, planned(2, dependentPlan())], s);
    expect(replanned.skipped).toEqual([]);
  });

  it('refuses to confirm a Review with blockers: nothing is applied', () => {
    const s = run([...toSteps, planned(1, blockedPlan()), { type: 'next-step' }, { type: 'next-step' }, { type: 'next-step' }]);
    expect(s.screen).toBe('review');
    expect(run([{ type: 'review-confirmed' }], s).screen).toBe('review');
  });

  it('has no way back from Apply', () => {
    const s = run([...toSteps, planned(1), { type: 'next-step' }, { type: 'next-step' }, { type: 'next-step' }, { type: 'review-confirmed' }]);
    expect(s.screen).toBe('apply');
    expect(run([{ type: 'back' }], s).screen).toBe('apply');
  });

  it('continues a saved wizard: target, stack and answers come back, and the plan lands on the saved step', () => {
    const offer = { target: { kind: 'local' as const }, stackRef: 'quiet', answers: {}, screen: 'step' as const, stepIndex: 2, skipped: ['accounts'], savedAt: '2025-01-01T00:00:00Z' };
    let s = run([{ type: 'start', continueSaved: true }], initialWizardState(offer, null));
    expect(s).toMatchObject({ screen: 'target', target: { kind: 'local' }, stackRef: 'quiet', skipped: ['accounts'] });
    s = run([{ type: 'connected', target: { kind: 'local' }, label: 'l', hostRun: null }, { type: 'stack-loaded', stack: quietStack }, planned(1)], s);
    expect(s).toMatchObject({ screen: 'step', stepIndex: 2, skipped: ['accounts'], resume: null });
  });

  it('offers an unfinished run found on the host, and resuming it starts with its stack', () => {
    const hostRun = { runId: 'r1', journalPath: '/j', stack: 'demo', startedAt: 't', state: 'interrupted' as const, actions: 3, finished: 1, backups: [], created: [] };
    const s = run([{ type: 'start', continueSaved: false }, { type: 'connected', target: { kind: 'local' }, label: 'l', hostRun }]);
    expect(s.screen).toBe('host-run');
    expect(run([{ type: 'host-run-resolved', choice: 'resume' }], s)).toMatchObject({ screen: 'stack', stackRef: 'demo', resumingRun: hostRun });
  });
});

describe('progressOf', () => {
  it('keeps the place and the answers, never the secrets', () => {
    const s = run([...toSteps, planned(1), { type: 'next-step' }]);
    const p = progressOf(s, '2025-01-01T00:00:00Z');
    expect(p).toEqual({ target: { kind: 'local' }, stackRef: 'demo', answers: { domain: 'a.example', port: '8080' }, screen: 'step', stepIndex: 1, skipped: [], savedAt: '2025-01-01T00:00:00Z' });
    expect(JSON.stringify(p)).not.toContain('tok-123');
  });

  it('keeps nothing before a target is chosen, or after a finished apply', () => {
    expect(progressOf(initialWizardState(null, null), 'x')).toBeNull();
    const applied = run([...toSteps, planned(1), { type: 'applied', outcome: { ok: true, stopped: false, runId: 'r', journalPath: 'j', done: 5, skipped: 0 } }]);
    expect(progressOf(applied, 'x')).toBeNull();
  });
});

describe('the LUKS setup from the wizard', () => {
  const atStorage = () => run([...toSteps, planned(1)]);

  it('puts the request in the answers and plans again, on the same step: nothing is applied', () => {
    const s = run([{ type: 'next-step' }, { type: 'luks-requested', request: { device: '/dev/disk/by-id/virtio-data', keyFile: '' } }], atStorage());
    expect(s.answers).toEqual({ domain: 'a.example', port: '8080', 'keelson.luks-device': '/dev/disk/by-id/virtio-data' });
    expect(s).toMatchObject({ screen: 'step', stepIndex: 1, plan: { status: 'running', request: 2 } });
    expect(s.outcome).toBeNull();
  });

  it('keeps a key file other than the default, and drops the whole request when asked to', () => {
    const s = run([{ type: 'luks-requested', request: { device: '/dev/vdb', keyFile: '/etc/keys/home.key' } }], atStorage());
    expect(s.answers).toMatchObject({ 'keelson.luks-device': '/dev/vdb', 'keelson.luks-key-file': '/etc/keys/home.key' });
    const dropped = run([planned(2), { type: 'luks-requested', request: null }], s);
    expect(dropped.answers).toEqual({ domain: 'a.example', port: '8080' });
  });

  it('forgets the request once an apply succeeded: the disk is encrypted, a new plan must not set it up again', () => {
    const s = run([{ type: 'luks-requested', request: { device: '/dev/vdb', keyFile: '' } }, planned(2), { type: 'applied', outcome: { ok: true, stopped: false, runId: 'r', journalPath: 'j', done: 9, skipped: 0 } }], atStorage());
    expect(s.answers).toEqual({ domain: 'a.example', port: '8080' });
    const failed = run([{ type: 'luks-requested', request: { device: '/dev/vdb', keyFile: '' } }, planned(2), { type: 'applied', outcome: { ok: false, stopped: false, runId: 'r', journalPath: 'j', done: 1, skipped: 0 } }], atStorage());
    expect(failed.answers).toMatchObject({ 'keelson.luks-device': '/dev/vdb' });
  });
});

describe('a host whose record names a stack', () => {
  const record = { kind: 'stacks' as const, stacks: [{ name: 'demo', version: '1.0.0', mode: 'rootless' as const, failed: null }] };
  const hostRun = { runId: 'r1', journalPath: '/j', stack: 'demo', startedAt: 't', state: 'interrupted' as const, actions: 3, finished: 1, backups: [], created: [] };
  const connected = (o: { hostRun?: typeof hostRun; record?: typeof record | { kind: 'none' } | { kind: 'unreadable'; why: string } } = {}): WizardEvent => ({
    type: 'connected',
    target: { kind: 'local' },
    label: 'l',
    hostRun: o.hostRun ?? null,
    record: o.record ?? record,
  });
  const fresh: WizardEvent = { type: 'start', continueSaved: false };

  it('asks what to do first; Troubleshoot and back, then install goes on to the Stack, and back returns to the choice', () => {
    const s = run([fresh, connected()]);
    expect(s).toMatchObject({ screen: 'deployed', record });
    const t = run([{ type: 'deployed-chosen', choice: 'troubleshoot' }], s);
    expect(t.screen).toBe('troubleshoot');
    expect(run([{ type: 'back' }], t).screen).toBe('deployed');
    const i = run([{ type: 'deployed-chosen', choice: 'install' }], s);
    expect(i.screen).toBe('stack');
    expect(run([{ type: 'back' }], i).screen).toBe('deployed');
    expect(run([{ type: 'back' }], s).screen).toBe('target');
    // A choice that arrives on another screen changes nothing.
    expect(run([{ type: 'deployed-chosen', choice: 'troubleshoot' }], i).screen).toBe('stack');
  });

  it.each(['uninstall', 'upgrade'] as const)('%s opens its screen, back returns to the choice; not with a record keelson cannot read', (choice) => {
    const s = run([fresh, connected()]);
    const u = run([{ type: 'deployed-chosen', choice }], s);
    expect(u.screen).toBe(choice);
    expect(run([{ type: 'back' }], u).screen).toBe('deployed');
    expect(progressOf(u, 'x')?.screen).toBe('target');
    const unreadable = run([fresh, connected({ record: { kind: 'unreadable', why: 'not JSON' } })]);
    expect(run([{ type: 'deployed-chosen', choice }], unreadable).screen).toBe('deployed');
  });

  it('a host without one goes to the Stack as before, with or without the record field', () => {
    expect(run([fresh, connected({ record: { kind: 'none' } })]).screen).toBe('stack');
    expect(run([fresh, { type: 'connected', target: { kind: 'local' }, label: 'l', hostRun: null }]).screen).toBe('stack');
  });

  it('an unfinished run comes first: resume goes to the Stack; leaving it goes to the choice', () => {
    const s = run([fresh, connected({ hostRun })]);
    expect(s.screen).toBe('host-run');
    expect(run([{ type: 'host-run-resolved', choice: 'resume' }], s)).toMatchObject({ screen: 'stack', resumingRun: hostRun });
    expect(run([{ type: 'host-run-resolved', choice: 'leave' }], s).screen).toBe('deployed');
    expect(run([{ type: 'host-run-resolved', choice: 'rolled-back' }], s).screen).toBe('deployed');
  });

  it('continuing a saved wizard past its target does not ask again; one saved at the target does', () => {
    const saved = (screen: 'target' | 'review') => initialWizardState({ target: { kind: 'local' }, stackRef: 'demo', answers: {}, screen, stepIndex: 0, skipped: [], savedAt: 'x' }, null);
    expect(run([{ type: 'start', continueSaved: true }, connected()], saved('review')).screen).toBe('stack');
    expect(run([{ type: 'start', continueSaved: true }, connected()], saved('target')).screen).toBe('deployed');
  });

  it('keeps the target as the place to continue from, on either screen', () => {
    const s = run([fresh, connected()]);
    expect(progressOf(s, 'x')?.screen).toBe('target');
    expect(progressOf(run([{ type: 'deployed-chosen', choice: 'troubleshoot' }], s), 'x')?.screen).toBe('target');
  });
});
