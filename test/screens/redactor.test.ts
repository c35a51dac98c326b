// Secrets typed in the wizard never reach its log file.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/cli/wizard-redactor.js';
import { openWizardLog } from '../../src/cli/wizard-log.js';

describe('createRedactor', () => {
  it.each([
    ['a value as typed', { token: 'hunter2-xyz' }, 'login with hunter2-xyz ok', 'login with <secret:token> ok'],
    ['every occurrence', { token: 'abc123' }, 'abc123 abc123', '<secret:token> <secret:token>'],
    ['the JSON-escaped form', { pw: 'a"b\\c' }, JSON.stringify({ pw: 'a"b\\c' }), '{"pw":"<secret:pw>"}'],
    ['the longer of two overlapping secrets first', { short: 'pass', long: 'password1' }, 'password1 pass', '<secret:long> <secret:short>'],
    ['nothing for an empty value', { empty: '' }, 'nothing here', 'nothing here'],
  ])('redacts %s', (_what, secrets, text, expected) => {
    const r = createRedactor();
    r.remember(secrets);
    expect(r.redact(text)).toBe(expected);
  });

  it('keeps redacting secrets remembered earlier when new ones arrive', () => {
    const r = createRedactor();
    r.remember({ a: 'first-secret' });
    r.remember({ b: 'second-secret' });
    expect(r.redact('first-secret second-secret')).toBe('<secret:a> <secret:b>');
  });
});

describe('openWizardLog', () => {
  it('writes timestamped, redacted lines to a 0600 file in a 0700 directory', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'keelson-log-')), 'logs');
    const r = createRedactor();
    const log = openWizardLog(dir, r, () => new Date('2025-01-02T03:04:05Z'), 42);
    r.remember({ 'admin-token': 's3cr3t-value' });
    log.write('apply [1/1] echo s3cr3t-value\nsecond line');
    log.close();
    expect(log.path).toBe(join(dir, 'wizard-20250102T030405-42.log'));
    expect(readFileSync(log.path, 'utf8')).toBe('2025-01-02T03:04:05.000Z apply [1/1] echo <secret:admin-token>\n2025-01-02T03:04:05.000Z second line\n');
    expect(statSync(log.path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });
});
