// Records what a real host answers keelson's one fact script, before and after keelson installed the demo stacks on
// it, for the steps' table tests (pyinfra's way: facts recorded from a real host in, findings and actions out).
//
//   npx tsx test/host-vm/record-host-fixtures.ts
//
// One VM: /home on LUKS2 and the audit log on its own filesystem (the guest scripts), then keelson itself plans and
// applies assets/stacks/demo (rootless) and test/fixtures/stacks/demo-rootful.yaml (rootful) until a plan is empty.
// Each fixture in test/fixtures/hosts/ holds every fact answer (exit code, stdout, stderr) the plan of one stack
// asks for, exactly as gatherFacts unframed them; the README there says how to use and re-record them.
import { mkdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { factsForSteps, makeStepPlans } from '../../src/engine/make-plan.js';
import { planHost } from '../../src/engine/plan-host.js';
import { planActions, planBlockers } from '../../src/engine/plan.js';
import type { Answers } from '../../src/engine/step.js';
import { KEELSON_VERSION } from '../../src/engine/version.js';
import { gatherFacts } from '../../src/facts/gather.js';
import type { Host } from '../../src/host/host.js';
import { parseManifest } from '../../src/manifest/load-manifest.js';
import type { Manifest } from '../../src/manifest/schema.js';
import { allSteps } from '../../steps/index.js';
import { connectRoot } from '../e2e/support/connect.js';
import { runGuestScript } from './guest-scripts.js';
import { bootVm, type Vm } from './vm.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = join(root, 'test', 'fixtures', 'hosts');
// Test-only passphrase for a throwaway VM disk; it reaches the guest on stdin only.
const PASSPHRASE = 'keelson-fixture-passphrase';

interface Stack {
  readonly file: string;
  readonly manifest: Manifest;
  readonly answers: Answers;
}

const stack = (file: string): Stack => {
  const path = join(root, file);
  const parsed = parseManifest(readFileSync(path, 'utf8'), path);
  if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.errors)}`);
  const greeting = parsed.manifest.questions.find((q) => q.id === 'greeting')?.default ?? '';
  return { file, manifest: parsed.manifest, answers: { greeting } };
};

const stacks = [stack('assets/stacks/demo/manifest.yaml'), stack('test/fixtures/stacks/demo-rootful.yaml')];

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** keelson's own plan and apply, as the headless CLI runs them, until the plan is empty (at most three rounds). */
const install = async (vm: Vm, s: Stack): Promise<void> => {
  for (let round = 1; round <= 3; round += 1) {
    const host = await connectRoot(vm);
    try {
      const { plan } = await planHost(host, allSteps, s.manifest, s.answers);
      const blockers = planBlockers(plan);
      if (blockers.length > 0) throw new Error(`${s.file}: blocked:\n${blockers.map((b) => `  ${b.code}: ${b.message}`).join('\n')}`);
      const actions = planActions(plan);
      if (actions.length === 0) return;
      const t0 = Date.now();
      const result = await applyPlan(host, plan, {});
      console.log(`${s.manifest.stack}: round ${round}, ${actions.length} actions in ${seconds(Date.now() - t0)}`);
      if (!result.ok) throw new Error(`${s.file}: apply failed: ${JSON.stringify(result.failed)}`);
    } finally {
      await host.close();
    }
  }
  throw new Error(`${s.file}: still not converged after three applies`);
};

/** The fact script's answers for one stack's plan; the plan made from them must be `expectEmpty` (or not). */
const answersOf = async (host: Host, s: Stack) => {
  const gathered = await gatherFacts(host, factsForSteps(allSteps, s.manifest, s.answers));
  const { plans } = makeStepPlans(allSteps, s.manifest, s.answers, gathered.raw);
  const facts = Object.fromEntries([...gathered.raw.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, o]) => [id, { exitCode: o.exitCode, stdout: o.stdout, stderr: o.stderr }]));
  return { facts, actions: plans.flatMap((p) => p.actions.map((a) => `${p.id}: ${a.description}`)) };
};

/** Until the stack's plan is empty (a health check may still be starting just after an apply), then its answers. */
const settledAnswers = async (vm: Vm, s: Stack) => {
  for (let tries = 0; ; tries += 1) {
    const host = await connectRoot(vm);
    try {
      const a = await answersOf(host, s);
      if (a.actions.length === 0) return a.facts;
      if (tries >= 10) throw new Error(`${s.file}: the installed host still plans:\n  ${a.actions.join('\n  ')}`);
    } finally {
      await host.close();
    }
    await new Promise((r) => setTimeout(r, 15_000));
  }
};

/** Values that must never be in a fixture: the LUKS passphrase, the key file (base64), the generated Podman secret. */
const secretsOn = async (vm: Vm): Promise<string[]> => {
  const key = (await vm.sshOk('base64 -w 0 /etc/cryptsetup-keys.d/home.key')).trim();
  const token = await vm.ssh(
    "runuser -u keelson-demo -- sh -c 'XDG_RUNTIME_DIR=/run/user/$(id -u) podman secret inspect --showsecret --format \"{{.SecretData}}\" demo-token'",
  );
  return [PASSPHRASE, key, token.stdout.trim()].filter((v) => v.length >= 8);
};

const save = async (vm: Vm, name: string, s: Stack, facts: Record<string, unknown>, what: string, secrets: readonly string[]): Promise<void> => {
  const doc = {
    recorded: {
      what,
      by: `test/host-vm/record-host-fixtures.ts (keelson ${KEELSON_VERSION})`,
      image: { key: vm.image.key, kernel: `${vm.image.kernelPackage} ${vm.image.kernelVersion}` },
      guest: (await vm.sshOk('. /etc/os-release && echo "$PRETTY_NAME"; podman --version; systemctl --version | head -n 1')).trim().split('\n'),
    },
    stack: s.file,
    answers: s.answers,
    facts,
  };
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  const leaked = secrets.filter((v) => text.includes(v));
  if (leaked.length > 0) throw new Error(`${name}: a secret value is in the recorded answers; nothing was written`);
  await writeFile(join(outDir, `${name}.json`), text);
  console.log(`wrote ${relative(root, join(outDir, `${name}.json`))} (${Object.keys(facts).length} facts)`);
};

const t0 = Date.now();
const vm = await bootVm({ name: 'fixtures-hosts', sshDeadlineMs: 12 * 60_000, extraDisks: [{ id: 'home', sizeMiB: 1024 }, { id: 'audit', sizeMiB: 512 }] });
try {
  console.log(`boot ${seconds(Date.now() - t0)}`);
  await vm.sshOk('systemctl is-system-running --wait || true', { timeoutMs: 10 * 60_000 });
  await runGuestScript(vm, 'setup-luks.sh', ['--device', '/dev/disk/by-id/virtio-home', '--name', 'home', '--mount', '/home', '--key-file', '/etc/cryptsetup-keys.d/home.key'], {
    input: `${PASSPHRASE}\n`,
    timeoutMs: 10 * 60_000,
  });
  await runGuestScript(vm, 'setup-ext4-mount.sh', ['--device', '/dev/disk/by-id/virtio-audit', '--mount', '/var/log/audit', '--label', 'audit'], { timeoutMs: 10 * 60_000 });
  await mkdir(outDir, { recursive: true });
  const fresh: Record<string, Record<string, unknown>> = {};
  const before = await connectRoot(vm);
  try {
    for (const s of stacks) fresh[s.manifest.stack] = (await answersOf(before, s)).facts;
  } finally {
    await before.close();
  }
  for (const s of stacks) {
    const t1 = Date.now();
    await install(vm, s);
    console.log(`${s.manifest.stack}: installed in ${seconds(Date.now() - t1)}`);
  }
  const secrets = await secretsOn(vm);
  for (const s of stacks) {
    await save(vm, `${s.manifest.stack}-fresh`, s, fresh[s.manifest.stack] ?? {}, 'the host prepared (LUKS /home, audit filesystem), before keelson installed anything', secrets);
    await save(vm, `${s.manifest.stack}-installed`, s, await settledAnswers(vm, s), 'the same host after keelson installed both demo stacks; the plan from these answers is empty', secrets);
  }
  console.log(`done in ${seconds(Date.now() - t0)}`);
} finally {
  await vm.stop();
}
