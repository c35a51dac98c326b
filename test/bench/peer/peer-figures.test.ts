// The bench's pure parts: what it counts in sshd's journal, what it reads from Ansible's recap, the goals it checks.
import { describe, expect, it } from 'vitest';
import { parseRecap } from './ansible-run.js';
import { goals, median, renderGoals, type Row } from './report.js';
import { countSessions } from './sshd-sessions.js';

const journal = [
  '1764680000.1 keelson-vm sshd-session[811]: Accepted publickey for root from 10.0.2.2 port 40512 ssh2: ED25519 SHA256:abc',
  '1764680000.2 keelson-vm sshd-session[815]: Starting session: command for root from 10.0.2.2 port 40512 id 0',
  '1764680000.3 keelson-vm sshd-session[815]: Starting session: command for root from 10.0.2.2 port 40512 id 1',
  "1764680000.4 keelson-vm sshd-session[815]: Starting session: subsystem 'sftp' for root from 10.0.2.2 port 40512 id 2",
  '1764680000.5 keelson-vm sshd-session[900]: Starting session: command for root from 10.0.2.2 port 51000 id 0',
  '1764680000.6 keelson-vm sshd-session[815]: Close session: user root from 10.0.2.2 port 40512 id 0',
  '1764680000.7 keelson-vm sshd[1]: Received SIGHUP; restarting.',
].join('\n');

describe('counting sessions in sshd-session lines', () => {
  it('counts exec and subsystem starts and logins, and leaves out the harness connection by its client port', () => {
    expect(countSessions(journal, [])).toEqual({ exec: 3, subsystem: 1, logins: 1 });
    expect(countSessions(journal, ['51000'])).toEqual({ exec: 2, subsystem: 1, logins: 1 });
    expect(countSessions(journal, ['40512', '51000'])).toEqual({ exec: 0, subsystem: 0, logins: 0 });
  });
});

describe("Ansible's recap", () => {
  it('reads the numbers of the last PLAY RECAP, or null without one', () => {
    const out = 'TASK [x] ***\nok: [keelson-vm]\n\nPLAY RECAP *********\nkeelson-vm                 : ok=31   changed=24   unreachable=0    failed=0    skipped=1    rescued=0    ignored=0\n';
    expect(parseRecap(out)).toEqual({ ok: 31, changed: 24, unreachable: 0, failed: 0 });
    expect(parseRecap('ERROR! the playbook could not be found')).toBeNull();
  });
});

const r = (ms: number[], exec: number[]): Row => ({ label: 'x', ms, sessions: exec.map((e) => ({ exec: e, subsystem: 0, logins: 1 })), note: '' });

describe('the goals', () => {
  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
  it('met when keelson is within the bounds, not met one past them', () => {
    const met = goals({ plan: r([900, 1000, 1100], [1, 1, 1]), install: r([50_000], [40]) }, { rerunPipelined: r([10_000], [10]), installPipelined: r([100_000], [80]), install: r([200_000], [300]) });
    expect(met.map((g) => g.met)).toEqual([true, true, true, true, true, true]);
    const not = goals({ plan: r([1001], [3]), install: r([50_001], [41]) }, { rerunPipelined: r([10_000], [29]), installPipelined: r([100_000], [80]), install: r([100_000], [300]) });
    expect(not.map((g) => g.met)).toEqual([false, false, false, false, false, false]);
    expect(renderGoals(not)).toMatch(/^NOT met {2}keelson re-run plan: exec requests ≤ 2: 3$/m);
  });
});
