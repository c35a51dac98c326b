// npm run bench:probes (a benchmark, not a test): where a re-run plan's time goes on the test VM. From the e2e's
// demo-installed state (the demo installed by keelson, /home on LUKS2), keelson's re-run plan BENCH_RUNS times
// (3 by default) with each probe's own time as the host measured it, then status and doctor once each for their
// wall time. Prints the slowest probes by median and writes every figure to a JSON file for the issue note.
import { mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planActions, planSchema, type PlanTimings } from '../../src/engine/plan.js';
import { keelsonCli } from '../e2e/support/keelson-cli.js';
import { preparedState } from '../e2e/support/prepared-states.js';
import { RUN_DIR_ENV } from '../e2e/support/run-dir.js';
import { restoreVm } from '../host-vm/vm.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ownRunDir = process.env[RUN_DIR_ENV] === undefined;
process.env[RUN_DIR_ENV] ??= join(process.env.KEELSON_VM_WORK ?? join(tmpdir(), 'keelson-vm'), `bench-probes-${process.pid}`);
const log = (s: string) => { console.error(`[bench:probes ${new Date().toISOString().slice(11, 19)}] ${s}`); };
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

try {
  const vm = await restoreVm(await preparedState('demo-installed'), { name: 'bench-probes' });
  try {
    const plans: { wallMs: number; timings: PlanTimings }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await keelsonCli(vm, ['plan', '--stack', 'demo', '--json']);
      if (r.code !== 0) throw new Error(`keelson plan: exit ${r.code}\n${r.stderr}`);
      const plan = planSchema.parse(JSON.parse(r.stdout));
      if (planActions(plan).length > 0) throw new Error(`the re-run plan is not empty: ${planActions(plan).length} actions`);
      if (plan.timings === undefined) throw new Error('the plan carries no timings');
      plans.push({ wallMs: r.ms, timings: plan.timings });
      log(`plan ${i + 1}: ${s(r.ms)} wall, ${s(plan.timings.gatherMs)} in the fact script's round trip`);
    }
    const others: Record<string, number> = {};
    for (const [label, args] of [['status', ['status']], ['doctor', ['doctor']]] as const) {
      const r = await keelsonCli(vm, args);
      others[label] = r.ms;
      log(`${label}: ${s(r.ms)} wall (exit ${r.code})`);
    }
    const ids = [...new Set(plans.flatMap((p) => Object.keys(p.timings.probeMs)))];
    const byProbe = ids.map((id) => [id, median(plans.map((p) => p.timings.probeMs[id] ?? 0))] as const).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
    const sum = byProbe.reduce((n, [, ms]) => n + ms, 0);
    console.log(`re-run plan: ${s(median(plans.map((p) => p.wallMs)))} wall, ${s(median(plans.map((p) => p.timings.gatherMs)))} fact round trip (medians of ${RUNS})`);
    console.log(`${byProbe.length} probes, ${s(sum)} of their own time (median each); slowest:`);
    for (const [id, ms] of byProbe.slice(0, 20)) console.log(`  ${s(ms).padStart(8)}  ${id}`);
    console.log(`status ${s(others.status ?? NaN)}, doctor ${s(others.doctor ?? NaN)} (wall, once each)`);
    const out = join(process.env.KEELSON_BENCH_CACHE ?? '/var/tmp/keelson-bench-probes', `result-${new Date().toISOString().replaceAll(':', '')}.json`);
    mkdirSync(join(out, '..'), { recursive: true });
    writeFileSync(out, `${JSON.stringify({ plans, others, byProbe }, null, 2)}\n`);
    console.log(`(figures in ${out})`);
  } finally {
    await vm.stop();
  }
} finally {
  if (ownRunDir && process.env.KEELSON_VM_KEEP === undefined) await rm(process.env[RUN_DIR_ENV] ?? '', { recursive: true, force: true });
}
