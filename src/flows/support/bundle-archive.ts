// The bundle as bytes: a gzipped tar made in memory (it is bounded, bundle-files.ts), and the final scan of a finished
// bundle for every form of every known secret, over the whole unpacked tar (entry names and headers too). Pure.
import { gunzipSync, gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import type { BundleFile } from './bundle-files.js';
import { allSecretForms, type SecretValue } from './secret-forms.js';

/** Every entry under one top directory, so unpacking it never scatters files. */
export const tarGz = async (top: string, files: readonly BundleFile[], mtime: Date): Promise<Buffer> => {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const ended = new Promise<void>((resolve, reject) => {
    tar.on('end', resolve);
    tar.on('error', reject);
  });
  for (const f of files) tar.entry({ name: `${top}/${f.name}`, mode: 0o644, mtime, uid: 0, gid: 0, uname: '', gname: '' }, f.text);
  tar.finalize();
  await ended;
  return gzipSync(Buffer.concat(chunks));
};

export interface ScanHit {
  readonly name: string;
  readonly kind: string;
}

/** Which secrets (by name, and which form) a finished bundle still holds; [] when it holds none. */
export const scanBundle = (bundle: Buffer, secrets: readonly SecretValue[]): ScanHit[] => {
  const tar = gunzipSync(bundle);
  const hits = allSecretForms(secrets).filter((f) => tar.includes(Buffer.from(f.text)));
  return [...new Map(hits.map((h) => [`${h.name}\0${h.kind}`, { name: h.name, kind: h.kind }])).values()];
};
