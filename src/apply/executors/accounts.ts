// Users, groups, subordinate IDs and linger. Each checks first, so a re-run after an interruption converges.
import type { Executor } from '../executor.js';
import { runChecked } from '../run-checked.js';
import { CommandFailedError } from '../../host/host-error.js';
import { CREATED_ACCOUNTS_DIR, createdAccountPath, type AccountKind } from '../../../steps/identity/created-accounts.js';

/** Right after creating it: the account is keelson's, for this stack, so a later plan may use it without adopt. */
const recordCreated = async (ctx: Parameters<Executor<'group.create'>>[1], kind: AccountKind, name: string): Promise<void> => {
  if (ctx.stack === undefined) return;
  await runChecked(ctx.host, ['mkdir', '-p', '-m', '0700', '--', CREATED_ACCOUNTS_DIR]);
  await ctx.host.writeFile(createdAccountPath(kind, name), `${ctx.stack}\n`, { mode: 0o600 });
};

const getent = async (ctx: Parameters<Executor<'group.create'>>[1], db: 'group' | 'passwd', name: string) => {
  const r = await ctx.host.run(['getent', db, name]);
  return r.exitCode === 0 ? r.stdout.trim().split(':') : null;
};

export const groupCreate: Executor<'group.create'> = async (a, ctx) => {
  const existing = await getent(ctx, 'group', a.name);
  if (existing !== null) {
    if (existing[2] === String(a.gid)) return 'skipped';
    throw new CommandFailedError(['groupadd', a.name], 9, `group ${a.name} exists with GID ${existing[2] ?? '?'}, the plan wanted ${a.gid}: run "keelson plan" again`);
  }
  await runChecked(ctx.host, ['groupadd', ...(a.system ? ['--system'] : []), '--gid', String(a.gid), '--', a.name]);
  await recordCreated(ctx, 'group', a.name);
  return 'done';
};

export const userCreate: Executor<'user.create'> = async (a, ctx) => {
  const existing = await getent(ctx, 'passwd', a.name);
  if (existing !== null) {
    if (existing[2] === String(a.uid)) return 'skipped';
    throw new CommandFailedError(['useradd', a.name], 9, `user ${a.name} exists with UID ${existing[2] ?? '?'}, the plan wanted ${a.uid}: run "keelson plan" again`);
  }
  await runChecked(ctx.host, [
    'useradd',
    ...(a.system ? ['--system'] : []),
    // Subordinate IDs come only from a planned subid.assign: a regular account would otherwise get useradd's own
    // first-fit range, which the plan did not show and which may overlap what the plan picked.
    '-K', 'SUB_UID_COUNT=0', '-K', 'SUB_GID_COUNT=0',
    '--uid', String(a.uid),
    '--gid', String(a.gid),
    '--home-dir', a.home,
    '--create-home',
    '--shell', a.shell,
    ...(a.groups.length > 0 ? ['--groups', a.groups.join(',')] : []),
    '--', a.name,
  ]);
  await recordCreated(ctx, 'user', a.name);
  return 'done';
};

export const userAddGroups: Executor<'user.add-groups'> = async (a, ctx) => {
  await runChecked(ctx.host, ['usermod', '--append', '--groups', a.groups.join(','), '--', a.name]);
  return 'done';
};

export const subidAssign: Executor<'subid.assign'> = async (a, ctx) => {
  const range = `${a.start}-${a.start + a.count - 1}`;
  const line = `${a.user}:${a.start}:${a.count}`;
  const has = async (file: string) => {
    const r = await ctx.host.readFile(file);
    return r.kind === 'present' && r.content.split('\n').includes(line);
  };
  if ((await has('/etc/subuid')) && (await has('/etc/subgid'))) return 'skipped';
  await runChecked(ctx.host, ['usermod', '--add-subuids', range, '--add-subgids', range, '--', a.user]);
  return 'done';
};

export const lingerEnable: Executor<'linger.enable'> = async (a, ctx) => {
  await runChecked(ctx.host, ['loginctl', 'enable-linger', '--', a.user]);
  return 'done';
};
