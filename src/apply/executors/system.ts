// Packages, tmpfiles and systemd. A user's manager is reached as its user (systemctlCall).
import type { Executor } from '../executor.js';
import { runChecked, systemctlChecked } from '../run-checked.js';

export const packageInstall: Executor<'package.install'> = async (a, ctx) => {
  const options = { timeoutMs: 30 * 60_000, onLine: (l: string) => ctx.onLine?.(l) };
  if (a.manager === 'apt') {
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    await runChecked(ctx.host, ['apt-get', 'install', '-y', '--no-install-recommends', '--', ...a.packages], { ...options, env });
  } else {
    await runChecked(ctx.host, ['dnf', 'install', '-y', '--', ...a.packages], options);
  }
  return 'done';
};

export const tmpfilesCreate: Executor<'tmpfiles.create'> = async (a, ctx) => {
  await runChecked(ctx.host, ['systemd-tmpfiles', '--create', '--', a.path]);
  return 'done';
};

export const daemonReload: Executor<'systemd.daemon-reload'> = async (a, ctx) => {
  await systemctlChecked(ctx.host, a.target, ['daemon-reload']);
  return 'done';
};

export const systemdUnit: Executor<'systemd.unit'> = async (a, ctx) => {
  const verb = a.verb === 'enable-now' ? ['enable', '--now'] : [a.verb];
  const noBlock = a.noBlock === true ? ['--no-block'] : [];
  await systemctlChecked(ctx.host, a.target, [...verb, ...noBlock, '--', a.unit], { timeoutMs: 15 * 60_000 });
  return 'done';
};
