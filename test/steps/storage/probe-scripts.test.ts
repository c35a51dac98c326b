// The probe scripts are real sh: run them here, the way the gather script does, with stand-in tools where this
// machine has no LUKS volume, and read the answers back through the parsers.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Fact, ProbeOutput } from '../../../src/facts/fact.js';
import { buildGatherScript, parseGatherOutput } from '../../../src/facts/gather-script.js';
import { luksCandidateFact } from '../../../steps/storage/candidate-probe.js';
import { fileFact, storageToolsFact } from '../../../steps/storage/facts.js';
import { dataVolumeFact } from '../../../steps/storage/volume-probe.js';
import { sample } from './support.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs facts through the real gather script, with extra directories first on PATH. */
const gather = (facts: Fact<unknown>[], pathPrefix = ''): Map<string, ProbeOutput> => {
  const nonce = '@@keelson-test';
  let script = buildGatherScript(facts.map((f) => ({ id: f.id, probe: f.probe })), nonce);
  if (pathPrefix !== '') script = script.replace(/^(PATH=)/m, `$1${pathPrefix}:`);
  const out = execFileSync('sh', ['-s'], { input: script, encoding: 'utf8' });
  return parseGatherOutput(out, nonce, facts.map((f) => f.id));
};

const answer = <T>(fact: Fact<T>, pathPrefix = ''): T => {
  const o = gather([fact], pathPrefix).get(fact.id);
  if (o === undefined) throw new Error('no answer');
  return fact.parse(o);
};

/** A bin directory of stand-ins: each tool prints a recorded answer. */
const fakeBin = (tools: Record<string, string>): string => {
  const d = mkdtempSync(join(tmpdir(), 'keelson-fake-'));
  dirs.push(d);
  for (const [name, body] of Object.entries(tools)) {
    writeFileSync(join(d, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(d, name), 0o755);
  }
  return d;
};

/** A case arm that prints TEXT (the terminator must stand alone on its line, so ";;" follows on the next). */
const heredoc = (text: string) => `cat <<'KEELSON_EOF'\n${text.replace(/\n$/, '')}\nKEELSON_EOF\n`;

describe('the data-volume probe', () => {
  it('walks mount → crypt → LUKS on the host, dumps the header and tests a bare newline as the passphrase', () => {
    const bin = fakeBin({
      findmnt: `case "$*" in
  *-J*) ${heredoc(sample('trixie-findmnt-home-luks.json'))} ;;
  *SOURCE*) echo /dev/mapper/home ;;
  *MAJ:MIN*) echo 254:1 ;;
esac`,
      lsblk: `case "$*" in
  *-J*) ${heredoc(sample('trixie-lsblk-s-luks-home.json'))} ;;
  *) printf '/dev/mapper/home ext4\\n/dev/vdb crypto_LUKS\\n' ;;
esac`,
      cryptsetup: `case "$*" in
  *--dump-json-metadata*) ${heredoc(sample('trixie-luks2.metadata.json'))} ;;
  luksDump*) ${heredoc(sample('trixie-luks2.dump.txt'))} ;;
  open*) if [ "$(od -An -c | tr -d ' ')" = '\\n' ]; then echo 'No key available with this passphrase.' >&2; exit 2; fi
         echo 'Nothing to read on input.' >&2; exit 1 ;;
esac`,
    });
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
    expect('sh' in f.probe ? f.probe.args : []).toEqual([hostile]);
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
