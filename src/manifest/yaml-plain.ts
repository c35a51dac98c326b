// A manifest is plain YAML: what you read is what keelson gets. Aliases and merge keys are refused (an error would
// point at the anchor, not at the field that uses it, and aliases are the "billion laughs" door); explicit tags are
// refused (!!binary and friends turn text into other things); keys are plain scalars, never "__proto__", and appear
// once per mapping. One walk over the document, carrying the path, so a file of 100,000 keys costs 100,000 steps.
// Anchors alone are harmless and left alone.
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter } from 'yaml';
import { formatFieldPath } from './field-path.js';
import type { ManifestError } from './manifest-error.js';
import { showValue } from './show-value.js';
import { keyText } from './yaml-locate.js';

const startOf = (node: unknown): number | undefined =>
  isScalar(node) || isMap(node) || isSeq(node) || isAlias(node) ? node.range?.[0] : undefined;

export function plainYamlErrors(doc: Document, lineCounter: LineCounter): ManifestError[] {
  const errors: ManifestError[] = [];
  const report = (offset: number | undefined, path: readonly PropertyKey[], message: string, hint: string) => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    errors.push({ path: formatFieldPath(path), line, column: col, message, hint });
  };
  const walk = (node: unknown, path: PropertyKey[]): void => {
    if (isAlias(node)) {
      report(node.range?.[0], path, `the alias *${node.source} is not allowed`, 'write the value out in full: a manifest is plain YAML, without anchors and aliases');
      return;
    }
    if ((isScalar(node) || isMap(node) || isSeq(node)) && node.tag !== undefined) {
      const tag = node.tag.replace(/^tag:yaml\.org,2002:/, '!!');
      report(node.range?.[0], path, `the YAML tag ${showValue(tag)} is not allowed`, 'remove the tag; quote text instead, e.g. "0770"');
    }
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = keyText(pair.key);
        const keyStart = startOf(pair.key);
        const at = key === undefined ? path : [...path, key];
        if (key === undefined) {
          report(keyStart, path, 'a key must be a plain word, not a list or a mapping', 'write key: value');
        } else if (key === '<<') {
          report(keyStart, at, 'merge keys (<<) are not allowed', 'write the fields out in full: a manifest is plain YAML');
        } else if (key === '__proto__') {
          report(keyStart, at, 'the key "__proto__" is not allowed', 'remove it');
        } else if (seen.has(key)) {
          report(keyStart, at, 'this key appears twice in the same mapping', 'keep one of the two entries');
        }
        if (key !== undefined) seen.add(key);
        walk(pair.key, path);
        walk(pair.value, at);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        walk(item, [...path, i]);
      });
    }
  };
  walk(doc.contents, []);
  return errors;
}
