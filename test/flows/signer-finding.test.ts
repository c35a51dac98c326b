// The signer rule in a plan, as data: `keelson plan` over a host whose record says who signed the installed version
// shows what apply would make of this version's source: a blocker where apply refuses without its flag (so the JSON
// says blocked and the exit is 3), a warning once the flag accepts it, a notice where nothing was signed before.
import { describe, expect, it } from 'vitest';
import { planBlockers, planSchema, type Plan, type PlanArchive } from '../../src/engine/plan.js';
import { renderPlanText } from '../../src/engine/render-plan.js';
import { gateSigner } from '../../src/flows/upgrade/signer-change.js';
import { signerFinding, withSignerFinding } from '../../src/flows/signer-finding.js';
import { recordTextOf } from '../../src/cli/plan-record.js';
import { exitCodeForPlan } from '../../src/cli/commands/plan.js';
import { loadStack } from '../steps/quadlet/fixtures.js';
import { deployedHost, planOn } from './deployed-host.js';

const v100 = loadStack('demo');
const v110 = loadStack('demo-1.1.0');
const ANSWERS = { greeting: 'Hello from keelson' };
const K1 = '3F1A6C0E5D2B9A47';
const K2 = 'B70C2E91D4F3A658';
const signedBy = (key: string, v: string): PlanArchive => ({ file: `/tmp/demo-${v}.keelson`, sumsSha256: (v === '1.0.0' ? 'a' : 'b').repeat(64), signedBy: key, trustedComment: `keelson-archive/1 stack:demo version:${v} built:2026-12-01T10:00:00Z` });
const unsigned = (v: string): PlanArchive => ({ file: `/tmp/demo-${v}.keelson`, sumsSha256: 'c'.repeat(64), signedBy: null, trustedComment: null });

/** The plan of 1.1.0 from `to` over a host where 1.0.0 was installed from `from`, with apply's flags `o`. */
const planned = (from: PlanArchive | undefined, to: PlanArchive | undefined, o = {}): { plan: Plan; recordText: string } => {
  const host = deployedHost(v100, ANSWERS, from);
  const plan = planOn(host, v110, { ...ANSWERS, motto: 'Go' }, to);
  return { plan: withSignerFinding(host.recordText, plan, o, 'keelson plan'), recordText: host.recordText };
};
const signerOf = (plan: Plan) => plan.steps.flatMap((s) => s.findings.filter((f) => f.code.startsWith('signer-')).map((f) => `${f.severity} ${f.code}`));

describe('plan: the record\'s signer against this version\'s source', () => {
  it.each<[string, PlanArchive | undefined, PlanArchive | undefined, object, string[]]>([
    ['another key', signedBy(K1, '1.0.0'), signedBy(K2, '1.1.0'), {}, ['blocker signer-changed']],
    ['another key, --allow-new-signer', signedBy(K1, '1.0.0'), signedBy(K2, '1.1.0'), { allowNewSigner: true }, ['warning signer-changed']],
    ['signed, then a manifest file', signedBy(K1, '1.0.0'), undefined, {}, ['blocker signer-dropped']],
    ['signed, then a manifest file, --allow-unsigned', signedBy(K1, '1.0.0'), undefined, { allowUnsigned: true }, ['warning signer-dropped']],
    ['signed, then an archive read with --allow-unsigned', signedBy(K1, '1.0.0'), unsigned('1.1.0'), {}, ['warning signer-dropped']],
    ['an unsigned archive (--allow-unsigned), now signed', unsigned('1.0.0'), signedBy(K2, '1.1.0'), {}, ['info signer-now-signed']],
    ['a manifest file, now signed', undefined, signedBy(K2, '1.1.0'), {}, ['info signer-now-signed']],
    ['an unsigned archive, then a manifest file', unsigned('1.0.0'), undefined, {}, ['info signer-still-unsigned']],
    ['the same key: the archive line says it', signedBy(K1, '1.0.0'), signedBy(K1, '1.1.0'), {}, []],
    ['manifest files both times', undefined, undefined, {}, []],
  ])('%s', (_name, from, to, o, want) => {
    const { plan, recordText } = planned(from, to, o);
    expect(signerOf(plan)).toEqual(want);
    // Blocked exactly where apply's gate refuses with the same flags: the plan says beforehand what apply will do.
    const refused = gateSigner(recordText, plan, o) !== null;
    expect(want.some((w) => w.startsWith('blocker'))).toBe(refused);
    expect(plan.blocked).toBe(refused);
    expect(exitCodeForPlan(plan)).toBe(refused ? 3 : 0);
  });

  it('another key: both key IDs and the flag, in the text and in the JSON, on the step that writes the record', () => {
    const { plan } = planned(signedBy(K1, '1.0.0'), signedBy(K2, '1.1.0'));
    const json = planSchema.parse(JSON.parse(JSON.stringify(plan)));
    expect([json.blocked, json.blockerCount]).toEqual([true, 1]);
    const step = json.steps.find((s) => s.findings.some((f) => f.code === 'signer-changed'));
    expect(step?.actions.some((a) => a.kind === 'state.write')).toBe(true);
    expect(planBlockers(json)[0]).toEqual({
      severity: 'blocker',
      code: 'signer-changed',
      message: `demo 1.0.0 was installed from a stack archive signed by key ${K1}; this archive of 1.1.0 is signed by key ${K2}, another key.`,
      remedy: expect.stringContaining(`confirm key ${K2} with them by a channel other than this archive (keelson verify FILE --trust KEY prints a key's ID), then run keelson plan again with --allow-new-signer`) as string,
    });
    const text = renderPlanText(plan);
    expect(text).toContain(`  [BLOCKER] demo 1.0.0 was installed from a stack archive signed by key ${K1}; this archive of 1.1.0 is signed by key ${K2}, another key.`);
    expect(text).toContain('1 blocker: nothing can be applied until it is fixed:');
  });

  it('accepted: the warning says what was accepted and that apply needs the flag too', () => {
    const f = signerFinding(deployedHost(v100, ANSWERS, signedBy(K1, '1.0.0')).recordText, { stack: { name: 'demo', version: '1.1.0', mode: 'rootless' }, archive: signedBy(K2, '1.1.0') }, { allowNewSigner: true }, 'keelson plan');
    expect(f).toEqual({
      severity: 'warning',
      code: 'signer-changed',
      message: `This demo 1.1.0 is signed by key ${K2}, a NEW SIGNER: the installed version was signed by key ${K1} (accepted with --allow-new-signer); the record keeps ${K2} from now on.`,
      remedy: `Apply only after you confirmed key ${K2} with the vendor by a channel other than this archive; apply needs --allow-new-signer too.`,
    });
  });

  it('a first install, or another stack in the record: nothing to say, the plan as it was', () => {
    const host = deployedHost(v100, ANSWERS, signedBy(K1, '1.0.0'));
    const plan = planOn(host, v110, { ...ANSWERS, motto: 'Go' }, signedBy(K2, '1.1.0'));
    expect(withSignerFinding(null, plan, {}, 'keelson plan')).toBe(plan);
    expect(withSignerFinding(host.recordText, { ...plan, stack: { ...plan.stack, name: 'other' } }, {}, 'keelson plan').steps).toBe(plan.steps);
  });
});

describe('recordTextOf: the record as it came with the plan\'s facts', () => {
  const id = 'file:/var/lib/keelson/state.json';
  it('present, absent (exit 44), unreadable, not gathered', () => {
    expect(recordTextOf(new Map([[id, { stdout: '{"a":1}\n', stderr: '', exitCode: 0 }]]))).toBe('{"a":1}\n');
    expect(recordTextOf(new Map([[id, { stdout: '', stderr: '', exitCode: 44 }]]))).toBeNull();
    expect(recordTextOf(new Map([[id, { stdout: '', stderr: 'cat: Permission denied', exitCode: 1 }]]))).toBeNull();
    expect(recordTextOf(new Map())).toBeNull();
  });
});
