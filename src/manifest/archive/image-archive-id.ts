// What a docker/OCI image archive holds, read from its own index, so the stack archive records the image ID Podman
// will know it by (the sha256 of its config) and the tags it carries. One pass; layers are hashed by the caller only.
import { sha256 } from '../../../steps/quadlet/unit-header.js';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import type { PackedImage } from './archive-layout.js';

// Index and config files are small; layers are not kept. Bounds what a hostile image archive makes keelson hold.
const KEEP_MAX = 4 * 1024 ** 2;
const KEEP_TOTAL = 32 * 1024 ** 2;

export class ImageArchiveError extends Error {}

const json = (files: ReadonlyMap<string, Buffer>, name: string): unknown => {
  const b = files.get(name.replace(/^\.\//, ''));
  if (b === undefined) return undefined;
  try {
    return JSON.parse(b.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
};


const dockerImage = (files: ReadonlyMap<string, Buffer>, file: string): Omit<PackedImage, 'file'> | null => {
  const manifest = json(files, 'manifest.json') as { Config?: string; RepoTags?: string[] | null }[] | undefined;
  if (!Array.isArray(manifest)) return null;
  if (manifest.length !== 1) throw new ImageArchiveError(`${file}: holds ${manifest.length} images; a stack's image archive holds one`);
  const config = manifest[0]?.Config === undefined ? undefined : files.get(manifest[0].Config);
  if (config === undefined) throw new ImageArchiveError(`${file}: its manifest.json names no config that the archive carries`);
  return { id: sha256(config), tags: manifest[0]?.RepoTags ?? [], format: 'docker-archive' };
};

const ociImage = (files: ReadonlyMap<string, Buffer>, file: string): Omit<PackedImage, 'file'> | null => {
  const index = json(files, 'index.json') as { manifests?: { digest?: string; annotations?: Record<string, string> }[] } | undefined;
  if (index?.manifests === undefined) return null;
  if (index.manifests.length !== 1) throw new ImageArchiveError(`${file}: holds ${index.manifests.length} images; a stack's image archive holds one`);
  const entry = index.manifests[0];
  const blob = (digest: string | undefined): unknown => (digest?.startsWith('sha256:') === true ? json(files, `blobs/sha256/${digest.slice(7)}`) : undefined);
  const manifest = blob(entry?.digest) as { config?: { digest?: string } } | undefined;
  const id = manifest?.config?.digest;
  if (id === undefined || !/^sha256:[a-f0-9]{64}$/.test(id)) throw new ImageArchiveError(`${file}: its index.json leads to no image config`);
  const a = entry?.annotations ?? {};
  const tags = [a['io.containerd.image.name'], a['org.opencontainers.image.ref.name']].filter((t): t is string => t !== undefined);
  return { id: id.slice(7), tags, format: 'oci-archive' };
};

/** Reads the whole image archive; throws ImageArchiveError when it is neither format or holds more than one image. */
export const inspectImageArchive = async (input: Readable, file: string): Promise<PackedImage> => {
  const tar = extract();
  input.on('error', (e) => {
    tar.destroy(e);
  });
  input.pipe(tar);
  const files = new Map<string, Buffer>();
  let kept = 0;
  try {
    for await (const entry of tar) {
      const chunks: Buffer[] = [];
      const keep = entry.header.type === 'file' && entry.header.size <= KEEP_MAX && kept + entry.header.size <= KEEP_TOTAL;
      for await (const c of entry) if (keep) chunks.push(c as Buffer);
      if (keep) {
        files.set(entry.header.name.replace(/^\.\//, ''), Buffer.concat(chunks));
        kept += entry.header.size;
      }
    }
  } catch (e) {
    throw new ImageArchiveError(`${file}: not a docker or OCI image archive (${e instanceof Error ? e.message : String(e)})`);
  }
  const found = dockerImage(files, file) ?? ociImage(files, file);
  if (found === null) throw new ImageArchiveError(`${file}: not a docker or OCI image archive (no manifest.json or index.json)`);
  return { file, ...found };
};
