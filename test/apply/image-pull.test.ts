// The pull executor against a scripted host (no registry is reachable from here): what it runs, in which scope,
// that Podman's progress lines reach the operator, that a present image is left alone, and that a failed pull
// stops the apply with Podman's own words.
import { describe, expect, it } from 'vitest';
import type { ActionOf } from '../../src/engine/action.js';
import type { ExecutorContext } from '../../src/apply/executor.js';
import type { Journal } from '../../src/apply/journal.js';
import { podmanImagePull } from '../../src/apply/executors/podman.js';
import type { Host, RunOptions, RunResult } from '../../src/host/host.js';

const action: ActionOf<'podman.image-pull'> = {
  kind: 'podman.image-pull',
  description: 'pull image docker.io/library/nginx:1.27 as app',
  target: { scope: 'user', user: 'app' },
  image: 'docker.io/library/nginx:1.27',
};

const host = (present: boolean, pull: RunResult) => {
  const calls: { argv: readonly string[]; asUser: string | undefined }[] = [];
  const h: Host = {
    label: 'scripted',
    roundTrips: 0,
    run: (argv: readonly string[], options?: RunOptions) => {
      calls.push({ argv, asUser: options?.asUser });
      if (argv[1] === 'image') return Promise.resolve({ exitCode: present ? 0 : 1, stdout: '', stderr: '' });
      for (const l of ['Trying to pull docker.io/library/nginx:1.27...', 'Copying blob sha256:aa done']) options?.onLine?.(l, 'stderr');
      return Promise.resolve(pull);
    },
    writeFile: () => Promise.reject(new Error('no writes expected')),
    readFile: () => Promise.reject(new Error('no reads expected')),
    close: () => Promise.resolve(),
  };
  return { h, calls };
};

const ctx = (h: Host, lines: string[]): ExecutorContext => ({ host: h, journal: { write: () => Promise.resolve() } as unknown as Journal, index: 0, runId: 'r', secretAnswers: {}, onLine: (l) => lines.push(l) });

describe('podman.image-pull', () => {
  it('pulls in the owner\'s scope, streaming Podman\'s progress', async () => {
    const { h, calls } = host(false, { exitCode: 0, stdout: '', stderr: '' });
    const lines: string[] = [];
    expect(await podmanImagePull(action, ctx(h, lines))).toBe('done');
    expect(calls).toEqual([
      { argv: ['podman', 'image', 'exists', 'docker.io/library/nginx:1.27'], asUser: 'app' },
      { argv: ['podman', 'pull', '--', 'docker.io/library/nginx:1.27'], asUser: 'app' },
    ]);
    expect(lines).toEqual(['Trying to pull docker.io/library/nginx:1.27...', 'Copying blob sha256:aa done']);
  });

  it('leaves a present image alone', async () => {
    const { h, calls } = host(true, { exitCode: 0, stdout: '', stderr: '' });
    expect(await podmanImagePull(action, ctx(h, []))).toBe('skipped');
    expect(calls).toHaveLength(1);
  });

  it('a failed pull is an error with Podman\'s words', async () => {
    const { h } = host(false, { exitCode: 125, stdout: '', stderr: 'Error: initializing source docker://docker.io/library/nginx:1.27: pinging container registry registry-1.docker.io: dial tcp: lookup registry-1.docker.io: no such host' });
    await expect(podmanImagePull(action, ctx(h, []))).rejects.toThrow(/no such host/);
  });
});
