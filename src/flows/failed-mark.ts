// A stack marked failed (an upgrade failed and its rollback failed too) starts nothing again until the operator has
// read why and cleared the mark, as the ECS appliance's /run/appliance-failed: apply, upgrade and rollback refuse
// with the reason and the time. With --clear-failed the run's own record write clears it: journaled as that action
// (its description says so) and kept in the run's history entry (`cleared`: the reason and since when). A run that
// stops before its record write leaves the mark, so a half-done repair is never taken for a cleared one. Pure.
import type { Action } from '../engine/action.js';
import { sortFindings, type Finding } from '../engine/finding.js';
import { planVerdict, type Plan } from '../engine/plan.js';
import { parseRecord, stackRecordOf } from '../state/parse-record.js';
import { RECORD_PATH, type StackRecord } from '../state/record-schema.js';
import { renderRecord } from '../state/stack-record.js';
import type { Refusal } from './upgrade/refusals.js';

/** Why apply, upgrade or rollback (`command`, as the operator types it) will not start this stack; null: not failed. */
export const failedRefusal = (s: StackRecord, command: string): Refusal | null =>
  s.failed === null
    ? null
    : {
        code: 'stack-failed',
        message: `${s.stack} is marked failed since ${s.failed.at} (run ${s.failed.runId}): ${s.failed.reason}.`,
        remedy: `Nothing was changed. Read why (keelson status, keelson doctor, the journals in /var/lib/keelson/journal), repair the cause, then run ${command} again with --clear-failed (the clearing is journaled and kept in the record's history).`,
      };

/** What the history keeps of a cleared mark. */
export const clearedNote = (s: StackRecord): string | undefined =>
  s.failed === null ? undefined : `${s.failed.reason} (marked failed ${s.failed.at}, run ${s.failed.runId})`;

/** The record text with the stack's failed mark removed; other stacks and every other field as they are. */
export const withoutFailedMark = (text: string, stack: string): string => {
  const file = parseRecord(text);
  const entry = file.kind === 'present' ? file.record.stacks[stack] : undefined;
  if (file.kind !== 'present' || entry === undefined || entry.failed === null) return text;
  return renderRecord(file, { ...entry, failed: null });
};

const isRecordWrite = (a: Action): a is Extract<Action, { kind: 'state.write' }> => a.kind === 'state.write' && a.path === RECORD_PATH;

/**
 * The plan whose record write clears the mark of `stack` (as it is in `recordText`, the record on the host now); a
 * plan that writes no record (the host already matches it) gets one more step that does.
 */
export const clearingFailed = (plan: Plan, recordText: string, stack: StackRecord): Plan => {
  const cleared = clearedNote(stack);
  if (cleared === undefined) return plan;
  const clear = (a: Action): Action =>
    isRecordWrite(a) ? { ...a, description: `${a.description}; and clear the failed mark`, content: withoutFailedMark(a.content, stack.stack), ...(a.run === undefined ? {} : { run: { ...a.run, cleared } }) } : a;
  if (plan.steps.some((s) => s.actions.some(isRecordWrite))) return { ...plan, steps: plan.steps.map((s) => ({ ...s, actions: s.actions.map(clear) })) };
  const write: Action = {
    kind: 'state.write',
    description: `clear the failed mark of ${stack.stack} in ${RECORD_PATH} (${cleared})`,
    path: RECORD_PATH,
    content: withoutFailedMark(recordText, stack.stack),
    run: { stack: stack.stack, kind: 'apply', from: stack.version, to: stack.version, cleared },
  };
  return { ...plan, steps: [...plan.steps, { id: 'clear-failed', title: `Clear the failed mark: ${stack.stack} may start again`, findings: [], actions: [write] }] };
};

export type FailedGate = { readonly ok: true; readonly plan: Plan } | { readonly ok: false; readonly refusal: Refusal };

/** Before a plan is shown for confirming: refused while its stack is marked failed, unless the operator clears the mark. */
export const gateFailed = (recordText: string | null, plan: Plan, command: string, clear: boolean): FailedGate => {
  const entry = stackRecordOf(parseRecord(recordText), plan.stack.name);
  if (entry === null || entry.failed === null) return { ok: true, plan };
  const refusal = failedRefusal(entry, command);
  if (!clear && refusal !== null) return { ok: false, refusal };
  return { ok: true, plan: clearingFailed(plan, recordText ?? '', entry) };
};

/**
 * The wizard's plan for a stack marked failed: a blocker on the step that writes the record, saying why and what to
 * run, so the Review cannot apply it (the wizard has no --clear-failed; clearing is a deliberate headless act).
 */
export const blockedWhileFailed = (recordText: string | null, plan: Plan, command: string): Plan => {
  const gate = gateFailed(recordText, plan, command, false);
  if (gate.ok) return plan;
  const { code, message, remedy } = gate.refusal;
  return withRecordFinding(plan, { severity: 'blocker', code, message, remedy });
};

/**
 * The plan with a finding about the record (the failed mark, the signer) on the step that writes it (the first step
 * when none does), blockers first, and the verdict counted again.
 */
export const withRecordFinding = (plan: Plan, finding: Finding): Plan => {
  const at = Math.max(0, plan.steps.findLastIndex((s) => s.actions.some(isRecordWrite)));
  const steps = plan.steps.map((s, i) => (i === at ? { ...s, findings: sortFindings([finding, ...s.findings]) } : s));
  return { ...plan, ...planVerdict(steps), steps };
};
