// What `keelson uninstall` and the wizard's Uninstall both do before anything changes: read the record, choose the
// stack, gather its facts in one round trip, and plan what goes and what stays, as an applyable Plan. Read-only.
import type { Host } from '../host/host.js';
import { newRunId } from '../apply/apply-plan.js';
import { gatherFacts } from '../facts/gather.js';
import { PLAN_FORMAT, type Plan } from '../engine/plan.js';
import { KEELSON_VERSION } from '../engine/version.js';
import { readRecord, RECORD_PATH, type RecordFile } from '../state/index.js';
import { uninstallFacts } from '../flows/uninstall/uninstall-facts.js';
import { uninstallPlan, type UninstallPlan } from '../flows/uninstall/uninstall-plan.js';
import { UsageError } from './exit-codes.js';

export interface UninstallChoice {
  /** The stack to remove; without it, the only one the record has. */
  readonly stack?: string;
  readonly purge: boolean;
  /** A final backup of the volumes before a purge deletes them. */
  readonly backup: boolean;
  /** Called with the chosen stack before any fact is gathered: the command checks its flags against the name. */
  readonly check?: (stack: string) => void;
}

export type UninstallPrepared =
  | { readonly refused: string }
  | { readonly nothing: string | null }
  | { readonly p: UninstallPlan; readonly plan: Plan; readonly runId: string };

/** Which stack: the one named, or the only one the record has (null: nothing installed). */
const chooseStack = (file: RecordFile, stack: string | undefined): string | null => {
  const names = file.kind === 'present' ? Object.keys(file.record.stacks) : [];
  if (stack !== undefined) return names.includes(stack) ? stack : null;
  if (names.length > 1) throw new UsageError(`this host has ${names.length} stacks (${names.join(', ')}): name one with --stack NAME`);
  return names[0] ?? null;
};

const asPlan = (host: Host, p: UninstallPlan, made: { hash: string; digests: Readonly<Record<string, string>>; at: string; mode: 'rootless' | 'rootful'; manifest: unknown; roundTrips: number }): Plan => ({
  format: PLAN_FORMAT,
  blocked: false,
  blockerCount: 0,
  keelsonVersion: KEELSON_VERSION,
  createdAt: made.at,
  host: host.label,
  stack: { name: p.stack, version: p.version, mode: made.mode },
  factsHash: made.hash,
  factDigests: made.digests,
  inputs: { manifest: made.manifest, answers: {} },
  roundTrips: made.roundTrips,
  validationRoundTrips: 0,
  steps: p.steps,
});

export const prepareUninstall = async (host: Host, choice: UninstallChoice): Promise<UninstallPrepared> => {
  const before = host.roundTrips;
  const file = await readRecord(host);
  if (file.kind === 'newer' || file.kind === 'unreadable') return { refused: file.why };
  const stack = chooseStack(file, choice.stack);
  const entry = stack === null || file.kind !== 'present' ? undefined : file.record.stacks[stack];
  if (entry === undefined) return { nothing: choice.stack ?? null };
  choice.check?.(entry.stack);
  const { facts, parse } = uninstallFacts(entry);
  const gathered = await gatherFacts(host, facts);
  const text = await host.readFile(RECORD_PATH);
  const runId = newRunId();
  const at = new Date().toISOString();
  const p = uninstallPlan({ entry, recordText: text.kind === 'present' ? text.content : '', facts: parse(gathered.raw), purge: choice.purge, backup: choice.backup, runId, at });
  const plan = asPlan(host, p, { hash: gathered.hash, digests: gathered.digests, at, mode: entry.mode, manifest: entry.manifest, roundTrips: host.roundTrips - before });
  return { p, plan, runId };
};
