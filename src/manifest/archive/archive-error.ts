// A refused archive says which check failed (for the operator, the JSON output and the tests) and what to do.
export type ArchiveCheck =
  | 'size'
  | 'magic'
  | 'truncated'
  | 'path'
  | 'symlink'
  | 'entry-type'
  | 'duplicate'
  | 'entries'
  | 'unsigned'
  | 'signature-format'
  | 'other-key'
  | 'signature'
  | 'trusted-comment'
  | 'unlisted'
  | 'checksum'
  | 'manifest-mismatch'
  | 'images';

export class ArchiveError extends Error {
  constructor(
    readonly check: ArchiveCheck,
    message: string,
  ) {
    super(message);
    this.name = 'ArchiveError';
  }
}
