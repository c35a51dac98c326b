// Mounts the wizard on the terminal and resolves with how it ended. The caller (src/cli/commands/wizard.ts)
// builds the controller and prints the last words (log path, how to continue) once Ink has let go.
import { render } from 'ink';
import type { TargetSpec, WizardController } from './controller.js';
import { WizardRoot } from './app/wizard-root.js';
import type { WizardExit } from './app/wizard-app.js';

export interface RunWizardOptions {
  readonly controller: WizardController;
  readonly noColor: boolean;
  readonly stackRef?: string;
  /** --host (and --identity): the Target screen starts with it filled in. */
  readonly target?: TargetSpec;
}

export const runWizard = async ({ controller, noColor, stackRef, target }: RunWizardOptions): Promise<WizardExit> => {
  let result: WizardExit = { reason: 'quit', progressSaved: false, outcome: null };
  const app = render(
    <WizardRoot
      controller={controller}
      noColor={noColor}
      {...(stackRef === undefined ? {} : { stackRef })}
      {...(target === undefined ? {} : { target })}
      onExit={(e) => {
        result = e;
      }}
    />,
    // ctrl+c is a key like q: during apply it must ask before anything stops.
    { exitOnCtrlC: false },
  );
  await app.waitUntilExit();
  return result;
};

export type { WizardExit };
