import { describe, expect, it } from 'vitest';
import { QuoteError } from '../../../steps/quadlet/systemd-quote.js';
import { renderUnit } from '../../../steps/quadlet/unit-file.js';
import { bodyOf, headerState, readHeader, withHeader } from '../../../steps/quadlet/unit-header.js';

describe('renderUnit', () => {
  it('writes sections in order, one blank line apart, and leaves empty sections out', () => {
    expect(
      renderUnit([
        { name: 'Unit', entries: [['Description', 'x'], ['After', 'a.service']] },
        { name: 'Install', entries: [] },
        { name: 'Service', entries: [['Restart', 'on-failure']] },
      ]),
    ).toBe('[Unit]\nDescription=x\nAfter=a.service\n\n[Service]\nRestart=on-failure\n');
  });

  const bad: [string, string, string, RegExp][] = [
    ['a newline in a value', 'Description', 'a\nb', /newline/],
    ['a trailing backslash (line continuation)', 'Exec', 'a \\', /line continuation/],
    ['leading blanks systemd would drop', 'Description', ' x', /blanks/],
    ['trailing blanks systemd would drop', 'Description', 'x ', /blanks/],
    ['a key with "="', 'A=B', 'x', /not a unit file key/],
    ['an empty key', '', 'x', /not a unit file key/],
  ];
  it.each(bad)('refuses %s', (_name, key, value, message) => {
    expect(() => renderUnit([{ name: 'Unit', entries: [[key, value]] }])).toThrow(QuoteError);
    expect(() => renderUnit([{ name: 'Unit', entries: [[key, value]] }])).toThrow(message);
  });

  it('refuses a section name with a bracket', () => {
    expect(() => renderUnit([{ name: 'Unit]', entries: [['A', 'b']] }])).toThrow(/section name/);
  });
});

describe('the managed-file header', () => {
  const body = '[Unit]\nDescription=x\n';
  const file = withHeader('demo', body);

  it('names the stack, not the version (a version bump alone changes no file), and hashes the rest', () => {
    expect(file.split('\n')[0]).toMatch(/^# Managed by keelson — stack demo — sha256:[0-9a-f]{64}$/);
    expect(readHeader(file)).toEqual({ stack: 'demo', hash: file.split('sha256:')[1]?.slice(0, 64) });
    // Written by an earlier keelson, with the version in it: still ours, still checked.
    const old = file.replace('stack demo —', 'stack demo 1.0.0 —');
    expect([readHeader(old)?.stack, headerState(old), headerState(`${old}X=1\n`)]).toEqual(['demo', 'managed-unchanged', 'managed-edited']);
    expect(bodyOf(file)).toBe(body);
  });

  const table: [string, string, string][] = [
    ['untouched', file, 'managed-unchanged'],
    ['a line added by hand', `${file}Environment=X=1\n`, 'managed-edited'],
    ['a value changed by hand', file.replace('Description=x', 'Description=y'), 'managed-edited'],
    ['the hash itself edited', file.replace(/sha256:[0-9a-f]/, 'sha256:z'), 'foreign'],
    ['no header at all', body, 'foreign'],
    ['an empty file', '', 'foreign'],
    ['somebody else\'s comment', `# my unit\n${body}`, 'foreign'],
  ];
  it.each(table)('%s → %s', (_name, content, state) => {
    expect(headerState(content)).toBe(state);
  });
});
