// Each deployed stack's units as they are right now, for `keelson status`: ActiveState/SubState, automatic restarts and
// the container's health, read from doctor's stack sections (the same probe, in the same single round trip), and
// doctor's own verdict on each unit (checks-units.ts), so status and doctor never disagree on what "failing" means.
// Pure.
import type { CheckStatus } from './check.js';
import { containerHealth, containerOf, unitChecks } from './checks-units.js';
import { readRecord, scopeKey, stackUnits } from './record-view.js';
import { stackFacts } from './stack-facts.js';
import type { StackSections } from './stack-probe.js';

export interface LiveUnit {
  readonly unit: string;
  /** "" when its manager did not answer. */
  readonly activeState: string;
  readonly subState: string;
  readonly nRestarts: number;
  /** healthy / unhealthy / starting; null: no health check, or no container seen. */
  readonly health: string | null;
  /** Doctor's verdict on the unit (check unit:STACK:UNIT) and its one line. */
  readonly status: CheckStatus;
  readonly summary: string;
}

export interface LiveStack {
  readonly stack: string;
  /** "system", or "user:OWNER" for the owner's user manager. */
  readonly manager: string;
  /** Why the manager could not be asked (the owner is gone, it did not answer); null when it answered. */
  readonly error: string | null;
  readonly units: readonly LiveUnit[];
}

/** The record's text and doctor's stack sections → each stack's units; [] when there is no readable record. */
export const liveStacks = (recordText: string | null, sections: StackSections): LiveStack[] => {
  const record = readRecord(recordText);
  if (record.kind !== 'present') return [];
  return record.stacks.map((s) => {
    const f = stackFacts(s, sections);
    const checks = new Map(unitChecks(f).map((c) => [c.id, c]));
    const units = stackUnits(s).map((unit): LiveUnit => {
      const verdict = checks.get(`unit:${s.name}:${unit}`);
      const props = f.units.get(unit);
      const restarts = Number(props?.get('NRestarts') ?? '0');
      return {
        unit,
        activeState: props?.get('ActiveState') ?? '',
        subState: props?.get('SubState') ?? '',
        nRestarts: Number.isFinite(restarts) ? restarts : 0,
        health: containerHealth(containerOf(f, unit)),
        status: verdict?.status ?? 'fail',
        summary: verdict?.summary ?? `${unit}: not checked`,
      };
    });
    return { stack: s.name, manager: scopeKey(s), error: f.unitsError, units };
  });
};
