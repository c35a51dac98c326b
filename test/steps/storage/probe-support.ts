// Runs probe scripts for real with sh, the way the gather script does, with stand-in tools first on PATH.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { Fact, ProbeOutput } from '../../../src/facts/fact.js';
import { parseGatherOutput } from '../../../src/facts/gather-frames.js';
import { buildGatherScript } from '../../../src/facts/gather-script.js';
import { sample } from './support.js';

export const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs facts through the real gather script, with extra directories first on PATH. */
export const gather = (facts: Fact<unknown>[], pathPrefix = ''): Map<string, ProbeOutput> => {
  const nonce = '@@keelson-test';
  let script = buildGatherScript(facts.map((f) => ({ id: f.id, probe: f.probe })), nonce);
  if (pathPrefix !== '') script = script.replace(/^(PATH=)/m, `$1${pathPrefix}:`);
  const out = execFileSync('sh', ['-s'], { input: script, encoding: 'utf8' });
  return parseGatherOutput(out, nonce, facts.map((f) => f.id));
};

export const answer = <T>(fact: Fact<T>, pathPrefix = ''): T => {
  const o = gather([fact], pathPrefix).get(fact.id);
  if (o === undefined) throw new Error('no answer');
  return fact.parse(o);
};

/** A bin directory of stand-ins: each tool prints a recorded answer. */
export const fakeBin = (tools: Record<string, string>): string => {
  const d = mkdtempSync(join(tmpdir(), 'keelson-fake-'));
  dirs.push(d);
  for (const [name, body] of Object.entries(tools)) {
    writeFileSync(join(d, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(d, name), 0o755);
  }
  return d;
};

/** A case arm that prints TEXT (the terminator must stand alone on its line, so ";;" follows on the next). */
export const heredoc = (text: string) => `cat <<'KEELSON_EOF'\n${text.replace(/\n$/, '')}\nKEELSON_EOF\n`;


/**
 * Stand-ins for a trixie host whose /home is LUKS2 on /dev/vdb: findmnt and lsblk, and cryptsetup's two dumps; the
 * arms given (e.g. "open*) …") come first in cryptsetup's case.
 */
export const luksHomeBin = (cryptsetupArms: string): string =>
  fakeBin({
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
${cryptsetupArms}
  *--dump-json-metadata*) ${heredoc(sample('trixie-luks2.metadata.json'))} ;;
  luksDump*) ${heredoc(sample('trixie-luks2.dump.txt'))} ;;
esac`,
  });
