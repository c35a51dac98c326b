// The wizard installs from a stack archive: the real controller verifies a FILE.keelson whole (signature against
// `keelson wizard --trust KEY` or the workstation's configured key, every checksum, the trusted comment) when the
// Stack screen loads it, before any host sees a byte; the plan names the archive and meets the record's signer, and
// apply takes the images only from an archive this run verified. Archives are packed here by keelson's packer with
// keys made here; each refusal names its check.
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pack } from 'tar-stream';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { KEELSON_STATE_DIR as STATE } from '../../src/apply/journal.js';
import { createWizardController, type WizardControllerOptions } from '../../src/cli/wizard-controller.js';
import { openWizardLog } from '../../src/cli/wizard-log.js';
import { fileProgressStore, wizardSettingsFile } from '../../src/cli/wizard-progress-store.js';
import { createRedactor } from '../../src/cli/wizard-redactor.js';
import { defineStep } from '../../src/engine/step.js';
import { createLocalHost } from '../../src/host/local-host.js';
import { packArchive } from '../../src/manifest/archive/archive-pack.js';
import { formatPublicKey, generateKey, keyIdHex, type SecretKey } from '../../src/manifest/archive/minisign-key.js';
import { signMessage } from '../../src/manifest/archive/minisign-signature.js';
import { RECORD_PATH } from '../../src/state/record-schema.js';
import { fileFact as recordFileFact, type TextFile } from '../../steps/storage/facts.js';
import { deployedHost } from '../flows/deployed-host.js';
import { loadStack as fixtureStack } from '../steps/quadlet/fixtures.js';
import { relocated, relocatedFact } from '../support/relocated-host.js';

const tmp = mkdtempSync(join(tmpdir(), 'keelson-wizard-archive-'));
const root = join(tmp, 'host');
const CONFIG = '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}';
const vendor = generateKey();
const stranger = generateKey();
const idOf = (k: SecretKey) => keyIdHex(k.keyId);

const tarOf = async (entries: readonly { name: string; body: string }[]): Promise<Buffer> => {
  const t = pack();
  for (const e of entries) t.entry({ name: e.name }, e.body);
  t.finalize();
  return buffer(Readable.from(t));
};

beforeAll(async () => {
  mkdirSync(join(tmp, 'stack/images'), { recursive: true });
  mkdirSync(`${root}${STATE}`, { recursive: true });
  writeFileSync(join(tmp, 'stack/images/demo.tar'), await tarOf([
    { name: 'manifest.json', body: JSON.stringify([{ Config: 'config.json', RepoTags: ['localhost/keelson-demo:1'], Layers: [] }]) },
    { name: 'config.json', body: CONFIG },
  ]));
  const manifestText = readFileSync('assets/stacks/demo/manifest.yaml', 'utf8').replaceAll('    imageBuild: busybox\n', '    imageFile: images/demo.tar\n');
  const p = await packArchive({ manifestText, what: 'stack', open: (n) => createReadStream(join(tmp, 'stack', n)), size: () => Promise.resolve(readFileSync(join(tmp, 'stack/images/demo.tar')).length) }, (sums, comment) => signMessage(vendor, sums, comment));
  const [bytes] = await Promise.all([buffer(p.stream), p.done]);
  writeFileSync(join(tmp, 'demo.keelson'), bytes);
  const oneByte = Buffer.from(bytes);
  const at = oneByte.indexOf(Buffer.from('"architecture"')) + 2;
  oneByte.writeUInt8(oneByte.readUInt8(at) ^ 1, at);
  writeFileSync(join(tmp, 'tampered.keelson'), oneByte);
  writeFileSync(join(tmp, 'vendor.pub'), formatPublicKey(vendor));
  writeFileSync(join(tmp, 'stranger.pub'), formatPublicKey(stranger));
});

afterEach(() => {
  vi.unstubAllEnvs();
});

// The record as the host has it, and an action that shows the plan is not blocked by anything else.
const recordStep = defineStep<{ state: TextFile }>({
  id: 'record',
  title: 'The record',
  facts: () => ({ state: relocatedFact(recordFileFact(RECORD_PATH), root) }),
  check: () => [],
  plan: () => [{ kind: 'file.write' as const, description: 'write app.conf', path: join(tmp, 'app.conf'), content: 'x\n', mode: '0644', owner: 'root', group: 'root', before: null }],
});

const controllerWith = (o: Partial<WizardControllerOptions> = {}) => {
  const redactor = createRedactor();
  const inner = relocated(createLocalHost(), root);
  const controller = createWizardController({
    flags: {}, log: openWizardLog(join(tmp, 'logs'), redactor), redactor, progress: fileProgressStore(wizardSettingsFile(join(tmp, 'conf'))),
    cwd: tmp, keelson: 'keelson', steps: [recordStep], openHost: () => Promise.resolve(inner), ...o,
  });
  return { controller, inner };
};

const refusal = async (p: Promise<unknown>): Promise<string> => p.then(() => 'accepted', (e: unknown) => (e instanceof Error ? e.message : String(e)));

describe('the wizard reads a stack archive as the headless commands do', () => {
  it('--trust KEY: verified, its images pinned to the IDs its signed list records, who signed it in the log', async () => {
    const { controller } = controllerWith({ trust: 'vendor.pub' });
    const stack = await controller.loadStack('demo.keelson');
    expect(stack.ref).toBe(join(tmp, 'demo.keelson'));
    expect(stack.archive).toMatchObject({ file: join(tmp, 'demo.keelson'), signedBy: idOf(vendor), trustedComment: expect.stringMatching(/^keelson-archive\/1 stack:demo version:1\.0\.0 built:/) as unknown });
    expect(stack.manifest.containers[0]?.imageId).toBe(createHash('sha256').update(CONFIG).digest('hex'));
    expect(readFileSync(controller.logPath, 'utf8')).toContain(`stack: stack archive ${join(tmp, 'demo.keelson')}: signed by key ${idOf(vendor)}`);
    await controller.close();
  });

  it('another key, or one byte changed: refused naming the check, and nothing was sent to the connected host', async () => {
    const other = controllerWith({ trust: 'stranger.pub' });
    await other.controller.connect({ kind: 'local' }, () => Promise.resolve(false));
    const trips = other.inner.roundTrips;
    expect(await refusal(other.controller.loadStack('demo.keelson'))).toMatch(/^refused \(check: other-key\): .*\n {2}nothing was unpacked or sent to a host$/);
    const tampered = controllerWith({ trust: 'vendor.pub' });
    await tampered.controller.connect({ kind: 'local' }, () => Promise.resolve(false));
    expect(await refusal(tampered.controller.loadStack('tampered.keelson'))).toMatch(/^refused \(check: checksum\): /);
    expect([other.inner.roundTrips, tampered.inner.roundTrips]).toEqual([trips, trips]);
    await Promise.all([other.controller.close(), tampered.controller.close()]);
  });

  it('without --trust: the workstation\'s configured key, and without one a refusal that says where to put it', async () => {
    const config = join(tmp, 'config');
    vi.stubEnv('XDG_CONFIG_HOME', config);
    const { controller } = controllerWith();
    expect(await refusal(controller.loadStack('demo.keelson'))).toBe(`a stack archive is checked against a trusted key: pass --trust PUBKEY (or put the vendor's key at ${config}/keelson/trusted.pub); --allow-unsigned skips the check`);
    mkdirSync(join(config, 'keelson'), { recursive: true });
    writeFileSync(join(config, 'keelson/trusted.pub'), formatPublicKey(vendor));
    expect((await controller.loadStack('demo.keelson')).archive?.signedBy).toBe(idOf(vendor));
    await controller.close();
  });
});

describe('the plan and apply of an archive in the wizard', () => {
  it('the plan names the archive, and a record signed by another key blocks it with the headless command to accept it', async () => {
    const signed = (key: string) => ({ file: '/srv/demo-1.0.0.keelson', sumsSha256: 'a'.repeat(64), signedBy: key, trustedComment: null });
    writeFileSync(`${root}${STATE}/state.json`, deployedHost(fixtureStack('demo'), { greeting: 'Hi' }, signed(idOf(stranger))).recordText);
    const { controller } = controllerWith({ trust: 'vendor.pub' });
    await controller.connect({ kind: 'local' }, () => Promise.resolve(false));
    const stack = await controller.loadStack('demo.keelson');
    const { plan } = await controller.plan(stack, { greeting: 'Hi' }, () => undefined);
    expect(plan.archive).toEqual(stack.archive);
    expect(plan.blocked).toBe(true);
    expect(plan.steps[0]?.findings[0]).toMatchObject({ severity: 'blocker', code: 'signer-changed', message: expect.stringContaining(`signed by key ${idOf(vendor)}, another key`) as unknown });
    expect(plan.steps[0]?.findings[0]?.remedy).toContain(`then run keelson apply --stack ${join(tmp, 'demo.keelson')} --trust ${join(tmp, 'vendor.pub')} again with --allow-new-signer`);
    // Installed by the vendor's own key: the plan goes through.
    writeFileSync(`${root}${STATE}/state.json`, deployedHost(fixtureStack('demo'), { greeting: 'Hi' }, signed(idOf(vendor))).recordText);
    expect((await controller.plan(stack, { greeting: 'Hi' }, () => undefined)).plan.blocked).toBe(false);
    await controller.close();
  });

  it('apply refuses a plan of an archive this run did not verify: its images would come from an unchecked file', async () => {
    const first = controllerWith({ trust: 'vendor.pub' });
    await first.controller.connect({ kind: 'local' }, () => Promise.resolve(false));
    const { plan } = await first.controller.plan(await first.controller.loadStack('demo.keelson'), { greeting: 'Hi' }, () => undefined);
    const second = controllerWith({ trust: 'vendor.pub' });
    await second.controller.connect({ kind: 'local' }, () => Promise.resolve(false));
    const why = await refusal(second.controller.apply(plan, () => undefined, new AbortController().signal));
    expect(why).toBe(`the stack archive ${join(tmp, 'demo.keelson')} was not read in this run: choose it again on the Stack screen`);
    expect(() => readFileSync(join(tmp, 'app.conf'))).toThrow();
    await Promise.all([first.controller.close(), second.controller.close()]);
  });
});
