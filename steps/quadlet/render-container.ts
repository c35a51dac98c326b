// One manifest container → one .container file, with the hardening defaults the source documents ask for:
// no root inside without a reason (schema), loopback-only publishing, NoNewPrivileges, a read-only root where
// allowed, supplementary groups only where a socket directory needs them, and a unit that is active only once
// its health check passes.
import { ANSWER_REF } from '../../src/manifest/answer-refs.js';
import { parsePublish } from '../../src/manifest/publish.js';
import type { Manifest, ManifestContainer } from '../../src/manifest/schema.js';
import { podmanFeatures } from './podman-features.js';
import { RenderError, type RenderContext } from './render-context.js';
import { QuoteError, escapeSpecifiers, healthCmdValue, quoteWord, quoteWords } from './systemd-quote.js';
import type { UnitEntry, UnitSection } from './unit-file.js';
import { dependencyName, networkFile, secretName, volumeFile } from './unit-names.js';

/** Long enough for a first image pull or a slow first start (Zammad's init, OpenSearch); Notify=healthy waits too. */
export const START_TIMEOUT_SECONDS = 900;

const NUMERIC_USER = /^([0-9]+)(?::([0-9]+))?$/;

interface RunAs {
  readonly user: string;
  readonly group: string | undefined;
}

/** The identity the container's process runs as, and the groups (names) that identity brings along. */
export const runAs = (m: Manifest, c: ManifestContainer, ctx: RenderContext): RunAs => {
  const numeric = NUMERIC_USER.exec(c.user);
  if (numeric !== null) return { user: numeric[1] ?? c.user, group: numeric[2] };
  if (m.mode === 'rootless') return { user: c.user, group: undefined }; // a user inside the image
  const resolved = ctx.resolved.users[c.user];
  if (resolved === undefined) {
    throw new RenderError(`containers.${c.name}.user`, `service user "${c.user}" has no UID yet: declare it under users so the accounts step creates it`);
  }
  // rick-infra ADR-005: rootful containers run as their dedicated host user, UID and GID unchanged.
  return { user: String(resolved.uid), group: String(resolved.gid) };
};

/**
 * rootful: the GIDs of the client groups through which the service user reaches the socket directories it mounts —
 * only groups the manifest makes it a member of (users[].groups, which the identity step applies), never a mounted
 * directory's group by the mere fact of mounting it (rick-infra ADR-005). The directory's owner needs no group.
 */
const supplementaryGids = (m: Manifest, c: ManifestContainer, ctx: RenderContext): number[] => {
  const member = new Set<string>(m.users.find((u) => u.name === c.user)?.groups ?? []);
  const names = new Set<string>();
  for (const dir of c.sockets) {
    const socket = m.sockets.find((s) => s.dir === dir);
    if (socket !== undefined && member.has(socket.group)) names.add(socket.group);
  }
  return [...names]
    .map((g) => {
      const gid = ctx.resolved.groups[g];
      if (gid === undefined) throw new RenderError(`containers.${c.name}`, `group "${g}" has no GID yet: declare it under groups`);
      return gid;
    })
    .sort((a, b) => a - b);
};

const groupEntries = (m: Manifest, c: ManifestContainer, ctx: RenderContext): UnitEntry[] => {
  const features = podmanFeatures(ctx.podman);
  // GroupAdd= exists from Podman 5.1 (podman-systemd.unit(5): "Also supports the keep-groups special flag");
  // older Quadlet only reaches --group-add through PodmanArgs=.
  const add = (value: string): UnitEntry => (features.groupAddKey ? ['GroupAdd', value] : ['PodmanArgs', quoteWord(`--group-add=${value}`)]);
  if (m.mode === 'rootless') {
    // Rootless: the owner's supplementary groups (the client groups) reach the container only through
    // keep-groups (crun); the user namespace remaps any GID we could name. Only where a socket needs it.
    return c.sockets.length > 0 ? [add('keep-groups')] : [];
  }
  return supplementaryGids(m, c, ctx).map((gid) => add(String(gid)));
};

const publishValue = (p: string): string => parsePublish(p)?.value ?? p;

const volumeValue = (m: Manifest, v: string): string => {
  const [name = '', path = '', flag] = v.split(':');
  return `${volumeFile(m.stack, name)}:${path}${flag === 'ro' ? ':ro' : ''}`;
};

const substituteAnswers = (value: string, where: string, ctx: RenderContext): string =>
  value.replace(ANSWER_REF, (_all, id: string) => {
    const answer = ctx.answers[id];
    if (answer === undefined) throw new RenderError(where, `refers to answer "${id}", which has no value: add it to the stack's questions and answer it`);
    return answer;
  });

const quoted = <T>(where: string, f: () => T): T => {
  try {
    return f();
  } catch (e) {
    if (e instanceof QuoteError) throw new RenderError(where, e.message);
    throw e;
  }
};

const unitSection = (m: Manifest, c: ManifestContainer, ctx: RenderContext): UnitSection => {
  const features = podmanFeatures(ctx.podman);
  const dep = (n: string) => dependencyName(m, n, 'quadlet', features);
  return {
    name: 'Unit',
    entries: [
      ['Description', escapeSpecifiers(`${m.stack}: ${c.name}`)],
      // Nothing starts while the encrypted data mount is missing: it would write onto the unencrypted root.
      ['RequiresMountsFor', m.dataMount],
      ...c.requires.map((r): UnitEntry => ['Requires', dep(r)]),
      ...c.wants.map((w): UnitEntry => ['Wants', dep(w)]),
      ...[...c.requires, ...c.wants].map((r): UnitEntry => ['After', dep(r)]),
    ],
  };
};

const containerSection = (m: Manifest, c: ManifestContainer, ctx: RenderContext): UnitSection => {
  const features = podmanFeatures(ctx.podman);
  const at = `containers.${c.name}`;
  const id = runAs(m, c, ctx);
  const entries: UnitEntry[] = [
    ['ContainerName', c.name],
    // A verified stack archive's image by its ID: the unit runs exactly what was loaded, whatever the tag says later.
    ['Image', c.imageId ?? c.image],
    // Loaded from an archive or built on the host: never reach for a registry the host may not have.
    ...(c.imageArchive !== undefined || c.imageBuild !== undefined || c.imageFile !== undefined ? [['Pull', 'never'] as const] : []),
    ['Label', `keelson.stack=${m.stack}`],
    ['User', id.user],
    ...(id.group !== undefined ? [['Group', id.group] as const] : []),
    ...groupEntries(m, c, ctx),
  ];
  // No network declared and nothing published: no network at all, rather than the default one with a way out.
  if (c.networks.length === 0 && c.publish.length === 0) entries.push(['Network', 'none']);
  for (const n of c.networks) entries.push(['Network', networkFile(m.stack, n)]);
  for (const p of c.publish) entries.push(['PublishPort', publishValue(p)]);
  for (const v of c.volumes) entries.push(['Volume', volumeValue(m, v)]);
  // Shared (lower-case z) label: the same socket directory is mounted by several containers and the host service.
  for (const dir of c.sockets) entries.push(['Volume', `${dir}:${dir}${ctx.selinux ? ':z' : ''}`]);
  for (const s of c.secrets) entries.push(['Secret', `${secretName(m.stack, s.name)},type=env,target=${s.env}`]);
  for (const key of Object.keys(c.env).sort()) {
    const where = `${at}.env.${key}`;
    const value = substituteAnswers(c.env[key] ?? '', where, ctx);
    entries.push(['Environment', quoted(where, () => quoteWord(`${key}=${value}`, `env ${key}`))]);
  }
  entries.push(['NoNewPrivileges', 'true']);
  if (c.readOnly) entries.push(['ReadOnly', 'true'], ['ReadOnlyTmpfs', 'true']);
  if (c.health !== undefined) {
    const health = c.health;
    entries.push(
      ['HealthCmd', quoted(`${at}.health.cmd`, () => healthCmdValue(health.cmd))],
      ['HealthInterval', health.interval],
      ['HealthRetries', String(health.retries)],
      // Unhealthy → killed → Restart=on-failure brings it back.
      ['HealthOnFailure', 'kill'],
    );
    // The unit becomes active only once healthy (Podman 5.0+); older hosts are polled after start instead.
    if (features.notifyHealthy) entries.push(['Notify', 'healthy']);
  }
  if (c.exec !== undefined) {
    const exec = c.exec;
    entries.push(['Exec', quoted(`${at}.exec`, () => quoteWords(exec))]);
  }
  return { name: 'Container', entries };
};

export const renderContainer = (m: Manifest, c: ManifestContainer, ctx: RenderContext): UnitSection[] => [
  unitSection(m, c, ctx),
  containerSection(m, c, ctx),
  {
    name: 'Service',
    entries: [
      // A run-once job: the unit is "activating" while it runs and stays active after it exits 0, so the containers
      // that require it start only after it finished (After= waits for a oneshot to complete).
      ...(c.runOnce ? ([['Type', 'oneshot'], ['RemainAfterExit', 'yes']] as const) : []),
      ['Restart', 'on-failure'],
      // A job that fails early (its database not up yet) tries again in 10 s rather than using up the start limit.
      ...(c.runOnce ? ([['RestartSec', '10s']] as const) : []),
      ['TimeoutStartSec', String(START_TIMEOUT_SECONDS)],
    ],
  },
];
