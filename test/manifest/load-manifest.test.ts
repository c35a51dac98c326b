// Bad manifests in, errors out: each names the field path, the line and (where it means something) the column.
import { describe, expect, it } from 'vitest';
import { MAX_MANIFEST_BYTES, formatManifestErrors, parseManifest } from '../../src/manifest/load-manifest.js';
import { BASE, columnOf, errorAt, errorsOf, lineOf, mutate } from './fixtures.js';

interface Case {
  readonly kind: string;
  readonly text: string;
  /** The field path the error must name ('' for problems with the file itself). */
  readonly path: string;
  /** A substring of the line the error must point at. */
  readonly line: string;
  /** A substring of that line where the error's column must be; omitted where the column means little. */
  readonly column?: string;
  readonly message: RegExp;
  readonly hint?: RegExp;
}

const dbBlock = '  - name: db\n    image: localhost/db:1\n    user: "999:999"\n    networks: [backend]\n';

const cases: Case[] = [
  {
    kind: 'YAML syntax error (unclosed flow list)',
    text: mutate('"httpd", "-f"]', '"httpd", "-f"'),
    path: '',
    line: '    env:',
    message: /Flow sequence/,
    hint: /closed/,
  },
  {
    kind: 'duplicate key',
    text: mutate('    image: localhost/shop:1\n', '    image: localhost/shop:1\n    image: localhost/shop:2\n'),
    path: 'containers[0].image',
    line: 'localhost/shop:2',
    column: 'image',
    message: /appears twice/,
  },
  {
    kind: 'unknown top-level key, with a suggestion',
    text: mutate('stack: shop', 'stak: shop'),
    path: 'stak',
    line: 'stak: shop',
    column: 'stak',
    message: /unknown key "stak"/,
    hint: /did you mean 'stack'\?/,
  },
  {
    kind: 'unknown nested key, with a suggestion',
    text: mutate('    image: localhost/shop:1\n', '    image: localhost/shop:1\n    imageArchve: /var/lib/keelson/shop.tar\n'),
    path: 'containers[0].imageArchve',
    line: 'imageArchve',
    column: 'imageArchve',
    message: /unknown key "imageArchve"/,
    hint: /did you mean 'imageArchive'\?/,
  },
  {
    kind: 'unknown key in a flow mapping',
    text: mutate('generate: { length: 32 }', 'generate: { lenght: 32 }'),
    path: 'secrets[0].generate.lenght',
    line: 'lenght',
    column: 'lenght',
    message: /unknown key "lenght"/,
    hint: /did you mean 'length'\?/,
  },
  {
    kind: 'unknown key without a close match lists the allowed keys',
    text: mutate('  - name: backend\n', '  - name: backend\n    subnet: 10.0.0.0/24\n'),
    path: 'networks[0].subnet',
    line: 'subnet',
    column: 'subnet',
    message: /unknown key "subnet"/,
    hint: /allowed here are: name, internal/,
  },
  {
    kind: 'wrong type: an unquoted mode is a number',
    text: mutate('mode: "0770"', 'mode: 0770'),
    path: 'sockets[0].mode',
    line: 'mode: 0770',
    column: '0770',
    message: /expected text, found the number 770/,
    hint: /quote it .*mode: "0770"/,
  },
  {
    kind: 'wrong type: yes is not a boolean in YAML 1.2',
    text: mutate('internal: false', 'internal: no'),
    path: 'networks[1].internal',
    line: 'internal: no',
    column: 'no',
    message: /expected true or false, found text/,
    hint: /true or internal: false/,
  },
  {
    kind: 'wrong type: a single value where a list belongs',
    text: mutate('networks: [backend]\n', 'networks: backend\n'),
    path: 'containers[1].networks',
    line: 'networks: backend',
    column: 'backend',
    message: /expected a list, found text/,
    hint: /networks: \["backend"\]/,
  },
  {
    kind: 'missing required field points at the object it is missing from',
    text: mutate('  - name: db\n    image: localhost/db:1\n', '  - name: db   # no image\n'),
    path: 'containers[1].image',
    line: '# no image',
    column: 'name: db',
    message: /is missing/,
    hint: /add image:/,
  },
  {
    kind: 'missing required field in a flow mapping',
    text: mutate('    user: "999:999"\n', '    user: "999:999"\n    health: { interval: 10s }\n'),
    path: 'containers[1].health.cmd',
    line: 'health:',
    column: '{',
    message: /is missing \(a list is required here\)/,
  },
  {
    kind: 'empty value',
    text: mutate('    image: localhost/db:1\n', '    image:   # empty\n'),
    path: 'containers[1].image',
    line: '# empty',
    column: 'image',
    message: /found nothing/,
    hint: /give it a value/,
  },
  {
    kind: 'bad enum, with a suggestion',
    text: mutate('mode: rootless', 'mode: rootles'),
    path: 'mode',
    line: 'mode: rootles',
    column: 'rootles',
    message: /"rootles" is not one of "rootless", "rootful"/,
    hint: /did you mean 'rootless'\?/,
  },
  {
    kind: 'exec argument with a newline',
    text: mutate('"httpd", "-f"]', '"httpd\\nreboot", "-f"]'),
    path: 'containers[0].exec[1]',
    line: 'httpd\\nreboot',
    column: '"httpd',
    message: /"httpd\\nreboot" is not valid: must be one line/,
  },
  {
    kind: 'environment value with a newline',
    text: mutate('GREETING: hello', 'GREETING: "hello\\nExecStartPre=/bin/reboot"'),
    path: 'containers[0].env.GREETING',
    line: 'GREETING',
    column: '"hello',
    message: /not valid: must be one line without control characters/,
  },
  {
    kind: 'environment variable name that is not one',
    text: mutate('GREETING: hello', 'BAD-NAME: hello'),
    path: 'containers[0].env["BAD-NAME"]',
    line: 'BAD-NAME',
    column: 'BAD-NAME',
    message: /the key "BAD-NAME" is not valid: expected an environment variable name/,
  },
  {
    kind: 'path with ".."',
    text: mutate('- dir: /run/shop', '- dir: /run/shop/../../etc'),
    path: 'sockets[0].dir',
    line: '/run/shop/../../etc',
    column: '/run',
    message: /must not contain "\." or "\.\." segments/,
  },
  {
    kind: 'path with a space',
    text: mutate('    image: localhost/shop:1\n', '    image: localhost/shop:1\n    imageArchive: "/var/lib/my images/shop.tar"\n'),
    path: 'containers[0].imageArchive',
    line: 'my images',
    column: '"/var',
    message: /"\/var\/lib\/my images\/shop\.tar" is not valid: expected an absolute path/,
  },
  {
    kind: 'volume mount with ".." inside the container',
    text: mutate('volumes: ["data:/data"]', 'volumes: ["data:/data/../etc"]'),
    path: 'containers[0].volumes[0]',
    line: 'data:/data/../etc',
    column: '"data',
    message: /inside the container must not contain/,
  },
  {
    kind: 'world-writable socket mode',
    text: mutate('mode: "0770"', 'mode: "0777"'),
    path: 'sockets[0].mode',
    line: 'mode: "0777"',
    column: '"0777"',
    message: /must not be world-writable/,
  },
  {
    kind: 'socket directory that is /run itself',
    text: mutate('- dir: /run/shop', '- dir: /run'),
    path: 'sockets[0].dir',
    line: '- dir: /run',
    column: '/run',
    message: /live under \/run\//,
  },
  {
    kind: 'undeclared network',
    text: mutate('networks: [front, backend]', 'networks: [front, backend, nope]'),
    path: 'containers[0].networks[2]',
    line: 'nope',
    column: 'nope',
    message: /no network "nope" is declared under networks/,
  },
  {
    kind: 'undeclared volume',
    text: mutate('volumes: ["data:/data"]', 'volumes: ["data:/data", "cache:/cache"]'),
    path: 'containers[0].volumes[1]',
    line: 'cache:/cache',
    column: '"cache',
    message: /no volume "cache" is declared under volumes/,
  },
  {
    kind: 'undeclared secret',
    text: mutate('{ name: db-password, env: DB_PASSWORD }', '{ name: api-key, env: API_KEY }'),
    path: 'containers[0].secrets[0].name',
    line: 'api-key',
    column: 'api-key',
    message: /no secret "api-key" is declared under secrets/,
  },
  {
    kind: 'undeclared socket directory',
    text: mutate('sockets: [/run/shop]', 'sockets: [/run/other]'),
    path: 'containers[0].sockets[0]',
    line: '/run/other',
    column: '/run/other',
    message: /no socket directory "\/run\/other"/,
  },
  {
    kind: 'root inside the container without rootReason',
    text: mutate('user: "1000:1000"', 'user: "0:0"'),
    path: 'containers[0].user',
    line: 'user: "0:0"',
    column: '"0:0"',
    message: /runs as root inside the container/,
  },
  {
    kind: 'a run-once job with a health check',
    text: mutate(dbBlock, `${dbBlock}    runOnce: true\n    health: { cmd: ["true"] }\n`),
    path: 'containers[1].health',
    line: 'health:',
    column: '{',
    message: /a run-once container is done when it exits 0: it has no health check/,
  },
  {
    kind: 'a run-once job that publishes a port',
    text: mutate('publish: ["127.0.0.1:18080:8080"]', 'publish: ["127.0.0.1:18080:8080"]\n    runOnce: true'),
    path: 'containers[0].publish',
    line: 'publish:',
    column: '[',
    message: /a run-once container exits when its job is done: it cannot publish ports/,
  },
  {
    kind: 'a migration that is not a run-once job',
    text: mutate(dbBlock, `${dbBlock}    migration: true\n`),
    path: 'containers[1].migration',
    line: 'migration: true',
    column: 'true',
    message: /a migration is a job that runs to completion: set runOnce: true on this container too, or remove migration/,
  },
  {
    kind: 'root spelt "00" is still root',
    text: mutate('user: "1000:1000"', 'user: "00"'),
    path: 'containers[0].user',
    line: 'user: "00"',
    column: '"00"',
    message: /runs as root inside the container/,
  },
  {
    kind: 'rootless without owner',
    text: mutate('mode: rootless\nowner: shop\n', 'mode: rootless\n'),
    path: 'owner',
    line: 'stack: shop',
    column: 'stack',
    message: /rootless stacks need an owner/,
  },
  {
    kind: 'duplicate container names',
    text: mutate('  - name: db\n', '  - name: web   # the second web\n'),
    path: 'containers[1].name',
    line: '# the second web',
    column: 'web',
    message: /"web" is declared twice/,
  },
  {
    kind: 'out-of-range publish port',
    text: mutate('"127.0.0.1:18080:8080"', '"127.0.0.1:70000:8080"'),
    path: 'containers[0].publish[0]',
    line: '70000',
    column: '"127',
    message: /ports are 1-65535/,
  },
  {
    kind: 'publish address that is not an IPv4 address',
    text: mutate('"127.0.0.1:18080:8080"', '"300.0.0.1:18080:8080"'),
    path: 'containers[0].publish[0]',
    line: '300.0.0.1',
    column: '"300',
    message: /four parts of 0-255/,
  },
  {
    kind: 'publish from a container only on internal networks',
    text: mutate('networks: [front, backend]', 'networks: [backend]'),
    path: 'containers[0].publish',
    line: 'publish:',
    column: '[',
    message: /only on internal networks cannot publish/,
  },
  {
    kind: 'two containers publishing the same host port',
    text: mutate(dbBlock, `${dbBlock}    publish: ["127.0.0.1:18080:80"]\n`.replace('networks: [backend]', 'networks: [front]')),
    path: 'containers[1].publish[0]',
    line: '127.0.0.1:18080:80"',
    column: '"127',
    message: /127\.0\.0\.1:18080\/tcp is already published by containers\[0\]/,
  },
  {
    kind: 'a wildcard publish clashing with a loopback one on the same port',
    text: mutate(dbBlock, `${dbBlock}    publish: ["0.0.0.0:18080:80"]\n`.replace('networks: [backend]', 'networks: [front]')),
    path: 'containers[1].publish[0]',
    line: '0.0.0.0:18080:80"',
    column: '"0.0',
    message: /0\.0\.0\.0:18080\/tcp is already published by containers\[0\] \(127\.0\.0\.1:18080\/tcp\)/,
  },
  {
    kind: 'requires a unit that does not exist',
    text: mutate(dbBlock, `${dbBlock}    requires: [cache]\n`),
    path: 'containers[1].requires[0]',
    line: 'requires: [cache]',
    column: 'cache',
    message: /"cache" is not another container or target/,
  },
  {
    kind: 'start names nothing',
    text: mutate('start: all', 'start: everything'),
    path: 'start',
    line: 'start: everything',
    column: 'everything',
    message: /"everything" is not a container or target/,
  },
  {
    kind: 'target without members',
    text: mutate('members: [web, db]', 'members: []'),
    path: 'targets[0].members',
    line: 'members: []',
    column: '[',
    message: /needs at least 1 item$/,
  },
  {
    kind: 'question with a pattern that is not a regular expression',
    text: mutate('volumes:\n  - name: data\n', 'volumes:\n  - name: data\nquestions:\n  - id: greeting\n    prompt: Greeting\n    pattern: "[a-z"\n'),
    path: 'questions[0].pattern',
    line: 'pattern: "[a-z"',
    column: '"[a-z"',
    message: /not a regular expression keelson accepts \(RE2 syntax/,
  },
  {
    kind: 'question whose default does not match its pattern',
    text: mutate('volumes:\n  - name: data\n', 'volumes:\n  - name: data\nquestions:\n  - id: greeting\n    prompt: Greeting\n    default: "Hello!"\n    pattern: "[a-z]+"\n'),
    path: 'questions[0].default',
    line: 'default: "Hello!"',
    column: '"Hello!"',
    message: /does not match the pattern/,
  },
  {
    kind: 'rootful container mounting a socket directory as a user that neither owns it nor joins its group',
    text: mutate(
      'user: "1000:1000"',
      'user: shop-web',
      mutate('groups:\n', 'users:\n  - name: shop\n  - name: shop-web\ngroups:\n', mutate('mode: rootless\nowner: shop\n', 'mode: rootful\n')),
    ),
    path: 'containers[0].sockets[0]',
    line: 'sockets: [/run/shop]',
    message: /runs as "shop-web", which neither owns \/run\/shop nor joins its group "shop-clients": add "shop-clients" to that user's groups/,
  },
  {
    kind: 'rootful container mounting a socket directory as a bare UID:GID',
    text: mutate('groups:\n', 'users:\n  - name: shop\ngroups:\n', mutate('mode: rootless\nowner: shop\n', 'mode: rootful\n')),
    path: 'containers[0].user',
    line: 'user: "1000:1000"',
    column: '"1000:1000"',
    message: /mounts a socket directory: run it as one of the stack's users/,
  },
  {
    kind: 'alias refused',
    text: mutate('networks: [backend]\n', 'networks: *nets\n', mutate('networks: [front, backend]', 'networks: &nets [front, backend]')),
    path: 'containers[1].networks',
    line: '*nets',
    column: '*nets',
    message: /the alias \*nets is not allowed/,
    hint: /write the value out in full/,
  },
  {
    kind: 'merge key refused',
    text: mutate('  - name: db\n', '  - name: db\n    <<: { readOnly: false }\n'),
    path: 'containers[1]["<<"]',
    line: '<<',
    column: '<<',
    message: /merge keys \(<<\) are not allowed/,
  },
  {
    kind: 'explicit tag refused',
    text: mutate('image: localhost/db:1', 'image: !!binary bG9jYWxob3N0L2RiOjE='),
    path: 'containers[1].image',
    line: '!!binary',
    message: /the YAML tag "!!binary" is not allowed/,
  },
  {
    kind: '__proto__ key refused',
    text: mutate('GREETING: hello', '__proto__: { polluted: yes }'),
    path: 'containers[0].env.__proto__',
    line: '__proto__',
    column: '__proto__',
    message: /"__proto__" is not allowed/,
  },
  {
    kind: 'more than one YAML document',
    text: `${BASE}---\nstack: other\n`,
    path: '',
    line: '---',
    column: '---',
    message: /more than one/,
  },
];

describe('parseManifest refuses bad input, naming the field, line and column', () => {
  it('has a case for every kind the issue asks for, and more', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
    expect(new Set(cases.map((c) => c.kind)).size).toBe(cases.length);
  });

  it.each(cases)('$kind', (c) => {
    const errors = errorsOf(c.text);
    const e = errorAt(errors, c.path);
    expect(e.message).toMatch(c.message);
    expect(e.line).toBe(lineOf(c.text, c.line));
    if (c.column !== undefined) expect(e.column).toBe(columnOf(c.text, c.line, c.column));
    if (c.hint !== undefined) expect(e.hint).toMatch(c.hint);
  });
});

describe.each([
  ['semicolon', '"web;reboot"'],
  ['command substitution', '"$(reboot)"'],
  ['backticks', '"`reboot`"'],
  ['double quote', "'web\"x'"],
  ['single quote', '"web\'x"'],
  ['newline', '"web\\nExecStart=/bin/sh"'],
  ['space', '"web x"'],
  ['upper case', 'Web'],
])('a hostile container name (%s)', (_kind, yamlValue) => {
  it('is refused at containers[0].name with its line and column', () => {
    const text = mutate('  - name: web\n', `  - name: ${yamlValue}\n`);
    const e = errorAt(errorsOf(text), 'containers[0].name');
    expect(e.message).toMatch(/is not valid: expected lower-case letters/);
    expect(e.line).toBe(lineOf(text, `- name: ${yamlValue}`));
    expect(e.column).toBe(11);
  });
});

describe.each([
  ['semicolon', '"localhost/shop:1;reboot"'],
  ['command substitution', '"localhost/$(reboot):1"'],
  ['backticks', '"localhost/`id`:1"'],
  ['quote', '"localhost/shop\\":1"'],
  ['newline', '"localhost/shop:1\\nExecStartPre=/bin/reboot"'],
])('a hostile image (%s)', (_kind, yamlValue) => {
  it('is refused at containers[0].image', () => {
    const text = mutate('image: localhost/shop:1', `image: ${yamlValue}`);
    const e = errorAt(errorsOf(text), 'containers[0].image');
    expect(e.message).toMatch(/expected an image reference/);
    expect(e.line).toBe(lineOf(text, `image: ${yamlValue}`));
  });
});

describe('problems with the file itself', () => {
  it('refuses an empty manifest', () => {
    const [e] = errorsOf('# nothing here\n');
    expect(e).toMatchObject({ path: '', line: 1, column: 1, message: 'the manifest is empty' });
  });

  it('refuses a manifest that is a list', () => {
    const [e] = errorsOf('\n- stack: shop\n');
    expect(e).toMatchObject({ path: '', line: 2, column: 1 });
    expect(e?.message).toMatch(/must be a mapping/);
  });

  it('refuses input over 1 MiB before parsing it, saying what to check', () => {
    const text = `${BASE}# ${'x'.repeat(MAX_MANIFEST_BYTES)}\n`;
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/at most 1048576 \(1 MiB\)/);
  });

  it('counts bytes, not characters', () => {
    const text = `${BASE}# ${'é'.repeat(MAX_MANIFEST_BYTES / 2)}\n`;
    expect(text.length).toBeLessThan(MAX_MANIFEST_BYTES);
    expect(errorsOf(text)[0]?.message).toMatch(/1 MiB/);
  });

  it('reports a YAML error once per place, not once per parser complaint', () => {
    const errors = errorsOf('stack: a\nversion: 1.0.0\n  mode: rootless\n');
    expect(errors).toHaveLength(1);
  });

  it('stops at 50 problems and says how many more there are', () => {
    const many = Array.from({ length: 80 }, (_, i) => `x${String(i)}: 1`).join('\n');
    const errors = errorsOf(`${BASE}${many}\n`);
    expect(errors).toHaveLength(50);
    expect(errors[49]?.message).toBe('and 31 more problems');
  });
});

describe('parseManifest accepts what it should', () => {
  it('accepts the base fixture and fills in defaults', () => {
    const r = parseManifest(BASE, 'base.yaml');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.manifest.dataMount).toBe('/home');
    expect(r.manifest.containers[1]?.readOnly).toBe(true);
    expect(r.manifest.networks[0]?.internal).toBe(true);
  });

  it('accepts root inside a container when rootReason says why', () => {
    const text = mutate('user: "1000:1000"', 'user: "0:0"\n    rootReason: binds port 80 inside the container');
    expect(parseManifest(text, 't.yaml').ok).toBe(true);
  });

  it('accepts an anchor that nothing refers to (harmless, so not worth an error)', () => {
    expect(parseManifest(mutate('networks: [backend]\n', 'networks: &n [backend]\n'), 't.yaml').ok).toBe(true);
  });

  it('accepts a rootful stack without an owner, whose socket client joins the directory\'s group', () => {
    const text = mutate('mode: rootless\nowner: shop\n', 'mode: rootful\n');
    const withUser = mutate('user: "1000:1000"', 'user: shop-web', mutate('groups:\n', 'users:\n  - name: shop\n  - name: shop-web\n    groups: [shop-clients]\ngroups:\n', text));
    const r = parseManifest(withUser, 't.yaml');
    expect(r.ok ? 'ok' : r.errors).toBe('ok');
  });
});

describe('formatManifestErrors', () => {
  it('prints source:line:column path: message, with the hint indented below', () => {
    const text = mutate('user: "1000:1000"', 'user: "0:0"');
    const out = formatManifestErrors(errorsOf(text), 'demo.yaml');
    const line = lineOf(text, 'user: "0:0"');
    expect(out).toBe(
      `demo.yaml:${String(line)}:11 containers[0].user: runs as root inside the container: use an unprivileged "UID:GID", or say why in rootReason`,
    );
  });

  it('adds the hint on its own indented line', () => {
    const out = formatManifestErrors(errorsOf(mutate('stack: shop', 'stak: shop')), 'x.yaml');
    expect(out).toContain("x.yaml:1:1 stak: unknown key \"stak\"\n    hint: did you mean 'stack'?");
  });

  it('never lets a hostile value break a line or reach the terminal raw', () => {
    const text = mutate('GREETING: hello', 'GREETING: "a\\nb\\rc\\u001b[31md\\u009be\\u202ef"');
    const out = formatManifestErrors(errorsOf(text), 'demo.yaml');
    for (const l of out.split('\n')) expect(l).toMatch(/^(demo\.yaml:\d+:\d+ | {4}hint: )/);
    expect(out).toContain('"a\\nb\\rc\\u001b[31md\\u009be\\u202ef"');
    // eslint-disable-next-line no-control-regex -- asserting that no control character got through
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  });
});
