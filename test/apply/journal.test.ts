// The journal's append script, run by the real sh: the directory made when it is missing, lines kept as given.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JOURNAL_APPEND_SH, parseJournal } from '../../src/apply/journal.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('journal append', () => {
  it('makes the missing directory (0700), then appends to the file it made, lines as given', () => {
    const root = mkdtempSync(join(tmpdir(), 'keelson-journal-'));
    dirs.push(root);
    const dir = join(root, 'var', 'journal');
    const file = join(dir, 'run.jsonl');
    const append = (...lines: string[]) => execFileSync('sh', ['-c', JOURNAL_APPEND_SH, 'keelson-journal', dir, file, ...lines]);
    append('{"event":"begin","description":"it\'s $(reboot)"}');
    append('{"event":"done"}', 'torn');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe('{"event":"begin","description":"it\'s $(reboot)"}\n{"event":"done"}\ntorn\n');
    expect(parseJournal(readFileSync(file, 'utf8')).map((e) => e.event)).toEqual(['begin', 'done']);
  });
});
