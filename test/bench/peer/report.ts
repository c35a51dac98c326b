// The figures of `npm run bench:peer` as a table, and the goals checked against them. Pure: data in, text out.
import type { SessionCounts } from './sshd-sessions.js';

export interface Row {
  readonly label: string;
  /** Wall time of each repetition, ms. */
  readonly ms: readonly number[];
  /** The server's counts of each repetition (the same work: the median's are shown). */
  readonly sessions: readonly SessionCounts[];
  readonly note: string;
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? (s[(s.length - 1) / 2] ?? NaN) : ((s[s.length / 2 - 1] ?? 0) + (s[s.length / 2] ?? 0)) / 2;
};

const execs = (r: Row): number => median(r.sessions.map((s) => s.exec));
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export const renderTable = (rows: readonly Row[]): string => {
  const head = ['', 'wall (median)', 'runs', 'exec', 'sftp', 'logins', ''];
  const body = rows.map((r) => [
    r.label,
    secs(median(r.ms)),
    String(r.ms.length),
    String(execs(r)),
    String(median(r.sessions.map((s) => s.subsystem))),
    String(median(r.sessions.map((s) => s.logins))),
    r.note,
  ]);
  const widths = head.map((_, i) => Math.max(...[head, ...body].map((cells) => (cells[i] ?? '').length)));
  return [head, ...body].map((cells) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
};

export interface Goal {
  readonly what: string;
  readonly value: string;
  readonly met: boolean;
}

const ratio = (a: number, b: number): string => `${a} / ${b} = ${(a / b).toFixed(3)}`;

/** The three goals: re-run plan ≤ 2 round trips and ≤ 1/10 of Ansible's pipelined re-run; first install ≤ half of Ansible's. */
export const goals = (k: { plan: Row; install: Row }, a: { rerunPipelined: Row; installPipelined: Row; install: Row }): Goal[] => {
  const planExec = execs(k.plan);
  const wall = (r: Row) => Math.round(median(r.ms) / 100) / 10;
  return [
    { what: 'keelson re-run plan: exec requests ≤ 2', value: String(planExec), met: planExec <= 2 },
    { what: 'keelson re-run plan / Ansible pipelined re-run, exec requests ≤ 0.1', value: ratio(planExec, execs(a.rerunPipelined)), met: planExec / execs(a.rerunPipelined) <= 0.1 },
    { what: 'keelson re-run plan / Ansible pipelined re-run, wall ≤ 0.1', value: ratio(wall(k.plan), wall(a.rerunPipelined)), met: median(k.plan.ms) / median(a.rerunPipelined.ms) <= 0.1 },
    { what: 'keelson first install / Ansible pipelined first install, wall ≤ 0.5', value: ratio(wall(k.install), wall(a.installPipelined)), met: median(k.install.ms) / median(a.installPipelined.ms) <= 0.5 },
    { what: 'keelson first install / Ansible first install (no pipelining), wall ≤ 0.5', value: ratio(wall(k.install), wall(a.install)), met: median(k.install.ms) / median(a.install.ms) <= 0.5 },
    { what: 'keelson first install / Ansible pipelined first install, exec requests ≤ 0.5', value: ratio(execs(k.install), execs(a.installPipelined)), met: execs(k.install) / execs(a.installPipelined) <= 0.5 },
  ];
};

export const renderGoals = (gs: readonly Goal[]): string => gs.map((g) => `${g.met ? 'met    ' : 'NOT met'}  ${g.what}: ${g.value}`).join('\n');
