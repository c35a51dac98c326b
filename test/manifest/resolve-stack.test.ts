// --stack NAME|FILE: which one it means, and what to say when it is neither.
import { describe, expect, it } from 'vitest';
import { bundledManifestPath, bundledStacksDir, resolveStackRef, stackNotFoundMessage } from '../../src/manifest/resolve-stack.js';

const stacksDir = bundledStacksDir('/opt/keelson');
const opts = { bundled: ['demo', 'cdr-link'], stacksDir, cwd: '/home/op/work' };

describe('resolveStackRef', () => {
  it('finds bundled stacks under <root>/assets/stacks/NAME/manifest.yaml', () => {
    expect(stacksDir).toBe('/opt/keelson/assets/stacks');
    expect(bundledManifestPath(stacksDir, 'demo')).toBe('/opt/keelson/assets/stacks/demo/manifest.yaml');
  });

  it.each([
    ['demo', { kind: 'bundled', name: 'demo', path: '/opt/keelson/assets/stacks/demo/manifest.yaml', displayName: 'demo/manifest.yaml' }],
    ['cdr-link', { kind: 'bundled', name: 'cdr-link', path: '/opt/keelson/assets/stacks/cdr-link/manifest.yaml', displayName: 'cdr-link/manifest.yaml' }],
    ['./demo', { kind: 'file', path: '/home/op/work/demo', displayName: 'demo' }],
    ['shop.yaml', { kind: 'file', path: '/home/op/work/shop.yaml', displayName: 'shop.yaml' }],
    ['stacks/shop.yaml', { kind: 'file', path: '/home/op/work/stacks/shop.yaml', displayName: 'stacks/shop.yaml' }],
    ['/etc/keelson/shop.yaml', { kind: 'file', path: '/etc/keelson/shop.yaml', displayName: '/etc/keelson/shop.yaml' }],
    ['../shop.yaml', { kind: 'file', path: '/home/op/shop.yaml', displayName: '/home/op/shop.yaml' }],
    ['dmeo', { kind: 'file', path: '/home/op/work/dmeo', displayName: 'dmeo' }],
    ['Demo', { kind: 'file', path: '/home/op/work/Demo', displayName: 'Demo' }],
  ])('%s', (arg, expected) => {
    expect(resolveStackRef(arg, opts)).toEqual(expected);
  });
});

describe('stackNotFoundMessage', () => {
  it('suggests the closest bundled stack for a misspelt name', () => {
    expect(stackNotFoundMessage('dmeo', opts.bundled)).toBe(
      "--stack dmeo: there is no bundled stack of that name and no file ./dmeo (bundled stacks: demo, cdr-link); did you mean 'demo'?",
    );
  });

  it('says a path is missing, and what else would work', () => {
    expect(stackNotFoundMessage('./shop.yaml', opts.bundled)).toBe(
      "--stack ./shop.yaml: no such file; give the path of a manifest file, or a bundled stack's name (bundled stacks: demo, cdr-link)",
    );
  });
});
