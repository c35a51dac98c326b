// Where a field sits in the YAML text: zod reports a path into the parsed value, the operator needs line:column.
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
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

const findPair = (map: Node, seg: PropertyKey): Pair | undefined =>
  isMap(map) ? map.items.find((p) => keyText(p.key) === String(seg)) : undefined;

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

/** The field path of the innermost node at `offset` (to name the field a YAML parse error is about). */
export function pathAtOffset(doc: Document, offset: number): PropertyKey[] {
  const path: PropertyKey[] = [];
  const within = (node: unknown) => {
    const r = isScalar(node) || isMap(node) || isSeq(node) || isAlias(node) ? node.range : undefined;
    return r !== undefined && r !== null && offset >= r[0] && offset < Math.max(r[2], r[0] + 1);
  };
  let node: unknown = doc.contents;
  for (;;) {
    let next: unknown;
    if (isMap(node)) {
      for (const p of node.items) {
        const key = keyText(p.key);
        if (key === undefined) continue;
        if (within(p.key)) return [...path, key];
        if (within(p.value)) {
          path.push(key);
          next = p.value;
          break;
        }
      }
    } else if (isSeq(node)) {
      const i = node.items.findIndex(within);
      if (i >= 0) {
        path.push(i);
        next = node.items[i];
      }
    }
    if (next === undefined) return path;
    node = next;
  }
}

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
