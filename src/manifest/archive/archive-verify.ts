// Reads a stack archive once, writing nothing anywhere: the magic, then the signature over the checksum list (before
// any content), then every entry's sha256 against that list, then the trusted comment against the manifest. Each
// refusal is an ArchiveError naming its check. Only a fully verified archive yields its manifest and image list.
import { createHash } from 'node:crypto';
import { sha256 } from '../../../steps/quadlet/unit-header.js';
import type { Readable } from 'node:stream';
import { extract, type Header } from 'tar-stream';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ArchiveError } from './archive-error.js';
import {
  DEFAULT_LIMITS, HEAD_ENTRIES, IMAGE_FILE, IMAGES_ENTRY, MAGIC_CONTENT, MAGIC_ENTRY, MANIFEST_ENTRY, parseSums, parseTrustedComment,
  safeEntryName, SIGNATURE_ENTRY, SMALL_ENTRY_MAX, SUMS_ENTRY, type ArchiveLimits, type PackedImage, type TrustedFields,
} from './archive-layout.js';
import type { PublicKey } from './minisign-key.js';
import { SignatureError, verifyMessage } from './minisign-signature.js';

export interface VerifyOptions {
  /** The trusted public key; null only with --allow-unsigned (the signature is then not checked, and the plan says so). */
  readonly trust: PublicKey | null;
  readonly limits?: ArchiveLimits;
  /** For messages: the archive as the operator named it. */
  readonly what: string;
}

export interface VerifiedArchive {
  readonly manifestText: string;
  readonly images: readonly PackedImage[];
  readonly sums: ReadonlyMap<string, string>;
  /** The signing key's id as minisign prints it; null when the signature was not checked (--allow-unsigned). */
  readonly signer: string | null;
  readonly trusted: TrustedFields | null;
  /** sha256 of SHA256SUMS: names this exact archive content (a saved plan is tied to it). */
  readonly sumsSha256: string;
}

const imagesSchema = z.array(
  z.strictObject({ file: z.string().regex(IMAGE_FILE), id: z.string().regex(/^[a-f0-9]{64}$/), tags: z.array(z.string().max(255)).max(32), format: z.enum(['docker-archive', 'oci-archive']) }),
).max(64);

const checkHeader = (h: Header, index: number, limits: ArchiveLimits, what: string): void => {
  if (index >= limits.maxEntries) throw new ArchiveError('entries', `${what}: more than ${limits.maxEntries} entries`);
  const name = h.name;
  if (h.type === 'symlink' || h.type === 'link') {
    throw new ArchiveError('symlink', `${what}: entry ${JSON.stringify(name)} is a link (to ${JSON.stringify(h.linkname)}): a keelson archive holds regular files only`);
  }
  if (name.startsWith('/') || name.split('/').includes('..')) throw new ArchiveError('path', `${what}: entry ${JSON.stringify(name)} is an absolute path or climbs out with "..": refused`);
  if (h.type !== 'file') throw new ArchiveError('entry-type', `${what}: entry ${JSON.stringify(name)} is a ${h.type}: a keelson archive holds regular files only`);
  if (!safeEntryName(name)) throw new ArchiveError('path', `${what}: entry ${JSON.stringify(name)} is not a plain relative name`);
  const max = SMALL_ENTRY_MAX[name] ?? limits.maxImageBytes;
  if (h.size > max) throw new ArchiveError('size', `${what}: entry ${name} is ${h.size} bytes, over the limit of ${max}`);
};

interface Head {
  body?: Buffer;
  sums?: Map<string, string>;
  sumsSha256?: string;
  signer: string | null;
  trusted: TrustedFields | null;
}

const readHead = (name: string, index: number, body: Buffer, head: Head, o: VerifyOptions): void => {
  if (index === 0) {
    if (name !== MAGIC_ENTRY || body.toString('utf8') !== MAGIC_CONTENT) throw new ArchiveError('magic', `${o.what}: not a keelson stack archive (its first entry is not the ${MAGIC_ENTRY} magic)`);
  } else if (name === SUMS_ENTRY) {
    const sums = parseSums(body.toString('utf8'));
    if (sums === null) throw new ArchiveError('unlisted', `${o.what}: ${SUMS_ENTRY} is not a list of sha256 sums and plain names`);
    head.sums = sums;
    head.sumsSha256 = sha256(body);
    head.body = body;
  } else if (name === SIGNATURE_ENTRY && o.trust !== null) {
    try {
      const v = verifyMessage(o.trust, head.body ?? Buffer.alloc(0), body.toString('utf8'), `${o.what}: ${SIGNATURE_ENTRY}`);
      const fields = parseTrustedComment(v.trustedComment);
      if (fields === null) throw new ArchiveError('trusted-comment', `${o.what}: the signed trusted comment "${v.trustedComment}" does not name a keelson stack (keelson-archive/1 stack:… version:… built:…)`);
      head.signer = v.keyId;
      head.trusted = fields;
    } catch (e) {
      if (e instanceof SignatureError) throw new ArchiveError(e.check, e.message);
      throw e;
    }
  }
};

const entryBytes = async (entry: AsyncIterable<unknown>): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const c of entry) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

const entrySha256 = async (entry: AsyncIterable<unknown>): Promise<string> => {
  const hash = createHash('sha256');
  for await (const c of entry) hash.update(c as Buffer);
  return hash.digest('hex');
};

/** What tar-stream says about a broken stream, as a check: a cut archive ends in the middle of an entry. */
const tarFailure = (e: unknown, index: number, what: string): ArchiveError => {
  const message = e instanceof Error ? e.message : String(e);
  if (/unexpected end/i.test(message)) return new ArchiveError('truncated', `${what}: the archive ends in the middle of an entry (truncated)`);
  if (index === 0) return new ArchiveError('magic', `${what}: not a keelson stack archive (not a tar file)`);
  return new ArchiveError('truncated', `${what}: damaged after entry ${index} (${message})`);
};

const checkContent = (manifestText: string | undefined, imagesText: string | undefined, head: Head, seen: ReadonlySet<string>, what: string) => {
  for (const name of head.sums?.keys() ?? []) {
    if (!seen.has(name)) throw new ArchiveError('truncated', `${what}: ${name} is in ${SUMS_ENTRY} but not in the archive (truncated, or a file was taken out)`);
  }
  if (manifestText === undefined) throw new ArchiveError('truncated', `${what}: no ${MANIFEST_ENTRY}`);
  const images = imagesSchema.safeParse(imagesText === undefined ? [] : JSON.parse(imagesText));
  if (!images.success) throw new ArchiveError('images', `${what}: ${IMAGES_ENTRY} does not describe image archives (file, id, tags, format)`);
  for (const img of images.data) if (!seen.has(img.file)) throw new ArchiveError('images', `${what}: ${IMAGES_ENTRY} names ${img.file}, which the archive does not carry`);
  if (head.trusted !== null) {
    const doc = (parseYaml(manifestText) ?? {}) as { stack?: unknown; version?: unknown };
    if (String(doc.stack) !== head.trusted.stack || String(doc.version) !== head.trusted.version) {
      throw new ArchiveError('manifest-mismatch', `${what}: the signature says stack ${head.trusted.stack} ${head.trusted.version}, but ${MANIFEST_ENTRY} is ${String(doc.stack)} ${String(doc.version)}`);
    }
  }
  return images.data;
};

/** Reads the whole stream; nothing is written anywhere. Throws an ArchiveError naming the failed check. */
export const verifyArchive = async (input: Readable, o: VerifyOptions): Promise<VerifiedArchive> => {
  const limits = o.limits ?? DEFAULT_LIMITS;
  const tar = extract();
  let total = 0;
  input.on('data', (c: Buffer) => {
    total += c.length;
    if (total > limits.maxBytes) input.destroy(new ArchiveError('size', `${o.what}: over the archive limit of ${limits.maxBytes} bytes`));
  });
  input.on('error', (e) => {
    tar.destroy(e);
  });
  input.pipe(tar);
  const head: Head = { signer: null, trusted: null };
  const seen = new Set<string>();
  const small: Record<string, string> = {};
  let index = 0;
  try {
    for await (const entry of tar) {
      const name = entry.header.name;
      checkHeader(entry.header, index, limits, o.what);
      if (seen.has(name)) throw new ArchiveError('duplicate', `${o.what}: entry ${name} appears twice`);
      seen.add(name);
      const expected = HEAD_ENTRIES[index];
      if (expected !== undefined && (name === expected || index === 0)) {
        readHead(name, index, await entryBytes(entry), head, o);
      } else {
        if (index === 2 && o.trust !== null) throw new ArchiveError('unsigned', `${o.what}: unsigned (no ${SIGNATURE_ENTRY}): refused; --allow-unsigned is the only way past`);
        if (head.sums === undefined) throw new ArchiveError('unlisted', `${o.what}: no ${SUMS_ENTRY} before the content`);
        const want = head.sums.get(name);
        if (want === undefined) throw new ArchiveError('unlisted', `${o.what}: entry ${name} is not in ${SUMS_ENTRY}`);
        const keep = name in SMALL_ENTRY_MAX;
        const body = keep ? await entryBytes(entry) : null;
        const sha = body !== null ? sha256(body) : await entrySha256(entry);
        if (sha !== want) throw new ArchiveError('checksum', `${o.what}: ${name} does not match its sha256 in ${SUMS_ENTRY} (changed after signing)`);
        if (body !== null) small[name] = body.toString('utf8');
      }
      index += 1;
    }
  } catch (e) {
    input.destroy();
    if (e instanceof ArchiveError) throw e;
    throw tarFailure(e, index, o.what);
  }
  if (index === 0) throw new ArchiveError('magic', `${o.what}: empty: not a keelson stack archive`);
  if (o.trust !== null && head.trusted === null) throw new ArchiveError('unsigned', `${o.what}: unsigned (no ${SIGNATURE_ENTRY}): refused; --allow-unsigned is the only way past`);
  const images = checkContent(small[MANIFEST_ENTRY], small[IMAGES_ENTRY], head, seen, o.what);
  return { manifestText: small[MANIFEST_ENTRY] ?? '', images, sums: head.sums ?? new Map(), signer: head.signer, trusted: head.trusted, sumsSha256: head.sumsSha256 ?? '' };
};
