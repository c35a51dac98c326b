// keelson plan: facts in one round trip, checks, actions; text for people, JSON for machines.
import { writeWorkstationFile } from '../../host/workstation-files.js';
import { planHost } from '../../engine/plan-host.js';
import { planBlockers, type Plan } from '../../engine/plan.js';
import { renderPlanText } from '../../engine/render-plan.js';
import { renderTimings } from '../../engine/render-timings.js';
import { visibleText } from '../../engine/visible-text.js';
import { withMissingSecrets } from '../../engine/secret-findings.js';
import { loadSecretAnswers } from '../secrets-file.js';
import { allSteps } from '../../../steps/index.js';
import { loadAnswers, loadStack, type SetupFlags } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { openHost, type HostFlags } from '../open-host.js';
import { trustFor, type TrustFlags } from '../stack-archive.js';
import { recordTextOf } from '../plan-record.js';
import { signerAllowances, withSignerFinding } from '../../flows/signer-finding.js';

export interface PlanFlags extends HostFlags, SetupFlags, TrustFlags {
  readonly stack: string;
  readonly answers?: string;
  readonly json?: boolean;
  readonly out?: string;
  readonly timings?: boolean;
}

export const exitCodeForPlan = (plan: Plan): number => (planBlockers(plan).length > 0 ? EXIT.blocked : EXIT.ok);

export const planCommand = async (flags: PlanFlags): Promise<void> => {
  const { manifest, archive } = await loadStack(flags.stack, undefined, trustFor(flags.stack, flags));
  const answers = await loadAnswers(manifest, flags.answers, flags);
  const host = await openHost(flags);
  try {
    const made = await planHost(host, allSteps, manifest, answers, undefined, archive?.archive);
    // apply's signer gate, said now: another key or no signer after a signed install blocks the plan without its flag.
    const checked = withSignerFinding(recordTextOf(made.raw), made.plan, signerAllowances(flags), 'keelson plan');
    // Asked secrets come at apply (--secrets, or the environment): say now which ones it will need.
    const plan = withMissingSecrets(checked, new Set(Object.keys((await loadSecretAnswers(undefined, process.env)).values)), 'warning');
    const json = `${JSON.stringify(plan, null, 2)}\n`;
    if (flags.out !== undefined) await writeWorkstationFile(flags.out, json, 0o600);
    process.stdout.write(flags.json === true ? json : visibleText(renderPlanText(plan)));
    // After the plan; on stderr with --json, so stdout stays one JSON document.
    if (flags.timings === true) (flags.json === true ? process.stderr : process.stdout).write(`\n${visibleText(renderTimings(plan.timings))}`);
    process.exitCode = exitCodeForPlan(plan);
  } finally {
    await host.close();
  }
};
