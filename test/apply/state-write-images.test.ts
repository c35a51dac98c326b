// The record's write at the end of a run fills in the IDs of the images that run made (no plan can know them): asked
// of Podman as the stack's owner, in the same `podman images --format json` the plan's fact reads. A listing that
// fails leaves them out (the next plan sees them in its facts and writes them); it never stops the record's write.
import { describe, expect, it } from 'vitest';
import type { ExecutorContext } from '../../src/apply/executor.js';
import { stateWrite } from '../../src/apply/executors/files.js';
import { Journal } from '../../src/apply/journal.js';
import type { ActionOf } from '../../src/engine/action.js';
import type { Host, RunOptions, RunResult } from '../../src/host/host.js';
import { parseRecord } from '../../src/state/parse-record.js';
import { renderRecord, stackRecord } from '../../src/state/stack-record.js';
import { loadStack, resolved } from '../steps/quadlet/fixtures.js';

const ID = 'e'.repeat(64);
const planned = renderRecord({ kind: 'absent' }, stackRecord({ manifest: loadStack('demo'), answers: {}, resolved, keelsonVersion: '0.1.0', top: 'demo.target', files: [], luksUuid: null, previous: null }));
const action: ActionOf<'state.write'> = {
  kind: 'state.write', description: 'record', path: '/var/lib/keelson/state.json', content: planned,
  images: { stack: 'demo', target: { scope: 'user', user: 'keelson-demo' }, refs: ['localhost/keelson-demo:1'] },
};

/** A host that answers podman with `images` and keeps what the record's write sent on stdin. */
const scripted = (images: RunResult) => {
  const runs: { argv: readonly string[]; asUser?: string }[] = [];
  let written = '';
  const host: Host = {
    label: 'scripted', roundTrips: 0, close: () => Promise.resolve(),
    readFile: () => Promise.reject(new Error('not read')), writeFile: () => Promise.reject(new Error('not written this way')),
    run: (argv: readonly string[], o?: RunOptions) => {
      runs.push({ argv, ...(o?.asUser === undefined ? {} : { asUser: o.asUser }) });
      if (argv[0] === 'podman') return Promise.resolve(images);
      if (typeof o?.stdin === 'string') written = o.stdin;
      return Promise.resolve({ exitCode: 0, stdout: '', stderr: '' });
    },
  };
  const ctx: ExecutorContext = { host, journal: new Journal(host, 'r1'), index: 0, runId: 'r1', secretAnswers: {} };
  return { ctx, runs, written: () => parseRecord(written) };
};

describe('state.write with images the run made', () => {
  it('their IDs, as the owner\'s Podman lists them, are in the record written', async () => {
    const s = scripted({ exitCode: 0, stdout: JSON.stringify([{ Id: ID, Names: ['localhost/keelson-demo:1'] }]), stderr: '' });
    expect(await stateWrite(action, s.ctx)).toBe('done');
    expect(s.runs[0]).toEqual({ argv: ['podman', 'images', '--format', 'json'], asUser: 'keelson-demo' });
    const r = s.written();
    expect(r.kind === 'present' ? r.record.stacks.demo?.imageIds : null).toEqual({ 'localhost/keelson-demo:1': ID });
  });

  it('Podman cannot list them: the record is written as planned, without them', async () => {
    const s = scripted({ exitCode: 125, stdout: '', stderr: 'Error: database is locked\n' });
    expect(await stateWrite(action, s.ctx)).toBe('done');
    const r = s.written();
    expect(r.kind === 'present' ? r.record.stacks.demo?.imageIds : null).toEqual({});
  });
});
