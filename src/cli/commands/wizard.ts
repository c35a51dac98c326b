// The wizard needs a terminal; without one, say what to run instead of hanging on a prompt nobody sees.
// Here the real controller is put together (the screens get it and do no I/O of their own), and once Ink has
// let go of the terminal, the last words: where the log is and how to continue.
import { UsageError } from '../exit-codes.js';
import type { HostFlags } from '../open-host.js';
import type { TargetSpec } from '../../../screens/controller.js';

export const wizardCommand = async (flags: HostFlags & { stack?: string; trust?: string }): Promise<void> => {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UsageError('the wizard needs a terminal; headless, use "keelson plan" and "keelson apply --yes" (see keelson --help)');
  }
  // How keelson is started from where the operator is (npm run moves keelson into the package directory): a look
  // along PATH, started first so that it runs while the screens load.
  const { detectKeelsonCommand, operatorCwd } = await import('../keelson-command.js');
  const { ENTRY_POINT, IS_SINGLE_EXECUTABLE, PACKAGE_ROOT } = await import('../package-location.js');
  const cwd = operatorCwd(process.env, process.cwd());
  const detected = detectKeelsonCommand(PACKAGE_ROOT, ENTRY_POINT, cwd, process.env, IS_SINGLE_EXECUTABLE);
  // Loaded here, not at the top: the headless commands never pay for Ink and React. Side by side, so their
  // loading overlaps (the first frame waits for the slowest, not the sum).
  const [{ runWizard }, { noColorFromEnv }, { createWizardController }, { defaultLogDir, openWizardLog }, { fileProgressStore, wizardSettingsFile }, { createRedactor }, keelson] =
    await Promise.all([
      import('../../../screens/run-wizard.js'),
      import('../../../screens/theme/theme.js'),
      import('../wizard-controller.js'),
      import('../wizard-log.js'),
      import('../wizard-progress-store.js'),
      import('../wizard-redactor.js'),
      detected,
    ]);
  const redactor = createRedactor();
  const log = openWizardLog(defaultLogDir(), redactor);
  log.write(`keelson wizard started in ${cwd} (pid ${process.pid}, ${process.stdout.columns}x${process.stdout.rows}); started again as: ${keelson}`);
  const controller = createWizardController({ flags, log, redactor, progress: fileProgressStore(wizardSettingsFile()), cwd, keelson, ...(flags.trust === undefined ? {} : { trust: flags.trust }) });
  const target: TargetSpec | undefined =
    flags.host === undefined ? undefined : { kind: 'ssh', destination: flags.host, ...(flags.identity === undefined ? {} : { identity: flags.identity }) };
  try {
    const exit = await runWizard({
      controller,
      noColor: noColorFromEnv(process.env),
      ...(flags.stack === undefined ? {} : { stackRef: flags.stack }),
      ...(target === undefined ? {} : { target }),
    });
    const lines = [`Log of this run: ${controller.logPath}`];
    if (exit.reason === 'stopped') {
      lines.unshift(`Apply stopped as you asked${exit.outcome === null ? '' : ` (journal on the host: ${exit.outcome.journalPath})`}. Run ${keelson} again to resume or roll back.`);
    } else if (exit.reason === 'quit' && exit.progressSaved) {
      lines.unshift(`Your progress is saved: run ${keelson} again to continue where you stopped.`);
    }
    // A script that runs the wizard in a terminal can still tell: an apply that did not finish is a failure.
    if (exit.outcome !== null && !exit.outcome.ok) process.exitCode = 1;
    process.stderr.write(`${lines.join('\n')}\n`);
  } finally {
    await controller.close();
  }
};
