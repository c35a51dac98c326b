// The failed mark as apply and rollback meet it: the record read from the host (one round trip), the pure gate of
// src/flows/failed-mark.ts, and a refusal printed the way upgrade prints its own (exit 3, nothing changed). apply
// also meets the signer rule of an upgrade there (src/flows/upgrade/signer-change.ts), from the same read.
import type { Host } from '../host/host.js';
import type { Plan } from '../engine/plan.js';
import { visibleText } from '../engine/visible-text.js';
import { gateFailed, type FailedGate } from '../flows/failed-mark.js';
import type { Refusal } from '../flows/upgrade/refusals.js';
import { gateSigner, type SignerAllowances } from '../flows/upgrade/signer-change.js';
import { RECORD_PATH } from '../state/record-schema.js';
import { EXIT } from './exit-codes.js';

/** `signer`: also refuse a plan whose archive's signer differs from the installed version's (apply). */
export const failedGate = async (host: Host, plan: Plan, command: string, clear: boolean, signer?: SignerAllowances): Promise<FailedGate> => {
  const f = await host.readFile(RECORD_PATH);
  const text = f.kind === 'present' ? f.content : null;
  const gate = gateFailed(text, plan, command, clear);
  const refusal = !gate.ok || signer === undefined ? null : gateSigner(text, plan, signer);
  return refusal === null ? gate : { ok: false, refusal };
};

/** Says why nothing was done and what to do next; --json gets the refusal as data too. */
export const refused = (command: string, refusal: Refusal, json: boolean): void => {
  if (json) process.stdout.write(`${JSON.stringify({ ok: false, blocked: true, refusal }, null, 2)}\n`);
  process.stderr.write(visibleText(`keelson: ${command} refused: ${refusal.message}\n  → ${refusal.remedy}\n`));
  process.exitCode = EXIT.blocked;
};
