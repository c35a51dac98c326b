// Speed on a real host (the run's "prepared" state: /home on LUKS2 with two argon2id key slots, as an installer
// leaves it): each probe's own time in the plan, and the empty-passphrase test remembered on the host under the
// sha256 of the LUKS header, so a re-run plan does not pay the key derivations again — until the header changes.
// The header's digest and the empty passphrase are checked from inside the VM over the harness's own SSH.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { planHost } from '../../src/engine/plan-host.js';
import { gatherFacts } from '../../src/facts/gather.js';
import { planActions, planBlockers, planSchema, type Plan } from '../../src/engine/plan.js';
import { renderPlanText } from '../../src/engine/render-plan.js';
import type { Host } from '../../src/host/host.js';
import { parseManifest } from '../../src/manifest/load-manifest.js';
import { storageStep } from '../../steps/storage.js';
import { storageToolsFact } from '../../steps/storage/facts.js';
import { EMPTY_PASSPHRASE_CACHE_DIR, emptyPassphraseCachePath } from '../../steps/storage/empty-passphrase-cache.js';
import { connectRoot } from './support/connect.js';
import { keelsonCli, REPO_ROOT } from './support/keelson-cli.js';
import { HOME_DISK, useVmFrom } from './support/prepared-states.js';
import { runPath } from './support/run-dir.js';
import { useTimings } from './support/timings.js';

const SLOW = 30 * 60_000;
const timer = useTimings(import.meta.url);
const VOLUME = 'storage-volume:/home';
const KEY_FILE = '/etc/cryptsetup-keys.d/home.key';

const demo = (() => {
  const file = join(REPO_ROOT, 'assets', 'stacks', 'demo', 'manifest.yaml');
  const parsed = parseManifest(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.errors)}`);
  return parsed.manifest;
})();

/** The paths of the planned cache entries (state.write under the cache directory). */
const cacheWrites = (p: Plan): string[] =>
  planActions(p).flatMap((a) => (a.kind === 'state.write' && a.path.startsWith(`${EMPTY_PASSPHRASE_CACHE_DIR}/`) ? [a.path] : []));
const codes = (p: Plan) => planBlockers(p).map((f) => f.code);

/** Each probe's time, kept with the run for the note (the timing table has only whole commands). */
const keepTimings = (label: string, p: Plan): void => {
  const dir = runPath('speed');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${label}.json`), `${JSON.stringify(p.timings, null, 2)}\n`);
};

describe('a re-run plan on a prepared host: the empty-passphrase result remembered until the LUKS header changes', () => {
  const theVm = useVmFrom('prepared', 'speed', timer);
  let host: Host | undefined;
  const theHost = (): Host => {
    if (host === undefined) throw new Error('no connection to the VM');
    return host;
  };
  const sh = (cmd: string, input?: string) => theVm().sshOk(cmd, { timeoutMs: 10 * 60_000, ...(input === undefined ? {} : { input }) });
  /** The harness's own digest of the header: what the entry's name must be. */
  const headerDigest = async () =>
    (await sh(`rm -f /root/hdr && cryptsetup luksHeaderBackup --header-backup-file /root/hdr ${HOME_DISK} && sha256sum </root/hdr && rm -f /root/hdr`)).split(' ')[0] ?? '';
  /** The whole demo's plan through the CLI, as an operator runs it again. */
  const cliPlan = async (label: string): Promise<{ plan: Plan; view: string }> => {
    const r = await keelsonCli(theVm(), ['plan', '--stack', 'demo', '--json', '--timings'], { timer, label: `plan --timings (${label})` });
    expect(r.code, r.stderr).toBe(0);
    const plan = planSchema.parse(JSON.parse(r.stdout));
    keepTimings(label, plan);
    return { plan, view: r.stderr };
  };
  const storagePlan = async (label: string): Promise<Plan> => {
    const p = (await timer.time('keelson', `plan, storage step (${label})`, () => planHost(theHost(), [storageStep], demo, { greeting: 'hi' }))).plan;
    keepTimings(`storage-${label}`, p);
    return p;
  };

  beforeAll(async () => {
    host = await connectRoot(theVm());
  }, SLOW);
  afterAll(async () => {
    await host?.close();
  }, SLOW);

  it('the first plan tests the empty passphrase and plans remembering it by the header digest; the re-run after apply does not test it', async () => {
    const digest = await headerDigest();
    expect(digest).toMatch(/^[0-9a-f]{64}$/);

    const first = await cliPlan('header not remembered');
    expect(codes(first.plan), renderPlanText(first.plan)).toEqual([]);
    expect(cacheWrites(first.plan)).toEqual([emptyPassphraseCachePath(digest)]);
    // Every probe timed on the host, and --timings names them, slowest first, the LUKS probe among them.
    const probeMs = first.plan.timings?.probeMs ?? {};
    expect(Object.keys(first.plan.factDigests).filter((id) => probeMs[id] === undefined)).toEqual([]);
    expect(first.view).toMatch(new RegExp(`^ +${((probeMs[VOLUME] ?? 0) / 1000).toFixed(2)} s {2}${VOLUME}$`, 'm'));

    // Apply that one action (the rest of the plan stays unapplied, so the next plan asks the same host the same things).
    const only: Plan = { ...first.plan, steps: first.plan.steps.map((s) => ({ ...s, actions: s.actions.filter((a) => a.kind === 'state.write' && cacheWrites(first.plan).includes(a.path)) })) };
    const applied = await applyPlan(theHost(), only);
    expect(applied, JSON.stringify(applied)).toMatchObject({ ok: true, done: 1 });
    expect((await sh(`stat -c '%a %U %G' ${EMPTY_PASSPHRASE_CACHE_DIR} ${emptyPassphraseCachePath(digest)}; head -n 1 ${emptyPassphraseCachePath(digest)}`)).trim().split('\n')).toEqual([
      '700 root root',
      '600 root root',
      'refused',
    ]);

    const again = await cliPlan('header remembered');
    expect(codes(again.plan)).toEqual([]);
    expect(cacheWrites(again.plan)).toEqual([]);
    // The same plan otherwise: only the remembering is gone.
    expect(planActions(again.plan).map((a) => a.description)).toEqual(planActions(first.plan).map((a) => a.description).filter((d) => !d.startsWith('remember that ')));
    // No key derivation: the LUKS probe takes a fraction of what it took (two argon2id slots under emulation).
    const before = first.plan.timings?.probeMs[VOLUME] ?? 0;
    const after = again.plan.timings?.probeMs[VOLUME] ?? Infinity;
    console.log(`[speed] ${VOLUME}: ${before} ms → ${after} ms; fact script ${first.plan.timings?.gatherMs} ms → ${again.plan.timings?.gatherMs} ms`);
    expect(after).toBeLessThan(before / 2);
  }, SLOW);

  it('a key slot an empty passphrase opens: the next plan tests the changed header and finds it; the slot killed, tested again', async () => {
    const remembered = await headerDigest();
    // A third slot with the empty passphrase (a bare newline on stdin; cheap PBKDF2 so the test itself stays short).
    await sh(`cryptsetup luksAddKey --batch-mode --force-password --key-file ${KEY_FILE} --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --key-slot 2 ${HOME_DISK}`, '\n');
    // From inside: the empty passphrase really opens it now.
    expect((await theVm().ssh(`cryptsetup open --test-passphrase -v ${HOME_DISK}`, { input: '\n', timeoutMs: 10 * 60_000 })).code).toBe(0);
    const added = await headerDigest();
    expect(added).not.toBe(remembered);

    const opens = await storagePlan('empty-passphrase slot added');
    expect(codes(opens), renderPlanText(opens)).toContain('luks-empty-passphrase');
    expect(planBlockers(opens).find((f) => f.code === 'luks-empty-passphrase')?.message).toMatch(/\(key slot 2\)/);
    // Never remembered: it is a blocker.
    expect(cacheWrites(opens)).toEqual([]);

    await sh(`cryptsetup luksKillSlot --batch-mode --key-file ${KEY_FILE} ${HOME_DISK} 2`);
    const killed = await headerDigest();
    expect([remembered, added]).not.toContain(killed);
    const refused = await storagePlan('slot killed');
    expect(codes(refused), renderPlanText(refused)).toEqual([]);
    // Tested again (a header it has not seen), refused, and remembered under the new digest by the next apply.
    expect(cacheWrites(refused)).toEqual([emptyPassphraseCachePath(killed)]);
    expect(refused.timings?.probeMs[VOLUME]).toBeGreaterThan(0);
  }, SLOW);

  it("one systemctl answers what is-active, is-enabled and show -p CanReload said of auditd", async () => {
    const answer = (await gatherFacts(theHost(), [storageToolsFact])).raw.get(storageToolsFact.id);
    expect(answer).toBeDefined();
    const tools = storageToolsFact.parse(answer ?? { exitCode: 1, stdout: '', stderr: '' });
    const [active, enabled, reload] = (await theVm().ssh('systemctl is-active auditd; systemctl is-enabled auditd; systemctl show -p CanReload --value auditd')).stdout.trim().split('\n');
    expect([tools.auditdActive, tools.auditdEnabled, tools.auditdCanReload]).toEqual([active, enabled, reload === 'yes']);
  }, SLOW);
});
