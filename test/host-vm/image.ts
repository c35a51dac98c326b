// The cached base image: built once by build-image.sh (instant when present), described by its image.json.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export interface ImageInfo {
  dir: string;
  key: string;
  kernelPackage: string;
  kernelVersion: string;
  cmdline: string;
  hostname: string;
  kernel: string;
  initrd: string;
  base: string;
  identityFile: string;
  hostPublicKey: string;
}

let imagePromise: Promise<ImageInfo> | undefined;

/** Builds the base image if needed (cached; instant when present) and describes it. */
export function ensureImage(): Promise<ImageInfo> {
  imagePromise ??= buildImage();
  return imagePromise;
}

async function buildImage(): Promise<ImageInfo> {
  const script = join(here, 'build-image.sh');
  const stdout = await new Promise<string>((resolve, reject) => {
    // stderr goes straight through: a cold build takes minutes and its progress should be visible.
    const child = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`build-image.sh failed (exit ${String(code)})`));
    });
  });
  const dir = stdout.trim().split('\n').at(-1) ?? '';
  if (!dir || !existsSync(join(dir, 'image.json'))) throw new Error(`build-image.sh printed no image dir: ${stdout}`);
  const meta = JSON.parse(await readFile(join(dir, 'image.json'), 'utf8')) as Record<string, string>;
  return {
    dir,
    key: String(meta.key),
    kernelPackage: String(meta.kernelPackage),
    kernelVersion: String(meta.kernelVersion),
    cmdline: (await readFile(join(dir, 'cmdline'), 'utf8')).trim(),
    hostname: String(meta.hostname),
    kernel: join(dir, 'vmlinuz'),
    initrd: join(dir, 'initrd.img'),
    base: join(dir, 'base.qcow2'),
    identityFile: join(dir, 'id_ed25519'),
    hostPublicKey: (await readFile(join(dir, 'ssh_host_ed25519_key.pub'), 'utf8')).trim(),
  };
}

/** `SHA256:…` as `ssh-keygen -l` prints it: unpadded base64 of the key blob's SHA-256. */
export function fingerprintOf(publicKeyLine: string): string {
  const blob = publicKeyLine.split(/\s+/)[1];
  if (!blob) throw new Error(`not an OpenSSH public key: ${publicKeyLine}`);
  const digest = createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}
