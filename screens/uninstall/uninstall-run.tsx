// The uninstall running: the Apply screen's rows and headline (in the uninstall's words) over the same ApplyEvents, then where the volume
// archives and the journal are. q or ctrl+c stops after the running action; a re-run finishes what is left.
import { useEffect, useReducer, useRef } from 'react';
import { useController, type ApplyOutcome } from '../controller.js';
import { Frame } from '../components/frame/frame.js';
import { useLayout } from '../components/frame/use-layout.js';
import { LineView } from '../components/line-view/line-view.js';
import { ScrollView } from '../components/scroll-view/scroll-view.js';
import { revealRow } from '../components/scroll-view/scroll-state.js';
import { useTicker } from '../components/spinner/use-ticker.js';
import { bind, type Binding } from '../keys/bindings.js';
import type { ScreenProps } from '../common/screen-props.js';
import { blank, wrapped } from '../lines/line.js';
import { planActions } from '../../src/engine/plan-queries.js';
import { applyReducer, initialApplyState } from '../apply/apply-state.js';
import { actionRows, headline } from '../apply/apply-lines.js';
import { finishText, type ReadyUninstall } from './uninstall-state.js';
import { uninstallWords } from '../../src/flows/uninstall/uninstall-text.js';

export interface UninstallRunProps extends ScreenProps {
  readonly planned: ReadyUninstall;
  readonly hostLabel: string;
  readonly onFinished: (outcome: ApplyOutcome) => void;
}

export const UninstallRun = ({ active, context, planned, hostLabel, onFinished, onHelp, onQuit }: UninstallRunProps) => {
  const controller = useController();
  const [state, dispatch] = useReducer(applyReducer, undefined, () => initialApplyState(planActions(planned.plan), controller.now()));
  const abort = useRef<AbortController | null>(null);
  useTicker(250, state.phase !== 'finished');

  useEffect(() => {
    if (abort.current !== null) return; // the run starts exactly once
    const stop = new AbortController();
    abort.current = stop;
    controller.log(`uninstall: ${planned.stack}${planned.purge ? ' (purge)' : ''}: confirmed by the operator; ${planActions(planned.plan).length} actions on ${hostLabel}`);
    const finished = (outcome: ApplyOutcome) => {
      dispatch({ type: 'finished', outcome, at: controller.now() });
      onFinished(outcome);
    };
    controller
      .uninstall(planned, (event) => { dispatch({ type: 'event', event, at: controller.now() }); }, stop.signal)
      .then(finished)
      .catch((e: unknown) => {
        const error = e instanceof Error ? e.message : String(e);
        controller.log(`uninstall: broke off: ${error}`);
        finished({ ok: false, stopped: false, runId: planned.runId, journalPath: '', done: 0, skipped: 0, failed: { index: 0, description: '', error } });
      });
  }, []);

  const stopNow = () => {
    if (state.phase !== 'running') return;
    controller.log('uninstall: the operator asked to stop after the running action');
    dispatch({ type: 'stop-requested' });
    abort.current?.abort();
  };
  const bindings: Binding[] =
    state.phase === 'finished'
      ? [bind('q', 'quit', 'quit', onQuit)]
      : state.phase === 'running'
        ? [bind('q', 'stop', 'quit', stopNow, { help: 'stop after the running action (ctrl+c too); running the uninstall again finishes it' })]
        : [];
  const frame = { title: 'Uninstall', context, bindings, onHelp };
  const { width, bodyRows } = useLayout(frame);
  const now = controller.now();
  const { lines: rows, starts } = actionRows(state, now, width);
  const again = controller.commandFor(['uninstall', '--stack', planned.stack, ...(planned.purge ? ['--purge'] : [])]);
  const after = state.phase === 'finished' && state.outcome !== undefined ? [blank, ...finishText(planned, state.outcome, again).flatMap((l) => wrapped(l, width, { tone: state.outcome?.ok === true ? 'ok' : 'warn' }))] : [];
  const head = [...headline(state, now, uninstallWords(planned, hostLabel), width), blank];
  const listHeight = Math.max(1, bodyRows - head.length - after.length);
  const current = state.current ?? 0;
  const offset = revealRow(starts[Math.max(0, current - 2)] ?? 0, starts[current] ?? 0, rows.length, listHeight);
  return (
    <Frame {...frame} active={active}>
      <LineView lines={head} width={width} />
      <ScrollView lines={rows} offset={offset} height={listHeight} width={width} />
      <LineView lines={after} width={width} />
    </Frame>
  );
};
