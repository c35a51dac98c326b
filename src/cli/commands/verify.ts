// keelson verify FILE --trust PUBKEY: every check plan and apply make on a stack archive, and nothing else.
import { readTrustKey, verifyArchiveFile, archiveManifest, type TrustFlags } from '../stack-archive.js';

export interface VerifyFlags extends Omit<TrustFlags, 'allowUnsigned'> {
  readonly json?: boolean;
}

export const verifyCommand = async (file: string, flags: VerifyFlags): Promise<void> => {
  const v = await verifyArchiveFile(file, await readTrustKey(flags));
  const manifest = archiveManifest(v, file);
  const report = {
    ok: true,
    file,
    stack: manifest.stack,
    version: manifest.version,
    built: v.trusted?.built ?? null,
    signedBy: v.signer,
    images: v.images,
    files: v.sums.size,
  };
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `${file}: verified — ${report.stack} ${report.version}, built ${report.built ?? '?'}, signed by key ${report.signedBy ?? '?'}; ` +
      `${report.files} files match their checksums\n${v.images.map((i) => `  ${i.file}: ${i.format}, image ID ${i.id} (${i.tags.join(', ')})\n`).join('')}`,
  );
};
