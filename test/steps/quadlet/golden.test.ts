// Golden files: both bundled stacks rendered for each kind of host, compared byte for byte with
// test/golden/<stack>/<variant>/{quadlet,systemd}/. UPDATE_GOLDEN=1 rewrites them (review the diff!).
// The same directories are what the real generator's dry-run is run over on the test host
// (test/golden/quadlet-dry-run.sh): a golden file that Quadlet rejects is a failing test there.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../../src/manifest/schema.js';
import type { RenderContext } from '../../../steps/quadlet/render-context.js';
import { renderStack } from '../../../steps/quadlet/render-stack.js';
import { headerState } from '../../../steps/quadlet/unit-header.js';
import { answersFor, loadStack, repoRoot, resolved } from './fixtures.js';

interface Variant {
  readonly name: string;
  readonly mode: Manifest['mode'];
  readonly podman: { major: number; minor: number };
  readonly selinux: boolean;
}

const variants: Variant[] = [
  // Debian 13's Podman, no SELinux: the test host. Dependencies name x.service.
  { name: 'rootless-podman5.4', mode: 'rootless', podman: { major: 5, minor: 4 }, selinux: false },
  // Podman 5.5+ on an SELinux host: dependencies name x.container; socket mounts get :z.
  { name: 'rootless-podman5.5-selinux', mode: 'rootless', podman: { major: 5, minor: 5 }, selinux: true },
  { name: 'rootful-podman5.4', mode: 'rootful', podman: { major: 5, minor: 4 }, selinux: false },
  { name: 'rootful-podman5.5-selinux', mode: 'rootful', podman: { major: 5, minor: 5 }, selinux: true },
];
// Ubuntu 24.04's Podman: no GroupAdd= (PodmanArgs instead), no Notify=healthy. One stack is enough to show it.
const oldPodman: Variant = { name: 'rootless-podman4.9', mode: 'rootless', podman: { major: 4, minor: 9 }, selinux: false };

// The demo's rootful form is its own manifest (each container as its own service user), not a mode switch.
const cases: [string, Variant][] = [
  ...variants.map((v): [string, Variant] => [v.mode === 'rootful' ? 'demo-rootful' : 'demo', v]),
  ['demo', oldPodman],
  ...variants.map((v): [string, Variant] => ['cdr-link', v]),
];

const update = process.env.UPDATE_GOLDEN === '1';

const readTree = (dir: string): Map<string, string> => {
  const files = new Map<string, string>();
  for (const sub of ['quadlet', 'systemd']) {
    const d = `${dir}/${sub}`;
    if (!existsSync(d)) continue;
    for (const name of readdirSync(d).sort()) files.set(`${sub}/${name}`, readFileSync(`${d}/${name}`, 'utf8'));
  }
  return files;
};

describe('golden unit files', () => {
  it.each(cases)('%s %o', (stack, variant) => {
    const loaded = loadStack(stack);
    // cdr-link's rootful form is a mode switch: its containers run as fixed UIDs and mount no socket directory.
    const manifest: Manifest = { ...loaded, mode: variant.mode };
    const ctx: RenderContext = { podman: variant.podman, selinux: variant.selinux, resolved, answers: answersFor[stack] ?? {} };
    const rendered = renderStack(manifest, ctx);
    const actual = new Map(rendered.files.map((f) => [`${f.dir}/${f.name}`, f.content]));
    const dir = `${repoRoot}test/golden/${stack}/${variant.name}`;
    if (update) {
      rmSync(dir, { recursive: true, force: true });
      for (const [path, content] of actual) {
        mkdirSync(`${dir}/${path.split('/')[0] ?? ''}`, { recursive: true });
        writeFileSync(`${dir}/${path}`, content);
      }
    }
    const expected = readTree(dir);
    expect([...actual.keys()].sort(), `files under ${dir} (run with UPDATE_GOLDEN=1 to rewrite)`).toEqual([...expected.keys()].sort());
    for (const [path, content] of actual) expect(content, path).toBe(expected.get(path));
    // Every file carries a header that verifies.
    for (const content of actual.values()) expect(headerState(content)).toBe('managed-unchanged');
  });
});
