// Evidence from the real generator, kept as files: Quadlet 5.4.2's dry-run over the hostile .container keelson
// writes (test/golden/quadlet-real/). The model in systemd-split.ts must read Quadlet's actual ExecStart= back to
// the original values, and keelson must still write exactly the file that was recorded.
// To re-record after a quoting change, run the generator on the test host:
//   QUADLET_UNIT_DIRS=DIR /usr/libexec/podman/quadlet -dryrun   (DIR holding hostile.container)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './fixtures.js';
import { hostileContainer, hostileEnv, hostileHealth, hostileWords } from './hostile.js';
import { expandDollars, expandSpecifiers, splitWords } from './systemd-split.js';

const dir = `${repoRoot}test/golden/quadlet-real`;

describe('the real Quadlet generator (recorded)', () => {
  it('keelson still writes the recorded input', () => {
    expect(hostileContainer()).toBe(readFileSync(`${dir}/hostile.container`, 'utf8'));
  });

  it('every hostile value reaches podman run unchanged through Quadlet\'s ExecStart=', () => {
    const service = readFileSync(`${dir}/hostile.service`, 'utf8');
    const line = service.split('\n').find((l) => l.startsWith('ExecStart='))?.slice('ExecStart='.length) ?? '';
    // Quadlet's own specifiers (the cid file) are systemd's to expand; only keelson's values must stay literal.
    const words = splitWords(expandSpecifiers(line.replaceAll('%t/%N.cid', 'CIDFILE'))).map(expandDollars);
    const image = words.indexOf('localhost/x:1');
    expect(image).toBeGreaterThan(0);
    expect(words.slice(image + 1)).toEqual(hostileWords);
    expect(words[words.indexOf('--env') + 1]).toBe(hostileEnv);
    expect(JSON.parse(words[words.indexOf('--health-cmd') + 1] ?? '')).toEqual(hostileHealth);
  });
});
