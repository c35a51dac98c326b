// Apply as the operator watches it: each action's state and time, the live output of the running one.
// A pure reducer over the engine's ApplyEvents, so a test can replay any run.
import type { Action } from '../../src/engine/action.js';
import type { ApplyEvent, ApplyOutcome } from '../controller.js';

export type RowState = 'pending' | 'running' | 'done' | 'skipped' | 'failed';

export interface ActionRow {
  readonly description: string;
  readonly state: RowState;
  readonly startedAt?: number;
  readonly ms?: number;
  readonly error?: string;
}

export type ApplyPhase = 'running' | 'stopping' | 'finished';

export interface ApplyState {
  readonly rows: readonly ActionRow[];
  /** The last lines the running (or last) action printed. */
  readonly output: readonly string[];
  readonly outputOf: number | null;
  readonly current: number | null;
  readonly phase: ApplyPhase;
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly outcome?: ApplyOutcome;
}

export type ApplyStateEvent =
  | { readonly type: 'event'; readonly event: ApplyEvent; readonly at: number }
  | { readonly type: 'stop-requested' }
  | { readonly type: 'finished'; readonly outcome: ApplyOutcome; readonly at: number };

/** Enough to follow a long command; the log file has every line. */
export const OUTPUT_KEPT = 200;

export const initialApplyState = (actions: readonly Action[], at: number): ApplyState => ({
  rows: actions.map((a) => ({ description: a.description, state: 'pending' })),
  output: [],
  outputOf: null,
  current: null,
  phase: 'running',
  startedAt: at,
});

const setRow = (rows: readonly ActionRow[], index: number, patch: Partial<ActionRow>): ActionRow[] =>
  rows.map((r, i) => (i === index ? { ...r, ...patch } : r));

export const applyReducer = (s: ApplyState, e: ApplyStateEvent): ApplyState => {
  switch (e.type) {
    case 'event': {
      const ev = e.event;
      switch (ev.type) {
        case 'start':
          return { ...s, rows: setRow(s.rows, ev.index, { state: 'running', startedAt: e.at }), current: ev.index, output: [], outputOf: ev.index };
        case 'line':
          return { ...s, output: [...s.output, ev.line].slice(-OUTPUT_KEPT), outputOf: ev.index };
        case 'end':
          return { ...s, rows: setRow(s.rows, ev.index, { state: ev.result === 'skipped' ? 'skipped' : 'done', ms: ev.ms }) };
        case 'failed': {
          const started = s.rows[ev.index]?.startedAt;
          return { ...s, rows: setRow(s.rows, ev.index, { state: 'failed', error: ev.error, ...(started === undefined ? {} : { ms: e.at - started }) }) };
        }
      }
      return s;
    }
    case 'stop-requested':
      return s.phase === 'running' ? { ...s, phase: 'stopping' } : s;
    case 'finished':
      return { ...s, phase: 'finished', outcome: e.outcome, endedAt: e.at };
  }
};

export const counts = (s: ApplyState): Record<RowState, number> => {
  const c: Record<RowState, number> = { pending: 0, running: 0, done: 0, skipped: 0, failed: 0 };
  for (const r of s.rows) c[r.state]++;
  return c;
};
