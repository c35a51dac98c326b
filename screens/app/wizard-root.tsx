// The wizard with what it needs around it: the controller and the theme, both given, never looked up.
import { ControllerContext, type TargetSpec, type WizardController } from '../controller.js';
import { makeTheme, ThemeContext } from '../theme/theme.js';
import { WizardApp, type WizardExit } from './wizard-app.js';

export interface WizardRootProps {
  readonly controller: WizardController;
  readonly noColor: boolean;
  readonly stackRef?: string;
  readonly target?: TargetSpec;
  readonly onExit: (exit: WizardExit) => void;
}

export const WizardRoot = ({ controller, noColor, stackRef, target, onExit }: WizardRootProps) => (
  <ThemeContext.Provider value={makeTheme(noColor)}>
    <ControllerContext.Provider value={controller}>
      <WizardApp onExit={onExit} {...(stackRef === undefined ? {} : { stackRef })} {...(target === undefined ? {} : { target })} />
    </ControllerContext.Provider>
  </ThemeContext.Provider>
);
