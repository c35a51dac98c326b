// How a script sends several files' exact bytes in one pass: a line with each file's size, in order, then one base64
// blob of them all. One wc, one cat and one base64 however many files, where a base64 per file cost a process each.
// The fact script frames its probes' outputs so (gather-script.ts), and a probe may frame the files it reads so too.

/**
 * sh for the files in "$@" (at least one: wc and cat would read stdin otherwise, which is the script itself under
 * `sh -s`): `printf '%s%s\n' SIZE_PREFIX N` per file, then `BLOB_PREFIX` and the base64 on one line. The prefixes
 * are sh words (quoted text or a variable). A path must hold no newline (wc's lines carry it; "total" follows two or
 * more files and is skipped).
 */
export const filesBlobSh = (sizePrefix: string, blobPrefix: string): string =>
  [
    `wc -c -- "$@" | while read -r k_bn k_bf; do [ "$k_bf" = total ] || printf '%s%s\\n' ${sizePrefix} "$k_bn"; done`,
    `printf '%s' ${blobPrefix}; cat -- "$@" | base64 -w 0; echo`,
  ].join('\n');

/** The files a filesBlobSh line set sent, in order: null when the blob does not hold exactly the sizes given. */
export const splitFilesBlob = (sizes: readonly number[], blob: string): string[] | null => {
  const bytes = Buffer.from(blob, 'base64');
  if (sizes.reduce((n, s) => n + s, 0) !== bytes.length) return null;
  let at = 0;
  return sizes.map((n) => bytes.subarray(at, (at += n)).toString('utf8'));
};
