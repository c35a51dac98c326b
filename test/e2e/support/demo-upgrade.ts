// What the upgrade scenarios read off the VM about the demo stack, shared by upgrade.e2e and upgrade-resume.e2e (two
// files so the two chains run in the two lanes at once). Every claim is read over the harness's own SSH.
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Vm } from '../../host-vm/vm.js';
import { REPO_ROOT } from './keelson-cli.js';
import { DEMO_GREETING, pageOf } from './prepared-states.js';

export const V110 = join(REPO_ROOT, 'test', 'fixtures', 'stacks', 'demo-1.1.0.yaml');
export const V120 = join(REPO_ROOT, 'test', 'fixtures', 'stacks', 'demo-1.2.0.yaml');
export const USER = 'systemctl --user -M keelson-demo@';
export const Q = '/home/keelson-demo/.config/containers/systemd';
export const S = '/home/keelson-demo/.config/systemd/user';
export const podman = (args: string): string => `runuser -u keelson-demo -- sh -c 'cd; XDG_RUNTIME_DIR=/run/user/$(id -u) podman ${args}'`;

export interface UpgradeJson {
  from: { version: string };
  to: { version: string };
  upToDate: boolean;
  restarts: string[];
  stops: string[];
  containers: { added: string[]; removed: string[]; changed: string[] };
  images: string[];
  files: { path: string; change: string }[];
  backups: string[];
  prunes: { backupRunId: string; dir: string }[];
  volumes: { volume: string; archive: string; restore: boolean }[];
  runId: string;
  answers: { kept: string[]; asked: string[]; dropped: string[] };
  steps: { id: string; actions: { kind: string; description: string }[] }[];
}

export interface HistoryEntry {
  kind: string;
  from: string | null;
  to: string;
  outcome: string;
  cleared?: string;
  backupRunId?: string;
  backupPruned?: string;
}

export interface RecordJson {
  format: string;
  stacks: Record<string, { version: string; answers: Record<string, string>; failed: { reason: string; at?: string; runId?: string } | null; history: HistoryEntry[] }>;
}

/** A 1.x manifest derived from the 1.1.0 fixture: another version, and web's role (its environment) when given. */
export const derived110 = (text: string, version: string, role?: string): string => {
  const out = text.replace('version: 1.1.0', `version: ${version}`);
  return role === undefined ? out : out.replace('DEMO_ROLE: web-1.1', `DEMO_ROLE: ${role}`);
};

export const demoReader = (vm: () => Vm) => {
  const sh = (cmd: string) => vm().sshOk(cmd, { timeoutMs: 10 * 60_000 });
  const invocations = async (units: string[]): Promise<Record<string, string>> => {
    const ids = (await sh(`${USER} show -p InvocationID --value ${units.join(' ')}`)).split('\n').filter((l) => l.trim() !== '');
    return Object.fromEntries(units.map((u, i) => [u, ids[i] ?? '']));
  };
  const record = async () => JSON.parse(await sh('cat /var/lib/keelson/state.json')) as RecordJson;
  /** These units active, the page served with the greeting given at install, web healthy (and, if given, on that image). */
  const healthy = async (units: string, image?: string) => {
    expect((await sh(`${USER} is-active ${units} | sort -u`)).trim()).toBe('active');
    expect(await pageOf(vm(), 18080, 120_000)).toContain(`<h1>${DEMO_GREETING}</h1>`);
    const format = image === undefined ? '{{.State.Health.Status}}' : '{{.State.Health.Status}} {{.ImageName}}';
    expect((await sh(podman(`inspect web --format "${format}"`))).trim()).toBe(image === undefined ? 'healthy' : `healthy ${image}`);
  };
  /** Any 1.1.x: web, status and page up, web healthy on the demo's first image. */
  const healthy11x = () => healthy('web.service status.service page.service demo.target', 'localhost/keelson-demo:1');
  /** Any 1.0.x: api, web and page up, web healthy. */
  const healthy10x = () => healthy('api.service web.service page.service demo.target');
  return { sh, invocations, record, healthy10x, healthy11x };
};
