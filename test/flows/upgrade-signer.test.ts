// The signer at upgrade, as data: the record keeps who signed the installed version; an upgrade from an archive signed
// by another key is refused (both key IDs named) unless --allow-new-signer; a signed install followed by a manifest
// file needs --allow-unsigned; an unsigned install that now comes signed is a notice. The summary (text and --json)
// says which, and the record the upgrade writes keeps the new signer while its rollback puts the old one back.
import { describe, expect, it } from 'vitest';
import { upgradeJson } from '../../src/cli/commands/upgrade.js';
import { planActions, type Plan, type PlanArchive } from '../../src/engine/plan.js';
import { upgradeAnswers } from '../../src/flows/upgrade/answers.js';
import { prepareUpgrade } from '../../src/flows/upgrade/prepare.js';
import { admitUpgrade, type AdmitOptions } from '../../src/flows/upgrade/refusals.js';
import { gateSigner, signerChange } from '../../src/flows/upgrade/signer-change.js';
import { upgradeSummaryText } from '../../src/flows/upgrade/summary-text.js';
import { parseRecord, stackRecordOf } from '../../src/state/parse-record.js';
import { loadStack } from '../steps/quadlet/fixtures.js';
import { deployedHost, planOn } from './deployed-host.js';

const v100 = loadStack('demo');
const v110 = loadStack('demo-1.1.0');
const INSTALLED = { greeting: 'Hello from keelson' };
const K1 = '3F1A6C0E5D2B9A47';
const K2 = 'B70C2E91D4F3A658';
const comment = (v: string) => `keelson-archive/1 stack:demo version:${v} built:2026-12-01T10:00:00Z`;
const signedBy = (key: string, v: string): PlanArchive => ({ file: `/tmp/demo-${v}.keelson`, sumsSha256: (v === '1.0.0' ? 'a' : 'b').repeat(64), signedBy: key, trustedComment: comment(v) });
const unsigned = (v: string): PlanArchive => ({ file: `/tmp/demo-${v}.keelson`, sumsSha256: 'c'.repeat(64), signedBy: null, trustedComment: null });

const admit = (from: PlanArchive | undefined, to: PlanArchive | undefined, o: AdmitOptions = {}): string => {
  const r = admitUpgrade(parseRecord(deployedHost(v100, INSTALLED, from).recordText), v110, { ...o, ...(to === undefined ? {} : { archive: to }) });
  return r.ok ? 'admitted' : `${r.refusal.code}: ${r.refusal.message} → ${r.refusal.remedy}`;
};

describe('admitUpgrade: the signer of the installed version against the new one', () => {
  const NEW_KEY = `signer-changed: demo 1.0.0 was installed from a stack archive signed by key ${K1}; this archive of 1.1.0 is signed by key ${K2}, another key. → Nothing was changed. If the vendor moved to a new key, confirm key ${K2} with them by a channel other than this archive (keelson verify FILE --trust KEY prints a key's ID), then run keelson upgrade again with --allow-new-signer: the record then keeps the new key. Otherwise do not install this archive.`;
  const DROPPED = `signer-dropped: demo 1.0.0 was installed from a stack archive signed by key ${K1}; a manifest file (demo 1.1.0) is signed by nobody. → Nothing was changed. Use the vendor's signed archive (--stack FILE.keelson --trust KEY), or run keelson upgrade again with --allow-unsigned if you mean to leave signed archives behind (the record then keeps no signer).`;

  it.each<[string, PlanArchive | undefined, PlanArchive | undefined, AdmitOptions, string]>([
    ['the same key', signedBy(K1, '1.0.0'), signedBy(K1, '1.1.0'), {}, 'admitted'],
    ['another key', signedBy(K1, '1.0.0'), signedBy(K2, '1.1.0'), {}, NEW_KEY],
    ['another key with --allow-new-signer', signedBy(K1, '1.0.0'), signedBy(K2, '1.1.0'), { allowNewSigner: true }, 'admitted'],
    ['another key, older too: the signer is refused first', signedBy(K1, '1.0.0'), { ...signedBy(K2, '1.1.0'), trustedComment: comment('0.9.0') }, {}, NEW_KEY],
    ['--allow-new-signer does not allow a downgrade', signedBy(K1, '1.0.0'), { ...signedBy(K2, '1.1.0'), trustedComment: comment('0.9.0') }, { allowNewSigner: true }, expect.stringMatching(/^downgrade: /)],
    ['signed, then a manifest file', signedBy(K1, '1.0.0'), undefined, {}, DROPPED],
    ['signed, then a manifest file with --allow-unsigned', signedBy(K1, '1.0.0'), undefined, { allowUnsigned: true }, 'admitted'],
    ['signed, then an archive under --allow-unsigned (the flag was needed to read it)', signedBy(K1, '1.0.0'), unsigned('1.1.0'), {}, 'admitted'],
    ['a manifest file, then a signed archive', undefined, signedBy(K2, '1.1.0'), {}, 'admitted'],
    ['an unsigned archive, then a signed one', unsigned('1.0.0'), signedBy(K2, '1.1.0'), {}, 'admitted'],
    ['manifest files both times', undefined, undefined, {}, 'admitted'],
  ])('%s', (_name, from, to, o, want) => {
    expect(admit(from, to, o)).toEqual(want);
  });

  it('a record written before key IDs lost their leading zeros names the same key', () => {
    expect(signerChange({ sumsSha256: 'a'.repeat(64), signedBy: '0A1B2C3D4E5F6071', trustedComment: null }, { signedBy: 'A1B2C3D4E5F6071' }).kind).toBe('same-key');
    expect(admit(signedBy('0A1B2C3D4E5F6071', '1.0.0'), signedBy('A1B2C3D4E5F6071', '1.1.0'))).toBe('admitted');
  });
});

/** The prepared upgrade 1.0.0 (from `from`) → 1.1.0 (from `to`), as upgrade --check would print it. */
const prepared = (from: PlanArchive | undefined, to: PlanArchive | undefined) => {
  const host = deployedHost(v100, INSTALLED, from);
  const answers = upgradeAnswers(v110, host.previous.answers, {});
  if (!answers.ok) throw new Error(JSON.stringify(answers.problems));
  return prepareUpgrade({ previous: host.previous, recordText: host.recordText, runId: 'r-up', manifest: v110, answers: answers.value, plan: planOn(host, v110, answers.value.answers, to) });
};

const recordWritten = (plan: Plan) => {
  const writes = planActions(plan).filter((a) => a.kind === 'state.write' && a.path === '/var/lib/keelson/state.json');
  const last = writes.at(-1);
  return last?.kind === 'state.write' ? stackRecordOf(parseRecord(last.content), 'demo')?.archive : 'no record write';
};

describe('the upgrade summary names the signer, and the record keeps the new one', () => {
  it.each<[string, PlanArchive | undefined, PlanArchive | undefined, string | null]>([
    ['the same key', signedBy(K1, '1.0.0'), signedBy(K1, '1.1.0'), `  signer: signed by key ${K1}, the key that signed the installed version`],
    ['a new key (admitted with --allow-new-signer)', signedBy(K1, '1.0.0'), signedBy(K2, '1.1.0'),
      `  signer: signed by key ${K2}, a NEW SIGNER: the installed version was signed by key ${K1} (accepted with --allow-new-signer); the record keeps ${K2} from now on`],
    ['now signed', undefined, signedBy(K2, '1.1.0'), `  signer: signed by key ${K2}; the installed version was not signed (a manifest file): the record keeps ${K2}, and later upgrades are held to it`],
    ['no longer signed: a manifest file', signedBy(K1, '1.0.0'), undefined, `  signer: NOT SIGNED (a manifest file): the installed version was signed by key ${K1} (accepted with --allow-unsigned)`],
    ['no longer signed: --allow-unsigned', signedBy(K1, '1.0.0'), unsigned('1.1.0'),
      `  signer: NOT SIGNED (a stack archive whose signature was not checked (--allow-unsigned)): the installed version was signed by key ${K1} (accepted with --allow-unsigned)`],
    ['unsigned both times', unsigned('1.0.0'), undefined, '  signer: not signed (a manifest file), nor was the installed version (a stack archive whose signature was not checked (--allow-unsigned))'],
    ['manifest files both times: no line', undefined, undefined, null],
  ])('%s', (_name, from, to, line) => {
    const p = prepared(from, to);
    const text = upgradeSummaryText(p.summary, p.answers).split('\n');
    expect(text[0]).toBe('Upgrade demo 1.0.0 → 1.1.0');
    expect(text[1]).toBe(line ?? '  answers: kept greeting; new motto; dropped none');
    const json = upgradeJson(p);
    expect(json.signer).toEqual(p.summary.signer);
    expect(json.signer.from.signedBy).toBe(from?.signedBy ?? null);
    expect(json.signer.to.signedBy).toBe(to?.signedBy ?? null);
    // The record the upgrade writes: the new version's archive (or none); its rollback puts the installed one back.
    expect(recordWritten(p.plan)).toEqual(to === undefined ? undefined : { sumsSha256: to.sumsSha256, signedBy: to.signedBy, trustedComment: to.trustedComment });
    expect(recordWritten(p.rollback)).toEqual(from === undefined ? undefined : { sumsSha256: from.sumsSha256, signedBy: from.signedBy, trustedComment: from.trustedComment });
  });

  it('--json says what changed in words a script can test', () => {
    expect(upgradeJson(prepared(signedBy(K1, '1.0.0'), signedBy(K2, '1.1.0'))).signer).toMatchObject({ kind: 'new-key', from: { source: 'archive', signedBy: K1 }, to: { source: 'archive', signedBy: K2 } });
    expect(upgradeJson(prepared(undefined, undefined)).signer).toEqual({ kind: 'none', from: { source: 'manifest', signedBy: null }, to: { source: 'manifest', signedBy: null }, text: null });
  });
});

describe('apply meets the same rule (a converging apply, or a new version applied instead of upgraded)', () => {
  const installed = deployedHost(v100, INSTALLED, signedBy(K1, '1.0.0')).recordText;
  const plan = (archive: PlanArchive | undefined) => ({ stack: { name: 'demo', version: '1.1.0', mode: 'rootless' as const }, ...(archive === undefined ? {} : { archive }) });
  const gate = (archive: PlanArchive | undefined, o = {}) => gateSigner(installed, plan(archive), o)?.code ?? 'admitted';

  it.each<[string, PlanArchive | undefined, object, string]>([
    ['the same key', signedBy(K1, '1.1.0'), {}, 'admitted'],
    ['another key', signedBy(K2, '1.1.0'), {}, 'signer-changed'],
    ['another key with --allow-new-signer', signedBy(K2, '1.1.0'), { allowNewSigner: true }, 'admitted'],
    ['a manifest file', undefined, {}, 'signer-dropped'],
    ['a manifest file with --allow-unsigned', undefined, { allowUnsigned: true }, 'admitted'],
  ])('%s', (_name, archive, o, want) => {
    expect(gate(archive, o)).toBe(want);
  });

  it('names keelson apply in what to do; a stack the record does not name (a first install) is not gated', () => {
    expect(gateSigner(installed, plan(signedBy(K2, '1.1.0')), {})?.remedy).toContain('then run keelson apply again with --allow-new-signer');
    expect(gateSigner(null, plan(signedBy(K2, '1.1.0')), {})).toBeNull();
    expect(gateSigner(installed, { ...plan(signedBy(K2, '1.1.0')), stack: { name: 'other', version: '1.0.0', mode: 'rootless' } }, {})).toBeNull();
  });
});
