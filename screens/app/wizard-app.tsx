// The wizard: one state machine (wizard-state.ts), one screen at a time, the controller for everything that
// touches the world. Progress is saved as the operator moves, so a wizard quit (or killed) can continue.
import { useEffect, useReducer, useState, type ReactNode } from 'react';
import { Box, useApp, useInput } from 'ink';
import { useController, type ApplyOutcome, type TargetSpec } from '../controller.js';
import { HelpScreen } from '../components/help/help-screen.js';
import { ApplyScreen } from '../apply/apply-screen.js';
import { DeployedScreen } from '../deployed/deployed-screen.js';
import { HostRunScreen } from '../host-run/host-run-screen.js';
import { TroubleshootScreen } from '../troubleshoot/troubleshoot-screen.js';
import { UninstallScreen } from '../uninstall/uninstall-screen.js';
import { UpgradeScreen } from '../upgrade/upgrade-screen.js';
import { QuestionsScreen } from '../questions/questions-screen.js';
import { ReviewScreen } from '../review/review-screen.js';
import { StackScreen } from '../stack/stack-screen.js';
import { StepScreen } from '../step/step-screen.js';
import { SummaryScreen } from '../summary/summary-screen.js';
import { TargetScreen } from '../target/target-screen.js';
import { WelcomeScreen } from '../welcome/welcome-screen.js';
import { effectivePlan } from '../lines/plan-lines.js';
import { errorText } from '../common/error-text.js';
import type { Binding } from '../keys/bindings.js';
import { currentPlan, initialWizardState, offersDeployed, progressOf, wizardReducer, type WizardState } from './wizard-state.js';

export interface WizardExit {
  /** done: the summary was reached; quit: the operator left early; stopped: apply was stopped part-way. */
  readonly reason: 'done' | 'quit' | 'stopped';
  /** A later `keelson` offers to continue from here. */
  readonly progressSaved: boolean;
  readonly outcome: ApplyOutcome | null;
}

export interface WizardAppProps {
  /** --stack: start with this stack. */
  readonly stackRef?: string;
  /** --host: the Target screen starts with it filled in. */
  readonly target?: TargetSpec;
  readonly onExit: (exit: WizardExit) => void;
}

const TITLES: Record<WizardState['screen'], string> = {
  welcome: 'Welcome',
  target: 'Target',
  'host-run': 'Unfinished run',
  deployed: 'On this host',
  troubleshoot: 'Troubleshoot',
  upgrade: 'Upgrade',
  uninstall: 'Uninstall',
  stack: 'Stack',
  questions: 'Questions',
  step: 'Steps',
  review: 'Review',
  apply: 'Apply',
  summary: 'Summary',
};

export const contextLine = (s: WizardState): string => {
  const stack = s.stack === null ? null : `${s.stack.manifest.stack} ${s.stack.manifest.version} (${s.stack.manifest.mode})`;
  const host = s.hostLabel;
  if (stack !== null && host !== null) return `${stack} → ${host}`;
  return stack ?? host ?? 'Nothing changes on the host until you confirm the Review.';
};

const ignoreKeys = (): void => undefined;

export const WizardApp = ({ stackRef, target, onExit }: WizardAppProps) => {
  const controller = useController();
  const { exit } = useApp();
  const [state, dispatch] = useReducer(wizardReducer, undefined, () => initialWizardState(controller.loadProgress(), stackRef ?? null, target ?? null));
  // Held for the wizard's whole life: without it the terminal drops out of raw mode for an instant whenever one
  // screen's key listener goes and the next one's comes, and a key typed then is echoed or eaten by the tty.
  useInput(ignoreKeys);
  // The keys of the screen "?" was pressed on, in the state it was in: the help lists exactly those.
  const [helpKeys, setHelpKeys] = useState<readonly Binding[]>([]);

  useEffect(() => {
    controller.log(`screen: ${state.screen}${state.screen === 'step' ? ` ${state.stepIndex + 1}` : ''}`);
  }, [controller, state.screen, state.stepIndex]);

  // Keep the operator's place: every move past Welcome is saved (never a secret; see progressOf).
  useEffect(() => {
    if (state.screen === 'summary' || state.screen === 'welcome') return;
    const progress = progressOf(state, new Date(controller.now()).toISOString());
    if (progress !== null) controller.saveProgress(progress);
  }, [controller, state]);

  // Facts and plan, whenever a new plan was asked for; an answer to an older request is dropped.
  const planRequest = state.plan.status === 'running' ? state.plan.request : -1;
  useEffect(() => {
    if (planRequest < 0 || state.stack === null) return;
    const request = planRequest;
    const phase = (p: 'gathering' | 'planning') => {
      dispatch({ type: 'plan-phase', request, phase: p, at: controller.now() });
    };
    phase('gathering');
    controller
      .plan(state.stack, state.answers, phase)
      .then((planned) => {
        dispatch({ type: 'planned', request, planned });
      })
      .catch((e: unknown) => {
        const { message } = errorText(e);
        controller.log(`plan: failed: ${message}`);
        dispatch({ type: 'plan-failed', request, message });
      });
  }, [planRequest]);

  const finish = (reason: WizardExit['reason']) => {
    const saved = reason !== 'done' && controller.loadProgress() !== null;
    controller.log(`wizard: ${reason}${saved ? ' (progress saved)' : ''}`);
    onExit({ reason, progressSaved: saved, outcome: state.outcome });
    exit();
  };

  const common = {
    active: !state.help,
    context: contextLine(state),
    onHelp: (keys: readonly Binding[]) => {
      setHelpKeys(keys);
      dispatch({ type: 'help', open: true });
    },
    onQuit: () => {
      finish('quit');
    },
  };
  const back = () => {
    dispatch({ type: 'back' });
  };
  const plan = currentPlan(state);

  let screen: ReactNode = null;
  switch (state.screen) {
    case 'welcome':
      screen = <WelcomeScreen {...common} offer={state.offer} onStart={(c) => { dispatch({ type: 'start', continueSaved: c }); }} />;
      break;
    case 'target':
      screen = (
        <TargetScreen
          {...common}
          initial={state.target}
          autoConnect={state.resume !== null && state.target !== null}
          onConnected={(target, label, { run: hostRun, record }) => {
            controller.log(`target: connected to ${label}${hostRun === null ? '' : `; unfinished run ${hostRun.runId} (${hostRun.state})`}${record.kind === 'none' ? '' : `; deployment record: ${record.kind === 'stacks' ? record.stacks.map((x) => x.name).join(', ') : 'unreadable'}`}`);
            dispatch({ type: 'connected', target, label, hostRun, record });
          }}
          onBack={back}
        />
      );
      break;
    case 'host-run':
      screen =
        state.hostRun === null ? null : (
          <HostRunScreen
            {...common}
            run={state.hostRun}
            onward={offersDeployed(state, state.record) ? 'the choices for this host' : 'the stack'}
            onResolved={(choice) => { dispatch({ type: 'host-run-resolved', choice }); }}
            onBack={back}
          />
        );
      break;
    case 'deployed':
      screen =
        state.record.kind === 'none' ? null : (
          <DeployedScreen {...common} record={state.record} onChosen={(choice) => { dispatch({ type: 'deployed-chosen', choice }); }} onBack={back} />
        );
      break;
    case 'troubleshoot':
      screen = <TroubleshootScreen {...common} hostLabel={state.hostLabel ?? ''} onBack={back} />;
      break;
    case 'upgrade':
      screen = (
        <UpgradeScreen
          {...common}
          hostLabel={state.hostLabel ?? ''}
          onBack={back}
          // Once it ran, nothing is left to continue: the host runs the new version, or the old one again.
          onFinished={() => { controller.clearProgress(); }}
        />
      );
      break;
    case 'uninstall':
      screen = (
        <UninstallScreen
          {...common}
          stacks={state.record.kind === 'stacks' ? state.record.stacks.map((x) => x.name) : []}
          hostLabel={state.hostLabel ?? ''}
          onBack={back}
          // Once it ran, nothing is left to continue: what the host had is gone or finishes on a re-run.
          onFinished={() => { controller.clearProgress(); }}
        />
      );
      break;
    case 'stack':
      screen = (
        <StackScreen
          {...common}
          autoRef={state.resume !== null || state.resumingRun !== null || state.stack === null ? state.stackRef : null}
          current={state.stack}
          onLoaded={(stack) => { dispatch({ type: 'stack-loaded', stack }); }}
          onBack={back}
        />
      );
      break;
    case 'questions':
      screen =
        state.stack === null ? null : (
          <QuestionsScreen
            {...common}
            stack={state.stack}
            answers={state.answers}
            secrets={state.secrets}
            onAnswered={(answers, secrets) => {
              controller.setSecrets(secrets);
              controller.log(`answers: ${JSON.stringify(answers)}; secrets typed: ${Object.keys(secrets).join(', ') || 'none'}`);
              dispatch({ type: 'answered', answers, secrets });
            }}
            onBack={back}
          />
        );
      break;
    case 'step':
      screen = (
        <StepScreen
          {...common}
          plan={state.plan}
          stepIndex={state.stepIndex}
          skipped={state.skipped}
          hostLabel={state.hostLabel ?? ''}
          onNext={() => { dispatch({ type: 'next-step' }); }}
          onSkip={() => {
            const id = plan?.steps[state.stepIndex]?.id ?? '';
            controller.log(`step: ${id} ${state.skipped.includes(id) ? 'included again' : 'skipped'} by the operator`);
            dispatch({ type: 'skip-step' });
          }}
          onRecheck={() => { dispatch({ type: 'recheck' }); }}
          onBack={back}
          answers={state.answers}
          dataMount={state.stack?.manifest.dataMount ?? '/'}
          onLuks={(request) => {
            controller.log(request === null ? 'storage: the operator dropped the LUKS setup' : `storage: the operator asked for the LUKS setup on ${request.device} (typed twice)`);
            dispatch({ type: 'luks-requested', request });
          }}
        />
      );
      break;
    case 'review':
      screen =
        plan === null || state.stack === null ? null : (
          <ReviewScreen
            {...common}
            plan={plan}
            skipped={state.skipped}
            hostLabel={state.hostLabel ?? ''}
            stack={state.stack}
            answers={state.answers}
            resumingRun={state.resumingRun}
            saved={state.saved}
            onConfirm={() => {
              controller.log('review: confirmed by the operator');
              dispatch({ type: 'review-confirmed' });
            }}
            onNothingToDo={() => {
              controller.clearProgress();
              dispatch({ type: 'to-summary' });
            }}
            onSaved={(saved) => { dispatch({ type: 'answers-saved', saved }); }}
            onBack={back}
          />
        );
      break;
    case 'apply':
      screen =
        plan === null ? null : (
          <ApplyScreen
            {...common}
            plan={effectivePlan(plan, state.skipped)}
            hostLabel={state.hostLabel ?? ''}
            onApplied={(outcome) => {
              if (outcome.ok) controller.clearProgress();
              dispatch({ type: 'applied', outcome });
            }}
            onStopped={(outcome) => {
              // The controller has logged the stop, with the journal's path.
              dispatch({ type: 'applied', outcome });
              onExit({ reason: 'stopped', progressSaved: true, outcome });
              exit();
            }}
            onSummary={() => { dispatch({ type: 'to-summary' }); }}
            onReplan={() => { dispatch({ type: 'replan' }); }}
          />
        );
      break;
    case 'summary':
      screen =
        state.stack === null || state.target === null ? null : (
          <SummaryScreen
            {...common}
            onQuit={() => { finish(state.outcome === null || state.outcome.ok ? 'done' : 'quit'); }}
            stack={state.stack}
            hostLabel={state.hostLabel ?? ''}
            target={state.target}
            outcome={state.outcome}
            logPath={controller.logPath}
            saved={state.saved}
            answers={state.answers}
            onSaved={(saved) => { dispatch({ type: 'answers-saved', saved }); }}
            onReplan={() => { dispatch({ type: 'replan' }); }}
          />
        );
      break;
  }

  return (
    <>
      <Box display={state.help ? 'none' : 'flex'} flexDirection="column">
        {screen}
      </Box>
      {state.help ? <HelpScreen title={TITLES[state.screen]} keys={helpKeys} onClose={() => { dispatch({ type: 'help', open: false }); }} /> : null}
    </>
  );
};
