// Who signed a stack archive, in the one phrasing the plan, status and doctor share: the key id and the comment it
// signed, or plainly UNSIGNED when --allow-unsigned skipped the signature.
export interface ArchiveSigner {
  readonly signedBy: string | null;
  readonly trustedComment: string | null;
}

export const signerText = (a: ArchiveSigner): string =>
  a.signedBy === null ? 'UNSIGNED (--allow-unsigned): its signature was not checked' : `signed by key ${a.signedBy} (${a.trustedComment ?? 'no trusted comment'})`;

/** The plan's line about its archive (text plan and the wizard's Review): which file, who signed it, and the checksums. */
export const archiveText = (a: ArchiveSigner & { readonly file: string }): string => `stack archive ${a.file}: ${signerText(a)}; every checksum verified`;
