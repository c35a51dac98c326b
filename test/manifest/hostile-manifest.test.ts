// Issue 12: manifests that validated and would hurt a host (take over what is not the stack's, collide after
// prefixing, loop, smuggle invisible text), each refused at load with the field, its line and what to do.
import { beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/manifest/load-manifest.js';
import { BASE, errorAt, errorsOf, lineOf, mutate } from './fixtures.js';

interface Case {
  readonly kind: string;
  readonly text: string;
  readonly path: string;
  /** A substring of the line the error must point at. */
  readonly line: string;
  readonly message: RegExp;
}

const cases: Case[] = [
  {
    kind: 'item 1: a privileged client group (sudo)',
    text: mutate('  - name: shop-clients\n', '  - name: shop-clients\n  - name: sudo\n'),
    path: 'groups[1].name',
    line: 'name: sudo',
    message: /"sudo" is a privileged group \(its members may run anything as root/,
  },
  {
    kind: 'item 1: a privileged group joined by a user',
    text: mutate('containers:\n', 'users:\n  - name: shop\n    groups: [adm]\ncontainers:\n'),
    path: 'users[0].groups[0]',
    line: 'groups: [adm]',
    message: /"adm" is a privileged group \(its members read every system log\)/,
  },
  {
    kind: "item 1: a socket directory that is sshd's",
    text: mutate('  - dir: /run/shop\n', '  - dir: /run/sshd\n').replace('sockets: [/run/shop]', 'sockets: [/run/sshd]'),
    path: 'sockets[0].dir',
    line: 'dir: /run/sshd',
    message: /\/run\/sshd is sshd's privilege-separation directory/,
  },
  {
    kind: "item 1: a socket directory under systemd's",
    text: mutate('  - dir: /run/shop\n', '  - dir: /run/systemd/shop\n').replace('sockets: [/run/shop]', 'sockets: [/run/systemd/shop]'),
    path: 'sockets[0].dir',
    line: 'dir: /run/systemd/shop',
    message: /\/run\/systemd is systemd's own runtime directory/,
  },
  {
    kind: 'item 1: a socket directory under the user runtime directories',
    text: mutate('  - dir: /run/shop\n', '  - dir: /run/user/1000\n').replace('sockets: [/run/shop]', 'sockets: [/run/user/1000]'),
    path: 'sockets[0].dir',
    line: 'dir: /run/user/1000',
    message: /per-user runtime directories/,
  },
  {
    kind: 'item 2: networks backend and shop-backend are one network after prefixing',
    text: mutate('  - name: front\n    internal: false\n', '  - name: front\n    internal: false\n  - name: shop-backend\n    internal: false\n'),
    path: 'networks[2].name',
    line: 'name: shop-backend',
    message: /"shop-backend" becomes the unit shop-backend-network\.service, the same as networks\[0\]\.name "backend"/,
  },
  {
    kind: 'item 2: volumes data and shop-data',
    text: mutate('  - name: data\n', '  - name: data\n  - name: shop-data\n'),
    path: 'volumes[1].name',
    line: 'name: shop-data',
    message: /the same as volumes\[0\]\.name "data"/,
  },
  {
    kind: 'item 2: secrets token and shop-token',
    text: mutate('    generate: { length: 32 }\n', '    generate: { length: 32 }\n  - name: token\n    generate: { length: 32 }\n  - name: shop-token\n    generate: { length: 32 }\n'),
    path: 'secrets[2].name',
    line: 'name: shop-token',
    message: /becomes the Podman secret shop-token, the same as secrets\[1\]\.name "token"/,
  },
  {
    kind: "item 2: a container named like a network's generated service",
    text: mutate('  - name: db\n', '  - name: shop-backend-network\n').replace('members: [web, db]', 'members: [web, shop-backend-network]'),
    path: 'networks[0].name',
    line: '  - name: backend',
    message: /becomes the unit shop-backend-network\.service, the same as containers\[1\]\.name "shop-backend-network"/,
  },
  {
    kind: 'item 6: a bidi override in an env value (Trojan Source)',
    text: mutate('GREETING: hello', 'GREETING: "hel\\u202elo"'),
    path: 'containers[0].env.GREETING',
    line: 'GREETING',
    message: /must not contain bidi controls or invisible characters/,
  },
  {
    kind: 'item 6: a zero-width space in an exec argument',
    text: mutate('"httpd", "-f"]', '"httpd", "-f", "x\\u200by"]'),
    path: 'containers[0].exec[3]',
    line: 'exec:',
    message: /must not contain bidi controls or invisible characters/,
  },
  {
    kind: 'item 8: a requires cycle, shown whole',
    text: mutate('    networks: [backend]\ntargets:', '    networks: [backend]\n    requires: [web]\ntargets:').replace('      - { name: db-password, env: DB_PASSWORD }\n', '      - { name: db-password, env: DB_PASSWORD }\n    requires: [db]\n'),
    path: 'containers[1].requires[0]',
    line: 'requires: [web]',
    message: /"web" → "db" → "web" is a dependency cycle/,
  },
  {
    kind: 'item 8: a secret env that is also a plain env',
    text: mutate('{ name: db-password, env: DB_PASSWORD }', '{ name: db-password, env: GREETING }'),
    path: 'containers[0].secrets[0].env',
    line: 'env: GREETING }',
    message: /GREETING is also set under env/,
  },
  {
    kind: 'item 8: one secret env listed twice',
    text: mutate('      - { name: db-password, env: DB_PASSWORD }\n', '      - { name: db-password, env: DB_PASSWORD }\n      - { name: db-password, env: DB_PASSWORD2 }\n      - { name: db-password, env: DB_PASSWORD } # again\n'),
    path: 'containers[0].secrets[2].env',
    line: '# again',
    message: /DB_PASSWORD is already the target of secrets\[0\]/,
  },
  {
    kind: 'item 8: an answer reference where none is substituted (exec)',
    text: mutate('"httpd", "-f"]', '"httpd", "-f", "{{ answers.greeting }}"]'),
    path: 'containers[0].exec[3]',
    line: 'exec:',
    message: /answers are substituted only in containers\[\]\.env values/,
  },
  {
    kind: 'item 8: a malformed answer reference',
    text: mutate('GREETING: hello', 'GREETING: "{{ answers.Bad_Id }}"'),
    path: 'containers[0].env.GREETING',
    line: 'GREETING',
    message: /malformed answer reference/,
  },
  {
    kind: 'item 8: a reference to a question that does not exist',
    text: mutate('GREETING: hello', 'GREETING: "{{ answers.nope }}"'),
    path: 'containers[0].env.GREETING',
    line: 'GREETING',
    message: /no question has that id/,
  },
  {
    kind: 'item 8: a 5,000-character env name',
    text: mutate('    env:\n      GREETING: hello\n', `    env: { GREETING: hello, ${'A'.repeat(5000)}: hello }\n`),
    path: `containers[0].env.${'A'.repeat(5000)}`,
    line: 'AAAA',
    message: /the key "A{60}…" is not valid: expected an environment variable name of at most 128 characters/,
  },
  {
    kind: 'item 8: a 100,000-character version',
    text: mutate('version: 1.0.0', `version: 1.0.0-${'a'.repeat(100_000)}`),
    path: 'version',
    line: 'version:',
    message: /must be at most 64 characters long/,
  },
  {
    kind: 'item 8: an unbounded list (1,000 published ports on one container)',
    text: mutate('publish: ["127.0.0.1:18080:8080"]', `publish: [${Array.from({ length: 1000 }, (_, i) => `"127.0.0.1:${String(20000 + i)}:80"`).join(', ')}]`),
    path: 'containers[0].publish',
    line: 'publish:',
    message: /needs at most 64 items/,
  },
];

describe('issue 12: hostile manifests are refused at load, naming the field and line', () => {
  it.each(cases)('$kind', (c) => {
    const errors = errorsOf(c.text);
    const e = errorAt(errors, c.path);
    expect(e.message).toMatch(c.message);
    expect(e.line).toBe(lineOf(c.text, c.line));
  });

  it('the base manifest itself is accepted (each case above breaks exactly one thing)', () => {
    expect(parseManifest(BASE, 'test.yaml').ok).toBe(true);
  });
});

describe('issue 12 item 3: no input keeps the loader busy', () => {
  // The first parse compiles the loader's code paths (seconds on a busy machine); the budget is for the answer.
  beforeAll(() => {
    parseManifest(`${BASE}k0: 1\nk0: 1\n`, 'warm-up.yaml');
    parseManifest(`${BASE}${Array.from({ length: 200 }, (_, i) => `w${String(i)}: 1`).join('\n')}\n`, 'warm-up.yaml');
  });
  const timed = <T>(f: () => T): { value: T; ms: number } => {
    const t = performance.now();
    const value = f();
    return { value, ms: performance.now() - t };
  };

  it('a catastrophic pattern ((a+)+) against 34 "a"s and "!" answers at once', () => {
    const text = mutate('networks:\n', `questions:\n  - id: q\n    prompt: Q\n    pattern: "(a+)+"\n    default: "${'a'.repeat(34)}!"\nnetworks:\n`);
    const { value, ms } = timed(() => parseManifest(text, 'test.yaml'));
    expect(ms).toBeLessThan(1000);
    expect(value.ok).toBe(false);
    if (!value.ok) expect(errorAt(value.errors, 'questions[0].default').message).toMatch(/does not match the pattern/);
  });

  it('backreferences and lookaround (which need backtracking) are refused with the reason', () => {
    const text = mutate('networks:\n', 'questions:\n  - id: q\n    prompt: Q\n    pattern: "(a)\\\\1"\nnetworks:\n');
    expect(errorAt(errorsOf(text), 'questions[0].pattern').message).toMatch(/RE2 syntax: no backreferences or lookaround/);
  });

  it('2,000 unknown keys are each reported, in well under a second', () => {
    const n = 2_000;
    const keys = Array.from({ length: n }, (_, i) => `k${String(i)}: 1`).join('\n');
    const text = `${BASE}${keys}\n`;
    expect(Buffer.byteLength(text)).toBeLessThan(1024 * 1024);
    const { value, ms } = timed(() => parseManifest(text, 'test.yaml'));
    expect(ms).toBeLessThan(1000);
    expect(value.ok).toBe(false);
    if (!value.ok) {
      expect(value.errors[0]?.message).toBe('unknown key "k0"');
      expect(value.errors.at(-1)?.message).toBe(`and ${String(n - 49)} more problems`);
    }
  });

  it('5,000 duplicate keys are each reported, in well under a second', () => {
    const text = `${BASE}${Array.from({ length: 5_000 }, () => 'k: 1').join('\n')}\n`;
    const { value, ms } = timed(() => parseManifest(text, 'test.yaml'));
    expect(ms).toBeLessThan(1000);
    expect(value.ok).toBe(false);
    if (!value.ok) expect(value.errors[0]).toMatchObject({ path: 'k', message: 'this key appears twice in the same mapping' });
  });

  it.each([
    ['100,000 keys', `${Array.from({ length: 100_000 }, (_, i) => `k${String(i)}: 1`).join('\n')}\n`],
    ['80,000 keys in one flow mapping', `x: {${Array.from({ length: 80_000 }, (_, i) => `k${String(i)}: 1`).join(', ')}}\n`],
  ])('%s under the 1 MiB cap are refused at once, with the reason', (_kind, extra) => {
    const text = `${BASE}${extra}`;
    expect(Buffer.byteLength(text)).toBeLessThan(1024 * 1024);
    const { value, ms } = timed(() => parseManifest(text, 'test.yaml'));
    expect(ms).toBeLessThan(1000);
    expect(value.ok).toBe(false);
    if (!value.ok) expect(value.errors[0]?.message).toMatch(/lines and list items; a manifest has at most 10000/);
  });

  it('flow collections nested 100,000 deep are refused with a clear message, not a stack overflow', () => {
    const text = `${BASE}x: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    const { value, ms } = timed(() => parseManifest(text, 'test.yaml'));
    expect(ms).toBeLessThan(1000);
    expect(value.ok).toBe(false);
    if (!value.ok) expect(value.errors[0]?.message).toMatch(/nested more than 32 levels deep/);
  });
});
