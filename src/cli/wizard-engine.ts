// What the wizard's controller does through the engine (hosts, manifests, plan, apply, journal), in one module the
// controller loads when the operator first needs it: the first frame does not wait for ssh2, zod, yaml and the steps.
export { applyPlan, newRunId } from '../apply/apply-plan.js';
export { readLastRunAndFile } from '../apply/last-run.js';
export { RECORD_PATH } from '../flows/doctor/record-view.js';
export { runDoctor } from '../flows/doctor/run-doctor.js';
export { blockedWhileFailed } from '../flows/failed-mark.js';
export { withSignerFinding } from '../flows/signer-finding.js';
export { recordTextOf } from './plan-record.js';
export { hostRecordOf } from './wizard-host-record.js';
export { rollbackRun } from '../apply/rollback.js';
export { planHost } from '../engine/plan-host.js';
export { renderPlanText } from '../engine/render-plan.js';
export { allSteps } from '../../steps/index.js';
export { bundledStacks, loadStack } from './context.js';
export { openHost } from './open-host.js';
export { writeAnswersFiles } from './wizard-answers-file.js';
export { listBundledStacks } from './wizard-stacks.js';
export { writeSupportBundle } from './support-bundle-write.js';
export { prepareUninstall } from './uninstall-prepare.js';
export { nothingToUninstallText, uninstallConfirmWord, uninstallText } from '../flows/uninstall/uninstall-text.js';
export { upgradeContext } from './upgrade-context.js';
export { runUpgrade } from './upgrade-run.js';
export { blockerText } from './commands/upgrade.js';
export { admitUpgrade } from '../flows/upgrade/refusals.js';
export { questionsToAsk } from '../flows/upgrade/answers.js';
export { recordedManifest } from '../flows/upgrade/summary.js';
export { upgradeSummaryText } from '../flows/upgrade/summary-text.js';
export { parseRecord } from '../state/parse-record.js';
