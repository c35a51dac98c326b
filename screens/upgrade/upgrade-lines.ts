// The Upgrade run as lines: how each phase stands (from its actions' rows), and the last words — upgraded and
// healthy, rolled back (what failed, the journal's lines, how long the rollback took), or the stack marked failed.
// Pure: the screen lays them out.
import type { Plan } from '../../src/engine/plan.js';
import { prunedSentence } from '../../src/flows/upgrade/backup-retention.js';
import { untouchedPhase } from '../../src/flows/upgrade/prepare.js';
import type { ReadyUpgrade, UpgradeOutcome } from '../controller.js';
import type { ApplyState, RowState } from '../apply/apply-state.js';
import { actionRows, SIGN } from '../apply/apply-lines.js';
import { seg, wrapped, type Line } from '../lines/line.js';
import type { Tone } from '../theme/theme.js';

export interface PhaseProgress {
  readonly title: string;
  readonly state: RowState;
  readonly finished: number;
  readonly total: number;
}

const phaseState = (rows: ApplyState['rows']): RowState => {
  if (rows.some((r) => r.state === 'failed')) return 'failed';
  if (rows.every((r) => r.state === 'done' || r.state === 'skipped')) return rows.every((r) => r.state === 'skipped') ? 'skipped' : 'done';
  return rows.some((r) => r.state !== 'pending') ? 'running' : 'pending';
};

/** Each phase that has actions (the plan's steps are the phases), with its actions' rows summed up. */
export const phaseProgress = (plan: Plan, s: ApplyState): PhaseProgress[] => {
  let at = 0;
  return plan.steps.flatMap((step) => {
    const rows = s.rows.slice(at, at + step.actions.length);
    at += step.actions.length;
    if (rows.length === 0) return [];
    return [{ title: step.title, state: phaseState(rows), finished: rows.filter((r) => r.state === 'done' || r.state === 'skipped').length, total: rows.length }];
  });
};

const phaseHead = (p: PhaseProgress, width: number): Line[] => {
  const { sign, tone } = SIGN[p.state];
  return wrapped(`${p.title} (${p.finished}/${p.total})`, width, { bold: true, ...(p.state === 'pending' ? { tone: 'muted' as const } : {}) }, seg(`${sign} `, { tone, bold: true }), '  ');
};

/** The actions' rows (apply's), under the head of their phase; `starts`: where each action's rows begin. */
export const phasedRows = (plan: Plan, s: ApplyState, now: number, width: number): { lines: Line[]; starts: number[] } => {
  const rows = actionRows(s, now, width);
  const phases = phaseProgress(plan, s);
  const lines: Line[] = [];
  const starts: number[] = [];
  let action = 0;
  for (const [i, step] of plan.steps.filter((st) => st.actions.length > 0).entries()) {
    const phase = phases[i];
    if (phase !== undefined) lines.push(...phaseHead(phase, width));
    for (let k = 0; k < step.actions.length; k++, action++) {
      starts.push(lines.length);
      lines.push(...rows.lines.slice(rows.starts[action], rows.starts[action + 1] ?? rows.lines.length));
    }
  }
  return { lines, starts };
};

/** The journal's lines a failure brought (the health gate's unit journal above all), at most this many on screen. */
export const EXCERPT_LINES = 12;

export interface Said {
  readonly text: string;
  readonly tone: Tone;
}

const failedLines = (o: UpgradeOutcome): Said[] => {
  if (o.failed === undefined) return [];
  const lines = o.failed.error.split('\n').filter((l) => l.trim() !== '');
  const cut = lines.length > EXCERPT_LINES;
  return [
    { text: `What failed: ${o.failed.action}`, tone: 'bad' },
    ...(cut ? [{ text: `  … (${lines.length - EXCERPT_LINES} lines before these are in the wizard's log)`, tone: 'muted' as const }] : []),
    ...lines.slice(-EXCERPT_LINES).map((l) => ({ text: `  ${l}`, tone: 'muted' as const })),
  ];
};

/** What became of the old upgrade backups the summary said would go. */
const prunedLines = (o: UpgradeOutcome): Said[] => (o.pruned === undefined ? [] : [{ text: prunedSentence(o.pruned), tone: o.pruned.ok ? 'muted' : 'warn' }]);

/** What the screen makes of a run that threw (a lost connection) instead of ending: no run id, nothing known. */
export const brokeOff = (error: string): UpgradeOutcome => ({ ok: false, runId: '', journalPath: '', failed: { action: 'the connection to the host', error } });

/** The connection broke off mid-run: nothing more was done there (no rollback either); the way on, once it answers. */
const lostLines = (planned: ReadyUpgrade, o: UpgradeOutcome, again: string, journal: Said): Said[] => {
  const { stack, from, to } = planned.prepared.summary;
  const during = o.rollback === undefined ? 'the upgrade' : 'the rollback';
  return [
    { text: `The connection to the host was lost during ${during} (at "${o.rollback?.error ?? o.failed?.action ?? '?'}"): keelson could do nothing more there.`, tone: 'bad' },
    { text: `The journal on the host says how far ${stack} ${from.version} → ${to.version} got.`, tone: 'warn' },
    journal,
    o.rollback === undefined
      ? { text: `Once the host answers again, run the same upgrade (here, or ${again}): it finishes what is left, or rolls back if that fails; or roll back to ${from.version} from the Welcome screen.`, tone: 'warn' }
      : { text: `Once the host answers again, roll back to ${from.version} (from the Welcome screen, or keelson rollback --yes): it finishes the rollback.`, tone: 'warn' },
  ];
};

/** The last words of an upgrade run; `again`: the headless command that runs the same upgrade. */
export const upgradeFinish = (planned: ReadyUpgrade, o: UpgradeOutcome, again: string): Said[] => {
  const { stack, from, to } = planned.prepared.summary;
  const journal: Said = { text: `Journal on the host: ${o.journalPath}`, tone: 'muted' };
  if (o.ok) return [{ text: `Upgraded ${stack} ${from.version} → ${to.version}: every unit active, every health check healthy.`, tone: 'ok' }, ...prunedLines(o), journal];
  if (o.runId === '') {
    return [
      { text: `The upgrade broke off: ${o.failed?.error ?? 'see the log'}. keelson could not say how far it got, nor roll it back.`, tone: 'bad' },
      { text: `Once the host answers again, run the same upgrade (here, or ${again}): it finishes what is left, or rolls back if that fails.`, tone: 'warn' },
    ];
  }
  if (o.stoppedBefore !== undefined) {
    return [
      { text: `Stopped as you asked, before action ${o.stoppedBefore + 1}: nothing was rolled back.`, tone: 'warn' },
      journal,
      { text: `Run the same upgrade again (here, or ${again}): it finishes what is left, or rolls back if that fails.`, tone: 'warn' },
    ];
  }
  if (o.connectionLost === true) return lostLines(planned, o, again, journal);
  if (o.rollback === undefined) {
    const while_ = untouchedPhase(planned.prepared, o.failed?.index ?? 0) ?? 'fetching images or backing up';
    return [{ text: `The upgrade stopped before anything that runs was changed (while ${while_}): ${stack} ${from.version} still runs.`, tone: 'warn' }, ...failedLines(o), ...(o.journalPath === '' ? [] : [journal])];
  }
  const journals: Said = { text: `Journals on the host: ${o.journalPath} (upgrade), ${o.rollback.journalPath} (rollback)`, tone: 'muted' };
  // The journals come before the excerpt: a long excerpt would push them below the screen (the VM showed it).
  if (o.rollback.ok) return [{ text: `Rolled back: ${stack} ${from.version} is back and healthy, in ${o.rollback.seconds} s (from the failure to healthy again).`, tone: 'warn' }, journals, ...failedLines(o)];
  return [
    { text: `The ROLLBACK FAILED too: ${o.rollback.error ?? 'stopped'}.`, tone: 'bad' },
    o.markedFailed === undefined
      ? { text: `keelson could not mark ${stack} failed in the deployment record: read both journals before anything else starts it.`, tone: 'bad' }
      : { text: `${stack} is marked failed in the deployment record: apply and upgrade refuse it until the mark is cleared (--clear-failed, after reading why).`, tone: 'bad' },
    ...failedLines(o),
    journals,
  ];
};
