// One reading of "publish": the schema, the unit file, the warnings and the wizard's summary agree on the address a
// port is bound to, in particular that a publish without one is loopback only.
import { describe, expect, it } from 'vitest';
import { parsePublish } from '../../src/manifest/publish.js';
import type { Manifest } from '../../src/manifest/schema.js';
import { manifestWarnings } from '../../steps/quadlet/manifest-warnings.js';
import { renderStack } from '../../steps/quadlet/render-stack.js';
import { publishedPorts, reachLine } from '../../screens/summary/summary-lines.js';
import { answersFor, loadStack, resolved } from '../steps/quadlet/fixtures.js';
import { parseManifest } from '../../src/manifest/load-manifest.js';

const demo = loadStack('demo');
const withPublish = (publish: string[]): Manifest => ({ ...demo, containers: demo.containers.map((c) => (c.name === 'web' ? { ...c, publish } : c)) });
const unitOf = (m: Manifest) =>
  renderStack(m, { podman: { major: 5, minor: 4 }, selinux: false, resolved, answers: answersFor.demo ?? {} }).files.find((f) => f.name === 'web.container')?.content ?? '';
const ssh = { kind: 'ssh', destination: 'admin@192.0.2.10' } as const;

describe('a publish without a host address', () => {
  it('is bound to 127.0.0.1 in the unit, draws no warning, and the summary says so (with the SSH tunnel to it)', () => {
    const m = withPublish(['18080:8080']);
    expect(parsePublish('18080:8080')).toMatchObject({ ip: '127.0.0.1', hostPort: '18080', containerPort: '8080', proto: 'tcp', value: '127.0.0.1:18080:8080', loopback: true });
    expect(unitOf(m)).toContain('PublishPort=127.0.0.1:18080:8080\n');
    expect(manifestWarnings(m).map((f) => f.code)).toEqual([]);
    const [port] = publishedPorts({ ref: 'demo', source: 'demo', manifest: m });
    expect(port === undefined ? '' : reachLine(port, ssh)).toBe('web port 8080/tcp → 127.0.0.1:18080; from here: ssh -L 18080:127.0.0.1:18080 admin@192.0.2.10');
  });

  it('clashes with the same port published on 127.0.0.1 by another container', () => {
    const text = `stack: p
version: 1.0.0
mode: rootful
containers:
  - { name: a, image: localhost/a:1, user: "1000:1000", publish: ["8080:80"] }
  - { name: b, image: localhost/a:1, user: "1000:1000", publish: ["127.0.0.1:8080:80"] }
`;
    const r = parseManifest(text, 'p.yaml');
    expect(r.ok ? [] : r.errors.map((e) => e.message)).toEqual([expect.stringMatching(/host port 127\.0\.0\.1:8080\/tcp is already published by containers\[0\]/)]);
  });
});

describe('a publish on every interface', () => {
  it.each(['0.0.0.0:8080:80', '[::]:8080:80/udp'])('%s: written as given, warned about, and shown as every address', (p) => {
    const m = withPublish([p]);
    expect(unitOf(m)).toContain(`PublishPort=${p}\n`);
    expect(manifestWarnings(m).map((f) => f.code)).toEqual(['quadlet-publish-all-interfaces']);
    const [port] = publishedPorts({ ref: 'demo', source: 'demo', manifest: m });
    expect(port === undefined ? '' : reachLine(port, ssh)).toMatch(/→ every address of the host, port 8080$/);
  });
});
