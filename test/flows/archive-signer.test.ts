// Who signed what was installed, as data: the record written for a stack from an archive keeps the key id and the
// trusted comment (signedBy null: --allow-unsigned); status and doctor say so; an upgrade from an archive whose signed
// version is older than the installed one is refused unless --allow-downgrade. Pure: manifests and facts in, text out.
import { describe, expect, it } from 'vitest';
import { statusText } from '../../src/cli/status-text.js';
import type { PlanArchive } from '../../src/engine/plan.js';
import { recordCheck } from '../../src/flows/doctor/checks-record.js';
import type { DoctorFacts } from '../../src/flows/doctor/doctor-facts.js';
import { readRecord } from '../../src/flows/doctor/record-view.js';
import { admitUpgrade } from '../../src/flows/upgrade/refusals.js';
import { parseRecord, stackRecordOf } from '../../src/state/parse-record.js';
import { planQuadlet } from '../../steps/quadlet/plan.js';
import { loadStack, resolved } from '../steps/quadlet/fixtures.js';
import { deployedHost } from './deployed-host.js';

const v100 = loadStack('demo');
const answers = { greeting: 'Hello' };
const SUMS = 'a'.repeat(64);
const signed: PlanArchive = { file: '/tmp/demo.keelson', sumsSha256: SUMS, signedBy: '3F1A6C0E5D2B9A47', trustedComment: 'keelson-archive/1 stack:demo version:1.0.0 built:2026-12-01T10:00:00Z' };
const unsigned: PlanArchive = { file: '/tmp/demo.keelson', sumsSha256: SUMS, signedBy: null, trustedComment: null };

/** The record text the Quadlet step would write on the installed demo host when the same manifest came from `archive`. */
const recordFrom = (archive: PlanArchive | undefined): string | null => {
  const host = deployedHost(v100, answers);
  const write = planQuadlet(host.facts, { manifest: v100, answers, resolved, ...(archive === undefined ? {} : { archive }) }).find((a) => a.kind === 'state.write');
  return write?.kind === 'state.write' ? write.content : null;
};

describe('the record keeps the signer', () => {
  it('an archive install records key id, trusted comment and the checksum list digest, never the workstation path', () => {
    const text = recordFrom(signed);
    expect(text).not.toBeNull();
    expect(stackRecordOf(parseRecord(text), 'demo')?.archive).toEqual({ sumsSha256: SUMS, signedBy: '3F1A6C0E5D2B9A47', trustedComment: signed.trustedComment });
    expect(text).not.toContain('/tmp/demo.keelson');
    expect(stackRecordOf(parseRecord(recordFrom(unsigned)), 'demo')?.archive).toEqual({ sumsSha256: SUMS, signedBy: null, trustedComment: null });
  });

  it('a manifest-file install writes no archive key: an unchanged host plans no record write; the same archive again converges', () => {
    expect(recordFrom(undefined)).toBeNull();
    const host = deployedHost(v100, answers);
    const text = recordFrom(signed) ?? '';
    const again = planQuadlet({ ...host.facts, state: { kind: 'present', content: text } }, { manifest: v100, answers, resolved, archive: signed });
    expect(again.filter((a) => a.kind === 'state.write')).toEqual([]);
  });

  it.each<[string, PlanArchive, string]>([
    ['signed', signed, `installed from a stack archive signed by key 3F1A6C0E5D2B9A47 (${signed.trustedComment})`],
    ['unsigned', unsigned, 'installed from a stack archive UNSIGNED (--allow-unsigned): its signature was not checked'],
  ])('status and doctor name it (%s)', (_name, archive, phrase) => {
    const text = recordFrom(archive) ?? '';
    expect(statusText('vm', text, null)).toContain(`\n    ${phrase}\n`);
    const check = recordCheck({ record: { kind: 'present', content: text } } as unknown as DoctorFacts, readRecord(text));
    expect(check.summary).toBe(`/var/lib/keelson/state.json: demo 1.0.0 (rootless), ${phrase}`);
  });
});

describe('upgrade --stack FILE.keelson: the signed version against the installed one', () => {
  const installed = parseRecord(deployedHost({ ...v100, version: '1.1.0' }, answers).recordText);
  const refusal = (archive: PlanArchive | undefined, allowDowngrade = false): string => {
    const r = admitUpgrade(installed, v100, { allowDowngrade, ...(archive === undefined ? {} : { archive }) });
    return r.ok ? 'admitted' : `${r.refusal.code}: ${r.refusal.message} → ${r.refusal.remedy}`;
  };
  const REMEDY = 'Pass --allow-downgrade if you mean it (data written by the newer version may not be readable by the older one).';

  it.each<[string, PlanArchive | undefined, boolean, string]>([
    ['an older signed archive', signed, false, `downgrade: demo 1.1.0 is installed; the stack archive (signed by key 3F1A6C0E5D2B9A47 (${signed.trustedComment})) is the older 1.0.0. → ${REMEDY}`],
    ['an older signed archive with --allow-downgrade', signed, true, 'admitted'],
    ['an older unsigned archive (--allow-unsigned): the manifest\'s version', unsigned, false, `downgrade: demo 1.1.0 is installed; the stack archive (UNSIGNED (--allow-unsigned): its signature was not checked) is the older 1.0.0. → ${REMEDY}`],
    ['a newer signed archive', { ...signed, trustedComment: 'keelson-archive/1 stack:demo version:1.2.0 built:2026-12-01T10:00:00Z' }, false, 'admitted'],
    ['the same signed version (a repair)', { ...signed, trustedComment: 'keelson-archive/1 stack:demo version:1.1.0 built:2026-12-01T10:00:00Z' }, false, 'admitted'],
    ['an older manifest file, as before', undefined, false, `downgrade: demo 1.1.0 is installed; the manifest is the older 1.0.0. → ${REMEDY}`],
  ])('%s', (_name, archive, allow, want) => {
    expect(refusal(archive, allow)).toBe(want);
  });
});
