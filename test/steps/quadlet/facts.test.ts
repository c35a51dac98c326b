import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { ProbeOutput } from '../../../src/facts/fact.js';
import { selinuxFact } from '../../../src/facts/selinux.js';
import { parseUnitDirs, podmanImagesFact, podmanSecretsFact, unitDirsFact } from '../../../steps/quadlet/facts.js';
import { loadStack } from './fixtures.js';

const out = (stdout: string, exitCode = 0, stderr = ''): ProbeOutput => ({ stdout, stderr, exitCode });
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('unit directories fact', () => {
  it('reads home, directories, the enable link and every file, framed in base64', () => {
    const content = '# a unit\n[Unit]\nDescription=x y\n\n';
    const parsed = parseUnitDirs(
      out(
        [
          `home ${b64('/home/keelson-demo')}`,
          `dir ${b64('/home/keelson-demo/.config')}`,
          'enabled yes',
          `file quadlet ${b64('web.container')} ${b64(content)}`,
          `file systemd ${b64('demo.target')} `,
          `link quadlet ${b64('x.network')}`,
          'noise that is not a record',
          '',
        ].join('\n'),
      ),
    );
    expect(parsed).toEqual({
      home: '/home/keelson-demo',
      existingDirs: ['/home/keelson-demo/.config'],
      enabled: true,
      files: [
        { dir: 'quadlet', name: 'web.container', content },
        { dir: 'systemd', name: 'demo.target', content: '' },
        { dir: 'quadlet', name: 'x.network', content: null },
      ],
    });
  });

  it('parts take their contents from the blob, in order; a blob that does not match their sizes is refused', () => {
    const lines = ['part quadlet =a.container', 'part systemd =b.target', 'size 3', 'size 0', `blob ${b64('abc')}`];
    expect(parseUnitDirs(out(lines.join('\n'))).files).toEqual([
      { dir: 'quadlet', name: 'a.container', content: 'abc' },
      { dir: 'systemd', name: 'b.target', content: '' },
    ]);
    expect(() => parseUnitDirs(out(lines.slice(0, 4).join('\n')))).toThrow(/not all there \(2 files, 2 sizes, 0 bytes\)/);
    expect(() => parseUnitDirs(out(lines.filter((l) => l !== 'size 0').join('\n')))).toThrow(/not all there/);
  });

  it('an owner who does not exist yet has no home and no files', () => {
    expect(parseUnitDirs(out('home -\n'))).toEqual({ home: null, existingDirs: [], enabled: false, files: [] });
  });

  it('the probe script is valid sh and answers "home -" for an unknown owner', () => {
    const fact = unitDirsFact(loadStack('demo'));
    if (!('sh' in fact.probe)) throw new Error('expected an sh probe');
    // The directories come from placement.ts (relative to the home the host knows), not from the script.
    expect(fact.probe.args).toEqual([
      'rootless', 'keelson-demo', 'default.target', 'demo.target', '/.config/containers/systemd', '/.config/systemd/user',
      '/.config', '/.config/containers', '/.config/containers/systemd', '/.config/systemd', '/.config/systemd/user',
    ]);
    const args = ['rootless', 'keelson-no-such-user-x', ...(fact.probe.args ?? []).slice(2)];
    const stdout = execFileSync('sh', ['-c', fact.probe.sh, 'keelson-fact', ...args], { encoding: 'utf8' });
    expect(parseUnitDirs(out(stdout)).home).toBeNull();
  });
});

describe('unit directories probe, run for real over a fake home', () => {
  it('lists unit files with exact content, links, directories and the enable link; skips other files', () => {
    const root = mkdtempSync(`${tmpdir()}/keelson-quadlet-`);
    try {
      const home = `${root}/home`;
      const q = `${home}/.config/containers/systemd`;
      const s = `${home}/.config/systemd/user`;
      mkdirSync(q, { recursive: true });
      mkdirSync(`${s}/default.target.wants`, { recursive: true });
      const tricky = '# x\n[Unit]\nDescription=a "b" $c %d\n\ttab\n\n';
      writeFileSync(`${q}/web.container`, tricky);
      writeFileSync(`${q}/notes.txt`, 'not a unit');
      symlinkSync('/dev/null', `${q}/masked.network`);
      writeFileSync(`${s}/demo.target`, '');
      // A name keelson would never write (a space, a newline, a leading "="): carried in base64, exactly.
      writeFileSync(`${q}/=odd name\n.container`, 'x');
      symlinkSync('../demo.target', `${s}/default.target.wants/demo.target`);
      // A fake getent on PATH answers for the owner with our temporary home.
      mkdirSync(`${root}/bin`);
      writeFileSync(`${root}/bin/getent`, `#!/bin/sh\necho "keelson-demo:x:1001:1001::${home}:/bin/sh"\n`);
      chmodSync(`${root}/bin/getent`, 0o755);
      const fact = unitDirsFact(loadStack('demo'));
      if (!('sh' in fact.probe)) throw new Error('expected an sh probe');
      const stdout = execFileSync('sh', ['-c', fact.probe.sh, 'keelson-fact', ...(fact.probe.args ?? [])], {
        encoding: 'utf8',
        env: { PATH: `${root}/bin:/usr/bin:/bin` },
      });
      const parsed = parseUnitDirs(out(stdout));
      expect(parsed.home).toBe(home);
      // Plain names and paths travel as they are ("=word"), with no process to encode them; plain files' contents
      // in one blob after their sizes, an odd one's on its own line.
      expect(stdout).toContain(`part quadlet =web.container\n`);
      expect(stdout).toContain(`part systemd =demo.target\n`);
      expect(stdout.match(/^blob /gm)).toHaveLength(1);
      expect(stdout).toMatch(/^file quadlet [A-Za-z0-9+/=]+ eA==$/m);
      expect(stdout).toContain(`dir =${q}\n`);
      expect(parsed.enabled).toBe(true);
      expect(parsed.existingDirs).toEqual([`${home}/.config`, `${home}/.config/containers`, q, `${home}/.config/systemd`, s]);
      expect(parsed.files).toEqual([
        { dir: 'quadlet', name: '=odd name\n.container', content: 'x' },
        { dir: 'quadlet', name: 'masked.network', content: null },
        { dir: 'quadlet', name: 'web.container', content: tricky },
        { dir: 'systemd', name: 'demo.target', content: '' },
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('selinux fact', () => {
  it.each([
    ['1\n', 'enforcing'],
    ['0\n', 'permissive'],
    ['disabled\n', 'disabled'],
    ['', 'disabled'],
  ])('%j → %s', (stdout, state) => {
    expect(selinuxFact.parse(out(stdout))).toBe(state);
  });
});

describe('podman list facts', () => {
  const m = loadStack('demo');

  it('run as the owner in rootless mode, as root in rootful mode', () => {
    expect(podmanSecretsFact(m).probe).toMatchObject({ asUser: 'keelson-demo' });
    expect(podmanSecretsFact({ ...m, mode: 'rootful' }).probe).not.toHaveProperty('asUser');
    expect(podmanSecretsFact(m).id).not.toBe(podmanSecretsFact({ ...m, mode: 'rootful' }).id);
  });

  it('secret names, one a line (recorded: Podman 5.4.2, `podman secret ls --noheading --format {{.Name}}`)', () => {
    expect(podmanSecretsFact(m).probe).toMatchObject({ argv: ['podman', 'secret', 'ls', '--noheading', '--format', '{{.Name}}'] });
    expect(podmanSecretsFact(m).parse(out('demo-token\n'))).toEqual({ ok: true, names: ['demo-token'] });
    expect(podmanSecretsFact(m).parse(out(''))).toEqual({ ok: true, names: [] });
    // What `--format json` prints for secrets on Podman 5.4.2: the word, once per secret. Never taken for a name.
    expect(podmanSecretsFact(m).parse(out('json\n{oops\n'))).toEqual({ ok: false, detail: 'podman printed "{oops" where a secret name belongs' });
    expect(podmanSecretsFact(m).parse(out('', 125, 'Error: no such user\nmore'))).toEqual({ ok: false, detail: 'Error: no such user' });
  });

  it('image names and IDs (an archive\'s image is named by its ID), skipping dangling images\' missing names', () => {
    const json = JSON.stringify([{ Id: '1', Names: ['localhost/keelson-demo:1', 'localhost/keelson-demo:latest'] }, { Id: '2', Names: null }, { Id: '3' }]);
    expect(podmanImagesFact(m).parse(out(json))).toEqual({
      ok: true,
      names: ['localhost/keelson-demo:1', 'localhost/keelson-demo:latest', '1', '2', '3'],
      // Each name's image ID, for the record (a dangling image has no name to key it by).
      ids: new Map([['localhost/keelson-demo:1', '1'], ['localhost/keelson-demo:latest', '1']]),
    });
  });

  it.each([
    ['a failure keeps Podman\'s first line', out('', 125, 'Error: no such user\nmore'), { ok: false, detail: 'Error: no such user' }],
    ['empty output is an empty list', out(''), { ok: true, names: [], ids: new Map() }],
    ['not JSON', out('{oops'), { ok: false, detail: 'podman printed something that is not JSON' }],
    ['the wrong shape', out('{"a":1}'), { ok: false, detail: 'podman printed JSON of an unexpected shape' }],
  ])('%s', (_name, o, expected) => {
    expect(podmanImagesFact(m).parse(o)).toEqual(expected);
  });
});
