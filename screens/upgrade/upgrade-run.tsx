// The upgrade running: each phase and its actions as keelson upgrade walks them, then — when anything after the
// first change fails — the automatic rollback's actions, then the end. q or ctrl+c stops the upgrade after the
// running action; a rollback, once started, runs to its end (stopped half-way, neither version would run).
import { useEffect, useReducer, useRef, useState } from 'react';
import { useController, type ReadyUpgrade, type UpgradeOutcome } from '../controller.js';
import { Frame } from '../components/frame/frame.js';
import { useLayout } from '../components/frame/use-layout.js';
import { LineView } from '../components/line-view/line-view.js';
import { ScrollView } from '../components/scroll-view/scroll-view.js';
import { revealRow } from '../components/scroll-view/scroll-state.js';
import { useScrollState } from '../components/scroll-view/use-scroll-state.js';
import { formatSeconds } from '../components/spinner/spinner.js';
import { useTicker } from '../components/spinner/use-ticker.js';
import { bind, scrollBinding, type Binding } from '../keys/bindings.js';
import type { ScreenProps } from '../common/screen-props.js';
import { errorText } from '../common/error-text.js';
import { blank, wrapped, type Line } from '../lines/line.js';
import { planActions } from '../../src/engine/plan-queries.js';
import { applyReducer, counts, initialApplyState, type ApplyState } from '../apply/apply-state.js';
import { brokeOff, phasedRows, upgradeFinish } from './upgrade-lines.js';

export interface UpgradeRunProps extends ScreenProps {
  readonly planned: ReadyUpgrade;
  readonly hostLabel: string;
  /** Set once the run ended. */
  readonly outcome: UpgradeOutcome | null;
  readonly onFinished: (outcome: UpgradeOutcome) => void;
}

const finishedOf = (s: ApplyState): number => {
  const c = counts(s);
  return c.done + c.skipped;
};

export const UpgradeRun = ({ active, context, planned, hostLabel, outcome, onFinished, onHelp, onQuit }: UpgradeRunProps) => {
  const controller = useController();
  const p = planned.prepared;
  const [forward, dispatchForward] = useReducer(applyReducer, undefined, () => initialApplyState(planActions(p.plan), controller.now()));
  const [back, dispatchBack] = useReducer(applyReducer, undefined, () => initialApplyState(planActions(p.rollback), controller.now()));
  const [rollbackAt, setRollbackAt] = useState<number | null>(null);
  const [held, setHeld] = useState(false);
  const abort = useRef<AbortController | null>(null);
  useTicker(250, outcome === null);

  useEffect(() => {
    if (abort.current !== null) return; // the run starts exactly once
    const stop = new AbortController();
    abort.current = stop;
    const { stack, from, to } = p.summary;
    controller.log(`upgrade: ${stack} ${from.version} → ${to.version}: confirmed by the operator; ${planActions(p.plan).length} actions on ${hostLabel}`);
    controller
      .upgrade(planned, (walk, event) => {
        const at = controller.now();
        if (walk === 'upgrade') dispatchForward({ type: 'event', event, at });
        else {
          setRollbackAt((t) => t ?? at);
          dispatchBack({ type: 'event', event, at });
        }
      }, stop.signal)
      .then(onFinished)
      .catch((e: unknown) => {
        const { message } = errorText(e);
        controller.log(`upgrade: broke off: ${message}`);
        onFinished(brokeOff(message));
      });
  }, []);

  const stopNow = () => {
    if (forward.phase !== 'running') return;
    controller.log('upgrade: the operator asked to stop after the running action');
    dispatchForward({ type: 'stop-requested' });
    abort.current?.abort();
  };
  const holdOn = () => {
    controller.log('upgrade: the operator asked to stop during the rollback: it runs to its end');
    setHeld(true);
  };
  const bindings: Binding[] =
    outcome !== null
      ? [scrollBinding((i) => { scroll.move(i); }), bind('q', 'quit', 'quit', onQuit)]
      : rollbackAt !== null
        ? [bind('q', 'wait', 'quit', holdOn, { help: 'the rollback runs to its end: stopped half-way, neither version would run' })]
        : forward.phase === 'running'
          ? [bind('q', 'stop', 'quit', stopNow, { help: 'stop after the running action (ctrl+c too); running the upgrade again finishes it' })]
          : [];
  const frame = { title: 'Upgrade', context, bindings, onHelp };
  const { width, bodyRows } = useLayout(frame);
  const now = controller.now();
  const { stack, from, to } = p.summary;
  const walking = rollbackAt === null ? forward : back;
  const elapsed = formatSeconds(now - (rollbackAt ?? forward.startedAt));
  const head: Line[] = [
    ...(outcome !== null
      ? wrapped(`${stack} ${from.version} → ${to.version} on ${hostLabel}`, width, { bold: true })
      : rollbackAt !== null
        ? wrapped(`The upgrade failed: rolling back to ${from.version}… ${finishedOf(back)} of ${back.rows.length} · ${elapsed}`, width, { bold: true, tone: 'warn' })
        : forward.phase === 'stopping'
          ? wrapped(`Stopping after the running action… ${finishedOf(forward)} of ${forward.rows.length} finished · ${elapsed}`, width, { bold: true, tone: 'warn' })
          : wrapped(`Upgrading ${stack} ${from.version} → ${to.version} on ${hostLabel}: ${finishedOf(forward)} of ${forward.rows.length} finished · ${elapsed}`, width, { bold: true })),
    ...(held && outcome === null ? wrapped('The rollback runs to its end: stopped half-way, neither version would run.', width, { tone: 'muted' }) : []),
    blank,
  ];
  // The phases, each over its actions; once the rollback started, its actions under them.
  const ahead = phasedRows(p.plan, forward, now, width);
  const behind = rollbackAt === null ? { lines: [], starts: [] } : phasedRows(p.rollback, back, now, width);
  const rows = [...ahead.lines, ...(rollbackAt === null ? [] : [blank, ...behind.lines])];
  const starts = rollbackAt === null ? ahead.starts : behind.starts.map((x) => x + ahead.lines.length + 1);
  const after = outcome === null ? [] : [...upgradeFinish(planned, outcome, planned.again).flatMap((s) => wrapped(s.text, width, { tone: s.tone }, undefined, '  ')), blank];
  // Once it ended, the whole of it scrolls: the end first, then the phases and the actions that led there.
  const ended = [...head, ...after, ...rows];
  const scroll = useScrollState(ended.length, bodyRows);
  const listHeight = Math.max(1, bodyRows - head.length);
  const current = walking.current ?? 0;
  const offset = revealRow(starts[Math.max(0, current - 2)] ?? 0, starts[current] ?? 0, rows.length, listHeight);
  return (
    <Frame {...frame} active={active}>
      {outcome !== null ? (
        <ScrollView lines={ended} offset={scroll.offset} height={bodyRows} width={width} />
      ) : (
        <>
          <LineView lines={head} width={width} />
          <ScrollView lines={rows} offset={offset} height={listHeight} width={width} />
        </>
      )}
    </Frame>
  );
};
