// Table tests of the step: facts in → findings and actions out (the pyinfra way). No host involved.
import { describe, expect, it } from 'vitest';
import { actionSchema, type Action } from '../../../src/engine/action.js';
import type { StepContext } from '../../../src/engine/step.js';
import type { Manifest } from '../../../src/manifest/schema.js';
import { quadletStep } from '../../../steps/quadlet.js';
import { checkQuadlet } from '../../../steps/quadlet/check.js';
import type { QuadletFacts } from '../../../steps/quadlet/desired.js';
import type { UnitFileOnHost } from '../../../steps/quadlet/facts.js';
import { planQuadlet } from '../../../steps/quadlet/plan.js';
import { renderStack } from '../../../steps/quadlet/render-stack.js';
import { withHeader } from '../../../steps/quadlet/unit-header.js';
import { LUKS_DEVICE_ANSWER } from '../../../steps/storage/setup-request.js';
import { LUKS_UUID, luksVolume, plainVolume } from '../storage/support.js';
import { answersFor, freshQuadletFacts, loadStack, resolved } from './fixtures.js';
import type { ProbeOutput } from '../../../src/facts/fact.js';
import { recordedHost, recordedPlans, recordedStep } from '../../support/recorded-host.js';

const demo = loadStack('demo');
const HOME = '/home/keelson-demo';
const Q = `${HOME}/.config/containers/systemd`;
const S = `${HOME}/.config/systemd/user`;
const DIRS = [`${HOME}/.config`, `${HOME}/.config/containers`, Q, `${HOME}/.config/systemd`, S];

const ctxFor = (manifest: Manifest = demo): StepContext => ({ manifest, answers: answersFor.demo ?? {}, resolved });

/** What is on a host where this manifest was applied before (same Podman, SELinux off). */
const deployed = (manifest: Manifest = demo): UnitFileOnHost[] =>
  renderStack(manifest, { podman: { major: 5, minor: 4 }, selinux: false, resolved, answers: answersFor.demo ?? {} }).files.map((f) => ({
    dir: f.dir,
    name: f.name,
    content: f.content,
  }));

const fresh = freshQuadletFacts();

const UNITS = ['api.service', 'web.service', 'page.service', 'demo.target'];
const running = new Map(UNITS.map((u) => [u, 'active']));

const deployedNoState: QuadletFacts = {
  units: { home: HOME, existingDirs: DIRS, files: deployed(), enabled: true },
  podman: { major: 5, minor: 4, patch: 2 },
  podmanPackage: [{ name: 'podman', installed: '5.4.2+ds1-2', candidate: '5.4.2+ds1-2' }],
  selinux: 'disabled',
  secrets: { ok: true, names: ['demo-token'] },
  images: { ok: true, names: ['localhost/keelson-demo:1'] },
  unitStates: running,
  busybox: '/usr/bin/busybox',
  volume: luksVolume(),
  state: { kind: 'absent' },
};

// Rendered by the code under test: only for the cases about what changed. What an unchanged host looks like is
// recorded from the real test host (the describe block at the end).

/** The state file an earlier apply of the same manifest wrote. */
const stateAfterApply = (facts: QuadletFacts, ctx: StepContext): string => {
  const write = planQuadlet(facts, ctx).find((a) => a.kind === 'state.write');
  if (write?.kind !== 'state.write') throw new Error('no state.write planned');
  return write.content;
};

const unchanged: QuadletFacts = { ...deployedNoState, state: { kind: 'present', content: stateAfterApply(deployedNoState, ctxFor()) } };

const withFiles = (files: UnitFileOnHost[], over: Partial<QuadletFacts['units']> = {}): QuadletFacts => ({
  ...unchanged,
  units: { ...unchanged.units, files, ...over },
});

const edit = (name: string, f: (content: string) => string): UnitFileOnHost[] =>
  deployed().map((x) => (x.name === name && x.content !== null ? { ...x, content: f(x.content) } : x));

const summary = (actions: Action[]): string[] =>
  actions.map((a) => {
    if (a.kind === 'file.write') return `${a.before === null ? '+' : '~'} ${a.path}`;
    if (a.kind === 'file.remove') return `- ${a.path}`;
    if (a.kind === 'dir.ensure') return `dir ${a.path}`;
    if (a.kind === 'systemd.unit') return `${a.verb} ${a.unit}${a.noBlock === true ? ' (no-block)' : ''}`;
    if (a.kind === 'stack.wait-healthy') return `wait ${a.units.join(' ')} healthy ${a.healthy.map((h) => h.container).join(' ')}`;
    return a.kind;
  });

const codes = (facts: QuadletFacts, ctx = ctxFor()) => checkQuadlet(facts, ctx).map((f) => `${f.severity}:${f.code}`);

describe('quadlet plan', () => {
  const table: [string, QuadletFacts, StepContext, string[]][] = [
    [
      'a fresh host: directories, secret, image, every file, reload, enable',
      fresh,
      ctxFor(),
      [
        ...DIRS.map((d) => `dir ${d}`),
        'podman.secret',
        'podman.image-build',
        `+ ${Q}/api.container`,
        `+ ${Q}/web.container`,
        `+ ${Q}/page.container`,
        `+ ${Q}/demo-backend.network`,
        `+ ${Q}/demo-edge.network`,
        `+ ${Q}/demo-content.volume`,
        `+ ${S}/demo.target`,
        'systemd.daemon-reload',
        'enable-now demo.target (no-block)',
        'wait api.service web.service page.service demo.target healthy api web',
        'state.write',
      ],
    ],
    ['unchanged but never enabled: enable, wait', withFiles(deployed(), { enabled: false }), ctxFor(), ['enable-now demo.target (no-block)', 'wait api.service web.service page.service demo.target healthy api web']],
    ['deployed by an older keelson without a state file: record it', deployedNoState, ctxFor(), ['state.write']],
    [
      'a container left the manifest: stop it, remove its file, reload, start',
      withFiles([...deployed(), { dir: 'quadlet', name: 'old.container', content: withHeader('demo', '[Container]\nImage=x\n') }]),
      ctxFor(),
      ['stop old.service', `- ${Q}/old.container`, 'systemd.daemon-reload', 'start demo.target (no-block)', 'wait api.service web.service page.service demo.target healthy api web'],
    ],
    [
      'a container\'s unit changed: update, reload, restart it, start',
      withFiles(deployed({ ...demo, containers: demo.containers.map((c) => (c.name === 'web' ? { ...c, env: { DEMO_ROLE: 'old' } } : c)) })),
      ctxFor(),
      [`~ ${Q}/web.container`, 'systemd.daemon-reload', 'restart web.service (no-block)', 'start demo.target (no-block)', 'wait api.service web.service page.service demo.target healthy api web'],
    ],
    [
      // The version is in the record only, not in any unit file: a bump alone rewrites nothing and restarts nothing.
      'only the version changed: no file is rewritten, nothing restarts, only the record moves',
      { ...unchanged, state: { kind: 'present', content: stateAfterApply(deployedNoState, ctxFor({ ...demo, version: '0.9.0' })) } },
      ctxFor(),
      ['state.write'],
    ],
    ['a hand-edited file is never overwritten', withFiles(edit('web.container', (c) => `${c}Environment=X=1\n`)), ctxFor(), []],
    ['Podman unknown: nothing can be planned', { ...fresh, podmanPackage: [] }, ctxFor(), []],
  ];

  it.each(table)('%s', (_name, facts, ctx, expected) => {
    const actions = planQuadlet(facts, ctx);
    expect(summary(actions)).toEqual(expected);
    for (const a of actions) expect(actionSchema.safeParse(a).success, a.description).toBe(true);
  });

  it('registry images missing in the scope are pulled (once each) before the start; present ones are not', () => {
    const registry: Manifest = {
      ...demo,
      containers: demo.containers.map((c) => {
        const { imageBuild: _build, ...rest } = c;
        return { ...rest, image: c.name === 'api' ? 'docker.io/library/postgres:16' : 'docker.io/library/nginx:1.27' };
      }),
    };
    const pulls = (names: string[]) =>
      planQuadlet({ ...unchanged, images: { ok: true, names } }, ctxFor(registry)).filter((a) => a.kind === 'podman.image-pull');
    expect(pulls([]).map((a) => [a.description, a.image, a.target])).toEqual([
      ['pull image docker.io/library/postgres:16 as keelson-demo', 'docker.io/library/postgres:16', { scope: 'user', user: 'keelson-demo' }],
      ['pull image docker.io/library/nginx:1.27 as keelson-demo', 'docker.io/library/nginx:1.27', { scope: 'user', user: 'keelson-demo' }],
    ]);
    expect(pulls(['docker.io/library/postgres:16']).map((a) => a.description)).toEqual(['pull image docker.io/library/nginx:1.27 as keelson-demo']);
    // Before anything starts: every pull comes before the first systemd.unit action.
    const all = planQuadlet({ ...unchanged, images: { ok: true, names: [] } }, ctxFor(registry));
    const lastPull = all.map((a) => a.kind).lastIndexOf('podman.image-pull');
    const firstStart = all.findIndex((a) => a.kind === 'systemd.unit');
    expect(lastPull).toBeGreaterThanOrEqual(0);
    expect(lastPull).toBeLessThan(firstStart);
  });

  it('rootless files and directories belong to the owner, mode 0644; actions run in the owner\'s manager', () => {
    const actions = planQuadlet(fresh, ctxFor());
    for (const a of actions) {
      if (a.kind === 'file.write') expect([a.owner, a.group, a.mode]).toEqual(['keelson-demo', 'keelson-demo', '0644']);
      if (a.kind === 'dir.ensure') expect([a.owner, a.group]).toEqual(['keelson-demo', 'keelson-demo']);
      if ('target' in a) expect(a.target).toEqual({ scope: 'user', user: 'keelson-demo' });
    }
  });

  it('rootful: /etc paths, root-owned, the system manager', () => {
    const rootful: Manifest = { ...demo, mode: 'rootful' };
    const actions = planQuadlet({ ...fresh, units: { ...fresh.units, existingDirs: ['/etc/containers'] } }, ctxFor(rootful));
    expect(summary(actions).filter((s) => s.startsWith('dir') || s.includes('.target'))).toEqual([
      'dir /etc/containers/systemd',
      '+ /etc/systemd/system/demo.target',
      'enable-now demo.target (no-block)',
      'wait api.service web.service page.service demo.target healthy api web',
    ]);
    for (const a of actions) if ('target' in a) expect(a.target).toEqual({ scope: 'system' });
  });

  it('a secret is planned by name and length only: no value is anywhere in the plan', () => {
    const secret = planQuadlet(fresh, ctxFor()).find((a) => a.kind === 'podman.secret');
    expect(secret).toEqual({
      kind: 'podman.secret',
      description: 'create Podman secret demo-token (generated)',
      target: { scope: 'user', user: 'keelson-demo' },
      name: 'demo-token',
      source: { from: 'generate', length: 32 },
    });
  });

  it('a changed file records what it replaces, so apply can refuse a file that drifted', () => {
    const older = { ...demo, containers: demo.containers.map((c) => (c.name === 'web' ? { ...c, env: { DEMO_ROLE: 'old' } } : c)) };
    const before = deployed(older).find((f) => f.name === 'web.container')?.content;
    const write = planQuadlet(withFiles(deployed(older)), ctxFor()).find((a) => a.kind === 'file.write' && a.path.endsWith('/web.container'));
    expect(write).toMatchObject({ before });
  });

  it('the record write says which run it is: install, then apply, then upgrade when the version moves', () => {
    const runOf = (facts: QuadletFacts, ctx: StepContext) => planQuadlet(facts, ctx).flatMap((a) => (a.kind === 'state.write' ? [a.run] : []));
    expect(runOf(fresh, ctxFor())).toEqual([{ stack: 'demo', kind: 'install', from: null, to: '1.0.0' }]);
    const was = { ...unchanged, state: { kind: 'present' as const, content: stateAfterApply(deployedNoState, ctxFor({ ...demo, version: '0.9.0' })) } };
    expect(runOf(was, ctxFor())).toEqual([{ stack: 'demo', kind: 'upgrade', from: '0.9.0', to: '1.0.0' }]);
  });
});

describe('quadlet check', () => {
  const table: [string, QuadletFacts, string[]][] = [
    ['a fresh host', fresh, ['info:quadlet-podman']],
    ['a record written by a newer keelson: nothing is applied over it', { ...unchanged, state: { kind: 'present', content: '{"format":"keelson-state/3","stacks":{}}' } }, ['blocker:record-newer', 'info:quadlet-podman']],
    ['a corrupt record: nothing is applied over it', { ...unchanged, state: { kind: 'present', content: '{"format":"keelson-state/2"' } }, ['blocker:record-unreadable', 'info:quadlet-podman']],
    ['a hand-edited managed file', withFiles(edit('web.container', (c) => c.replace('DEMO_ROLE=web', 'DEMO_ROLE=mine'))), ['info:quadlet-podman', 'blocker:quadlet-file-edited']],
    ['a foreign file with the same name', withFiles(edit('api.container', (c) => c.split('\n').slice(1).join('\n'))), ['info:quadlet-podman', 'blocker:quadlet-file-foreign']],
    ['a symlink with the same name', withFiles(deployed().map((f) => (f.name === 'demo-edge.network' ? { ...f, content: null } : f))), ['info:quadlet-podman', 'blocker:quadlet-file-foreign']],
    [
      'another stack\'s file with the same name',
      withFiles(deployed().map((f) => (f.name === 'api.container' ? { ...f, content: withHeader('other', '[Container]\nImage=x\n') } : f))),
      ['info:quadlet-podman', 'blocker:quadlet-file-other-stack'],
    ],
    [
      'a stale file of this stack, edited by hand',
      withFiles([...deployed(), { dir: 'quadlet', name: 'old.container', content: `${withHeader('demo', '[Container]\nImage=x\n')}# mine\n` }]),
      ['info:quadlet-podman', 'blocker:quadlet-file-edited'],
    ],
    ['Podman neither installed nor offered', { ...fresh, podmanPackage: [] }, ['blocker:quadlet-podman-unknown']],
    ['Podman 4.9: no Notify=healthy', { ...unchanged, podman: { major: 4, minor: 9, patch: 3 }, units: { ...unchanged.units, files: [] } }, ['info:quadlet-podman', 'info:quadlet-no-notify-healthy']],
    ['the owner exists but Podman cannot list secrets', { ...unchanged, secrets: { ok: false, detail: 'Error: cannot open database' } }, ['info:quadlet-podman', 'warning:quadlet-podman-list-failed']],
  ];

  it.each(table)('%s', (_name, facts, expected) => {
    expect(codes(facts)).toEqual(expected);
  });

  it('every blocker and warning tells the operator what to do', () => {
    for (const [, facts] of table) {
      for (const f of checkQuadlet(facts, ctxFor()).filter((x) => x.severity !== 'info')) expect(f.remedy, f.code).not.toBe('');
    }
  });

  it('a hand-edited file: the message names the file and the remedy points at a drop-in', () => {
    const [, blocked] = checkQuadlet(withFiles(edit('web.container', (c) => `${c}# x\n`)), ctxFor());
    expect(blocked?.message).toContain(`${Q}/web.container`);
    expect(blocked?.remedy).toContain(`${Q}/web.container.d/`);
  });

  it('a manifest value no unit file can carry is a blocker naming the field', () => {
    const broken: Manifest = { ...demo, containers: demo.containers.map((c) => (c.name === 'api' ? { ...c, exec: ['/bin/echo', ';'] } : c)) };
    const findings = checkQuadlet(unchanged, ctxFor(broken));
    expect(findings.map((f) => f.code)).toEqual(['quadlet-render']);
    expect(findings[0]?.remedy).toContain('containers.api.exec');
    expect(planQuadlet(unchanged, ctxFor(broken))).toEqual([]);
  });

  it('warns about short image names and ports open on every interface', () => {
    const loose: Manifest = {
      ...demo,
      containers: demo.containers.map((c) => (c.name === 'web' ? { ...c, image: 'busybox', publish: ['0.0.0.0:18080:8080'] } : c)),
    };
    expect(codes(unchanged, ctxFor(loose))).toEqual(expect.arrayContaining(['warning:quadlet-image-short-name', 'warning:quadlet-publish-all-interfaces']));
  });
});

describe('the host state in the plan', () => {
  const stateOf = (facts: QuadletFacts): unknown => {
    const write = planQuadlet(facts, ctxFor()).find((a) => a.kind === 'state.write');
    return write?.kind === 'state.write' ? JSON.parse(write.content) : null;
  };

  it('records the data mount\'s LUKS UUID from the storage step\'s volume fact', () => {
    expect(stateOf(deployedNoState)).toMatchObject({ stacks: { demo: { dataMount: { path: '/home', luksUuid: LUKS_UUID } } } });
  });

  it('LUKS set up in this same apply: the UUID the storage step gives it, so the next plan writes nothing', () => {
    expect(stateOf({ ...deployedNoState, volume: plainVolume(), newUuid: '0f0e0d0c-0b0a-4908-8706-050403020100' })).toMatchObject({
      stacks: { demo: { dataMount: { luksUuid: '0f0e0d0c-0b0a-4908-8706-050403020100' } } },
    });
    expect(stateOf({ ...deployedNoState, volume: plainVolume() })).toMatchObject({ stacks: { demo: { dataMount: { luksUuid: null } } } });
  });

  it('image IDs: those Podman has now are in the record; the images this apply makes are asked of Podman when it writes', () => {
    const ID = '9'.repeat(64);
    const writeOf = (facts: QuadletFacts) => planQuadlet(facts, ctxFor()).find((a) => a.kind === 'state.write');
    const idsOf = (content: string) => (JSON.parse(content) as { stacks: { demo?: { imageIds?: unknown } } }).stacks.demo?.imageIds;
    const known = writeOf({ ...deployedNoState, images: { ok: true, names: ['localhost/keelson-demo:1'], ids: new Map([['localhost/keelson-demo:1', ID]]) } });
    expect(known?.kind === 'state.write' ? [idsOf(known.content), known.images] : null).toEqual([{ 'localhost/keelson-demo:1': ID }, undefined]);
    const made = writeOf(fresh);
    expect(made?.kind === 'state.write' ? [idsOf(made.content), made.images] : null).toEqual([{}, { stack: 'demo', target: { scope: 'user', user: 'keelson-demo' }, refs: ['localhost/keelson-demo:1'] }]);
    expect(actionSchema.parse(made)).toEqual(made);
  });

  it('asks for that UUID only when the operator asked for the LUKS setup', () => {
    expect(quadletStep.facts({ manifest: demo, answers: {} })).not.toHaveProperty('newUuid');
    expect(quadletStep.facts({ manifest: demo, answers: { [LUKS_DEVICE_ANSWER]: '/dev/vdb' } }).newUuid?.id).toBe('random-uuid');
  });
});

describe('quadletStep', () => {
  it('asks for the unit directories, Podman, SELinux, secrets and images', () => {
    const facts = quadletStep.facts({ manifest: demo, answers: {} });
    expect(Object.keys(facts).sort()).toEqual(['busybox', 'images', 'podman', 'podmanPackage', 'secrets', 'selinux', 'state', 'unitStates', 'units', 'volume']);
    // Shared with other steps: same id, same probe, so the gatherer asks once.
    expect(facts.podman.id).toBe('podman-version');
    expect(facts.busybox.id).toBe('static-busybox');
    expect(facts.volume.id).toBe('storage-volume:/home');
    expect(facts.unitStates.volatile).toBe(true);
  });
});

describe('a host keelson installed the demo on (answers recorded on the test VM)', () => {
  const host = recordedHost('demo-installed');
  const WAIT = 'wait api.service web.service page.service demo.target healthy api web';
  /** The Quadlet step over the recorded answers, some of them replaced (parsed by the real parsers too). */
  const step = (raw: Record<string, ProbeOutput> = {}) => {
    const { values, ctx } = recordedStep(host, 'quadlet', raw);
    return { facts: values as unknown as QuadletFacts, ctx };
  };
  const answer = (stdout: string, exitCode = 0): ProbeOutput => ({ exitCode, stdout, stderr: '' });
  const states = (down: string) =>
    answer(['api.service', 'web.service', 'page.service', 'demo.target'].map((u) => `Id=${u}\nActiveState=${u === down ? 'failed' : 'active'}\n`).join('\n'));

  it.each(['demo-installed', 'demo-rootful-installed'])('%s: no step plans anything, and nothing blocks', (name) => {
    const plans = recordedPlans(recordedHost(name));
    expect(plans.map((p) => [p.id, p.actions.map((a) => a.description)])).toEqual([['preflight', []], ['storage', []], ['identity', []], ['sockets', []], ['quadlet', []]]);
    expect(plans.flatMap((p) => p.findings.filter((f) => f.severity === 'blocker'))).toEqual([]);
  });

  it('the Quadlet step says which Podman it writes for, and nothing else', () => {
    const { facts, ctx } = step();
    expect(codes(facts, ctx)).toEqual(['info:quadlet-podman']);
    expect(checkQuadlet(facts, ctx)[0]?.message).toBe('Units are written for Podman 5.4.2 (installed).');
  });

  it.each([
    ['a unit failed: start the stack, wait', { 'quadlet-unit-states:user:keelson-demo:demo': states('web.service') }, ['start demo.target (no-block)', WAIT]],
    ['the user manager cannot be asked: start, wait', { 'quadlet-unit-states:user:keelson-demo:demo': answer('', 1) }, ['start demo.target (no-block)', WAIT]],
    ['the secret is gone: create it, start', { 'podman-secrets:user:keelson-demo': answer('') }, ['podman.secret', 'start demo.target (no-block)', WAIT]],
    // The record then names the rebuilt image's ID (asked of Podman when it is written).
    ['the image is gone: build it again, start, record its ID', { 'podman-images:user:keelson-demo': answer('[]\n') }, ['podman.image-build', 'start demo.target (no-block)', WAIT, 'state.write']],
    // Preflight's blocker says what this Podman lacks (test/steps/podman-requirement.test.ts); nothing is rendered for it.
    ['Podman 4.6: nothing is written for it', { 'podman-version': answer('podman version 4.6.1\n') }, []],
  ])('%s', (_name, raw, expected) => {
    const { facts, ctx } = step(raw);
    expect(summary(planQuadlet(facts, ctx))).toEqual(expected);
  });

  it('a unit file edited by hand there: a blocker naming it, and it is not overwritten', () => {
    const { facts, ctx } = step();
    const files = facts.units.files.map((f) => (f.name === 'web.container' && f.content !== null ? { ...f, content: `${f.content}Environment=MINE=1\n` } : f));
    const edited = { ...facts, units: { ...facts.units, files } };
    expect(codes(edited, ctx)).toEqual(['info:quadlet-podman', 'blocker:quadlet-file-edited']);
    expect(planQuadlet(edited, ctx).filter((a) => a.kind === 'file.write')).toEqual([]);
  });

  it('the manifest changes one container: only its file is rewritten and only it restarts; the state records it', () => {
    const { facts, ctx } = step();
    const m = { ...ctx.manifest, containers: ctx.manifest.containers.map((c) => (c.name === 'web' ? { ...c, env: { ...c.env, DEMO_ROLE: 'front' } } : c)) };
    expect(summary(planQuadlet(facts, { ...ctx, manifest: m }))).toEqual([`~ ${Q}/web.container`, 'systemd.daemon-reload', 'restart web.service (no-block)', 'start demo.target (no-block)', WAIT, 'state.write']);
  });
});
