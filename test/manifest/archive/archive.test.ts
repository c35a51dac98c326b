// Stack archives end to end on the workstation: packed, verified, checked by the real minisign and sha256sum, and
// each tampering refused by naming its check. The image archive is a docker-archive the test writes itself.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pack } from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiveError } from '../../../src/manifest/archive/archive-error.js';
import { packArchive, type Signer } from '../../../src/manifest/archive/archive-pack.js';
import { verifyArchive } from '../../../src/manifest/archive/archive-verify.js';
import { generateKey, type SecretKey } from '../../../src/manifest/archive/minisign-key.js';
import { signMessage } from '../../../src/manifest/archive/minisign-signature.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keelson-archive-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const tarOf = async (entries: readonly { name: string; body?: string | Buffer; type?: 'symlink'; linkname?: string }[]): Promise<Buffer> => {
  const t = pack();
  for (const e of entries) t.entry({ name: e.name, ...(e.type ? { type: e.type, linkname: e.linkname ?? '' } : {}) }, e.body ?? '');
  t.finalize();
  return buffer(Readable.from(t));
};

const CONFIG = '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}';
const dockerArchive = (tag: string): Promise<Buffer> =>
  tarOf([
    { name: 'manifest.json', body: JSON.stringify([{ Config: 'config.json', RepoTags: [tag], Layers: [] }]) },
    { name: 'config.json', body: CONFIG },
  ]);

const MANIFEST = readFileSync('assets/stacks/demo/manifest.yaml', 'utf8')
  .replaceAll('    imageBuild: busybox\n', '    imageFile: images/demo.tar\n');

const packDemo = async (sign: Signer, manifestText = MANIFEST): Promise<Buffer> => {
  mkdirSync(join(dir, 'stack/images'), { recursive: true });
  writeFileSync(join(dir, 'stack/images/demo.tar'), await dockerArchive('localhost/keelson-demo:1'));
  const p = await packArchive({ manifestText, what: 'stack', open: (n) => createReadStream(join(dir, 'stack', n)), size: () => Promise.resolve(readFileSync(join(dir, 'stack/images/demo.tar')).length) }, sign);
  const [bytes] = await Promise.all([buffer(p.stream), p.done]);
  return bytes;
};

const keelsonSigner = (k: SecretKey): Signer => (sums, comment) => signMessage(k, sums, comment);
const verify = (bytes: Buffer, k: SecretKey | null, limits?: Parameters<typeof verifyArchive>[1]['limits']) =>
  verifyArchive(Readable.from([bytes]), { trust: k, what: 'demo.keelson', ...(limits ? { limits } : {}) });
const refusal = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof ArchiveError) return e.check;
    throw e;
  }
  return 'accepted';
};

describe('a stack archive', () => {
  it('verifies what keelson packed: the image ID is the sha256 of its config, the trusted comment names the stack', async () => {
    const k = generateKey();
    const v = await verify(await packDemo(keelsonSigner(k)), k);
    expect(v.images).toEqual([{ file: 'images/demo.tar', id: createHash('sha256').update(CONFIG).digest('hex'), tags: ['localhost/keelson-demo:1'], format: 'docker-archive' }]);
    expect(v.trusted?.stack).toBe('demo');
    expect(v.trusted?.version).toBe('1.0.0');
  });

  it('is checked by the real minisign and sha256sum without keelson', async () => {
    const k = generateKey();
    writeFileSync(join(dir, 'demo.keelson'), await packDemo(keelsonSigner(k)));
    mkdirSync(join(dir, 'x'));
    execFileSync('tar', ['-xf', join(dir, 'demo.keelson'), '-C', join(dir, 'x')]);
    writeFileSync(join(dir, 'k.pub'), (await import('../../../src/manifest/archive/minisign-key.js')).formatPublicKey(k));
    const out = execFileSync('minisign', ['-V', '-p', join(dir, 'k.pub'), '-m', join(dir, 'x/SHA256SUMS')], { encoding: 'utf8' });
    expect(out).toMatch(/Trusted comment: keelson-archive\/1 stack:demo version:1\.0\.0 built:/);
    expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: join(dir, 'x'), encoding: 'utf8' })).toContain('images/demo.tar: OK');
  });

  it('verifies an archive whose checksum list the real minisign signed (minisign -G -W key)', async () => {
    execFileSync('minisign', ['-G', '-W', '-p', join(dir, 'm.pub'), '-s', join(dir, 'm.key')]);
    const sign: Signer = (sums, comment) => {
      writeFileSync(join(dir, 'SUMS'), sums);
      execFileSync('minisign', ['-S', '-s', join(dir, 'm.key'), '-m', join(dir, 'SUMS'), '-t', comment]);
      return readFileSync(join(dir, 'SUMS.minisig'), 'utf8');
    };
    const { parsePublicKey } = await import('../../../src/manifest/archive/minisign-key.js');
    const pub = parsePublicKey(readFileSync(join(dir, 'm.pub'), 'utf8'), 'm.pub');
    const v = await verifyArchive(Readable.from([await packDemo(sign)]), { trust: pub, what: 'demo.keelson' });
    expect(v.signer).toBe(readFileSync(join(dir, 'm.pub'), 'utf8').split('\n')[0]?.split(' ').pop());
    // A trusted comment that does not match the manifest (minisign signed another version) is refused.
    const lying: Signer = (sums, comment) => sign(sums, comment.replace('version:1.0.0', 'version:9.0.0'));
    expect(await refusal(verifyArchive(Readable.from([await packDemo(lying)]), { trust: pub, what: 'x' }))).toBe('manifest-mismatch');
  });

  it('refuses each tampering, naming the check', async () => {
    const k = generateKey();
    const good = await packDemo(keelsonSigner(k));
    const image = good.indexOf(Buffer.from('"architecture"'));
    const oneByte = Buffer.from(good);
    oneByte.writeUInt8(oneByte.readUInt8(image + 2) ^ 1, image + 2);
    expect(await refusal(verify(oneByte, k))).toBe('checksum');
    expect(await refusal(verify(good, generateKey()))).toBe('other-key');
    expect(await refusal(verify(good.subarray(0, image), k))).toBe('truncated');
    expect(await refusal(verify(Buffer.from('PK\u0003\u0004 not a tar'.padEnd(1024, 'x')), k))).toBe('magic');
    expect(await refusal(verify(good, k, { maxBytes: 2048, maxImageBytes: 1024, maxEntries: 10 }))).toBe('size');
    const head = await tarOf([{ name: 'keelson-archive', body: 'keelson-archive/1\n' }]);
    expect(await refusal(verify(head, k))).toBe('unsigned');
    const sums = await tarOf([{ name: 'keelson-archive', body: 'keelson-archive/1\n' }, { name: '../etc/passwd', body: 'x' }]);
    expect(await refusal(verify(sums, k))).toBe('path');
    const link = await tarOf([{ name: 'keelson-archive', body: 'keelson-archive/1\n' }, { name: 'images', type: 'symlink', linkname: '/etc' }]);
    expect(await refusal(verify(link, k))).toBe('symlink');
    expect(await refusal(verify(await tarOf([{ name: 'manifest.yaml', body: 'x' }]), k))).toBe('magic');
  });

  it('--allow-unsigned skips only the signature: checksums are still checked', async () => {
    const good = await packDemo(keelsonSigner(generateKey()));
    expect((await verify(good, null)).signer).toBeNull();
    const bad = Buffer.from(good);
    const at = good.indexOf(Buffer.from('"architecture"')) + 2;
    bad.writeUInt8(bad.readUInt8(at) ^ 1, at);
    expect(await refusal(verify(bad, null))).toBe('checksum');
  });
});
