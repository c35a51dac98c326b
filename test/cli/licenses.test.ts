// `keelson licenses` from a git checkout, as a process: read-only, exit 0, keelson's own line and the note that the
// third-party list is in the built forms (the installed package's output: package-install.test.ts).
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEELSON_LICENSE, KEELSON_VERSION } from '../../src/engine/version.js';

const BIN = join(import.meta.dirname, '../../src/cli/bin.mjs');

describe('keelson licenses in a checkout', () => {
  it('exits 0 with its own licence line and where the built forms keep the third-party licences', async () => {
    const r = await execa('node', [BIN, 'licenses'], { stdin: 'ignore', reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toBe(`keelson ${KEELSON_VERSION} is licensed under ${KEELSON_LICENSE} (the full text: LICENSE in its package and its source, and https://spdx.org/licenses/${KEELSON_LICENSE}.html).`);
    expect(r.stdout).toContain('dist/THIRD-PARTY-LICENSES');
  }, 120_000);
});
