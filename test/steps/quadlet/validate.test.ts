// Validation before anything is written: which files are staged (the plan's writes over what is on the host), how
// the generator's and systemd-analyze's real words (recorded on the test VM, test/fixtures/quadlet/) become findings,
// and the staging script itself run here with a stand-in generator.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProbeOutput } from '../../../src/facts/fact.js';
import type { Action } from '../../../src/engine/action.js';
import type { StepContext } from '../../../src/engine/step.js';
import type { Manifest } from '../../../src/manifest/schema.js';
import { quadletStep } from '../../../steps/quadlet.js';
import type { QuadletFacts } from '../../../steps/quadlet/desired.js';
import { planQuadlet } from '../../../steps/quadlet/plan.js';
import type { UnitDir } from '../../../steps/quadlet/placement.js';
import { GENERATOR, VALIDATE_SCRIPT, parseValidation, quadletValidation, validateArgs, validationFindings } from '../../../steps/quadlet/validate.js';
import { luksVolume } from '../storage/support.js';
import { answersFor, loadStack, repoRoot, resolved } from './fixtures.js';

const demo = loadStack('demo');
const cdr = loadStack('cdr-link');

interface Recorded {
  readonly mode: Manifest['mode'];
  readonly dirs: Record<UnitDir, string>;
  readonly output: ProbeOutput;
}
const recorded = (name: string): Recorded => JSON.parse(readFileSync(`${repoRoot}test/fixtures/quadlet/${name}.json`, 'utf8')) as Recorded;

const findingsFor = (name: string, m: Manifest = demo) => {
  const r = recorded(name);
  return validationFindings(parseValidation(r.output, r.dirs), { ...m, mode: r.mode }, r.dirs);
};

describe('the generator\'s and systemd-analyze\'s words (recorded on Debian 13, Podman 5.4.2)', () => {
  it.each([
    ['demo-rootless-ok', demo],
    ['demo-rootful-ok', demo],
    ['cdr-link-rootless-ok', cdr],
  ])('%s: accepted', (name, m) => {
    expect(findingsFor(name, m).map((f) => `${f.severity}:${f.code}`)).toEqual(['info:quadlet-validated']);
  });

  it.each([
    ['unsupported-key', 'blocker:quadlet-generator-rejected', `The Quadlet generator rejects web.container: converting "web.container": unsupported key 'Foo' in group 'Container' in /home/keelson-demo/.config/containers/systemd/web.container`],
    ['image-unit-missing', 'blocker:quadlet-generator-rejected', 'The Quadlet generator rejects web.container: converting "web.container": requested Quadlet image localhost/keelson-demo.image was not found'],
    ['network-unit-missing', 'blocker:quadlet-generator-rejected', 'The Quadlet generator rejects web.container: converting "web.container": requested Quadlet unit demo-missing.network was not found'],
    ['verify-ignores-timeout', 'blocker:quadlet-verify-failed', 'systemd-analyze verify objects to the units generated for this stack: web.service:45: Failed to parse TimeoutStartSec= parameter, ignoring: abc'],
    ['verify-ignores-mountsfor', 'blocker:quadlet-verify-failed', 'systemd-analyze verify objects to the units generated for this stack: demo.target:4: RequiresMountsFor= path is not absolute, ignoring: home'],
  ])('%s: one blocker in the tool\'s own words, real paths, the manifest entry to fix', (name, code, message) => {
    const findings = findingsFor(name);
    expect(findings.map((f) => `${f.severity}:${f.code}`)).toEqual([code]);
    expect(findings[0]?.message).toBe(message);
    expect(findings[0]?.message).not.toMatch(/\/tmp\/tmp\./);
    expect(findings[0]?.remedy).toMatch(name.includes('mountsfor') ? /^Fix targets\.demo / : /^Fix containers\.web /);
    expect(findings[0]?.remedy).toContain('nothing has been written');
  });

  it('the generator\'s failure is not repeated as systemd\'s "Unit web.service not found"', () => {
    expect(findingsFor('unsupported-key').map((f) => f.message).join('\n')).not.toContain('not found.');
  });

  it('lines about units that are not the stack\'s are a warning, not a blocker', () => {
    const r = recorded('demo-rootless-ok');
    const stdout = r.output.stdout.replace('verify-exit 0\n', 'verify-exit 0\nverify network-online.target: Something odd.\n');
    expect(validationFindings(parseValidation({ ...r.output, stdout }, r.dirs), demo, r.dirs).map((f) => f.code)).toEqual(['quadlet-verify-other-units']);
  });

  it('no generator on the host (Podman not installed yet): a warning, not silence', () => {
    const f = validationFindings(parseValidation({ exitCode: 0, stdout: 'no-generator\n', stderr: '' }, recorded('demo-rootless-ok').dirs), demo, recorded('demo-rootless-ok').dirs);
    expect(f.map((x) => `${x.severity}:${x.code}`)).toEqual(['warning:quadlet-unvalidated']);
  });

  it('a script that could not stage the files is a blocker with its words', () => {
    const [fact] = quadletValidation(planQuadlet(freshFacts, ctx), ctx);
    expect(fact?.parse({ exitCode: 70, stdout: '', stderr: 'mktemp: failed to create directory via template: No space left on device' })).toMatchObject([
      { severity: 'blocker', code: 'quadlet-validate-script', message: expect.stringContaining('No space left on device') as unknown },
    ]);
  });
});

const ctx: StepContext = { manifest: demo, answers: answersFor.demo ?? {}, resolved };
const freshFacts: QuadletFacts = {
  units: { home: null, existingDirs: [], files: [], enabled: false },
  podman: { major: 5, minor: 4, patch: 2 },
  podmanPackage: [],
  selinux: 'disabled',
  secrets: { ok: true, names: [] },
  images: { ok: true, names: [] },
  unitStates: new Map(),
  busybox: '/usr/bin/busybox',
  volume: luksVolume(),
  state: { kind: 'absent' },
};

describe('what is staged', () => {
  const Q = '/home/keelson-demo/.config/containers/systemd';
  const S = '/home/keelson-demo/.config/systemd/user';

  it('every planned write (base64) and removal, then the stack\'s own file names; values only as arguments', () => {
    const actions = planQuadlet(freshFacts, ctx);
    const v = validateArgs(actions, ctx);
    expect(v?.dirs).toEqual({ quadlet: Q, systemd: S });
    const [gen, mode, q, s, ...rest] = v?.args ?? [];
    expect([gen, mode, q, s]).toEqual([GENERATOR, 'rootless', Q, S]);
    const writes = rest.filter((a) => a.startsWith('w:'));
    expect(writes.map((a) => a.split(':').slice(0, 3).join(':'))).toEqual([
      'w:quadlet:api.container', 'w:quadlet:web.container', 'w:quadlet:page.container', 'w:quadlet:demo-backend.network', 'w:quadlet:demo-edge.network', 'w:quadlet:demo-content.volume', 'w:systemd:demo.target',
    ]);
    const api = actions.find((a): a is Extract<Action, { kind: 'file.write' }> => a.kind === 'file.write' && a.path.endsWith('/api.container'));
    expect(Buffer.from(writes[0]?.split(':')[3] ?? '', 'base64').toString('utf8')).toBe(api?.content);
    expect(rest.filter((a) => a.startsWith('o:'))).toEqual([
      'o:quadlet:api.container:api.service',
      'o:quadlet:web.container:web.service',
      'o:quadlet:page.container:page.service',
      'o:quadlet:demo-backend.network:demo-backend-network.service',
      'o:quadlet:demo-edge.network:demo-edge-network.service',
      'o:quadlet:demo-content.volume:demo-content-volume.service',
      'o:systemd:demo.target:demo.target',
    ]);
    // The script is a constant: nothing of the manifest is spliced into it.
    expect(VALIDATE_SCRIPT).not.toContain('keelson-demo');
  });

  it('rootful: the system directories', () => {
    const rootful: StepContext = { ...ctx, manifest: { ...demo, mode: 'rootful' } };
    expect(validateArgs(planQuadlet(freshFacts, rootful), rootful)?.args.slice(1, 4)).toEqual(['rootful', '/etc/containers/systemd', '/etc/systemd/system']);
  });

  it('nothing to write or remove: no validation round trip', () => {
    expect(validateArgs([{ kind: 'systemd.unit', description: 'start', target: { scope: 'user', user: 'keelson-demo' }, verb: 'start', unit: 'demo.target' }], ctx)).toBeNull();
    expect(quadletValidation([], ctx)).toEqual([]);
  });

  it('is the Quadlet step\'s validate', () => {
    expect(quadletStep.validate).toBe(quadletValidation);
  });
});

describe('the staging script, run here with a stand-in generator', () => {
  const root = mkdtempSync(join(tmpdir(), 'keelson-validate-'));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });
  const q = join(root, 'quadlet');
  const s = join(root, 'systemd');
  const bin = join(root, 'bin');
  for (const d of [q, s, bin]) mkdirSync(d);
  // The real directory has: an old api.container (replaced by the plan), a stale old.container (removed by the plan),
  // another stack's file (kept: a unit may name it), an operator's drop-in, and a file Quadlet does not read.
  writeFileSync(join(q, 'api.container'), 'old api\n');
  writeFileSync(join(q, 'old.container'), 'stale\n');
  writeFileSync(join(q, 'other.network'), 'another stack\n');
  mkdirSync(join(q, 'web.container.d'));
  writeFileSync(join(q, 'web.container.d', '50-local.conf'), '[Container]\nEnvironment=X=1\n');
  writeFileSync(join(q, 'notes.txt'), 'not a unit\n');
  // An unchanged target of the stack: not in the plan, still verified from where it is.
  writeFileSync(join(s, 'demo.target'), '[Unit]\n');
  // Lists what it was given, like -dryrun: one "---NAME.service---" section per .container file.
  const fakeGenerator = join(bin, 'quadlet');
  writeFileSync(fakeGenerator, `#!/bin/sh
echo "quadlet-generator[1]: args $*" >&2
for f in "$QUADLET_UNIT_DIRS"/* "$QUADLET_UNIT_DIRS"/*/*; do
  [ -f "$f" ] || continue
  echo "quadlet-generator[1]: Loading source unit file $f" >&2
  case "$f" in *.container) n=\${f##*/}; echo "---/run/gen/\${n%.container}.service---"; cat "$f" ;; esac
done
`);
  writeFileSync(join(bin, 'systemd-analyze'), '#!/bin/sh\necho "systemd-analyze $*" | sed "s#/tmp/[^ ]*/units/##g"\nexit 0\n');
  chmodSync(fakeGenerator, 0o755);
  chmodSync(join(bin, 'systemd-analyze'), 0o755);
  const b64 = (t: string) => Buffer.from(t).toString('base64');

  const run = (args: string[]): ProbeOutput => {
    const stdout = execFileSync('sh', ['-c', VALIDATE_SCRIPT, 'keelson-fact', fakeGenerator, 'rootless', q, s, ...args], {
      env: { PATH: `${bin}:/usr/bin:/bin` },
      encoding: 'utf8',
    });
    return { exitCode: 0, stdout, stderr: '' };
  };

  it('stages what will be there after the apply, runs the generator and verifies the stack\'s units, then cleans up', () => {
    const out = run([`w:quadlet:api.container:${b64('new api\n')}`, `w:quadlet:web.container:${b64('web\n')}`, 'r:quadlet:old.container', 'o:quadlet:api.container:api.service', 'o:quadlet:web.container:web.service', 'o:systemd:demo.target:demo.target']);
    const lines = out.stdout.split('\n');
    const stage = lines.find((l) => l.startsWith('stage '))?.slice(6) ?? '';
    const loaded = lines.filter((l) => l.includes('Loading source unit file')).map((l) => l.slice(l.indexOf(stage) + stage.length));
    expect(loaded.sort()).toEqual(['/quadlet/api.container', '/quadlet/other.network', '/quadlet/web.container', '/quadlet/web.container.d/50-local.conf']);
    expect(lines).toContain('generator quadlet-generator[1]: args -dryrun -user');
    expect(lines.filter((l) => l.startsWith('produced '))).toEqual(['produced api.container yes', 'produced web.container yes', 'produced demo.target yes']);
    expect(lines).toContain('verify systemd-analyze --user verify --man=no -- api.service web.service demo.target');
    // Only the staging copy changed; the real directory is untouched, and the staging directory is gone.
    expect(readFileSync(join(q, 'api.container'), 'utf8')).toBe('old api\n');
    expect(() => readFileSync(join(stage, 'quadlet', 'api.container'))).toThrow();
    const report = parseValidation(out, { quadlet: '/Q', systemd: '/S' });
    expect(report).toMatchObject({ generator: true, generatorExit: 0, notProduced: [], verifyExit: 0 });
  });

  it('refuses a file name that would leave the staging directory', () => {
    expect(() => run([`w:quadlet:../evil:${b64('x')}`])).toThrow();
  });

  it('a generator that is not there: "no-generator", nothing else', () => {
    const stdout = execFileSync('sh', ['-c', VALIDATE_SCRIPT, 'keelson-fact', join(root, 'missing'), 'rootful', q, s], { encoding: 'utf8' });
    expect(stdout).toBe('no-generator\n');
  });
});
