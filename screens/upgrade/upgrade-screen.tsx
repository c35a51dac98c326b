// Upgrade from the wizard: the new version's stack (the Stack screen: a bundled stack, a manifest file or a stack
// archive), keelson upgrade's admission, only the questions the record cannot answer (the Questions screen), the
// summary exactly as `keelson upgrade` prints it, and a typed "yes" as it asks. Nothing on the host changes before
// that; esc / b go back until then. Then the run (upgrade-run.tsx), with its automatic rollback.
import { useEffect, useReducer, type ReactNode } from 'react';
import type { Key } from 'ink';
import { useController, type UpgradeOutcome } from '../controller.js';
import { Frame } from '../components/frame/frame.js';
import { useLayout } from '../components/frame/use-layout.js';
import { ScrollView } from '../components/scroll-view/scroll-view.js';
import { useScrollState } from '../components/scroll-view/use-scroll-state.js';
import { Spinner } from '../components/spinner/spinner.js';
import { TypedConfirm } from '../components/typed-confirm/typed-confirm.js';
import { textInputInit, textInputReducer } from '../components/text-input/text-input-state.js';
import { textKey } from '../components/text-input/use-text-input.js';
import { errorText } from '../common/error-text.js';
import type { ScreenProps } from '../common/screen-props.js';
import { bind, scrollBinding, TEXT_FIELD_KEYS, type Binding } from '../keys/bindings.js';
import { blank, seg, wrapped, type Line } from '../lines/line.js';
import { QuestionsScreen } from '../questions/questions-screen.js';
import { StackScreen } from '../stack/stack-screen.js';
import { planTextLines } from '../uninstall/uninstall-screen.js';
import { initialUpgrade, UPGRADE_CONFIRM_WORD, upgradeBack, upgradeReducer } from './upgrade-state.js';
import { UpgradeRun } from './upgrade-run.js';

export interface UpgradeScreenProps extends ScreenProps {
  readonly hostLabel: string;
  /** Back to the host's choices (only before the confirmation). */
  readonly onBack: () => void;
  readonly onFinished?: (outcome: UpgradeOutcome) => void;
}

export const UPGRADE_HEADING = 'Upgrade to which version? A bundled stack, or the new version’s manifest file or stack archive (.keelson, checked against your trusted key).';

export const UpgradeScreen = ({ active, context, hostLabel, onBack, onFinished, onHelp, onQuit }: UpgradeScreenProps) => {
  const controller = useController();
  const [stage, dispatch] = useReducer(upgradeReducer, initialUpgrade);
  const [typed, edit] = useReducer(textInputReducer, '', textInputInit);
  const failed = (e: unknown) => { dispatch({ type: 'failed', message: errorText(e).message }); };

  useEffect(() => {
    if (stage.kind === 'checking') controller.upgradeCheck(stage.stack).then((checked) => { dispatch({ type: 'checked', checked }); }).catch(failed);
    if (stage.kind === 'planning') controller.upgradePlan(stage.checked.stack, stage.answers).then((planned) => { dispatch({ type: 'planned', planned }); }).catch(failed);
  }, [stage.kind]);

  const back = () => {
    edit({ type: 'clear' });
    if (upgradeBack(stage) === null) onBack();
    else dispatch({ type: 'back' });
  };
  const quit = bind('q', 'quit', 'quit', onQuit);
  let bindings: Binding[];
  switch (stage.kind) {
    case 'checking':
    case 'planning':
      bindings = [bind('esc', 'back', 'back', back), bind('ctrl+c', 'quit', 'quit', onQuit)];
      break;
    case 'said':
      bindings = [scrollBinding((i) => { scroll.move(i); }), bind('enter', 'back', ['enter', 'back'], back), quit];
      break;
    case 'summary': {
      const go = () => {
        controller.log(typed.value.trim() === UPGRADE_CONFIRM_WORD ? 'upgrade: the typed confirmation matches' : 'upgrade: the typed confirmation does not match: nothing changed');
        dispatch({ type: 'typed', text: typed.value });
        edit({ type: 'clear' });
      };
      bindings = [TEXT_FIELD_KEYS, scrollBinding((i) => { scroll.move(i); }, 'scroll the summary (↑↓ pgup pgdn)'), bind('enter', 'confirm', 'enter', go, { help: `type ${UPGRADE_CONFIRM_WORD} and press enter to upgrade` }), bind('esc', 'back', 'back', back, { help: 'back: nothing has changed on the host' }), bind('ctrl+c', 'quit', 'quit', onQuit)];
      break;
    }
    case 'stack':
    case 'questions':
    case 'running':
    case 'finished':
      bindings = []; // the embedded screens and the run have their own keys
  }
  const frame = { title: 'Upgrade', context, bindings, textEntry: stage.kind === 'summary', ...(stage.kind === 'summary' ? {} : { onHelp }) };
  const { width, bodyRows } = useLayout(frame);
  const prompt: Line[] = stage.kind !== 'summary' ? [] : [
    blank,
    ...(stage.wrong === null ? [] : wrapped(`"${stage.wrong}" is not "${UPGRADE_CONFIRM_WORD}": nothing was changed. Type it exactly, or esc to go back.`, width, { tone: 'bad' })),
    ...wrapped(`Type "${UPGRADE_CONFIRM_WORD}" and press enter to upgrade ${stage.planned.prepared.summary.stack} on ${hostLabel} (a failure after the first change rolls back by itself):`, width, { bold: true }),
  ];
  const lines: Line[] =
    stage.kind === 'summary'
      ? planTextLines(stage.planned.text, width)
      : stage.kind === 'said'
        ? [
            ...planTextLines(stage.said.text, width).map((l, i) => (i === 0 ? l.map((s) => ({ ...s, bold: true, tone: stage.said.tone })) : l)),
            ...(stage.said.remedy === null ? [] : [blank, ...wrapped(stage.said.remedy, width, { tone: 'accent' }, seg('→ ', { tone: 'accent' }), '  ')]),
            blank,
            ...wrapped('Nothing was changed on the host. enter goes back.', width, { tone: 'muted' }),
          ]
        : [];
  const scroll = useScrollState(lines.length, Math.max(1, bodyRows - prompt.length - (stage.kind === 'summary' ? 1 : 0)));
  const onRaw = (input: string, key: Key): boolean => {
    if (stage.kind !== 'summary') return false;
    const e = textKey(input, key);
    if (e === null) return false;
    edit(e);
    return true;
  };
  // After every hook: the embedded screens and the run have frames of their own.
  const common = { active, context, onHelp, onQuit };
  switch (stage.kind) {
    case 'stack':
      return <StackScreen {...common} title="Upgrade · Stack" heading={UPGRADE_HEADING} autoRef={null} current={null} onLoaded={(stack) => { dispatch({ type: 'stack-loaded', stack }); }} onBack={back} />;
    case 'questions':
      return (
        <QuestionsScreen
          {...common}
          stack={stage.checked.asks}
          answers={{}}
          secrets={{}}
          onAnswered={(answers, secrets) => {
            controller.setSecrets(secrets);
            controller.log(`upgrade: new answers ${JSON.stringify(answers)}; secrets typed: ${Object.keys(secrets).join(', ') || 'none'}`);
            dispatch({ type: 'answered', answers });
          }}
          onBack={back}
        />
      );
    case 'running':
    case 'finished': {
      const finished = (o: UpgradeOutcome) => {
        dispatch({ type: 'finished', outcome: o });
        onFinished?.(o);
      };
      return <UpgradeRun {...common} planned={stage.planned} hostLabel={hostLabel} outcome={stage.kind === 'finished' ? stage.outcome : null} onFinished={finished} />;
    }
    case 'checking':
    case 'planning':
    case 'said':
    case 'summary':
      break;
  }
  let body: ReactNode;
  if (stage.kind === 'checking') body = <Spinner label={`Reading what ${hostLabel} has deployed (nothing changes)…`} width={width} />;
  else if (stage.kind === 'planning') body = <Spinner label={`Planning ${stage.checked.stack.manifest.stack} ${stage.checked.from} → ${stage.checked.stack.manifest.version} on the host (nothing changes)…`} width={width} />;
  else if (stage.kind === 'said') body = <ScrollView lines={lines} offset={scroll.offset} height={bodyRows} width={width} />;
  else {
    body = <TypedConfirm lines={lines} offset={scroll.offset} bodyRows={bodyRows} prompt={prompt} typed={typed} focused={active} width={width} />;
  }
  return (
    <Frame {...frame} active={active} onRaw={onRaw}>
      {body}
    </Frame>
  );
};
