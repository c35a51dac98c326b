import { describe, expect, it } from 'vitest';
import { formatFieldPath } from '../../src/manifest/field-path.js';
import { showValue } from '../../src/manifest/show-value.js';
import { closest, editDistance } from '../../src/manifest/suggest.js';

describe('closest', () => {
  const keys = ['name', 'image', 'imageArchive', 'user', 'rootReason', 'readOnly', 'requires'];
  it.each([
    ['imageArchve', 'imageArchive'],
    ['image_archive', 'imageArchive'],
    ['ImageArchive', 'imageArchive'],
    ['usr', 'user'],
    ['readonly', 'readOnly'],
    ['require', 'requires'],
    ['nmae', 'name'],
    ['foo', undefined],
    ['completelyDifferent', undefined],
  ])('%s → %s', (input, expected) => {
    expect(closest(input, keys)).toBe(expected);
  });

  it('measures edits', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});

describe('formatFieldPath', () => {
  it.each([
    [['containers', 0, 'publish', 1], 'containers[0].publish[1]'],
    [['containers', 0, 'env', 'DB_HOST'], 'containers[0].env.DB_HOST'],
    [['containers', 0, 'env', 'X-Y'], 'containers[0].env["X-Y"]'],
    [['stack'], 'stack'],
    [[], ''],
  ])('%j → %s', (path, expected) => {
    expect(formatFieldPath(path)).toBe(expected);
  });
});

describe('showValue', () => {
  it('escapes what could break a line or drive a terminal, and shortens long values', () => {
    expect(showValue('a\nb\u001b[2J\u009b\u202e"\\')).toBe('"a\\nb\\u001b[2J\\u009b\\u202e\\"\\\\"');
    expect(showValue('x'.repeat(100))).toBe(`"${'x'.repeat(60)}…"`);
    expect(showValue(7)).toBe('7');
    expect(showValue(null)).toBe('nothing (an empty value)');
  });
});
