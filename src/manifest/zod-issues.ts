// A zod issue, turned into what an operator needs: the field, its line and column, what is wrong in their words,
// and what to write instead.
import type { Document, LineCounter } from 'yaml';
import { isScalar } from 'yaml';
import type { z } from 'zod';
import { formatFieldPath, type FieldPath } from './field-path.js';
import type { ManifestError } from './manifest-error.js';
import { keysAt } from './schema-keys.js';
import { describeType, showValue } from './show-value.js';
import { closest } from './suggest.js';
import { locate, nodeAt } from './yaml-locate.js';

type Issue = z.core.$ZodIssue;

interface Context {
  readonly doc: Document;
  readonly lineCounter: LineCounter;
  /** The parsed value zod saw, to quote the offending value. */
  readonly input: unknown;
  /** The schema, to list and suggest the keys an object accepts. */
  readonly schema: z.ZodType;
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value pairs)',
  record: 'a mapping (key: value pairs)',
};

/** The value at `path` in plain parsed YAML, and whether the key exists at all. */
function valueAt(input: unknown, path: FieldPath): { present: boolean; value: unknown } {
  let value = input;
  for (const seg of path) {
    if (typeof value !== 'object' || value === null) return { present: false, value: undefined };
    const key = typeof seg === 'number' ? String(seg) : seg;
    if (!Object.hasOwn(value, key)) return { present: false, value: undefined };
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return { present: true, value };
}

const MAX_SUGGESTED = 50;

const plural = (n: number, word: string) => `${String(n)} ${word}${n === 1 ? '' : 's'}`;
const lastKey = (path: FieldPath) => {
  const last = path[path.length - 1];
  return typeof last === 'string' ? last : undefined;
};

export function issueToErrors(issue: Issue, ctx: Context): ManifestError[] {
  const path = issue.path as FieldPath;
  const at = (p: FieldPath, where: 'value' | 'key' = 'value') => {
    const { line, column } = locate(ctx.doc, ctx.lineCounter, p, where);
    return { path: formatFieldPath(p), line, column };
  };
  const { present, value } = valueAt(ctx.input, path);

  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = keysAt(ctx.schema, path);
      // Only the first MAX_SUGGESTED keys can be among the errors shown (they are sorted by line and capped), so
      // only they are compared with the allowed keys: a file of 100,000 unknown keys stays fast.
      return issue.keys.map((key, i) => {
        const suggestion = i < MAX_SUGGESTED ? closest(key, allowed) : undefined;
        const hint =
          suggestion !== undefined
            ? `did you mean '${suggestion}'?`
            : allowed.length > 0
              ? `the keys allowed here are: ${allowed.join(', ')}`
              : undefined;
        return { ...at([...path, key], 'key'), message: `unknown key ${showValue(key)}`, ...(hint === undefined ? {} : { hint }) };
      });
    }
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      const key = lastKey(path);
      if (!present) {
        return [{ ...at(path), message: `is missing (${expected} is required here)`, ...(key === undefined ? {} : { hint: `add ${key}: …` }) }];
      }
      return [{ ...at(path), message: `expected ${expected}, found ${describeType(value)}`, ...typeHint(issue.expected, value, nodeAt(ctx.doc, path), key) }];
    }
    case 'invalid_format': {
      // Schema messages either describe the format ("an octal mode like …") or state a rule ("must be …").
      const rule = /^must\b/.test(issue.message) ? issue.message : `expected ${issue.message}`;
      return [{ ...at(path), message: `${showValue(value)} is not valid: ${rule}` }];
    }
    case 'invalid_value': {
      const options = issue.values.map((v) => showValue(v));
      const suggestion = typeof value === 'string' ? closest(value, issue.values.map(String)) : undefined;
      return [
        {
          ...at(path),
          message: `${showValue(value)} is not one of ${options.join(', ')}`,
          ...(suggestion === undefined ? {} : { hint: `did you mean '${suggestion}'?` }),
        },
      ];
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = Number(small ? issue.minimum : issue.maximum);
      const message =
        issue.origin === 'array'
          ? `needs ${small ? 'at least' : 'at most'} ${plural(bound, 'item')}`
          : issue.origin === 'string'
            ? `must be ${small ? 'at least' : 'at most'} ${plural(bound, 'character')} long`
            : `${showValue(value)} is ${small ? 'below the minimum' : 'above the maximum'} ${String(bound)}`;
      return [{ ...at(path), message }];
    }
    case 'invalid_key': {
      const inner = issue.issues[0]?.message ?? 'a valid key';
      return [{ ...at(path, 'key'), message: `the key ${showValue(lastKey(path) ?? '')} is not valid: expected ${inner}` }];
    }
    case 'custom':
    case 'invalid_union':
    case 'invalid_element':
    case 'not_multiple_of':
      return [{ ...at(path), message: issue.message }];
  }
}

/** The usual YAML surprises: 0770 and 1.0 are numbers, yes is text, a single item is not a list. */
function typeHint(expected: string, value: unknown, node: unknown, key: string | undefined): { hint?: string } {
  const k = key === undefined ? '' : `${key}: `;
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    const text = isScalar(node) && typeof node.source === 'string' ? node.source : String(value);
    return { hint: `quote it so YAML keeps it as text: ${k}${showValue(text)}` };
  }
  if (expected === 'boolean' && typeof value === 'string') {
    return { hint: `write ${k}true or ${k}false (YAML 1.2 reads yes/no/on/off as text)` };
  }
  if (expected === 'array' && (typeof value === 'string' || typeof value === 'number')) {
    return { hint: `write a list: ${k}[${showValue(value)}]` };
  }
  if (value === null && key !== undefined) return { hint: `give it a value after "${key}:"` };
  return {};
}
