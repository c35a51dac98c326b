// Where a field sits in the YAML text: zod reports a path into the parsed value, the operator needs line:column.
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import type { FieldPath } from './field-path.js';

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** How a path was found: the node itself, its key (for key errors), or only its closest existing ancestor. */
export type Located = Position & { readonly found: 'value' | 'key' | 'ancestor' };

/** A map key as the parsed value spells it (toJS turns every scalar key into a string). */
export function keyText(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  const v = key.value;
  if (typeof v === 'string') return v;
  return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : '';
}

// Each mapping indexed once by key: locating every one of 100,000 unknown keys stays linear. The first pair of a
// key wins, as it did when the pairs were searched in order.
const indexes = new WeakMap<object, Map<string, Pair>>();
const findPair = (map: Node, seg: PropertyKey): Pair | undefined => {
  if (!isMap(map)) return undefined;
  let index = indexes.get(map);
  if (index === undefined) {
    index = new Map();
    for (const p of map.items) {
      const k = keyText(p.key);
      if (k !== undefined && !index.has(k)) index.set(k, p);
    }
    indexes.set(map, index);
  }
  return index.get(String(seg));
};

const startOf = (node: unknown): number | undefined => {
  if (isPair(node)) return startOf(node.key);
  if (isScalar(node) || isMap(node) || isSeq(node)) return node.range?.[0];
  return undefined;
};

/**
 * The position of `path` in `doc`. With `at: 'key'` a map entry is located by its key (unknown or invalid keys);
 * otherwise by its value, falling back to the key when the value is empty. A path that does not exist in the
 * text (a missing required field) resolves to its closest ancestor: the object the field is missing from.
 */
export function locate(doc: Document, lineCounter: LineCounter, path: FieldPath, at: 'value' | 'key' = 'value'): Located {
  const pos = (offset: number | undefined, found: Located['found']): Located => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return { line, column: col, found };
  };
  let node: unknown = doc.contents;
  let nearest = startOf(node);
  let pair: Pair | undefined;
  for (const seg of path) {
    let next: unknown;
    pair = undefined;
    if (isSeq(node)) next = node.items[Number(seg)];
    else if (isMap(node)) {
      pair = findPair(node, seg);
      next = pair?.value;
    }
    if (next === undefined && pair === undefined) return pos(nearest, 'ancestor');
    node = next;
    nearest = (hasText(next) ? startOf(next) : startOf(pair)) ?? nearest;
  }
  if (pair !== undefined && (at === 'key' || !hasText(pair.value))) return pos(startOf(pair.key), 'key');
  return pos(startOf(node), 'value');
}

// `key:` with nothing after it parses as a null scalar with an empty range; point at the key instead.
const hasText = (node: unknown): boolean => {
  if (!isScalar(node) && !isMap(node) && !isSeq(node)) return false;
  const r = node.range;
  return r !== undefined && r !== null && r[1] > r[0];
};

/** The YAML node holding the value at `path`, if the path exists in the text. */
export function nodeAt(doc: Document, path: FieldPath): unknown {
  let node: unknown = doc.contents;
  for (const seg of path) {
    if (isSeq(node)) node = node.items[Number(seg)];
    else if (isMap(node)) node = findPair(node, seg)?.value;
    else return undefined;
  }
  return node;
}
