// Everything doctor reads, as facts batched into ONE round trip: the record and the stacks it names (stack-probe.ts),
// and the host-level facts that need no record, reused from the steps that plan them (the same probes, so doctor
// and plan read the host the same way).
import type { Fact } from '../../facts/fact.js';
import type { Version } from '../../facts/version.js';
import { lastRunFact, type JournaledRun } from '../../apply/last-run.js';
import { fileFact, diskSpaceFact, mountOfFact, type DiskSpace, type TextFile } from '../../../steps/storage/facts.js';
import type { MountInfo } from '../../../steps/storage/findmnt.js';
import { AUDIT_DIR, AUDITD_CONF } from '../../../steps/storage/check-audit.js';
import { lingerFact, subgidFact, subuidFact, userManagersFact, type SubidRange, type UserManager } from '../../../steps/identity/account-facts.js';
import { podmanVersionFact, systemdVersionFact } from '../../../steps/preflight.js';
import { RECORD_PATH } from './record-view.js';
import { stackProbeFact, type StackSections } from './stack-probe.js';

/** `df -P -i`: a header, then "fs inodes used free capacity% mountpoint". */
export interface Inodes {
  readonly total: number;
  readonly free: number;
}

export const parseDfInodes = (stdout: string): Inodes | null => {
  const f = stdout.split('\n').filter((l) => l.trim() !== '')[1]?.trim().split(/\s+/) ?? [];
  const total = Number(f[1]);
  const free = Number(f[3]);
  return Number.isFinite(total) && Number.isFinite(free) && f.length >= 6 ? { total, free } : null;
};

export const inodesFact = (path: string): Fact<Inodes | null> => ({
  id: `dfi:${path}`,
  probe: { sh: 'exec df -P -i -- "$1"', args: [path] },
  parse: (o) => (o.exitCode === 0 ? parseDfInodes(o.stdout) : null),
  volatile: true,
});

export const auditdStateFact: Fact<string> = {
  id: 'auditd-state',
  probe: { argv: ['systemctl', 'show', '-p', 'ActiveState', '--value', 'auditd.service'] },
  parse: (o) => (o.exitCode === 0 ? o.stdout.trim() : ''),
  volatile: true,
};

export interface DoctorFacts {
  readonly record: TextFile;
  readonly lastRun: JournaledRun | null;
  readonly stacks: StackSections;
  readonly crypttab: TextFile;
  readonly fstab: TextFile;
  readonly auditdConf: TextFile;
  readonly auditd: string;
  readonly auditMount: MountInfo | null;
  readonly auditSpace: DiskSpace | null;
  readonly auditInodes: Inodes | null;
  readonly linger: readonly string[];
  readonly userManagers: readonly UserManager[];
  readonly subuid: readonly SubidRange[];
  readonly subgid: readonly SubidRange[];
  readonly podman: Version | null;
  readonly systemd: number | null;
}

/** Each fact with where its answer goes: one list, so the probe set and the parse cannot drift apart. */
const FACTS = {
  record: fileFact(RECORD_PATH),
  lastRun: lastRunFact,
  stacks: stackProbeFact,
  crypttab: fileFact('/etc/crypttab'),
  fstab: fileFact('/etc/fstab'),
  auditdConf: fileFact(AUDITD_CONF),
  auditd: auditdStateFact,
  auditMount: mountOfFact(AUDIT_DIR),
  auditSpace: diskSpaceFact(AUDIT_DIR),
  auditInodes: inodesFact(AUDIT_DIR),
  linger: lingerFact,
  userManagers: userManagersFact,
  subuid: subuidFact,
  subgid: subgidFact,
  podman: podmanVersionFact,
  systemd: systemdVersionFact,
} satisfies { [K in keyof DoctorFacts]: Fact<DoctorFacts[K]> };

export const doctorFacts: readonly Fact<unknown>[] = Object.values(FACTS);

/** The raw answers (by fact id) → typed facts. */
export const parseDoctorFacts = (raw: ReadonlyMap<string, { stdout: string; stderr: string; exitCode: number }>): DoctorFacts => {
  const out: Record<string, unknown> = {};
  for (const [key, fact] of Object.entries(FACTS) as [keyof DoctorFacts, Fact<unknown>][]) {
    const answer = raw.get(fact.id);
    out[key] = fact.parse(answer ?? { stdout: '', stderr: 'no answer', exitCode: 1 });
  }
  return out as unknown as DoctorFacts;
};
