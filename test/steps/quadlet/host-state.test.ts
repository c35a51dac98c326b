// The host state file: deterministic from the manifest and the facts (a second plan writes nothing), names only for
// secrets, other stacks' entries kept, an unreadable file replaced rather than trusted.
import { describe, expect, it } from 'vitest';
import { parseStateFile, renderHostState, stackState, STATE_FORMAT, type StateInputs } from '../../../steps/quadlet/host-state.js';
import { answersFor, loadStack, resolved } from './fixtures.js';

const demo = loadStack('demo');
const inputs: StateInputs = {
  manifest: demo,
  resolved,
  keelsonVersion: '0.1.0',
  top: 'demo.target',
  files: [
    { path: '/home/keelson-demo/.config/systemd/user/demo.target', content: 'b\n' },
    { path: '/home/keelson-demo/.config/containers/systemd/api.container', content: 'a\n' },
  ],
  luksUuid: 'c8f7c250-79ef-46b5-831a-5d73e6156054',
};

describe('stackState', () => {
  it('records what was deployed: files sorted with their sha256, the stack\'s users and groups, secret names', () => {
    expect(stackState(inputs)).toEqual({
      stack: 'demo',
      version: '1.0.0',
      mode: 'rootless',
      owner: 'keelson-demo',
      keelson: '0.1.0',
      dataMount: { path: '/home', luksUuid: 'c8f7c250-79ef-46b5-831a-5d73e6156054' },
      top: 'demo.target',
      files: [
        { path: '/home/keelson-demo/.config/containers/systemd/api.container', sha256: '87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7' },
        { path: '/home/keelson-demo/.config/systemd/user/demo.target', sha256: '0263829989b6fd954f72baaf2fc64bc2e2f01d692d4de72986ea808f6e99813f' },
      ],
      // Only this stack's accounts, not every user the accounts step knows (cdr-link's owner is left out).
      users: [{ name: 'keelson-demo', uid: 1001, gid: 1001, home: '/home/keelson-demo' }],
      groups: [{ name: 'demo-clients', gid: 990 }],
      secrets: ['demo-token'],
      images: ['localhost/keelson-demo:1'],
    });
  });

  it('never holds a secret value or an answer, only names', () => {
    const text = renderHostState({ kind: 'absent' }, stackState(inputs));
    expect(text).not.toContain(answersFor.demo?.greeting ?? 'x');
    expect(text).toContain('"demo-token"');
  });

  it('renders the same bytes for the same inputs, whatever the order of the files', () => {
    const again = stackState({ ...inputs, files: [...inputs.files].reverse() });
    expect(renderHostState({ kind: 'absent' }, again)).toBe(renderHostState({ kind: 'absent' }, stackState(inputs)));
    expect(renderHostState({ kind: 'absent' }, again)).not.toMatch(/"(at|time|deployedAt)"/);
  });
});

describe('the state file', () => {
  it('keeps the other stacks\' entries and sorts stacks by name', () => {
    const first = renderHostState({ kind: 'absent' }, stackState({ ...inputs, manifest: { ...demo, stack: 'zeta' } }));
    const parsed = parseStateFile(first);
    const both = renderHostState(parsed, stackState(inputs));
    const doc = parseStateFile(both);
    expect(doc.kind === 'present' ? Object.keys(doc.state.stacks) : []).toEqual(['demo', 'zeta']);
    expect(JSON.parse(both)).toMatchObject({ format: STATE_FORMAT });
  });

  it.each([
    [null, 'absent'],
    ['{oops', 'unreadable'],
    ['{"format":"other/1","stacks":{}}', 'unreadable'],
    [`{"format":"${STATE_FORMAT}","stacks":{}}`, 'present'],
  ])('%j is %s', (text, kind) => {
    expect(parseStateFile(text).kind).toBe(kind);
  });

  it('an unreadable file is replaced by this stack\'s entry alone', () => {
    const doc = parseStateFile(renderHostState(parseStateFile('{oops'), stackState(inputs)));
    expect(doc.kind === 'present' ? Object.keys(doc.state.stacks) : []).toEqual(['demo']);
  });
});
