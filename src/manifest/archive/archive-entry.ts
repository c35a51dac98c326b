// One entry of an archive verified before: read again and held to its sha256 in the signed list, so a file swapped
// between the verification and the load is refused rather than sent to the host.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { ArchiveError } from './archive-error.js';

export const readVerifiedEntry = async (input: Readable, entry: string, sha256: string, maxBytes: number, what: string): Promise<Buffer> => {
  const tar = extract();
  input.on('error', (e) => {
    tar.destroy(e);
  });
  input.pipe(tar);
  try {
    for await (const e of tar) {
      if (e.header.name !== entry) {
        e.resume();
        continue;
      }
      if (e.header.size > maxBytes) throw new ArchiveError('size', `${what}: ${entry} is over the limit of ${maxBytes} bytes`);
      const chunks: Buffer[] = [];
      for await (const c of e) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks);
      if (createHash('sha256').update(body).digest('hex') !== sha256) {
        throw new ArchiveError('checksum', `${what}: ${entry} changed since the archive was verified: refused`);
      }
      return body;
    }
  } finally {
    input.destroy();
  }
  throw new ArchiveError('truncated', `${what}: ${entry} is no longer in the archive`);
};
