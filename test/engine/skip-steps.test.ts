// Skipping a step in the wizard: the plan records which earlier steps' actions each step was planned with, the real
// steps declare it (sockets and quadlet on identity, and so on), and a skip that would leave a later step naming
// users, groups or directories that will not exist is refused with the reason.
import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/engine/action.js';
import { makeStepPlans } from '../../src/engine/make-plan.js';
import type { StepPlan } from '../../src/engine/plan.js';
import { includeRefusal, skipRefusal, validSkips } from '../../src/engine/skip-steps.js';
import { defineStep } from '../../src/engine/step.js';
import type { Manifest } from '../../src/manifest/schema.js';
import { quadletStep } from '../../steps/quadlet.js';
import { socketsStep } from '../../steps/sockets.js';
import { LUKS_DEVICE_ANSWER } from '../../steps/storage/setup-request.js';
import { ctxFor, rootful, rootless } from '../steps/identity/fixtures.js';

const account: Action = { kind: 'user.create', description: 'user demo (UID 1001)', name: 'demo', uid: 1001, gid: 1001, home: '/home/demo', shell: '/usr/sbin/nologin', groups: [], system: false };
const tmpfiles: Action = { kind: 'tmpfiles.create', description: 'create /run/demo now', path: '/etc/tmpfiles.d/keelson-demo.conf' };

describe('makeStepPlans', () => {
  it("records what each step builds on, as the step declares it from its facts and context", () => {
    const maker = defineStep<Record<string, never>>({ id: 'maker', title: 'Maker: users', facts: () => ({}), check: () => [], plan: () => [account] });
    const user = defineStep<Record<string, never>>({
      id: 'user',
      title: 'User: directories',
      facts: () => ({}),
      check: () => [],
      plan: () => [tmpfiles],
      buildsOn: (_f, ctx) => [{ step: 'maker', why: `the directories of ${ctx.manifest.stack} belong to the users it creates` }],
    });
    const { plans } = makeStepPlans([maker, user], { stack: 'demo' } as Manifest, {}, new Map());
    expect(plans[0]?.buildsOn).toBeUndefined();
    expect(plans[1]?.buildsOn).toEqual([{ step: 'maker', why: 'the directories of demo belong to the users it creates' }]);
  });
});

describe('what the real steps build on', () => {
  const ids = (xs: readonly { step: string }[] | undefined) => (xs ?? []).map((x) => x.step);
  const facts = {} as never;

  it('sockets: the identity step (owners, groups, the probe user) and preflight (Podman for the probe)', () => {
    expect(ids(socketsStep.buildsOn?.(facts, ctxFor(rootless)))).toEqual(['preflight', 'identity']);
    expect(ids(socketsStep.buildsOn?.(facts, ctxFor({ ...rootless, sockets: [] })))).toEqual([]);
  });

  it('quadlet: preflight, identity, sockets when there are socket directories, storage only when it sets up LUKS', () => {
    expect(ids(quadletStep.buildsOn?.(facts, ctxFor(rootless)))).toEqual(['preflight', 'identity', 'sockets']);
    expect(ids(quadletStep.buildsOn?.(facts, ctxFor({ ...rootful, sockets: [] })))).toEqual(['preflight', 'identity']);
    const luks = { ...ctxFor(rootless), answers: { [LUKS_DEVICE_ANSWER]: '/dev/vdb' } };
    expect(ids(quadletStep.buildsOn?.(facts, luks))).toEqual(['preflight', 'identity', 'sockets', 'storage']);
    expect(quadletStep.buildsOn?.(facts, ctxFor(rootless))[1]?.why).toContain('the units belong to demo');
  });
});

const step = (id: string, title: string, actions: StepPlan['actions'], buildsOn?: StepPlan['buildsOn']): StepPlan => ({
  id,
  title,
  findings: [],
  actions,
  ...(buildsOn === undefined ? {} : { buildsOn }),
});

const plan = {
  steps: [
    step('identity', 'Identity: users, groups, subordinate IDs and linger', [account]),
    step('sockets', 'Sockets: socket directories', [tmpfiles], [{ step: 'identity', why: 'the socket directories belong to the users it creates' }]),
    step('quadlet', 'Quadlet units: containers', [tmpfiles], [{ step: 'identity', why: 'the units run as its users' }, { step: 'sockets', why: 'the containers mount its directories' }]),
  ],
};

describe('skipRefusal / includeRefusal', () => {
  it('refuses to skip identity while sockets and quadlet build on it, naming both and why', () => {
    expect(skipRefusal(plan, [], 'identity')).toBe(
      'Sockets builds on its actions (the socket directories belong to the users it creates); Quadlet units builds on its actions (the units run as its users).',
    );
  });

  it('allows it once every step that builds on it is skipped too, and a step nothing builds on at once', () => {
    expect(skipRefusal(plan, [], 'quadlet')).toBeNull();
    expect(skipRefusal(plan, ['quadlet'], 'sockets')).toBeNull();
    expect(skipRefusal(plan, ['quadlet', 'sockets'], 'identity')).toBeNull();
  });

  it('allows skipping a step that plans nothing, whatever builds on it', () => {
    const idle = { steps: [step('identity', 'Identity: users', []), ...plan.steps.slice(1)] };
    expect(skipRefusal(idle, [], 'identity')).toBeNull();
  });

  it('refuses to include a step again while an earlier step it builds on is skipped', () => {
    expect(includeRefusal(plan, ['quadlet', 'sockets', 'identity'], 'sockets')).toBe(
      'it builds on Identity (the socket directories belong to the users it creates), which you skipped: include it first.',
    );
    expect(includeRefusal(plan, ['quadlet', 'sockets'], 'sockets')).toBeNull();
  });

  it('keeps of the old skips only those the new plan allows', () => {
    expect(validSkips(plan, ['identity'])).toEqual([]);
    expect(validSkips(plan, ['identity', 'sockets', 'quadlet', 'gone'])).toEqual(['identity', 'sockets', 'quadlet']);
    expect(validSkips(plan, ['identity', 'quadlet'])).toEqual(['quadlet']);
  });
});
