// keelson logs' choice of units, over the record the test VM kept after keelson installed the rootless demo and its
// rootful copy (both have an api.service: one in keelson-demo's manager, one in the system's).
import { describe, expect, it } from 'vitest';
import { readRecord } from '../../../src/flows/doctor/record-view.js';
import { journalctlArgv, logsTarget } from '../../../src/flows/logs/logs-target.js';
import { recordedHost } from '../../support/recorded-host.js';

const record = readRecord(recordedHost('demo-installed').raw.get('file:/var/lib/keelson/state.json')?.stdout ?? null);

describe('keelson logs: which units', () => {
  it('a container or unit of one stack, by its name, with or without the suffix, or STACK:NAME', () => {
    expect(logsTarget(record, 'demo:api')).toEqual({ ok: true, units: [{ stack: 'demo', unit: 'api.service', uid: 1001 }] });
    expect(logsTarget(record, 'page')).toEqual({ ok: true, units: [{ stack: 'demo', unit: 'page.service', uid: 1001 }] });
    expect(logsTarget(record, 'demo-rootful.target')).toEqual({ ok: true, units: [{ stack: 'demo-rootful', unit: 'demo-rootful.target', uid: null }] });
  });

  it('a name two stacks share asks which one; an unknown name lists the units there are', () => {
    expect(logsTarget(record, 'api.service')).toEqual({ ok: false, message: '"api.service" names units of several stacks: say which one, e.g. demo:api.service or demo-rootful:api.service' });
    const unknown = logsTarget(record, 'sshd.service');
    expect(unknown.ok).toBe(false);
    expect(!unknown.ok && unknown.message.split('\n')).toEqual([
      '"sshd.service" is not a unit or container of the deployed stacks. Their units:',
      '  demo:api.service', '  demo:page.service', '  demo:web.service', '  demo:demo.target',
      '  demo-rootful:api.service', '  demo-rootful:web.service', '  demo-rootful:demo-rootful.target',
    ]);
    expect(logsTarget(readRecord(null), undefined)).toMatchObject({ ok: false, message: expect.stringMatching(/^no stack is deployed/) as unknown });
  });

  it("journalctl matches a user unit by the owner's UID and a system unit by PID 1's lines about it", () => {
    const units = [{ stack: 'demo', unit: 'web.service', uid: 1001 }, { stack: 'demo-rootful', unit: 'web.service', uid: null }];
    expect(journalctlArgv(units, { lines: 50, since: '1 hour ago', follow: true })).toEqual([
      'journalctl', '--no-pager', '-o', 'short-iso', '-n', '50', '--since', '1 hour ago', '--follow',
      '_SYSTEMD_USER_UNIT=web.service', '_UID=1001', '+', 'USER_UNIT=web.service', '_UID=1001',
      '+', '_SYSTEMD_UNIT=web.service', '+', 'UNIT=web.service', '_PID=1',
    ]);
  });
});

describe('keelson logs: a record it cannot follow', () => {
  it("a rootless stack whose owner has no UID in the record is an error, not the system's lines", () => {
    const stacks = record.kind === 'present' ? record.stacks : [];
    const noUid = { kind: 'present' as const, stacks: stacks.map((s) => (s.owner === null ? s : { ...s, users: s.users.filter((u) => u.name !== s.owner) })) };
    expect(logsTarget(noUid, 'web')).toEqual({ ok: false, message: "keelson's record gives no UID for keelson-demo, the owner of stack demo: keelson doctor says more" });
  });

  it('an unreadable record says so and points to doctor', () => {
    expect(logsTarget(readRecord('{"format":'), 'web')).toMatchObject({ ok: false, message: expect.stringMatching(/unreadable .*keelson doctor/) as unknown });
  });
});
