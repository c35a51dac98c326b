// npm run bench:commands (a benchmark, not a test): single commands timed over keelson's own SSH on the demo-installed
// VM, three rounds, to choose between two ways of asking the host the same thing: a user manager through
// `systemctl --user -M USER@` or as the user, `podman version --format` or `podman --version`, and what the as-user
// wrapper itself costs. The figures behind systemctlCall (src/engine/scope.ts) and the podman-version fact.
import { preparedState } from '../e2e/support/prepared-states.js';
import { connectRoot } from '../e2e/support/connect.js';
import { restoreVm } from '../host-vm/vm.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_DIR_ENV } from '../e2e/support/run-dir.js';

// Its own run directory (prepared states built once there), unless one is given, as bench:probes does.
process.env[RUN_DIR_ENV] ??= join(process.env.KEELSON_VM_WORK ?? join(tmpdir(), 'keelson-vm'), `bench-commands-${String(process.pid)}`);
const vm = await restoreVm(await preparedState('demo-installed'), { name: 'bench-commands' });
try {
  const host = await connectRoot(vm);
  const units = ['api.service', 'web.service', 'page.service', 'demo.target'];
  const cands: [string, string[], { asUser?: string }][] = [
    ['-M user@ show', ['systemctl', '--user', '-M', 'keelson-demo@', 'show', '-p', 'Id', '-p', 'ActiveState', '--', ...units], {}],
    ['asUser --user show', ['systemctl', '--user', 'show', '-p', 'Id', '-p', 'ActiveState', '--', ...units], { asUser: 'keelson-demo' }],
    ['podman version --format', ['podman', 'version', '--format', '{{.Client.Version}}'], {}],
    ['podman --version', ['podman', '--version'], {}],
    ['true', ['true'], {}],
    ['asUser true', ['true'], { asUser: 'keelson-demo' }],
  ];
  for (let round = 0; round < 3; round++) {
    for (const [label, argv, o] of cands) {
      const t = performance.now();
      const r = await host.run(argv, o);
      console.log(`${label}: ${((performance.now() - t) / 1000).toFixed(2)} s exit ${r.exitCode} ${JSON.stringify(r.stdout.slice(0, 200))} ${r.stderr.slice(0, 200)}`);
    }
  }
  await host.close();
} finally {
  await vm.stop();
}
