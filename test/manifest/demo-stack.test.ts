// The bundled demo stack validates and says what the issue asks of it. (Its parse time: test/bench/manifest-parse.ts.)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatManifestErrors, parseManifest } from '../../src/manifest/load-manifest.js';
import { bundledManifestPath, bundledStacksDir } from '../../src/manifest/resolve-stack.js';

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
const text = readFileSync(bundledManifestPath(bundledStacksDir(packageRoot), 'demo'), 'utf8');

describe('assets/stacks/demo/manifest.yaml', () => {
  const r = parseManifest(text, 'demo/manifest.yaml');

  it('validates', () => {
    expect(r.ok ? 'valid' : formatManifestErrors(r.errors, 'demo/manifest.yaml')).toBe('valid');
  });

  it('is the rootless demo the issue describes', () => {
    if (!r.ok) throw new Error('demo does not validate');
    const m = r.manifest;
    expect(m).toMatchObject({ stack: 'demo', mode: 'rootless', owner: 'keelson-demo', dataMount: '/home', start: 'demo' });
    expect(m.groups.map((g) => g.name)).toEqual(['demo-clients']);
    expect(m.sockets).toEqual([{ dir: '/run/keelson-demo', owner: 'keelson-demo', group: 'demo-clients', mode: '0770' }]);
    expect(m.secrets.filter((s) => s.generate !== undefined)).toHaveLength(1);
    expect(m.questions[0]?.pattern).toBeDefined();
    expect(m.networks.filter((n) => n.internal)).toHaveLength(1);
    expect(m.volumes).toHaveLength(1);
    expect(m.containers.length).toBeGreaterThanOrEqual(2);
    for (const c of m.containers) {
      expect(c.image).toBe('localhost/keelson-demo:1');
      // Built on the host from its static busybox: the demo runs offline, without a registry or an archive.
      expect(c.imageBuild).toBe('busybox');
      expect(c.imageArchive).toBeUndefined();
      expect(c.user).toMatch(/^[1-9][0-9]*:[1-9][0-9]*$/);
      expect(c.exec?.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    }
    const [jobs, services] = [m.containers.filter((c) => c.runOnce), m.containers.filter((c) => !c.runOnce)];
    for (const c of services) {
      expect(c.exec?.[2]).toContain('/bin/busybox httpd -f -p');
      expect(c.health).toBeDefined();
    }
    // One run-once job writes the page with the operator's answer; the service that serves it requires it.
    expect(jobs.map((c) => c.name)).toEqual(['page']);
    expect(jobs[0]?.env.DEMO_GREETING).toBe('{{ answers.greeting }}');
    expect(m.containers.find((c) => c.name === 'api')?.requires).toEqual(['page']);
    expect(m.containers.flatMap((c) => c.publish).every((p) => p.startsWith('127.0.0.1:'))).toBe(true);
    expect(m.containers.some((c) => c.publish.length > 0)).toBe(true);
    expect(m.targets).toEqual([{ name: 'demo', members: services.map((c) => c.name), requires: [] }]);
  });
});
