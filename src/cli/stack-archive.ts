// `--stack FILE.keelson`: the archive is verified whole (signature, then every checksum, then the trusted comment
// against the manifest) before its manifest is parsed or a byte of it goes anywhere. The manifest that comes out
// names each packed image by the ID its signed list recorded, so the units run exactly what is loaded.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { openWorkstationStream, readWorkstationText, workstationFileSize } from '../host/workstation-files.js';
import { readVerifiedEntry } from '../manifest/archive/archive-entry.js';
import { ArchiveError } from '../manifest/archive/archive-error.js';
import { DEFAULT_LIMITS, formatTrustedComment, isArchivePath } from '../manifest/archive/archive-layout.js';
import { verifyArchive, type VerifiedArchive } from '../manifest/archive/archive-verify.js';
import { KeyFileError, parsePublicKey, type PublicKey } from '../manifest/archive/minisign-key.js';
import { formatManifestErrors, parseManifest } from '../manifest/load-manifest.js';
import type { Manifest } from '../manifest/schema.js';
import type { PlanArchive } from '../engine/plan.js';
import { UsageError } from './exit-codes.js';

export interface TrustFlags {
  /** The public key (minisign format) the archive must be signed by. */
  readonly trust?: string;
  /** Skip the signature check: the plan and the journal say so. Checksums are still checked. */
  readonly allowUnsigned?: boolean;
  /** apply, upgrade: accept an archive signed by another key than the installed version's (after checking the new key). */
  readonly allowNewSigner?: boolean;
}

/**
 * The trust flags loadStack reads `stack` with. --allow-unsigned with a manifest file skips no signature (there is
 * none): it accepts that file after a signed install (src/flows/upgrade/signer-change.ts), so loading leaves it out.
 */
export const trustFor = (stack: string, flags: TrustFlags): TrustFlags => (isArchivePath(stack) || flags.allowUnsigned !== true ? flags : { ...flags, allowUnsigned: false });

/** The key configured once on this workstation, used when --trust is not given. */
export const trustedKeyPath = (env: NodeJS.ProcessEnv = process.env): string =>
  join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'keelson', 'trusted.pub');

export const readTrustKey = async (flags: TrustFlags): Promise<PublicKey | null> => {
  if (flags.allowUnsigned === true) return null;
  const path = flags.trust ?? trustedKeyPath();
  const text = await readWorkstationText(path);
  if (text === null) {
    throw new UsageError(flags.trust !== undefined
      ? `--trust ${flags.trust}: no such file`
      : `a stack archive is checked against a trusted key: pass --trust PUBKEY (or put the vendor's key at ${path}); --allow-unsigned skips the check`);
  }
  try {
    return parsePublicKey(text, path);
  } catch (e) {
    throw e instanceof KeyFileError ? new UsageError(e.message) : e;
  }
};

/** Reads and verifies the whole archive; a refusal names its check and says nothing was unpacked or sent. */
export const verifyArchiveFile = async (file: string, trust: PublicKey | null): Promise<VerifiedArchive> => {
  const size = await workstationFileSize(file);
  if (size === null) throw new UsageError(`${file}: no such stack archive`);
  try {
    if (size > DEFAULT_LIMITS.maxBytes) throw new ArchiveError('size', `${file}: ${size} bytes, over the archive limit of ${DEFAULT_LIMITS.maxBytes}`);
    return await verifyArchive(openWorkstationStream(file), { trust, what: file });
  } catch (e) {
    if (e instanceof ArchiveError) throw new UsageError(`refused (check: ${e.check}): ${e.message}\n  nothing was unpacked or sent to a host`);
    throw e;
  }
};

export interface ArchiveStack {
  readonly manifest: Manifest;
  readonly archive: PlanArchive;
  readonly readEntry: (entry: string) => Promise<Uint8Array>;
}

/** The archive's manifest, each packed image pinned to its recorded ID. */
export const archiveManifest = (v: VerifiedArchive, file: string): Manifest => {
  const what = `${file}:manifest.yaml`;
  const parsed = parseManifest(v.manifestText, what);
  if (!parsed.ok) throw new UsageError(`the stack manifest has errors:\n${formatManifestErrors(parsed.errors, what)}`);
  const containers = parsed.manifest.containers.map((c, i) => {
    if (c.imageFile === undefined) return c;
    const image = v.images.find((img) => img.file === c.imageFile);
    if (image === undefined) throw new UsageError(`${what}: containers[${i}].imageFile ${c.imageFile} is not among the archive's images`);
    return { ...c, imageId: image.id };
  });
  return { ...parsed.manifest, containers };
};

export const loadArchiveStack = async (file: string, flags: TrustFlags): Promise<ArchiveStack> => {
  const v = await verifyArchiveFile(file, await readTrustKey(flags));
  const manifest = archiveManifest(v, file);
  const archive: PlanArchive = {
    file,
    sumsSha256: v.sumsSha256,
    signedBy: v.signer,
    trustedComment: v.trusted === null ? null : formatTrustedComment(v.trusted),
  };
  const readEntry = async (entry: string): Promise<Uint8Array> => {
    const sha = v.sums.get(entry);
    if (sha === undefined) throw new Error(`${file}: ${entry} is not in the archive's signed list`);
    return readVerifiedEntry(openWorkstationStream(file), entry, sha, DEFAULT_LIMITS.maxImageBytes, file);
  };
  return { manifest, archive, readEntry };
};
