// Every managed unit: its state in its manager, restarts, the health of its container, and for a unit that is not
// well the exit status and the last journal lines the doctor script brought back.
import { check, type Check } from './check.js';
import { journalLine, systemctlLine } from './remedies.js';
import { stackUnits, unitSource } from './record-view.js';
import { unitValues, type ContainerSeen, type StackFacts } from './stack-facts.js';

/** The container's health as Podman shows it in its status ("Up 3 minutes (healthy)"); null: no health check. */
export const containerHealth = (c: ContainerSeen | undefined): string | null => /\((healthy|unhealthy|starting)\)/.exec(c?.status ?? '')?.[1] ?? null;

/** The container a unit runs: ContainerName= of its .container file (keelson always writes one). */
export const containerOf = (f: StackFacts, unit: string): ContainerSeen | undefined => {
  const src = unitSource(f.stack, unit);
  const text = src === undefined ? null : f.content(src.path);
  const name = text === null ? undefined : unitValues(text, 'ContainerName')[0];
  return name === undefined ? undefined : f.containers?.find((c) => c.name === name);
};

const unitCheck = (f: StackFacts, unit: string): Check => {
  const id = `unit:${f.stack.name}:${unit}`;
  const props = f.units.get(unit);
  if (props === undefined) return check(id, 'fail', `${unit}: its manager did not answer (${f.unitsError ?? 'no answer'})`, [], ['see the identity and generator checks']);
  const p = (k: string) => props.get(k) ?? '';
  const state = `${p('ActiveState')}/${p('SubState')}`;
  const restarts = Number(p('NRestarts') || '0');
  const container = containerOf(f, unit);
  const h = containerHealth(container);
  const evidence = [
    `ActiveState=${p('ActiveState')} SubState=${p('SubState')} Result=${p('Result')} NRestarts=${restarts}`,
    `main process: ${p('ExecMainCode') || '-'} status ${p('ExecMainStatus') || '-'}`,
    ...(container === undefined ? [] : [`container ${container.name}: ${container.status || container.state}`]),
  ];
  const journal = f.journal(unit).map((l) => `journal: ${l}`);
  const start = systemctlLine(f.scope, 'start', unit);
  const logs = journalLine(f.scope, unit);
  if (p('LoadState') === 'not-found') return check(id, 'fail', `${unit} is not known to its manager`, evidence, ['see generator check for why the unit vanished']);
  const running = p('ActiveState') === 'active';
  if (!running) {
    const status = p('ActiveState') === 'activating' || p('ActiveState') === 'reloading' ? 'warn' : 'fail';
    return check(id, status, `${unit} is ${state}`, [...evidence, ...journal], [logs, start]);
  }
  if (h === 'unhealthy') return check(id, 'fail', `${unit} runs but its container is unhealthy`, [...evidence, ...journal], [logs, systemctlLine(f.scope, 'restart', unit)]);
  if (restarts > 0) return check(id, 'warn', `${unit} is ${state} after ${restarts} automatic restart${restarts === 1 ? '' : 's'}`, [...evidence, ...journal], [logs]);
  if (h === 'starting') return check(id, 'warn', `${unit} runs; its container's health check has not passed yet`, evidence, [logs]);
  return check(id, 'ok', `${unit} is ${state}${h === null ? '' : `, container ${h}`}`, evidence);
};

export const unitChecks = (f: StackFacts): Check[] => stackUnits(f.stack).map((u) => unitCheck(f, u));
