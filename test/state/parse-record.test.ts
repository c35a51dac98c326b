// Reading the record: format 2 as written, format 1 (as the test VM recorded it) migrated forward, a newer format
// refused with what to do, anything else corrupt with the file named. Never a throw.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRecord, stackRecordOf } from '../../src/state/parse-record.js';
import { RECORD_PATH } from '../../src/state/record-schema.js';

const recorded = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'hosts', 'legacy', 'demo-installed-keelson-state-1.json'), 'utf8')) as { facts: Record<string, { stdout: string }> };
const v1 = recorded.facts[`file:${RECORD_PATH}`]?.stdout ?? '';

describe('parseRecord', () => {
  it('a keelson-state/1 record from the test VM is migrated: everything kept, no manifest or answers, empty history, not failed', () => {
    expect(JSON.parse(v1)).toMatchObject({ format: 'keelson-state/1' });
    const r = parseRecord(v1);
    expect(r).toMatchObject({ kind: 'present', migratedFrom: 'keelson-state/1', record: { format: 'keelson-state/2' } });
    const demo = stackRecordOf(r, 'demo');
    expect(demo).toMatchObject({ stack: 'demo', version: '1.0.0', mode: 'rootless', owner: 'keelson-demo', manifest: null, manifestDigest: null, answers: null, history: [], failed: null });
    expect(demo?.files.length).toBe(8);
    expect(stackRecordOf(r, 'other')).toBeNull();
  });

  it('a newer format is refused with what to do, and names the file', () => {
    const r = parseRecord('{"format":"keelson-state/3","stacks":{}}', '/var/lib/keelson/state.json');
    expect(r).toEqual({
      kind: 'newer',
      format: 'keelson-state/3',
      why: '/var/lib/keelson/state.json was written by a newer keelson (format keelson-state/3; this keelson reads up to keelson-state/2): use that keelson version or newer, nothing was changed',
    });
  });

  it.each([
    ['{oops', /^\/x\/state\.json is not JSON/],
    ['{"format":"other/1","stacks":{}}', /^\/x\/state\.json is not a valid keelson-state\/2 record at format:/],
    ['{"format":"keelson-state/2","stacks":{"demo":{"stack":"demo"}}}', /^\/x\/state\.json is not a valid keelson-state\/2 record at stacks\.demo\.version:/],
    ['{"format":"keelson-state/1","stacks":{"demo":1}}', /^\/x\/state\.json is not a valid keelson-state\/1 record/],
  ])('%j is corrupt, and the message names the file and what to do', (text, why) => {
    const r = parseRecord(text, '/x/state.json');
    expect(r.kind).toBe('unreadable');
    expect(r.kind === 'unreadable' ? r.why : '').toMatch(why);
    expect(r.kind === 'unreadable' ? r.why : '').toMatch(/restore it from|move it aside/);
  });

  it('absent is absent', () => {
    expect(parseRecord(null)).toEqual({ kind: 'absent' });
  });
});
