// The signer rule of upgrade and apply (upgrade/signer-change.ts) as a finding of a plan, so `keelson plan` (text and
// --json) and the wizard's Review say before any apply what the record's signer makes of this version: a blocker
// where apply refuses (another key without --allow-new-signer, a manifest file after a signed install without
// --allow-unsigned), a warning where the flag accepts it, a notice where the installed version was not signed. The
// same key says nothing here: the plan's archive line already names it. Pure.
import { blocker, info, warning, type Finding } from '../engine/finding.js';
import type { Plan } from '../engine/plan.js';
import { parseRecord, stackRecordOf } from '../state/parse-record.js';
import { withRecordFinding } from './failed-mark.js';
import { signerChange, signerRefusal, type SignerAllowances } from './upgrade/signer-change.js';

/**
 * What the record's signer of `plan`'s stack makes of the plan's source; null: nothing to say (not installed, no
 * archive either time, the same key). `command`: how the operator runs it again ("keelson plan", the wizard's apply).
 */
export const signerFinding = (recordText: string | null, plan: Pick<Plan, 'stack' | 'archive'>, o: SignerAllowances, command: string): Finding | null => {
  const entry = stackRecordOf(parseRecord(recordText), plan.stack.name);
  if (entry === null) return null;
  const c = signerChange(entry.archive, plan.archive);
  const refusal = signerRefusal(c, entry, { stack: plan.stack.name, version: plan.stack.version }, o, command);
  if (refusal !== null) return blocker(refusal.code, refusal.message, refusal.remedy);
  const message = `This ${plan.stack.name} ${plan.stack.version} is ${c.text ?? ''}.`;
  switch (c.kind) {
    case 'none':
    case 'same-key':
      return null;
    case 'new-key':
      return warning('signer-changed', message, `Apply only after you confirmed key ${c.to.signedBy ?? ''} with the vendor by a channel other than this archive; apply needs --allow-new-signer too.`);
    case 'now-unsigned':
      return warning('signer-dropped', message, 'Apply only if you mean to leave signed archives behind; apply needs --allow-unsigned too, and the record then keeps no signer.');
    case 'now-signed':
    case 'still-unsigned':
      return info(`signer-${c.kind}`, message);
  }
};

/** The flags that accept a signer change, as plan and apply take them. */
export const signerAllowances = (flags: SignerAllowances): Required<SignerAllowances> => ({ allowNewSigner: flags.allowNewSigner === true, allowUnsigned: flags.allowUnsigned === true });

/** The plan with that finding on the step that writes the record. */
export const withSignerFinding = (recordText: string | null, plan: Plan, o: SignerAllowances, command: string): Plan => {
  const f = signerFinding(recordText, plan, o, command);
  return f === null ? plan : withRecordFinding(plan, f);
};
