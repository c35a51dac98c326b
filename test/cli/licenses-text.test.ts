// What `keelson licenses` prints in each form of keelson, from a licence file given here (as a build would write
// one: a package's heading, its licence text), and that keelson's own licence is the one package.json declares.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEELSON_LICENSE } from '../../src/engine/version.js';
import { licensesText } from '../../src/cli/licenses-text.js';

const FILE = [
  'keelson bundles the following packages into the programs it ships.',
  '',
  'left-pad 1.3.0 (WTFPL)',
  '----------------------',
  '',
  'DO WHAT THE FUCK YOU WANT TO PUBLIC LICENSE',
  '',
].join('\n');
const OWN = 'keelson 9.9.9 is licensed under MIT-0 (the full text: LICENSE in its package and its source, and https://spdx.org/licenses/MIT-0.html).\n';

describe('keelson licenses', () => {
  it("prints keelson's licence line, then the package's licence file as it is", () => {
    expect(licensesText('9.9.9', 'MIT-0', { form: 'package', file: '/p/dist/THIRD-PARTY-LICENSES', text: FILE })).toEqual({ stdout: `${OWN}\n${FILE}` });
  });

  it("prints the single executable's asset the same way, ending in a newline even when the asset does not", () => {
    expect(licensesText('9.9.9', 'MIT-0', { form: 'single-executable', text: FILE.trimEnd() })).toEqual({ stdout: `${OWN}\n${FILE.trimEnd()}\n` });
  });

  it('says, in a checkout, that the list exists only in the built forms and where each keeps it', () => {
    const out = licensesText('9.9.9', 'MIT-0', { form: 'checkout' });
    expect(out.problem).toBeUndefined();
    expect(out.stdout.startsWith(`${OWN}\n`)).toBe(true);
    expect(out.stdout).toContain('git checkout, which bundles no package');
    expect(out.stdout).toContain('`npm run build` writes\ndist/THIRD-PARTY-LICENSES');
    expect(out.stdout).toContain('keelson-linux-x64 (npm run build:sea) holds it inside');
  });

  it('names the missing file of a built form and what to do, keeping its own line', () => {
    const pkg = licensesText('9.9.9', 'MIT-0', { form: 'package', file: '/p/dist/THIRD-PARTY-LICENSES', text: null });
    expect(pkg.stdout).toBe(OWN);
    expect(pkg.problem).toMatch(/\/p\/dist\/THIRD-PARTY-LICENSES\) are missing from this install: reinstall keelson/);
    const sea = licensesText('9.9.9', 'MIT-0', { form: 'single-executable', text: null });
    expect(sea.problem).toMatch(/asset THIRD-PARTY-LICENSES\): rebuild it with npm run build:sea/);
  });

  it('names the licence package.json declares for keelson', async () => {
    const pkg = JSON.parse(await readFile(join(import.meta.dirname, '../../package.json'), 'utf8')) as { license: string };
    expect(KEELSON_LICENSE).toBe(pkg.license);
  });
});
