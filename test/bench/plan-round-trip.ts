// Benchmark (not a test): how long gathering a whole plan's facts takes, locally and over a real sshd on
// 127.0.0.1, and how many round trips it costs. Run: npm run bench. Prints medians over N runs.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { planHost } from '../../src/engine/plan-host.js';
import { parseManifest } from '../../src/manifest/load-manifest.js';
import { readWorkstationText } from '../../src/host/workstation-files.js';
import { createLocalHost } from '../../src/host/local-host.js';
import { connectSshHost } from '../../src/host/ssh-host.js';
import type { Host } from '../../src/host/host.js';
import { allSteps } from '../../steps/index.js';
import { startSshd } from '../support/sshd.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const text = await readWorkstationText(join(import.meta.dirname, '../../assets/stacks/demo/manifest.yaml'));
const parsed = parseManifest(text ?? '', 'demo');
if (!parsed.ok) throw new Error('the demo manifest does not parse');
const manifest = parsed.manifest;
const answers = Object.fromEntries(manifest.questions.map((q) => [q.id, q.default ?? 'x']));

const measure = async (label: string, open: () => Promise<Host>) => {
  const total: number[] = [];
  const gather: number[] = [];
  let trips = 0;
  let facts = 0;
  for (let i = 0; i < RUNS; i++) {
    const host = await open();
    const t0 = performance.now();
    const { plan, gatherMs } = await planHost(host, allSteps, manifest, answers);
    total.push(performance.now() - t0);
    gather.push(gatherMs);
    trips = plan.roundTrips + plan.validationRoundTrips;
    facts = Object.keys(plan.factDigests).length;
    await host.close();
  }
  console.log(`${label.padEnd(22)} facts=${facts} roundTrips=${trips} gather median ${median(gather).toFixed(0)} ms, plan median ${median(total).toFixed(0)} ms (${RUNS} runs)`);
};

await measure('this machine', () => Promise.resolve(createLocalHost()));

const sshd = await startSshd();
const dir = await mkdtemp(join(tmpdir(), 'keelson-bench-'));
const knownHosts = join(dir, 'known_hosts');
await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
try {
  const t0 = performance.now();
  const probe = await connectSshHost({ host: sshd.host, port: sshd.port, username: sshd.user, identityFiles: [sshd.identityFile], agentSocket: null, knownHostsFiles: [knownHosts], hostKeyStorePath: join(dir, 'store') });
  console.log(`ssh connect            ${(performance.now() - t0).toFixed(0)} ms`);
  await probe.close();
  await measure('ssh 127.0.0.1', () =>
    connectSshHost({ host: sshd.host, port: sshd.port, username: sshd.user, identityFiles: [sshd.identityFile], agentSocket: null, knownHostsFiles: [knownHosts], hostKeyStorePath: join(dir, 'store') }),
  );
} finally {
  await sshd.stop();
  await rm(dir, { recursive: true, force: true });
}
