// Doctor reports as `keelson doctor` makes them (src/flows/doctor): a sick demo host and a healthy one, for the
// Troubleshoot screens. Ids, summaries, evidence and remedies in the checks' own words.
import { check } from '../../../src/flows/doctor/check.js';
import type { Check, DoctorReport } from '../../../screens/controller.js';

const report = (checks: Check[]): DoctorReport => ({
  format: 'keelson-doctor/1',
  host: 'ssh admin@192.0.2.10:22 (sudo)',
  stacks: ['demo'],
  roundTrips: 1,
  elapsedMs: 3412,
  counts: { ok: checks.filter((c) => c.status === 'ok').length, warn: checks.filter((c) => c.status === 'warn').length, fail: checks.filter((c) => c.status === 'fail').length },
  checks,
});

export const WEB_JOURNAL = 'Dec 02 03:12:09 host web[4242]: httpd: bind: Address in use';

/** In doctor's own order (the record first); what fails is neither first nor together. */
export const sickReport = (): DoctorReport =>
  report([
    check('record', 'fail', 'FAILED: demo: the upgrade to 1.2.0 failed and its rollback failed too (2026-12-02T03:10:00Z)', [], [
      'read why above and the journal (keelson logs), repair the cause, then clear the failed state before apply or upgrade',
    ]),
    check('record:last-run', 'ok', 'the last run of demo finished', ['run r7 of demo, started 2026-12-02T03:00:00Z: 30 of 30 actions finished']),
    check('unit:demo:api.service', 'ok', 'api.service active (running), 0 restarts, healthy'),
    check('unit:demo:web.service', 'fail', 'web.service failed (exit status 1), 5 restarts', ['ActiveState=failed SubState=failed Result=exit-code ExecMainStatus=1', WEB_JOURNAL], [
      'systemctl --user -M keelson-demo@ status web.service',
      'systemctl --user -M keelson-demo@ restart web.service',
    ]),
    check('drift:demo', 'ok', 'all 8 managed files are as keelson wrote them'),
    check('storage:audit-space', 'warn', '/var/log/audit has 4% free (warn below 10%)', ['/dev/vdc 1000000000 960000000 40000000 96% /var/log/audit'], ['journalctl --vacuum-size=… or grow /var/log/audit']),
    check('host:podman', 'ok', 'Podman 5.4.2'),
  ]);

export const healthyReport = (): DoctorReport =>
  report([check('record', 'ok', '/var/lib/keelson/state.json: demo 1.0.0 (rootless)'), check('unit:demo:web.service', 'ok', 'web.service active (running), 0 restarts, healthy'), check('host:podman', 'ok', 'Podman 5.4.2')]);
