// The fact script is real sh: run it here with /bin/sh and read the frames back.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildGatherScript, GatherParseError, parseGatherFrames, parseGatherOutput } from '../../src/facts/gather-script.js';
import { itAsRoot } from '../support/root.js';

const runSh = (script: string) => execFileSync('sh', ['-s'], { input: script, encoding: 'utf8' });

describe('gather script', () => {
  it('frames stdout, stderr and the exit code of each probe, hostile output included', () => {
    const nonce = '@@keelson-test';
    const requests = [
      { id: 'a', probe: { argv: ['printf', '%s', 'line one\nline two'] } },
      { id: 'b', probe: { sh: 'echo "to stderr: $1" >&2; exit 7', args: ["it's $(reboot); `x`"] } },
      // Output that looks like a frame cannot forge one: frames are base64.
      { id: 'c', probe: { argv: ['printf', '%s\n', '@@keelson-test a 0 Zm9v Zm9v'] } },
      { id: 'd', probe: { argv: ['/nonexistent/tool'] } },
    ];
    const out = parseGatherOutput(runSh(buildGatherScript(requests, nonce)), nonce, ['a', 'b', 'c', 'd']);
    expect(out.get('a')).toEqual({ exitCode: 0, stdout: 'line one\nline two', stderr: '' });
    expect(out.get('b')).toEqual({ exitCode: 7, stdout: '', stderr: "to stderr: it's $(reboot); `x`\n" });
    expect(out.get('c')?.stdout).toBe('@@keelson-test a 0 Zm9v Zm9v\n');
    expect(out.get('d')?.exitCode).toBe(127);
  });

  it("measures each probe's own wall time on the host, and nothing else's", () => {
    const requests = [
      { id: 'slow', probe: { sh: 'sleep 0.3' } },
      { id: 'quick', probe: { argv: ['true'] } },
    ];
    const { answers, probeMs } = parseGatherFrames(runSh(buildGatherScript(requests, '@@n')), '@@n', ['slow', 'quick']);
    expect(answers.get('slow')?.exitCode).toBe(0);
    // /proc/uptime counts in 10 ms steps.
    expect(probeMs.slow).toBeGreaterThanOrEqual(290);
    expect(probeMs.slow).toBeLessThan(3000);
    expect(probeMs.quick).toBeLessThan(probeMs.slow ?? 0);
  });

  it('runs probes side by side when asked to (a host with CPUs to spare), the frames still in request order', () => {
    const requests = ['p1', 'p2', 'p3'].map((id) => ({ id, probe: { sh: `sleep 0.4; echo ${id}` } }));
    const timed = (jobs: number) => {
      const t0 = performance.now();
      const out = parseGatherOutput(runSh(buildGatherScript(requests, '@@n', { jobs })), '@@n', ['p1', 'p2', 'p3']);
      return { ms: performance.now() - t0, answers: [...out.entries()].map(([id, o]) => `${id}=${o.stdout.trim()}`) };
    };
    const one = timed(1);
    const three = timed(3);
    expect(one.answers).toEqual(['p1=p1', 'p2=p2', 'p3=p3']);
    expect(three.answers).toEqual(one.answers);
    expect(one.ms).toBeGreaterThanOrEqual(1200);
    expect(three.ms).toBeLessThan(one.ms - 500);
    // Two at a time: the third waits for a free slot.
    const two = timed(2);
    expect(two.ms).toBeGreaterThanOrEqual(800);
    expect(two.answers).toEqual(one.answers);
  });

  it('takes a frame without times (no /proc/uptime on the host): the answer counts, the time is unknown', () => {
    const frame = (id: string, times: string) => `@@n ${id} 0 ${Buffer.from('ok').toString('base64')} ${times}`;
    const { answers, probeMs } = parseGatherFrames([frame('a', ' - -'), frame('b', ' 10.00 12.50'), frame('c', '')].join('\n'), '@@n', ['a', 'b', 'c']);
    expect([...answers.keys()]).toEqual(['a', 'b', 'c']);
    expect(answers.get('a')).toEqual({ exitCode: 0, stdout: 'ok', stderr: '' });
    expect(probeMs).toEqual({ b: 2500 });
  });

  it('says which answers are missing when the output is cut short', () => {
    expect(() => parseGatherOutput('', '@@n', ['x', 'y'])).toThrow(GatherParseError);
    expect(() => parseGatherOutput('', '@@n', ['x', 'y'])).toThrow(/x, y/);
  });

  itAsRoot('a probe as another user runs as that user with its runtime directory, exactly as the Host runs it', () => {
    const uid = execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim();
    const requests = [{ id: 'u', probe: { sh: 'echo "$(id -un) $XDG_RUNTIME_DIR $1"', args: ['a b'], asUser: 'nobody' } }];
    const out = parseGatherOutput(runSh(buildGatherScript(requests, '@@n')), '@@n', ['u']);
    expect(out.get('u')).toEqual({ exitCode: 0, stdout: `nobody /run/user/${uid} a b\n`, stderr: '' });
  });

  it('refuses a fact id that could break a frame', () => {
    expect(() => buildGatherScript([{ id: 'bad id', probe: { argv: ['true'] } }], '@@n')).toThrow(/frame/);
  });
});
