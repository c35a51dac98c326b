// Builds a stack archive from a stack directory: its manifest, the image archives its containers name (imageFile),
// their IDs and tags, the checksum list and its minisign signature. The file system is the caller's (opener, size).
import { createHash } from 'node:crypto';
import { sha256 } from '../../../steps/quadlet/unit-header.js';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { formatManifestErrors, parseManifest } from '../load-manifest.js';
import type { Manifest } from '../schema.js';
import {
  DEFAULT_LIMITS, formatSums, formatTrustedComment, IMAGES_ENTRY, MAGIC_CONTENT, MAGIC_ENTRY, MANIFEST_ENTRY, SIGNATURE_ENTRY, SUMS_ENTRY,
  type ArchiveLimits, type PackedImage, type TrustedFields,
} from './archive-layout.js';
import { inspectImageArchive } from './image-archive-id.js';

export class PackError extends Error {}

export interface PackSource {
  readonly manifestText: string;
  /** A file of the stack directory by its relative name (images/NAME.tar), read from the start each call. */
  readonly open: (name: string) => Readable;
  readonly size: (name: string) => Promise<number | null>;
  readonly what: string;
  readonly limits?: ArchiveLimits;
}

/** The minisign signature text for the checksum list: keelson's own signer, or (in tests) the real minisign. */
export type Signer = (sums: Buffer, trustedComment: string) => Promise<string> | string;

export interface PackResult {
  readonly stream: Readable;
  readonly manifest: Manifest;
  readonly images: readonly PackedImage[];
  readonly trusted: TrustedFields;
  /** Resolves once every entry is written; rejects when an image changed while it was being packed. */
  readonly done: Promise<void>;
}

const sha256Of = async (input: Readable): Promise<string> => {
  const h = createHash('sha256');
  for await (const c of input) h.update(c as Buffer);
  return h.digest('hex');
};

const inspectImages = async (src: PackSource, manifest: Manifest, limits: ArchiveLimits): Promise<{ images: PackedImage[]; sums: Map<string, string> }> => {
  const sums = new Map<string, string>();
  const images: PackedImage[] = [];
  for (const [i, c] of manifest.containers.entries()) {
    if (c.imageFile === undefined) continue;
    const at = `${src.what}: containers[${i}].imageFile ${c.imageFile}`;
    const found = images.find((img) => img.file === c.imageFile);
    const image = found ?? (await (async () => {
      const size = await src.size(c.imageFile ?? '');
      if (size === null) throw new PackError(`${at}: no such file in the stack directory: save the image there (podman save -o ${c.imageFile} ${c.image})`);
      if (size > limits.maxImageBytes) throw new PackError(`${at}: ${size} bytes, over the limit of ${limits.maxImageBytes} for one image`);
      const [inspected, sha] = await Promise.all([inspectImageArchive(src.open(c.imageFile ?? ''), c.imageFile ?? ''), sha256Of(src.open(c.imageFile ?? ''))]);
      sums.set(inspected.file, sha);
      images.push(inspected);
      return inspected;
    })());
    if (!image.tags.includes(c.image)) {
      throw new PackError(`${at} carries ${image.tags.length === 0 ? 'no tag' : image.tags.join(', ')}, not ${c.image}: save the image the container names`);
    }
  }
  return { images, sums };
};

const add = (tar: ReturnType<typeof pack>, name: string, body: string | Buffer, mtime: Date): void => {
  tar.entry({ name, mode: 0o644, mtime, uid: 0, gid: 0, uname: '', gname: '' }, body);
};

/** Streams an image into the tar, hashing it again: a file changed since it was summed fails the pack. */
const addImage = async (tar: ReturnType<typeof pack>, src: PackSource, name: string, size: number, sha: string, mtime: Date): Promise<void> => {
  const h = createHash('sha256');
  let finished: (e?: Error | null) => void = () => undefined;
  const written = new Promise<void>((resolve, reject) => {
    finished = (e) => {
      if (e) reject(e);
      else resolve();
    };
  });
  const sink = tar.entry({ name, size, mode: 0o644, mtime, uid: 0, gid: 0, uname: '', gname: '' }, (e) => {
    finished(e);
  });
  for await (const chunk of src.open(name)) {
    const c = chunk as Buffer;
    h.update(c);
    if (!sink.write(c)) {
      await new Promise<void>((resolve) => {
        sink.once('drain', () => {
          resolve();
        });
      });
    }
  }
  sink.end(undefined);
  await written;
  if (h.digest('hex') !== sha) throw new PackError(`${src.what}: ${name} changed while it was packed: pack again`);
};

export const packArchive = async (src: PackSource, sign: Signer, built: Date = new Date()): Promise<PackResult> => {
  const limits = src.limits ?? DEFAULT_LIMITS;
  const parsed = parseManifest(src.manifestText, `${src.what}/${MANIFEST_ENTRY}`);
  if (!parsed.ok) throw new PackError(`the stack manifest has errors:\n${formatManifestErrors(parsed.errors, `${src.what}/${MANIFEST_ENTRY}`)}`);
  const manifest = parsed.manifest;
  const { images, sums: imageSums } = await inspectImages(src, manifest, limits);
  const imagesJson = `${JSON.stringify(images, null, 2)}\n`;
  const sums = new Map<string, string>([[MANIFEST_ENTRY, sha256(src.manifestText)], [IMAGES_ENTRY, sha256(imagesJson)], ...imageSums]);
  const sumsText = formatSums(sums);
  const trusted: TrustedFields = { stack: manifest.stack, version: manifest.version, built: `${built.toISOString().slice(0, 19)}Z` };
  const signature = await sign(Buffer.from(sumsText), formatTrustedComment(trusted));
  const mtime = new Date(trusted.built);
  const tar = pack();
  const done = (async () => {
    for (const [name, body] of [[MAGIC_ENTRY, MAGIC_CONTENT], [SUMS_ENTRY, sumsText], [SIGNATURE_ENTRY, signature], [MANIFEST_ENTRY, src.manifestText], [IMAGES_ENTRY, imagesJson]] as const) {
      add(tar, name, body, mtime);
    }
    for (const img of images) await addImage(tar, src, img.file, (await src.size(img.file)) ?? 0, imageSums.get(img.file) ?? '', mtime);
    tar.finalize();
  })();
  done.catch((e: unknown) => {
    tar.destroy(e instanceof Error ? e : new Error(String(e)));
  });
  return { stream: Readable.from(tar), manifest, images, trusted, done };
};
