// Reading the fact script's answer (gather-script.ts writes it). Every line of ours starts with the run's nonce, so no
// stray line is mistaken for one; no probe's output is ever printed as it is, only inside the one base64 blob, so no
// output can forge a line:
//   NONCE a ID EXIT START END GROUP   one per probe, in request order (GROUP: "-", or the as-user group it ran in)
//   NONCE t GROUP LABEL START END      an as-user group's whole run (its switch of user is the part its probes' own
//                                      times do not cover, reported under LABEL)
//   NONCE n SIZE                       the byte size of each probe's stdout, then stderr, in request order
//   NONCE b BASE64                     all of those outputs, one after another
// START and END are the kernel's uptime (/proc/uptime, 10 ms steps), "-" where the host has none.
import type { ProbeOutput } from './fact.js';
import { splitFilesBlob } from './files-blob.js';

export class GatherParseError extends Error {
  constructor(detail: string) {
    super(`the fact script's answer could not be read: ${detail}`);
    this.name = 'GatherParseError';
  }
}

export interface GatherFrames {
  readonly answers: Map<string, ProbeOutput>;
  /** Each probe's own wall time in ms, as the host measured it (absent when the host could not say). */
  readonly probeMs: Record<string, number>;
}

const UPTIME = /^[0-9]+(\.[0-9]+)?$/;

/** ms between two /proc/uptime readings ("1234.56"), or null when either is missing. */
const elapsedMs = (start: string | undefined, end: string | undefined): number | null =>
  start !== undefined && end !== undefined && UPTIME.test(start) && UPTIME.test(end) ? Math.max(0, Math.round((Number(end) - Number(start)) * 1000)) : null;

interface Meta {
  readonly id: string;
  readonly exitCode: number;
  readonly ms: number | null;
  readonly group: string;
}

interface Lines {
  readonly metas: Meta[];
  readonly groups: { group: string; label: string; ms: number | null }[];
  readonly sizes: number[];
  blob: string | null;
}

const readLines = (stdout: string, nonce: string): Lines => {
  const out: Lines = { metas: [], groups: [], sizes: [], blob: null };
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(`${nonce} `)) continue;
    const [, kind, a, b, c, d, e] = line.split(' ');
    if (kind === 'a' && a !== undefined && b !== undefined && /^[0-9]+$/.test(b)) out.metas.push({ id: a, exitCode: Number(b), ms: elapsedMs(c, d), group: e ?? '-' });
    else if (kind === 't' && a !== undefined && b !== undefined) out.groups.push({ group: a, label: b, ms: elapsedMs(c, d) });
    else if (kind === 'n' && a !== undefined && /^[0-9]+$/.test(a)) out.sizes.push(Number(a));
    else if (kind === 'b') out.blob = a ?? '';
    else throw new GatherParseError(`bad line "${line.slice(0, 80)}"`);
  }
  return out;
};

export const parseGatherFrames = (stdout: string, nonce: string, expected: readonly string[]): GatherFrames => {
  const { metas, groups, sizes, blob } = readLines(stdout, nonce);
  const seen = new Set(metas.map((m) => m.id));
  const missing = expected.filter((id) => !seen.has(id));
  if (missing.length > 0) throw new GatherParseError(`no answer for ${missing.join(', ')} (was the script cut short?)`);
  const outputs = blob === null || sizes.length !== 2 * metas.length ? null : splitFilesBlob(sizes, blob);
  if (outputs === null) {
    const total = sizes.reduce((n, s) => n + s, 0);
    throw new GatherParseError(`the probes' output is not all there (${Buffer.from(blob ?? '', 'base64').length} of ${total} bytes, ${sizes.length / 2} of ${metas.length} sizes; was the script cut short?)`);
  }
  const answers = new Map<string, ProbeOutput>();
  const probeMs: Record<string, number> = {};
  metas.forEach((m, i) => {
    answers.set(m.id, { exitCode: m.exitCode, stdout: outputs[2 * i] ?? '', stderr: outputs[2 * i + 1] ?? '' });
    if (m.ms !== null) probeMs[m.id] = m.ms;
  });
  for (const g of groups) {
    if (g.ms === null) continue;
    const own = metas.filter((m) => m.group === g.group).reduce((n, m) => n + (m.ms ?? 0), 0);
    probeMs[g.label] = Math.max(0, g.ms - own);
  }
  return { answers, probeMs };
};

export const parseGatherOutput = (stdout: string, nonce: string, expected: readonly string[]): Map<string, ProbeOutput> =>
  parseGatherFrames(stdout, nonce, expected).answers;
