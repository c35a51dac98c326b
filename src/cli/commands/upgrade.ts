// keelson upgrade: from the deployed version (the record) to the manifest's, in phases, with an automatic rollback
// when anything after the first change fails. --check prints the summary and changes nothing.
import type { Host } from '../../host/host.js';
import { planActions, planBlockersByStep } from '../../engine/plan.js';
import { visibleText } from '../../engine/visible-text.js';
import { stepName } from '../../engine/plan.js';
import { upgradeSummaryText } from '../../flows/upgrade/summary-text.js';
import type { PreparedUpgrade } from '../../flows/upgrade/prepare.js';
import { loadStack, readProvidedAnswers } from '../context.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { openHost, type HostFlags } from '../open-host.js';
import { checkSecretNames, loadSecretAnswers } from '../secrets-file.js';
import { upgradeContext } from '../upgrade-context.js';
import { confirm } from './apply.js';
import { runUpgrade } from '../upgrade-run.js';
import { trustFor, type TrustFlags } from '../stack-archive.js';

export interface UpgradeFlags extends HostFlags, TrustFlags {
  readonly stack: string;
  readonly answers?: string;
  readonly secrets?: string;
  readonly check?: boolean;
  readonly yes?: boolean;
  readonly json?: boolean;
  readonly allowDowngrade?: boolean;
  readonly clearFailed?: boolean;
}

/** What --json prints: at least from.version, to.version, restarts[] and steps[] (the phases, as in a plan). */
export const upgradeJson = (p: PreparedUpgrade) => ({
  format: 'keelson-upgrade/1',
  blocked: p.plan.blocked,
  blockerCount: p.plan.blockerCount,
  upToDate: p.summary.upToDate,
  stack: p.summary.stack,
  /** The forward run's id: its journal, and the directory of the volume archives. */
  runId: p.runId,
  from: p.summary.from,
  to: p.summary.to,
  signer: p.summary.signer,
  restarts: p.summary.restarts,
  stops: p.summary.stops,
  containers: p.summary.containers,
  images: p.summary.images,
  migrations: p.summary.migrations,
  backups: p.summary.backups,
  /** Each volume archive, and whether a failed upgrade restores it. */
  volumes: p.summary.volumes,
  /** Old upgrade backups removed once the new version is healthy. */
  prunes: p.summary.prunes,
  files: p.summary.files,
  answers: { kept: p.answers.kept, asked: p.answers.asked, dropped: p.answers.dropped },
  steps: p.plan.steps,
});

/** The new version's blockers, each with what to do, as the command prints them (and the wizard shows them). */
export const blockerText = (p: PreparedUpgrade): string =>
  planBlockersByStep(p.plan)
    .map(({ step, finding }) => `  BLOCKER (${stepName(step)}): ${finding.message}\n    → ${finding.remedy}`)
    .join('\n');

const prepare = async (host: Host, flags: UpgradeFlags) => {
  const { manifest, archive } = await loadStack(flags.stack, undefined, trustFor(flags.stack, flags));
  const provided = await readProvidedAnswers(manifest, flags.answers);
  const secrets = await loadSecretAnswers(flags.secrets, process.env);
  checkSecretNames(secrets, manifest);
  const ctx = await upgradeContext(host, manifest, provided, {
    ...(flags.allowDowngrade === true ? { allowDowngrade: true } : {}),
    ...(flags.clearFailed === true ? { clearFailed: true } : {}),
    ...(flags.allowNewSigner === true ? { allowNewSigner: true } : {}),
    ...(flags.allowUnsigned === true ? { allowUnsigned: true } : {}),
    secretNames: new Set(Object.keys(secrets.values)),
    secretSeverity: flags.check === true ? 'warning' : 'blocker',
    ...(archive === undefined ? {} : { archive: archive.archive }),
  });
  return { ctx, secrets: secrets.values, archive };
};

export const upgradeCommand = async (flags: UpgradeFlags): Promise<void> => {
  if (flags.check !== true && flags.yes !== true && !process.stdin.isTTY) throw new UsageError('upgrade needs --yes (or --check) when there is no terminal to confirm in');
  const host = await openHost(flags);
  try {
    const { ctx, secrets, archive } = await prepare(host, flags);
    if (!ctx.ok) {
      const { refusal } = ctx;
      if (flags.json === true) process.stdout.write(`${JSON.stringify({ format: 'keelson-upgrade/1', blocked: true, refusal }, null, 2)}\n`);
      process.stderr.write(visibleText(`keelson: upgrade refused: ${refusal.message}\n  → ${refusal.remedy}\n`));
      process.exitCode = EXIT.blocked;
      return;
    }
    const p = ctx.prepared;
    if (flags.json === true && (flags.check === true || p.plan.blocked)) process.stdout.write(`${JSON.stringify(upgradeJson(p), null, 2)}\n`);
    else if (flags.json !== true) process.stdout.write(visibleText(upgradeSummaryText(p.summary, p.answers)));
    if (p.plan.blocked) {
      process.stderr.write(visibleText(`Nothing was changed: the new version's plan has blockers.\n${blockerText(p)}\n`));
      process.exitCode = EXIT.blocked;
      return;
    }
    if (flags.check === true || p.summary.upToDate) {
      process.exitCode = p.summary.upToDate ? EXIT.ok : EXIT.upgradeAvailable;
      return;
    }
    const count = planActions(p.plan).length;
    if (flags.yes !== true && !(await confirm(count))) {
      process.stderr.write('Nothing was changed.\n');
      process.exitCode = EXIT.failed;
      return;
    }
    const outcome = await runUpgrade(host, p, { secretAnswers: secrets, quiet: flags.json === true, ...(archive === undefined ? {} : { stackArchive: archive }) });
    if (flags.json === true) process.stdout.write(`${JSON.stringify({ ...upgradeJson(p), outcome }, null, 2)}\n`);
    process.exitCode = outcome.ok ? EXIT.ok : EXIT.failed;
  } finally {
    await host.close();
  }
};
