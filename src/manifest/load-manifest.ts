// YAML text → a validated Manifest, or every problem in it with field path, line and column. Pure: the caller
// reads the file (src/cli), this only parses, so the same code serves the CLI, the wizard and the tests.
import { LineCounter, isMap, parseDocument, type YAMLError } from 'yaml';
import { MAX_FLOW_DEPTH, tooDeepAt } from './flow-depth.js';
import { encodingProblem } from './text-encoding.js';
import type { ManifestError } from './manifest-error.js';
import { manifestSchema, type Manifest } from './schema.js';
import { plainYamlErrors } from './yaml-plain.js';
import { issueToErrors } from './zod-issues.js';

export { formatManifestErrors, type ManifestError } from './manifest-error.js';

/** A manifest is a page of YAML; anything near a mebibyte is a mistake (or an attack on the parser). */
export const MAX_MANIFEST_BYTES = 1024 * 1024;
/** Lines plus commas: an upper bound of the entries the parser would build. */
export const MAX_MANIFEST_ENTRIES = 10_000;
const countEntries = (text: string): number => {
  let n = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 44) n++;
  }
  return n;
};
/** Past this many problems the rest are noise: fix the first ones and run again. */
const MAX_ERRORS = 50;

export type ParseManifestResult = { ok: true; manifest: Manifest } | { ok: false; errors: ManifestError[] };

// The parser's own words, where they name its API rather than the operator's file.
const YAML_MESSAGES: Partial<Record<string, string>> = {
  MULTIPLE_DOCS: 'a manifest is one YAML document, but this file has more than one',
};

const YAML_HINTS: Partial<Record<string, string>> = {
  MULTIPLE_DOCS: 'one manifest per file: remove the "---" line and what follows, or split it into two files',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BAD_INDENT: 'check the indentation (spaces only) and that every [ and { is closed',
  MISSING_CHAR: 'close the quote or bracket that was opened',
  BLOCK_AS_IMPLICIT_KEY: 'put a space after each ":" and line nested keys up under their parent',
};

/** `source` names the manifest in messages only (e.g. "demo/manifest.yaml"); nothing is read from it. */
export function parseManifest(text: string, source: string): ParseManifestResult {
  const fail = (errors: ManifestError[]): ParseManifestResult => ({ ok: false, errors: cap(sortErrors(errors)) });
  const top = (message: string, hint: string): ManifestError => ({ path: '', line: 1, column: 1, message, hint });

  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_MANIFEST_BYTES) {
    return fail([top(`${source} is ${String(bytes)} bytes; a manifest may be at most ${String(MAX_MANIFEST_BYTES)} (1 MiB)`, 'check that this is the stack manifest and not an image or an archive')]);
  }

  const encoding = encodingProblem(text);
  if (encoding !== null) return fail([top(`${source} ${encoding}`, 'keelson reads manifests as UTF-8 text with \\n line ends')]);
  // The parser's time grows with the entries: bound them, so no file keeps keelson busy (a real stack has hundreds).
  const entries = countEntries(text);
  if (entries > MAX_MANIFEST_ENTRIES) {
    return fail([top(`${source} has ${String(entries)} lines and list items; a manifest has at most ${String(MAX_MANIFEST_ENTRIES)}`, 'check that this is the stack manifest; split a stack this large into several')]);
  }
  const deep = tooDeepAt(text);
  if (deep >= 0) {
    const before = text.slice(0, deep);
    const line = before.split('\n').length;
    const col = deep - before.lastIndexOf('\n');
    return fail([{ path: '', line, column: col, message: `lists and mappings are nested more than ${String(MAX_FLOW_DEPTH)} levels deep here`, hint: 'a manifest nests a few levels: check the brackets' }]);
  }
  const lineCounter = new LineCounter();
  // YAML 1.2 core: "yes" stays text, 0770 is the number 770 (the schema asks for a quoted "0770" and says so).
  // Duplicate keys are found by plainYamlErrors in one pass: the parser's own check compares each key with every
  // earlier one (100,000 keys took minutes).
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, merge: false, version: '1.2' });

  const yamlErrors = [...doc.errors, ...doc.warnings].map((e: YAMLError): ManifestError => {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    const message = YAML_MESSAGES[e.code] ?? e.message.split('\n')[0] ?? e.message;
    const hint = YAML_HINTS[e.code];
    return { path: '', line, column: col, message, ...(hint === undefined ? {} : { hint }) };
  });
  // One broken line often yields several parser errors at the same spot; the first says it best.
  const spots = new Set<string>();
  const firstAtSpot = yamlErrors.filter((e) => {
    const spot = `${String(e.line)}:${String(e.column)}`;
    if (spots.has(spot)) return false;
    spots.add(spot);
    return true;
  });
  if (yamlErrors.length > 0) return fail(firstAtSpot);

  const plainErrors = plainYamlErrors(doc, lineCounter);
  if (plainErrors.length > 0) return fail(plainErrors);

  if (doc.contents === null) {
    return fail([top('the manifest is empty', 'start from assets/stacks/demo/manifest.yaml: stack, version, mode and containers are required')]);
  }
  if (!isMap(doc.contents)) {
    const { line, col } = lineCounter.linePos(doc.contents.range[0]);
    return fail([{ path: '', line, column: col, message: 'the manifest must be a mapping of keys at the top level (stack: …, version: …)', hint: 'see assets/stacks/demo/manifest.yaml' }]);
  }

  // Aliases were refused above, so toJS cannot expand anything; maxAliasCount 0 says so twice.
  const input: unknown = doc.toJS({ maxAliasCount: 0 });
  const parsed = manifestSchema.safeParse(input);
  if (parsed.success) return { ok: true, manifest: parsed.data };
  const ctx = { doc, lineCounter, input, schema: manifestSchema };
  return fail(parsed.error.issues.flatMap((issue) => issueToErrors(issue, ctx)));
}

const sortErrors = (errors: ManifestError[]): ManifestError[] => {
  const seen = new Set<string>();
  return errors
    .filter((e) => {
      const key = `${e.path}\0${e.message}\0${String(e.line)}:${String(e.column)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.line - b.line || a.column - b.column);
};

const cap = (errors: ManifestError[]): ManifestError[] => {
  if (errors.length <= MAX_ERRORS) return errors;
  const last = errors[MAX_ERRORS - 1];
  return [
    ...errors.slice(0, MAX_ERRORS - 1),
    { path: '', line: last?.line ?? 1, column: last?.column ?? 1, message: `and ${String(errors.length - MAX_ERRORS + 1)} more problems`, hint: 'fix the ones above and run again' },
  ];
};
