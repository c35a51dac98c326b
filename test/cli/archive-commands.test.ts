// keelson keygen, pack and verify through the real CLI (src/cli/bin.mjs in a process of its own), with Debian's real
// minisign checking what keelson signed. Archives are packed by the CLI; each tampered copy is made here from the
// packed bytes (or a tar written here), and every refusal must name its check and leave the file system untouched.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { extract, pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../src/cli/bin.mjs');
const SLOW = 180_000;
const root = mkdtempSync(join(tmpdir(), 'keelson-archive-cli-'));
const at = (...p: string[]) => join(root, ...p);

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI with no terminal; fd 3 is the passphrase file when one is given. */
const keelson = (args: readonly string[], o: { passphraseFile?: string; cwd?: string } = {}): Run => {
  const fd = o.passphraseFile === undefined ? undefined : openSync(o.passphraseFile, 'r');
  try {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: o.cwd ?? root, encoding: 'utf8', timeout: SLOW, stdio: ['ignore', 'pipe', 'pipe', ...(fd === undefined ? [] : [fd])] });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
};

const tarOf = async (entries: readonly { name: string; body?: string | Buffer; type?: 'symlink'; linkname?: string }[]): Promise<Buffer> => {
  const t = pack();
  for (const e of entries) t.entry({ name: e.name, ...(e.type ? { type: e.type, linkname: e.linkname ?? '' } : {}) }, e.body ?? '');
  t.finalize();
  return buffer(Readable.from(t));
};

const entriesOf = async (bytes: Buffer): Promise<{ name: string; body: Buffer }[]> => {
  const out: { name: string; body: Buffer }[] = [];
  const x = extract();
  Readable.from([bytes]).pipe(x);
  for await (const e of x) out.push({ name: e.header.name, body: await buffer(e) });
  return out;
};

/** Every path under root with its size: a refusal must leave this as it was. */
const tree = (dir = root): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? [p, ...tree(p)] : [`${p} ${statSync(p).size}`];
  });

const CONFIG = '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}';

beforeAll(async () => {
  mkdirSync(at('stack', 'images'), { recursive: true });
  writeFileSync(at('stack', 'images', 'demo.tar'), await tarOf([
    { name: 'manifest.json', body: JSON.stringify([{ Config: 'config.json', RepoTags: ['localhost/keelson-demo:1'], Layers: [] }]) },
    { name: 'config.json', body: CONFIG },
  ]));
  const demo = readFileSync(join(import.meta.dirname, '../../assets/stacks/demo/manifest.yaml'), 'utf8');
  writeFileSync(at('stack', 'manifest.yaml'), demo.replaceAll('    imageBuild: busybox\n', '    imageFile: images/demo.tar\n'));
  writeFileSync(at('passphrase'), 'correct horse battery staple\n', { mode: 0o600 });
}, SLOW);
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('keelson keygen', () => {
  it('writes a 0600 encrypted secret key and the public key, prints neither key nor the passphrase, never replaces one', () => {
    const r = keelson(['keygen', '--out', at('vendor'), '--passphrase-fd', '3'], { passphraseFile: at('passphrase') });
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(at('vendor.key')).mode & 0o777).toBe(0o600);
    const secret = readFileSync(at('vendor.key'), 'utf8');
    expect(secret).toMatch(/^untrusted comment: minisign encrypted secret key\n[A-Za-z0-9+/]+=*\n$/);
    const pub = readFileSync(at('vendor.pub'), 'utf8').split('\n');
    const printed = r.stdout + r.stderr;
    expect(printed).not.toContain(secret.split('\n')[1]?.slice(0, 24));
    expect(printed).not.toContain('correct horse');
    expect(printed).toContain(`key ${pub[0]?.split(' ').pop() ?? '?'}: secret key`);
    const again = keelson(['keygen', '--out', at('vendor'), '--unencrypted']);
    expect([again.code, again.stderr]).toEqual([2, `keelson: ${at('vendor.pub')} exists: keelson never replaces a key; choose another --out NAME\n`]);
    expect(readFileSync(at('vendor.key'), 'utf8')).toBe(secret);
  }, SLOW);
});

describe('keelson pack and verify', () => {
  const archive = at('demo.keelson');
  let good = Buffer.alloc(0);

  beforeAll(() => {
    const r = keelson(['pack', at('stack'), '--key', at('vendor.key'), '--out', archive, '--passphrase-fd', '3'], { passphraseFile: at('passphrase') });
    expect(r.code, r.stderr).toBe(0);
    good = readFileSync(archive);
    expect(keelson(['keygen', '--out', at('other'), '--unencrypted']).code).toBe(0);
  }, SLOW);

  it('pack → verify OK, and Debian\'s minisign -Vm accepts the signature keelson made', () => {
    const v = keelson(['verify', archive, '--trust', at('vendor.pub'), '--json']);
    expect(v.code, v.stderr).toBe(0);
    const report = JSON.parse(v.stdout) as { ok: boolean; stack: string; version: string; signedBy: string; files: number };
    expect([report.ok, report.stack, report.version, report.files]).toEqual([true, 'demo', '1.0.0', 3]);
    expect(report.signedBy).toBe(readFileSync(at('vendor.pub'), 'utf8').split('\n')[0]?.split(' ').pop());
    mkdirSync(at('x'));
    spawnSync('tar', ['-xf', archive, '-C', at('x'), 'SHA256SUMS', 'SHA256SUMS.minisig']);
    const m = spawnSync('minisign', ['-Vm', at('x', 'SHA256SUMS'), '-p', at('vendor.pub')], { encoding: 'utf8' });
    expect(m.status, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/Trusted comment: keelson-archive\/1 stack:demo version:1\.0\.0 built:/);
    rmSync(at('x'), { recursive: true });
  }, SLOW);

  const refusals: [string, string, () => Promise<Buffer>, string?][] = [
    ['one changed byte', 'checksum', () => {
      const b = Buffer.from(good);
      const i = b.indexOf(Buffer.from('"architecture"')) + 2;
      b.writeUInt8(b.readUInt8(i) ^ 1, i);
      return Promise.resolve(b);
    }],
    ['a cut archive', 'truncated', () => Promise.resolve(good.subarray(0, good.indexOf(Buffer.from('"architecture"'))))],
    ['no signature', 'unsigned', async () => tarOf((await entriesOf(good)).filter((e) => e.name !== 'SHA256SUMS.minisig'))],
    ['an entry climbing out with ..', 'path', async () => tarOf([{ name: 'keelson-archive', body: 'keelson-archive/1\n' }, { name: '../canary', body: 'x' }]), '../canary'],
    ['an absolute entry', 'path', async () => tarOf([{ name: 'keelson-archive', body: 'keelson-archive/1\n' }, { name: at('abs-canary'), body: 'x' }]), at('abs-canary')],
    ['a symlink out, then a file through it', 'symlink', async () =>
      tarOf([{ name: 'keelson-archive', body: 'keelson-archive/1\n' }, { name: 'images', type: 'symlink', linkname: at('outside') }, { name: 'images/x', body: 'x' }]), at('outside')],
    ['an entry over its size limit', 'size', async () => {
      const e = await entriesOf(good);
      return tarOf(e.map((x) => (x.name === 'SHA256SUMS' ? { name: x.name, body: Buffer.alloc(2 * 1024 ** 2, 'a') } : x)));
    }],
  ];

  it.each(refusals)('%s is refused (check: %s), and nothing is written', async (_what, check, make, canary) => {
    writeFileSync(at('bad.keelson'), await make());
    mkdirSync(at('work'), { recursive: true });
    const before = tree();
    const r = keelson(['verify', at('bad.keelson'), '--trust', at('vendor.pub')], { cwd: at('work') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^keelson: refused \\(check: ${check}\\): `));
    expect(r.stderr).toContain('nothing was unpacked or sent to a host');
    expect(r.stdout).toBe('');
    expect(tree()).toEqual(before);
    if (canary !== undefined) expect(existsSync(canary.startsWith('/') ? canary : join(at('work'), canary))).toBe(false);
  }, SLOW);

  it('another key is refused (check: other-key), naming both key ids', () => {
    const r = keelson(['verify', archive, '--trust', at('other.pub')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^keelson: refused \(check: other-key\): .*signed by key [0-9A-F]{1,16}, not by the trusted key [0-9A-F]{1,16}/);
  }, SLOW);

  it('a file over the archive limit (sparse, 9 GiB) is refused before a byte of it is read (check: size)', () => {
    writeFileSync(at('huge.keelson'), '');
    truncateSync(at('huge.keelson'), 9 * 1024 ** 3);
    const r = keelson(['verify', at('huge.keelson'), '--trust', at('vendor.pub')]);
    rmSync(at('huge.keelson'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^keelson: refused \(check: size\): .*over the archive limit of 8589934592/);
  }, SLOW);
});
