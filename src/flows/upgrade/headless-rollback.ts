// `keelson rollback`: the rollback an upgrade saved on the host before its first change (rollbackPlanPath), run on
// its own when the upgrade did not get to finish or roll itself back (keelson killed, the connection cut, the
// automatic rollback failed). The same actions as the automatic one — files back, daemon-reload, the same restarts,
// the old target and health gate, the record as it was — except that the record keeps the history written since
// (the interrupted run, a failed mark and its clearing). Offered only when the host needs it: the record still says
// the upgrade's from-version and the last run of the stack did not finish, or the stack is marked failed. Pure.
import { z } from 'zod';
import type { JournaledRun } from '../../apply/last-run.js';
import { actionSchema, type Action } from '../../engine/action.js';
import { PLAN_FORMAT, type Plan } from '../../engine/plan.js';
import { parseRecord, stackRecordOf, type RecordFile } from '../../state/parse-record.js';
import { RECORD_PATH, type StackRecord } from '../../state/record-schema.js';
import { renderRecord } from '../../state/stack-record.js';
import { clearedNote, failedRefusal } from '../failed-mark.js';
import { rollbackPlanPath } from './phases.js';
import type { Refusal } from './refusals.js';

const savedSchema = z.looseObject({
  format: z.literal('keelson-rollback/1'),
  stack: z.string(),
  from: z.string(),
  to: z.string(),
  rollback: z.array(actionSchema),
});

export type HeadlessRollback =
  | { readonly kind: 'rollback'; readonly stack: StackRecord; readonly from: string; readonly to: string; readonly actions: readonly Action[] }
  /** Nothing to roll back (exit 0): the last run finished, or rolled itself back. */
  | { readonly kind: 'nothing'; readonly message: string }
  | { readonly kind: 'refused'; readonly refusal: Refusal };

const refuse = (code: string, message: string, remedy: string): HeadlessRollback => ({ kind: 'refused', refusal: { code, message, remedy } });

/** Which stack to roll back: the one named, else the last run's, else the only one deployed. */
export const rollbackStackName = (record: RecordFile, lastRun: JournaledRun | null, named: string | undefined): { readonly ok: true; readonly stack: string } | { readonly ok: false; readonly refusal: Refusal } => {
  if (record.kind !== 'present') {
    const why = record.kind === 'absent' ? `nothing deployed by keelson on this host (no ${RECORD_PATH})` : record.why;
    return { ok: false, refusal: { code: 'no-record', message: `Nothing to roll back: ${why}.`, remedy: 'An interrupted first install is finished by running the same apply again (finished actions are not repeated).' } };
  }
  const installed = Object.keys(record.record.stacks);
  const stack = named ?? lastRun?.stack ?? (installed.length === 1 ? installed[0] : undefined);
  if (stack === undefined || record.record.stacks[stack] === undefined) {
    return { ok: false, refusal: { code: 'not-installed', message: `${stack ?? 'Which stack'}: ${stack === undefined ? 'more than one stack is deployed here' : 'is not deployed on this host'} (deployed: ${installed.join(', ') || 'none'}).`, remedy: 'Name the stack: keelson rollback --stack NAME.' } };
  }
  return { ok: true, stack };
};

/** The record as the upgrade found it, with the history as it is now (and no failed mark: the rollback puts it right). */
const restoredRecord = (savedText: string, current: RecordFile, now: StackRecord): string => {
  const saved = stackRecordOf(parseRecord(savedText), now.stack);
  return saved === null || current.kind !== 'present' ? savedText : renderRecord(current, { ...saved, history: now.history, failed: null });
};

const withRestoredRecord = (actions: readonly Action[], current: RecordFile, now: StackRecord, clear: boolean): Action[] => {
  const cleared = clear ? clearedNote(now) : undefined;
  return actions.map((a) => {
    if (a.kind !== 'state.write' || a.path !== RECORD_PATH) return a;
    const run = a.run === undefined ? {} : { run: { ...a.run, ...(cleared === undefined ? {} : { cleared }) } };
    return { ...a, description: `${a.description} (its history kept${cleared === undefined ? '' : ', the failed mark cleared'})`, content: restoredRecord(a.content, current, now), ...run };
  });
};

const unfinished = (r: JournaledRun | null, stack: string): boolean => r !== null && r.stack === stack && r.state !== 'ok' && !r.rolledBack;

export interface HeadlessInputs {
  readonly record: RecordFile;
  readonly stack: string;
  /** The saved rollback plan's text (null: none on the host). */
  readonly saved: string | null;
  readonly lastRun: JournaledRun | null;
  readonly clearFailed: boolean;
}

const parseSaved = (text: string): z.infer<typeof savedSchema> | null => {
  try {
    const r = savedSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
};

export const headlessRollback = (i: HeadlessInputs): HeadlessRollback => {
  const now = stackRecordOf(i.record, i.stack);
  if (now === null) return refuse('not-installed', `${i.stack} is not deployed on this host.`, 'Name a deployed stack: keelson status lists them.');
  const path = rollbackPlanPath(i.stack);
  if (i.saved === null) return refuse('no-rollback-plan', `No upgrade of ${i.stack} left a rollback plan on this host (${path}).`, 'An interrupted install or apply is finished by running the same apply again (finished actions are not repeated).');
  const saved = parseSaved(i.saved);
  if (saved === null || saved.stack !== i.stack) return refuse('rollback-plan-unreadable', `${path} is not a keelson-rollback/1 plan of ${i.stack}.`, `Nothing was changed. Look at ${path} and the journals in /var/lib/keelson/journal; run the upgrade again to converge.`);
  if (now.version !== saved.from) {
    const done = now.version === saved.to;
    return refuse(done ? 'upgrade-finished' : 'rollback-plan-stale', done ? `The upgrade of ${i.stack} to ${saved.to} finished (the record says ${saved.to}): no unfinished run to roll back.` : `${path} rolls back ${saved.from} → ${saved.to}, but ${i.stack} ${now.version} is deployed.`, done ? `To go back to ${saved.from}: keelson upgrade --stack MANIFEST-${saved.from} --allow-downgrade.` : 'Nothing was changed; run the upgrade you mean again.');
  }
  const failed = failedRefusal(now, 'keelson rollback');
  if (failed !== null && !i.clearFailed) return { kind: 'refused', refusal: failed };
  if (failed === null && !unfinished(i.lastRun, i.stack)) {
    return { kind: 'nothing', message: `Nothing to roll back: ${i.stack} ${now.version} is deployed and its last run ${i.lastRun === null ? 'is not journaled' : i.lastRun.rolledBack ? 'was rolled back' : 'finished'}.` };
  }
  return { kind: 'rollback', stack: now, from: saved.from, to: saved.to, actions: withRestoredRecord(saved.rollback, i.record, now, i.clearFailed) };
};

/** The rollback as a plan apply can walk (journaled, locked, interruptible like any other). */
export const headlessRollbackPlan = (r: Extract<HeadlessRollback, { kind: 'rollback' }>, o: { readonly keelsonVersion: string; readonly createdAt: string; readonly host: string; readonly roundTrips: number }): Plan => ({
  format: PLAN_FORMAT,
  blocked: false,
  blockerCount: 0,
  keelsonVersion: o.keelsonVersion,
  createdAt: o.createdAt,
  host: o.host,
  stack: { name: r.stack.stack, version: r.from, mode: r.stack.mode },
  // Not a saved plan: nothing compares its facts later.
  factsHash: '',
  factDigests: {},
  inputs: { manifest: r.stack.manifest, answers: r.stack.answers ?? {} },
  roundTrips: o.roundTrips,
  validationRoundTrips: 0,
  steps: [{ id: 'rollback', title: `Rollback: ${r.stack.stack} back to ${r.from} (the upgrade to ${r.to} did not finish)`, findings: [], actions: [...r.actions] }],
});
