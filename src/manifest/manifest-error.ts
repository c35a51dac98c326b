// One problem in a manifest, located in its text, and the text an operator reads.

export interface ManifestError {
  /** The field as the operator writes it: containers[0].publish[1]; empty when the problem is the file itself. */
  readonly path: string;
  /** 1-based line and column in the manifest text. */
  readonly line: number;
  readonly column: number;
  readonly message: string;
  /** What to write instead, when there is something better to say than the message. */
  readonly hint?: string;
}

/** `demo.yaml:12:5 containers[0].user: runs as root …`, one problem per line, hints indented below. */
export function formatManifestErrors(errors: readonly ManifestError[], source: string): string {
  return errors
    .map((e) => {
      const where = `${source}:${String(e.line)}:${String(e.column)}`;
      const head = e.path === '' ? `${where} ${e.message}` : `${where} ${e.path}: ${e.message}`;
      return e.hint === undefined ? head : `${head}\n    hint: ${e.hint}`;
    })
    .join('\n');
}
