// keelson pack STACK_DIR --key KEY --out FILE.keelson: the stack's manifest, its image archives, their IDs, the
// checksum list and a minisign signature, in one file.
import { join } from 'node:path';
import { openWorkstationStream, readWorkstationText, workstationFileSize, writeWorkstationStream } from '../../host/workstation-files.js';
import { ARCHIVE_SUFFIX, MANIFEST_ENTRY } from '../../manifest/archive/archive-layout.js';
import { packArchive, PackError } from '../../manifest/archive/archive-pack.js';
import { ImageArchiveError } from '../../manifest/archive/image-archive-id.js';
import { isEncrypted, KeyFileError, keyIdHex, parseSecretKey } from '../../manifest/archive/minisign-key.js';
import { signMessage } from '../../manifest/archive/minisign-signature.js';
import { UsageError } from '../exit-codes.js';
import { readPassphrase, type PassphraseFlags } from '../passphrase.js';

export interface PackFlags extends PassphraseFlags {
  readonly key: string;
  readonly out: string;
}

const loadKey = async (flags: PackFlags) => {
  const text = await readWorkstationText(flags.key);
  if (text === null) throw new UsageError(`--key ${flags.key}: no such file`);
  try {
    return parseSecretKey(text, flags.key, isEncrypted(text, flags.key) ? await readPassphrase(flags, flags.key) : undefined);
  } catch (e) {
    throw e instanceof KeyFileError ? new UsageError(e.message) : e;
  }
};

export const packCommand = async (stackDir: string, flags: PackFlags): Promise<void> => {
  if (!flags.out.endsWith(ARCHIVE_SUFFIX)) throw new UsageError(`--out ${flags.out}: a stack archive's name ends in ${ARCHIVE_SUFFIX}`);
  const manifestText = await readWorkstationText(join(stackDir, MANIFEST_ENTRY));
  if (manifestText === null) throw new UsageError(`${stackDir}: no ${MANIFEST_ENTRY} in this directory`);
  const key = await loadKey(flags);
  try {
    const packed = await packArchive(
      { manifestText, what: stackDir, open: (name) => openWorkstationStream(join(stackDir, name)), size: (name) => workstationFileSize(join(stackDir, name)) },
      (sums, comment) => signMessage(key, sums, comment),
    );
    await Promise.all([writeWorkstationStream(flags.out, packed.stream), packed.done]);
    process.stderr.write(
      `${flags.out}: ${packed.manifest.stack} ${packed.manifest.version}, ${packed.images.length} image${packed.images.length === 1 ? '' : 's'}` +
        `${packed.images.map((i) => `\n  ${i.file} ${i.format} ID ${i.id} (${i.tags.join(', ')})`).join('')}\n  signed by key ${keyIdHex(key.keyId)}, built ${packed.trusted.built}\n`,
    );
  } catch (e) {
    throw e instanceof PackError || e instanceof ImageArchiveError ? new UsageError(e.message) : e;
  }
};
