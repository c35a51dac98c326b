// The answers file (--answers) and the secrets file (--secrets): `stack: NAME` and one mapping of names to text.
// Every value is text exactly as written: `greeting:` is an error (not "null"), 0x1F stays "0x1F" and
// 12345678901234567890 keeps every digit, a list or a mapping is an error. Errors name the file, line and column.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { encodingProblem } from '../manifest/text-encoding.js';
import { keyText } from '../manifest/yaml-locate.js';
import { showValue } from '../manifest/show-value.js';
import { UsageError } from './exit-codes.js';

export interface ValuesFile {
  /** The `stack:` the file says it is for, if it says. */
  readonly stack: string | undefined;
  readonly values: Readonly<Record<string, string>>;
}

/** A small file: anything near this is not an answers or secrets file. */
const MAX_BYTES = 256 * 1024;

const textOf = (node: Node): string | null => {
  if (!isScalar(node)) return null;
  if (node.value === null) return null;
  if (typeof node.value === 'string') return node.value;
  // A plain number or boolean: the text as written, not YAML's reading of it (precision, hex, octal).
  if (typeof node.source === 'string') return node.source;
  return typeof node.value === 'number' || typeof node.value === 'boolean' || typeof node.value === 'bigint' ? String(node.value) : null;
};

/** `flag` is how the file was given (--answers FILE), `key` the mapping it holds (answers, secrets). */
export const parseValuesFile = (text: string, flag: string, key: 'answers' | 'secrets'): ValuesFile => {
  const fail = (where: string, message: string): never => {
    throw new UsageError(`${flag}:${where} ${message}`);
  };
  if (Buffer.byteLength(text) > MAX_BYTES) fail('', `is larger than ${String(MAX_BYTES)} bytes: is this the ${key} file?`);
  const encoding = encodingProblem(text);
  if (encoding !== null) fail('', encoding);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: false, version: '1.2' });
  const pos = (offset: number | undefined) => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return `${String(line)}:${String(col)}`;
  };
  const first = doc.errors[0];
  if (first !== undefined) fail(pos(first.pos[0]), `is not valid YAML: ${first.message.split('\n')[0] ?? ''}`);
  const root = doc.contents;
  const expected = `expected "stack: NAME" and "${key}: { name: value }"`;
  if (!isMap(root)) fail(pos(root === null ? 0 : root.range[0]), expected);
  const values: Record<string, string> = {};
  let stack: string | undefined;
  let found = false;
  for (const pair of isMap(root) ? root.items : []) {
    const name = keyText(pair.key);
    const at = pos(isScalar(pair.key) ? pair.key.range[0] : undefined);
    const value = pair.value as Node;
    if (name === 'stack') stack = textOf(value) ?? fail(at, 'stack: needs the stack\'s name');
    else if (name === key) {
      found = true;
      if (!isMap(value)) fail(at, `${key}: must be a mapping of names to values`);
      for (const item of isMap(value) ? value.items : []) {
        const id = keyText(item.key) ?? fail(pos(undefined), 'a name must be plain text');
        const where = pos(isScalar(item.key) ? item.key.range?.[0] : undefined);
        const node = item.value as Node | null;
        if (node === null || (isScalar(node) && node.value === null)) fail(where, `${key}.${showValue(id)} has no value: write ${id}: "…" (quotes for an empty value)`);
        if (node !== null && (isMap(node) || isSeq(node))) fail(where, `${key}.${showValue(id)} must be text, not a list or a mapping`);
        values[id] = (node === null ? null : textOf(node)) ?? fail(where, `${key}.${showValue(id)} must be text`);
      }
    } else fail(at, `unknown key ${showValue(name ?? '')}: ${expected}`);
  }
  if (!found) fail('1:1', `has no "${key}:" mapping; ${expected}`);
  return { stack, values };
};
