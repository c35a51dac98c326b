// Which units doctor fetches a journal for: the probe's awk program, run by this machine's real awk over `systemctl
// show` blocks as systemd prints them (a blank line between units, the last one unterminated or not).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { UNWELL_AWK } from '../../../src/flows/doctor/stack-probe.js';

const unwell = (show: string): string[] => execFileSync('awk', ['-F=', UNWELL_AWK], { input: show, encoding: 'utf8' }).split('\n').filter((l) => l !== '');
const block = (id: string, active: string, restarts: string | null) => [`Id=${id}`, `ActiveState=${active}`, 'SubState=running', ...(restarts === null ? [] : [`NRestarts=${restarts}`])].join('\n');

describe('the units whose journal doctor reads', () => {
  it('not active, or restarted; an active unit that never restarted is left out', () => {
    const show = [block('api.service', 'active', '2'), block('web.service', 'failed', '0'), block('page.service', 'active', '0'), block('demo.target', 'activating', null)].join('\n\n');
    expect(unwell(`${show}\n`)).toEqual(['api.service', 'web.service', 'demo.target']);
    expect(unwell(show)).toEqual(['api.service', 'web.service', 'demo.target']);
  });

  it('all well, or nothing shown (the manager did not answer): none', () => {
    expect(unwell([block('api.service', 'active', '0'), block('demo.target', 'active', null)].join('\n\n'))).toEqual([]);
    expect(unwell('')).toEqual([]);
  });
});
