// Gathers every fact a plan needs in exactly one crossing to the host, then parses each one purely.
import { createHash, randomBytes } from 'node:crypto';
import type { Host } from '../host/host.js';
import { CommandFailedError } from '../host/host-error.js';
import type { Fact, ProbeOutput } from './fact.js';
import { buildGatherScript } from './gather-script.js';
import { parseGatherFrames } from './gather-frames.js';

export interface GatheredFacts {
  /** Raw answers by fact id: the parsers run on these, and they are what a saved plan is compared with. */
  readonly raw: ReadonlyMap<string, ProbeOutput>;
  /** sha256 over the non-volatile answers, in id order. */
  readonly hash: string;
  /** Per non-volatile fact, the first 16 hex digits of its answer's sha256. */
  readonly digests: Readonly<Record<string, string>>;
  readonly elapsedMs: number;
  /** Each probe's own wall time on the host, by fact id (volatile: never part of the hash). */
  readonly probeMs: Readonly<Record<string, number>>;
}

export const digestOfDigests = (digests: Readonly<Record<string, string>>): string =>
  createHash('sha256').update(JSON.stringify(Object.entries(digests).sort(([a], [b]) => a.localeCompare(b)))).digest('hex');

/** Fact ids whose answers differ between two gatherings (added or gone count as changed). */
export const changedFacts = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): string[] =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((id) => a[id] !== b[id]).sort();

const probeKey = (f: Fact<unknown>) => JSON.stringify(f.probe);

// A guard against a hung host, not a budget (a dead connection is caught sooner by SSH keepalives): on a slow or busy
// host the single round trip waits for each LUKS keyslot's PBKDF test and for Podman's locks while a stack starts.
// On the emulated test VM just after a reboot with two stacks starting it took over 290 s.
const GATHER_TIMEOUT_MS = 600_000;

export const gatherFacts = async (host: Host, facts: readonly Fact<unknown>[], timeoutMs = GATHER_TIMEOUT_MS): Promise<GatheredFacts> => {
  const unique = new Map<string, Fact<unknown>>();
  for (const f of facts) {
    const seen = unique.get(f.id);
    if (seen !== undefined && probeKey(seen) !== probeKey(f)) {
      throw new Error(`two facts share the id "${f.id}" but probe differently: give one of them another id`);
    }
    unique.set(f.id, f);
  }
  const nonce = `@@keelson-${randomBytes(8).toString('hex')}`;
  const requests = [...unique.values()].map((f) => ({ id: f.id, probe: f.probe }));
  const script = buildGatherScript(requests, nonce);
  const started = performance.now();
  // The script arrives on stdin: no size limit of a command line, and nothing of it in `ps`.
  const result = await host.run(['sh', '-s'], { stdin: script, timeoutMs });
  const elapsedMs = performance.now() - started;
  if (result.exitCode !== 0) throw new CommandFailedError(['sh', '-s', '(fact script)'], result.exitCode, result.stderr);
  const { answers: raw, probeMs } = parseGatherFrames(result.stdout, nonce, [...unique.keys()]);
  const digests: Record<string, string> = {};
  for (const id of [...unique.keys()].sort()) {
    const fact = unique.get(id);
    const answer = raw.get(id);
    if (fact?.volatile === true || answer === undefined) continue;
    digests[id] = createHash('sha256').update(`${answer.exitCode}\0${answer.stdout}\0${answer.stderr}`).digest('hex').slice(0, 16);
  }
  return { raw, hash: digestOfDigests(digests), digests, elapsedMs, probeMs };
};
