// The fact script is real sh: run it here with /bin/sh and read the frames back.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GatherParseError, parseGatherFrames, parseGatherOutput } from '../../src/facts/gather-frames.js';
import { buildGatherScript } from '../../src/facts/gather-script.js';
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

  it('takes an answer without times (no /proc/uptime on the host): the answer counts, the time is unknown', () => {
    const blob = Buffer.from('okokok').toString('base64');
    const lines = ['@@n a a 0 - - -', '@@n a b 0 10.00 12.50 -', '@@n a c 0', ...[2, 0, 2, 0, 2, 0].map((n) => `@@n n ${n}`), `@@n b ${blob}`];
    const { answers, probeMs } = parseGatherFrames(lines.join('\n'), '@@n', ['a', 'b', 'c']);
    expect([...answers.keys()]).toEqual(['a', 'b', 'c']);
    expect(answers.get('a')).toEqual({ exitCode: 0, stdout: 'ok', stderr: '' });
    expect(probeMs).toEqual({ b: 2500 });
  });

  it('refuses an answer whose outputs are not all there, or a line of its own it does not know', () => {
    const head = ['@@n a a 0 - - -', '@@n n 2', '@@n n 0'];
    expect(() => parseGatherFrames([...head, `@@n b ${Buffer.from('o').toString('base64')}`].join('\n'), '@@n', ['a'])).toThrow(/1 of 2 bytes/);
    expect(() => parseGatherFrames(head.join('\n'), '@@n', ['a'])).toThrow(/cut short/);
    expect(() => parseGatherFrames([...head, '@@n z', '@@n b b2s='].join('\n'), '@@n', ['a'])).toThrow(/bad line "@@n z"/);
  });

  it('answers exactly as the probes printed, bytes that are not UTF-8 read as before, with no probe at all too', () => {
    const requests = [
      { id: 'bin', probe: { sh: "printf 'a\\377b'" } },
      { id: 'empty', probe: { argv: ['true'] } },
      { id: 'both', probe: { sh: 'printf out; printf err >&2; exit 3' } },
    ];
    const out = parseGatherOutput(runSh(buildGatherScript(requests, '@@n')), '@@n', ['bin', 'empty', 'both']);
    expect(out.get('bin')?.stdout).toBe(Buffer.from([0x61, 0xff, 0x62]).toString('utf8'));
    expect(out.get('empty')).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(out.get('both')).toEqual({ exitCode: 3, stdout: 'out', stderr: 'err' });
    expect(parseGatherFrames(runSh(buildGatherScript([], '@@n')), '@@n', []).answers.size).toBe(0);
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

  // The grandparent of a probe's own shell is the shell that ran its job: one for all of a user's probes.
  const runner = 'read -r k_x <"/proc/$PPID/stat"; set -- ${k_x##*) }; echo "$(id -un) $2"';
  itAsRoot("a user's probes run behind one switch, each answered and timed on its own; root's beside them", () => {
    const requests = [
      { id: 'u1', probe: { sh: `${runner}; sleep 0.2`, asUser: 'nobody' } },
      { id: 'r', probe: { sh: runner } },
      { id: 'u2', probe: { sh: `${runner}; echo oops >&2; exit 4`, asUser: 'nobody' } },
    ];
    const { answers, probeMs } = parseGatherFrames(runSh(buildGatherScript(requests, '@@n', { jobs: 1 })), '@@n', ['u1', 'r', 'u2']);
    const [u1, u2, r] = ['u1', 'u2', 'r'].map((id) => answers.get(id)?.stdout.trim().split(' ') ?? []);
    expect([u1?.[0], u2?.[0], r?.[0]]).toEqual(['nobody', 'nobody', 'root']);
    expect(u1?.[1]).toBe(u2?.[1]);
    expect(r?.[1]).not.toBe(u1?.[1]);
    expect(answers.get('u2')).toMatchObject({ exitCode: 4, stderr: 'oops\n' });
    expect(probeMs.u1).toBeGreaterThanOrEqual(190);
    expect(Object.keys(probeMs).sort()).toEqual(['as-user:nobody', 'r', 'u1', 'u2']);
  });

  itAsRoot("a user's files are that user's alone, and root's stay out of that user's reach", () => {
    // Each probe finds its own output file through /proc: its directory, and the run's directory above it.
    const mine = 'o=$(readlink /proc/$$/fd/1); d=${o%/*}; stat -c "%U:%a" "$d"';
    const requests = [
      { id: 'u', probe: { sh: `${mine}; stat -c %a "\${d%/*}"; ls "\${d%/*}/r" >/dev/null 2>&1 && echo readable || echo refused`, asUser: 'nobody' } },
      { id: 'r', probe: { sh: mine } },
    ];
    const out = parseGatherOutput(runSh(buildGatherScript(requests, '@@n')), '@@n', ['u', 'r']);
    expect(out.get('u')?.stdout).toBe('nobody:700\n711\nrefused\n');
    expect(out.get('r')?.stdout).toBe('root:700\n');
  });

  itAsRoot('a user that cannot be switched to: each of its probes answers with the switch\'s own failure', () => {
    const requests = [
      { id: 'x1', probe: { argv: ['true'], asUser: 'keelson-no-such-user' } },
      { id: 'ok', probe: { argv: ['echo', 'fine'] } },
      { id: 'x2', probe: { argv: ['true'], asUser: 'keelson-no-such-user' } },
    ];
    const out = parseGatherOutput(runSh(buildGatherScript(requests, '@@n')), '@@n', ['x1', 'ok', 'x2']);
    for (const id of ['x1', 'x2']) {
      expect(out.get(id)?.exitCode, id).not.toBe(0);
      expect(out.get(id)?.stderr, id).toMatch(/keelson-no-such-user/);
    }
    expect(out.get('ok')).toEqual({ exitCode: 0, stdout: 'fine\n', stderr: '' });
    // Timed still: the probes that never ran took none of it, the failed switch all of it.
    const { probeMs } = parseGatherFrames(runSh(buildGatherScript(requests, '@@n')), '@@n', ['x1', 'ok', 'x2']);
    expect([probeMs.x1, probeMs.x2]).toEqual([0, 0]);
    expect(probeMs['as-user:keelson-no-such-user']).toBeGreaterThanOrEqual(0);
  });

  it('refuses a fact id that could break a frame', () => {
    expect(() => buildGatherScript([{ id: 'bad id', probe: { argv: ['true'] } }], '@@n')).toThrow(/frame/);
  });
});
