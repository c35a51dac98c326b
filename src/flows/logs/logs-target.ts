// Which journal lines `keelson logs [NAME]` shows: the stack's units, each matched in the manager that runs it (the
// system's, or the rootless owner's: by the owner's UID, so support staff never need `--user -M owner@`). Pure.
import { stackUnits, type RecordView, type StackView } from '../doctor/record-view.js';

export interface LogUnit {
  readonly stack: string;
  readonly unit: string;
  /** null: a system unit; else the owner's UID (a user unit of that user's manager). */
  readonly uid: number | null;
}

export type LogsTarget = { readonly ok: true; readonly units: readonly LogUnit[] } | { readonly ok: false; readonly message: string };

// A rootless stack whose owner has no UID in the record cannot be matched: its lines would be read as the system's.
const ownerUid = (s: StackView): number | null | undefined => (s.owner === null ? null : s.users.find((u) => u.name === s.owner)?.uid);

const unitsOf = (s: StackView): LogUnit[] => {
  const uid = ownerUid(s);
  return uid === undefined ? [] : stackUnits(s).map((unit) => ({ stack: s.name, unit, uid }));
};

const listing = (all: readonly LogUnit[]): string => all.map((u) => `  ${u.stack}:${u.unit}`).join('\n');

/** NAME: a unit (web.service, demo.target), a container or unit without its suffix (web), or STACK:NAME. */
export const logsTarget = (record: RecordView, name: string | undefined): LogsTarget => {
  if (record.kind === 'absent') return { ok: false, message: 'no stack is deployed by keelson on this host: there are no stack units to show (keelson doctor checks the host)' };
  if (record.kind === 'unreadable') return { ok: false, message: `keelson's record on the host is unreadable (${record.why}): keelson doctor says more` };
  const unmatched = record.stacks.find((s) => ownerUid(s) === undefined);
  if (unmatched !== undefined) return { ok: false, message: `keelson's record gives no UID for ${unmatched.owner ?? ''}, the owner of stack ${unmatched.name}: keelson doctor says more` };
  const all = record.stacks.flatMap(unitsOf);
  if (name === undefined) return { ok: true, units: all };
  const colon = name.indexOf(':');
  const stack = colon < 0 ? null : name.slice(0, colon);
  const bare = colon < 0 ? name : name.slice(colon + 1);
  const hits = all.filter((u) => (stack === null || u.stack === stack) && [u.unit, u.unit.replace(/\.(service|target)$/, '')].includes(bare));
  if (hits.length === 1) return { ok: true, units: hits };
  if (hits.length > 1) return { ok: false, message: `"${name}" names units of several stacks: say which one, e.g. ${hits.map((h) => `${h.stack}:${h.unit}`).join(' or ')}` };
  return { ok: false, message: `"${name}" is not a unit or container of the deployed stacks. Their units:\n${listing(all)}` };
};

export interface LogsOptions {
  readonly lines: number;
  readonly since?: string;
  readonly follow?: boolean;
}

/** journalctl's argv: one disjunction per unit (its own lines, and its manager's lines about it). */
export const journalctlArgv = (units: readonly LogUnit[], o: LogsOptions): string[] => {
  const matches = units.flatMap((u, i) => {
    const own = u.uid === null ? [`_SYSTEMD_UNIT=${u.unit}`] : [`_SYSTEMD_USER_UNIT=${u.unit}`, `_UID=${u.uid}`];
    const about = u.uid === null ? [`UNIT=${u.unit}`, '_PID=1'] : [`USER_UNIT=${u.unit}`, `_UID=${u.uid}`];
    return [...(i === 0 ? [] : ['+']), ...own, '+', ...about];
  });
  return ['journalctl', '--no-pager', '-o', 'short-iso', '-n', String(o.lines), ...(o.since === undefined ? [] : ['--since', o.since]), ...(o.follow === true ? ['--follow'] : []), ...matches];
};
