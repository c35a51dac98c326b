// The probe scripts are real sh: run them here, the way the gather script does, with stand-in tools where this
// machine has no LUKS volume, and read the answers back through the parsers.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { luksCandidateFact } from '../../../steps/storage/candidate-probe.js';
import { fileFact, storageToolsFact } from '../../../steps/storage/facts.js';
import { dataVolumeFact } from '../../../steps/storage/volume-probe.js';
import { EMPTY_PASSPHRASE_CACHE_DIR } from '../../../steps/storage/empty-passphrase-cache.js';
import { answer, dirs, luksHomeBin } from './probe-support.js';

describe('the data-volume probe', () => {
  it('walks mount → crypt → LUKS on the host, dumps the header and tests a bare newline as the passphrase', () => {
    const bin = luksHomeBin(`  open*) if [ "$(od -An -c | tr -d ' ')" = '\\n' ]; then echo 'No key available with this passphrase.' >&2; exit 2; fi
         echo 'Nothing to read on input.' >&2; exit 1 ;;`);
    const v = answer(dataVolumeFact('/home'), bin);
    expect(v.mount?.target).toBe('/home');
    expect(v.devices?.[0]?.name).toBe('home');
    expect(v.luks).toHaveLength(1);
    expect(v.luks[0]?.header?.keyslots).toEqual([{ id: 0, kdf: 'argon2id', bound: true }]);
    // The stand-in refuses only a lone newline on stdin: anything else (nothing, /dev/null) would be "untested".
    expect(v.luks[0]?.emptyPassphrase).toEqual({ result: 'refused' });
  });

  it('on this machine: a path that does not exist is asked about through its nearest parent', () => {
    const v = answer(dataVolumeFact('/nonexistent-keelson-test/home'));
    expect(v.probedPath).toBe('/');
    expect(v.mount?.target).toBe('/');
    expect(v.luks).toEqual([]);
  });

  it('takes the mount path as an argument, never as script text', () => {
    const hostile = '/tmp/$(touch /tmp/keelson-pwned)';
    const f = dataVolumeFact(hostile);
    expect('sh' in f.probe && f.probe.sh.includes(hostile)).toBe(false);
    expect('sh' in f.probe ? f.probe.args : []).toEqual([hostile, EMPTY_PASSPHRASE_CACHE_DIR]);
  });
});

describe('the other probes, on this machine', () => {
  it('reads a file, or says it is absent', () => {
    const d = mkdtempSync(join(tmpdir(), 'keelson-file-'));
    dirs.push(d);
    writeFileSync(join(d, 'crypttab'), 'home UUID=x none luks\n');
    expect(answer(fileFact(join(d, 'crypttab')))).toEqual({ kind: 'present', content: 'home UUID=x none luks\n' });
    expect(answer(fileFact(join(d, 'missing')))).toEqual({ kind: 'absent' });
  });

  it('examines a candidate device that does not exist without failing', () => {
    const c = answer(luksCandidateFact('/dev/keelson-no-such-disk', 'home', '/etc/cryptsetup-keys.d/home.key'));
    expect(c.resolved).toBeNull();
    expect(c.node).toBeNull();
  });

  it('reports the tools as key=value lines', () => {
    const t = answer(storageToolsFact);
    expect(typeof t.auditd).toBe('boolean');
    expect(t.auditdActive).not.toBe('');
  });
});
