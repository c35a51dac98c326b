// The --timings view: where a plan's time went, slowest probe first, so a slow host names its slow probes.
import type { PlanTimings } from './plan.js';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** The probes by their own wall time, slowest first (ties by id, so the order is stable). */
export const slowestProbes = (t: PlanTimings): [string, number][] =>
  Object.entries(t.probeMs).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));

export const renderTimings = (t: PlanTimings | undefined, top = 12): string => {
  if (t === undefined) return 'No timings in this plan (it was made by a keelson before timings were measured).\n';
  const probes = slowestProbes(t);
  const sum = probes.reduce((n, [, ms]) => n + ms, 0);
  const width = Math.max(...probes.slice(0, top).map(([, ms]) => seconds(ms).length), 6);
  const lines = [
    `Facts: ${seconds(t.gatherMs)} for the fact script's round trip${t.validationMs > 0 ? `, ${seconds(t.validationMs)} for validation` : ''}.`,
    `Probes: ${probes.length}, ${seconds(sum)} of their own time in all (the rest is the connection and the script's framing).`,
    ...(probes.length === 0 ? [] : ['Slowest probes:']),
    ...probes.slice(0, top).map(([id, ms]) => `  ${seconds(ms).padStart(width)}  ${id}`),
  ];
  const rest = probes.slice(top);
  if (rest.length > 0) lines.push(`  … ${rest.length} more, ${seconds(rest.reduce((n, [, ms]) => n + ms, 0))} together`);
  return `${lines.join('\n')}\n`;
};
