// Signals to a unit's main process. auditd rereads auditd.conf on SIGHUP, and its unit has no ExecReload and
// refuses a manual stop (so `systemctl reload` and `restart` both fail): the signal is its reload.
import type { Executor } from '../executor.js';
import { runSystemctl, systemctlChecked } from '../run-checked.js';

export const systemdSignal: Executor<'systemd.signal'> = async (a, ctx) => {
  const active = await runSystemctl(ctx.host, a.target, ['is-active', '--quiet', '--', a.unit]);
  if (active.exitCode !== 0) throw new Error(`${a.unit} is not running, so it cannot reread its configuration: start it (systemctl start ${a.unit}) and run apply again.`);
  await systemctlChecked(ctx.host, a.target, ['kill', '--kill-who=main', `--signal=${a.signal}`, '--', a.unit]);
  return 'done';
};
