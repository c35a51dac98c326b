// Issue 12 items 4, 5 and 10: the operator's own files. Real files in a temp directory, read through the CLI's loaders.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAnswers, loadStack, readProvidedAnswers } from '../../src/cli/context.js';
import { NotUtf8TextError } from '../../src/host/workstation-files.js';
import { UsageError } from '../../src/cli/exit-codes.js';
import { checkSecretNames, loadSecretAnswers } from '../../src/cli/secrets-file.js';
import { missingSecrets, withMissingSecrets } from '../../src/engine/secret-findings.js';
import { planBlockers, type Plan } from '../../src/engine/plan.js';
import { parseManifest } from '../../src/manifest/load-manifest.js';
import type { Manifest } from '../../src/manifest/schema.js';

const temp = () => mkdtempSync(join(tmpdir(), 'keelson-inputs-'));
const file = (name: string, text: string | Buffer, mode = 0o600): string => {
  const p = join(temp(), name);
  writeFileSync(p, text);
  chmodSync(p, mode);
  return p;
};

const demo = async (): Promise<Manifest> => (await loadStack('demo')).manifest;
const asked = (): Manifest => {
  const text = `stack: shop\nversion: 1.0.0\nmode: rootful\nsecrets:\n  - name: api-key\n    ask: The API key\n  - name: db\n    generate: { length: 32 }\ncontainers:\n  - name: web\n    image: localhost/web:1\n    user: "1000:1000"\n`;
  const r = parseManifest(text, 'shop.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.manifest;
};

const notText = async (p: Promise<unknown>): Promise<string> => {
  const e: unknown = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(NotUtf8TextError);
  return (e as Error).message;
};

const usage = async (p: Promise<unknown>): Promise<string> => {
  const e: unknown = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(UsageError);
  return (e as Error).message;
};

describe('item 4: the secrets file', () => {
  it.each([0o644, 0o666, 0o640])('a file others can read (mode %o) is refused, with the chmod to type', async (mode) => {
    const p = file('s.yaml', 'secrets:\n  api-key: x\n', mode);
    expect(await usage(loadSecretAnswers(p, {}))).toMatch(/can be read or written by others .*chmod 600/);
  });

  it('a file owned by someone else is refused', async () => {
    const p = file('s.yaml', 'secrets:\n  api-key: x\n');
    chownSync(p, 65534, 65534);
    expect(await usage(loadSecretAnswers(p, {}, 0))).toMatch(/belongs to UID 65534, not to you \(UID 0\)/);
  });

  it('an empty value is an error naming the line, not the secret "null"', async () => {
    const p = file('s.yaml', 'stack: shop\nsecrets:\n  api-key:\n');
    expect(await usage(loadSecretAnswers(p, {}))).toMatch(new RegExp(`${p}:3:3 secrets\\."api-key" has no value`));
  });

  it('an unquoted long number keeps every digit', async () => {
    const p = file('s.yaml', 'secrets:\n  api-key: 12345678901234567890\n');
    expect((await loadSecretAnswers(p, {})).values['api-key']).toBe('12345678901234567890');
  });

  it('a name the stack does not ask for is an error, and so is a generated one', async () => {
    const typo = await loadSecretAnswers(file('s.yaml', 'secrets:\n  api-kee: x\n'), {});
    expect(() => { checkSecretNames(typo, asked()); }).toThrow(/secrets\.api-kee is not a secret stack shop asks for \(it asks for: api-key\)/);
    const generated = await loadSecretAnswers(file('s.yaml', 'secrets:\n  db: x\n'), {});
    expect(() => { checkSecretNames(generated, asked()); }).toThrow(/secrets\.db is generated on the host, not asked/);
  });

  it('malformed YAML names the file and line', async () => {
    const p = file('s.yaml', 'secrets:\n  api-key: "unclosed\n');
    expect(await usage(loadSecretAnswers(p, {}))).toMatch(new RegExp(`^${p}:\\d+:\\d+ is not valid YAML`));
  });

  it('a missing asked secret is a blocker in the plan, before any action runs', () => {
    const action = { kind: 'podman.secret', description: 'create Podman secret shop-api-key (from the answers)', target: { scope: 'system' }, name: 'shop-api-key', source: { from: 'answer', id: 'api-key' } } as const;
    const plan = { steps: [{ id: 'quadlet', title: 'Quadlet', findings: [], actions: [action] }] } as unknown as Plan;
    expect(missingSecrets(plan, new Set())).toEqual(['api-key']);
    const blocked = withMissingSecrets(plan, new Set(), 'blocker');
    expect(planBlockers(blocked).map((f) => f.code)).toEqual(['secret-missing']);
    expect(planBlockers(blocked)[0]?.remedy).toMatch(/--secrets .*KEELSON_SECRET_API_KEY/);
    expect(planBlockers(withMissingSecrets(plan, new Set(['api-key']), 'blocker'))).toEqual([]);
  });
});

describe('item 5: the answers file', () => {
  it('an empty answer is an error naming the line, not "null"', async () => {
    const p = file('a.yaml', 'stack: demo\nanswers:\n  greeting:\n', 0o644);
    expect(await usage(loadAnswers(await demo(), p))).toMatch(new RegExp(`${p}:3:3 answers\\."greeting" has no value`));
  });

  it('0x1F stays "0x1F" (not 31), as written', async () => {
    const p = file('a.yaml', 'stack: demo\nanswers:\n  greeting: 0x1F\n', 0o644);
    expect((await loadAnswers(await demo(), p)).greeting).toBe('0x1F');
  });

  it('a list is an error, not "a,b"', async () => {
    const p = file('a.yaml', 'stack: demo\nanswers:\n  greeting: [a, b]\n', 0o644);
    expect(await usage(loadAnswers(await demo(), p))).toMatch(/answers\."greeting" must be text, not a list/);
  });

  it("another stack's answers file is refused", async () => {
    const p = file('a.yaml', 'stack: cdr-link\nanswers:\n  greeting: hi\n', 0o644);
    expect(await usage(loadAnswers(await demo(), p))).toMatch(/is for stack "cdr-link", not "demo"/);
  });

  it('malformed YAML is a usage error (exit 2) naming the file and line', async () => {
    const p = file('a.yaml', 'stack: demo\nanswers: {greeting: hi\n', 0o644);
    expect(await usage(loadAnswers(await demo(), p))).toMatch(new RegExp(`^${p}:\\d+:\\d+ is not valid YAML`));
  });

  it('an unknown question id with terminal escapes is printed with them made visible', async () => {
    const p = file('a.yaml', 'stack: demo\nanswers:\n  "x\\e[2J": hi\n', 0o644);
    const message = await usage(loadAnswers(await demo(), p));
    expect(message).toContain('x\\u001b[2J');
    expect(message).not.toContain('\u001b');
  });
});

describe('item 10: what --stack names', () => {
  it('a directory without manifest.yaml: name the manifest file', async () => {
    const dir = temp();
    expect(await usage(loadStack(dir))).toMatch(/is a directory without a manifest\.yaml: name the manifest file itself/);
  });

  it('a directory holding manifest.yaml is that manifest', async () => {
    const dir = temp();
    mkdirSync(join(dir, 'shop'));
    writeFileSync(join(dir, 'shop', 'manifest.yaml'), 'stack: shop\nversion: 1.0.0\nmode: rootful\ncontainers:\n  - name: web\n    image: localhost/web:1\n    user: "1000:1000"\n');
    expect((await loadStack(join(dir, 'shop'))).manifest.stack).toBe('shop');
  });

  it('a CR-only file says so', async () => {
    const p = file('m.yaml', 'stack: shop\rversion: 1.0.0\rmode: rootful\r', 0o644);
    expect(await usage(loadStack(p))).toMatch(/ends its lines with CR only/);
  });

  it('a UTF-16 file says so, naming the file', async () => {
    const text = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('stack: shop\nversion: 1.0.0\n', 'utf16le')]);
    const p = file('m.yaml', text, 0o644);
    expect(await notText(loadStack(p))).toBe(`${p} is not UTF-8 text (it looks like UTF-16): save it as UTF-8, e.g. iconv -f UTF-16 -t UTF-8`);
  });

  it('UTF-16 without a byte-order mark is caught by its NULs', async () => {
    const p = file('m.yaml', Buffer.from('stack: shop\nversion: 1.0.0\n', 'utf16le'), 0o644);
    expect(await usage(loadStack(p))).toMatch(/is not UTF-8 text \(it looks like UTF-16, or binary\)/);
  });

  it('a byte that is not UTF-8 is refused, naming the file', async () => {
    const p = file('m.yaml', Buffer.concat([Buffer.from('stack: shop\ndescription: caf'), Buffer.from([0xe9]), Buffer.from('\n')]), 0o644);
    expect(await notText(loadStack(p))).toBe(`${p} is not valid UTF-8 text: save it as UTF-8`);
  });

  it('a U+FFFD the file really holds is a character like any other', async () => {
    const p = file('m.yaml', '# a broken \uFFFD glyph, as written\nstack: shop\nversion: 1.0.0\nmode: rootful\ncontainers:\n  - name: web\n    image: localhost/web:1\n    user: "1000:1000"\n', 0o644);
    expect((await loadStack(p)).manifest.stack).toBe('shop');
  });

  it('an answers file with a byte that is not UTF-8 is refused before it is parsed', async () => {
    const { manifest } = await loadStack('demo');
    const p = file('a.yaml', Buffer.concat([Buffer.from('answers:\n  greeting: '), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]), 0o644);
    expect(await notText(readProvidedAnswers(manifest, p))).toContain('is not valid UTF-8 text');
  });
});
