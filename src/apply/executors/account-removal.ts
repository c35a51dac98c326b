// What a purge removes of the accounts keelson created for a stack (never an adopted one: the plan decides that from
// the record and the created-account markers). Each checks first, so a re-run after an interruption converges.
import type { Executor, ExecutorContext } from '../executor.js';
import { runChecked } from '../run-checked.js';
import { CommandFailedError } from '../../host/host-error.js';

const getent = async (ctx: ExecutorContext, db: 'group' | 'passwd', name: string): Promise<string[] | null> => {
  const r = await ctx.host.run(['getent', db, name]);
  return r.exitCode === 0 ? r.stdout.trim().split(':') : null;
};

export const lingerDisable: Executor<'linger.disable'> = async (a, ctx) => {
  const on = await ctx.host.run(['test', '-e', `/var/lib/systemd/linger/${a.user}`]);
  if (on.exitCode !== 0) return 'skipped';
  await runChecked(ctx.host, ['loginctl', 'disable-linger', '--', a.user]);
  return 'done';
};

// $1 the file, $2 the exact line: every other line kept, written beside it and renamed over it (mode and owner kept).
const DROP_LINE = 'set -eu; t="$1.keelson-tmp"; grep -vxF -- "$2" "$1" > "$t" || [ $? -eq 1 ]; chmod --reference="$1" "$t"; chown --reference="$1" "$t"; mv -f -- "$t" "$1"';

/** After userdel (which takes a user's ranges on Debian) there is usually nothing left; a leftover line is removed. */
export const subidRemove: Executor<'subid.remove'> = async (a, ctx) => {
  const file = `/etc/${a.file}`;
  const f = await ctx.host.readFile(file);
  const line = `${a.user}:${a.start}:${a.count}`;
  if (f.kind !== 'present' || !f.content.split('\n').includes(line)) return 'skipped';
  if ((await getent(ctx, 'passwd', a.user)) === null) {
    await runChecked(ctx.host, ['sh', '-c', DROP_LINE, 'keelson-subid', file, line]);
    return 'done';
  }
  const flag = a.file === 'subuid' ? '--del-subuids' : '--del-subgids';
  await runChecked(ctx.host, ['usermod', flag, `${a.start}-${a.start + a.count - 1}`, '--', a.user]);
  return 'done';
};

/**
 * The user's manager and every process left (rootless Podman's pause process among them) stop first: userdel
 * refuses an account that still runs anything. A different UID under the name is not the account the plan saw.
 */
export const userRemove: Executor<'user.remove'> = async (a, ctx) => {
  const existing = await getent(ctx, 'passwd', a.name);
  if (existing === null) return 'skipped';
  if (existing[2] !== String(a.uid)) throw new Error(`user ${a.name} now has UID ${existing[2] ?? '?'}, the plan saw ${a.uid}: nothing was removed; run "keelson uninstall" again`);
  await ctx.host.run(['loginctl', 'terminate-user', '--', a.name]);
  await ctx.host.run(['systemctl', 'stop', '--', `user@${a.uid}.service`], { timeoutMs: 2 * 60_000 });
  // userdel exits 8 while a process of the user lives: one that was exiting as pkill ran gets a second look.
  for (let attempt = 1; ; attempt++) {
    await ctx.host.run(['pkill', '-KILL', '-U', String(a.uid)]);
    const r = await ctx.host.run(['userdel', '--remove', '--', a.name], { timeoutMs: 10 * 60_000 });
    if (r.exitCode === 0) break;
    if (r.exitCode !== 8 || attempt === 3) throw new CommandFailedError(['userdel', '--remove', '--', a.name], r.exitCode, r.stderr || r.stdout);
    await ctx.host.run(['sleep', '2']);
  }
  return 'done';
};

export const groupRemove: Executor<'group.remove'> = async (a, ctx) => {
  const existing = await getent(ctx, 'group', a.name);
  if (existing === null) return 'skipped';
  if (existing[2] !== String(a.gid)) throw new Error(`group ${a.name} now has GID ${existing[2] ?? '?'}, the plan saw ${a.gid}: nothing was removed; run "keelson uninstall" again`);
  await runChecked(ctx.host, ['groupdel', '--', a.name]);
  return 'done';
};
