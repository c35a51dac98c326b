// Quoting a manifest value for an error message: the value may be hostile (newlines, terminal escapes), and an
// error message is printed to a terminal and a log, so every control or invisible-format character is escaped.
import { visibleValue } from '../engine/visible-text.js';

const MAX_SHOWN = 60;

/** `"value"` with escapes, shortened to about 60 characters; a non-text value is described instead. */
export function showValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return describeType(value);
  const short = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
  return `"${visibleValue(short.replace(/[\\"]/g, (c) => `\\${c}`))}"`;
}

/** What a YAML value turned out to be, in the words an operator reading the file would use. */
export function describeType(value: unknown): string {
  if (value === null) return 'nothing (an empty value)';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'number') return `the number ${String(value)}`;
  if (typeof value === 'boolean') return `the boolean ${String(value)}`;
  if (typeof value === 'object') return 'a mapping (key: value pairs)';
  return typeof value;
}
