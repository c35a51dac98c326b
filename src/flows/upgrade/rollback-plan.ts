// The upgrade's rollback, made from its forward actions before the first change, so nothing has to be invented after
// a failure: containers the upgrade added stop, every unit mounting a volume to restore stops and the volume is put
// back from its archive, every file written goes back to what it was (or away, if it was new), every file removed
// comes back, daemon-reload, the same restart set again (and the mounters stopped for the restore), the old stack's
// target started (bringing back what was removed), the old health gate, and the record as it was, with the
// rolled-back run in its history. Each action converges, so it is right after a failure at any point of the forward
// run. The old version's files are written back in place, never removed first. Pure.
import type { Action, ActionOf } from '../../engine/action.js';
import { planActions, type Plan } from '../../engine/plan.js';
import type { Manifest } from '../../manifest/schema.js';
import { RECORD_PATH } from '../../state/record-schema.js';
import { stackScope } from '../../../steps/quadlet/placement.js';
import { waitHealthyAction } from '../../../steps/quadlet/plan.js';
import { serviceUnit, targetUnit, topTargetName } from '../../../steps/quadlet/unit-names.js';
import { backupRunNote, type UpgradeSummary } from './summary.js';
import { volumeRollback } from './rollback-volumes.js';

export interface RollbackInputs {
  readonly plan: Plan;
  readonly summary: UpgradeSummary;
  /** The new manifest and the deployed one (null: a record from format 1, which did not keep it). */
  readonly next: Manifest;
  readonly deployed: Manifest | null;
  /** The record's text as it is now: written back as it was. */
  readonly recordText: string;
  /** The failed mark this upgrade clears (--clear-failed): the record written back has none, its history says so. */
  readonly cleared?: string;
}

const fileBack = (a: Action, owner: { owner: string; group: string }, to: string): Action[] => {
  if (a.kind === 'file.write') {
    return a.before === null
      ? [{ kind: 'file.remove', description: `remove ${a.path} (new in ${to})`, path: a.path, before: a.content }]
      : [{ ...a, description: `put back ${a.path}`, content: a.before, before: a.content }];
  }
  if (a.kind === 'file.remove') return [{ kind: 'file.write', description: `put back ${a.path}`, path: a.path, content: a.before, mode: '0644', ...owner, before: null }];
  return [];
};

export const rollbackActions = (i: RollbackInputs): Action[] => {
  const forward = planActions(i.plan);
  const scope = stackScope(i.next);
  const writes = forward.filter((a): a is ActionOf<'file.write'> => a.kind === 'file.write');
  const owner = writes[0] === undefined ? { owner: i.next.owner ?? 'root', group: i.next.owner ?? 'root' } : { owner: writes[0].owner, group: writes[0].group };
  const files = forward.flatMap((a) => fileBack(a, owner, i.summary.to.version)).reverse();
  const stops = i.summary.containers.added.map((c): Action => ({ kind: 'systemd.unit', description: `stop ${serviceUnit(c)} (added by the upgrade)`, target: scope, verb: 'stop', unit: serviceUnit(c) }));
  const old = i.deployed ?? i.next;
  const volumes = volumeRollback(i.summary, i.next, old, scope);
  const restarts = volumes.restarts.map((unit): Action => ({ kind: 'systemd.unit', description: `restart ${unit} (as ${i.summary.from.version})`, target: scope, verb: 'restart', unit, noBlock: true }));
  const top = targetUnit(topTargetName(old));
  return [
    ...stops,
    ...volumes.stops,
    ...volumes.restores,
    ...files,
    ...(files.length > 0 ? [{ kind: 'systemd.daemon-reload', description: 'let Quadlet generate the units as they were', target: scope } as const] : []),
    ...restarts,
    { kind: 'systemd.unit', description: `start ${top} (what the upgrade stopped comes back)`, target: scope, verb: 'start', unit: top, noBlock: true },
    // Without the deployed manifest (format 1 record) the new one's gate is the closest: its units are the ones left.
    ...(i.deployed === null ? [] : [waitHealthyAction(i.deployed)]),
    {
      kind: 'state.write',
      description: `put back the record of ${i.next.stack} ${i.summary.from.version}`,
      path: RECORD_PATH,
      content: i.recordText,
      run: { stack: i.next.stack, kind: 'upgrade', from: i.summary.from.version, to: i.summary.to.version, outcome: 'rolled-back', ...(i.cleared === undefined ? {} : { cleared: i.cleared }), ...backupRunNote(i.summary) },
    },
  ];
};
