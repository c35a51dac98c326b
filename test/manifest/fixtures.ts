// A small valid manifest as text, and helpers to break it in one place and find where that place is.
import { expect } from 'vitest';
import { parseManifest, type ManifestError } from '../../src/manifest/load-manifest.js';

export const BASE = `stack: shop
version: 1.0.0
mode: rootless
owner: shop
groups:
  - name: shop-clients
sockets:
  - dir: /run/shop
    owner: shop
    group: shop-clients
    mode: "0770"
secrets:
  - name: db-password
    generate: { length: 32 }
networks:
  - name: backend
  - name: front
    internal: false
volumes:
  - name: data
containers:
  - name: web
    image: localhost/shop:1
    user: "1000:1000"
    exec: ["/bin/busybox", "httpd", "-f"]
    env:
      GREETING: hello
    publish: ["127.0.0.1:18080:8080"]
    networks: [front, backend]
    volumes: ["data:/data"]
    sockets: [/run/shop]
    secrets:
      - { name: db-password, env: DB_PASSWORD }
  - name: db
    image: localhost/db:1
    user: "999:999"
    networks: [backend]
targets:
  - name: all
    members: [web, db]
start: all
`;

/** BASE with `from` (which must occur exactly once) replaced by `to`. */
export function mutate(from: string, to: string, base = BASE): string {
  const at = base.indexOf(from);
  if (at < 0 || base.indexOf(from, at + 1) >= 0) throw new Error(`fixture: "${from}" must occur exactly once`);
  return base.slice(0, at) + to + base.slice(at + from.length);
}

/** 1-based line number of the only line containing `marker`. */
export function lineOf(text: string, marker: string): number {
  const lines = text.split('\n');
  const hits = lines.flatMap((l, i) => (l.includes(marker) ? [i + 1] : []));
  if (hits.length !== 1) throw new Error(`fixture: "${marker}" must be on exactly one line, found ${String(hits.length)}`);
  return hits[0] ?? 0;
}

/** 1-based column of `token` on the line containing `marker` (the marker itself by default). */
export function columnOf(text: string, marker: string, token = marker): number {
  const line = text.split('\n')[lineOf(text, marker) - 1] ?? '';
  const i = line.indexOf(token);
  if (i < 0) throw new Error(`fixture: "${token}" is not on the line of "${marker}"`);
  return i + 1;
}

/** The errors of a manifest that must fail. */
export function errorsOf(text: string): ManifestError[] {
  const r = parseManifest(text, 'test.yaml');
  if (r.ok) throw new Error('expected the manifest to be refused, but it validated');
  return r.errors;
}

/** The one error at `path`; fails listing all errors when there is none. */
export function errorAt(errors: readonly ManifestError[], path: string): ManifestError {
  const hit = errors.find((e) => e.path === path);
  expect(hit, `no error at ${path}; got ${JSON.stringify(errors, null, 1)}`).toBeDefined();
  return hit as ManifestError;
}
