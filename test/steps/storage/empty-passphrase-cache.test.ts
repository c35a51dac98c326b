// The remembered empty-passphrase result, through the real volume probe script with stand-in tools: the header's
// digest names the entry, a remembered header is not tested again, and any other header (a key slot added or
// killed) is tested as if nothing were remembered.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyPassphraseCacheActions, emptyPassphraseCachePath } from '../../../steps/storage/empty-passphrase-cache.js';
import { dataVolumeFact, type DataVolume } from '../../../steps/storage/volume-probe.js';
import { answer, dirs, luksHomeBin } from './probe-support.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** A LUKS2 /home whose header backup is the text in HEADER, and whose empty-passphrase test is counted in TESTS. */
const luksHost = () => {
  const state = mkdtempSync(join(tmpdir(), 'keelson-luks-state-'));
  dirs.push(state);
  const cache = join(state, 'cache');
  mkdirSync(cache);
  const bin = luksHomeBin(`  luksHeaderBackup*) [ -e ${state}/no-backup ] && exit 1; [ -e "$3" ] && exit 1; cp ${state}/header "$3" ;;
  open*) echo x >>${state}/tests
         if [ -e ${state}/empty-opens ]; then echo 'Key slot 2 unlocked.' >&2; exit 0; fi
         echo 'No key available with this passphrase.' >&2; exit 2 ;;`);
  const tests = () => (existsSync(join(state, 'tests')) ? readFileSync(join(state, 'tests'), 'utf8').split('\n').length - 1 : 0);
  const setHeader = (text: string) => {
    writeFileSync(join(state, 'header'), text);
  };
  const plan = (): DataVolume => answer(dataVolumeFact('/home', cache), bin);
  /** What apply's state.write would leave: the planned content, at the planned name, in this cache directory. */
  const applyEntries = (v: DataVolume) => {
    for (const a of emptyPassphraseCacheActions(v.luks)) if (a.kind === 'state.write') writeFileSync(join(cache, a.path.split('/').at(-1) ?? ''), a.content);
  };
  return { state, cache, tests, setHeader, plan, applyEntries };
};

describe('the remembered empty-passphrase result', () => {
  it('a header seen for the first time is tested, and apply is asked to remember it by its digest', () => {
    const h = luksHost();
    h.setHeader('header one');
    const v = h.plan();
    expect(h.tests()).toBe(1);
    expect(v.luks[0]).toMatchObject({ emptyPassphrase: { result: 'refused' }, emptyPassphraseCache: { digest: sha('header one'), hit: false } });
    const actions = emptyPassphraseCacheActions(v.luks);
    expect(actions).toMatchObject([{ kind: 'state.write', path: emptyPassphraseCachePath(sha('header one')) }]);
    expect(actions[0]?.kind === 'state.write' && actions[0].content.split('\n')[0]).toBe('refused');
  });

  it('the same header again, remembered: not tested, refused, nothing to write', () => {
    const h = luksHost();
    h.setHeader('header one');
    h.applyEntries(h.plan());
    const v = h.plan();
    expect(h.tests()).toBe(1);
    expect(v.luks[0]).toMatchObject({ emptyPassphrase: { result: 'refused' }, emptyPassphraseCache: { digest: sha('header one'), hit: true } });
    expect(emptyPassphraseCacheActions(v.luks)).toEqual([]);
  });

  it('a changed header (a key slot added that an empty passphrase opens) is tested again and found', () => {
    const h = luksHost();
    h.setHeader('header one');
    h.applyEntries(h.plan());
    h.setHeader('header one, and a new key slot');
    writeFileSync(join(h.state, 'empty-opens'), '');
    const v = h.plan();
    expect(h.tests()).toBe(2);
    expect(v.luks[0]).toMatchObject({ emptyPassphrase: { result: 'opens', slot: 2 }, emptyPassphraseCache: { hit: false } });
    // Never remembered: it is a blocker, fixed by changing the header.
    expect(emptyPassphraseCacheActions(v.luks)).toEqual([]);
  });

  it('an entry that does not say "refused" is no entry', () => {
    const h = luksHost();
    h.setHeader('header one');
    writeFileSync(join(h.cache, sha('header one')), 'opens\n');
    expect(h.plan().luks[0]?.emptyPassphraseCache).toEqual({ digest: sha('header one'), hit: false });
    expect(h.tests()).toBe(1);
  });

  it('no digest (the header could not be backed up): tested as before, nothing remembered', () => {
    const h = luksHost();
    writeFileSync(join(h.state, 'no-backup'), '');
    const v = h.plan();
    expect(h.tests()).toBe(1);
    expect(v.luks[0]).toMatchObject({ emptyPassphrase: { result: 'refused' }, emptyPassphraseCache: null });
    expect(emptyPassphraseCacheActions(v.luks)).toEqual([]);
  });
});
