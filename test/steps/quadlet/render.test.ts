// The rendering rules one by one, on small manifests (the golden tests show them all together).
import { describe, expect, it } from 'vitest';
import { manifestSchema, type Manifest } from '../../../src/manifest/schema.js';
import { RenderError, type RenderContext } from '../../../steps/quadlet/render-context.js';
import { renderStack } from '../../../steps/quadlet/render-stack.js';
import { resolved } from './fixtures.js';

const base = {
  stack: 'app',
  version: '1.0.0',
  mode: 'rootless',
  owner: 'keelson-demo',
  containers: [{ name: 'web', image: 'localhost/app:1', user: '1000:1000' }],
};

const manifest = (over: Record<string, unknown>): Manifest => manifestSchema.parse({ ...base, ...over });

const ctx = (over: Partial<RenderContext> = {}): RenderContext => ({
  podman: { major: 5, minor: 4 },
  selinux: false,
  resolved,
  answers: {},
  ...over,
});

const fileOf = (m: Manifest, name: string, c: RenderContext = ctx()): string => {
  const f = renderStack(m, c).files.find((x) => x.name === name);
  if (f === undefined) throw new Error(`${name} was not rendered`);
  return f.content;
};

const lines = (content: string, key: string): string[] =>
  content.split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));

describe('container hardening', () => {
  it('publishes on 127.0.0.1 unless the manifest names an address', () => {
    const m = manifest({
      networks: [{ name: 'edge', internal: false }],
      containers: [{ name: 'web', image: 'localhost/app:1', user: '1000:1000', networks: ['edge'], publish: ['8080:80', '0.0.0.0:8443:443/tcp'] }],
    });
    expect(lines(fileOf(m, 'web.container'), 'PublishPort')).toEqual(['127.0.0.1:8080:80', '0.0.0.0:8443:443/tcp']);
  });

  it('gives a container without networks or ports no network at all', () => {
    expect(lines(fileOf(manifest({}), 'web.container'), 'Network')).toEqual(['none']);
  });

  it('always sets NoNewPrivileges, and a read-only root unless readOnly is false', () => {
    const ro = fileOf(manifest({}), 'web.container');
    expect(lines(ro, 'NoNewPrivileges')).toEqual(['true']);
    expect(lines(ro, 'ReadOnly')).toEqual(['true']);
    const rw = fileOf(manifest({ containers: [{ ...base.containers[0], readOnly: false }] }), 'web.container');
    expect(lines(rw, 'NoNewPrivileges')).toEqual(['true']);
    expect(lines(rw, 'ReadOnly')).toEqual([]);
  });

  it('requires the data mount in every unit it writes', () => {
    const m = manifest({
      dataMount: '/srv/data',
      networks: [{ name: 'n' }],
      volumes: [{ name: 'v' }],
      containers: [{ name: 'web', image: 'localhost/app:1', user: '1000:1000', networks: ['n'], volumes: ['v:/v'] }],
      targets: [{ name: 'group', members: ['web'] }],
    });
    const files = renderStack(m, ctx()).files;
    expect(files.map((f) => f.name).sort()).toEqual(['app-n.network', 'app-v.volume', 'app.target', 'group.target', 'web.container']);
    for (const f of files) expect(lines(f.content, 'RequiresMountsFor'), f.name).toEqual(['/srv/data']);
  });

  it('loads archives with Pull=never, pulls other images as usual', () => {
    const m = manifest({ containers: [{ ...base.containers[0], imageArchive: '/var/lib/keelson/app.tar' }, { name: 'db', image: 'docker.io/library/postgres:16', user: '999:999' }] });
    expect(lines(fileOf(m, 'web.container'), 'Pull')).toEqual(['never']);
    expect(lines(fileOf(m, 'db.container'), 'Pull')).toEqual([]);
  });
});

describe('users and groups', () => {
  const withSocket = (mode: 'rootless' | 'rootful', user: string) =>
    manifest({
      mode,
      groups: [{ name: 'demo-clients' }],
      users: [{ name: 'keelson-demo', groups: ['demo-clients'] }],
      sockets: [{ dir: '/run/app', owner: 'keelson-demo', group: 'demo-clients', mode: '0770' }],
      containers: [{ name: 'web', image: 'localhost/app:1', user, sockets: ['/run/app'] }],
    });

  it('rootless: the container UID:GID, and keep-groups so the owner\'s client groups reach the socket', () => {
    const f = fileOf(withSocket('rootless', '1000:1000'), 'web.container');
    expect([lines(f, 'User'), lines(f, 'Group'), lines(f, 'GroupAdd')]).toEqual([['1000'], ['1000'], ['keep-groups']]);
  });

  it('rootless before Podman 5.1: keep-groups through PodmanArgs', () => {
    const f = fileOf(withSocket('rootless', '1000:1000'), 'web.container', ctx({ podman: { major: 4, minor: 9 } }));
    expect([lines(f, 'GroupAdd'), lines(f, 'PodmanArgs')]).toEqual([[], ['--group-add=keep-groups']]);
  });

  it('rootful: the service user\'s resolved UID:GID and the client groups\' GIDs (rick-infra ADR-005)', () => {
    const f = fileOf(withSocket('rootful', 'keelson-demo'), 'web.container');
    expect([lines(f, 'User'), lines(f, 'Group'), lines(f, 'GroupAdd')]).toEqual([['1001'], ['1001'], ['990']]);
  });

  it('rootful: the directory\'s owner gets no client group it was not given (mounting alone grants nothing)', () => {
    const m = withSocket('rootful', 'keelson-demo');
    const owner = { ...m, users: [{ name: 'keelson-demo', groups: [] }] };
    const f = fileOf(owner, 'web.container');
    expect([lines(f, 'User'), lines(f, 'GroupAdd')]).toEqual([['1001'], []]);
  });

  it('no supplementary groups for a container without sockets', () => {
    expect(lines(fileOf(manifest({}), 'web.container'), 'GroupAdd')).toEqual([]);
  });

  it('SELinux on: socket directories get the shared :z label', () => {
    expect(lines(fileOf(withSocket('rootless', '1000:1000'), 'web.container', ctx({ selinux: true })), 'Volume')).toEqual(['/run/app:/run/app:z']);
    expect(lines(fileOf(withSocket('rootless', '1000:1000'), 'web.container'), 'Volume')).toEqual(['/run/app:/run/app']);
  });

  it('rootful with a service user no step resolved is a render error naming the field', () => {
    const m = { ...withSocket('rootful', 'keelson-demo'), users: [{ name: 'keelson-demo', groups: ['demo-clients'] }, { name: 'ghost', groups: [] }] };
    m.containers = m.containers.map((c) => ({ ...c, user: 'ghost', sockets: [] }));
    expect(() => renderStack(m, ctx())).toThrow(RenderError);
    expect(() => renderStack(m, ctx())).toThrow(/containers\.web\.user/);
  });

  it('a volume is created owned by its first writer', () => {
    const m = manifest({ volumes: [{ name: 'data' }], containers: [{ ...base.containers[0], user: '70:71', volumes: ['data:/data'] }] });
    const f = fileOf(m, 'app-data.volume');
    expect([lines(f, 'VolumeName'), lines(f, 'User'), lines(f, 'Group')]).toEqual([['app-data'], ['70'], ['71']]);
  });
});

describe('dependencies and targets', () => {
  const graph = manifest({
    containers: [
      { name: 'db', image: 'localhost/app:1', user: '1000:1000' },
      { name: 'cache', image: 'localhost/app:1', user: '1000:1000' },
      { name: 'web', image: 'localhost/app:1', user: '1000:1000', requires: ['storage'], wants: ['cache'] },
      { name: 'lonely', image: 'localhost/app:1', user: '1000:1000' },
    ],
    targets: [{ name: 'storage', members: ['db'] }],
    start: 'web',
  });

  it('Podman 5.4: containers name x.service; targets are always x.target', () => {
    const f = fileOf(graph, 'web.container');
    expect([lines(f, 'Requires'), lines(f, 'Wants'), lines(f, 'After')]).toEqual([['storage.target'], ['cache.service'], ['storage.target', 'cache.service']]);
  });

  it('Podman 5.5: Quadlet files may name x.container', () => {
    const f = fileOf(graph, 'web.container', ctx({ podman: { major: 5, minor: 5 } }));
    expect(lines(f, 'Wants')).toEqual(['cache.container']);
  });

  it('plain targets name .service units whatever the Podman', () => {
    const f = fileOf(graph, 'storage.target', ctx({ podman: { major: 5, minor: 5 } }));
    expect([lines(f, 'Requires'), lines(f, 'After'), lines(f, 'WantedBy')]).toEqual([['db.service'], ['db.service'], []]);
  });

  it('the top target requires start, wants what start does not pull in, and alone is WantedBy the boot target', () => {
    const f = fileOf(graph, 'app.target');
    expect([lines(f, 'Requires'), lines(f, 'Wants'), lines(f, 'WantedBy')]).toEqual([['web.service'], ['lonely.service'], ['default.target']]);
    expect(renderStack(graph, ctx()).top).toBe('app.target');
    const rootful = fileOf({ ...graph, mode: 'rootful' }, 'app.target');
    expect(lines(rootful, 'WantedBy')).toEqual(['multi-user.target']);
    for (const file of renderStack(graph, ctx()).files.filter((x) => x.name !== 'app.target')) expect(lines(file.content, 'WantedBy')).toEqual([]);
  });

  it('without start, the top target requires every target and ungrouped container', () => {
    const f = fileOf({ ...graph, start: undefined }, 'app.target');
    expect([lines(f, 'Requires'), lines(f, 'Wants')]).toEqual([['storage.target', 'cache.service', 'web.service', 'lonely.service'], []]);
  });

  it('a target named like the stack is the top target', () => {
    const m = manifest({ targets: [{ name: 'app', members: ['web'] }], start: 'app' });
    const targets = renderStack(m, ctx()).files.filter((f) => f.name.endsWith('.target'));
    expect(targets.map((t) => t.name)).toEqual(['app.target']);
    expect([lines(targets[0]?.content ?? '', 'Requires'), lines(targets[0]?.content ?? '', 'WantedBy')]).toEqual([['web.service'], ['default.target']]);
  });
});

describe('values from the manifest', () => {
  it('quotes Exec= and Environment=, escapes % and $, and writes HealthCmd= as JSON', () => {
    const m = manifest({
      questions: [{ id: 'greeting', prompt: 'Greeting?' }],
      containers: [
        {
          ...base.containers[0],
          exec: ['/bin/sh', '-c', 'echo "$HOME" 100%'],
          env: { B: 'two words', A: '{{answers.greeting}}!' },
          health: { cmd: ['/bin/true', '%h'] },
        },
      ],
    });
    const f = fileOf(m, 'web.container', ctx({ answers: { greeting: 'hi there' } }));
    expect(lines(f, 'Exec')).toEqual(['/bin/sh -c "echo \\"$$HOME\\" 100%%"']);
    expect(lines(f, 'Environment')).toEqual(['"A=hi there!"', '"B=two words"']);
    expect(lines(f, 'HealthCmd')).toEqual(['["/bin/true","%%h"]']);
  });

  it('an answer the operator did not give is a render error', () => {
    const m = manifest({ questions: [{ id: 'nope', prompt: 'Nope?' }], containers: [{ ...base.containers[0], env: { A: '{{answers.nope}}' } }] });
    expect(() => renderStack(m, ctx())).toThrow(/containers\.web\.env\.A: refers to answer "nope"/);
  });

  it('an empty Exec argument is a render error, not a silently shortened command', () => {
    const m = manifest({ containers: [{ ...base.containers[0], exec: ['/bin/echo', '', 'x'] }] });
    expect(() => renderStack(m, ctx())).toThrow(/containers\.web\.exec: Exec argument 2 is empty/);
  });

  it('secrets are stack-prefixed Podman secrets passed as environment variables', () => {
    const m = manifest({ secrets: [{ name: 'db-password', generate: { length: 32 } }], containers: [{ ...base.containers[0], secrets: [{ name: 'db-password', env: 'DB_PASSWORD' }] }] });
    expect(lines(fileOf(m, 'web.container'), 'Secret')).toEqual(['app-db-password,type=env,target=DB_PASSWORD']);
  });

  it('Notify=healthy only where Podman has it (5.0+)', () => {
    const m = manifest({ containers: [{ ...base.containers[0], health: { cmd: ['/bin/true'] } }] });
    expect(lines(fileOf(m, 'web.container'), 'Notify')).toEqual(['healthy']);
    expect(lines(fileOf(m, 'web.container', ctx({ podman: { major: 4, minor: 9 } })), 'Notify')).toEqual([]);
  });

  it('is deterministic: the same input gives the same bytes', () => {
    expect(renderStack(manifest({}), ctx())).toEqual(renderStack(manifest({}), ctx()));
  });
});
