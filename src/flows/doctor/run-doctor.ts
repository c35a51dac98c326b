// keelson doctor: facts (one round trip) + pure checks over the record. Reads only; writes nothing anywhere.
import type { Host } from '../../host/host.js';
import { gatherFacts, type GatheredFacts } from '../../facts/gather.js';
import { check, selectChecks, type Check } from './check.js';
import { dropInCheck, driftCheck, generatorCheck } from './checks-files.js';
import { identityChecks } from './checks-identity.js';
import { imageCheck } from './checks-images.js';
import { lastRunCheck, recordCheck, toolChecks } from './checks-record.js';
import { socketChecks } from './checks-sockets.js';
import { storageChecks } from './checks-storage.js';
import { unitChecks } from './checks-units.js';
import { doctorFacts, parseDoctorFacts, type DoctorFacts } from './doctor-facts.js';
import { readRecord, type StackView } from './record-view.js';
import { stackFacts } from './stack-facts.js';

export const DOCTOR_FORMAT = 'keelson-doctor/1';

export interface DoctorReport {
  readonly format: typeof DOCTOR_FORMAT;
  readonly host: string;
  readonly stacks: readonly string[];
  readonly roundTrips: number;
  readonly elapsedMs: number;
  readonly counts: Readonly<Record<'ok' | 'warn' | 'fail', number>>;
  readonly checks: readonly Check[];
}

/** Every check, in a fixed order: the record first, then each stack's units and files, then the host. */
export const allChecks = (facts: DoctorFacts): Check[] => {
  const record = readRecord(facts.record.kind === 'present' ? facts.record.content : null);
  const stacks: readonly StackView[] = record.kind === 'present' ? record.stacks : [];
  const perStack = stacks.flatMap((s) => {
    const f = stackFacts(s, facts.stacks);
    return [...unitChecks(f), generatorCheck(f), driftCheck(f), dropInCheck(f), ...socketChecks(f), imageCheck(f)];
  });
  return [
    recordCheck(facts, record),
    lastRunCheck(facts),
    ...perStack,
    ...identityChecks(stacks, facts.stacks, facts),
    ...storageChecks(stacks, facts.stacks, facts),
    ...toolChecks(facts),
  ];
};

export interface DoctorOptions {
  readonly only?: readonly string[];
  readonly skip?: readonly string[];
}

const countOf = (checks: readonly Check[]) => ({
  ok: checks.filter((c) => c.status === 'ok').length,
  warn: checks.filter((c) => c.status === 'warn').length,
  fail: checks.filter((c) => c.status === 'fail').length,
});

/** The report from answers already gathered (doctor's facts among them): the support bundle gathers doctor's with its own. */
export const doctorReport = (gathered: GatheredFacts, label: string, roundTrips: number, o: DoctorOptions = {}): DoctorReport => {
  const facts = parseDoctorFacts(gathered.raw);
  const every = allChecks(facts);
  const chosen = selectChecks(every, o.only ?? [], o.skip ?? []);
  const checks = chosen.length > 0 || (o.only ?? []).length === 0 ? chosen : [check('doctor:only', 'warn', `no check matches --only ${(o.only ?? []).join(',')}`, every.map((c) => c.id))];
  const record = readRecord(facts.record.kind === 'present' ? facts.record.content : null);
  return {
    format: DOCTOR_FORMAT,
    host: label,
    stacks: record.kind === 'present' ? record.stacks.map((s) => s.name) : [],
    roundTrips,
    elapsedMs: Math.round(gathered.elapsedMs),
    counts: countOf(checks),
    checks,
  };
};

export const runDoctor = async (host: Host, o: DoctorOptions = {}): Promise<DoctorReport> => {
  const before = host.roundTrips;
  const gathered = await gatherFacts(host, doctorFacts);
  return doctorReport(gathered, host.label, host.roundTrips - before, o);
};
