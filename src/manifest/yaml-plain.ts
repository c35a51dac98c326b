// A manifest is plain YAML: what you read is what keelson gets. Aliases and merge keys are refused (an error would
// point at the anchor, not at the field that uses it, and aliases are the "billion laughs" door); explicit tags are
// refused (!!binary and friends turn text into other things); keys are plain scalars, never "__proto__".
// Anchors alone are harmless and left alone.
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter } from 'yaml';
import { formatFieldPath } from './field-path.js';
import type { ManifestError } from './manifest-error.js';
import { showValue } from './show-value.js';
import { keyText, pathAtOffset } from './yaml-locate.js';

export function plainYamlErrors(doc: Document, lineCounter: LineCounter): ManifestError[] {
  const errors: ManifestError[] = [];
  const report = (offset: number | undefined, message: string, hint: string) => {
    const at = offset ?? 0;
    const { line, col } = lineCounter.linePos(at);
    errors.push({ path: formatFieldPath(pathAtOffset(doc, at)), line, column: col, message, hint });
  };
  const walk = (node: unknown): void => {
    if (isAlias(node)) {
      report(node.range?.[0], `the alias *${node.source} is not allowed`, 'write the value out in full: a manifest is plain YAML, without anchors and aliases');
      return;
    }
    if ((isScalar(node) || isMap(node) || isSeq(node)) && node.tag !== undefined) {
      const tag = node.tag.replace(/^tag:yaml\.org,2002:/, '!!');
      report(node.range?.[0], `the YAML tag ${showValue(tag)} is not allowed`, 'remove the tag; quote text instead, e.g. "0770"');
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = keyText(pair.key);
        const keyStart = isScalar(pair.key) || isMap(pair.key) || isSeq(pair.key) ? pair.key.range?.[0] : undefined;
        if (key === undefined) {
          report(keyStart, 'a key must be a plain word, not a list or a mapping', 'write key: value');
        } else if (key === '<<') {
          report(keyStart, 'merge keys (<<) are not allowed', 'write the fields out in full: a manifest is plain YAML');
        } else if (key === '__proto__') {
          report(keyStart, 'the key "__proto__" is not allowed', 'remove it');
        }
        walk(pair.key);
        walk(pair.value);
      }
    } else if (isSeq(node)) {
      node.items.forEach(walk);
    }
  };
  walk(doc.contents);
  return errors;
}
