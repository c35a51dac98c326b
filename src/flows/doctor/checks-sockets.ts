// Socket directories as keelson's tmpfiles.d file plans them (owner, group, mode), and each container that mounts
// one still running with the directory's group among its process's groups.
import { parseCatConfig, tmpfilesPath } from '../../../steps/sockets/socket-facts.js';
import { check, type Check } from './check.js';
import { systemctlLine } from './remedies.js';
import { unitValues, type StackFacts } from './stack-facts.js';

interface PlannedDir {
  readonly path: string;
  readonly mode: string;
  readonly user: string;
  readonly group: string;
}

const plannedDirs = (f: StackFacts): PlannedDir[] => {
  const text = f.content(tmpfilesPath(f.stack.name));
  return text === null ? [] : parseCatConfig(text).filter((l) => l.type === 'd');
};

const dirCheck = (f: StackFacts, d: PlannedDir): Check => {
  const id = `socket-dir:${f.stack.name}:${d.path}`;
  const seen = f.section(`stat:${d.path}`);
  const want = `${d.user} ${d.group} ${Number.parseInt(d.mode, 8).toString(8)}`;
  const fix = [`systemd-tmpfiles --create ${tmpfilesPath(f.stack.name)}  (sets it back to ${d.user}:${d.group} ${d.mode})`];
  if (seen === undefined || seen.exitCode !== 0) return check(id, 'fail', `${d.path} is missing`, [seen?.stderr.trim() ?? 'not found'], fix);
  const [user = '', group = '', mode = '', ...kind] = seen.stdout.trim().split(' ');
  const got = `${user} ${group} ${mode}`;
  const evidence = [`planned: ${want} directory`, `found:   ${got} ${kind.join(' ')}`];
  if (kind.join(' ') !== 'directory') return check(id, 'fail', `${d.path} is not a directory`, evidence, fix);
  if (got !== want) return check(id, 'fail', `${d.path} is ${user}:${group} mode ${mode}, planned ${d.user}:${d.group} ${d.mode}`, evidence, fix);
  return check(id, 'ok', `${d.path} is ${d.user}:${d.group} ${d.mode}`, evidence);
};

const clientCheck = (f: StackFacts, d: PlannedDir, container: string, unitFile: string): Check => {
  const id = `socket-client:${f.stack.name}:${container}`;
  const gid = f.stack.groups.find((g) => g.name === d.group)?.gid;
  const groups = f.processGroups.get(container);
  const unit = `${unitFile.slice(unitFile.lastIndexOf('/') + 1, -'.container'.length)}.service`;
  if (groups === undefined) return check(id, 'warn', `${container} is not running: whether it can reach ${d.path} cannot be told`, [], [systemctlLine(f.scope, 'start', unit)]);
  const evidence = [`${container}'s main process groups: ${groups.join(' ') || 'none'}`, `${d.path} group ${d.group}: ${gid ?? 'not in the record'}`];
  if (gid !== undefined && groups.includes(gid)) return check(id, 'ok', `${container} runs with ${d.group} and can reach ${d.path}`, evidence);
  const fix = f.stack.owner === null ? [systemctlLine(f.scope, 'restart', unit)] : [`id ${f.stack.owner}  (must list ${d.group})`, `systemctl restart user@$(id -u ${f.stack.owner}).service  (a user manager keeps the groups it started with)`];
  return check(id, 'fail', `${container} runs without ${d.group}: it cannot use ${d.path}`, evidence, fix);
};

export const socketChecks = (f: StackFacts): Check[] => {
  const dirs = plannedDirs(f);
  const out = dirs.map((d) => dirCheck(f, d));
  for (const file of f.stack.files.filter((x) => x.path.endsWith('.container'))) {
    const text = f.content(file.path) ?? '';
    const name = unitValues(text, 'ContainerName')[0];
    const mounts = unitValues(text, 'Volume').map((v) => v.split(':')[0]);
    for (const d of dirs) if (name !== undefined && mounts.includes(d.path)) out.push(clientCheck(f, d, name, file.path));
  }
  return out;
};
