// An upgrade of demo 1.0.0 → 1.1.0 made by hand, phased as keelson upgrade phases it: the screens only read it.
import type { Action } from '../../../src/engine/action.js';
import { planVerdict, type Plan } from '../../../src/engine/plan.js';
import type { ReadyUpgrade, StackInfo, UpgradeChecked } from '../../../screens/controller.js';
import { demoStack, makePlan } from './fixtures.js';

const user = { scope: 'user', user: 'demo' } as const;
const unitPath = '/home/demo/.config/containers/systemd/web.container';

export const upgradeActions = {
  pull: { kind: 'podman.image-pull', description: 'pull localhost/keelson-demo:2', target: user, image: 'localhost/keelson-demo:2' },
  save: { kind: 'state.write', description: 'save the rollback plan in /var/lib/keelson/upgrades/demo.json', path: '/var/lib/keelson/upgrades/demo.json', content: '{}\n' },
  unit: { kind: 'file.write', description: 'write web.container', path: unitPath, content: '[Container]\nImage=localhost/keelson-demo:2\n', mode: '0644', owner: 'demo', group: 'demo', before: '[Container]\nImage=localhost/keelson-demo:1\n' },
  reload: { kind: 'systemd.daemon-reload', description: 'let Quadlet generate the new units', target: user },
  restart: { kind: 'systemd.unit', description: 'restart web.service (changed, or requires what changed)', target: user, verb: 'restart', unit: 'web.service', noBlock: true },
  health: { kind: 'stack.wait-healthy', description: 'wait until web.service is active', target: user, units: ['web.service'], healthy: [], timeoutSeconds: 120 },
  record: { kind: 'state.write', description: 'record demo 1.1.0 in /var/lib/keelson/state.json', path: '/var/lib/keelson/state.json', content: '{}\n' },
  putBack: { kind: 'file.write', description: `put back ${unitPath}`, path: unitPath, content: '[Container]\nImage=localhost/keelson-demo:1\n', mode: '0644', owner: 'demo', group: 'demo', before: '[Container]\nImage=localhost/keelson-demo:2\n' },
  restartOld: { kind: 'systemd.unit', description: 'restart web.service (as 1.0.0)', target: user, verb: 'restart', unit: 'web.service', noBlock: true },
  recordOld: { kind: 'state.write', description: 'put back the record of demo 1.0.0', path: '/var/lib/keelson/state.json', content: '{}\n' },
} satisfies Record<string, Action>;

const a = upgradeActions;
const PHASES: [string, string, Action[]][] = [
  ['checks', 'Checks: demo 1.1.0 on this host', []],
  ['prefetch', 'Prefetch: every image the new version needs, while the old one still runs', [a.pull]],
  ['backup', 'Backup: the record and every file that changes, and how to put them back', [a.save]],
  ['write', 'Write: unit files, accounts, secrets; containers leaving the stack stop', [a.unit]],
  ['reload', 'Reload: Quadlet generates the new units', [a.reload]],
  ['restart', 'Restart: only the units that changed and what requires them', [a.restart]],
  ['health', 'Health gate: every unit active, every health check healthy', [a.health]],
  ['record', 'Record: the new version in the deployment record', [a.record]],
];

const asPlan = (steps: Plan['steps']): Plan => {
  const base = makePlan();
  return { ...base, stack: { ...base.stack, version: '1.1.0' }, ...planVerdict(steps), steps };
};

/** The stack as the operator loads its new version. */
export const demoNext: StackInfo = { ...demoStack, manifest: { ...demoStack.manifest, version: '1.1.0' } };

/** The check: the record answers everything but the new question "port"; no new secret. */
export const fakeUpgradeChecked = (stack: StackInfo): UpgradeChecked => ({
  kind: 'ask',
  stack,
  from: '1.0.0',
  asks: { ...stack, manifest: { ...stack.manifest, questions: stack.manifest.questions.filter((q) => q.id === 'port'), secrets: [] } },
});

export const SUMMARY_TEXT = [
  'Upgrade demo 1.0.0 → 1.1.0',
  '  answers: kept domain; new port; dropped none',
  '  containers: added none; removed none; changed web',
  '  images to fetch first (the running version keeps running): localhost/keelson-demo:2',
  '  restarts, in this order: web.service',
  '  stops (leaving the stack): none',
  `  backed up before the first change: /var/lib/keelson/state.json, ${unitPath}`,
  '  files: ',
  `    ~ ${unitPath}`,
  '        -Image=localhost/keelson-demo:1',
  '        +Image=localhost/keelson-demo:2',
  '',
].join('\n');

export const fakeReadyUpgrade = (stack: StackInfo = demoNext): ReadyUpgrade => ({
  kind: 'ready',
  stack,
  text: SUMMARY_TEXT,
  prepared: {
    runId: '20261203-060000-abcd',
    summary: {
      stack: 'demo',
      from: { version: '1.0.0' },
      to: { version: '1.1.0' },
      signer: { kind: 'none', from: { source: 'manifest', signedBy: null }, to: { source: 'manifest', signedBy: null }, text: null },
      files: [{ path: unitPath, change: 'change', diff: '-Image=localhost/keelson-demo:1\n+Image=localhost/keelson-demo:2' }],
      containers: { added: [], removed: [], changed: ['web'] },
      images: ['localhost/keelson-demo:2'],
      restarts: ['web.service'],
      stops: [],
      migrations: [],
      volumes: [],
      backups: ['/var/lib/keelson/state.json', unitPath],
      backupRunId: null,
      prunes: [],
      upToDate: false,
    },
    answers: { answers: { domain: 'demo.example.org', port: '18080' }, kept: ['domain'], asked: ['port'], dropped: [] },
    plan: asPlan(PHASES.map(([id, title, actions]) => ({ id, title, findings: [], actions }))),
    rollback: asPlan([{ id: 'rollback', title: 'Rollback: demo back to 1.0.0', findings: [], actions: [a.putBack, a.reload, a.restartOld, a.recordOld] }]),
    prefetchCount: 1,
    untouchedCount: 1,
  },
  again: `keelson upgrade --stack ${stack.ref}`,
});
