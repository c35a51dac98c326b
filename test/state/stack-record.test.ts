// A stack's entry in the deployment record: deterministic from the manifest and the facts (a second plan writes
// nothing), the canonical manifest and its digest, the answers without keelson's own options, names only for
// secrets, other stacks' entries kept, the history carried over and extended only by the run that writes it.
import { describe, expect, it } from 'vitest';
import { parseRecord } from '../../src/state/parse-record.js';
import { HISTORY_LIMIT, RECORD_FORMAT } from '../../src/state/record-schema.js';
import { canonicalJson, manifestDigest, renderRecord, runKindFor, stackRecord, withImageIds, withRun, type StackRecordInputs } from '../../src/state/stack-record.js';
import { loadStack, resolved } from '../steps/quadlet/fixtures.js';

const demo = loadStack('demo');
const inputs: StackRecordInputs = {
  manifest: demo,
  answers: { greeting: 'Hi there', 'keelson.luks-device': '/dev/vdb' },
  resolved,
  keelsonVersion: '0.1.0',
  top: 'demo.target',
  files: [
    { path: '/home/keelson-demo/.config/systemd/user/demo.target', content: 'b\n' },
    { path: '/home/keelson-demo/.config/containers/systemd/api.container', content: 'a\n' },
  ],
  luksUuid: 'c8f7c250-79ef-46b5-831a-5d73e6156054',
  previous: null,
};

describe('stackRecord', () => {
  it('records what was deployed: manifest and digest, answers, files with sha256, the stack\'s users and groups, secret names', () => {
    const r = stackRecord(inputs);
    expect({ ...r, manifest: '…' }).toEqual({
      stack: 'demo',
      version: '1.0.0',
      mode: 'rootless',
      owner: 'keelson-demo',
      keelson: '0.1.0',
      dataMount: { path: '/home', luksUuid: 'c8f7c250-79ef-46b5-831a-5d73e6156054' },
      top: 'demo.target',
      manifest: '…',
      manifestDigest: manifestDigest(demo),
      // The LUKS device to format was a one-time request: never kept for the next run.
      answers: { greeting: 'Hi there' },
      files: [
        { path: '/home/keelson-demo/.config/containers/systemd/api.container', sha256: '87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7' },
        { path: '/home/keelson-demo/.config/systemd/user/demo.target', sha256: '0263829989b6fd954f72baaf2fc64bc2e2f01d692d4de72986ea808f6e99813f' },
      ],
      users: [{ name: 'keelson-demo', uid: 1001, gid: 1001, home: '/home/keelson-demo' }],
      groups: [{ name: 'demo-clients', gid: 990 }],
      secrets: ['demo-token'],
      images: ['localhost/keelson-demo:1'],
      imageIds: {},
      history: [],
      failed: null,
    });
    expect(r.manifest).toEqual(JSON.parse(JSON.stringify(demo)));
    expect(manifestDigest(demo)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('the digest does not depend on key order, and changes with the manifest', () => {
    const reordered = JSON.parse(canonicalJson(demo)) as typeof demo;
    expect(manifestDigest(reordered)).toBe(manifestDigest(demo));
    expect(manifestDigest({ ...demo, version: '1.0.1' })).not.toBe(manifestDigest(demo));
  });

  it('renders the same bytes for the same inputs, whatever the order of the files; no clock', () => {
    const again = stackRecord({ ...inputs, files: [...inputs.files].reverse() });
    expect(renderRecord({ kind: 'absent' }, again)).toBe(renderRecord({ kind: 'absent' }, stackRecord(inputs)));
    expect(renderRecord({ kind: 'absent' }, again)).not.toMatch(/"(at|time|deployedAt)"/);
  });

  it('carries the previous entry\'s history and failed flag over unchanged', () => {
    const previous = { ...stackRecord(inputs), history: [{ runId: 'r0', kind: 'install' as const, from: null, to: '1.0.0', outcome: 'ok' as const, at: 't0' }], failed: { reason: 'x', at: 't1', runId: 'r1' } };
    const r = stackRecord({ ...inputs, manifest: { ...demo, version: '1.1.0' }, previous });
    expect([r.history, r.failed]).toEqual([previous.history, previous.failed]);
    expect([runKindFor(null, '1.0.0'), runKindFor(previous, '1.0.0'), runKindFor(previous, '1.1.0')]).toEqual(['install', 'apply', 'upgrade']);
  });
});

describe('the record file', () => {
  it('keeps the other stacks\' entries and sorts stacks by name', () => {
    const first = renderRecord({ kind: 'absent' }, stackRecord({ ...inputs, manifest: { ...demo, stack: 'zeta' } }));
    const both = renderRecord(parseRecord(first), stackRecord(inputs));
    const doc = parseRecord(both);
    expect(doc.kind === 'present' ? Object.keys(doc.record.stacks) : []).toEqual(['demo', 'zeta']);
    expect(JSON.parse(both)).toMatchObject({ format: RECORD_FORMAT });
  });

  it('withRun adds one history entry with the run id and time, and keeps the last HISTORY_LIMIT', () => {
    let text = renderRecord({ kind: 'absent' }, stackRecord(inputs));
    for (let i = 0; i < HISTORY_LIMIT + 3; i++) text = withRun(parseRecord(text), { stack: 'demo', kind: 'apply', from: '1.0.0', to: '1.0.0' }, `r${i}`, `t${i}`) ?? '';
    const doc = parseRecord(text);
    const history = doc.kind === 'present' ? (doc.record.stacks.demo?.history ?? []) : [];
    expect(history).toHaveLength(HISTORY_LIMIT);
    expect(history.at(-1)).toEqual({ runId: `r${HISTORY_LIMIT + 2}`, kind: 'apply', from: '1.0.0', to: '1.0.0', outcome: 'ok', at: `t${HISTORY_LIMIT + 2}` });
    const failed = parseRecord(withRun(doc, { stack: 'demo', kind: 'rollback', from: '1.2.0', to: '1.1.0', outcome: 'failed' }, 'rx', 'tx', 'api did not start') ?? '');
    expect(failed.kind === 'present' ? failed.record.stacks.demo?.failed : null).toEqual({ reason: 'api did not start', at: 'tx', runId: 'rx' });
    expect(withRun({ kind: 'absent' }, { stack: 'demo', kind: 'apply', from: null, to: '1' }, 'r', 't')).toBeNull();
  });
});

describe('a record written by a run, read back', () => {
  it('renders the same bytes again: the next plan writes nothing (the history entry is the only addition)', () => {
    const planned = renderRecord({ kind: 'absent' }, stackRecord(inputs));
    const written = withRun(parseRecord(planned), { stack: 'demo', kind: 'install', from: null, to: '1.0.0' }, 'r1', 't1') ?? '';
    const read = parseRecord(written);
    const previous = read.kind === 'present' ? (read.record.stacks.demo ?? null) : null;
    expect(renderRecord(read, stackRecord({ ...inputs, previous }))).toBe(written);
  });
});

describe('image IDs in the record', () => {
  const ID = 'a'.repeat(64);
  it('the plan records the IDs it knows, of the stack\'s own images only', () => {
    expect(stackRecord({ ...inputs, imageIds: { 'localhost/keelson-demo:1': ID, 'docker.io/library/other:1': 'b'.repeat(64) } }).imageIds).toEqual({ 'localhost/keelson-demo:1': ID });
  });

  it('the write fills in what the run made; an ID the plan wrote stays as planned; no entry, no text', () => {
    const planned = renderRecord({ kind: 'absent' }, stackRecord(inputs));
    const filled = parseRecord(withImageIds(parseRecord(planned), 'demo', new Map([['localhost/keelson-demo:1', ID], ['docker.io/library/other:1', 'c'.repeat(64)]])) ?? '');
    expect(filled.kind === 'present' ? filled.record.stacks.demo?.imageIds : null).toEqual({ 'localhost/keelson-demo:1': ID });
    const known = renderRecord({ kind: 'absent' }, stackRecord({ ...inputs, imageIds: { 'localhost/keelson-demo:1': ID } }));
    const kept = parseRecord(withImageIds(parseRecord(known), 'demo', new Map([['localhost/keelson-demo:1', 'd'.repeat(64)]])) ?? '');
    expect(kept.kind === 'present' ? kept.record.stacks.demo?.imageIds : null).toEqual({ 'localhost/keelson-demo:1': ID });
    expect(withImageIds(parseRecord(planned), 'zeta', new Map())).toBeNull();
    expect(withImageIds({ kind: 'absent' }, 'demo', new Map())).toBeNull();
  });
});
