// What a stack archive (FILE.keelson) is: one tar of regular files, in this order —
//   keelson-archive       the magic: "keelson-archive/1\n"
//   SHA256SUMS            `sha256sum` lines for every file after the signature (check them with `sha256sum -c`)
//   SHA256SUMS.minisig    minisign signature of SHA256SUMS; its trusted comment names stack, version and build time
//   manifest.yaml         the stack manifest
//   images.json           each image archive: file, image ID, the tags it carries, docker/OCI format
//   images/NAME.tar       docker/OCI archives, loaded on the host with `podman load`
// The signature comes before any content, so a wrong key stops the read before a single image byte is looked at.
export const ARCHIVE_FORMAT = 'keelson-archive/1';
export const MAGIC_ENTRY = 'keelson-archive';
export const MAGIC_CONTENT = `${ARCHIVE_FORMAT}\n`;
export const SUMS_ENTRY = 'SHA256SUMS';
export const SIGNATURE_ENTRY = 'SHA256SUMS.minisig';
export const MANIFEST_ENTRY = 'manifest.yaml';
export const IMAGES_ENTRY = 'images.json';
/** A manifest's imageFile, and where it sits in the stack directory and the archive. */
export const IMAGE_FILE = /^images\/[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.tar$/;

export const ARCHIVE_SUFFIX = '.keelson';
export const isArchivePath = (arg: string): boolean => arg.endsWith(ARCHIVE_SUFFIX);

export interface ArchiveLimits {
  /** The whole file. */
  readonly maxBytes: number;
  /** One image archive: it travels to the host in one piece (podman load from stdin). */
  readonly maxImageBytes: number;
  readonly maxEntries: number;
}

// Generous for real images, small enough that a hostile archive cannot fill the workstation's memory or the host's disk.
export const DEFAULT_LIMITS: ArchiveLimits = { maxBytes: 8 * 1024 ** 3, maxImageBytes: 2 * 1024 ** 3, maxEntries: 256 };
/** The small entries are read whole into memory: each has its own ceiling. */
export const SMALL_ENTRY_MAX: Readonly<Record<string, number>> = {
  [MAGIC_ENTRY]: MAGIC_CONTENT.length,
  [SUMS_ENTRY]: 1024 ** 2,
  [SIGNATURE_ENTRY]: 16 * 1024,
  [MANIFEST_ENTRY]: 1024 ** 2,
  [IMAGES_ENTRY]: 1024 ** 2,
};

/** The entries before the content, in order: the magic, the checksum list, its signature. */
export const HEAD_ENTRIES = [MAGIC_ENTRY, SUMS_ENTRY, SIGNATURE_ENTRY] as const;

/** Plain relative names only: no "..", no absolute path, no empty or "." segment, nothing a shell or a terminal reads. */
export const safeEntryName = (name: string): boolean =>
  name.length <= 200 && /^[A-Za-z0-9._/-]+$/.test(name) && !name.startsWith('/') && name.split('/').every((s) => s !== '' && s !== '.' && s !== '..');

export interface TrustedFields {
  readonly stack: string;
  readonly version: string;
  readonly built: string;
}

export const formatTrustedComment = (f: TrustedFields): string => `${ARCHIVE_FORMAT} stack:${f.stack} version:${f.version} built:${f.built}`;

export const parseTrustedComment = (text: string): TrustedFields | null => {
  const m = /^keelson-archive\/1 stack:([a-z][a-z0-9-]*) version:(\S+) built:(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)$/.exec(text);
  return m === null ? null : { stack: m[1] ?? '', version: m[2] ?? '', built: m[3] ?? '' };
};

export const formatSums = (sums: ReadonlyMap<string, string>): string => [...sums].map(([name, sha]) => `${sha}  ${name}\n`).join('');

/** `sha256sum` lines → name → hex; null when a line is not one (a damaged or foreign list). */
export const parseSums = (text: string): Map<string, string> | null => {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = /^([a-f0-9]{64}) {2}(.+)$/.exec(line);
    if (m === null || !safeEntryName(m[2] ?? '') || out.has(m[2] ?? '')) return null;
    out.set(m[2] ?? '', m[1] ?? '');
  }
  return out;
};

export interface PackedImage {
  readonly file: string;
  /** Podman's image ID: the hex sha256 of the image's config. */
  readonly id: string;
  readonly tags: readonly string[];
  readonly format: 'docker-archive' | 'oci-archive';
}
