// The uninstall plan as data: a record and host facts in, actions and the goes/stays lists out. The record is written
// here by hand (as keelson-state/2 holds it), not by the code under test.
import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/engine/action.js';
import type { StackRecord } from '../../../src/state/record-schema.js';
import { parseRecord } from '../../../src/state/parse-record.js';
import { renderRecord } from '../../../src/state/stack-record.js';
import { uninstallPlan, type UninstallInputs } from '../../../src/flows/uninstall/uninstall-plan.js';
import type { UninstallFacts } from '../../../src/flows/uninstall/uninstall-facts.js';
import { sha256 } from '../../../steps/quadlet/unit-header.js';

const Q = '/home/keelson-demo/.config/containers/systemd';
const TARGET = '/home/keelson-demo/.config/systemd/user/demo.target';
const TMPFILES = '/etc/tmpfiles.d/keelson-demo.conf';
const CONTENT: Record<string, string> = {
  [`${Q}/api.container`]: '[Container]\nImage=localhost/keelson-demo:1\n',
  [`${Q}/demo-backend.network`]: '[Network]\nNetworkName=demo-backend\n',
  [`${Q}/demo-content.volume`]: '[Volume]\nVolumeName=demo-content\n',
  [TARGET]: '[Unit]\nDescription=demo\n',
  [TMPFILES]: 'd /run/keelson-demo 0770 keelson-demo demo-clients -\n',
};

const entry: StackRecord = {
  stack: 'demo', version: '1.0.0', mode: 'rootless', owner: 'keelson-demo', keelson: '0.1.0',
  dataMount: { path: '/home', luksUuid: '0f1e2d3c-aaaa-bbbb-cccc-000000000001' }, top: 'demo.target',
  manifest: { stack: 'demo', sockets: [{ dir: '/run/keelson-demo', owner: 'keelson-demo', group: 'demo-clients', mode: '0770' }] },
  manifestDigest: 'sha256:x', answers: { greeting: 'hi' },
  files: Object.entries(CONTENT).map(([path, c]) => ({ path, sha256: sha256(c) })),
  users: [{ name: 'keelson-demo', uid: 1001, gid: 1001, home: '/home/keelson-demo' }],
  groups: [{ name: 'demo-clients', gid: 990 }],
  secrets: ['demo-demo-token'], images: ['localhost/keelson-demo:1'],
  history: [{ runId: 'r1', kind: 'install', from: null, to: '1.0.0', outcome: 'ok', at: '2026-01-01T00:00:00Z' }], failed: null,
};
const recordText = `${JSON.stringify({ format: 'keelson-state/2', stacks: { demo: entry } }, null, 2)}\n`;

// demo-backend-network.service: Quadlet's oneshot for the network, "active (exited)" after it ran.
const running = new Map(['demo-backend-network.service', 'api.service', 'demo.target'].map((u) => [u, new Map([['Id', u], ['LoadState', 'loaded'], ['ActiveState', 'active'], ['UnitFileState', u === 'demo.target' ? 'enabled' : 'generated']])]));

const facts = (over: Partial<UninstallFacts> = {}): UninstallFacts => ({
  files: new Map(Object.entries(CONTENT).map(([p, c]) => [p, { kind: 'present', content: c } as const])),
  units: running,
  podman: { volume: ['demo-content', 'other-data'], secret: ['demo-demo-token', 'not-ours'], network: ['demo-backend', 'podman'], image: ['localhost/keelson-demo:1', 'docker.io/library/alpine:3'] },
  passwd: [{ name: 'keelson-demo', uid: 1001, gid: 1001, home: '/home/keelson-demo', shell: '/bin/sh' }],
  groups: [{ name: 'keelson-demo', gid: 1001, members: [] }, { name: 'demo-clients', gid: 990, members: ['keelson-demo'] }],
  subuid: [{ owner: 'keelson-demo', start: 165536, count: 65536 }, { owner: 'alice', start: 100000, count: 65536 }],
  subgid: [{ owner: 'keelson-demo', start: 165536, count: 65536 }],
  linger: ['keelson-demo', 'alice'],
  created: [{ kind: 'user', name: 'keelson-demo', stack: 'demo' }, { kind: 'group', name: 'keelson-demo', stack: 'demo' }, { kind: 'group', name: 'demo-clients', stack: 'demo' }],
  socketDirs: ['/run/keelson-demo'],
  ...over,
});

const inputs = (purge: boolean, over: Partial<UninstallFacts> = {}, text = recordText): UninstallInputs => ({ entry, recordText: text, facts: facts(over), purge, runId: '20260102T000000-abcdef', at: '2026-01-02T00:00:00.000Z' });
const actionsOf = (i: UninstallInputs): Action[] => uninstallPlan(i).steps.flatMap((s) => s.actions);
const kinds = (i: UninstallInputs) => actionsOf(i).map((a) => `${a.kind} ${'unit' in a ? a.unit : 'path' in a ? a.path : 'name' in a ? a.name : 'user' in a ? a.user : 'volume' in a ? a.volume : ''}`);

describe('uninstall keeping the data', () => {
  it('stops, disables, removes the recorded files, networks and socket dir, then the record entry; nothing of the data', () => {
    expect(kinds(inputs(false))).toEqual([
      'systemd.unit demo.target', 'systemd.unit api.service', 'systemd.unit demo-backend-network.service', 'systemd.unit demo.target',
      ...Object.keys(CONTENT).map((p) => `file.remove ${p}`), 'systemd.daemon-reload ',
      'podman.remove demo-backend', 'dir.remove /run/keelson-demo', 'state.write /var/lib/keelson/state.json',
    ]);
    const stop = actionsOf(inputs(false)).flatMap((a) => (a.kind === 'systemd.unit' ? [a.verb] : []));
    expect(stop).toEqual(['stop', 'stop', 'stop', 'disable']);
  });

  it('says what stays, and how to purge or reinstall later', () => {
    const p = uninstallPlan(inputs(false));
    expect(p.stays).toEqual(expect.arrayContaining(['volumes and the data in them: demo-content', 'Podman secrets: demo-demo-token', expect.stringMatching(/^user keelson-demo \(UID 1001.*subordinate IDs and linger$/)]));
    expect(p.later.join('\n')).toContain('keelson uninstall --purge --confirm-stack demo --yes');
    expect(p.backupDir).toBeNull();
  });

  it('writes the record without the stack, its history ending with the uninstall', () => {
    const write = actionsOf(inputs(false)).find((a) => a.kind === 'state.write');
    const r = parseRecord(write?.kind === 'state.write' ? write.content : null);
    expect(r.kind === 'present' && r.record.stacks).toEqual({});
    expect(r.kind === 'present' && r.record.uninstalled?.demo?.history.map((h) => h.kind)).toEqual(['install', 'uninstall']);
  });

  it('an interrupted run re-planned: only what is left', () => {
    const gone = facts({ units: new Map(), files: new Map(Object.keys(CONTENT).map((p) => [p, { kind: 'absent' } as const])), podman: { volume: ['demo-content'], secret: ['demo-demo-token'], network: [], image: [] }, socketDirs: [] });
    expect(kinds({ ...inputs(false), facts: gone })).toEqual(['state.write /var/lib/keelson/state.json']);
  });

  it('a hand-edited unit file is still the stack\'s: removed, and the plan says it was edited', () => {
    const edited = new Map(facts().files);
    edited.set(`${Q}/api.container`, { kind: 'present', content: `${CONTENT[`${Q}/api.container`] ?? ''}# edit\n` });
    const remove = actionsOf(inputs(false, { files: edited })).find((a) => a.kind === 'file.remove' && a.path.endsWith('api.container'));
    expect(remove?.description).toMatch(/edited since keelson wrote it/);
  });
});

describe('uninstall --purge', () => {
  it('exports the volume first, then removes only the named volume, secret and image, and the accounts keelson created', () => {
    const k = kinds(inputs(true));
    const purge = k.slice(k.indexOf('dir.remove /run/keelson-demo') + 1);
    expect(purge).toEqual([
      'podman.volume-export demo-content', 'podman.remove demo-content', 'podman.remove demo-demo-token', 'podman.remove localhost/keelson-demo:1',
      'linger.disable keelson-demo', 'user.remove keelson-demo', 'subid.remove keelson-demo', 'subid.remove keelson-demo',
      'group.remove demo-clients', 'group.remove keelson-demo',
      'file.remove /var/lib/keelson/accounts/user-keelson-demo', 'file.remove /var/lib/keelson/accounts/group-demo-clients', 'file.remove /var/lib/keelson/accounts/group-keelson-demo',
      'state.write /var/lib/keelson/state.json',
    ]);
    const p = uninstallPlan(inputs(true));
    expect(p.backupDir).toBe('/home/keelson-backups/demo-20260102T000000-abcdef');
    const names = JSON.stringify(p.steps);
    for (const foreign of ['other-data', 'not-ours', 'alpine', 'alice', '"podman"']) expect(names).not.toContain(foreign);
  });

  it('--no-backup: no export, no archive directory, and the plan says the volume goes unsaved', () => {
    const i = { ...inputs(true), backup: false };
    expect(kinds(i)).not.toContain('podman.volume-export demo-content');
    expect(kinds(i)).toContain('podman.remove demo-content');
    const p = uninstallPlan(i);
    expect(p.backupDir).toBeNull();
    expect(p.goes).toContainEqual('volumes: demo-content (NOT backed up first: --no-backup)');
    expect(p.stays.join('\n')).not.toContain('volume archives');
  });

  it('never removes an account keelson did not create (adopted), and says why it stays', () => {
    const i = inputs(true, { created: [{ kind: 'group', name: 'demo-clients', stack: 'demo' }] });
    expect(kinds(i).filter((k) => /^(user|subid|linger|group)\./.test(k))).toEqual(['group.remove demo-clients']);
    expect(uninstallPlan(i).stays).toContainEqual(expect.stringMatching(/^user keelson-demo .*existed before keelson: adopted, never removed/));
  });

  it('keeps a group and an image another recorded stack still uses', () => {
    const other: StackRecord = { ...entry, stack: 'blog', files: [], secrets: [], groups: [{ name: 'demo-clients', gid: 990 }], users: [] };
    const text = renderRecord(parseRecord(recordText), other);
    const k = kinds(inputs(true, {}, text));
    expect(k).not.toContain('group.remove demo-clients');
    expect(k).not.toContain('podman.remove localhost/keelson-demo:1');
    expect(uninstallPlan(inputs(true, {}, text)).stays).toContainEqual('group demo-clients (GID 990; used by another stack)');
  });
});

describe('uninstall --purge of a rootful stack: keelson\'s socket probe image', () => {
  const rootful: StackRecord = { ...entry, mode: 'rootful', owner: null };
  const withProbe = { podman: { ...facts().podman, image: [...facts().podman.image, 'localhost/keelson-probe:1'] } };
  const rootfulInputs = (text: string): UninstallInputs => ({ ...inputs(true, withProbe, text), entry: rootful });
  const only = `${JSON.stringify({ format: 'keelson-state/2', stacks: { demo: rootful } }, null, 2)}\n`;

  it('goes with the last rootful stack, and the plan says so', () => {
    expect(kinds(rootfulInputs(only))).toContain('podman.remove localhost/keelson-probe:1');
    expect(uninstallPlan(rootfulInputs(only)).goes).toContainEqual('images: localhost/keelson-demo:1, localhost/keelson-probe:1');
  });

  it('stays while another rootful stack is recorded, and is never touched without --purge', () => {
    const two = renderRecord(parseRecord(only), { ...rootful, stack: 'blog', images: ['localhost/blog:2'] });
    expect(kinds(rootfulInputs(two))).not.toContain('podman.remove localhost/keelson-probe:1');
    expect(kinds({ ...rootfulInputs(only), purge: false })).not.toContain('podman.remove localhost/keelson-probe:1');
  });
});

describe('the record after an uninstall', () => {
  it('a re-install takes the old history back, and the uninstalled entry goes', () => {
    const write = actionsOf(inputs(false)).find((a) => a.kind === 'state.write');
    const after = parseRecord(write?.kind === 'state.write' ? write.content : null);
    const again = parseRecord(renderRecord(after, { ...entry, history: [] }));
    expect(again.kind === 'present' && again.record.stacks.demo?.history.map((h) => h.kind)).toEqual(['install', 'uninstall']);
    expect(again.kind === 'present' && again.record.uninstalled).toBeUndefined();
  });
});
