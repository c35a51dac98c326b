// Apply: the only screen that changes the host. Each action with its state and time, the running command's
// live output, the total elapsed. q asks first, then stops after the running action; the journal on the host
// lets the next run resume or roll back.
import { useEffect, useReducer, useRef, useState } from 'react';
import { useController, type ApplyOutcome, type Plan, type Reveal } from '../controller.js';
import { Frame } from '../components/frame/frame.js';
import { useLayout } from '../components/frame/use-layout.js';
import { LineView } from '../components/line-view/line-view.js';
import { ScrollView } from '../components/scroll-view/scroll-view.js';
import { revealRow, scrollBy } from '../components/scroll-view/scroll-state.js';
import { useTicker } from '../components/spinner/use-ticker.js';
import { bind, scrollBinding, type Binding } from '../keys/bindings.js';
import type { ScreenProps } from '../common/screen-props.js';
import type { ScrollIntent } from '../keys/use-keys.js';
import { blank, seg, wrapped, type Line } from '../lines/line.js';
import { planActions } from '../../src/engine/plan-queries.js';
import { applyReducer, counts, initialApplyState } from './apply-state.js';
import { actionRows, applyWords, glimpse, headline, OUTPUT_ROWS, revealLines } from './apply-lines.js';

export interface ApplyScreenProps extends ScreenProps {
  readonly plan: Plan;
  readonly hostLabel: string;
  readonly onApplied: (outcome: ApplyOutcome) => void;
  /** The operator stopped the run (after the running action): the App ends the wizard. */
  readonly onStopped: (outcome: ApplyOutcome) => void;
  readonly onSummary: () => void;
  readonly onReplan: () => void;
}

export const ApplyScreen = ({ active, context, plan, hostLabel, onApplied, onStopped, onSummary, onReplan, onHelp, onQuit }: ApplyScreenProps) => {
  const controller = useController();
  const [state, dispatch] = useReducer(applyReducer, undefined, () => initialApplyState(planActions(plan), controller.now()));
  const [askQuit, setAskQuit] = useState(false);
  const [revealed, setRevealed] = useState<Reveal | null>(null);
  // null: the list follows the running action; a number once the operator scrolls it.
  const [manual, setManual] = useState<number | null>(null);
  // The same events folded as they arrive (not at the next render): what apply had reached when it broke off.
  const reached = useRef(state);
  const offsetRef = useRef(0);
  const rowsRef = useRef(0);
  const heightRef = useRef(0);
  const abort = useRef<AbortController | null>(null);
  useTicker(250, state.phase === 'running' || state.phase === 'stopping');

  useEffect(() => {
    if (abort.current !== null) return; // apply starts exactly once per visit
    const stop = new AbortController();
    abort.current = stop;
    controller.log(`apply: ${planActions(plan).length} actions on ${hostLabel}`);
    controller
      .apply(
        plan,
        (event) => {
          const e = { type: 'event' as const, event, at: controller.now() };
          reached.current = applyReducer(reached.current, e);
          dispatch(e);
        },
        stop.signal,
        // A key keelson generated (the LUKS setup): on this screen until the operator has kept it, nowhere else.
        (r) => { setRevealed(r); },
      )
      .then((outcome) => {
        dispatch({ type: 'finished', outcome, at: controller.now() });
        if (outcome.stopped) onStopped(outcome);
        else onApplied(outcome);
      })
      .catch((e: unknown) => {
        // Not an action failing (that is an outcome) but apply itself: a lost connection, a journal it could not
        // write. Shown and summarized like a failure at the running action, so the way on is the same: r.
        const error = e instanceof Error ? e.message : String(e);
        controller.log(`apply: broke off: ${error}`);
        const s = reached.current;
        const index = s.current ?? 0;
        const c = counts(s);
        const outcome: ApplyOutcome = { ok: false, stopped: false, runId: '', journalPath: '', done: c.done, skipped: c.skipped, failed: { index, description: s.rows[index]?.description ?? '', error } };
        if (s.rows[index]?.state === 'running') dispatch({ type: 'event', event: { type: 'failed', index, error }, at: controller.now() });
        dispatch({ type: 'finished', outcome, at: controller.now() });
        onApplied(outcome);
      });
  }, []);

  const busy = state.phase === 'running' || state.phase === 'stopping';
  const scrollRows = (i: ScrollIntent) => {
    setManual((m) => scrollBy(m ?? offsetRef.current, i, rowsRef.current, heightRef.current));
  };
  const stopNow = () => {
    setAskQuit(false);
    controller.log('apply: the operator asked to stop after the running action');
    dispatch({ type: 'stop-requested' });
    abort.current?.abort();
  };
  // The keys of each phase: while it runs only a stop (asked first) and the help; afterwards the way on.
  let bindings: Binding[];
  if (askQuit) bindings = [bind('y', 'stop', 'yes', stopNow), bind('n esc enter', 'go on', ['no', 'back', 'enter'], () => { setAskQuit(false); })];
  else if (busy) {
    bindings = [
      scrollBinding(scrollRows, 'scroll the actions (the list follows the running one until you do)'),
      ...(state.phase === 'running' ? [bind('q', 'stop…', 'quit', () => { setAskQuit(true); }, { help: 'stop after the running action (asks first); resume or roll back later' })] : []),
    ];
  } else {
    bindings = [
      scrollBinding(scrollRows, 'scroll the actions'),
      ...(state.outcome?.ok === true ? [] : [bind('r', 'plan again', 'recheck', onReplan, { help: 'plan again and apply what is left (finished actions are skipped)' })]),
      bind('enter', 'summary', 'enter', onSummary, { help: 'the summary: what runs, where, how to reach it' }),
      bind('q', 'quit', 'quit', onQuit),
    ];
  }
  const prompt: Line | undefined = askQuit
    ? [seg('Stop after this action? (resume or roll back later)  ', { bold: true, tone: 'warn' }), seg('y', { bold: true }), seg(' stop  '), seg('n', { bold: true }), seg(' go on')]
    : undefined;
  // While a key is shown, enter says it was kept (and hides it for good); the other keys do what they did.
  if (revealed !== null && !askQuit) {
    bindings = [
      bind('enter', 'I have kept the key', 'enter', () => { setRevealed(null); }, { help: 'you have a copy of the key off this host: hide it (it is not shown again)' }),
      ...bindings.filter((b) => !b.on.includes('enter')),
    ];
  }
  const frame = { title: 'Apply', context, bindings, ...(prompt === undefined ? { onHelp } : { prompt }) };
  const { width, bodyRows } = useLayout(frame);

  const now = controller.now();
  const { lines: rows, starts } = actionRows(state, now, width);
  const output = state.outputOf !== null && busy ? state.output.slice(-OUTPUT_ROWS) : [];
  // The last lines of live output, each cut to one row: a glimpse of what runs (the log has every line in full).
  const outputLines: Line[] = output.length === 0 ? [] : [blank, ...output.map((l) => [seg(' │ ', { tone: 'muted' }), seg(glimpse(l, width - 3), { dim: true })] as Line)];
  const failed = state.phase === 'finished' && state.outcome?.ok === false && !state.outcome.stopped;
  const after: Line[] =
    failed
      ? [blank, ...wrapped('Fix the cause, then press r: keelson plans again and applies what is left (finished actions are skipped). The log and the journal on the host have the details.', width, { tone: 'accent' })]
      : [];
  const head = [...(revealed === null ? [] : revealLines(revealed, width)), ...headline(state, now, applyWords(hostLabel), width), blank];
  // The list keeps three rows; live output gives way first (a key on screen takes room), the list last.
  const withOutput = bodyRows - head.length - outputLines.length - after.length >= 3;
  const shownOutput = withOutput ? outputLines : [];
  const listHeight = Math.max(1, bodyRows - head.length - shownOutput.length - after.length);
  // Follow the running action: its first line, with two actions' worth of context above it.
  const current = state.current ?? 0;
  const focus = starts[current] ?? 0;
  const follow = revealRow(starts[Math.max(0, current - 2)] ?? 0, focus, rows.length, listHeight);
  const offset = manual === null ? follow : Math.min(manual, Math.max(0, rows.length - 1));
  offsetRef.current = offset;
  rowsRef.current = rows.length;
  heightRef.current = listHeight;

  return (
    <Frame {...frame} active={active}>
      <LineView lines={head} width={width} />
      <ScrollView lines={rows} offset={offset} height={listHeight} width={width} />
      <LineView lines={[...shownOutput, ...after]} width={width} />
    </Frame>
  );
};
