// A small stack and plans made by hand: the screens only read them, so they need not come from a real host.
import { manifestSchema } from '../../../src/manifest/schema.js';
import { PLAN_FORMAT, planVerdict, type Plan } from '../../../src/engine/plan.js';
import type { Action } from '../../../src/engine/action.js';
import type { StackInfo } from '../../../screens/controller.js';

export const demoManifest = manifestSchema.parse({
  stack: 'demo',
  version: '1.0.0',
  description: 'a web server and its socket directory',
  mode: 'rootless',
  owner: 'demo',
  groups: [{ name: 'demo-clients' }],
  sockets: [{ dir: '/run/demo', owner: 'demo', group: 'demo-clients', mode: '0770' }],
  secrets: [
    { name: 'db-password', generate: { length: 32 } },
    { name: 'admin-token', ask: 'Admin token for the web UI' },
  ],
  questions: [
    { id: 'domain', prompt: 'Domain name of the site', default: 'demo.example.org', pattern: '[a-z0-9.-]+' },
    { id: 'port', prompt: 'Local port to publish', default: '18080', pattern: '[0-9]{2,5}' },
  ],
  networks: [{ name: 'front', internal: false }],
  volumes: [{ name: 'data' }],
  containers: [
    {
      name: 'web',
      image: 'localhost/keelson-demo:1',
      user: '1000:1000',
      publish: ['127.0.0.1:18080:8080'],
      networks: ['front'],
      volumes: ['data:/data'],
      sockets: ['/run/demo'],
    },
  ],
  targets: [{ name: 'demo', members: ['web'] }],
});

export const demoStack: StackInfo = { ref: 'demo', source: '/opt/keelson/assets/stacks/demo/manifest.yaml', manifest: demoManifest };

/** The same stack without questions or asked secrets: the wizard goes straight from Stack to the steps. */
export const quietStack: StackInfo = {
  ref: 'quiet',
  source: '/tmp/quiet.yaml',
  manifest: { ...demoManifest, stack: 'quiet', questions: [], secrets: [] },
};

const unit = `[Container]\nImage=localhost/keelson-demo:1\nPublishPort=127.0.0.1:18080:8080\n\n[Install]\nWantedBy=default.target\n`;

export const actions = {
  install: { kind: 'package.install', description: 'install podman crun passt uidmap', manager: 'apt', packages: ['podman', 'crun', 'passt', 'uidmap'] },
  group: { kind: 'group.create', description: 'create group demo-clients (gid 990)', name: 'demo-clients', gid: 990, system: true },
  user: { kind: 'user.create', description: 'create user demo (uid 1001)', name: 'demo', uid: 1001, gid: 1001, home: '/home/demo', shell: '/usr/sbin/nologin', groups: ['demo-clients'], system: false },
  unit: { kind: 'file.write', description: 'write web.container', path: '/home/demo/.config/containers/systemd/web.container', content: unit, mode: '0644', owner: 'demo', group: 'demo', before: null },
  start: { kind: 'systemd.unit', description: 'start demo.target', target: { scope: 'user', user: 'demo' }, verb: 'start', unit: 'demo.target' },
} satisfies Record<string, Action>;

/** The verdict (blocked, blockerCount) follows from the steps, as the planner sets it. */
const withVerdict = (plan: Omit<Plan, 'blocked' | 'blockerCount'>): Plan => ({ ...plan, ...planVerdict(plan.steps) });

export const makePlan = (overrides: Partial<Record<'preflight' | 'accounts' | 'units', Partial<Plan['steps'][number]>>> = {}): Plan => withVerdict({
  format: PLAN_FORMAT,
  keelsonVersion: '0.1.0',
  createdAt: '2025-01-01T00:00:00.000Z',
  host: 'this machine (root)',
  stack: { name: 'demo', version: '1.0.0', mode: 'rootless' },
  factsHash: 'f'.repeat(64),
  factDigests: {},
  inputs: { manifest: demoManifest, answers: { domain: 'demo.example.org', port: '18080' } },
  roundTrips: 1, validationRoundTrips: 0,
  steps: [
    {
      id: 'preflight',
      title: 'Preflight',
      findings: [
        { severity: 'info', code: 'podman-ok', message: 'Podman 5.4.2 has Quadlet.', remedy: '' },
        { severity: 'warning', code: 'swap', message: 'Swap is on: secrets may reach the disk.', remedy: 'swapoff -a, and remove swap from /etc/fstab' },
      ],
      actions: [actions.install],
      ...overrides.preflight,
    },
    { id: 'accounts', title: 'Users and groups', findings: [], actions: [actions.group, actions.user], ...overrides.accounts },
    { id: 'units', title: 'Quadlet units', findings: [], actions: [actions.unit, actions.start], ...overrides.units },
  ],
});

/**
 * The shape of a real plan where later steps were planned with what an earlier one creates: the units run as the
 * user the accounts step makes (as the sockets and quadlet steps declare of identity).
 */
export const dependentPlan = (): Plan =>
  makePlan({ units: { buildsOn: [{ step: 'accounts', why: 'the units run as the users it creates' }] } });

export const blockedPlan = (): Plan =>
  makePlan({
    preflight: {
      findings: [
        { severity: 'info', code: 'podman-ok', message: 'Podman 5.4.2 has Quadlet.', remedy: '' },
        { severity: 'blocker', code: 'home-not-luks', message: '/home is not on LUKS: user data would be stored unencrypted.', remedy: 'Move /home onto a LUKS volume, then run keelson again.' },
      ],
    },
  });
