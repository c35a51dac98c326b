// Issue 12 item 6: text from a manifest, an answers file or a host never drives the operator's terminal.
import { execa } from 'execa';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { visibleText, visibleValue } from '../../src/engine/visible-text.js';
import { seg } from '../../screens/lines/line.js';

vi.setConfig({ testTimeout: 120_000 });
const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');
// ESC, CSI (C1), a carriage return, a bidi override, a zero-width space, the BOM.
const HOSTILE = 'a\u001b[2Jb\u009b31mc\rd\u202ee\u200bf\ufeffg';
// eslint-disable-next-line no-control-regex -- finding raw control characters is the point
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

describe('visibleText: one function for every printer', () => {
  it('keeps the layout (newlines, tabs) and shows every other control or invisible character', () => {
    const out = visibleText(`${HOSTILE}\n\tnext`);
    expect(out).not.toMatch(RAW);
    expect(out).toBe('a\\u001b[2Jb\\u009b31mc\\rd\\u202ee\\u200bf\\ufeffg\n\tnext');
    expect(visibleValue('a\nb')).toBe('a\\nb');
  });

  it('every wizard line segment goes through it', () => {
    expect(seg(HOSTILE).text).not.toMatch(RAW);
  });

  it('the CLI prints an answers file\'s hostile key with its escapes visible (ESC[2J does not clear the screen)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keelson-term-'));
    const answers = join(dir, 'a.yaml');
    writeFileSync(answers, 'stack: demo\nanswers:\n  "x\\e[2J\\u202e": hi\n');
    const r = await execa('npx', ['tsx', MAIN, 'plan', '--stack', 'demo', '--answers', answers], { reject: false, stdin: 'ignore' });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toContain('x\\u001b[2J\\u202e');
    expect(r.stderr).not.toMatch(RAW);
  });
});
