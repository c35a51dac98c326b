// What `keelson upgrade` reads from the host and the workstation before it decides anything: the record (refused
// when it is unreadable, newer, or lacks the stack), the answers (kept, new, dropped), the new version's plan, and
// the rollback plan an interrupted upgrade to the same version left behind, with the newest journal (was it that
// run, unfinished?). Nothing here changes the host.
import type { Host } from '../host/host.js';
import { newRunId } from '../apply/apply-plan.js';
import { readLastRunAndFile } from '../apply/last-run.js';
import { planHost } from '../engine/plan-host.js';
import type { PlanArchive } from '../engine/plan.js';
import { withMissingSecrets } from '../engine/secret-findings.js';
import { visibleValue } from '../engine/visible-text.js';
import type { Manifest } from '../manifest/schema.js';
import { parseRecord } from '../state/parse-record.js';
import { RECORD_PATH } from '../state/record-schema.js';
import { admitUpgrade, type Refusal } from '../flows/upgrade/refusals.js';
import { upgradeAnswers } from '../flows/upgrade/answers.js';
import { rollbackPlanPath } from '../flows/upgrade/phases.js';
import { prepareUpgrade, type PreparedUpgrade } from '../flows/upgrade/prepare.js';
import { resumedUpgrade } from '../flows/upgrade/resume.js';
import { allSteps } from '../../steps/index.js';
import { UsageError } from './exit-codes.js';

export type UpgradeContext = { readonly ok: true; readonly prepared: PreparedUpgrade } | { readonly ok: false; readonly refusal: Refusal };

export const upgradeContext = async (
  host: Host,
  manifest: Manifest,
  provided: Readonly<Record<string, string>>,
  options: {
    readonly allowDowngrade?: boolean;
    readonly clearFailed?: boolean;
    readonly allowNewSigner?: boolean;
    readonly allowUnsigned?: boolean;
    readonly secretNames: ReadonlySet<string>;
    readonly secretSeverity: 'blocker' | 'warning';
    /** The verified stack archive the manifest came from (--stack FILE.keelson). */
    readonly archive?: PlanArchive;
  },
): Promise<UpgradeContext> => {
  const file = await host.readFile(RECORD_PATH);
  const recordText = file.kind === 'present' ? file.content : '';
  const admitted = admitUpgrade(parseRecord(file.kind === 'present' ? file.content : null), manifest, options);
  if (!admitted.ok) return admitted;
  const answers = upgradeAnswers(manifest, admitted.previous.answers, provided);
  if (!answers.ok) throw new UsageError(`answers for ${manifest.stack} ${manifest.version}:\n${answers.problems.map((p) => `  ${visibleValue(p.id)}: ${p.message}`).join('\n')}`);
  const made = (await planHost(host, allSteps, manifest, answers.value.answers, undefined, options.archive)).plan;
  const plan = withMissingSecrets(made, options.secretNames, options.secretSeverity);
  const { run, file: saved } = await readLastRunAndFile(host, rollbackPlanPath(manifest.stack));
  const resumed = resumedUpgrade(saved, manifest, admitted.previous.version, run);
  const backup = resumed.backupRunId === undefined ? {} : { backupRunId: resumed.backupRunId };
  return { ok: true, prepared: prepareUpgrade({ previous: admitted.previous, recordText, manifest, answers: answers.value, plan, runId: newRunId(), ...backup, resumedRestarts: resumed.restarts, clearFailed: options.clearFailed === true }) };
};
